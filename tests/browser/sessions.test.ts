import { expect, inject, test } from "vitest";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";
import { call, signIn } from "../helpers/http";

// Sessions end on the server: a cookie copied out of a browser stops working when it signs out.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();

const cookieHeader = async (c: import("playwright-core").BrowserContext) =>
  (await c.cookies()).map((k) => `${k.name}=${k.value}`).join("; ");

test("after Sign out, a copy of the browser's cookie gets 401", async () => {
  const ctx = await chromium.browser.newContext({ baseURL: server.url });
  const { page } = await signUpInBrowser(ctx, "copy");
  const copied = await cookieHeader(ctx);
  expect((await call(server.url, "GET", "/hub/api/user", { headers: { cookie: copied } })).status).toBe(200);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((u) => u.pathname === "/signin");
  expect((await call(server.url, "GET", "/hub/api/user", { headers: { cookie: copied } })).status).toBe(401);
  await ctx.close();
}, 60_000);

test("an admin's 'Sign out everywhere' on the Admin page ends another browser's session; its open notebook goes to sign-in", async () => {
  const userCtx = await chromium.browser.newContext({ baseURL: server.url });
  const { page: user, name } = await signUpInBrowser(userCtx, "victim");
  const nb = await user.request.post("/api/notebooks", { data: { name: "open elsewhere" } });
  expect(nb.status()).toBe(201);
  await user.goto(`/notebooks/${(await nb.json()).id}`);
  await user.locator('[data-testid="cell"]').first().waitFor();

  const adminCtx = await chromium.browser.newContext({ baseURL: server.url });
  const { page: admin, name: adminName } = await signUpInBrowser(adminCtx, "boss");
  expect((await call(server.url, "PATCH", `/hub/api/users/${adminName}`, { token: server.adminToken, body: { admin: true } })).status).toBe(200);
  await admin.goto("/admin");
  expect(await unnamedControls(admin)).toEqual([]);
  admin.once("dialog", (d) => void d.accept());
  await admin.getByRole("button", { name: `Sign ${name} out everywhere` }).click();
  await expect.poll(() => admin.getByText(`Signed ${name} out everywhere (1 session ended).`).count()).toBe(1);

  // the notebook's channel was closed with it: the page goes to sign-in by itself
  await user.waitForURL((u) => u.pathname === "/signin", { timeout: 10_000 });
  await user.goto("/account");
  await expect.poll(() => new URL(user.url()).pathname).toBe("/signin");
  expect((await user.request.get("/hub/api/user")).status()).toBe(401);
  // the admin's own session is untouched
  expect((await admin.request.get("/hub/api/user")).status()).toBe(200);
  await Promise.all([userCtx.close(), adminCtx.close()]);
}, 90_000);

test("a user signs themself out everywhere from the account page", async () => {
  const a = await chromium.browser.newContext({ baseURL: server.url });
  const { page, name } = await signUpInBrowser(a, "self");
  const { email } = (await (await page.request.get("/api/auth/session")).json()).user;
  const other = (await signIn(server.url, email, "self password 1")).cookie; // a second browser
  expect((await call(server.url, "GET", "/hub/api/user", { headers: { cookie: other } })).status).toBe(200);
  await page.goto("/account");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await page.waitForURL((u) => u.pathname === "/signin");
  expect((await call(server.url, "GET", "/hub/api/user", { headers: { cookie: other } })).status).toBe(401);
  expect((await call(server.url, "GET", `/hub/api/users/${name}`, { token: server.adminToken })).status).toBe(200); // the account stays
  await a.close();
}, 60_000);
