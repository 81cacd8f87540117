import { expect, inject, test } from "vitest";
import { unnamedControls, useChromium } from "../helpers/browser";
import { containerOf } from "../helpers/docker";
import { call } from "../helpers/http";
import { uniq } from "../helpers/kiln";

const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
test("Servers page: pick an image and resources, start, see it ready, reach it, stop it", async () => {
  const page = await (await chromium.browser.newContext({ baseURL: server.url })).newPage();
  page.on("dialog", (d) => void d.accept()); // the Stop confirmation
  const email = `${uniq("srv")}@example.com`;
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("servers password 1");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((u) => u.pathname === "/");
  await page.getByRole("navigation").getByRole("link", { name: "Servers" }).click();
  await page.waitForURL((u) => u.pathname === "/servers");
  expect(await unnamedControls(page)).toEqual([]);

  await page.getByLabel("Image").selectOption("python");
  await page.getByLabel("CPUs").fill("0.5");
  await page.getByLabel("Memory (MB)").fill("768");
  await page.getByRole("button", { name: "Start server" }).click();
  await expect.poll(() => page.getByText("ready", { exact: true }).count(), { timeout: 60_000 }).toBe(1);

  const me = (await call(server.url, "GET", "/api/auth/session", { headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ") } })).body;
  const name = me?.user?.name as string;
  const info = (await containerOf(name))!;
  expect(info.HostConfig.NanoCpus).toBe(0.5e9);
  expect(info.HostConfig.Memory).toBe(768 * 1024 * 1024);
  // the browser reaches its own server through the proxy with its session cookie
  const status = await page.evaluate(async (u) => (await fetch(`/user/${u}/api/status`)).status, name);
  expect(status).toBe(200);

  await page.getByRole("button", { name: "Stop server default" }).click();
  await expect.poll(() => page.getByText("ready", { exact: true }).count(), { timeout: 30_000 }).toBe(0);
  await expect.poll(async () => containerOf(name), { timeout: 15_000 }).toBeNull();
}, 120_000);
