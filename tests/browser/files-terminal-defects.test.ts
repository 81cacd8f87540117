import fs from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { signUpInBrowser, useChromium } from "../helpers/browser";
import { tempDir } from "../helpers/kiln";
import { decodePng } from "../helpers/png";

const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let ctx: BrowserContext;
let page: Page;
let user: string;

beforeAll(async () => {
  // device pixel ratio 1, as on most office monitors: where the underscores used to vanish
  ctx = await chromium.browser.newContext({ baseURL: server.url, deviceScaleFactor: 1, viewport: { width: 1280, height: 800 } });
  ({ page, name: user } = await signUpInBrowser(ctx, "ft"));
  const r = await page.request.post(`/hub/api/users/${user}/server`, { data: {} });
  expect([201, 202]).toContain(r.status());
  // ready when Jupyter answers through the proxy (expect.poll belongs to tests, not hooks)
  for (const deadline = Date.now() + 90_000; (await page.request.get(`/user/${user}/api/status`)).status() !== 200; ) {
    if (Date.now() > deadline) throw new Error("the server did not become ready within 90 s");
    await new Promise((r) => setTimeout(r, 1000));
  }
}, 120_000);
afterAll(async () => {
  await page?.request.delete(`/hub/api/users/${user}/server`).catch(() => {});
  await ctx?.close();
});

test("uploading two files at once reports both", async () => {
  await page.goto("/files");
  await expect.poll(() => page.getByText("Loading files…").count(), { timeout: 20_000 }).toBe(0);
  await page.getByLabel("Upload files").setInputFiles([
    { name: "first.txt", mimeType: "text/plain", buffer: Buffer.from("one\n") },
    { name: "second.txt", mimeType: "text/plain", buffer: Buffer.from("two\n") },
  ]);
  for (const name of ["first.txt", "second.txt"]) await expect.poll(() => page.getByRole("rowheader", { name }).count(), { timeout: 20_000 }).toBe(1);
  await expect.poll(() => page.getByText(/^Uploaded 2 files/).count(), { timeout: 10_000 }).toBe(1);
  expect(await page.getByText(/^Uploaded 2 files/).innerText()).toMatch(/first\.txt.*second\.txt|second\.txt.*first\.txt/);
}, 60_000);

test("underscores show in the terminal at device pixel ratio 1", async () => {
  await page.goto("/terminal");
  await expect.poll(() => page.getByText("Connected", { exact: true }).count(), { timeout: 30_000 }).toBe(1);
  const line = "_".repeat(24);
  const screen = page.getByRole("region", { name: "Terminal", exact: true });
  await expect.poll(() => screen.innerText(), { timeout: 20_000 }).toMatch(/[$#]\s*$/m); // the shell's prompt: it reads what we type
  await page.getByRole("textbox", { name: "Terminal input" }).focus();
  await page.keyboard.type(`printf '%s\\n' ${line} a_b_c`);
  await page.keyboard.press("Enter");
  // the row that holds only the underscores (the command line holds more)
  const rows = page.locator(".xterm-rows > div");
  await expect.poll(() => rows.evaluateAll((rs, l) => rs.findIndex((r) => r.textContent?.trim() === l), line), { timeout: 15_000 }).toBeGreaterThanOrEqual(0)
    .catch(async (e) => {
      throw new Error(`${e}\nthe terminal shows:\n${await screen.innerText()}`);
    });
  const index = await rows.evaluateAll((rs, l) => rs.findIndex((r) => r.textContent?.trim() === l), line);
  const box = (await rows.nth(index).boundingBox())!;
  // the text's own width (the row spans the whole terminal)
  const span = await rows.nth(index).evaluate((r) => {
    const range = document.createRange();
    range.selectNodeContents(r);
    return range.getBoundingClientRect().width;
  });
  // kept for a person to look at: the whole page, and the row
  const shots = tempDir("terminal-shots");
  await page.screenshot({ path: path.join(shots, "terminal.png") });
  const png = await page.screenshot({ clip: { x: box.x, y: box.y, width: Math.max(1, span), height: box.height } });
  fs.writeFileSync(path.join(shots, "underscores.png"), png);
  const { width, height, rgba } = decodePng(png);
  // lit pixels: the foreground (#e6e8eb) on the dark background (#14171c)
  let lit = 0;
  for (let i = 0; i < width * height; i++) if (rgba[i * 4]! + rgba[i * 4 + 1]! + rgba[i * 4 + 2]! > 3 * 110) lit++;
  // 24 underscores drawn as a line under the text: about a glyph's width each, lit along at least one pixel row
  expect(lit).toBeGreaterThanOrEqual(Math.floor(span * 0.8));
}, 60_000);
