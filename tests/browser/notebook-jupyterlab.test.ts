import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";
import { cells, edit, openNewNotebook, outputsOf } from "../helpers/notebook-page";

// What a researcher coming from JupyterLab reaches for: completion and help from the kernel,
// command-mode keys, tags, collapsing, contents, parameters. Chromium, real kernels.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let ctx: BrowserContext;
let page: Page;
let user: string;

beforeAll(async () => {
  ctx = await chromium.browser.newContext({ baseURL: server.url });
  ({ page, name: user } = await signUpInBrowser(ctx, "jl"));
  const r = await page.request.post(`/hub/api/users/${user}/server`, { data: {} });
  expect([201, 202]).toContain(r.status());
}, 90_000);
afterAll(async () => {
  await page?.request.delete(`/hub/api/users/${user}/server`).catch(() => {});
  await ctx?.close();
});

const sources = (p: Page) => cells(p).locator('[data-testid="cell-input"]').allInnerTexts();

/** The selected cell in command mode (Escape from its editor). */
async function command(p: Page, i: number) {
  await cells(p).nth(i).locator('[data-testid="cell-input"]').click();
  await p.keyboard.press("Escape");
  await expect.poll(() => p.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("cell");
}

test("Tab completes from the kernel (np.ar offers arange and array), Shift+Tab shows np.zeros' signature, Tab at a line's start indents", async () => {
  await openNewNotebook(page, "Completion", [{ source: "import numpy as np" }, { source: "" }, { source: "" }]);
  await edit(page, 0, "import numpy as np");
  await page.keyboard.press("Shift+Enter");
  await expect.poll(() => cells(page).nth(0).locator('[data-testid="execution-count"]').innerText(), { timeout: 60_000 }).toMatch(/1/);

  await edit(page, 1, "np.ar");
  await page.keyboard.press("Tab");
  const list = page.locator(".cm-tooltip-autocomplete");
  await list.waitFor({ timeout: 15_000 });
  const offered = await list.locator("li").allInnerTexts();
  expect(offered.some((t) => t.startsWith("arange"))).toBe(true);
  expect(offered.some((t) => t.startsWith("array"))).toBe(true);
  // picking one writes it in; nothing else in the cell changed
  await list.locator("li", { hasText: /^arange/ }).first().click();
  await expect.poll(() => cells(page).nth(1).locator(".cm-content").innerText()).toBe("np.arange");

  await edit(page, 2, "np.zeros(");
  await page.keyboard.press("Shift+Tab");
  const help = page.getByTestId("inspect-tooltip");
  await help.waitFor({ timeout: 15_000 });
  expect(await help.innerText()).toMatch(/zeros\(shape, dtype=float/);
  await page.keyboard.press("Escape"); // closes the help, stays in the cell
  await help.waitFor({ state: "detached" });
  expect(await cells(page).nth(2).locator(".cm-editor.cm-focused").count()).toBe(1);

  // at the start of a line, Tab indents (and Shift+Tab dedents), as in JupyterLab
  await edit(page, 2, "for i in range(3):\n");
  await page.keyboard.press("Home");
  await page.keyboard.press("Tab");
  await page.keyboard.insertText("print(i)");
  await expect.poll(() => cells(page).nth(2).locator(".cm-content").innerText()).toBe("for i in range(3):\n    print(i)");
  expect(await page.locator(".cm-tooltip-autocomplete").count()).toBe(0);
}, 120_000);

test("while a cell runs, Tab says the kernel is busy instead of hanging; typing goes on meanwhile", async () => {
  await openNewNotebook(page, "Busy", [{ source: "" }, { source: "" }]);
  await edit(page, 0, "import time; time.sleep(600)"); // (I,I ends it)
  await page.keyboard.press("Shift+Enter");
  await expect.poll(() => page.getByTestId("kernel-status").innerText(), { timeout: 60_000 }).toMatch(/busy/);
  await edit(page, 1, "ti");
  await page.keyboard.press("Tab");
  await page.keyboard.insertText("me"); // typing is never held up
  await expect.poll(() => cells(page).nth(1).locator(".cm-content").innerText(), { timeout: 5000 }).toBe("time");
  await page.keyboard.press("Tab");
  await expect.poll(() => page.getByTestId("assist-notice").innerText(), { timeout: 5000 }).toMatch(/busy/i);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  await page.keyboard.press("i");
  await page.keyboard.press("i"); // I,I interrupts the sleep
  await expect.poll(() => outputsOf(page, 0).innerText(), { timeout: 30_000 }).toContain("KeyboardInterrupt").catch(async (e) => {
    throw new Error(`${e}\nfocus: ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))}\nstatus: ${await page.getByTestId("kernel-status").innerText()}\nerror: ${await page.locator(".alert").allInnerTexts()}`);
  });
}, 120_000);

test("command mode: C/V copy a cell, X cuts, Shift+V pastes above, Shift+Down then Shift+M merges, H lists the shortcuts", async () => {
  await openNewNotebook(page, "Keys", [{ source: "a = 1" }, { source: "b = 2" }, { source: "c = 3" }]);
  await command(page, 0);
  await page.keyboard.press("c");
  await page.keyboard.press("v");
  await expect.poll(() => sources(page)).toEqual(["a = 1", "a = 1", "b = 2", "c = 3"]);
  // the copy is a new cell (its own id), selected
  const ids = await cells(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-cell-id")));
  expect(new Set(ids).size).toBe(4);
  expect(await cells(page).nth(1).getAttribute("class")).toMatch(/nb-selected/);

  await page.keyboard.press("ArrowDown"); // b = 2
  await page.keyboard.press("x");
  await expect.poll(() => sources(page)).toEqual(["a = 1", "a = 1", "c = 3"]);
  await page.keyboard.press("Shift+V"); // above c = 3
  await expect.poll(() => sources(page)).toEqual(["a = 1", "a = 1", "b = 2", "c = 3"]);

  await page.keyboard.press("Shift+ArrowDown"); // b = 2 and c = 3 selected
  await expect.poll(() => page.locator(".nb-cell.nb-selected").count()).toBe(2);
  await page.keyboard.press("Shift+M");
  await expect.poll(() => sources(page)).toEqual(["a = 1", "a = 1", "b = 2\n\nc = 3"]);

  await page.keyboard.press("h");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await dialog.waitFor();
  expect(await dialog.innerText()).toMatch(/Shift\+M[\s\S]*merge/);
  expect(await unnamedControls(page)).toEqual([]);
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });

  // what the keys did is what is saved
  await page.keyboard.press("ControlOrMeta+s");
  await expect.poll(() => page.getByTestId("save-state").innerText(), { timeout: 10_000 }).toBe("Saved");
}, 60_000);

test("0,0 asks before restarting the kernel, as the toolbar's Restart does; Cancel keeps the variables", async () => {
  await openNewNotebook(page, "Restart", [{ source: "" }, { source: "" }]);
  await edit(page, 0, "x = 41");
  await page.keyboard.press("Shift+Enter");
  await expect.poll(() => cells(page).nth(0).locator('[data-testid="execution-count"]').innerText(), { timeout: 60_000 }).toMatch(/\d/);
  await command(page, 0);
  await page.keyboard.press("0");
  await page.keyboard.press("0");
  const ask = page.getByRole("dialog", { name: "Restart the kernel?" });
  await ask.waitFor();
  await ask.getByRole("button", { name: "Cancel" }).click();
  await ask.waitFor({ state: "detached" });
  await edit(page, 1, "x + 1");
  await page.keyboard.press("Shift+Enter");
  await expect.poll(() => outputsOf(page, 1).innerText(), { timeout: 30_000 }).toContain("42");

  await page.getByRole("button", { name: "Restart kernel" }).click();
  const restart = page.getByRole("dialog", { name: "Restart the kernel?" });
  await restart.getByRole("button", { name: "Restart", exact: true }).click();
  await restart.waitFor({ state: "detached" });
  await expect.poll(() => page.getByTestId("kernel-status").innerText(), { timeout: 30_000 }).toMatch(/idle/);
  // x is gone with the old kernel. (On a very busy machine the first cell after a restart was
  // seen lost once in several full runs: ARCHITECTURE.md, known issues; a second run must answer.)
  let out = "";
  for (let attempt = 0; attempt < 2 && !out.includes("NameError"); attempt++) {
    await edit(page, 1, "x + 1");
    await page.keyboard.press("Shift+Enter");
    out = await expect.poll(() => outputsOf(page, 1).innerText(), { timeout: 20_000 }).toContain("NameError").then(() => "NameError", async () => outputsOf(page, 1).innerText());
  }
  expect(out).toContain("NameError");
}, 120_000);

test("tags and metadata: the parameters cell shows its mark; collapsed input and outputs are kept in JupyterLab's metadata; contents list the headings", async () => {
  const id = await openNewNotebook(page, "Tags", [
    { source: "# Setup\n## Data", type: "markdown" },
    { source: "alpha = 0.5\nepochs = 3", tags: ["parameters"] },
    { source: "print('hello')" },
  ]);
  expect(await cells(page).nth(1).getByTestId("parameters-mark").innerText()).toBe("parameters");
  expect(await cells(page).nth(2).getByTestId("parameters-mark").count()).toBe(0);

  // tag a cell from the panel, hide its input and, once it printed, its outputs
  await command(page, 2);
  await page.getByRole("button", { name: "Tags & metadata" }).click();
  await page.getByLabel("New tag").fill("report");
  await page.getByRole("button", { name: "Add tag" }).click();
  await expect.poll(() => cells(page).nth(2).locator(".nb-tag").allInnerTexts()).toEqual(["report"]);
  await edit(page, 2, "print('hello')");
  await page.keyboard.press("Control+Enter");
  await expect.poll(() => outputsOf(page, 2).innerText(), { timeout: 30_000 }).toContain("hello");
  await cells(page).nth(2).getByRole("button", { name: "Hide outputs" }).click();
  await cells(page).nth(2).getByTestId("hidden-outputs").waitFor();
  await cells(page).nth(2).getByRole("button", { name: "Hide input" }).click();
  await cells(page).nth(2).getByTestId("hidden-input").waitFor();
  expect(await unnamedControls(page)).toEqual([]);

  await page.getByRole("button", { name: "Contents" }).click();
  expect(await page.getByTestId("toc").getByRole("button").allInnerTexts()).toEqual(["Setup", "Data"]);

  // stored as JupyterLab stores them; a reload shows them the same
  await page.keyboard.press("ControlOrMeta+s");
  await expect.poll(async () => (await (await page.request.get(`/api/notebooks/${id}`)).json()).content.cells[2].metadata, { timeout: 10_000 })
    .toMatchObject({ tags: ["report"], jupyter: { source_hidden: true, outputs_hidden: true }, collapsed: true });
  await page.reload();
  await cells(page).nth(2).getByTestId("hidden-input").waitFor();
  expect(await cells(page).nth(2).getByTestId("hidden-outputs").count()).toBe(1);
  await cells(page).nth(2).getByTestId("hidden-outputs").click();
  await expect.poll(() => outputsOf(page, 2).innerText()).toContain("hello");
}, 90_000);

test("Run as experiment opens the parameters cell's values, typed; a changed value is what the run ran with, and its page lists it as a param", async () => {
  await openNewNotebook(page, "Params", [
    { source: "alpha = 0.5\nepochs = 3\nname = 'base'\ndebug = False", tags: ["parameters"] },
    { source: "print(alpha, epochs, name, debug)" },
  ]);
  await page.getByRole("button", { name: "Run as experiment" }).click();
  const form = page.getByRole("dialog", { name: "Run as experiment" });
  await form.waitFor();
  expect(await form.getByLabel(/^alpha/).inputValue()).toBe("0.5");
  expect(await form.getByLabel(/^epochs/).inputValue()).toBe("3");
  expect(await form.getByLabel(/^name/).inputValue()).toBe("base");
  expect(await form.getByLabel("debug").isChecked()).toBe(false);
  expect(await unnamedControls(page)).toEqual([]);
  await form.getByLabel(/^epochs/).fill("x");
  await form.getByRole("button", { name: "Run" }).click();
  await expect.poll(() => form.getByRole("alert").innerText()).toMatch(/epochs: a whole number/);
  await form.getByLabel(/^epochs/).fill("7");
  await form.getByRole("button", { name: "Run" }).click();
  await page.waitForURL((u) => /^\/experiments\/\d+$/.test(u.pathname), { timeout: 30_000 });
  const runId = Number(new URL(page.url()).pathname.split("/").pop());
  await expect.poll(() => page.getByTestId("run-status").first().innerText(), { timeout: 120_000, interval: 1000 }).toBe("finished");
  // the run's output holds the injected value
  const out = await (await page.request.get(`/api/runs/${runId}/output`)).json();
  const printed = out.cells.flatMap((c: { outputs?: { text?: string | string[] }[] }) => c.outputs ?? []).map((o: { text?: string | string[] }) => [o.text ?? ""].flat().join("")).join("");
  expect(printed).toContain("0.5 7 base False");
  // the server records it as a param (lib/runs: injected or default)
  await page.reload();
  await page.getByTestId("run-params").waitFor({ timeout: 15_000 });
  expect(await page.getByTestId("run-params").innerText()).toMatch(/epochs\s+7/);
}, 180_000);

test("the Variables panel lists the kernel's variables and follows the cells being run", async () => {
  await openNewNotebook(page, "Variables", [{ source: "import numpy as np\nweights = np.ones((2, 5))" }, { source: "" }]);
  await edit(page, 0, "import numpy as np\nweights = np.ones((2, 5))");
  await page.keyboard.press("Shift+Enter");
  await expect.poll(() => cells(page).nth(0).locator('[data-testid="execution-count"]').innerText(), { timeout: 60_000 }).toMatch(/\d/);
  await page.getByRole("button", { name: "Variables" }).click();
  const rows = () => page.getByTestId("variables").locator("tbody tr").allInnerTexts();
  await expect.poll(rows, { timeout: 15_000 }).toEqual([expect.stringMatching(/^weights\s+numpy\.ndarray\s+2 x 5\s+array\(/)]);
  await edit(page, 1, "label = 'cats'");
  await page.keyboard.press("Shift+Enter");
  await expect.poll(rows, { timeout: 15_000 }).toEqual([expect.stringMatching(/^label\s+str\s+4\s+'cats'/), expect.stringMatching(/^weights/)]);
  await page.getByLabel("Filter variables").fill("wei");
  await expect.poll(rows).toEqual([expect.stringMatching(/^weights/)]);
  expect(await unnamedControls(page)).toEqual([]);
}, 120_000);

test("clicking anywhere in the input of the cell just run (its editor still mounted) edits that cell", async () => {
  await openNewNotebook(page, "Back to a cell", [{ source: "" }, { source: "" }]);
  await edit(page, 0, "a = 1");
  await page.keyboard.press("Shift+Enter");
  // at once, before the browser is idle: the editor lingers; a click on the input's edge, beside the text
  await cells(page).nth(0).locator('[data-testid="cell-input"]').click({ position: { x: 2, y: 2 } });
  await page.keyboard.press("End");
  await page.keyboard.insertText("  # and more");
  await expect.poll(() => sources(page)).toEqual(["a = 1  # and more", ""]);
}, 60_000);
