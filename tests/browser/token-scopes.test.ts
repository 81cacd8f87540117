import { expect, inject, test } from "vitest";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";
import { call } from "../helpers/http";

const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();

test("the account page mints a token limited to a preset's scopes, lists them, and names a scope it does not know", async () => {
  const ctx = await chromium.browser.newContext({ baseURL: server.url });
  const { page, name } = await signUpInBrowser(ctx, "scoped");
  await page.goto("/account");
  expect(await unnamedControls(page)).toEqual([]);

  // a preset fills the scopes, which stay editable
  await page.getByLabel("Access").selectOption({ label: "Read only" });
  await expect.poll(() => page.getByLabel("Scopes").inputValue()).toContain("read:notebooks");
  await page.getByLabel("Note").fill("reader");
  await page.getByRole("button", { name: /create token/i }).click();
  const secret = page.getByLabel(/new token/i);
  await expect.poll(() => secret.inputValue()).toMatch(/^kiln_/);
  const token = await secret.inputValue();
  // stored with !user resolved, shown in the list, and enforced by the API
  await expect.poll(() => page.getByRole("cell", { name: new RegExp(`read:users!user=${name}`) }).count()).toBe(1);
  expect((await call(server.url, "GET", "/api/notebooks", { token })).status).toBe(200);
  expect((await call(server.url, "POST", "/api/notebooks", { token, body: { name: "nope" } })).status).toBe(403);

  // typed by hand: a scope that does not exist is refused, the field marked
  await page.getByLabel("Scopes").fill("read:notebooks read:everything");
  expect(await page.getByLabel("Access").inputValue()).toBe("custom");
  await page.getByRole("button", { name: /create token/i }).click();
  await expect.poll(() => page.getByRole("alert").filter({ hasText: "read:everything" }).textContent()).toContain("no such scope");
  expect(await page.getByLabel("Scopes").getAttribute("aria-invalid")).toBe("true");

  // back to everything: no scopes sent, the token inherits
  await page.getByLabel("Access").selectOption({ label: "Everything you can do" });
  expect(await page.getByLabel("Scopes").inputValue()).toBe("");
  await ctx.close();
}, 90_000);
