import fs from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_GPUS } from "../../scripts/swarm.mjs";
import { call, makeUser } from "../helpers/http";
import { type SwarmKiln, startSwarmKiln } from "../helpers/swarm-kiln";
import { type RunningKiln, startKiln, uniq } from "../helpers/kiln";
import { stepLog, waitForRun } from "../helpers/pipelines";
import { makeNotebook, toySpace, waitForSweep } from "../helpers/sweeps";

// Pipeline steps and sweep trials on the real two-node swarm of scripts/swarm.mjs (n2 declares
// two fake GPUs). The swarm is one machine-wide thing: swarmUp takes its lock (flock on
// /tmp/kiln-swarm/lock) until swarmDown, so this file and swarm-spawner.test.ts, which vitest
// may start side by side, take turns (the second waits in its beforeAll).
let sk: SwarmKiln;
let kiln: RunningKiln;
let adminToken: string;
let instance: string;
let dataDir: string;
let env: Record<string, string>;
let manager: Docker;
let nodes: { name: string; id: string; gpus: string[] }[];

type User = { name: string; token: string };
const admin = () => ({ backend: "pglite" as const, url: kiln.url, adminToken });

/** A step that holds until the test lets it go: it waits for a file Kiln's run directory shows it at /run/kiln/api (a state, not a duration). */
const HOLD = `import os, time\nwhile not os.path.exists("/run/kiln/api/go"):\n    time.sleep(0.05)`;
const release = (runId: number) => fs.writeFileSync(path.join(dataDir, "run", `r${runId}`, "api", "go"), "");

async function createPipeline(user: User, definition: unknown): Promise<number> {
  const r = await call(kiln.url, "POST", "/api/pipelines", { token: user.token, body: { name: uniq("sp"), definition } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

async function startRun(user: User, pipeline: number): Promise<number> {
  const r = await call(kiln.url, "POST", `/api/pipelines/${pipeline}/runs`, { token: user.token, body: {} });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

/** Waits until a step runs and its log (so far) has `text`: the output streams while the step is still running. */
async function waitForLog(user: User, runId: number, step: string, text: string): Promise<{ run_id: number; status: string }> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const run = await waitForRun(kiln.url, user.token, runId, () => true);
    const s = run.steps.find((x: { step: string }) => x.step === step);
    if (s?.status === "running" && s.run_id && (await stepLog(kiln.url, user.token, runId, step)).includes(text)) return s;
    if (!["queued", "running"].includes(run.status)) throw new Error(`the run ended before step ${step} said ${text}: ${JSON.stringify(run.steps)}`);
    if (Date.now() > deadline) throw new Error(`step ${step} never said ${text}: ${JSON.stringify(run.steps)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** This Kiln's job services for a tracked run (labelled with it), or all of them. */
async function jobServices(runId?: number) {
  const label = [`org.kiln.instance=${instance}`, ...(runId ? [`org.kiln.run-id=${runId}`] : ["org.kiln.run-id"])];
  return manager.listServices({ filters: { label } });
}

async function runningTaskOf(runId: number) {
  const [service] = await jobServices(runId);
  expect(service, `no service for run ${runId}`).toBeDefined();
  const tasks = (await manager.listTasks({ filters: { service: [service!.ID!] } })) as { NodeID: string; Status: { State: string } }[];
  return { service: service!, task: tasks.find((t) => t.Status.State === "running") };
}

/** Services are removed beside the next step's start, off the pipeline's path: wait for it. */
async function waitForNoJobServices() {
  const deadline = Date.now() + 60_000;
  while ((await jobServices()).length) {
    if (Date.now() > deadline) throw new Error(`job services left: ${(await jobServices()).map((s) => s.Spec?.Name).join(", ")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("pipeline steps and sweep trials as Docker Swarm services", () => {
  beforeAll(async () => {
    sk = await startSwarmKiln("swjob"); // waits while another test file holds the swarm
    ({ kiln, env, adminToken, instance, dataDir, manager, nodes } = sk);
  }, 1_200_000);

  afterAll(async () => {
    if (sk) await sk.stop(kiln);
  }, 120_000);

  test("the admin page's isolation facts describe swarm servers as containers on the nodes, not local processes", async () => {
    const r = await call(kiln.url, "GET", "/api/isolation", { token: adminToken });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ spawner: "swarm", level: "containers", network: "none", pids_limit: 1024, disk_limit: null });
    expect(r.body.runs_as).toMatch(/uid 1000 .*swarm service/);
    expect(r.body.notes.join(" ")).toMatch(/no-bridge/);
    expect(r.body.notes.join(" ")).not.toMatch(/local servers/i);
  });

  test("a two-step pipeline: each step a hardened swarm service, its log streamed while it runs, data passed through kiln.output/kiln.input; the services are gone afterwards", async () => {
    const alice = await makeUser(admin(), "sjp");
    const id = await createPipeline(alice, {
      steps: [
        {
          name: "make",
          code: [
            'print("making the data", flush=True)',
            HOLD,
            "import os",
            'os.makedirs("/tmp/out", exist_ok=True)',
            'open("/tmp/out/data.csv", "w").write("x\\n1\\n2\\n39\\n")',
            'kiln.output("made", "/tmp/out")',
            'print("made")',
          ].join("\n"),
          outputs: { made: { kind: "dataset" } },
        },
        {
          name: "use",
          code: [
            "import os, json",
            'rows = open(os.path.join(kiln.input("made"), "data.csv")).read().split()[1:]',
            'print("sum", sum(int(r) for r in rows))',
            'st = dict(l.split(":\\t", 1) for l in open("/proc/self/status").read().splitlines() if ":\\t" in l)',
            'ifaces = [l.split(":")[0].strip() for l in open("/proc/net/dev").read().splitlines()[2:]]',
            "try:",
            '    open("/home/jovyan/x", "w"); home = "writable"',
            "except OSError:",
            '    home = "read-only"',
            'print("probe", json.dumps({"uid": os.getuid(), "nnp": st["NoNewPrivs"].strip(), "capeff": st["CapEff"].strip(), "ifaces": ifaces, "home": home, "tty": os.isatty(1), "docker_sock": os.path.exists("/var/run/docker.sock")}))',
          ].join("\n"),
          inputs: { made: { step: "make", output: "made" } },
        },
      ],
    });
    const runId = await startRun(alice, id);

    // Running, and its first line is already in the log: the output streams.
    const make = await waitForLog(alice, runId, "make", "making the data");
    const { service } = await runningTaskOf(make.run_id);
    const t = (service.Spec as any).TaskTemplate;
    expect(service.Spec!.Name).toMatch(new RegExp(`-r${make.run_id}$`)); // named by the tracked run
    expect(t.ContainerSpec).toMatchObject({ User: "1000:1000", CapabilityDrop: ["ALL"], TTY: true });
    expect(t.ContainerSpec.Args.slice(0, 4)).toEqual(["tini", "--", "python3", "-m"]);
    expect(t.RestartPolicy.Condition).toBe("none");
    expect(t.Networks ?? []).toEqual([]);
    expect(t.Placement.Constraints).toContain("engine.labels.org.kiln.no-bridge==true");
    expect(t.Resources.Limits).toMatchObject({ Pids: 1024 });
    expect(t.Resources.Reservations.NanoCPUs).toBe(t.Resources.Limits.NanoCPUs);
    const home = (t.ContainerSpec.Mounts as { Target: string; ReadOnly?: boolean }[]).find((m) => m.Target === "/home/jovyan")!;
    expect(home.ReadOnly).toBe(true);
    expect(service.Spec!.Labels).toMatchObject({ "org.kiln.user": alice.name, "org.kiln.run-id": String(make.run_id), "org.kiln.managed": "true" });
    release(make.run_id);

    const run = await waitForRun(kiln.url, alice.token, runId);
    expect(run.status, JSON.stringify(run.steps)).toBe("succeeded");
    const makeLog = await stepLog(kiln.url, alice.token, runId, "make");
    expect(makeLog.indexOf("making the data")).toBeLessThan(makeLog.indexOf("made\r\n")); // every line, once, in order (a TTY's \r\n)
    expect(makeLog.match(/making the data/g)).toHaveLength(1);
    const useLog = await stepLog(kiln.url, alice.token, runId, "use");
    expect(useLog).toContain("sum 42");
    const probe = JSON.parse(useLog.match(/probe (\{.*\})/)![1]!);
    expect(probe).toEqual({ uid: 1000, nnp: "1", capeff: "0000000000000000", ifaces: ["lo"], home: "read-only", tty: true, docker_sock: false });
    await waitForNoJobServices();
    expect(fs.existsSync(path.join(dataDir, "run", `r${make.run_id}`))).toBe(false); // its run directory (and kernel-API socket) released
  }, 600_000);

  test("a step that exits 3 fails the run with its exit status", async () => {
    const alice = await makeUser(admin(), "sjx");
    const id = await createPipeline(alice, { steps: [{ name: "bad", code: "import sys\nsys.exit(3)" }] });
    const run = await waitForRun(kiln.url, alice.token, await startRun(alice, id));
    expect(run.status).toBe("failed");
    expect(run.steps[0]).toMatchObject({ status: "failed", error: "The step exited with status 3" });
    await waitForNoJobServices();
  }, 300_000);

  test("a 1-GPU step lands on the GPU node and sees its granted uuid; its GPU goes back after", async () => {
    const bob = await makeUser(admin(), "sjg");
    const gpuNode = nodes.find((n) => n.gpus.length)!;
    const id = await createPipeline(bob, {
      steps: [{
        name: "gpu", resources: { gpus: 1 },
        code: ['import os', 'print("gpu", os.environ.get("CUDA_VISIBLE_DEVICES"), os.environ.get("DOCKER_RESOURCE_NVIDIA-GPU"), flush=True)', HOLD].join("\n"),
      }],
    });
    const runId = await startRun(bob, id);
    const step = await waitForLog(bob, runId, "gpu", "gpu GPU-");
    const { task } = await runningTaskOf(step.run_id);
    expect(task?.NodeID).toBe(gpuNode.id);
    const granted = ((await call(kiln.url, "GET", `/api/runs/${step.run_id}`, { token: bob.token })).body.resources.gpu_ids as string[]);
    expect(granted).toHaveLength(1);
    const [, visible, swarmCounted] = (await stepLog(kiln.url, bob.token, runId, "gpu")).match(/gpu (\S+) (\S+)/)!;
    expect(visible).toBe(granted[0]); // the allocator's uuid
    expect(FAKE_GPUS).toContain(swarmCounted); // swarm counted one of the node's GPUs for it
    release(step.run_id);
    const run = await waitForRun(kiln.url, bob.token, runId);
    expect(run.status, JSON.stringify(run.steps)).toBe("succeeded");
    await waitForNoJobServices();
    const held = ((await call(kiln.url, "GET", "/api/capacity", { token: adminToken })).body.gpus as { held_by: string | null }[]).filter((g) => g.held_by);
    expect(held).toEqual([]);
  }, 300_000);

  test("a step whose task never runs (its image is not on the GPU node) fails with the swarm's reason", async () => {
    // An image only the manager's node has: the GPU step must go to n2, which cannot get it.
    const only = "kiln-test/only-n1:latest";
    await manager.getImage("kiln/python:latest").tag({ repo: "kiln-test/only-n1", tag: "latest" });
    try {
      const added = await call(kiln.url, "POST", "/api/images/onlyn1", {
        token: adminToken, body: { reference: only, default_cpu: 0.5, default_memory_mb: 256, max_cpu: 1, max_memory_mb: 512, max_gpus: 1 },
      });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      const frank = await makeUser(admin(), "sjr");
      const id = await createPipeline(frank, { steps: [{ name: "nowhere", image: "onlyn1", resources: { gpus: 1 }, code: 'print("never")' }] });
      const run = await waitForRun(kiln.url, frank.token, await startRun(frank, id));
      expect(run.status).toBe("failed");
      expect(run.steps[0].error, JSON.stringify(run.steps[0])).toMatch(/swarm task (rejected|failed) before its program ran: .*(No such image|pull access denied|repository does not exist|not found)/i);
      await waitForNoJobServices();
      const held = ((await call(kiln.url, "GET", "/api/capacity", { token: adminToken })).body.gpus as { held_by: string | null }[]).filter((g) => g.held_by);
      expect(held).toEqual([]);
    } finally {
      await manager.getImage(only).remove().catch(() => {});
    }
  }, 300_000);

  test("cancelling a running step removes its service", async () => {
    const carol = await makeUser(admin(), "sjc");
    const id = await createPipeline(carol, { steps: [{ name: "slow", code: `print("waiting", flush=True)\n${HOLD}` }] });
    const runId = await startRun(carol, id);
    await waitForLog(carol, runId, "slow", "waiting");
    expect((await call(kiln.url, "POST", `/api/pipeline-runs/${runId}/cancel`, { token: carol.token, body: {} })).status).toBeLessThan(300);
    const run = await waitForRun(kiln.url, carol.token, runId);
    expect(run.status).toBe("cancelled");
    await waitForNoJobServices();
  }, 300_000);

  test("Kiln killed mid-step: the next Kiln adopts the running service (its output once, the kiln module's socket listened on again) and the attempt finishes", async () => {
    const erin = await makeUser(admin(), "sja");
    const id = await createPipeline(erin, {
      steps: [{ name: "long", code: `print("before the restart", flush=True)\n${HOLD}\nkiln.log_metric("after_restart", 1)\nprint("after the restart")` }],
    });
    const runId = await startRun(erin, id);
    const first = await waitForLog(erin, runId, "long", "before the restart");
    await kiln.stop("SIGKILL");
    kiln = await startKiln({ env, waitMs: 120_000 });
    // Taken over once its row has gone quiet (10 s), then adopted: the same service, not a new attempt.
    const deadline = Date.now() + 120_000;
    while (!(await stepLog(kiln.url, erin.token, runId, "long")).includes("Re-adopted by")) {
      if (Date.now() > deadline) throw new Error("the step was never re-adopted");
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await jobServices(first.run_id)).length).toBe(1);
    release(first.run_id);
    const run = await waitForRun(kiln.url, erin.token, runId);
    expect(run.status, JSON.stringify(run.steps)).toBe("succeeded");
    expect(run.steps[0].attempts.map((x: { status: string }) => x.status)).toEqual(["succeeded"]);
    expect(run.steps[0].run_id).toBe(first.run_id);
    const log = await stepLog(kiln.url, erin.token, runId, "long");
    expect(log.match(/before the restart/g)).toHaveLength(1); // replayed from the start, the stored part skipped
    expect(log.indexOf("before the restart")).toBeLessThan(log.indexOf("after the restart"));
    const tracked = (await call(kiln.url, "GET", `/api/runs/${first.run_id}`, { token: erin.token })).body;
    expect(tracked.metrics.after_restart.last).toBe(1); // through the socket the new Kiln opened again
    await waitForNoJobServices();
  }, 400_000);

  test("a notebook sweep of 2 trials runs its trials as swarm services", async () => {
    const dave = await makeUser(admin(), "sjs");
    const nb = await makeNotebook(kiln.url, dave.token);
    const created = await call(kiln.url, "POST", "/api/sweeps", {
      token: dave.token,
      body: { notebook_id: nb, space: toySpace, objective: { metric: "loss", goal: "minimize" }, strategy: "random", seed: 5, budget: { max_trials: 2, max_parallel: 2 } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const done = await waitForSweep(kiln.url, dave.token, created.body.id);
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(done.trials.map((t: { status: string }) => t.status)).toEqual(["succeeded", "succeeded"]);
    for (const t of done.trials) {
      const run = (await call(kiln.url, "GET", `/api/runs/${t.run_id}`, { token: dave.token })).body;
      expect(run).toMatchObject({ kind: "batch", status: "finished", injected: t.params, image_digest: expect.stringMatching(/^sha256:/) });
      expect(run.metrics.loss.last).toBeCloseTo(t.objective, 6);
    }
    await waitForNoJobServices();
  }, 600_000);
});
