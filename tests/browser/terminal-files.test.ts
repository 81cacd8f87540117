import { expect, inject, test } from "vitest";
import { unnamedControls, useChromium } from "../helpers/browser";
import { call } from "../helpers/http";
import { uniq } from "../helpers/kiln";

const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
test("Terminal and Files pages: run a command in a terminal, make a folder, upload, download and delete a file", async () => {
  const page = await (await chromium.browser.newContext({ baseURL: server.url })).newPage();
  page.on("dialog", (d) => void d.accept()); // the Delete confirmation
  const email = `${uniq("tf")}@example.com`;
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("terminal password 1");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((u) => u.pathname === "/");
  const me = (await call(server.url, "GET", "/api/auth/session", { headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ") } })).body;
  const name = me?.user?.name as string;

  // with no server yet, both pages say so and point to the Servers page
  await page.goto("/files");
  await expect.poll(() => page.getByText("Your server is not running").count(), { timeout: 15_000 }).toBe(1);
  expect(await page.getByRole("link", { name: "Start your server" }).getAttribute("href")).toBe("/servers");

  await page.getByRole("navigation", { name: "Primary" }).getByRole("link", { name: "Servers" }).click();
  await page.waitForURL((u) => u.pathname === "/servers");
  await page.getByLabel("Image").selectOption("python");
  await page.getByLabel("CPUs").fill("0.5");
  await page.getByLabel("Memory (MB)").fill("768");
  await page.getByRole("button", { name: "Start server" }).click();
  await expect.poll(() => page.getByText("ready", { exact: true }).count(), { timeout: 60_000 }).toBe(1);

  // Terminal: type a command and see its output on the screen
  await page.getByRole("navigation", { name: "Primary" }).getByRole("link", { name: "Terminal" }).click();
  await page.waitForURL((u) => u.pathname === "/terminal");
  await expect.poll(() => page.getByText("Connected", { exact: true }).count(), { timeout: 20_000 }).toBe(1);
  expect(new URL(page.url()).searchParams.get("term")).toBeTruthy(); // a reload comes back to the same terminal
  expect(await unnamedControls(page)).toEqual([]);
  const screen = page.getByRole("region", { name: "Terminal", exact: true });
  await page.getByRole("textbox", { name: "Terminal input" }).focus();
  await page.keyboard.type("echo kiln-$((6*7))");
  await page.keyboard.press("Enter");
  await expect.poll(() => screen.innerText(), { timeout: 15_000 }).toContain("kiln-42");

  // Files: a folder, a file uploaded into it, downloaded back, deleted
  await page.getByRole("navigation", { name: "Primary" }).getByRole("link", { name: "Files" }).click();
  await page.waitForURL((u) => u.pathname === "/files");
  await expect.poll(() => page.getByText("Loading files…").count(), { timeout: 15_000 }).toBe(0);
  expect(await unnamedControls(page)).toEqual([]);
  await page.getByLabel("New folder", { exact: true }).fill("data");
  await page.getByRole("button", { name: "Create folder" }).click();
  await page.getByRole("link", { name: "data", exact: true }).click();
  await page.waitForURL((u) => u.searchParams.get("path") === "data");
  await expect.poll(() => page.getByText("This folder is empty", { exact: false }).count(), { timeout: 15_000 }).toBe(1);

  const text = `hello from ${name}\n`;
  await page.getByLabel("Upload files").setInputFiles({ name: "hello.txt", mimeType: "text/plain", buffer: Buffer.from(text) });
  await expect.poll(() => page.getByRole("rowheader", { name: "hello.txt" }).count(), { timeout: 15_000 }).toBe(1);
  expect(await unnamedControls(page)).toEqual([]);
  const href = await page.getByRole("link", { name: "Download hello.txt" }).getAttribute("href");
  expect(href).toBe(`/user/${name}/files/data/hello.txt?download=1`);
  expect(await page.evaluate(async (h) => (await fetch(h)).text(), href!)).toBe(text);

  await page.getByRole("button", { name: "Delete hello.txt" }).click();
  await expect.poll(() => page.getByRole("rowheader", { name: "hello.txt" }).count(), { timeout: 15_000 }).toBe(0);
  const left = await page.evaluate(async (u) => (await fetch(`/user/${u}/api/contents/data`)).json(), name);
  expect(left.content).toEqual([]);

  // stopped here rather than left to the suite's teardown
  expect(await page.evaluate(async (u) => (await fetch(`/hub/api/users/${u}/server`, { method: "DELETE" })).status, name)).toBe(204);
}, 150_000);
