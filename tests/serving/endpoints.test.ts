import http from "node:http";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";

// From notebook to endpoint: a dataset from Kiln's store, kiln.prep + a logistic regression
// fitted in a real kernel, logged as one ONNX graph, registered, served by Kiln on
// onnxruntime-node; then validation, tokens, V2, swaps under load, a canary and a rollback.
const s = inject("servers").find((x) => x.backend === "pglite")!;
type User = { name: string; token: string };
let alice: User;
let bob: User;
const suffix = Math.random().toString(36).slice(2, 8);
const approval = `approval-${suffix}`;
const linear = `linear-${suffix}`;
let approvalToken = "";
let linearToken = "";

/** A deterministic CSV: age and income (some blank), city (some blank), approved by a rule plus noise. */
function applicantsCsv(n: number) {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const cities = ["paris", "lyon", "nice", "lille"];
  const lines = ["age,income,city,approved"];
  for (let i = 0; i < n; i++) {
    const age = 18 + Math.floor(rnd() * 60);
    const income = Math.round(15000 + rnd() * 90000);
    const city = cities[Math.floor(rnd() * cities.length)]!;
    const approved = income / 1000 + age / 3 + (city === "paris" ? 10 : 0) + rnd() * 30 > 75 ? 1 : 0;
    lines.push([rnd() < 0.05 ? "" : age, rnd() < 0.05 ? "" : income, rnd() < 0.05 ? "" : city, approved].join(","));
  }
  return lines.join("\n") + "\n";
}

/** 1,000 raw rows as a caller sends them: missing values, an unseen city, strings. */
function requestRows(n: number) {
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = { age: 20 + ((i * 7) % 55), income: 20000 + ((i * 7919) % 80000), city: ["paris", "lyon", "nice", "lille", "atlantis"][i % 5] };
    if (i % 17 === 0) row.age = null;
    if (i % 23 === 0) delete row.income;
    if (i % 29 === 0) row.city = null;
    rows.push(row);
  }
  return rows;
}

beforeAll(async () => {
  [alice, bob] = [await makeUser(s, "srvalice"), await makeUser(s, "srvbob")];
  await startServer(s.url, alice);
  const up = await call(s.url, "POST", "/api/datasets/applicants/uploads", { token: alice.token, body: {} });
  await call(s.url, "PUT", `/api/datasets/applicants/uploads/${up.body.upload_id}/files/data.csv`, { token: alice.token, rawBody: applicantsCsv(400) });
  expect((await call(s.url, "POST", `/api/datasets/applicants/uploads/${up.body.upload_id}/commit`, { token: alice.token })).status).toBe(201);
}, 120_000);
afterAll(async () => {
  await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: s.adminToken }).catch(() => {});
});

const predict = (name: string, body: unknown, token?: string) =>
  fetch(`${s.url}/serve/${name}/predict`, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

test("prep + logistic regression fitted on a dataset, logged, registered and served: 1,000 raw rows (missing values, an unseen city) predicted as the notebook does, within 1e-5; the same through V2", async () => {
  const rows = requestRows(1000);
  const k = await jupyterClient(s.url, alice.name, alice.token).startNew({ name: "python3" });
  const out = await run(k, `
import json, os, numpy as np, pandas as pd, kiln
from sklearn.linear_model import LogisticRegression
df = pd.read_csv(os.path.join(kiln.dataset("applicants"), "data.csv"))
y = df.pop("approved")
prep = (kiln.prep.Prep().impute("median", columns=["age", "income"]).clip(quantiles=(0.01, 0.99), columns=["age", "income"])
        .scale("standard", columns=["age", "income"]).one_hot(columns=["city"]).pca(4))
clf = LogisticRegression(max_iter=1000).fit(prep.fit_transform(df, y), y)
kiln.log_metric("accuracy", float(clf.score(prep.transform(df), y)))
kiln.log_model(clf, name="approval", prep=prep)
version = kiln.register_model(${JSON.stringify(approval)})
rows = pd.DataFrame(json.loads(${JSON.stringify(JSON.stringify(rows))}), columns=["age", "income", "city"])
print(json.dumps({"version": version, "proba": clf.predict_proba(prep.transform(rows)).tolist(), "label": clf.predict(prep.transform(rows)).tolist()}))`);
  const expected = JSON.parse(out) as { version: number; proba: number[][]; label: number[] };
  expect(expected.version).toBe(1);
  await k.shutdown();

  const model = (await call(s.url, "GET", `/api/models?name=${approval}`, { token: alice.token })).body.models[0];
  const created = await call(s.url, "POST", "/api/endpoints", { token: alice.token, body: { name: approval, model_id: model.id, version: 1 } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  approvalToken = created.body.token;
  expect(created.body).toMatchObject({ name: approval, traffic: [{ version: 1, weight: 100 }], url: `/serve/${approval}/predict` });

  const r = await predict(approval, { rows }, approvalToken);
  expect(r.status).toBe(200);
  const answer = await r.json();
  expect(answer.version).toBe(1);
  const proba = answer.outputs.probabilities as number[][];
  expect(proba).toHaveLength(1000);
  let worst = 0;
  proba.forEach((p, i) => p.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - expected.proba[i]![j]!)))));
  console.log(`served vs notebook, logistic regression with prep: largest difference ${worst.toExponential(2)} over ${proba.length} rows`);
  expect(worst).toBeLessThan(1e-5);
  // labels are indices into the model's classes ([0, 1] here)
  expect(answer.outputs.label).toEqual(expected.label);

  // Open Inference Protocol: metadata, then the same rows as V2 tensors
  const meta = await (await fetch(`${s.url}/v2/models/${approval}`, { headers: { authorization: `Bearer ${approvalToken}` } })).json();
  expect(meta.inputs.map((i: { name: string; datatype: string; shape: number[] }) => `${i.name}:${i.datatype}:${i.shape}`)).toEqual(["age:FP32:-1,1", "income:FP32:-1,1", "city:BYTES:-1,1"]);
  expect(meta.outputs.map((o: { name: string }) => o.name).sort()).toEqual(["label", "probabilities"]);
  const v2 = await fetch(`${s.url}/v2/models/${approval}/infer`, {
    method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${approvalToken}` },
    body: JSON.stringify({
      inputs: [
        { name: "age", shape: [1000, 1], datatype: "FP32", data: rows.map((x) => (x.age ?? null)) },
        { name: "income", shape: [1000, 1], datatype: "FP32", data: rows.map((x) => (x.income ?? null)) },
        { name: "city", shape: [1000, 1], datatype: "BYTES", data: rows.map((x) => (x.city ?? "")) },
      ],
    }),
  });
  expect(v2.status).toBe(200);
  const v2body = await v2.json();
  const v2proba = v2body.outputs.find((o: { name: string }) => o.name === "probabilities");
  expect(v2proba.shape).toEqual([1000, 2]);
  expect(v2proba.data).toEqual(proba.flat());
  expect(v2body.model_version).toBe("1");
}, 240_000);

/**
 * Fits the prep and a model in a kernel (the code sets `model_code` up and defines
 * `notebook_proba(df)`), logs, registers and serves it, then compares 1,000 served rows
 * with the notebook's own prediction. Returns the largest difference.
 */
async function servedVsNotebook(kernel: Awaited<ReturnType<ReturnType<typeof jupyterClient>["startNew"]>>, modelName: string, fitCode: string) {
  const rows = requestRows(1000);
  const out = await run(kernel, `
import json, os, numpy as np, pandas as pd, kiln
df = pd.read_csv(os.path.join(kiln.dataset("applicants"), "data.csv"))
y = df.pop("approved")
${fitCode}
version = kiln.register_model(${JSON.stringify(modelName)})
rows = pd.DataFrame(json.loads(${JSON.stringify(JSON.stringify(rows))}), columns=["age", "income", "city"])
print(json.dumps({"version": version, "proba": np.asarray(notebook_proba(rows), dtype=float).tolist()}))`);
  let expected: { version: number; proba: number[][] };
  try {
    expected = JSON.parse(out);
  } catch {
    throw new Error(`the notebook printed: ${out}`);
  }
  const model = (await call(s.url, "GET", `/api/models?name=${modelName}`, { token: alice.token })).body.models[0];
  const made = await call(s.url, "POST", "/api/endpoints", { token: alice.token, body: { name: modelName, model_id: model.id, version: expected.version } });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const r = await predict(modelName, { rows }, made.body.token);
  const answer = await r.json();
  expect(r.status, JSON.stringify(answer).slice(0, 500)).toBe(200);
  const served = answer.outputs.probabilities as number[][];
  expect(served).toHaveLength(1000);
  let worst = 0;
  served.forEach((p, i) => p.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - expected.proba[i]![j]!)))));
  return worst;
}

test("gradient-boosted trees behind the same prep: served equals the notebook within 1e-5", async () => {
  const k = await jupyterClient(s.url, alice.name, alice.token).startNew({ name: "python3" });
  const worst = await servedVsNotebook(k, `gbt-${suffix}`, `
from sklearn.ensemble import GradientBoostingClassifier
prep = kiln.prep.Prep().impute("median", columns=["age", "income"]).clip(quantiles=(0.01, 0.99), columns=["age", "income"]).one_hot(columns=["city"])
clf = GradientBoostingClassifier(n_estimators=60, max_depth=3, random_state=0).fit(prep.fit_transform(df, y), y)
kiln.log_model(clf, name="gbt", prep=prep)
notebook_proba = lambda rows: clf.predict_proba(prep.transform(rows))`);
  console.log(`served vs notebook, gradient boosting with prep: largest difference ${worst.toExponential(2)}`);
  expect(worst).toBeLessThan(1e-5);
  await k.shutdown();
}, 180_000);

test("an MLP from PyTorch (torch.onnx.export, pytorch image) behind the same prep: served equals the notebook within 1e-5", async () => {
  await startServer(s.url, alice, "torch", { image: "pytorch" });
  const km = jupyterClient(s.url, alice.name, alice.token, "torch");
  const k = await km.startNew({ name: "python3" });
  const worst = await servedVsNotebook(k, `torchmlp-${suffix}`, `
import torch
torch.manual_seed(0)
prep = kiln.prep.Prep().impute("median", columns=["age", "income"]).scale("standard", columns=["age", "income"]).one_hot(columns=["city"])
X = torch.tensor(prep.fit_transform(df, y), dtype=torch.float32)
net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], 16), torch.nn.ReLU(), torch.nn.Linear(16, 2), torch.nn.Softmax(dim=1))
opt = torch.optim.Adam(net.parameters(), lr=0.01)
target = torch.tensor(y.values, dtype=torch.long)
for _ in range(200):
    opt.zero_grad(); loss = torch.nn.functional.nll_loss(torch.log(net(X) + 1e-9), target); loss.backward(); opt.step()
net.eval()
torch.onnx.export(net, torch.zeros(1, X.shape[1]), "mlp.onnx", input_names=["features"], output_names=["probabilities"],
                  dynamic_axes={"features": {0: "N"}, "probabilities": {0: "N"}}, opset_version=17)
kiln.log_model("mlp.onnx", name="mlp", prep=prep)
notebook_proba = lambda rows: net(torch.tensor(prep.transform(rows), dtype=torch.float32)).detach().numpy()`);
  console.log(`served vs notebook, PyTorch MLP with prep: largest difference ${worst.toExponential(2)}`);
  expect(worst).toBeLessThan(1e-5);
  await k.shutdown();
  km.dispose(); // its polling would otherwise meet the stopped server's 404 page
  await call(s.url, "DELETE", `/hub/api/users/${alice.name}/servers/torch`, { token: alice.token });
}, 240_000);

test("bad input is a 400 naming the input, the expected type and shape, and the row; a 10 MB body is a 413; the process carries on", async () => {
  const bad = async (body: unknown) => {
    const r = await predict(approval, body, approvalToken);
    return { status: r.status, message: (await r.json()).error?.message as string };
  };
  expect(await bad({ rows: [{ age: 30, incme: 1 }] })).toEqual({ status: 400, message: expect.stringMatching(/rows\[0\]\.incme: no such column; expected age \(number\), income \(number\), city \(string\)/) });
  expect(await bad({ rows: [{ age: 30 }, { age: "thirty" }] })).toEqual({ status: 400, message: expect.stringMatching(/rows\[1\]\.age: expected a number \(float32\), got "thirty"/) });
  expect(await bad({ inputs: { age: [[1]], income: [[2]] } })).toEqual({ status: 400, message: expect.stringMatching(/inputs\.city: missing; expected string\[N, 1\]/) });
  expect(await bad({ inputs: { age: [1, 2], income: [[2], [3]], city: [["a"], ["b"]] } })).toEqual({ status: 400, message: expect.stringMatching(/inputs\.age: expected shape \[N, 1\] \(float32\), got \[2\]/) });
  expect(await bad({ nothing: 1 })).toEqual({ status: 400, message: expect.stringMatching(/rows.*inputs/) });
  const big = await predict(approval, { rows: [{ city: "x".repeat(10 * 1024 * 1024) }] }, approvalToken).catch((e) => e as Error);
  expect(big instanceof Error ? big.message : big.status).toBe(413);
  expect((await predict(approval, { rows: [{ age: 40, income: 50000, city: "paris" }] }, approvalToken)).status).toBe(200); // still serving
});

test("a private endpoint: no token 401, another's token 403, bob cannot see it; an admin sees every endpoint and can stop it", async () => {
  expect((await predict(approval, { rows: [{ age: 1 }] })).status).toBe(401);
  expect((await predict(approval, { rows: [{ age: 1 }] }, bob.token)).status).toBe(403);
  expect((await fetch(`${s.url}/v2/models/${approval}`)).status).toBe(401);
  expect((await call(s.url, "GET", `/api/endpoints/${approval}`, { token: bob.token })).status).toBe(404);
  expect((await call(s.url, "GET", "/api/endpoints", { token: bob.token })).body.endpoints).toEqual([]);
  expect((await call(s.url, "PUT", `/api/endpoints/${approval}/traffic`, { token: bob.token, body: { traffic: [{ version: 1, weight: 1 }] } })).status).toBe(404);
  const all = (await call(s.url, "GET", "/api/endpoints", { token: s.adminToken })).body.endpoints.map((e: { name: string }) => e.name);
  expect(all).toContain(approval);
  expect((await call(s.url, "PATCH", `/api/endpoints/${approval}`, { token: s.adminToken, body: { state: "stopped" } })).body.state).toBe("stopped");
  expect((await predict(approval, { rows: [{ age: 1 }] }, approvalToken)).status).toBe(503);
  expect((await call(s.url, "PATCH", `/api/endpoints/${approval}`, { token: alice.token, body: { state: "running" } })).status).toBe(200);
  expect((await predict(approval, { rows: [{ age: 1 }] }, approvalToken)).status).toBe(200);
});

/** Two versions of a linear model (x·w) whose answers tell them apart: v1 gives 1, v2 gives 2 for x = [1, 0]. */
const linearVersion = (w0: number) => `
import onnx, kiln
from onnx import helper, TensorProto
W = helper.make_tensor("W", TensorProto.FLOAT, [2, 1], [${w0}, 0.0])
g = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["y"])], "lin",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])], [W])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]); m.ir_version = 8
onnx.save(m, "lin.onnx")
kiln.log_model("lin.onnx", name="lin")
print(kiln.register_model(${JSON.stringify(linear)}))`;

test("under 100 requests/s a swap drops nothing and every answer names one version; a 10% canary gets 10% ± 3% of 2,000; rollback moves everything back at once; the version no longer routed is unloaded, and loaded again when routed", async () => {
  const km = jupyterClient(s.url, alice.name, alice.token);
  for (const w of [1, 2]) {
    const k = await km.startNew({ name: "python3" });
    expect((await run(k, linearVersion(w))).trim()).toBe(String(w));
    await k.shutdown();
  }
  const model = (await call(s.url, "GET", `/api/models?name=${linear}`, { token: alice.token })).body.models[0];
  const made = await call(s.url, "POST", "/api/endpoints", { token: alice.token, body: { name: linear, model_id: model.id, version: 1 } });
  linearToken = made.body.token;
  const ask = async () => {
    const r = await predict(linear, { inputs: { x: [[1, 0]] } }, linearToken);
    const b = await r.json();
    return { status: r.status, version: b.version as number, y: b.outputs?.y?.[0]?.[0] as number };
  };

  // ~100 requests/s for as long as the swap takes, and a little after
  const answers: Awaited<ReturnType<typeof ask>>[] = [];
  let swapped = false;
  const load = (async () => {
    let sent = 0;
    const started = Date.now();
    const inFlight: Promise<void>[] = [];
    while (!swapped || sent < 300) {
      inFlight.push(ask().then((a) => void answers.push(a), () => void answers.push({ status: 0, version: 0, y: Number.NaN })));
      sent++;
      const due = started + sent * 10;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    }
    await Promise.all(inFlight);
  })();
  await new Promise((r) => setTimeout(r, 500));
  const swap = await call(s.url, "PUT", `/api/endpoints/${linear}/traffic`, { token: alice.token, body: { traffic: [{ version: 2, weight: 100 }], reason: "v2 is better" } });
  expect(swap.status).toBe(200);
  swapped = true;
  await load;
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  for (const a of answers) expect(a.y).toBe(a.version); // each answer is wholly one version's
  expect(new Set(answers.map((a) => a.version))).toEqual(new Set([1, 2]));
  expect(answers.slice(-50).every((a) => a.version === 2)).toBe(true);

  // canary: 90 / 10
  await call(s.url, "PUT", `/api/endpoints/${linear}/traffic`, { token: alice.token, body: { traffic: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }] } });
  const split: number[] = [];
  for (let i = 0; i < 2000; i += 50) split.push(...(await Promise.all(Array.from({ length: 50 }, ask))).map((a) => a.version));
  const canary = split.filter((v) => v === 2).length / split.length;
  console.log(`canary share: ${(canary * 100).toFixed(1)}% of ${split.length}`);
  expect(canary).toBeGreaterThanOrEqual(0.07);
  expect(canary).toBeLessThanOrEqual(0.13);
  // the list shows each endpoint's own split (read for all of them at once), and no history
  const listed = (await call(s.url, "GET", "/api/endpoints", { token: alice.token })).body.endpoints as { name: string; traffic: unknown; history?: unknown }[];
  expect(listed.length).toBeGreaterThan(1);
  expect(listed.find((e) => e.name === linear)!.traffic).toEqual([{ version: 1, weight: 90 }, { version: 2, weight: 10 }]);
  expect(listed.find((e) => e.name === approval)!.traffic).toEqual([{ version: expect.any(Number), weight: 100 }]);
  expect(listed.every((e) => e.history === undefined)).toBe(true);

  // rollback: everything on v1 from the next request
  await call(s.url, "PUT", `/api/endpoints/${linear}/traffic`, { token: alice.token, body: { traffic: [{ version: 1, weight: 100 }], reason: "rollback" } });
  expect((await Promise.all(Array.from({ length: 50 }, ask))).every((a) => a.version === 1)).toBe(true);
  const described = (await call(s.url, "GET", `/api/endpoints/${linear}`, { token: alice.token })).body;
  expect(described.traffic).toEqual([{ version: 1, weight: 100 }]);
  expect(described.history.map((h: { action: string }) => h.action)).toEqual(["deploy", "canary", "deploy", "created"]);
  // each change records the traffic it replaced and the traffic it set
  expect(described.history.slice(0, 3).map((h: { detail: { before: unknown; after: unknown } }) => [h.detail.before, h.detail.after])).toEqual([
    [[{ version: 1, weight: 90 }, { version: 2, weight: 10 }], [{ version: 1, weight: 100 }]],
    [[{ version: 2, weight: 100 }], [{ version: 1, weight: 90 }, { version: 2, weight: 10 }]],
    [[{ version: 1, weight: 100 }], [{ version: 2, weight: 100 }]],
  ]);

  // v2, routed by nothing now, is unloaded once idle (KILN_SERVING_UNLOAD_AFTER is 1 s in the tests); v1 stays
  const loaded = async () => {
    const text = await (await fetch(`${s.url}/metrics`, { headers: { authorization: `token ${s.adminToken}` } })).text();
    return [...text.matchAll(new RegExp(`^kiln_serving_model_loaded\\{model="${linear}",version="(\\d+)"\\} 1$`, "gm"))].map((m) => Number(m[1])).sort();
  };
  for (const deadline = Date.now() + 60_000; (await loaded()).includes(2) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 200));
  expect(await loaded()).toEqual([1]);
  expect(await ask()).toEqual({ status: 200, version: 1, y: 1 });
  // routed again, it is loaded again before traffic moves, and answers
  await call(s.url, "PUT", `/api/endpoints/${linear}/traffic`, { token: alice.token, body: { traffic: [{ version: 2, weight: 100 }] } });
  expect(await loaded()).toEqual([1, 2]);
  expect(await ask()).toEqual({ status: 200, version: 2, y: 2 });
  await call(s.url, "PUT", `/api/endpoints/${linear}/traffic`, { token: alice.token, body: { traffic: [{ version: 1, weight: 100 }] } });
}, 240_000);

const gatedVersion = (name: string, w0: number, val: number) => `
import onnx, kiln
from onnx import helper, TensorProto
W = helper.make_tensor("W", TensorProto.FLOAT, [2, 1], [${w0}, 0.0])
g = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["y"])], "lin",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])], [W])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]); m.ir_version = 8
onnx.save(m, "lin.onnx")
kiln.log_metric("val_auc", ${val})
kiln.log_model("lin.onnx", name="lin")
print(kiln.register_model(${JSON.stringify(name)}))`;

test("with a gate on val_auc, a new version that does not beat the serving one is not promoted and one that does is, the history saying why each time", async () => {
  const gated = `gated-${suffix}`;
  const k = await jupyterClient(s.url, alice.name, alice.token).startNew({ name: "python3" });
  expect((await run(k, gatedVersion(gated, 1, 0.8))).trim()).toBe("1");
  const model = (await call(s.url, "GET", `/api/models?name=${gated}`, { token: alice.token })).body.models[0];
  const made = await call(s.url, "POST", "/api/endpoints", { token: alice.token, body: { name: gated, model_id: model.id, version: 1 } });
  expect((await call(s.url, "PUT", `/api/endpoints/${gated}/gate`, { token: alice.token, body: { metric: "val_auc", direction: "max" } })).status).toBe(200);

  expect((await run(k, gatedVersion(gated, 2, 0.7))).trim()).toBe("2"); // worse: stays on v1
  let ep = (await call(s.url, "GET", `/api/endpoints/${gated}`, { token: alice.token })).body;
  expect(ep.traffic).toEqual([{ version: 1, weight: 100 }]);
  expect(ep.history[0]).toMatchObject({ action: "not promoted", by: alice.name, detail: { version: 2, new_value: 0.7, serving_version: 1, serving_value: 0.8, reason: expect.stringMatching(/does not beat/) } });

  expect((await run(k, gatedVersion(gated, 3, 0.9))).trim()).toBe("3"); // better: takes the traffic
  ep = (await call(s.url, "GET", `/api/endpoints/${gated}`, { token: alice.token })).body;
  expect(ep.traffic).toEqual([{ version: 3, weight: 100 }]);
  expect(ep.history[0]).toMatchObject({ action: "auto-promoted", detail: { version: 3, new_value: 0.9, serving_version: 1, serving_value: 0.8, reason: expect.stringMatching(/beats/) } });
  const r = await predict(gated, { inputs: { x: [[1, 0]] } }, made.body.token);
  expect(await r.json()).toMatchObject({ version: 3, outputs: { y: [[3]] } });
  await k.shutdown();
}, 180_000);

test("models are answered by a process of their own: on one kept-alive connection, model requests and Kiln's API answer alike in either order; /metrics and the endpoint's stats count them", async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const u = new URL(s.url);
  /** One request on the agent's single connection: status, body, and whether it reused the connection. */
  const ask = (method: string, path: string, token: string, body?: unknown) =>
    new Promise<{ status: number; body: Record<string, unknown>; reused: boolean }>((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request({ host: u.hostname, port: u.port, path, method, agent, headers: { authorization: `Bearer ${token}`, ...(text ? { "content-type": "application/json", "content-length": Buffer.byteLength(text) } : {}) } }, (res) => {
        let out = "";
        res.setEncoding("utf8").on("data", (d: string) => (out += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(out) as Record<string, unknown>, reused: req.reusedSocket }));
      });
      req.on("error", reject);
      req.end(text);
    });
  const row = { rows: [{ age: 40, income: 50000, city: "paris" }] };
  const before = (await call(s.url, "GET", `/api/endpoints/${approval}/stats`, { token: alice.token })).body as { requests: { status: string; count: number }[] };
  const ok = (st: typeof before) => st.requests.filter((r) => r.status === "200").reduce((n, r) => n + r.count, 0);
  try {
    // first a model request (the connection goes to the serving process), then the API on it
    const first = await ask("POST", `/serve/${approval}/predict`, approvalToken, row);
    expect(first.status).toBe(200);
    const api = await ask("GET", `/api/endpoints/${approval}`, alice.token);
    expect(api).toMatchObject({ status: 200, reused: true, body: { name: approval } });
    expect((await ask("GET", `/api/endpoints/${approval}`, bob.token)).status).toBe(404); // still checked as bob
    expect(await ask("POST", `/serve/${approval}/predict`, approvalToken, row)).toMatchObject({ status: 200, reused: true, body: first.body });
  } finally {
    agent.destroy();
  }
  const agent2 = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    // first the API (the connection stays with Kiln), then a model request on it
    const api = await new Promise<number>((resolve, reject) => http.get({ host: u.hostname, port: u.port, path: `/api/endpoints/${approval}`, agent: agent2, headers: { authorization: `Bearer ${alice.token}` } }, (res) => res.resume().on("end", () => resolve(res.statusCode ?? 0))).on("error", reject));
    expect(api).toBe(200);
    const text = JSON.stringify(row);
    const served = await new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: `/serve/${approval}/predict`, method: "POST", agent: agent2, headers: { authorization: `Bearer ${approvalToken}`, "content-type": "application/json", "content-length": Buffer.byteLength(text) } }, (res) => res.resume().on("end", () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket })));
      req.on("error", reject);
      req.end(text);
    });
    expect(served).toEqual({ status: 200, reused: true });
  } finally {
    agent2.destroy();
  }
  const after = (await call(s.url, "GET", `/api/endpoints/${approval}/stats`, { token: alice.token })).body as typeof before;
  expect(ok(after) - ok(before)).toBe(3);
  const metricsText = await (await fetch(`${s.url}/metrics`, { headers: { authorization: `token ${s.adminToken}` } })).text();
  expect(metricsText).toMatch(new RegExp(`kiln_endpoint_requests_total\\{endpoint="${approval}",version="\\d+",status="200"\\} [1-9]`));
  expect(metricsText.match(/^# TYPE kiln_endpoint_requests_total /gm)).toHaveLength(1); // named once: Prometheus refuses a name twice
  expect(metricsText).toMatch(/^kiln_http_requests_total|^kiln_process_cpu/m); // Kiln's own metrics are still there
});

test("each endpoint has an OpenAPI document whose request and answer come from its signature", async () => {
  const doc = (await call(s.url, "GET", `/api/endpoints/${approval}/openapi.json`, { token: alice.token })).body;
  const op = doc.paths[`/serve/${approval}/predict`].post;
  const [rows] = op.requestBody.content["application/json"].schema.oneOf;
  expect(Object.keys(rows.properties.rows.items.properties)).toEqual(["age", "income", "city"]);
  expect(rows.properties.rows.items.properties.city.type).toEqual(["string", "null"]);
  expect(Object.keys(op.responses[200].content["application/json"].schema.properties.outputs.properties).sort()).toEqual(["label", "probabilities"]);
  expect(op.security).toEqual([{ endpointToken: [] }]);
  expect((await call(s.url, "GET", `/api/endpoints/${approval}/openapi.json`, { token: bob.token })).status).toBe(404);
});

test("with sampling on, requests and their answers become a version of the owner's <endpoint>-requests dataset; off by default", async () => {
  const none = await call(s.url, "POST", `/api/endpoints/${linear}/samples`, { token: alice.token });
  expect(none.body).toMatchObject({ version: null, samples: 0 }); // off by default: nothing kept
  expect((await call(s.url, "PUT", `/api/endpoints/${linear}/sampling`, { token: alice.token, body: { rate: 2 } })).status).toBe(400);
  expect((await call(s.url, "PUT", `/api/endpoints/${linear}/sampling`, { token: alice.token, body: { rate: 1 } })).body.sample_rate).toBe(1);
  for (let i = 0; i < 5; i++) expect((await predict(linear, { inputs: { x: [[i, 0]] } }, linearToken)).status).toBe(200);
  const committed = await call(s.url, "POST", `/api/endpoints/${linear}/samples`, { token: alice.token });
  expect(committed.body).toMatchObject({ dataset: `${linear}-requests`, version: 1, samples: 5 });
  const day = new Date().toISOString().slice(0, 10);
  const file = await fetch(`${s.url}/api/datasets/${linear}-requests/versions/1/files/${day}.jsonl`, { headers: { authorization: `token ${alice.token}` } });
  const lines = (await file.text()).trim().split("\n").map((l) => JSON.parse(l));
  expect(lines).toHaveLength(5);
  // (each serving process appends its own lines: the file is in order per process)
  const third = lines.find((l) => l.request.inputs.x[0][0] === 3);
  expect(third).toMatchObject({ version: 1, request: { inputs: { x: [[3, 0]] } }, outputs: { y: [[3]] } });
  expect(third.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect((await call(s.url, "GET", `/api/datasets/${linear}-requests`, { token: bob.token })).status).toBe(404);
});
