import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import path from "node:path";
import { unnamedControls, signUpInBrowser, useChromium } from "../helpers/browser";
import { tempDir } from "../helpers/kiln";

// Experiments as researchers see them: Chromium, runs recorded by a real kernel in the user's container.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let ctx: BrowserContext;
let page: Page;
let user: string;

const CODE = 'import kiln\nkiln.log_param("lr", 0.1)\n[kiln.log_metric("loss", 1/(i+1), step=i) for i in range(100)]\nprint("logged")';

const signUp = signUpInBrowser;

// Recorded before any of the page's scripts run: the charts (uPlot) must draw under Kiln's CSP.
const RECORD_VIOLATIONS = `window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));`;
const violations = (p: Page) => p.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

beforeAll(async () => {
  ctx = await chromium.browser.newContext({ baseURL: server.url });
  await ctx.addInitScript(RECORD_VIOLATIONS);
  ({ page, name: user } = await signUp(ctx, "exp"));
  const r = await page.request.post(`/hub/api/users/${user}/server`, { data: {} });
  expect([201, 202]).toContain(r.status());
}, 90_000);
afterAll(async () => {
  await page?.request.delete(`/hub/api/users/${user}/server`).catch(() => {});
  await ctx?.close();
});

/**
 * A notebook whose one cell logs lr and 100 loss values, run through the API in the user's
 * kernel; resolves once the run holds all 100 values and the cell has finished.
 */
async function notebookWithRun(p: Page, name: string): Promise<{ notebookId: number; runId: number }> {
  const created = await p.request.post("/api/notebooks", { data: { name, cells: [{ id: "c0", cell_type: "code", source: CODE, metadata: {} }] } });
  expect(created.status()).toBe(201);
  const notebookId = (await created.json()).id as number;
  // the server may still be starting (202 above): the kernel is there once execute is accepted
  await expect
    .poll(async () => (await p.request.post(`/api/notebooks/${notebookId}/execute`, { data: { cell_id: "c0", code: CODE } })).status(), { timeout: 60_000, interval: 1000 })
    .toBe(202);
  let runId = 0;
  await expect
    .poll(async () => {
      const list = await (await p.request.get(`/api/runs?notebook_id=${notebookId}`)).json();
      const run = list.runs?.[0];
      if (!run || run.metrics.loss?.count !== 100) return "logging";
      runId = run.id;
      const detail = await (await p.request.get(`/api/runs/${run.id}`)).json();
      return detail.cells.at(-1)?.status;
    }, { timeout: 60_000, interval: 500 })
    .toBe("ok");
  return { notebookId, runId };
}

const row = (p: Page, runId: number) => p.locator(`tr[data-run-id="${runId}"]`);

/** Moves the mouse over the loss chart's plot area, `at` of the way across (0: its left edge). */
async function hoverChartAt(p: Page, at: number) {
  const over = lossChart(p).locator(".u-over");
  await over.waitFor({ timeout: 15_000 });
  await over.scrollIntoViewIfNeeded(); // the mouse reaches only what is on screen
  const b = (await over.boundingBox())!;
  await p.mouse.move(b.x + 1 + (b.width - 2) * at, b.y + b.height / 2);
}
const lossChart = (p: Page) => p.locator('figure[data-metric="loss"]');

test("a logged run is listed with its param and metric, its page charts the loss, Run as experiment adds a second, and Compare overlays both", async () => {
  const { notebookId, runId } = await notebookWithRun(page, "Experiment one");

  // the runs table, filtered to the notebook from the URL
  await page.goto(`/experiments?notebook_id=${notebookId}`);
  await row(page, runId).waitFor({ timeout: 15_000 });
  expect(await row(page, runId).locator('td[data-param="lr"]').innerText()).toBe("0.1");
  expect(await row(page, runId).locator('td[data-metric="loss"]').innerText()).toBe("0.01");
  expect(await page.getByRole("columnheader", { name: /loss/ }).count()).toBe(1);
  expect(await page.getByTestId("runs-total").innerText()).toMatch(/^1 run\b/);
  expect(await unnamedControls(page)).toEqual([]);

  // sorting by a metric column goes to the API (and the URL); a second click flips it
  await page.getByRole("columnheader", { name: /loss/ }).getByRole("button").click();
  await expect.poll(() => page.getByRole("columnheader", { name: /loss/ }).getAttribute("aria-sort")).toBe("descending");
  await page.getByRole("columnheader", { name: /loss/ }).getByRole("button").click();
  await expect.poll(() => new URL(page.url()).searchParams.get("order")).toBe("asc");
  expect(new URL(page.url()).searchParams.get("sort")).toBe("metric.loss");

  // a bad metric filter: the API's message, next to the filters
  await page.getByLabel("Filter on").selectOption("metric");
  await page.getByLabel("Key").fill("loss");
  await page.getByLabel("Number").fill("zero");
  await page.getByRole("button", { name: "Add filter" }).click();
  await expect.poll(() => page.getByTestId("runs-error").innerText(), { timeout: 10_000 }).toMatch(/metric\.loss: must be a comparison/);
  await page.getByRole("button", { name: /Remove filter loss/ }).click();
  await expect.poll(() => page.getByTestId("runs-error").count(), { timeout: 10_000 }).toBe(0);
  await row(page, runId).waitFor();

  // the run page: the param, and the loss chart drawn from the 100-point series
  await row(page, runId).getByRole("link", { name: `#${runId}` }).click();
  await page.waitForURL((u) => u.pathname === `/experiments/${runId}`);
  await page.getByTestId("run-params").waitFor();
  expect(await page.getByTestId("run-params").innerText()).toMatch(/lr\s+0\.1/);
  await expect.poll(() => lossChart(page).getAttribute("data-points"), { timeout: 15_000 }).toBe(`${runId}:100`); // one point per step
  await lossChart(page).locator("canvas").first().waitFor();
  // the value under the cursor: step 0 logged 1/(0+1)
  await hoverChartAt(page, 0);
  await expect.poll(() => lossChart(page).getByTestId("chart-values").innerText()).toMatch(new RegExp(`Run #${runId}\\s*step 0: 1\\b`));
  expect(await page.getByRole("link", { name: "Experiment one" }).getAttribute("href")).toBe(`/notebooks/${notebookId}`);
  expect(await violations(page)).toEqual([]);
  expect(await unnamedControls(page)).toEqual([]);

  // a second run: "Run as experiment" on the notebook page opens the new run, which finishes
  await page.goto(`/notebooks/${notebookId}`);
  await page.getByRole("button", { name: "Run as experiment" }).click();
  await page.waitForURL((u) => /^\/experiments\/\d+$/.test(u.pathname) && u.pathname !== `/experiments/${runId}`, { timeout: 15_000 });
  const secondId = Number(new URL(page.url()).pathname.split("/").pop());
  await expect.poll(() => page.getByTestId("run-status").first().innerText(), { timeout: 90_000, interval: 1000 }).toBe("finished");
  await expect.poll(() => lossChart(page).getAttribute("data-points"), { timeout: 15_000 }).toBe(`${secondId}:100`);

  // the notebook's runs, both picked, compared
  await page.goto(`/notebooks/${notebookId}`);
  await page.getByRole("link", { name: "Runs", exact: true }).click();
  await page.waitForURL((u) => u.pathname === "/experiments" && u.searchParams.get("notebook_id") === String(notebookId));
  await row(page, secondId).waitFor({ timeout: 15_000 });
  await page.getByLabel(`Select run ${runId}`).check();
  await page.getByLabel(`Select run ${secondId}`).check();
  await page.getByRole("button", { name: /^Compare/ }).click();
  await page.waitForURL((u) => u.pathname === "/experiments/compare");
  await page.getByTestId("compare-table").waitFor();
  for (const id of [runId, secondId]) expect(await page.getByRole("columnheader", { name: `Run #${id}` }).count()).toBe(1);
  await expect.poll(() => lossChart(page).getAttribute("data-points"), { timeout: 15_000 }).toBe(`${runId}:100,${secondId}:100`);
  const colours = await lossChart(page).getByTestId("chart-values").locator("line").evaluateAll((ls) => ls.map((l) => l.getAttribute("stroke")));
  expect(new Set(colours).size).toBe(2);
  expect(await lossChart(page).getByRole("list").innerText()).toMatch(new RegExp(`Run #${runId}[\\s\\S]*Run #${secondId}`));
  expect(await unnamedControls(page)).toEqual([]);

  // the cursor reads every run at once; smoothing, a log scale and time on x redraw every chart
  const values = lossChart(page).getByTestId("chart-values");
  await hoverChartAt(page, 0.5);
  await expect.poll(() => values.locator("li").evaluateAll((ls) => ls.map((l) => /step \d+: [\d.]+/.test(l.textContent ?? "")))).toEqual([true, true]);
  const raw = await values.locator(`li[data-run-id="${runId}"]`).innerText();
  const step = Number(/step (\d+)/.exec(raw)![1]);
  expect(raw).toContain(`step ${step}: ${+(1 / (step + 1)).toPrecision(4)}`);
  await page.getByLabel(/^Smoothing/).fill("0.9");
  await hoverChartAt(page, 0.5);
  await expect.poll(async () => Number(/: ([\d.]+)/.exec(await values.locator(`li[data-run-id="${runId}"]`).innerText())?.[1])).toBeGreaterThan(1 / (step + 1)); // a falling line smoothed lags above it
  await page.getByLabel("Log scale").check();
  await page.getByLabel("Horizontal axis").selectOption("relative");
  await hoverChartAt(page, 0.5);
  await expect.poll(() => values.locator(`li[data-run-id="${runId}"]`).innerText()).toMatch(/Run #\d+\s*[\d.]+m?s?( \d+s)?: [\d.]+/);
  await page.getByLabel("Horizontal axis").selectOption("step");
  // zoom: drag across the first half; the chart re-reads that span and offers to reset
  const canvas = lossChart(page).locator(".u-over");
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await lossChart(page).getByRole("button", { name: "Reset zoom" }).waitFor({ timeout: 10_000 });
  await expect.poll(async () => (await lossChart(page).getAttribute("data-points"))!.split(",").map((p) => Number(p.split(":")[1]))).toSatisfy((ns: number[]) => ns.every((n) => n > 10 && n < 100));
  await lossChart(page).getByRole("button", { name: "Reset zoom" }).click();
  await expect.poll(() => lossChart(page).getAttribute("data-points")).toBe(`${runId}:100,${secondId}:100`);
  expect(await unnamedControls(page)).toEqual([]);
  expect(await violations(page)).toEqual([]);
  await page.screenshot({ path: path.join(tempDir("compare-shot"), "compare.png"), fullPage: true }); // for a person to look at
}, 240_000);

test("bob's browser cannot see alice's run: the run page says it is not found, and his runs table does not list it", async () => {
  const { runId } = await notebookWithRun(page, "Alice's private experiment");
  const bobCtx = await chromium.browser.newContext({ baseURL: server.url });
  try {
    const { page: bob } = await signUp(bobCtx, "expbob");
    await bob.goto(`/experiments/${runId}`);
    await bob.getByTestId("run-not-found").waitFor({ timeout: 10_000 });
    expect(await bob.getByTestId("run-not-found").innerText()).toMatch(/does not exist, or it is not shared with you/);
    expect(await bob.getByText("Alice's private experiment").count()).toBe(0);
    await bob.goto("/experiments");
    await bob.getByTestId("runs-total").or(bob.getByText("No runs yet")).first().waitFor();
    expect(await row(bob, runId).count()).toBe(0);
  } finally {
    await bobCtx.close();
  }
}, 120_000);
