import type { Locator, Page } from "playwright-core";
import { beforeAll, expect, inject, test } from "vitest";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";
import { call } from "../helpers/http";

// The pipeline's graph edited on its page (React Flow): handles dragged from one step to
// another make a data edge (the output picked in a dialog) or, from a step without outputs,
// an ordering edge (`after`); a step added in the form becomes a node; saving makes the next
// version. A cycle is refused naming it and nothing is stored; an edge or a step deleted with
// the Delete key takes its references with it.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let page: Page;
let token: string;

beforeAll(async () => {
  const ctx = await chromium.browser.newContext({ baseURL: server.url, viewport: { width: 1400, height: 1000 } });
  let user: string;
  ({ page, name: user } = await signUpInBrowser(ctx, "pipegraph"));
  token = (await call(server.url, "POST", `/hub/api/users/${user}/tokens`, { token: server.adminToken, body: {} })).body.token;
}, 120_000);

const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const edgeIds = () => page.locator(".react-flow__edge").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")).sort());
const stored = async (id: number) => (await call(server.url, "GET", `/api/pipelines/${id}`, { token })).body;

/** A connection as a person makes one: press on one step's right handle, move to the other's left handle, release. */
async function connect(from: string, to: string) {
  const centre = async (l: Locator) => {
    const b = (await l.boundingBox())!;
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  };
  await page.getByTestId("graph-editor-canvas").scrollIntoViewIfNeeded();
  const a = await centre(node(from).locator(".react-flow__handle.source"));
  const b = await centre(node(to).locator(".react-flow__handle.target"));
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 20, { steps: 8 });
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}

test("steps connected, added and deleted on the graph: saved as the next version; a cycle is refused and not stored", { timeout: 90_000 }, async () => {
  const created = await call(server.url, "POST", "/api/pipelines", {
    token,
    body: { name: "graph-edit", definition: { steps: [{ name: "a", code: "x = 1", outputs: { out: { kind: "dataset" } } }, { name: "b", code: "y = 2" }] } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as number;
  await page.goto(`/pipelines/${id}`);
  await page.getByTestId("pipeline-dag").waitFor();
  await page.getByRole("button", { name: "Modify graph" }).click();
  await node("b").waitFor();
  expect(await page.getByRole("application").getAttribute("aria-label")).toContain("Pipeline steps");
  expect(await edgeIds()).toEqual([]);

  // a -> b: a declares an output, so the dialog asks which, and the input's name (the output's by default)
  await connect("a", "b");
  const dialog = page.getByRole("dialog", { name: "Connect a → b" });
  await dialog.waitFor();
  await dialog.getByLabel("Output of a").selectOption("out");
  expect(await dialog.getByLabel("Input name in b").inputValue()).toBe("out");
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect.poll(edgeIds).toEqual(["input:b:out"]);

  // a new step c, then b -> c: b has no outputs, so c runs after b (an ordering edge, dashed)
  await page.getByRole("button", { name: "Add step" }).click();
  await page.getByLabel("New step name").fill("c");
  await page.getByLabel("New step code").fill("print('c')");
  await page.getByRole("button", { name: "Add step" }).last().click();
  await node("c").waitFor();
  await connect("b", "c");
  await expect.poll(edgeIds).toEqual(["after:c:b", "input:b:out"]);
  expect(await page.locator('.react-flow__edge[data-id="after:c:b"] path.react-flow__edge-path').getAttribute("style")).toContain("stroke-dasharray");
  expect(await page.getByRole("dialog").count()).toBe(0);
  expect(await unnamedControls(page)).toEqual([]);

  await page.getByRole("button", { name: "Save as new version" }).click();
  await expect.poll(() => page.getByTestId("pipeline-version").textContent()).toContain("Version 2 (latest) of 2");
  expect(await page.getByTestId("graph-editor").count()).toBe(0);
  let p = await stored(id);
  expect(p.version).toBe(2);
  const step = (name: string) => p.definition.steps.find((s: { name: string }) => s.name === name);
  expect(step("b").inputs).toEqual({ out: { step: "a", output: "out" } });
  expect(step("c").after).toEqual(["b"]);
  expect(step("c").code).toBe("print('c')");
  expect(p.order).toEqual(["a", "b", "c"]);
  // the page's DAG shows both kinds of edge
  const dag = page.getByTestId("pipeline-dag");
  await expect.poll(() => dag.locator("[data-edge]").evaluateAll((els) => els.map((e) => e.getAttribute("data-edge")).sort())).toEqual(["a->b", "b->c"]);

  // c -> a closes a cycle: the API's error names it, and version 2 stays the latest
  await page.getByRole("button", { name: "Modify graph" }).click();
  await node("c").waitFor();
  await connect("c", "a");
  await expect.poll(edgeIds).toEqual(["after:a:c", "after:c:b", "input:b:out"]);
  await page.getByRole("button", { name: "Save as new version" }).click();
  await expect.poll(() => page.locator(".alert-error").first().textContent()).toMatch(/^definition\.steps: Steps "(a|b|c)" -> .* form a cycle/);
  const message = (await page.locator(".alert-error").first().textContent())!;
  for (const s of ["a", "b", "c"]) expect(message).toContain(`"${s}"`);
  expect((await stored(id)).version).toBe(2);
  expect(await page.getByTestId("pipeline-version").textContent()).toContain("Version 2 (latest) of 2");

  // the c -> a edge selected from the keyboard and deleted; then Discard: nothing saved
  await page.locator('.react-flow__edge[data-id="after:a:c"]').focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Delete");
  await expect.poll(edgeIds).toEqual(["after:c:b", "input:b:out"]);
  await page.getByRole("button", { name: "Discard" }).click();
  await page.getByRole("button", { name: "Modify graph" }).waitFor();
  p = await stored(id);
  expect(p.version).toBe(2);
  expect(step("a").after).toEqual([]);

  // step b selected and deleted with the Delete key: the edges into and out of it go too (c no
  // longer runs after it); c's retries changed in its fields; saved as version 3
  await page.getByRole("button", { name: "Modify graph" }).click();
  await node("b").click();
  await expect.poll(() => page.getByTestId("step-fields-editor").locator("h3").textContent()).toBe("Step b");
  expect(await page.getByTestId("incoming-edges").textContent()).toContain("a → output out as input out");
  await page.keyboard.press("Delete");
  await expect.poll(() => node("b").count()).toBe(0);
  expect(await edgeIds()).toEqual([]);
  await node("c").click();
  await page.getByTestId("step-fields-editor").getByLabel("Retries").fill("2");
  await page.getByRole("button", { name: "Save as new version" }).click();
  await expect.poll(() => page.getByTestId("pipeline-version").textContent()).toContain("Version 3 (latest) of 3");
  p = await stored(id);
  expect(p.definition.steps.map((s: { name: string }) => s.name)).toEqual(["a", "c"]);
  expect(step("c").after).toEqual([]);
  expect(step("c").retries).toBe(2);
});
