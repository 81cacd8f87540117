import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_GPUS } from "../../scripts/swarm.mjs";
import { call, makeUser } from "../helpers/http";
import { type SwarmKiln, startSwarmKiln } from "../helpers/swarm-kiln";
import { jupyterClient, run } from "../helpers/jupyter";
import { type RunningKiln, startKiln } from "../helpers/kiln";
import { openEvents } from "../helpers/sse";

// A real two-node swarm: two more Docker engines on this machine (scripts/swarm.mjs), n2
// declaring two fake GPUs. Kiln talks to the manager (n1); the tasks' Jupyter sockets are in
// Kiln's data directory, which both engines see (one machine).
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

/** Starts a server and waits for it to be ready; a failed spawn fails at once with its progress. */
async function startAndWait(user: User, body: unknown) {
  const r = await call(kiln.url, "POST", `/hub/api/users/${user.name}/server`, { token: user.token, body });
  expect([201, 202], JSON.stringify(r.body)).toContain(r.status);
  const events = openEvents(`${kiln.url}/hub/api/users/${user.name}/server/progress`, user.token);
  const end = await events.until((e) => e.ready || e.failed, 240_000);
  events.close();
  expect(end.ready, JSON.stringify(events.events.map((e) => e.data.message))).toBe(true);
  return events.events.map((e) => e.data.message as string);
}

async function serviceOf(user: string) {
  const [s] = await manager.listServices({ filters: { label: [`org.kiln.instance=${instance}`, `org.kiln.user=${user}`] } });
  return s!;
}

async function taskNodeOf(user: string): Promise<string> {
  const s = await serviceOf(user);
  const tasks = (await manager.listTasks({ filters: { service: [s.ID!] } })) as { NodeID: string; Status: { State: string } }[];
  const running = tasks.find((t) => t.Status.State === "running");
  if (!running) throw new Error(`${user}'s service has no running task: ${JSON.stringify(tasks.map((t) => t.Status))}`);
  return running.NodeID;
}

async function setAvailability(nodeId: string, availability: "active" | "drain") {
  const node = manager.getNode(nodeId);
  const info = await node.inspect();
  await node.update({ version: info.Version.Index, ...info.Spec, Availability: availability });
}

/** Runs code on a user's server through Kiln's proxy (/user/{name}/), as JupyterLab would. */
async function runOn(user: User, code: string): Promise<string> {
  const km = jupyterClient(kiln.url, user.name, user.token);
  try {
    const kernel = await km.startNew({ name: "python3" });
    const out = await run(kernel, code);
    await kernel.shutdown().catch(() => {});
    return out;
  } finally {
    km.dispose();
  }
}

const PROBE = `
import os, json
st = dict(l.split(":\\t", 1) for l in open("/proc/self/status").read().splitlines() if ":\\t" in l)
ifaces = [l.split(":")[0].strip() for l in open("/proc/net/dev").read().splitlines()[2:]]
keys = ["CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "DOCKER_RESOURCE_NVIDIA-GPU"]
print(json.dumps({"uid": os.getuid(), "gid": os.getgid(), "nnp": st["NoNewPrivs"].strip(), "capeff": st["CapEff"].strip(),
  "ifaces": ifaces, "docker_sock": os.path.exists("/var/run/docker.sock"), "env": {k: os.environ.get(k) for k in keys}}))
`;

describe("servers as Docker Swarm services across two nodes", () => {
  beforeAll(async () => {
    sk = await startSwarmKiln("swarm"); // waits while another test file holds the swarm
    ({ kiln, env, adminToken, instance, dataDir, manager, nodes } = sk);
  }, 900_000);

  afterAll(async () => {
    if (sk) await sk.stop(kiln);
  }, 120_000);

  test("the GPU inventory is the swarm nodes' generic resources, one host per node", async () => {
    const gpus = (await call(kiln.url, "GET", "/api/capacity", { token: adminToken })).body.gpus as { id: string; host: string }[];
    const gpuNode = nodes.find((n) => n.gpus.length)!;
    expect(gpus.map((g) => g.id).sort()).toEqual([...FAKE_GPUS].sort());
    for (const g of gpus) expect(g.host).toBe(gpuNode.id);
  });

  test("alice's 1-GPU server lands on the GPU node and sees its granted uuid; bob's CPU server runs too; both run code through the proxy; draining a node reports its server stopped", async () => {
    const alice = await makeUser(admin(), "swa");
    const bob = await makeUser(admin(), "swb");
    const gpuNode = nodes.find((n) => n.gpus.length)!;

    const said = await startAndWait(alice, { gpus: 1 });
    // Progress follows the task's states on its node (polled: a quick state such as "assigned" may pass unseen).
    expect(said.some((m) => /(Assigned to|Accepted by|Preparing on|Starting on) node/.test(m)), said.join(" | ")).toBe(true);
    expect(await taskNodeOf(alice.name)).toBe(gpuNode.id);
    const granted = ((await call(kiln.url, "GET", "/api/capacity", { token: adminToken })).body.gpus as { id: string; held_by: string | null }[])
      .filter((g) => g.held_by === `${alice.name}/`).map((g) => g.id);
    expect(granted).toHaveLength(1);

    await startAndWait(bob, {});
    const a = JSON.parse(await runOn(alice, PROBE));
    expect(a.env.CUDA_VISIBLE_DEVICES).toBe(granted[0]); // the allocator's uuid: Kiln's source of truth
    expect(a.env.NVIDIA_VISIBLE_DEVICES).toBe(granted[0]);
    expect(FAKE_GPUS).toContain(a.env["DOCKER_RESOURCE_NVIDIA-GPU"]); // swarm counted one of the node's GPUs for it
    const b = JSON.parse(await runOn(bob, PROBE));
    expect(b.env.CUDA_VISIBLE_DEVICES).toBeNull();
    expect(b.env["DOCKER_RESOURCE_NVIDIA-GPU"]).toBeNull();
    for (const probe of [a, b]) {
      expect(probe).toMatchObject({ uid: 1000, gid: 1000, nnp: "1", capeff: "0000000000000000", docker_sock: false });
      expect(probe.ifaces).toEqual(["lo"]); // no network: Kiln reaches Jupyter through its socket
    }

    // Drain alice's node: the swarm shuts her task down; Kiln reports her server stopped, with why.
    const bobNode = await taskNodeOf(bob.name);
    await setAvailability(gpuNode.id, "drain");
    try {
      const deadline = Date.now() + 120_000;
      while ((await call(kiln.url, "GET", `/hub/api/users/${alice.name}`, { token: alice.token })).body.servers?.[""]) {
        if (Date.now() > deadline) throw new Error("alice's server was never reported stopped after its node was drained");
        await new Promise((r) => setTimeout(r, 250));
      }
      const events = openEvents(`${kiln.url}/hub/api/users/${alice.name}/server/progress`, alice.token);
      await events.until((e) => e.failed);
      events.close();
      const messages = events.events.map((e) => e.data.message as string);
      expect(messages.some((m) => /Server stopped: its node .* was drained/.test(m)), messages.join(" | ")).toBe(true);
      // Her GPU went back; bob's server on the other node (or on the drained one: stopped too) is reported as it is.
      const held = ((await call(kiln.url, "GET", "/api/capacity", { token: adminToken })).body.gpus as { held_by: string | null }[]).filter((g) => g.held_by);
      expect(held).toEqual([]);
      const bobServer = (await call(kiln.url, "GET", `/hub/api/users/${bob.name}`, { token: bob.token })).body.servers?.[""];
      if (bobNode !== gpuNode.id) expect(await runOn(bob, "print(6*7)")).toBe("42\n");
      else expect(bobServer).toBeUndefined();
    } finally {
      await setAvailability(gpuNode.id, "active");
    }
    await call(kiln.url, "DELETE", `/hub/api/users/${bob.name}/server`, { token: bob.token });
  }, 600_000);

  test("a swarm server outlives a Kiln killed with SIGKILL: the next Kiln re-adopts it, its kernel keeps its variables and its kiln module reaches Kiln again", async () => {
    const dave = await makeUser(admin(), "swd");
    await startAndWait(dave, {});
    const service = (await serviceOf(dave.name)).ID;
    const km = jupyterClient(kiln.url, dave.name, dave.token);
    const kernel = await km.startNew({ name: "python3" });
    expect(await run(kernel, "import kiln\nx = 41\nprint(kiln.log_param('before', 1))")).toBe("1\n");

    await kiln.stop("SIGKILL");
    kiln = await startKiln({ env: { ...env, PORT: String(kiln.port) } }); // where the client looks
    expect((await call(kiln.url, "GET", `/hub/api/users/${dave.name}`, { token: dave.token })).body.servers?.[""]?.ready).toBe(true);
    expect((await serviceOf(dave.name)).ID).toBe(service); // the same service, not a new one
    // The client's socket went with the old Kiln; it reconnects to the same kernel, and the kiln module's socket answers again.
    await expect.poll(async () => run(kernel, "print(x + 1, kiln.log_param('after', 2))").catch((e) => String(e)), { timeout: 60_000, interval: 500 }).toBe("42 2\n");
    km.dispose();
    await call(kiln.url, "DELETE", `/hub/api/users/${dave.name}/server`, { token: dave.token });
    expect(await serviceOf(dave.name)).toBeUndefined();
  }, 300_000);

  test("a swarm server is hardened: unprivileged user, capabilities dropped, limits and reservations, no restart, no network, no Docker socket", async () => {
    const carol = await makeUser(admin(), "swc");
    await startAndWait(carol, { cpu: 0.5, memory: "512M" });
    const spec = (await serviceOf(carol.name)).Spec! as any;
    const t = spec.TaskTemplate;
    expect(t.ContainerSpec).toMatchObject({ User: "1000:1000", CapabilityDrop: ["ALL"], Dir: "/home/jovyan" });
    expect(t.Resources.Limits).toEqual({ NanoCPUs: 500_000_000, MemoryBytes: 512 * 1024 * 1024, Pids: 1024 });
    expect(t.Resources.Reservations).toMatchObject({ NanoCPUs: 500_000_000, MemoryBytes: 512 * 1024 * 1024 });
    expect(t.RestartPolicy.Condition).toBe("none");
    expect(t.Networks ?? []).toEqual([]);
    expect(t.Placement.Constraints).toContain("engine.labels.org.kiln.no-bridge==true");
    expect(spec.EndpointSpec?.Ports ?? []).toEqual([]);
    const mounts = t.ContainerSpec.Mounts as { Type: string; Source: string; Target: string; ReadOnly?: boolean }[];
    expect(mounts.map((m) => m.Target).sort()).toEqual(["/home/jovyan", "/run/kiln/api", "/run/kiln/jupyter"]);
    expect(mounts.find((m) => m.Target === "/run/kiln/api")!.ReadOnly).toBe(true);
    for (const m of mounts) expect(m.Source ?? "").not.toMatch(/docker\.sock/);
    expect(spec.Labels).toMatchObject({ "org.kiln.user": carol.name, "org.kiln.managed": "true", "org.kiln.instance": instance });
    // Stopped: the service is gone. Her next server goes where her home volume is (KILN_SWARM_HOMES=pin).
    const node = await taskNodeOf(carol.name);
    await runOn(carol, "open('/home/jovyan/kept.txt', 'w').write('still here')");
    expect((await call(kiln.url, "DELETE", `/hub/api/users/${carol.name}/server`, { token: carol.token })).status).toBe(204);
    expect(await serviceOf(carol.name)).toBeUndefined();
    await startAndWait(carol, {});
    expect(await taskNodeOf(carol.name)).toBe(node);
    expect(await runOn(carol, "print(open('/home/jovyan/kept.txt').read())")).toBe("still here\n");
    await call(kiln.url, "DELETE", `/hub/api/users/${carol.name}/server`, { token: carol.token });
  }, 300_000);
});
