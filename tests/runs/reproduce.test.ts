import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";

// Pinned data and "Reproduce": a run reads the version it first read; a reproduction reads it again.
const s = inject("servers")[1] ?? inject("servers")[0]!;
let alice: { name: string; token: string };
beforeAll(async () => {
  alice = await makeUser(s, "repro");
  await startServer(s.url, alice);
}, 60_000);
afterAll(async () => {
  if (alice) await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token });
});

const IRIS_V1 = "sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n6.2,2.9,versicolor\n";
const IRIS_V2 = IRIS_V1 + "7.7,3.8,virginica\n7.9,3.8,virginica\n";

async function upload(csv: string, name = "iris") {
  const up = await call(s.url, "POST", `/api/datasets/${name}/uploads`, { token: alice.token, body: {} });
  expect(up.status).toBe(201);
  const put = await call(s.url, "PUT", `/api/datasets/${name}/uploads/${up.body.upload_id}/files/iris.csv`, { token: alice.token, rawBody: csv });
  expect(put.status).toBe(200);
  const done = await call(s.url, "POST", `/api/datasets/${name}/uploads/${up.body.upload_id}/commit`, { token: alice.token, body: {} });
  expect(done.status).toBe(201);
  return done.body.version as number;
}

async function waitRun(id: number) {
  for (let i = 0; i < 300; i++) {
    const r = await call(s.url, "GET", `/api/runs/${id}`, { token: alice.token });
    if (!["queued", "running"].includes(r.body.status)) return r.body;
    await new Promise((res) => setTimeout(res, 300));
  }
  throw new Error(`run ${id} did not end`);
}

test("a run pins the dataset version it read; after v2 it still shows v1, and Reproduce reads v1 again with the same metrics", async () => {
  expect(await upload(IRIS_V1)).toBe(1);
  const code = [
    "import csv, os, kiln",
    "folder = kiln.dataset('iris')",
    "rows = list(csv.DictReader(open(os.path.join(folder, 'iris.csv'))))",
    "kiln.log_metric('rows', len(rows))",
    "kiln.log_metric('mean_sepal', sum(float(r['sepal_length']) for r in rows) / len(rows))",
  ].join("\n");
  const nb = await call(s.url, "POST", "/api/notebooks", { token: alice.token, body: { name: "repro", cells: [{ id: "a", cell_type: "code", source: code, metadata: {} }] } });
  const first = await waitRun((await call(s.url, "POST", `/api/notebooks/${nb.body.id}/runs`, { token: alice.token, body: {} })).body.id);
  expect(first.status, first.error ?? "").toBe("finished");
  expect(first.inputs).toEqual([expect.objectContaining({ dataset: "iris", owner: alice.name, version: 1 })]);
  expect(first.metrics.rows.last).toBe(3);

  expect(await upload(IRIS_V2)).toBe(2);
  const again = await call(s.url, "GET", `/api/runs/${first.id}`, { token: alice.token });
  expect(again.body.inputs[0].version).toBe(1);

  const repro = await call(s.url, "POST", `/api/runs/${first.id}/reproduce`, { token: alice.token });
  expect(repro.status).toBe(202);
  const second = await waitRun(repro.body.id);
  expect(second).toMatchObject({ status: "finished", reproduces_id: first.id, image_digest: first.image_digest });
  expect(second.inputs[0].version).toBe(1);
  expect(second.metrics.rows.last).toBe(first.metrics.rows.last);
  expect(second.metrics.mean_sepal.last).toBe(first.metrics.mean_sepal.last);

  // a fresh run (not a reproduction) reads the latest
  const fresh = await waitRun((await call(s.url, "POST", `/api/notebooks/${nb.body.id}/runs`, { token: alice.token, body: {} })).body.id);
  expect(fresh.inputs[0].version).toBe(2);
  expect(fresh.metrics.rows.last).toBe(5);
  const cmp = await call(s.url, "GET", `/api/runs/compare?ids=${first.id},${second.id},${fresh.id}`, { token: alice.token });
  expect(cmp.status).toBe(200);
  expect(cmp.body.metric_keys).toEqual(["mean_sepal", "rows"]);
}, 180_000);

test("from a kernel: save_dataset makes a version whose lineage names the run and what it read; log_artifact and log_model store files with the run", async () => {
  expect(await upload(IRIS_V1, "flowers")).toBe(1);
  const code = [
    "import csv, os, kiln",
    "src = os.path.join(kiln.dataset('flowers'), 'iris.csv')",
    "rows = [r for r in csv.DictReader(open(src)) if r['species'] != 'versicolor']",
    "os.makedirs('clean', exist_ok=True)",
    "with open('clean/iris.csv', 'w', newline='') as f:",
    "    w = csv.DictWriter(f, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)",
    "v = kiln.save_dataset('iris-clean', 'clean', checks={'rows': [1, 100]})",
    "with open('report.txt', 'w') as f: f.write('kept %d rows' % len(rows))",
    "kiln.log_artifact('report.txt')",
    "with open('model.onnx', 'wb') as f: f.write(b'not really onnx, but bytes')",
    "kiln.log_model('model.onnx', name='iris-model')",
    "print('version', v)",
  ].join("\n");
  const nb = await call(s.url, "POST", "/api/notebooks", { token: alice.token, body: { name: "derive", cells: [{ id: "a", cell_type: "code", source: code, metadata: {} }] } });
  const run = await waitRun((await call(s.url, "POST", `/api/notebooks/${nb.body.id}/runs`, { token: alice.token, body: {} })).body.id);
  expect(run.status, run.error ?? "").toBe("finished");
  const ds = await call(s.url, "GET", "/api/datasets/iris-clean", { token: alice.token });
  expect(ds.status).toBe(200);
  const v = await call(s.url, "GET", `/api/datasets/iris-clean/versions/${ds.body.latest_version}`, { token: alice.token });
  expect(v.body.lineage.produced_by_run_id).toBe(run.id);
  expect(v.body.lineage.parents).toEqual([expect.objectContaining({ dataset: "flowers", version: 1 })]);
  expect(v.body.checks_status, JSON.stringify(v.body.check_results)).toBe("passed");
  expect(v.body.files).toEqual([expect.objectContaining({ path: "iris.csv", rows: 2 })]);
  const paths = run.artifacts.map((a: { path: string; kind: string }) => `${a.kind}:${a.path}`).sort();
  expect(paths).toContain("artifact:report.txt");
  expect(paths.some((p: string) => p.startsWith("model:") && p.endsWith("model.onnx"))).toBe(true);
  const report = await fetch(`${s.url}/api/runs/${run.id}/artifacts/report.txt`, { headers: { authorization: `token ${alice.token}` } });
  expect(await report.text()).toBe("kept 2 rows");
}, 120_000);
