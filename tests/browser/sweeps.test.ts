import type { Page } from "playwright-core";
import { beforeAll, expect, inject, test } from "vitest";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";
import { call } from "../helpers/http";
import { makeNotebook, toySpace } from "../helpers/sweeps";

// Sweeps in Chromium: the New sweep form starts a random sweep of the toy notebook and lands
// on its page, which follows it to the end: six trials in the table, the best one marked,
// the objective over time, a scatter per parameter and the parallel coordinates drawing a
// mark per trial. A bad space is refused naming the field. Trials run in real containers:
// every wait is for a state.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let page: Page;
let token: string;

beforeAll(async () => {
  const ctx = await chromium.browser.newContext({ baseURL: server.url });
  let user: string;
  ({ page, name: user } = await signUpInBrowser(ctx, "sweeps"));
  token = (await call(server.url, "POST", `/hub/api/users/${user}/tokens`, { token: server.adminToken, body: {} })).body.token;
}, 120_000);

/** The New sweep form on /sweeps, filled for `notebook` with `space`; the rest as a test sweep wants it. */
async function fillNewSweep(notebook: number, space: string) {
  await page.goto("/sweeps");
  const select = page.getByLabel("Notebook");
  await expect.poll(() => select.locator(`option[value="${notebook}"]`).count()).toBe(1);
  await select.selectOption(String(notebook));
  await page.getByLabel("Search space (JSON)").fill(space);
  await page.getByLabel("Objective metric").fill("loss");
  await page.getByLabel("Goal").selectOption("minimize");
  await page.getByLabel("Strategy").selectOption("random");
  await page.getByLabel("Max trials").fill("6");
  await page.getByLabel("Max parallel").fill("2");
  await page.getByLabel("Seed (optional)").fill("5");
}

const marks = (selector: string) => page.locator(selector).count();

test("New sweep: a random sweep of 6 trials runs to the end on its page, the lowest loss marked best and every chart drawing each trial", async () => {
  const nb = await makeNotebook(server.url, token);
  await fillNewSweep(nb, JSON.stringify(toySpace));
  await page.getByRole("button", { name: "Start sweep" }).click();
  await page.waitForURL(/\/sweeps\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split("/").pop());
  expect(await page.locator("dl.props").first().textContent()).toMatch(/Random.*minimize loss.*6 trials, 2 at a time.*Seed5/);

  await expect.poll(() => page.getByTestId("sweep-status").textContent(), { timeout: 300_000, interval: 500 }).toBe("succeeded");
  const api = (await call(server.url, "GET", `/api/sweeps/${id}`, { token })).body;
  expect(api.status).toBe("succeeded");

  // the table: six trials, exactly one marked best, and it has the lowest objective
  const rows = page.getByTestId("trials").locator("tbody tr");
  await expect.poll(() => rows.count()).toBe(6);
  expect(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-status")))).toEqual(Array(6).fill("succeeded"));
  const objectives = (await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-objective")))).map(Number);
  const best = page.getByTestId("trials").locator("tbody tr[data-best]");
  expect(await best.count()).toBe(1);
  expect(Number(await best.getAttribute("data-objective"))).toBe(Math.min(...objectives));
  expect(Number(await best.getAttribute("data-trial"))).toBe(api.best_trial);
  expect(await best.locator("th").textContent()).toContain("best");

  // the charts: one mark (or line) per trial in each, each an image with a name
  expect(await marks('[data-testid="objective-chart"] circle[data-trial]')).toBe(6);
  expect(await marks('[data-testid="objective-chart"] [data-testid="best-so-far"]')).toBe(1);
  const scatters = page.getByTestId("param-scatter");
  expect(await scatters.evaluateAll((fs) => fs.map((f) => f.getAttribute("data-param")))).toEqual(["depth", "lr"]);
  for (const p of ["depth", "lr"]) expect(await marks(`[data-testid="param-scatter"][data-param="${p}"] circle[data-trial]`)).toBe(6);
  expect(await page.locator('[data-param="lr"] svg').getAttribute("aria-label")).toContain("log scale");
  expect(await marks('[data-testid="parallel-coords"] polyline[data-trial]')).toBe(6);
  expect(await page.locator('main svg[role="img"][aria-label]').count()).toBe(4);

  // the best trial: its objective; no model to register; running it again needs the user's server
  const panel = page.getByTestId("best-trial");
  expect(Number(await panel.getByTestId("best-objective").textContent())).toBeCloseTo(Math.min(...objectives), 2);
  await panel.getByTestId("best-no-model").waitFor();
  expect(await panel.getByRole("link", { name: `Run ${api.trials[api.best_trial].run_id}` }).count()).toBe(1);
  await panel.getByRole("button", { name: "Run again with these parameters" }).click();
  await expect.poll(() => panel.locator(".alert-error").textContent()).toContain("Start your server first");
  expect(await unnamedControls(page)).toEqual([]);

  // the list: the sweep, ended, with all its trials
  await page.getByRole("link", { name: "Sweeps" }).first().click();
  await page.waitForURL(/\/sweeps$/);
  await expect.poll(() => page.locator(`[data-testid="sweep-row"][data-sweep-id="${id}"]`).textContent()).toMatch(/Sweep \d+.*Random.*minimize loss.*succeeded.*6 \/ 6/);
}, 420_000);

test("New sweep: a bad space is refused naming the field, and nothing starts", async () => {
  const nb = await makeNotebook(server.url, token);
  const before = (await call(server.url, "GET", "/api/sweeps", { token })).body.sweeps.length;
  await fillNewSweep(nb, JSON.stringify({ lr: { type: "loguniform", low: 0, high: 1 } }));
  await page.getByRole("button", { name: "Start sweep" }).click();
  await expect.poll(() => page.locator(".alert-error").first().textContent()).toMatch(/^space\.lr\.low: /);
  // a parameter the notebook does not declare, and text that is not JSON
  await page.getByLabel("Search space (JSON)").fill(JSON.stringify({ width: { type: "int", low: 1, high: 4 } }));
  await page.getByRole("button", { name: "Start sweep" }).click();
  await expect.poll(() => page.locator(".alert-error").first().textContent()).toMatch(/^space\.width: .*not a parameter/);
  await page.getByLabel("Search space (JSON)").fill("{lr: 1");
  await page.getByRole("button", { name: "Start sweep" }).click();
  await expect.poll(() => page.locator(".alert-error").first().textContent()).toMatch(/^space: Not JSON/);
  expect(new URL(page.url()).pathname).toBe("/sweeps");
  expect((await call(server.url, "GET", "/api/sweeps", { token })).body.sweeps.length).toBe(before);
  expect(await unnamedControls(page)).toEqual([]);
});
