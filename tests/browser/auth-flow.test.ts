import { expect, inject, test } from "vitest";
import { unnamedControls, useChromium } from "../helpers/browser";
import { call } from "../helpers/http";
import { uniq } from "../helpers/kiln";

const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();

test("sign up, land on home, create a token on the account page, sign out, sign in again", async () => {
  const page = await (await chromium.browser.newContext({ baseURL: server.url })).newPage();
  const email = `${uniq("web")}@example.com`;
  const password = "browser password 1";

  // a signed-out visit to a private page goes to sign-in
  await page.goto("/account");
  await expect.poll(() => new URL(page.url()).pathname).toBe("/signin");

  await page.goto("/signup");
  expect(await unnamedControls(page)).toEqual([]);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Display name (optional)").fill("Web Tester");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: /sign up|create account/i }).click();
  await page.waitForURL((u) => u.pathname === "/");
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("Web Tester");
  for (const section of ["Notebooks", "Experiments", "Data", "Pipelines", "Models"])
    expect(await page.getByRole("navigation").getByRole("link", { name: section }).count()).toBe(1);

  expect(await unnamedControls(page)).toEqual([]);
  await page.goto("/account");
  await page.getByLabel("Note").fill("browser token");
  await page.getByRole("button", { name: /create token/i }).click();
  const secret = page.getByLabel(/new token/i);
  await expect.poll(() => secret.inputValue()).toMatch(/^kiln_/);
  const token = await secret.inputValue();
  // the token the page showed really works against the API
  const me = await call(server.url, "GET", "/hub/api/user", { token });
  expect(me.status).toBe(200);
  expect(me.body.email).toBe(email);
  await expect.poll(() => page.getByRole("cell", { name: "browser token" }).count()).toBe(1);
  expect(await unnamedControls(page)).toEqual([]);

  await page.getByRole("button", { name: "Sign out", exact: true }).click(); // not "Sign out everywhere"
  await page.waitForURL((u) => u.pathname === "/signin");
  await page.goto("/account");
  await expect.poll(() => new URL(page.url()).pathname).toBe("/signin");

  expect(await unnamedControls(page)).toEqual([]);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  // (Next keeps an empty route-announcer alert on every page: look for the one with text)
  await expect.poll(() => page.getByRole("alert").filter({ hasText: /\w/ }).textContent()).toMatch(/do not match an account/);

  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === "/" || u.pathname === "/account");
  await page.goto("/account");
  await expect.poll(() => page.getByText(email).count()).toBeGreaterThan(0);
}, 90_000);
