import { expect, inject, test } from "vitest";
import path from "node:path";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";
import { tempDir } from "../helpers/kiln";

const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();

// 200 measurements: a length spread over 4.0..7.9, a count with some gaps, a species of three
const rows = Array.from({ length: 200 }, (_, i) => `${(4 + (i % 40) / 10).toFixed(1)},${i % 10 === 0 ? "NA" : i % 7},${["setosa", "versicolor", "virginica"][i % 3]}`);
const csv = Buffer.from(["length,count,species", ...rows].join("\n") + "\n");

test("a dataset version's page previews the first rows of its CSV and profiles each column (type, nulls, distinct, min/max/mean, histogram)", async () => {
  const ctx = await chromium.browser.newContext({ baseURL: server.url });
  const { page, name } = await signUpInBrowser(ctx, "dstable");
  const started = await (await page.request.post("/api/datasets/iris/uploads", { data: {} })).json();
  expect((await page.request.put(`/api/datasets/iris/uploads/${started.upload_id}/files/iris.csv`, { data: csv })).status()).toBe(200);
  expect((await page.request.post(`/api/datasets/iris/uploads/${started.upload_id}/commit`, { data: {} })).status()).toBe(201);

  await page.goto(`/data/${name}/iris/versions/1`);
  const preview = page.getByTestId("table-preview");
  await preview.waitFor({ timeout: 15_000 });
  expect(await preview.locator("thead th").allTextContents()).toEqual(["length", "count", "species"]);
  expect(await preview.locator("tbody tr").count()).toBe(20);
  expect(await preview.locator("tbody tr").first().locator("td").allInnerTexts()).toEqual(["4.0", "NA", "setosa"]);
  expect(await page.getByText("20 of 200 rows shown.").count()).toBe(1);

  const profile = page.getByTestId("column-profile");
  const cell = (column: string, field: string) => profile.locator(`tr[data-column="${column}"] td[data-field="${field}"]`).innerText();
  expect(await cell("length", "type")).toBe("float");
  expect(await cell("length", "min")).toBe("4");
  expect(await cell("length", "max")).toBe("7.9");
  expect(await cell("length", "mean")).toBe("5.95");
  expect(await cell("length", "distinct")).toBe("40");
  expect(await cell("count", "type")).toBe("int");
  expect(await cell("count", "nulls")).toBe("20 (10%)");
  expect(await cell("species", "distinct")).toBe("3");
  // a histogram for numbers (bars holding all 200 values), the most frequent values for text
  const bars = profile.locator('tr[data-column="length"] [data-testid="histogram"] rect');
  expect(await bars.count()).toBeGreaterThan(3);
  expect(await profile.locator('tr[data-column="length"] [data-testid="histogram"]').getAttribute("aria-label")).toMatch(/^Histogram of length: 4 to /);
  expect(await profile.locator('tr[data-column="species"]').getByRole("list", { name: "Most frequent values of species" }).innerText()).toMatch(/setosa\s+67/);
  expect(await unnamedControls(page)).toEqual([]);
  await page.screenshot({ path: path.join(tempDir("dataset-shot"), "version.png"), fullPage: true }); // for a person to look at
  await ctx.close();
}, 60_000);
