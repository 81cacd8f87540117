import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";
import { call, startServer } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";

// The model registry's pages in Chromium: a model logged and registered from a kernel shows
// on /models; its page has the versions with their metrics side by side, the signature and
// lineage; an alias is set in the form; a run's model is registered from the run page.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
let page: Page;
let user: string;
let token: string;

const logModel = (loss: number, register: boolean) => `
import onnx, kiln
from onnx import helper, TensorProto
W = helper.make_tensor("W", TensorProto.FLOAT, [2, 1], [1.0, 2.0])
g = helper.make_graph([helper.make_node("MatMul", ["features", "W"], ["score"])], "m",
    [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 2])], [helper.make_tensor_value_info("score", TensorProto.FLOAT, ["N", 1])], [W])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]); m.ir_version = 8
onnx.save(m, "scorer.onnx")
kiln.log_metric("auc", ${loss}, step=1)
kiln.log_model("scorer.onnx", name="scorer")
${register ? 'print(kiln.register_model("scorer"))' : 'print("logged")'}`;

beforeAll(async () => {
  const ctx = await chromium.browser.newContext({ baseURL: server.url });
  ({ page, name: user } = await signUpInBrowser(ctx, "models"));
  token = (await call(server.url, "POST", `/hub/api/users/${user}/tokens`, { token: server.adminToken, body: {} })).body.token;
  await startServer(server.url, { name: user, token });
}, 120_000);
afterAll(async () => {
  await call(server.url, "DELETE", `/hub/api/users/${user}/server`, { token }).catch(() => {});
});

test("a registered model on /models and its page (versions, metrics, signature); an alias set in the form; a run's model registered from the run page", async () => {
  const km = jupyterClient(server.url, user, token);
  const k1 = await km.startNew({ name: "python3" });
  expect((await run(k1, logModel(0.81, true))).trim()).toBe("1");
  const k2 = await km.startNew({ name: "python3" });
  expect((await run(k2, logModel(0.87, false))).trim()).toBe("logged");
  const runs = (await call(server.url, "GET", "/api/runs", { token })).body.runs as { id: number; metrics: Record<string, { last: number }> }[];
  const second = runs.find((r) => r.metrics.auc?.last === 0.87)!;

  await page.goto("/models");
  await page.getByRole("link", { name: "scorer" }).click();
  await page.waitForURL(/\/models\/\d+$/);
  await expect.poll(() => page.getByTestId("model-version-row").count(), { timeout: 15_000 }).toBe(1);
  expect(await page.getByTestId("model-versions").innerText()).toContain("0.81");
  expect(await page.getByTestId("model-signature").innerText()).toMatch(/features\s+float32\[N, 2\]/);

  // the run page's Register adds version 2 from the second run
  await page.goto(`/experiments/${second.id}`);
  await page.getByRole("button", { name: "Register scorer/scorer.onnx" }).click();
  await page.getByLabel("Model name").fill("scorer");
  await page.getByRole("button", { name: "Register version" }).click();
  await page.getByRole("link", { name: "Registered as scorer v2" }).click();
  await page.waitForURL(/\/models\/\d+$/);
  await expect.poll(() => page.getByTestId("model-version-row").count(), { timeout: 15_000 }).toBe(2);
  const table = await page.getByTestId("model-versions").innerText();
  expect(table).toContain("0.87"); // both versions' metrics, side by side
  expect(table).toContain("0.81");

  await page.getByLabel("Alias", { exact: true }).fill("production");
  await page.locator('select[name="version"]').selectOption("2");
  await page.getByRole("button", { name: "Set alias" }).click();
  await expect.poll(() => page.getByTestId("model-aliases").innerText().catch(() => ""), { timeout: 10_000 }).toContain("production → v2");
  expect(await unnamedControls(page)).toEqual([]);
  await k1.shutdown();
  await k2.shutdown();
}, 180_000);
