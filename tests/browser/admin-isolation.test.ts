import { afterAll, beforeAll, expect, inject, test } from "vitest";
import type { BrowserContext } from "playwright-core";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";
import { call, makeUser, startServer } from "../helpers/http";

// The Admin page says how users are kept apart, and deleting a user asks what becomes of their files.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let ctx: BrowserContext;
beforeAll(async () => {
  ctx = await chromium.browser.newContext({ baseURL: server.url });
});
afterAll(async () => ctx?.close());

test("the Admin page shows the isolation; deleting a user with 'keep their files' stops their server and lists the archive, which an admin deletes", async () => {
  const { page, name: admin } = await signUpInBrowser(ctx, "isoadmin");
  expect((await call(server.url, "PATCH", `/hub/api/users/${admin}`, { token: server.adminToken, body: { admin: true } })).status).toBe(200);
  const victim = await makeUser(server, "isovictim");
  await startServer(server.url, victim);

  await page.goto("/admin");
  await expect.poll(() => page.getByTestId("isolation-level").innerText(), { timeout: 10_000 }).toContain("container of its own");
  expect(await page.getByRole("region", { name: "Isolation between users" }).innerText()).toContain("none (Kiln reaches servers through Unix sockets)");

  await page.getByRole("button", { name: `Delete ${victim.name}` }).click();
  const dialog = page.getByRole("dialog");
  expect(await dialog.innerText()).toContain("Delete them after 7 days");
  await dialog.getByLabel("Keep them as an archive until an admin deletes them").check();
  expect(await unnamedControls(page)).toEqual([]);
  await dialog.getByRole("button", { name: `Delete ${victim.name}` }).click();
  await expect.poll(() => page.getByText(`Deleted ${victim.name}.`).count(), { timeout: 30_000 }).toBe(1); // (its server stops first)
  expect((await call(server.url, "GET", "/api/servers", { token: server.adminToken })).body.some((s: { user: string }) => s.user === victim.name)).toBe(false);

  await page.reload();
  const homes = page.getByRole("region", { name: "Deleted users' files" });
  await expect.poll(() => homes.innerText(), { timeout: 10_000 }).toContain(victim.name);
  expect(await homes.getByRole("row", { name: new RegExp(victim.name) }).innerText()).toContain("Kept (archive)");
  page.once("dialog", (d) => void d.accept());
  await homes.getByRole("button", { name: `Delete ${victim.name}'s files now` }).click();
  await expect.poll(() => page.getByText(`Deleted ${victim.name}'s files.`).count(), { timeout: 10_000 }).toBe(1);
  expect((await call(server.url, "GET", "/api/homes", { token: server.adminToken })).body.homes.some((h: { user: string }) => h.user === victim.name)).toBe(false);
}, 120_000);
