import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, unnamedControls } from "../helpers/browser";
import { call, makeUser, startServer, stopServer, waitForServer } from "../helpers/http";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// The admin console's GPU sections in Chromium, on a Kiln of its own with a declared
// inventory (two GPUs) and local servers that hold them; a user's account page shows
// their own quota and usage.
const inventoryFile = path.join(tempDir("gpu-ui-inventory"), "gpus.json");
const uuid = (i: number) => `GPU-${String(i).padStart(8, "0")}-4444-5555-6666-${String(i).padStart(12, "0")}`;
const adminToken = randomToken();
let kiln: RunningKiln;
let browser: Browser;
let close: () => Promise<void>;
beforeAll(async () => {
  fs.writeFileSync(inventoryFile, JSON.stringify({ hosts: [{ name: "rack-1", gpus: [1, 2].map((i) => ({ uuid: uuid(i), model: "NVIDIA A100-SXM4-80GB", memory_mb: 81920 })) }] }));
  [kiln, { browser, close }] = await Promise.all([
    startKiln({ env: { KILN_DATA_DIR: tempDir("gpu-ui"), KILN_ADMIN_TOKEN: adminToken, KILN_SPAWNER: "local", KILN_GPU_INVENTORY: inventoryFile } }),
    launchChromium(),
  ]);
  expect((await call(kiln.url, "PATCH", "/api/images/python", { token: adminToken, body: { max_gpus: 2 } })).status).toBe(200);
});
afterAll(async () => {
  await close?.();
  await kiln?.stop();
});

async function signUp(page: Page, email: string) {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long password 1");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((u) => u.pathname === "/");
}

test("Admin shows the inventory with holders, the queue, a quota set in the form, and the month's usage chart; the user's account page shows theirs", async () => {
  const page = await (await browser.newContext({ baseURL: kiln.url })).newPage();
  await signUp(page, "gpu-admin@example.com"); // the first account is an admin
  const server = { backend: "pglite" as const, url: kiln.url, adminToken };
  const ann = await makeUser(server, "gpuann");
  // ben signs up in a browser of his own (his account page is checked at the end)
  const benPage = await (await browser.newContext({ baseURL: kiln.url })).newPage();
  await signUp(benPage, "gpu-ben@example.com");
  const benName = (await (await benPage.request.get("/api/auth/session")).json()).user.name as string;
  const ben = { name: benName, token: (await call(kiln.url, "POST", `/hub/api/users/${benName}/tokens`, { token: adminToken, body: {} })).body.token as string };
  await startServer(kiln.url, ann, "", { gpus: 2 });
  expect((await call(kiln.url, "POST", `/hub/api/users/${ben.name}/server`, { token: ben.token, body: { gpus: 1 } })).status).toBe(202);

  await page.goto("/admin");
  const inventory = page.getByTestId("gpu-inventory");
  await expect.poll(() => inventory.locator("tbody tr").allInnerTexts()).toEqual([
    expect.stringMatching(new RegExp(`^rack-1\\s+0: GPU-00000001…\\s+NVIDIA A100-SXM4-80GB\\s+80 GiB\\s+available\\s+${ann.name}/`)),
    expect.stringMatching(new RegExp(`^rack-1\\s+1: GPU-00000002…\\s+NVIDIA A100-SXM4-80GB\\s+80 GiB\\s+available\\s+${ann.name}/`)),
  ]);
  expect(await page.getByTestId("gpu-queue").locator("tbody tr").allInnerTexts()).toEqual([expect.stringMatching(new RegExp(`^1\\s+${ben.name}\\s+${ben.name}/\\s+1\\s+0\\s+0`))]);

  await page.getByLabel("Name", { exact: true }).fill(ben.name);
  await page.getByLabel("GPUs at once").fill("1");
  await page.getByLabel("GPU-hours a month").fill("40");
  await page.getByRole("button", { name: "Set quota" }).click();
  await expect.poll(() => page.getByTestId("gpu-quotas").locator("tbody tr").allInnerTexts()).toEqual([expect.stringMatching(new RegExp(`user ${ben.name}\\s+1\\s+40`))]);
  // a negative limit is stopped by the form itself (the API's 400 names max_gpus: tests/api/gpu-admin.test.ts)
  await page.getByLabel("GPUs at once").fill("-1");
  await page.getByRole("button", { name: "Set quota" }).click();
  expect(await page.getByLabel("GPUs at once").evaluate((el) => (el as HTMLInputElement).validity.rangeUnderflow)).toBe(true);
  expect(await page.getByTestId("gpu-quotas").locator("tbody tr").allInnerTexts()).toEqual([expect.stringMatching(new RegExp(`user ${ben.name}\\s+1\\s+40`))]);

  // ann stops: ben's start is served; the month's usage lists ann
  expect((await call(kiln.url, "DELETE", `/hub/api/users/${ann.name}/server`, { token: ann.token })).status).toBe(204);
  await page.reload();
  await expect.poll(() => page.getByTestId("gpu-queue").count(), { timeout: 30_000 }).toBe(0);
  await expect.poll(() => page.getByTestId("gpu-usage").locator("tbody tr").allInnerTexts()).toContainEqual(expect.stringMatching(new RegExp(`^${ann.name}\\s`)));
  expect(await page.getByTestId("gpu-usage-chart").getAttribute("aria-label")).toContain(ann.name);
  expect(await unnamedControls(page)).toEqual([]);

  // ben's account page: his quota and use; not ann's usage
  await benPage.goto("/account");
  await expect.poll(() => benPage.getByTestId("my-gpu-quota").innerText()).toMatch(/1 held of 1[\s\S]*used of 40[\s\S]*your quota/);
  // Stopped once it is up, and gone before the Kiln stops: a local server outlives its Kiln (the
  // next one adopts it), and one stopped while still starting was left running when its Kiln
  // was stopped right after (the start, finding its row gone, never got to end it).
  await waitForServer(kiln.url, ben, "", "become ready", (srv) => !!srv?.ready);
  await stopServer(kiln.url, ben);
}, 180_000);
