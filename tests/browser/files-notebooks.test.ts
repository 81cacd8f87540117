import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { signUpInBrowser, useChromium } from "../helpers/browser";
import { call, makeUser, startServer } from "../helpers/http";

// Files and notebooks meet: an .ipynb in the server's files opens as a Kiln notebook (imported
// the first time, Kiln's copy after, imported again when the file changed), Kiln's notebooks
// are listed beside the files and can be saved into them.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let ctx: BrowserContext;
let page: Page;
let user: string;
let token: string;

const ipynb = (source: string) => ({
  nbformat: 4, nbformat_minor: 5, metadata: {},
  cells: [{ id: "a", cell_type: "code", source, metadata: {}, outputs: [], execution_count: null }],
});
const putFile = (path: string, content: unknown) =>
  call(server.url, "PUT", `/user/${user}/api/contents/${path}`, { token, body: { type: "notebook", format: "json", content } });

beforeAll(async () => {
  ctx = await chromium.browser.newContext({ baseURL: server.url });
  ({ page, name: user } = await signUpInBrowser(ctx, "filesnb"));
  token = (await call(server.url, "POST", `/hub/api/users/${user}/tokens`, { token: server.adminToken, body: {} })).body.token;
  await startServer(server.url, { name: user, token });
}, 120_000);
afterAll(async () => {
  await call(server.url, "DELETE", `/hub/api/users/${user}/server`, { token }).catch(() => {});
  await ctx?.close();
});

test("an .ipynb in the files opens as a notebook, once; a changed file can be imported again; a Kiln notebook saves into the files", async () => {
  expect((await putFile("analysis.ipynb", ipynb("print('from the file')"))).status).toBe(201);
  await page.goto("/files");
  await page.getByRole("button", { name: "Open analysis.ipynb as a notebook" }).click();
  await page.waitForURL((u) => /^\/notebooks\/\d+$/.test(u.pathname));
  const id = new URL(page.url()).pathname.split("/").pop();
  await expect.poll(() => page.locator('[data-testid="cell"]').first().innerText(), { timeout: 15_000 }).toContain("from the file");

  // Again: the same notebook, not a second import.
  await page.goto("/files");
  await page.getByRole("button", { name: "Open analysis.ipynb as a notebook" }).click();
  await page.waitForURL(`**/notebooks/${id}`);
  expect((await call(server.url, "GET", "/api/notebooks", { token })).body.filter((n: { name: string }) => n.name.startsWith("analysis"))).toHaveLength(1);

  // The file changed on the server: Kiln asks, and imports it over its copy.
  expect((await putFile("analysis.ipynb", ipynb("print('changed on disk')"))).status).toBe(200);
  await page.goto("/files");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Open analysis.ipynb as a notebook" }).click();
  await page.waitForURL(`**/notebooks/${id}`);
  await expect.poll(() => page.locator('[data-testid="cell"]').first().innerText(), { timeout: 15_000 }).toContain("changed on disk");

  // A notebook made in Kiln, saved into the files from the list beside them.
  const made = await call(server.url, "POST", "/api/notebooks", { token, body: { name: "made in kiln", cells: [{ id: "m", cell_type: "code", source: "x = 1", metadata: {} }] } });
  await page.goto("/files");
  await page.getByRole("button", { name: "Save made in kiln to your files" }).click();
  await expect.poll(() => page.getByText("Saved made in kiln as made in kiln.ipynb.").count(), { timeout: 15_000 }).toBe(1);
  await expect.poll(() => page.getByRole("button", { name: "Open made in kiln.ipynb as a notebook" }).count(), { timeout: 15_000 }).toBe(1);
  const saved = await call(server.url, "GET", `/user/${user}/api/contents/made%20in%20kiln.ipynb?content=1`, { token });
  expect(saved.body.content.cells[0].source).toBe("x = 1");
  // ... and opening that file opens the notebook it came from
  const opened = await call(server.url, "POST", "/api/notebooks/open-file", { token, body: { path: "made in kiln.ipynb" } });
  expect(opened.body).toMatchObject({ notebook: { id: made.body.id }, imported: false, file_changed: false });
}, 120_000);

test("open-file and save-to-server refuse paths outside the home and files that are not notebooks, and other users' notebooks", async () => {
  for (const path of ["../etc/passwd.ipynb", "/../x.ipynb", "notes.txt", "a/./b.ipynb"]) {
    const r = await call(server.url, "POST", "/api/notebooks/open-file", { token, body: { path } });
    expect([r.status, r.body.error.field], path).toEqual([400, "path"]);
  }
  expect((await call(server.url, "POST", "/api/notebooks/open-file", { token, body: { path: "missing.ipynb" } })).status).toBe(404);
  const other = await makeUser(server, "filesnbother");
  const mine = (await call(server.url, "GET", "/api/notebooks", { token })).body[0].id;
  expect((await call(server.url, "POST", `/api/notebooks/${mine}/save-to-server`, { token: other.token, body: {} })).status).toBe(404);
});
