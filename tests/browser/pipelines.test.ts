import type { Page } from "playwright-core";
import { beforeAll, expect, inject, test } from "vitest";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";
import { call, makeUser } from "../helpers/http";
import { cells, openNewNotebook } from "../helpers/notebook-page";

// The pipelines pages in Chromium: a pipeline written in the form on /pipelines opens on its
// DAG page (steps laid out with their edges, a step's definition on selection); an edit's
// new version and the old one both show; someone else's pipeline is not shown.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let page: Page;
let user: string;
let token: string;

const DEFINITION = `description: raw to model
steps:
  - name: clean
    code: |
      clean = raw.dropna()
    outputs: { clean: { kind: dataset } }
  - name: features
    code: features = clean.assign(x2=clean.x ** 2)
    parameters: { scale: 2 }
    inputs: { clean: { step: clean, output: clean } }
    outputs: { features: { kind: dataset } }
  - name: train
    code: model = fit(features, lr=lr)
    parameters: { lr: 0.1 }
    retries: 2
    inputs: { features: { step: features, output: features } }
    outputs: { model: { kind: model } }
`;

beforeAll(async () => {
  const ctx = await chromium.browser.newContext({ baseURL: server.url });
  ({ page, name: user } = await signUpInBrowser(ctx, "pipes"));
  token = (await call(server.url, "POST", `/hub/api/users/${user}/tokens`, { token: server.adminToken, body: {} })).body.token;
}, 120_000);

test("a pipeline written on /pipelines opens on its DAG page: three steps, two edges, a step's definition; v2 after an edit, v1 still there", async () => {
  await page.goto("/pipelines");
  await page.getByText("No pipelines yet").waitFor();
  await page.getByLabel("Name").fill("churn");
  await page.getByLabel("Definition (YAML or JSON)").fill("steps: [ {name: a, code: x, inputs: {b: {step: nope, output: o}}} ]");
  await page.getByRole("button", { name: "Create pipeline" }).click();
  await expect.poll(() => page.locator(".alert-error").first().textContent()).toContain('"nope", which is not a step');
  await page.getByLabel("Definition (YAML or JSON)").fill(DEFINITION);
  await page.getByRole("button", { name: "Create pipeline" }).click();
  await page.waitForURL(/\/pipelines\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split("/").pop());

  const dag = page.getByTestId("pipeline-dag");
  await dag.waitFor();
  expect(await dag.locator("[data-step]").evaluateAll((els) => els.map((e) => e.getAttribute("data-step")))).toEqual(["clean", "features", "train"]);
  expect(await dag.locator("[data-edge]").evaluateAll((els) => els.map((e) => e.getAttribute("data-edge")).sort())).toEqual(["clean->features", "features->train"]);
  // laid out left to right in run order
  const x = async (name: string) => (await dag.locator(`[data-step="${name}"]`).boundingBox())!.x;
  expect(await x("clean")).toBeLessThan(await x("features"));
  expect(await x("features")).toBeLessThan(await x("train"));
  await expect.poll(() => page.getByTestId("step-detail").textContent()).toContain("Step clean");
  await page.getByRole("button", { name: "Step train" }).click();
  const detail = await page.getByTestId("step-detail").textContent();
  expect(detail).toContain("lr = 0.1");
  expect(detail).toContain("features ← features → features");
  expect(detail).toContain("model = fit(features, lr=lr)");
  expect(await page.getByTestId("pipeline-version").textContent()).toContain("Version 1 (latest) of 1");
  expect(await unnamedControls(page)).toEqual([]);

  const edited = (await call(server.url, "GET", `/api/pipelines/${id}`, { token })).body.definition;
  edited.steps[2].parameters = { lr: 0.01 };
  expect((await call(server.url, "PUT", `/api/pipelines/${id}`, { token, body: { definition: edited } })).status).toBe(200);
  await page.reload();
  await expect.poll(() => page.getByTestId("pipeline-version").textContent()).toContain("Version 2 (latest) of 2");
  await page.getByRole("button", { name: "Step train" }).click();
  expect(await page.getByTestId("step-detail").textContent()).toContain("lr = 0.01");
  await page.getByTestId("pipeline-versions").getByRole("link", { name: "v1" }).click();
  await expect.poll(() => page.getByTestId("pipeline-version").textContent()).toContain("Version 1 of 2");
  await page.getByRole("button", { name: "Step train" }).click();
  expect(await page.getByTestId("step-detail").textContent()).toContain("lr = 0.1");

  await page.goto("/pipelines");
  await expect.poll(() => page.getByTestId("pipeline-row").allTextContents()).toContainEqual(expect.stringContaining("churn"));
});

test("someone else's pipeline: not in the list, and its page says it does not exist", async () => {
  // A second account through the form: never the first on the server, so never its admin (who sees every pipeline).
  const { page } = await signUpInBrowser(await chromium.browser.newContext({ baseURL: server.url }), "pipecarol");
  const bob = await makeUser(server, "pipebob");
  const theirs = await call(server.url, "POST", "/api/pipelines", { token: bob.token, body: { name: "private", definition: { steps: [{ name: "a", code: "1" }] } } });
  expect(theirs.status).toBe(201);
  await page.goto(`/pipelines/${theirs.body.id}`);
  await expect.poll(() => page.locator(".alert-error").first().textContent()).toContain(`No such pipeline: ${theirs.body.id}`);
  await page.goto("/pipelines");
  await page.getByText("No pipelines yet").waitFor();
  expect(await page.getByTestId("pipeline-row").count()).toBe(0);
});

test("Promote to step in the notebook: two selected cells become a step; after a cell changes, the panel offers to update it", async () => {
  const nb = await openNewNotebook(page, "Promote", [{ source: "raw = [1, None, 3]" }, { source: "clean = [x for x in raw if x]" }, { source: "model = sum(clean)" }]);
  await cells(page).nth(0).locator('[data-testid="cell-input"]').click();
  await page.keyboard.press("Escape");
  await page.keyboard.press("Shift+ArrowDown"); // the first two cells
  await expect.poll(() => page.locator(".nb-cell.nb-selected").count()).toBe(2);
  await page.getByRole("button", { name: "Promote to step" }).first().click();
  await expect.poll(() => page.getByTestId("promote-picked").textContent()).toBe("2 code cells selected.");
  await page.getByLabel("Pipeline").fill("from-notebook");
  await page.getByLabel("Step name").fill("clean");
  await page.locator("#nb-side").getByRole("button", { name: "Promote to step" }).click();
  await expect.poll(() => page.getByRole("status").filter({ hasText: "Step clean" }).textContent()).toContain("Step clean is in from-notebook, version 1.");
  await expect.poll(() => page.getByTestId("notebook-steps").textContent()).toContain("from-notebook / clean (v1, 2 cells) up to date");
  // each promoted cell carries the step's mark; the third does not
  await expect.poll(() => Promise.all([0, 1, 2].map((i) => cells(page).nth(i).getByTestId("step-mark").allTextContents()))).toEqual([["step from-notebook/clean"], ["step from-notebook/clean"], []]);
  const [mine] = (await call(server.url, "GET", "/api/pipelines", { token })).body.pipelines.filter((p: { name: string }) => p.name === "from-notebook");
  expect((await call(server.url, "GET", `/api/pipelines/${mine.id}`, { token })).body.definition.steps[0].code).toBe("raw = [1, None, 3]\n\nclean = [x for x in raw if x]\n");

  // the second cell changes (saved as any edit): the step is behind, and one click brings it up to date
  const stored = (await call(server.url, "GET", `/api/notebooks/${nb}`, { token })).body;
  const changed = stored.content.cells.map((c: { id: string; cell_type: string; source: string }) => ({ id: c.id, cell_type: c.cell_type, source: c.id === "c1" ? "clean = [x for x in raw if x is not None]" : c.source }));
  expect((await call(server.url, "PATCH", `/api/notebooks/${nb}`, { token, body: { revision: stored.revision, cells: changed } })).status).toBe(200);
  await page.reload();
  await expect.poll(() => cells(page).nth(1).getByTestId("step-mark").textContent()).toBe("step from-notebook/clean (changed)");
  await page.getByRole("button", { name: "Promote to step" }).first().click();
  await page.getByRole("button", { name: "Cells changed: update step" }).click();
  await expect.poll(() => page.getByTestId("notebook-steps").textContent()).toContain("from-notebook / clean (v2, 2 cells) up to date");
  await expect.poll(() => cells(page).nth(1).getByTestId("step-mark").textContent()).toBe("step from-notebook/clean");
  expect((await call(server.url, "GET", `/api/pipelines/${mine.id}`, { token })).body.definition.steps[0].code).toContain("if x is not None");
  // an edit typed in the editor: once saved, the cell's mark says its step is behind
  await cells(page).nth(1).locator('[data-testid="cell-input"]').click();
  await page.keyboard.press("End");
  await page.keyboard.type("  # typed");
  await expect.poll(() => cells(page).nth(1).getByTestId("step-mark").textContent(), { timeout: 15_000 }).toBe("step from-notebook/clean (changed)");
  expect(await unnamedControls(page)).toEqual([]);
});

test("the definition edited on the pipeline's page: a cycle is refused naming it, a good edit is the next version", async () => {
  const created = await call(server.url, "POST", "/api/pipelines", { token, body: { name: "edit-me", definition: DEFINITION } });
  expect(created.status).toBe(201);
  await page.goto(`/pipelines/${created.body.id}`);
  await page.getByTestId("pipeline-dag").waitFor();
  await page.getByRole("button", { name: "Edit" }).click();
  const yaml = page.getByLabel("Definition (YAML)");
  const text = await yaml.inputValue();
  expect(text).toContain("lr: 0.1");
  // clean reads from train: a cycle
  expect(text.indexOf("inputs: {}")).toBeGreaterThan(0); // (clean reads nothing yet)
  await yaml.fill(text.replace("inputs: {}", "inputs: { back: { step: train, output: model } }"));
  await page.getByRole("button", { name: "Save as a new version" }).click();
  await expect.poll(() => page.locator(".alert-error").first().textContent()).toMatch(/definition\.steps: .*"clean" -> "features" -> "train" -> "clean"/);
  await yaml.fill(text.replace("lr: 0.1", "lr: 0.5"));
  await page.getByRole("button", { name: "Save as a new version" }).click();
  await expect.poll(() => page.getByTestId("pipeline-version").textContent()).toContain("Version 2 (latest) of 2");
  await page.getByRole("button", { name: "Step train" }).click();
  expect(await page.getByTestId("step-detail").textContent()).toContain("lr = 0.5");
});
