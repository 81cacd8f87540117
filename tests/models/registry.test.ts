import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";

// The model registry through a real kernel: a notebook logs an ONNX model built with the
// image's own `onnx`, registers it with kiln.register_model, and the API shows versions,
// signature, metrics and lineage; aliases move; bob sees nothing of alice's.
const s = inject("servers").find((x) => x.backend === "pglite")!;
type User = { name: string; token: string };
let alice: User;
let bob: User;

beforeAll(async () => {
  [alice, bob] = [await makeUser(s, "modalice"), await makeUser(s, "modbob")];
  await startServer(s.url, alice);
}, 120_000);
afterAll(async () => {
  await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: s.adminToken }).catch(() => {});
});

/** A linear model y = x·w + b as ONNX, with kiln.prep-style metadata, logged and registered. */
const logAndRegister = (w: number[], b: number, loss: number) => `
import onnx, kiln
from onnx import helper, TensorProto
W = helper.make_tensor("W", TensorProto.FLOAT, [3, 1], ${JSON.stringify(w)})
B = helper.make_tensor("B", TensorProto.FLOAT, [1], [${b}])
g = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["m"]), helper.make_node("Add", ["m", "B"], ["prediction"])], "lin",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])], [helper.make_tensor_value_info("prediction", TensorProto.FLOAT, ["N", 1])], [W, B])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]); m.ir_version = 8
helper.set_model_props(m, {"kiln.task": "regression"})
onnx.save(m, "lin.onnx")
kiln.log_param("w", ${JSON.stringify(String(w))})
kiln.log_metric("val_loss", ${loss}, step=1)
kiln.log_model("lin.onnx", name="lin")
print(kiln.register_model("houses", description="linear baseline"))`;

test("kiln.register_model registers a run's model as versions 1 and 2, with signature, metrics and lineage; aliases move; the file downloads", async () => {
  const km = jupyterClient(s.url, alice.name, alice.token);
  const k = await km.startNew({ name: "python3" });
  expect((await run(k, logAndRegister([0.5, -1, 2], 0.25, 0.42))).trim()).toBe("1");
  // a second run (another kernel) adds version 2
  const k2 = await km.startNew({ name: "python3" });
  expect((await run(k2, logAndRegister([0.4, -1, 2], 0.5, 0.31))).trim()).toBe("2");
  await k2.shutdown();

  const list = await call(s.url, "GET", "/api/models", { token: alice.token });
  expect(list.status).toBe(200);
  const houses = list.body.models.find((m: { name: string }) => m.name === "houses");
  expect(houses).toMatchObject({ owner: alice.name, versions: 2, latest_version: 2, aliases: {} });

  const model = (await call(s.url, "GET", `/api/models/${houses.id}`, { token: alice.token })).body;
  const [v2, v1] = model.version_list;
  expect(v1.signature).toEqual({
    inputs: [{ name: "x", type: "float32", shape: ["N", 3] }], outputs: [{ name: "prediction", type: "float32", shape: ["N", 1] }],
    columns: null, task: "regression", classes: null,
  });
  expect(v1.metrics).toEqual({ val_loss: 0.42 });
  expect(v2.metrics).toEqual({ val_loss: 0.31 });
  expect(v1.description).toBe("linear baseline");
  expect(v1.lineage).toMatchObject({ run_id: v1.run_id, image: "python", datasets: [], params: { w: "0.5,-1,2" } });
  expect(v2.run_id).not.toBe(v1.run_id);
  expect(v1.lineage.image_digest).toMatch(/^sha256:/);
  expect(v1.artifact_path).toBe("lin/lin.onnx");

  // aliases: made, moved, read by name
  const aliased = await call(s.url, "PUT", `/api/models/${houses.id}/aliases/production`, { token: alice.token, body: { version: 1 } });
  expect(aliased.status).toBe(200);
  expect(aliased.body.aliases).toEqual({ production: 1 });
  expect((await call(s.url, "PUT", `/api/models/${houses.id}/aliases/production`, { token: alice.token, body: { version: 2 } })).body.aliases).toEqual({ production: 2 });
  expect((await call(s.url, "GET", `/api/models/${houses.id}/versions/production`, { token: alice.token })).body).toMatchObject({ version: 2, aliases: ["production"] });
  const bad = await call(s.url, "PUT", `/api/models/${houses.id}/aliases/production`, { token: alice.token, body: { version: 9 } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.message).toMatch(/version: model houses has no version 9/);
  expect((await call(s.url, "PUT", `/api/models/${houses.id}/aliases/Prod!`, { token: alice.token, body: { version: 1 } })).status).toBe(400);
  expect((await call(s.url, "GET", `/api/models/${houses.id}/versions/production`, { token: alice.token })).body.version).toBe(2); // nothing moved

  // the file is the ONNX file the notebook wrote
  const file = await fetch(`${s.url}/api/models/${houses.id}/versions/1/file`, { headers: { authorization: `token ${alice.token}` } });
  expect(file.status).toBe(200);
  const bytes = new Uint8Array(await file.arrayBuffer());
  expect(bytes.length).toBe(v1.size);
  expect(Buffer.from(bytes).toString("latin1")).toContain("kiln.task");
  await k.shutdown();
  km.dispose();
}, 180_000);

test("a model file onnxruntime cannot load is refused at registration, naming it; nothing is registered", async () => {
  const k = await jupyterClient(s.url, alice.name, alice.token).startNew({ name: "python3" });
  const out = await run(k, `
import kiln
open("junk.onnx", "wb").write(b"not a model")
kiln.log_model("junk.onnx", name="junk")
try:
    kiln.register_model("junkmodel")
except kiln.KilnError as e:
    print("refused:", e)`);
  expect(out).toMatch(/refused: .*model: onnxruntime cannot load this file as ONNX/);
  expect((await call(s.url, "GET", "/api/models?name=junkmodel", { token: alice.token })).body.models[0]?.versions ?? 0).toBe(0);
  await k.shutdown();
}, 120_000);

test("bob sees none of alice's models (404), cannot register from her run, and cannot move an alias of her public model (403)", async () => {
  const houses = (await call(s.url, "GET", "/api/models?name=houses", { token: alice.token })).body.models[0];
  expect((await call(s.url, "GET", "/api/models", { token: bob.token })).body.models.some((m: { id: number }) => m.id === houses.id)).toBe(false);
  expect((await call(s.url, "GET", `/api/models/${houses.id}`, { token: bob.token })).status).toBe(404);
  expect((await call(s.url, "GET", `/api/models/${houses.id}/versions/1/file`, { token: bob.token })).status).toBe(404);
  const runId = (await call(s.url, "GET", `/api/models/${houses.id}`, { token: alice.token })).body.version_list[0].run_id;
  expect((await call(s.url, "POST", "/api/models/versions", { token: bob.token, body: { run_id: runId, name: "stolen" } })).status).toBe(404);

  expect((await call(s.url, "PATCH", `/api/models/${houses.id}`, { token: alice.token, body: { public: true } })).status).toBe(200);
  expect((await call(s.url, "GET", `/api/models/${houses.id}`, { token: bob.token })).status).toBe(200); // public: readable
  expect((await call(s.url, "PUT", `/api/models/${houses.id}/aliases/production`, { token: bob.token, body: { version: 1 } })).status).toBe(403);
  expect((await call(s.url, "DELETE", `/api/models/${houses.id}`, { token: bob.token })).status).toBe(403);
  // the admin sees and may change it
  expect((await call(s.url, "GET", `/api/models/${houses.id}`, { token: s.adminToken })).status).toBe(200);
});

test("registering with a bad name or an unknown artifact is a 400 naming the field", async () => {
  const houses = (await call(s.url, "GET", "/api/models?name=houses", { token: alice.token })).body.models[0];
  const runId = (await call(s.url, "GET", `/api/models/${houses.id}/versions/2`, { token: alice.token })).body.run_id;
  const badName = await call(s.url, "POST", "/api/models/versions", { token: alice.token, body: { run_id: runId, name: "../etc" } });
  expect(badName.status).toBe(400);
  expect(badName.body.error.field).toBe("name");
  const noSuch = await call(s.url, "POST", "/api/models/versions", { token: alice.token, body: { run_id: runId, name: "houses", artifact: "nope" } });
  expect(noSuch.status).toBe(400);
  expect(noSuch.body.error.message).toMatch(/artifact: run \d+ has no model "nope"; its models: lin \(lin\/lin\.onnx\)/);
  // through the API, the same artifact registers as version 3
  const ok = await call(s.url, "POST", "/api/models/versions", { token: alice.token, body: { run_id: runId, name: "houses", artifact: "lin" } });
  expect(ok.status).toBe(201);
  expect(ok.body.registered.version).toBe(3);
});
