import type { BrowserContext, Page } from "playwright-core";
import { afterAll, expect, inject, test } from "vitest";
import { signUpInBrowser, useChromium } from "../helpers/browser";
import { cells, outputsOf, typeAndRun, openNewNotebook } from "../helpers/notebook-page";

// Defects a new user met in the notebook, each as they saw it. Chromium, real kernels.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
const contexts: BrowserContext[] = [];
const users: { page: Page; name: string }[] = [];
afterAll(async () => {
  for (const u of users) await u.page.request.delete(`/hub/api/users/${u.name}/server`).catch(() => {});
  for (const c of contexts) await c.close();
});

async function newUser(prefix: string, withServer: boolean) {
  const ctx = await chromium.browser.newContext({ baseURL: server.url });
  contexts.push(ctx);
  const u = await signUpInBrowser(ctx, prefix);
  users.push(u);
  if (withServer) expect([201, 202]).toContain((await u.page.request.post(`/hub/api/users/${u.name}/server`, { data: {} })).status());
  return { ctx, ...u };
}

const countOf = (p: Page, i: number) => cells(p).nth(i).locator('[data-testid="execution-count"]').innerText();
const status = (p: Page) => p.getByTestId("kernel-status").innerText();

test("after the server is stopped and started again, the open notebook says so at once, never a lasting red 'disconnected'", async () => {
  const { page, name } = await newUser("nbrestart", true);
  await openNewNotebook(page, "Survives a restart");
  await typeAndRun(page, 0, "1+1");
  await expect.poll(() => outputsOf(page, 0).innerText(), { timeout: 60_000 }).toContain("2");

  expect([202, 204]).toContain((await page.request.delete(`/hub/api/users/${name}/server`)).status());
  await expect.poll(() => status(page), { timeout: 30_000 }).toMatch(/no server/);
  expect([201, 202]).toContain((await page.request.post(`/hub/api/users/${name}/server`, { data: {} })).status());
  // no cell run meanwhile: the page hears that the server is back
  await expect.poll(() => status(page), { timeout: 90_000 }).toMatch(/no kernel \(starts on first run\)/);
  expect(await page.locator(".nb-kernel-disconnected").count()).toBe(0);
  await typeAndRun(page, 1, "2+2");
  await expect.poll(() => outputsOf(page, 1).innerText(), { timeout: 60_000 }).toContain("4");
}, 240_000);

test("a second tab of the notebook shows the other tab's source above the outputs it ran, and a cell it added", async () => {
  const { ctx, page } = await newUser("nbtabs", true);
  const id = await openNewNotebook(page, "Two tabs");
  const other = await ctx.newPage();
  await other.goto(`/notebooks/${id}`);
  await cells(other).first().waitFor();

  await typeAndRun(page, 0, "print('from the first tab')");
  await expect.poll(() => outputsOf(other, 0).innerText(), { timeout: 60_000 }).toContain("from the first tab");
  await expect.poll(() => cells(other).nth(0).locator('[data-testid="cell-input"]').innerText(), { timeout: 15_000 }).toContain("print('from the first tab')");
  // Shift+Enter on the last cell added one below: the other tab has it too
  await expect.poll(() => cells(other).count(), { timeout: 15_000 }).toBe(2);
}, 120_000);

test("cells run while no server is up show [*] until it is, then run", async () => {
  const { page } = await newUser("nbwait", false);
  await openNewNotebook(page, "Waiting");
  await typeAndRun(page, 0, "6*7");
  await page.getByTestId("no-server").waitFor({ timeout: 15_000 });
  expect(await countOf(page, 0)).toBe("[*]:");
  await page.getByTestId("no-server").getByRole("button", { name: "Start server" }).click();
  await expect.poll(() => outputsOf(page, 0).innerText(), { timeout: 120_000 }).toContain("42");
  await expect.poll(() => countOf(page, 0), { timeout: 15_000 }).toBe("[1]:");
}, 180_000);

test("a cell run the moment it was added (before any save) keeps its outputs in the stored notebook", async () => {
  const { page } = await newUser("nbfresh", true);
  const id = await openNewNotebook(page, "Fresh cell");
  await typeAndRun(page, 0, "1+1");
  await expect.poll(() => outputsOf(page, 0).innerText(), { timeout: 60_000 }).toContain("2");
  // cell 1 was just added by Shift+Enter: typed and run at once
  await page.keyboard.insertText("print('fresh')");
  await page.keyboard.press("Shift+Enter");
  await expect.poll(() => outputsOf(page, 1).innerText(), { timeout: 30_000 }).toContain("fresh");
  await expect
    .poll(async () => {
      const nb = await (await page.request.get(`/api/notebooks/${id}/export`)).json();
      return nb.cells[1]?.outputs?.[0]?.text;
    }, { timeout: 15_000 })
    .toEqual(expect.stringContaining("fresh"));
  await page.reload();
  await expect.poll(() => outputsOf(page, 1).innerText(), { timeout: 15_000 }).toContain("fresh");
}, 120_000);
