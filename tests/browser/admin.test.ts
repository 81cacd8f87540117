import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchChromium, unnamedControls } from "../helpers/browser";
import { call } from "../helpers/http";
import { type RunningKiln, startKiln, tempDir } from "../helpers/kiln";

// Its own instance: this test closes sign-up, which would disturb the shared servers.
let kiln: RunningKiln;
let browser: Browser;
let close: () => Promise<void>;
beforeAll(async () => {
  [kiln, { browser, close }] = await Promise.all([startKiln({ env: { KILN_DATA_DIR: tempDir("admin-ui") } }), launchChromium()]);
});
afterAll(async () => {
  await close?.();
  await kiln?.stop();
});

async function signUp(page: Page, email: string, password: string, path = "/signup") {
  await page.goto(path);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((u) => u.pathname === "/");
}

test("an admin closes sign-up and invites someone, who signs up with the link; non-admins cannot reach Admin", async () => {
  const admin = await (await browser.newContext({ baseURL: kiln.url })).newPage();
  await signUp(admin, "root@example.com", "admin password 1"); // first account: admin
  await admin.getByRole("navigation").getByRole("link", { name: "Admin" }).click();
  await admin.waitForURL((u) => u.pathname === "/admin");
  expect(await unnamedControls(admin)).toEqual([]);
  await admin.getByRole("button", { name: "Close sign-up" }).click();
  await expect.poll(() => admin.getByRole("button", { name: "Open sign-up" }).count()).toBe(1);
  expect((await call(kiln.url, "POST", "/api/auth/signup", { body: { email: "x@example.com", password: "password 123" } })).status).toBe(403);

  await admin.getByLabel("Invitee email (optional)").fill("new@example.com");
  await admin.getByRole("button", { name: "Create invitation" }).click();
  const link = admin.getByLabel("Invitation link");
  await expect.poll(() => link.inputValue()).toContain("/signup?invite=");
  const url = new URL(await link.inputValue());

  const guest = await (await browser.newContext({ baseURL: kiln.url })).newPage();
  await guest.goto("/signup");
  await expect.poll(() => guest.getByRole("heading", { name: "Sign-up is closed" }).count()).toBe(1);
  await signUp(guest, "new@example.com", "guest password 1", url.pathname + url.search);
  // the new user has no Admin section and is turned away from the page
  expect(await guest.getByRole("navigation").getByRole("link", { name: "Admin" }).count()).toBe(0);
  await guest.goto("/admin");
  await guest.waitForURL((u) => u.pathname === "/");
  expect(new URL(guest.url()).searchParams.get("error")).toBe("admin-only");

  // the admin sees the newcomer and the invitation marked used
  await admin.reload();
  await expect.poll(() => admin.getByRole("cell", { name: "new@example.com" }).count()).toBeGreaterThan(0);
  await expect.poll(() => admin.getByText("used", { exact: true }).count()).toBe(1);
  expect(await unnamedControls(admin)).toEqual([]);
}, 90_000);
