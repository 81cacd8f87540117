import http from "node:http";
import crypto from "node:crypto";
import { describe, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { uniq } from "../helpers/kiln";
import { chain, commitVersion, RAW_CSV, stepLog, waitForRun } from "../helpers/pipelines";

describe.each(inject("servers"))("pipeline runs on $backend", (s) => {
  async function setUp(prefix: string) {
    const alice = await makeUser(s, prefix);
    const raw = uniq("raw");
    expect((await call(s.url, "POST", "/api/datasets", { token: alice.token, body: { name: raw } })).status).toBe(201);
    await commitVersion(s.url, alice.token, raw, { "data.csv": RAW_CSV });
    return { alice, raw };
  }
  const create = async (token: string, definition: unknown) => {
    const r = await call(s.url, "POST", "/api/pipelines", { token, body: { name: uniq("p"), definition } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as number;
  };

  test("clean -> features -> train promoted from a notebook: three step runs in containers, two dataset versions and a model, lineage from the raw data to the model", async () => {
    const { alice, raw } = await setUp("pipe");
    // the notebook's three cells, each promoted to a step and chained by their inputs
    const def = chain(raw);
    // and a fourth reading the model the third made (an artifact input, downloaded with the step's token)
    def.steps.push({
      name: "evaluate", code: 'import onnx\nm = onnx.load(kiln.input("model"))\nprint("model inputs:", [i.name for i in m.graph.input])',
      inputs: { model: { step: "train", output: "model" } } as never, outputs: {},
    } as never);
    const nb = await call(s.url, "POST", "/api/notebooks", { token: alice.token, body: { name: uniq("flow"), cells: def.steps.map((st) => ({ id: `c-${st.name}`, cell_type: "code", source: st.code })) } });
    expect(nb.status).toBe(201);
    const name = uniq("flow");
    let id = 0;
    for (const st of def.steps) {
      const promoted = await call(s.url, "POST", "/api/pipelines/promote", {
        token: alice.token,
        body: { pipeline: name, step: st.name, notebook_id: nb.body.id, cell_ids: [`c-${st.name}`], inputs: st.inputs, outputs: st.outputs, ...("parameters" in st ? { parameters: st.parameters } : {}) },
      });
      expect(promoted.status, JSON.stringify(promoted.body)).toBe(201);
      id = promoted.body.id;
    }
    expect((await call(s.url, "GET", `/api/pipelines/${id}`, { token: alice.token })).body).toMatchObject({ version: 4, order: ["clean", "features", "train", "evaluate"] });
    const started = await call(s.url, "POST", `/api/pipelines/${id}/runs`, { token: alice.token, body: { params: { scale: 2 } } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body).toMatchObject({ version: 4, status: "running", params: { scale: 2 }, trigger: { kind: "manual" } });
    const run = await waitForRun(s.url, alice.token, started.body.id);
    expect(run.status, JSON.stringify(run.steps)).toBe("succeeded");
    expect(run.steps.map((x: { step: string; status: string }) => [x.step, x.status])).toEqual([["clean", "succeeded"], ["features", "succeeded"], ["train", "succeeded"], ["evaluate", "succeeded"]]);
    expect(await stepLog(s.url, alice.token, run.id, "evaluate")).toMatch(/model inputs: \[.+\]/);
    const [clean, features, train] = run.steps;
    // each step after the one it reads from, each its own tracked run
    expect(new Date(features.started_at).getTime()).toBeGreaterThanOrEqual(new Date(clean.ended_at).getTime());
    expect(new Set([clean.run_id, features.run_id, train.run_id]).size).toBe(3);
    expect(await stepLog(s.url, alice.token, run.id, "clean")).toContain("kept 5 of 7 rows");

    // lineage: raw v1 -> clean (read by features) -> features (read by train) -> the model
    const trainRun = (await call(s.url, "GET", `/api/runs/${train.run_id}`, { token: alice.token })).body;
    expect(trainRun).toMatchObject({ kind: "step", status: "finished", pipeline_step: { pipeline_id: id, pipeline_run_id: run.id, step: "train", attempt: 1 } });
    expect(trainRun.inputs).toEqual([expect.objectContaining({ dataset: "features", owner: alice.name, version: features.outputs.features.version })]);
    expect(trainRun.artifacts).toEqual(expect.arrayContaining([expect.objectContaining({ path: "model/model.onnx", kind: "model" })]));
    expect(trainRun.metrics.r2.last).toBeGreaterThan(0.99); // y = 2x: a perfect fit
    expect(train.outputs.model).toMatchObject({ kind: "model", run_id: train.run_id, path: "model/model.onnx" });
    const featuresRun = (await call(s.url, "GET", `/api/runs/${features.run_id}`, { token: alice.token })).body;
    expect(featuresRun.inputs).toEqual([expect.objectContaining({ dataset: "clean", version: clean.outputs.clean.version })]);
    expect(featuresRun.injected).toEqual({ scale: 2 }); // the step's parameter, overridden by the run's
    const cleanRun = (await call(s.url, "GET", `/api/runs/${clean.run_id}`, { token: alice.token })).body;
    expect(cleanRun.inputs).toEqual([expect.objectContaining({ dataset: raw, version: 1 })]);
    const cleaned = (await call(s.url, "GET", `/api/datasets/clean`, { token: alice.token })).body;
    expect(cleaned.versions[0]).toMatchObject({ version: clean.outputs.clean.version, produced_by_run_id: clean.run_id });
    const made = (await call(s.url, "GET", `/api/datasets/features/versions/${features.outputs.features.version}/files/data.csv`, { token: alice.token })).body as string;
    expect(made.split("\n")[0]).toBe("x,y,x2");
    expect(made).toContain("2.0,4.0,8.0"); // x2 = x^2 * scale, with scale=2 from the run's params
    // the model is a real ONNX artifact of the train run
    const onnx = await fetch(`${s.url}/api/runs/${train.run_id}/artifacts/model/model.onnx`, { headers: { authorization: `token ${alice.token}` } });
    expect(onnx.status).toBe(200);
    expect((await onnx.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });

  test("a step that fails twice then succeeds is retried with backoff; one that always fails fails the run after its retries, its log kept", async () => {
    const { alice } = await setUp("retry");
    const flaky = await create(alice.token, {
      steps: [{ name: "flaky", retries: 2, code: 'import os\nattempt = int(os.environ["KILN_STEP_ATTEMPT"])\nprint(f"attempt {attempt}")\nassert attempt >= 3, f"flaky on attempt {attempt}"' }],
    });
    const doomed = await create(alice.token, {
      steps: [{ name: "doomed", retries: 1, code: 'print("\\x1b[31mabout to fail\\x1b[0m")\nraise ValueError("the data is wrong")' }, { name: "after", code: "print(1)", inputs: {}, outputs: {} }],
    });
    const [a, b] = await Promise.all([flaky, doomed].map((p) => call(s.url, "POST", `/api/pipelines/${p}/runs`, { token: alice.token, body: {} })));
    const ok = await waitForRun(s.url, alice.token, a!.body.id);
    expect(ok.status).toBe("succeeded");
    expect(ok.steps[0].attempts.map((x: { status: string }) => x.status)).toEqual(["failed", "failed", "succeeded"]);
    expect(ok.steps[0].attempts[0].error).toContain("AssertionError: flaky on attempt 1");
    // backoff: the second attempt started at least 2 s after the first failed
    expect(new Date(ok.steps[0].attempts[1].started_at).getTime() - new Date(ok.steps[0].attempts[0].ended_at).getTime()).toBeGreaterThanOrEqual(1500);

    const bad = await waitForRun(s.url, alice.token, b!.body.id);
    expect(bad.status).toBe("failed");
    const doomedStep = bad.steps.find((x: { step: string }) => x.step === "doomed");
    expect(doomedStep).toMatchObject({ status: "failed", attempt: 2, error: expect.stringContaining("ValueError: the data is wrong") });
    expect(bad.error).toContain('"doomed"');
    const log = await stepLog(s.url, alice.token, bad.id, "doomed");
    expect(log).toContain("\x1b[31mabout to fail"); // colours as a terminal shows them
    expect(log).toContain("ValueError");
    expect(log).toContain("Retrying in");
    // its tracked run failed with the same reason
    const tracked = (await call(s.url, "GET", `/api/runs/${doomedStep.run_id}`, { token: alice.token })).body;
    expect(tracked).toMatchObject({ kind: "step", status: "failed" });
  });

  test("a cached step is not executed again and says where its outputs came from", async () => {
    const { alice, raw } = await setUp("cache");
    const def = chain(raw);
    def.steps = def.steps.slice(0, 1).map((st) => ({ ...st, cache: true }));
    const id = await create(alice.token, def);
    const first = await waitForRun(s.url, alice.token, (await call(s.url, "POST", `/api/pipelines/${id}/runs`, { token: alice.token, body: {} })).body.id);
    expect(first.steps[0].status).toBe("succeeded");
    const second = await waitForRun(s.url, alice.token, (await call(s.url, "POST", `/api/pipelines/${id}/runs`, { token: alice.token, body: {} })).body.id);
    expect(second.status).toBe("succeeded");
    expect(second.steps[0]).toMatchObject({ status: "cached", cached_from: { pipeline_run_id: first.id, run_id: first.steps[0].run_id }, run_id: first.steps[0].run_id, outputs: first.steps[0].outputs });
    expect(await stepLog(s.url, alice.token, second.id, "clean")).toContain(`pipeline run ${first.id}`);
    // nothing new was saved: still one version of the cleaned data
    expect((await call(s.url, "GET", "/api/datasets/clean", { token: alice.token })).body.versions).toHaveLength(1);
    // new input data is a different key: executed again
    await commitVersion(s.url, alice.token, raw, { "data.csv": RAW_CSV + "7,14\n" });
    const third = await waitForRun(s.url, alice.token, (await call(s.url, "POST", `/api/pipelines/${id}/runs`, { token: alice.token, body: {} })).body.id);
    expect(third.steps[0]).toMatchObject({ status: "succeeded", cached_from: null });
  });

  test("a data trigger: a new passing version starts the pipeline with it pinned; a failing one does not", async () => {
    const { alice, raw } = await setUp("trig");
    const def = chain(raw);
    def.steps = def.steps.slice(0, 1);
    const id = await create(alice.token, def);
    const sched = await call(s.url, "POST", `/api/pipelines/${id}/schedules`, { token: alice.token, body: { dataset: raw } });
    expect(sched.status, JSON.stringify(sched.body)).toBe(201);
    expect(sched.body).toMatchObject({ kind: "dataset", dataset: `${alice.name}:${raw}` });
    expect((await call(s.url, "GET", `/api/pipelines/${id}/schedules`, { token: alice.token })).body.schedules).toEqual([expect.objectContaining({ dataset: `${alice.name}:${raw}` })]);
    await call(s.url, "PATCH", `/api/datasets/${raw}`, { token: alice.token, body: { checks: { ranges: { x: [0, 100] } } } });
    await commitVersion(s.url, alice.token, raw, { "data.csv": "x,y\n500,1\n" }); // fails its checks
    await commitVersion(s.url, alice.token, raw, { "data.csv": RAW_CSV + "9,18\n" }); // v3 passes
    let runs: any[] = [];
    for (let i = 0; i < 200 && runs.length === 0; i++) {
      runs = (await call(s.url, "GET", `/api/pipelines/${id}/runs`, { token: alice.token })).body.runs;
      if (!runs.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs).toHaveLength(1);
    expect(runs[0].trigger).toMatchObject({ kind: "dataset", version: 3 });
    const done = await waitForRun(s.url, alice.token, runs[0].id);
    expect(done.status).toBe("succeeded");
    const tracked = (await call(s.url, "GET", `/api/runs/${done.steps[0].run_id}`, { token: alice.token })).body;
    expect(tracked.inputs).toEqual([expect.objectContaining({ dataset: raw, version: 3 })]);
    // paused: nothing starts
    await call(s.url, "PATCH", `/api/pipelines/${id}/schedules/${sched.body.id}`, { token: alice.token, body: { paused: true } });
    await commitVersion(s.url, alice.token, raw, { "data.csv": RAW_CSV });
    expect((await call(s.url, "GET", `/api/pipelines/${id}/runs`, { token: alice.token })).body.runs).toHaveLength(1);
  });

  test("bad schedules get 400 naming the field; bob cannot see, trigger, cancel or read the logs of alice's pipeline", async () => {
    const { alice } = await setUp("acl");
    const bob = await makeUser(s, "aclb");
    const id = await create(alice.token, { steps: [{ name: "one", code: 'print("secret output")' }] });
    const bad = [
      [{ cron: "61 * * * *" }, "cron"],
      [{ cron: "every minute" }, "cron"],
      [{ cron: "* * * * *", timezone: "Mars/Olympus" }, "timezone"],
      [{ dataset: "no-such-dataset" }, "dataset"],
    ] as const;
    for (const [body, field] of bad) {
      const r = await call(s.url, "POST", `/api/pipelines/${id}/schedules`, { token: alice.token, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect((await call(s.url, "POST", `/api/pipelines/${id}/runs`, { token: alice.token, body: { params: { nope: 1 } } })).body.error).toMatchObject({ field: "params.nope" });
    const run = await waitForRun(s.url, alice.token, (await call(s.url, "POST", `/api/pipelines/${id}/runs`, { token: alice.token, body: {} })).body.id);
    expect(await stepLog(s.url, alice.token, run.id, "one")).toContain("secret output");

    expect((await call(s.url, "POST", `/api/pipelines/${id}/runs`, { token: bob.token, body: {} })).status).toBe(404);
    expect((await call(s.url, "GET", `/api/pipelines/${id}/runs`, { token: bob.token })).status).toBe(404);
    expect((await call(s.url, "GET", `/api/pipeline-runs/${run.id}`, { token: bob.token })).status).toBe(404);
    expect((await call(s.url, "GET", `/api/pipeline-runs/${run.id}/steps/one/log`, { token: bob.token })).status).toBe(404);
    expect((await call(s.url, "POST", `/api/pipeline-runs/${run.id}/cancel`, { token: bob.token })).status).toBe(404);
    expect((await call(s.url, "POST", `/api/pipelines/${id}/schedules`, { token: bob.token, body: { cron: "* * * * *" } })).status).toBe(404);
    expect((await call(s.url, "PUT", `/api/pipelines/${id}/webhook`, { token: bob.token, body: { url: "http://127.0.0.1:1/" } })).status).toBe(404);
    expect((await call(s.url, "GET", "/api/pipeline-runs", { token: bob.token })).body.runs).toEqual([]);
    // the admin sees every run
    const all = (await call(s.url, "GET", "/api/pipeline-runs?limit=500", { token: s.adminToken })).body.runs;
    expect(all.map((r: { id: number }) => r.id)).toContain(run.id);
  });

  test("a step's code cannot reach the host's network, cannot use its token beyond the kiln module's routes, cannot write the home, and its token dies with it", async () => {
    const { alice } = await setUp("jail");
    const code = [
      "import json, os, socket, urllib.request, http.client",
      "def attempt(what, fn):",
      "    try:",
      "        fn()",
      '        print(what, "ALLOWED")',
      "    except Exception as e:",
      '        print(what, "refused:", type(e).__name__, str(e)[:120])',
      "def tcp():",
      "    socket.create_connection(('127.0.0.1', " + new URL(s.url).port + "), timeout=2)",
      "attempt('tcp to Kiln', tcp)",
      "class Unix(http.client.HTTPConnection):",
      "    def connect(self):",
      "        self.sock = socket.socket(socket.AF_UNIX); self.sock.connect(os.environ['KILN_API_SOCKET'])",
      "def api(path):",
      "    c = Unix('kiln'); c.request('GET', path, headers={'Authorization': 'token ' + os.environ['KILN_SERVER_TOKEN'], 'X-Kiln-Execution': 'any'})",
      "    r = c.getresponse(); body = r.read().decode()",
      "    if r.status >= 400: raise RuntimeError(f'{r.status} {body[:80]}')",
      "attempt('pipelines api', lambda: api('/api/pipelines'))",
      "attempt('kernel datasets api', lambda: api('/api/kernel/datasets/nothing-here'))",
      "attempt('write home', lambda: open('/home/jovyan/x.txt', 'w').write('x'))",
      "open('/tmp/token', 'w').write(os.environ['KILN_SERVER_TOKEN'])",
      "print('TOKEN', os.environ['KILN_SERVER_TOKEN'])",
    ].join("\n");
    const id = await create(alice.token, { steps: [{ name: "jail", code }] });
    const run = await waitForRun(s.url, alice.token, (await call(s.url, "POST", `/api/pipelines/${id}/runs`, { token: alice.token, body: {} })).body.id);
    expect(run.status).toBe("succeeded");
    const log = await stepLog(s.url, alice.token, run.id, "jail");
    expect(log).toMatch(/tcp to Kiln refused: (ConnectionRefusedError|OSError)/); // its own network namespace: not even the host's loopback
    expect(log).toMatch(/pipelines api refused: RuntimeError 404 .*Only the kiln module's routes/); // its socket serves the kiln module's routes only
    expect(log).toMatch(/kernel datasets api refused: RuntimeError 404/); // which it may use (no such dataset: 404)
    expect(log).toMatch(/write home refused: OSError .*Read-only file system/);
    expect(log).not.toContain("ALLOWED");
    // the token, leaked from the step's log, is dead once the step ended
    const token = /TOKEN (\S+)/.exec(log)![1]!;
    expect((await call(s.url, "GET", "/api/kernel/datasets/x", { token })).status).toBe(401);
  });

  test("cancel stops a running step and the rest never start; the webhook is told, signed", async () => {
    const { alice } = await setUp("cancel");
    const got: { body: string; signature: string }[] = [];
    const hook = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        got.push({ body, signature: String(req.headers["x-kiln-signature"]) });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    try {
      const id = await create(alice.token, {
        steps: [
          { name: "slow", code: 'import time\nprint("sleeping", flush=True)\ntime.sleep(600)', outputs: { out: { kind: "artifact" } } },
          { name: "next", code: "print(1)", inputs: { x: { step: "slow", output: "out" } } },
        ],
      });
      const set = await call(s.url, "PUT", `/api/pipelines/${id}/webhook`, { token: alice.token, body: { url: `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook` } });
      expect(set.status).toBe(200);
      const secret = set.body.secret as string;
      expect((await call(s.url, "GET", `/api/pipelines/${id}`, { token: alice.token })).body.webhook_url).toBe(set.body.url);
      const started = (await call(s.url, "POST", `/api/pipelines/${id}/runs`, { token: alice.token, body: {} })).body;
      await waitForRun(s.url, alice.token, started.id, (r) => r.steps[0].status === "running");
      for (let i = 0; i < 400 && !(await stepLog(s.url, alice.token, started.id, "slow")).includes("sleeping"); i++) await new Promise((r) => setTimeout(r, 100));
      const cancelled = await call(s.url, "POST", `/api/pipeline-runs/${started.id}/cancel`, { token: alice.token });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: "cancelled", steps: [{ step: "slow", status: "cancelled" }, { step: "next", status: "cancelled" }] });
      const again = await call(s.url, "POST", `/api/pipeline-runs/${started.id}/cancel`, { token: alice.token });
      expect(again.status).toBe(409);
      // the step's tracked run ends as killed once its Kiln sees the cancel
      const slow = await waitForRun(s.url, alice.token, started.id, (r) => r.steps[0].attempts.length === 1);
      expect(slow.steps[0].attempts[0].status).toBe("cancelled");
      for (let i = 0; i < 100 && !got.length; i++) await new Promise((r) => setTimeout(r, 100));
      expect(got).toHaveLength(1);
      const payload = JSON.parse(got[0]!.body);
      expect(payload).toMatchObject({ event: "pipeline_run.cancelled", run: { id: started.id, status: "cancelled" } });
      expect(got[0]!.signature).toBe(`sha256=${crypto.createHmac("sha256", secret).update(got[0]!.body).digest("hex")}`);
    } finally {
      hook.close();
    }
  });
});
