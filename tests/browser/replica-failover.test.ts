import postgres from "postgres";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { signUpInBrowser, useChromium } from "../helpers/browser";
import { cells, openNewNotebook, outputsOf } from "../helpers/notebook-page";
import { type Replicas, startReplicas } from "../helpers/replicas";

// The notebook page, through nginx in front of two Kiln replicas: the replica holding the
// notebook's kernel session is killed with SIGKILL while a cell prints. The page reconnects by
// itself, the other replica takes the session over, and what the user sees never repeats or
// skips a line.
const TICKS = "import time\nfor i in range(8):\n    print(f'tick {i}', flush=True)\n    time.sleep(1)";
const EXPECTED = Array.from({ length: 8 }, (_, i) => `tick ${i}`).join("\n");
const chromium = useChromium();
let r: Replicas;
let ctx: BrowserContext;
let page: Page;
let user: string;

beforeAll(async () => {
  r = await startReplicas({ count: 2 });
  ctx = await chromium.browser.newContext({ baseURL: r.url });
  ({ page, name: user } = await signUpInBrowser(ctx, "fo"));
  const started = await page.request.post(`/hub/api/users/${user}/server`, { data: {} });
  expect([201, 202]).toContain(started.status());
  const deadline = Date.now() + 90_000;
  while (!(await (await page.request.get(`/hub/api/users/${user}`)).json()).servers?.[""]?.ready) {
    if (Date.now() > deadline) throw new Error("the server did not become ready");
    await new Promise((res) => setTimeout(res, 200));
  }
}, 300_000);
afterAll(async () => {
  await ctx?.close();
  await r?.stop();
});

test("the page shows every line of a running cell once, in order, across the death of the replica holding its kernel", async () => {
  const id = await openNewNotebook(page, "ticks", [{ source: TICKS }]);
  // Every state of the cell's output the user could have seen, recorded in the page itself.
  await page.evaluate(() => {
    const w = window as unknown as { seen: string[] };
    w.seen = [];
    const cell = document.querySelector('[data-testid="cell"]')!;
    const look = () => w.seen.push((cell.querySelector('[data-testid="cell-outputs"]') as HTMLElement | null)?.innerText ?? "");
    new MutationObserver(look).observe(cell, { subtree: true, childList: true, characterData: true });
  });
  await cells(page).first().locator('[data-testid="cell-input"]').click();
  await page.keyboard.press("Shift+Enter");
  await expect.poll(() => outputsOf(page, 0).innerText(), { timeout: 60_000, interval: 50 }).toContain("tick 2");

  const sql = postgres(r.databaseUrl, { max: 1 });
  const [lease] = await sql`select address from leases where name = ${`notebook:${id}`}`;
  await sql.end();
  const owner = r.replicas.findIndex((k) => lease?.address === `http://127.0.0.1:${k.port}`);
  expect(owner, JSON.stringify(lease)).toBeGreaterThanOrEqual(0);
  await r.kill(owner, "SIGKILL");

  await expect.poll(async () => (await outputsOf(page, 0).innerText()).trim(), { timeout: 90_000, interval: 100 }).toBe(EXPECTED);
  await expect.poll(() => page.locator('[data-testid="kernel-status"]').innerText(), { timeout: 30_000 }).toMatch(/idle/i);
  const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
  expect(seen.filter((s) => s.includes("tick")).length).toBeGreaterThanOrEqual(8); // it watched every line arrive
  for (const s of seen) expect(EXPECTED.startsWith(s.trim()), `the page showed ${JSON.stringify(s)}`).toBe(true);
  // And after a reload, from the stored notebook: the same, once each.
  await page.reload();
  await expect.poll(async () => (await outputsOf(page, 0).innerText()).trim(), { timeout: 30_000 }).toBe(EXPECTED);
}, 240_000);
