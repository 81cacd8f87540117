import type { Page } from "playwright-core";

/** Signs a new user up through the page, as a person would; their user name. */
export async function signUpInPage(page: Page): Promise<string> {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(`bench-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`);
  await page.getByLabel("Password").fill("bench password 1");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((u) => u.pathname === "/");
  return (await (await page.request.get("/api/auth/session")).json()).user.name as string;
}
