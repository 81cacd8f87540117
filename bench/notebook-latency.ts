/**
 * What a researcher waits for in the editor, in headless Chromium (Debian's) against a
 * production Kiln with a real kernel in Docker:
 * - Shift+Enter on `N+1` (typed just before, as people do) to its result painted: the
 *   keydown's timestamp to the frame after the result is in the DOM (target p50 < 30 ms);
 *   the chord is played as a hand plays it, Shift down --chord-gap-ms (60) before Enter;
 * - completion: `np.ar` + Tab to the list painted, and the `complete` command's round trip
 *   on the notebook channel from the page (target p50 < 50 ms on an idle kernel).
 * Baselines in the same run: the same kernel's round trips straight over its Jupyter
 * Server's socket (execute_request to reply and idle, one beside each Shift+Enter round;
 * complete_request to reply), and what the page adds over the kernel's p50.
 * Prints JSON; writes bench/results/notebook-latency.json.
 * usage: node --import tsx bench/notebook-latency.ts [--rounds 30] [--only run] [--trace FILE] [--chord-gap-ms 60] [--direct-open]
 *   --trace writes Chromium's trace of the last five Shift+Enter rounds (chrome://tracing, Perfetto).
 */
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { launchChromium } from "../tests/helpers/browser";
import { signUpInPage } from "./browser-user";
import { directKernel, summary } from "./direct-kernel";
import { adminToken, freePort, ROOT, startServer } from "./kiln-process";

setTimeout(() => {
  process.stderr.write("bench/notebook-latency.ts: gave up after 8 minutes\n");
  process.exit(1);
}, 8 * 60_000).unref();

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const ROUNDS = Number(arg("--rounds") ?? 30) || 30;
const ONLY_RUN = arg("--only") === "run";
const TRACE = arg("--trace");
const DIRECT_OPEN = process.argv.includes("--direct-open");

// When a change to the DOM is on screen: a task posted once the frame that shows it has been
// painted. A change made during a frame's animation callbacks (the editor applies events
// there) is painted in that frame; any other waits for the next one. The page's own
// requestAnimationFrame callbacks say which (installed before the page loads). This asks for
// no frame of its own: a frame always pending (a rAF loop) would make Chromium hold the
// page's tasks after every key until that frame (DeferRendererTasksAfterInput), which the
// page alone does not.
const PAINTED = `(() => {
  let inFrame = false;
  const after = new MessageChannel();
  after.port1.onmessage = () => (inFrame = false);
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((t) => {
    if (!inFrame) { inFrame = true; after.port2.postMessage(0); }
    return cb(t);
  });
  window.__painted = (fn) => {
    const task = () => { const ch = new MessageChannel(); ch.port1.onmessage = () => fn(performance.now()); ch.port2.postMessage(0); };
    if (inFrame) task(); else raf(task);
  };
})()`;

// Every frame the page's WebSockets send and receive, timestamped (installed before the page loads).
const WIRE = `(() => {
  window.__wire = [];
  const W = window.WebSocket;
  window.WebSocket = class extends W {
    constructor(...a) { super(...a); this.addEventListener("message", (m) => window.__wire.push([performance.now(), "in", String(m.data).slice(0, 120)])); }
    send(d) { window.__wire.push([performance.now(), "out", String(d).slice(0, 120)]); return super.send(d); }
  };
})()`;

// Armed before the key: the Shift+Enter keydown's timestamp, then the paint of the frame that
// shows \`expected\` in the cell's outputs; with where the time went (the execute command sent,
// the output event received, the output in the DOM).
const ARM = `(expected) => {
  window.__wire.length = 0;
  window.__took = new Promise((resolve) => {
    let t0 = null;
    const onKey = (e) => { if (e.key === "Enter" && e.shiftKey) { t0 = e.timeStamp; document.removeEventListener("keydown", onKey, true); } };
    document.addEventListener("keydown", onKey, true);
    const cell = document.querySelector('[data-testid="cell"]');
    const check = () => {
      const out = cell.querySelector('[data-testid="cell-outputs"]');
      if (t0 === null || !out || !out.textContent.includes(expected)) return;
      obs.disconnect();
      const dom = performance.now();
      const sent = window.__wire.find((w) => w[1] === "out" && w[2].includes('"execute"'));
      const output = window.__wire.find((w) => w[1] === "in" && w[2].includes('"output"'));
      window.__painted((t) => resolve({ total: t - t0, sent: sent ? sent[0] - t0 : null, output: output ? output[0] - t0 : null, dom: dom - t0 }));
    };
    const obs = new MutationObserver(check);
    obs.observe(cell, { subtree: true, childList: true, characterData: true });
  });
}`;

// Tab in a cell holding `np.ar`: the keydown to the frame after the completion list shows `arange`.
const ARM_TAB = `() => {
  window.__took = new Promise((resolve) => {
    let t0 = null;
    const onKey = (e) => { if (e.key === "Tab") { t0 = e.timeStamp; document.removeEventListener("keydown", onKey, true); } };
    document.addEventListener("keydown", onKey, true);
    const check = () => {
      const list = document.querySelector(".cm-tooltip-autocomplete");
      if (t0 === null || !list || !list.textContent.includes("arange")) return;
      obs.disconnect();
      window.__painted((t) => resolve(t - t0));
    };
    const obs = new MutationObserver(check);
    obs.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}`;

// The editor's own path for completion: a `complete` command on a notebook channel, from the page.
const CHANNEL_COMPLETE = `async ([id, n]) => {
  const ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/api/notebooks/" + id + "/channel");
  await new Promise((r) => (ws.onopen = r));
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise((resolve, reject) => {
      ws.onmessage = (m) => { const f = JSON.parse(m.data); if (f.reply === "c" + i) f.ok ? resolve() : reject(new Error(JSON.stringify(f.error))); };
      ws.send(JSON.stringify({ op: "complete", request_id: "c" + i, code: "np.ar", cursor_pos: 5 }));
    });
    times.push(performance.now() - t0);
  }
  ws.close();
  return times;
}`;

/** Ends the CDP trace and writes it to `file`. */
async function saveTrace(cdp: import("playwright-core").CDPSession, file: string) {
  const done = new Promise<string>((resolve) => cdp.once("Tracing.tracingComplete", (e) => resolve(e.stream as string)));
  await cdp.send("Tracing.end");
  const stream = await done;
  const parts: string[] = [];
  for (;;) {
    const r = await cdp.send("IO.read", { handle: stream });
    parts.push(r.base64Encoded ? Buffer.from(r.data, "base64").toString() : r.data);
    if (r.eof) break;
  }
  await cdp.send("IO.close", { handle: stream });
  fs.writeFileSync(file, parts.join(""));
}

const log = (m: string) => process.stderr.write(`[notebook-latency] ${m}\n`);
const cell = (p: Page, i: number) => p.locator('[data-testid="cell"]').nth(i);

/**
 * A chord as a person plays it: the modifier goes down a while before the key (the
 * CHORD_GAP_MS, about what people take), then the key, then both come up. Playwright's own
 * press("Shift+Enter") sends all four events in the same millisecond, which no hand does.
 */
const CHORD_GAP_MS = Number(arg("--chord-gap-ms") ?? 60);
async function pressChord(p: Page, modifier: string, key: string) {
  await p.keyboard.down(modifier);
  await p.waitForTimeout(CHORD_GAP_MS);
  await p.keyboard.press(key);
  await p.keyboard.up(modifier);
}

async function typeInto(p: Page, i: number, code: string) {
  await cell(p, i).locator('[data-testid="cell-input"]').click();
  await cell(p, i).locator(".cm-content").waitFor();
  await p.keyboard.press("ControlOrMeta+a");
  await p.keyboard.insertText(code);
}

const admin = adminToken();
const k = await startServer(await freePort(), { KILN_ADMIN_TOKEN: admin });
const { browser, close } = await launchChromium();
try {
  const ctx = await browser.newContext({ baseURL: k.url });
  await ctx.addInitScript(WIRE);
  await ctx.addInitScript(PAINTED);
  const page = await ctx.newPage();
  const user = await signUpInPage(page);
  const started = await page.request.post(`/hub/api/users/${user}/server`, { data: {} });
  if (![201, 202].includes(started.status())) throw new Error(`server did not start: ${started.status()} ${await started.text()}`);
  for (let i = 0; (await (await page.request.get(`/hub/api/users/${user}`)).json()).servers?.[""]?.ready !== true; i++) {
    if (i > 600) throw new Error("server not ready");
    await new Promise((r) => setTimeout(r, 100));
  }
  const cells = [{ id: "a", cell_type: "code", source: "import numpy as np", metadata: {} }, { id: "b", cell_type: "code", source: "np.ar", metadata: {} }];
  const { id } = await (await page.request.post("/api/notebooks", { data: { name: "latency", cells } })).json();
  await page.goto(`/notebooks/${id}`);
  await cell(page, 0).waitFor();

  // Shift+Enter on cell 0, a new sum each round (the first rounds warm up the kernel and page),
  // each round beside one straight to the same kernel: this machine's kernel round trip moves
  // by half between minutes, so the baseline is taken in the same moments.
  log("Shift+Enter rounds, each with a direct kernel round");
  const run: number[] = [];
  const directRun: number[] = [];
  const phases = { sent: [] as number[], output: [] as number[], dom: [] as number[] };
  const cdp = TRACE ? await ctx.newCDPSession(page) : null;
  let direct: Awaited<ReturnType<typeof directKernel>> | null = null;
  let kernelId: string | undefined;
  for (let i = 0; i < ROUNDS + 5; i++) {
    if (cdp && i === ROUNDS) await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline,renderer.scheduler,disabled-by-default-renderer.scheduler,blink,input,benchmark,disabled-by-default-devtools.timeline.stack,devtools.timeline.frame", transferMode: "ReturnAsStream" });
    await typeInto(page, 0, `${1000 + i}+1`);
    await page.evaluate(`(${ARM})(${JSON.stringify(String(1001 + i))})`);
    await pressChord(page, "Shift", "Enter");
    const took = (await page.evaluate("window.__took")) as { total: number; sent: number | null; output: number | null; dom: number };
    // The kernel exists once the first cell ran. The direct socket is open only for its own
    // round (--direct-open: for the whole run): while a second client is connected, Jupyter
    // Server relays every iopub message of the kernel to it too, Shift+Enter's included, which
    // slows the very round trip measured beside it. A warm-up execution on each new socket
    // first: Jupyter Server nudges a new connection's kernel (kernel_info) before its requests.
    kernelId ??= (await (await page.request.get(`/api/notebooks/${id}/kernel`)).json()).kernel_id as string;
    if (!direct) {
      direct = await directKernel(user, kernelId!);
      await direct.execute("pass");
    }
    const straight = await direct.execute(`${2000 + i}+1`);
    if (!DIRECT_OPEN) {
      await direct.close();
      direct = null;
    }
    if (i < 5) continue;
    run.push(took.total);
    directRun.push(straight);
    if (took.sent !== null) phases.sent.push(took.sent);
    if (took.output !== null) phases.output.push(took.output);
    phases.dom.push(took.dom);
  }
  if (cdp) await saveTrace(cdp, TRACE!);

  const report: Record<string, unknown> = {
    benchmark: "the notebook editor's waits, in headless Chromium, real kernel in Docker",
    shift_enter_to_result_painted_ms: { ...summary(run), target_p50: 30 },
    // from the same keydown: the command on the wire, the output event in, the output in the DOM
    shift_enter_phases_p50_ms: { command_sent: summary(phases.sent).p50, output_event_received: summary(phases.output).p50, output_in_dom: summary(phases.dom).p50 },
    baseline_direct_kernel_execute_ms: summary(directRun),
    // what the page, Kiln and the frame add to the kernel: the figure's target is about one frame
    shift_enter_p50_over_direct_kernel_p50_ms: +(summary(run).p50 - summary(directRun).p50).toFixed(1),
  };

  if (!ONLY_RUN) {
    log("completion rounds");
    // run the import (cell 0), then Tab at the end of `np.ar` in cell 1, Escape between rounds
    const count = () => cell(page, 0).locator('[data-testid="execution-count"]').innerText();
    const before = await count();
    await typeInto(page, 0, "import numpy as np");
    await page.keyboard.press("Control+Enter");
    for (let t = Date.now(); (await count()) === before || (await count()).includes("*"); ) {
      if (Date.now() - t > 60_000) throw new Error("the import did not finish");
      await new Promise((r) => setTimeout(r, 50));
    }
    const tab: number[] = [];
    for (let i = 0; i < ROUNDS + 3; i++) {
      await cell(page, 1).locator('[data-testid="cell-input"]').click();
      await cell(page, 1).locator(".cm-content").waitFor();
      await page.keyboard.press("End");
      await page.evaluate(`(${ARM_TAB})()`);
      await page.keyboard.press("Tab");
      let timer: NodeJS.Timeout | undefined;
      const took = (await Promise.race([
        page.evaluate("window.__took"),
        new Promise((_, reject) => (timer = setTimeout(async () => reject(new Error(`no completion list: the page shows ${await cell(page, 1).innerText()}`)), 30_000))),
      ]).finally(() => clearTimeout(timer))) as number;
      if (i >= 3) tab.push(took);
      await page.keyboard.press("Escape");
      await page.locator(".cm-tooltip-autocomplete").waitFor({ state: "detached" });
    }
    log("channel and direct completion rounds");
    const channel = ((await page.evaluate(`(${CHANNEL_COMPLETE})([${id}, ${ROUNDS + 5}])`)) as number[]).slice(5);
    const directComplete: number[] = [];
    direct ??= await directKernel(user, kernelId!);
    for (let i = 0; i < ROUNDS + 5; i++) {
      const t = await direct.complete("np.ar", 5);
      if (i >= 5) directComplete.push(t);
    }
    Object.assign(report, {
      tab_to_completion_list_painted_ms: summary(tab),
      complete_round_trip_on_channel_ms: { ...summary(channel), target_p50: 50 },
      baseline_direct_kernel_complete_ms: summary(directComplete),
    });
  }
  await direct?.close();
  await page.request.delete(`/hub/api/users/${user}/server`);
  fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "bench", "results", "notebook-latency.json"), JSON.stringify(report, null, 2));
  process.stdout.write(JSON.stringify(report, null, 2) + "\n");
} finally {
  await close();
  await k.stop();
}
