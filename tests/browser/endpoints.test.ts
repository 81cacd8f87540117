import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { signUpInBrowser, unnamedControls, useChromium } from "../helpers/browser";
import { call, startServer } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";

// The endpoint pages in Chromium: a model registered from a kernel (two versions) is served
// from its page's Serve form, whose token is shown once; the endpoint page's Try it console
// calls it with that token, the Live figures count the calls, a canary set in the Traffic
// form shows in the split and in the deployment history.
const server = inject("servers").find((s) => s.backend === "pglite")!;
const chromium = useChromium();
const suffix = Math.random().toString(36).slice(2, 8);
const endpointName = `adder-${suffix}`;
let page: Page;
let user: string;
let token: string;

// score = W * a + b, with a and b [N, 1] columns, so the endpoint takes {"rows": [{a, b}]};
// v1 has W = 2, v2 W = 3
const registerTwo = `
import onnx, kiln
from onnx import helper, TensorProto
def build(w, path):
    W = helper.make_tensor("W", TensorProto.FLOAT, [1, 1], [w])
    g = helper.make_graph([helper.make_node("Mul", ["a", "W"], ["t"]), helper.make_node("Add", ["t", "b"], ["score"])], "m",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["N", 1]), helper.make_tensor_value_info("b", TensorProto.FLOAT, ["N", 1])],
        [helper.make_tensor_value_info("score", TensorProto.FLOAT, ["N", 1])], [W])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]); m.ir_version = 8
    onnx.save(m, path)
build(2.0, "double.onnx")
build(3.0, "triple.onnx")
kiln.log_model("double.onnx", name="double")
kiln.log_model("triple.onnx", name="triple")
print(kiln.register_model("adder", artifact="double"), kiln.register_model("adder", artifact="triple"))`;

beforeAll(async () => {
  const ctx = await chromium.browser.newContext({ baseURL: server.url });
  ({ page, name: user } = await signUpInBrowser(ctx, "endpoints"));
  token = (await call(server.url, "POST", `/hub/api/users/${user}/tokens`, { token: server.adminToken, body: {} })).body.token;
  await startServer(server.url, { name: user, token });
}, 120_000);
afterAll(async () => {
  await call(server.url, "DELETE", `/hub/api/users/${user}/server`, { token }).catch(() => {});
});

async function send(status: RegExp) {
  await page.getByRole("button", { name: "Send" }).click();
  await expect.poll(() => page.getByTestId("try-status").innerText().catch(() => ""), { timeout: 15_000 }).toMatch(status);
}

test("served from the model page (token shown once), tried with the token, counted live; a canary in Traffic and History", async () => {
  const k = await jupyterClient(server.url, user, token).startNew({ name: "python3" });
  expect((await run(k, registerTwo)).trim()).toBe("1 2");
  await k.shutdown();

  await page.goto("/models");
  await page.getByRole("link", { name: "adder" }).click();
  await page.waitForURL(/\/models\/\d+$/);
  await page.getByLabel("Endpoint name").fill(endpointName);
  await page.getByLabel("Version or alias").fill("1");
  await page.getByRole("button", { name: "Serve", exact: true }).click();
  const notice = page.getByTestId("endpoint-token");
  await notice.waitFor({ timeout: 30_000 });
  expect(await notice.innerText()).toContain("Copy it now");
  const endpointToken = await page.getByLabel("Endpoint token").inputValue();
  expect(endpointToken.length).toBeGreaterThan(20);
  await expect.poll(() => page.getByTestId("endpoint-list").innerText().catch(() => ""), { timeout: 10_000 }).toContain(endpointName);
  expect(await unnamedControls(page)).toEqual([]);

  await page.getByRole("link", { name: `Open endpoint ${endpointName}` }).click();
  await page.waitForURL((u) => u.pathname === `/models/endpoints/${endpointName}`);
  expect(await page.getByTestId("endpoint-url").innerText()).toContain(`/serve/${endpointName}/predict`);
  expect(await page.getByTestId("endpoint-summary").innerText()).toMatch(/Private/);

  // the console is prefilled with rows of the signature's columns
  const body = page.getByLabel("Request body (JSON)");
  await expect.poll(() => body.inputValue(), { timeout: 10_000 }).toContain('"rows"');
  expect(JSON.parse(await body.inputValue())).toEqual({ rows: [{ a: 0, b: 0 }] });

  // the browser's session is no endpoint token
  await send(/HTTP 401/);
  await page.getByLabel("Endpoint token").fill(endpointToken);
  await body.fill(JSON.stringify({ rows: [{ a: 1, b: 0.5 }, { a: 2, b: 1 }] }));
  await send(/HTTP 200 in [\d.]+ ms/);
  const answer = JSON.parse(await page.getByTestId("try-answer").innerText());
  expect(answer).toMatchObject({ endpoint: endpointName, model: "adder", version: 1 });
  expect(answer.outputs.score).toEqual([[2.5], [5]]);

  for (let i = 0; i < 3; i++) await send(/HTTP 200/);
  await expect.poll(async () => Number(await page.getByTestId("live-rate").innerText()), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(() => page.getByTestId("live-p50").innerText(), { timeout: 15_000 }).toMatch(/^\d/);

  // a canary: v2 takes 25%
  await page.getByLabel("Canary (two versions)").check();
  await page.getByLabel("Stable version").selectOption("1");
  await page.getByLabel("Canary version").selectOption("2");
  await page.getByLabel("Canary share (%)").fill("25");
  await page.getByLabel("Reason (kept in the history)").fill("try the triple");
  await page.getByRole("button", { name: "Set traffic" }).click();
  await expect.poll(() => page.getByTestId("traffic-split").innerText(), { timeout: 15_000 }).toBe("v1 75%, v2 25%");
  const history = await page.getByTestId("endpoint-history").innerText();
  expect(history).toMatch(/canary\s+v1 100% → v1 75%, v2 25%\s+try the triple\s+\S+/);
  expect(history).toContain(user);
  expect(history).toMatch(/created\s+→ v1/);
  expect(await unnamedControls(page)).toEqual([]);

  // /models lists the endpoint too
  await page.goto("/models");
  await expect.poll(() => page.getByTestId("endpoint-list").innerText().catch(() => ""), { timeout: 10_000 }).toContain(endpointName);
  expect(await unnamedControls(page)).toEqual([]);
}, 240_000);
