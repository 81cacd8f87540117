import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../helpers/browser";
import { startFakeOidc } from "../helpers/fake-oidc";
import { call, signIn } from "../helpers/http";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

let kiln: RunningKiln;
let idp: Awaited<ReturnType<typeof startFakeOidc>>;
let browser: Browser;
let close: () => Promise<void>;
const adminToken = randomToken();

beforeAll(async () => {
  const client = { id: "kiln-test", secret: randomToken() };
  idp = await startFakeOidc(client);
  [kiln, { browser, close }] = await Promise.all([
    startKiln({
      env: {
        KILN_DATA_DIR: tempDir("sso"), KILN_ADMIN_TOKEN: adminToken,
        OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: client.id, OIDC_CLIENT_SECRET: client.secret, OIDC_NAME: "Test IdP",
      },
    }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await close?.();
  await kiln?.stop();
  await idp?.close();
});

async function ssoSignIn(page: Page) {
  await page.goto("/signin");
  await page.getByRole("button", { name: /Test IdP/ }).click();
  // back at Kiln, either signed in (home) or turned away (sign-in page with a reason)
  await page.waitForURL((u) => u.port === String(kiln.port) && (u.pathname === "/" || u.searchParams.has("error")), { timeout: 20_000 });
}

test("OpenID Connect: a new identity gets an account, the same identity the same account, existing emails are linked", async () => {
  const page = await (await browser.newContext({ baseURL: kiln.url })).newPage();
  idp.loginAs({ sub: "idp-001", email: "Grace@Example.com", name: "Grace Hopper" });
  await ssoSignIn(page);
  expect(page.url(), kiln.output()).toBe(`${kiln.url}/`);
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("Grace Hopper");

  const users = async () => (await call(kiln.url, "GET", "/hub/api/users", { token: adminToken })).body as { name: string; email: string; admin: boolean }[];
  expect((await users()).filter((u) => u.email === "grace@example.com")).toMatchObject([{ name: "grace", admin: true }]);

  // signing in again with the same identity reuses the account
  const again = await (await browser.newContext({ baseURL: kiln.url })).newPage();
  await ssoSignIn(again);
  expect((await users()).filter((u) => u.email === "grace@example.com")).toHaveLength(1);

  // a password account with the same email is linked, not duplicated
  const pw = "password for linus";
  expect((await call(kiln.url, "POST", "/api/auth/signup", { body: { email: "linus@example.com", password: pw } })).status).toBe(201);
  idp.loginAs({ sub: "idp-002", email: "linus@example.com", name: "Linus" });
  const linus = await (await browser.newContext({ baseURL: kiln.url })).newPage();
  await ssoSignIn(linus);
  expect((await users()).filter((u) => u.email === "linus@example.com")).toHaveLength(1);
  expect((await signIn(kiln.url, "linus@example.com", pw)).ok).toBe(true);

  // but an address the provider does not vouch for never takes over an existing account
  expect((await call(kiln.url, "POST", "/api/auth/signup", { body: { email: "ada@example.com", password: pw } })).status).toBe(201);
  idp.loginAs({ sub: "idp-evil", email: "ada@example.com", name: "Not Ada", emailVerified: false });
  const evil = await (await browser.newContext({ baseURL: kiln.url })).newPage();
  await ssoSignIn(evil);
  expect(new URL(evil.url()).searchParams.get("error")).toBe("EmailInUse");
  await expect.poll(() => evil.getByRole("alert").filter({ hasText: /\w/ }).textContent()).toMatch(/already exists/);
}, 90_000);

test("OpenID Connect: while sign-up is closed, an unknown identity is turned away with a reason", async () => {
  expect((await call(kiln.url, "PATCH", "/api/settings", { token: adminToken, body: { signup: "closed" } })).status).toBe(200);
  const page = await (await browser.newContext({ baseURL: kiln.url })).newPage();
  idp.loginAs({ sub: "idp-003", email: "mallory@example.com", name: "Mallory" });
  await ssoSignIn(page);
  expect(new URL(page.url()).pathname).toBe("/signin");
  await expect.poll(() => page.getByRole("alert").filter({ hasText: /\w/ }).textContent()).toMatch(/closed/i);
  const all = (await call(kiln.url, "GET", "/hub/api/users", { token: adminToken })).body as { email: string }[];
  expect(all.some((u) => u.email === "mallory@example.com")).toBe(false);
}, 60_000);
