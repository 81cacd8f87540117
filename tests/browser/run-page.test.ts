import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import path from "node:path";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";
import { tempDir } from "../helpers/kiln";

// A run's page as its researcher reads it: each cell's outputs drawn by the notebook's own
// renderers, and a failed cell's traceback (the page used to crash on any cell error).
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let ctx: BrowserContext;
let page: Page;
let user: string;

const CELLS = [
  { id: "hello", cell_type: "code", metadata: {}, source: 'from IPython.display import HTML, display\nprint("hello from the run")\ndisplay(HTML("<b class=\'shown-html\'>bold output</b>"))' },
  { id: "boom", cell_type: "code", metadata: {}, source: "def explode(x):\n    return x / 0\nexplode(41)" },
];

beforeAll(async () => {
  ctx = await chromium.browser.newContext({ baseURL: server.url });
  ({ page, name: user } = await signUpInBrowser(ctx, "runpage"));
  const r = await page.request.post(`/hub/api/users/${user}/server`, { data: {} });
  expect([201, 202]).toContain(r.status());
}, 90_000);
afterAll(async () => {
  await page?.request.delete(`/hub/api/users/${user}/server`).catch(() => {});
  await ctx?.close();
});

/** The run page shows both cells: the print and the HTML as the notebook shows them, and the traceback of the one that failed. */
async function expectCellsShown(p: Page, runId: number) {
  await p.goto(`/experiments/${runId}`);
  const cells = p.locator("li.run-cell");
  await expect.poll(() => cells.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  expect(await p.getByText("This page couldn't load").count()).toBe(0);
  const hello = cells.filter({ hasText: "hello from the run" }).first();
  expect(await hello.getByTestId("run-cell-outputs").locator("pre").first().innerText()).toBe("hello from the run");
  expect(await hello.locator("b.shown-html").innerText()).toBe("bold output");
  const failed = p.locator('li.run-cell[data-status="error"]');
  const error = failed.getByRole("group", { name: "Error: ZeroDivisionError" });
  await error.waitFor({ timeout: 10_000 });
  const text = await error.innerText();
  expect(text).toMatch(/ZeroDivisionError: division by zero/);
  expect(text).toMatch(/explode\(41\)/); // the traceback itself, frame by frame
  expect(text).toMatch(/return x \/ 0/);
  expect(await unnamedControls(p)).toEqual([]);
  await p.screenshot({ path: path.join(tempDir("run-page-shot"), `run-${runId}.png`), fullPage: true }); // for a person to look at
}

test("the run page of a run with a failed cell shows every cell's outputs and the traceback, for an interactive and a whole-notebook run; compare diffs their code", async () => {
  const created = await page.request.post("/api/notebooks", { data: { name: "Failing experiment", cells: CELLS } });
  expect(created.status()).toBe(201);
  const notebookId = (await created.json()).id as number;

  // interactive: the cells run one by one in the notebook's kernel
  await expect
    .poll(async () => (await page.request.post(`/api/notebooks/${notebookId}/execute`, { data: { cell_id: "hello", code: CELLS[0]!.source } })).status(), { timeout: 60_000, interval: 1000 })
    .toBe(202);
  expect((await page.request.post(`/api/notebooks/${notebookId}/execute`, { data: { cell_id: "boom", code: CELLS[1]!.source } })).status()).toBe(202);
  let interactive = 0;
  await expect
    .poll(async () => {
      const list = await (await page.request.get(`/api/runs?notebook_id=${notebookId}`)).json();
      interactive = list.runs?.[0]?.id ?? 0;
      if (!interactive) return "no run";
      const detail = await (await page.request.get(`/api/runs/${interactive}`)).json();
      return detail.cells.map((c: { status: string }) => c.status).join(",");
    }, { timeout: 60_000, interval: 500 })
    .toBe("ok,error");
  await expectCellsShown(page, interactive);

  // batch: "Run as experiment" stops at the failed cell and the run ends failed
  const started = await page.request.post(`/api/notebooks/${notebookId}/runs`, { data: {} });
  expect(started.status()).toBe(202);
  const batch = (await started.json()).id as number;
  await expect.poll(async () => (await (await page.request.get(`/api/runs/${batch}`)).json()).status, { timeout: 120_000, interval: 1000 }).toBe("failed");
  await expectCellsShown(page, batch);

  // compare: a second whole-notebook run with a parameter; the code diff shows the injected cell
  const second = await page.request.post(`/api/notebooks/${notebookId}/runs`, { data: { params: { lr: 0.5 } } });
  const withParams = (await second.json()).id as number;
  await expect.poll(async () => (await (await page.request.get(`/api/runs/${withParams}`)).json()).status, { timeout: 120_000, interval: 1000 }).toBe("failed");
  await page.goto(`/experiments/compare?ids=${batch},${withParams}`);
  const diff = page.locator(`[data-testid="code-diff"][data-run-id="${withParams}"]`);
  await diff.waitFor({ timeout: 15_000 });
  expect((await diff.locator('[data-diff="added"]').allInnerTexts()).map((t) => t.trimEnd())).toEqual(["+ # ── cell injected-parameters ──", "+ # Parameters", "+ lr = 0.5"]);
  expect(await diff.locator('[data-diff="removed"]').count()).toBe(0);
  expect(await diff.innerText()).toMatch(/cell hello/); // context around the change
  // the other way round: against the second run, the first lacks those lines
  await page.getByLabel("Compare against").selectOption(String(withParams));
  const back = page.locator(`[data-testid="code-diff"][data-run-id="${batch}"]`);
  await expect.poll(() => back.locator('[data-diff="removed"]').count(), { timeout: 10_000 }).toBe(3);
  // an interactive run of the same cells ran the same code as the first batch run
  await page.goto(`/experiments/compare?ids=${batch},${interactive}`);
  await page.locator(`[data-testid="code-diff"][data-run-id="${interactive}"]`).getByText("the same code").waitFor({ timeout: 15_000 });
  expect(await unnamedControls(page)).toEqual([]);
}, 400_000);
