import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { unnamedControls, useChromium } from "../helpers/browser";
import { uniq } from "../helpers/kiln";

// The Data section as a researcher uses it: drop a CSV, see its version and checks, compare two versions.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let ctx: BrowserContext;
let page: Page;

function csv(rows: number): Buffer {
  const lines = ["sepal_length,species"];
  for (let i = 0; i < rows; i++) lines.push(`${(4 + (i % 30) / 10).toFixed(1)},${["setosa", "versicolor", "virginica"][i % 3]}`);
  return Buffer.from(lines.join("\n") + "\n");
}

beforeAll(async () => {
  ctx = await chromium.browser.newContext({ baseURL: server.url });
  page = await ctx.newPage();
  await page.goto("/signup");
  await page.getByLabel("Email").fill(`${uniq("data")}@example.com`);
  await page.getByLabel("Password").fill("dataset password 1");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((u) => u.pathname === "/");
}, 60_000);
afterAll(async () => ctx?.close());

test("upload a CSV on the Data page: progress reaches 100%, version 1 is listed with its checks; a second version and the diff of the two", async () => {
  await page.goto("/data");
  await page.getByLabel("Dataset name").fill("flowers");
  await page.locator("#ds-upload-files").setInputFiles({ name: "flowers.csv", mimeType: "text/csv", buffer: csv(40) });
  await expect.poll(() => page.getByTestId("upload-percent").innerText(), { timeout: 15_000 }).toBe("100%");
  const saved = page.getByText(/Saved flowers version 1/);
  await saved.waitFor({ timeout: 15_000 });
  expect(await saved.getByTestId("checks-status").innerText()).toBe("no checks");
  await page.getByTestId("dataset-row").filter({ hasText: "flowers" }).getByText("v1").waitFor();
  expect(await unnamedControls(page)).toEqual([]);

  await page.getByRole("link", { name: "flowers", exact: true }).first().click();
  await page.waitForURL((u) => /^\/data\/[^/]+\/flowers$/.test(u.pathname));
  await page.getByTestId("version-row").first().waitFor();
  expect(await page.getByTestId("version-row").first().innerText()).toMatch(/v1[\s\S]*no checks/);

  // declare a check, then upload version 2 from the dataset's page: it is checked
  await page.getByLabel(/Checks \(JSON\)/).fill('{"rows": [1, 45]}');
  await page.getByRole("button", { name: "Save checks" }).click();
  await page.getByText("Saved: the next version is checked against these.").waitFor();
  await page.locator("#ds-version-files").setInputFiles({ name: "flowers.csv", mimeType: "text/csv", buffer: csv(60) });
  await page.getByText(/Saved flowers version 2/).waitFor({ timeout: 15_000 });
  await expect.poll(() => page.getByTestId("version-row").count()).toBe(2);
  expect(await page.getByTestId("version-row").first().innerText()).toMatch(/v2[\s\S]*checks failed/);
  expect(await page.getByTestId("lineage").locator("text").allTextContents()).toEqual(["flowers v1", "flowers v2"]);
  expect(await unnamedControls(page)).toEqual([]);

  await page.getByLabel("From").selectOption("1");
  await page.getByLabel("To").selectOption("2");
  await page.getByRole("button", { name: "Compare" }).click();
  const diff = page.getByTestId("diff");
  await diff.waitFor();
  expect(await diff.innerText()).toMatch(/0 added, 0 removed, 1 changed, 0 unchanged/);
  expect(await diff.getByTestId("diff-rows").innerText()).toBe("40 → 60");

  // the version page: its failed check, and the file to download
  await page.getByRole("link", { name: "v2", exact: true }).click();
  await page.getByTestId("check-results").waitFor();
  expect(await page.getByTestId("check-results").innerText()).toContain("60 rows, outside [1, 45]");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download flowers.csv" }).click()]);
  expect(download.suggestedFilename()).toBe("flowers.csv");
});
