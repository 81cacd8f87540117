import { expect, inject, test } from "vitest";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";

const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();

const file = (source: string) => ({
  name: "survey.ipynb",
  mimeType: "application/x-ipynb+json",
  buffer: Buffer.from(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: "a", cell_type: "code", source, metadata: {}, outputs: [], execution_count: null }] })),
});

test("importing a file whose name is taken asks: replace the notebook (its old content kept as a revision) or import a copy", async () => {
  const ctx = await chromium.browser.newContext({ baseURL: server.url });
  const { page } = await signUpInBrowser(ctx, "impui");
  await page.goto("/notebooks");
  const picker = page.getByLabel("Import .ipynb");
  await picker.setInputFiles(file("x = 1"));
  await expect.poll(() => page.getByText("Imported survey.", { exact: true }).count(), { timeout: 15_000 }).toBe(1);

  await picker.setInputFiles(file("x = 2"));
  const question = page.getByRole("group", { name: /already have a notebook named “survey”/ });
  await question.waitFor({ timeout: 15_000 });
  expect(await unnamedControls(page)).toEqual([]);
  await question.getByRole("button", { name: "Import as a copy" }).click();
  await expect.poll(() => page.getByText("Imported survey copy.", { exact: true }).count(), { timeout: 15_000 }).toBe(1);

  await picker.setInputFiles(file("x = 3"));
  await question.getByRole("button", { name: "Replace it" }).click();
  await expect.poll(() => page.getByText("Replaced survey (its previous content is kept as a revision).", { exact: true }).count(), { timeout: 15_000 }).toBe(1);
  const list = await (await page.request.get("/api/notebooks?q=survey")).json();
  const survey = list.find((n: { name: string }) => n.name === "survey");
  expect((await (await page.request.get(`/api/notebooks/${survey.id}`)).json()).content.cells[0].source).toBe("x = 3");
  const revs = await (await page.request.get(`/api/notebooks/${survey.id}/revisions`)).json();
  expect(revs[0].reason).toBe("import");

  // cancelling imports nothing
  await picker.setInputFiles(file("x = 4"));
  await question.getByRole("button", { name: "Cancel" }).click();
  expect(await question.count()).toBe(0);
  expect((await (await page.request.get("/api/notebooks?q=survey")).json()).length).toBe(2);
  await ctx.close();
}, 60_000);
