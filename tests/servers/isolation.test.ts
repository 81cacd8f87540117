import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import WebSocket from "ws";
import { containerOf, docker } from "../helpers/docker";
import { call, makeUser, signedInUser, startServer } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";

// Bob attacks Alice the ways a second user of one machine found: through the network his
// kernel sees, and through Kiln's proxy with a browser session.
const s = inject("servers").find((x) => x.backend === "pglite")!;
const kilnPort = Number(new URL(s.url).port);
type User = { name: string; token: string };
let alice: User;
let bob: User;
const started: User[] = [];

beforeAll(async () => {
  [alice, bob] = [await makeUser(s, "alice"), await makeUser(s, "bob")];
  for (const u of [alice, bob]) {
    await startServer(s.url, u);
    started.push(u);
  }
}, 120_000);
afterAll(async () => {
  for (const u of started) await call(s.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: s.adminToken }).catch(() => {});
});

/** Runs a command in a user's container and returns what it printed. */
async function execIn(user: string, cmd: string[]): Promise<string> {
  const c = (await containerOf(user))!;
  const exec = await docker.getContainer(c.Id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, User: "1000" });
  const stream = await exec.start({});
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (d: Buffer) => chunks.push(d));
  docker.modem.demuxStream(stream, out, out);
  await new Promise((r) => stream.on("end", r));
  return Buffer.concat(chunks).toString("utf8");
}

/** A dataset of bob's, for kiln.dataset() in his kernel. */
async function bobsDataset(ref: string) {
  const started = await call(s.url, "POST", `/api/datasets/${ref}/uploads`, { token: bob.token, body: {} });
  await call(s.url, "PUT", `/api/datasets/${ref}/uploads/${started.body.upload_id}/files/data.csv`, { token: bob.token, rawBody: "x\n1\n" });
  expect((await call(s.url, "POST", `/api/datasets/${ref}/uploads/${started.body.upload_id}/commit`, { token: bob.token })).status).toBe(201);
}

/** Bob's attack, as Python: every probe's outcome, then the kiln module doing its job. */
function attack(alicePorts: number[], secret: string, dataset: string) {
  return `
import json, os, socket, zmq
from ipykernel.kernelapp import IPKernelApp
def reach(port):
    s = socket.socket(); s.settimeout(1)
    try:
        s.connect(("127.0.0.1", port)); return "open"
    except OSError as e:
        return type(e).__name__
    finally:
        s.close()
sub = zmq.Context.instance().socket(zmq.SUB); sub.setsockopt(zmq.SUBSCRIBE, b"")
for p in ${JSON.stringify(alicePorts)}: sub.connect(f"tcp://127.0.0.1:{p}")
heard = b"".join(sub.recv_multipart()[-1] for _ in range(50) if sub.poll(40))
rows = [l.split() for l in open("/proc/net/tcp").read().splitlines()[1:]]
listed = sorted({int(r[1].split(":")[1], 16) for r in rows})
listening = sorted({int(r[1].split(":")[1], 16) for r in rows if r[3] == "0A"})
import kiln
kiln.log_metric("isolated", 1.0, step=1)
path = kiln.dataset(${JSON.stringify(dataset)})
print(json.dumps({
  "pg": reach(5432), "kiln": reach(${kilnPort}), "alice": {p: reach(p) for p in ${JSON.stringify(alicePorts)}},
  "heard_secret": ${JSON.stringify(secret)}.encode() in heard, "uids": sorted({r[7] for r in rows}), "listed": listed, "listening": listening,
  "own_kernel_ports": sorted({v for k, v in json.load(open(IPKernelApp.instance().connection_file)).items() if k.endswith("_port")}),
  "data": open(os.path.join(path, "data.csv")).read(),
}))
`;
}

describe("from bob's kernel, alice's server and the host are out of reach", () => {
  test("no port of alice's kernel, PostgreSQL or Kiln is reachable, /proc/net/tcp shows only bob's own sockets; kiln.log_metric and kiln.dataset work, from Kiln's notebook and from @jupyterlab/services", async () => {
    // Alice's kernel, printing a secret all the while.
    const km = jupyterClient(s.url, alice.name, alice.token);
    const k = await km.startNew({ name: "python3" });
    const secret = `alice-secret-${Math.random().toString(36).slice(2)}`;
    void k.requestExecute({ code: `import time\nfor i in range(600): print(${JSON.stringify(secret)}, flush=True); time.sleep(0.05)` }).done.catch(() => {});
    const file = (await execIn(alice.name, ["sh", "-c", `cat /tmp/jupyter-runtime/kernel-${k.id}.json`])).trim();
    const info = JSON.parse(file.slice(file.indexOf("{")));
    const alicePorts = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"].map((p) => Number(info[p]));
    await bobsDataset("bobdata");

    const check = (out: string) => {
      const r = JSON.parse(out);
      expect(r.pg).toBe("ConnectionRefusedError");
      expect(r.kiln).toBe("ConnectionRefusedError");
      // A port number of alice's could by chance be one that bob's own namespace listens on
      // (any of his kernels, the spare): connecting there reaches bob, never her.
      for (const p of alicePorts) if (!r.own_kernel_ports.includes(p) && !r.listening.includes(p)) expect(r.alice[String(p)], `alice's port ${p}`).toBe("ConnectionRefusedError");
      expect(r.heard_secret).toBe(false);
      expect(r.uids.every((u: string) => u === "1000" || u === "0")).toBe(true); // bob's processes (0: sockets closing)
      expect(r.listed).not.toContain(5432);
      expect(r.listed).not.toContain(kilnPort);
      expect(r.data).toBe("x\n1\n");
    };

    // 1. A cell run by Kiln's notebook
    const nb = await call(s.url, "POST", "/api/notebooks", { token: bob.token, body: { name: "attack", cells: [{ id: "a", cell_type: "code", source: "", metadata: {} }] } });
    await call(s.url, "POST", `/api/notebooks/${nb.body.id}/execute`, { token: bob.token, body: { cell_id: "a", code: attack(alicePorts, secret, "bobdata") } });
    const cell = async () => (await call(s.url, "GET", `/api/notebooks/${nb.body.id}`, { token: bob.token })).body.content.cells[0];
    await expect.poll(async () => (await cell()).execution_count, { timeout: 60_000 }).toBe(1);
    const outs = (await cell()).outputs;
    expect(outs[0]?.output_type, JSON.stringify(outs)).toBe("stream");
    check(outs[0].text);

    // 2. A cell run by another Jupyter client, through /user/
    const bk = await jupyterClient(s.url, bob.name, bob.token).startNew({ name: "python3" });
    check(await run(bk, attack(alicePorts, secret, "bobdata")));
    await bk.shutdown();

    // Both logged into bob's runs: the notebook's, and one for the kernel JupyterLab-style clients started.
    const runs = (await call(s.url, "GET", "/api/runs", { token: bob.token })).body.runs;
    expect(runs.filter((r: { metrics: Record<string, unknown> }) => r.metrics.isolated).length).toBe(2);
    expect(runs.every((r: { inputs: unknown[] }) => r.inputs.length === 1)).toBe(true); // the dataset pinned in each
    await k.shutdown();
    km.dispose();
  }, 120_000);

  test("a server's kernel API socket serves its own server's token only, and only the kiln module's routes", async () => {
    const token = (await run(await jupyterClient(s.url, bob.name, bob.token).startNew({ name: "python3" }), "import os; print(os.environ['KILN_SERVER_TOKEN'])")).trim();
    const probe = (tok: string, path: string) =>
      execIn(bob.name, ["python3", "-c", `
import http.client, socket
c = http.client.HTTPConnection("kiln")
c.sock = socket.socket(socket.AF_UNIX); c.sock.connect("/run/kiln/api/kiln.sock")
c.request("GET", ${JSON.stringify(path)}, headers={"Authorization": "token ${tok}", "X-Kiln-Execution": "x"})
print(c.getresponse().status)`]);
    expect((await probe(token, "/api/kernel/datasets/bobdata")).trim()).toBe("404"); // its routes: no such running cell, but served
    expect((await probe(token, "/hub/api/user")).trim()).toBe("404"); // anything else: not here
    expect((await probe(bob.token, "/api/kernel/datasets/bobdata")).trim()).toBe("403"); // a user's own token: not on this socket
    expect((await probe(s.adminToken, "/api/kernel/datasets/bobdata")).trim()).toBe("403");
  }, 60_000);
});

describe("names that cannot collide or be reused", () => {
  test("user alice-lab's default server and alice's server lab run side by side", async () => {
    const x = await makeUser(s, "al");
    const xlab = { name: `${x.name}-lab`, token: "" };
    expect((await call(s.url, "POST", `/hub/api/users/${xlab.name}`, { token: s.adminToken })).status).toBe(201);
    xlab.token = (await call(s.url, "POST", `/hub/api/users/${xlab.name}/tokens`, { token: s.adminToken, body: {} })).body.token;
    await startServer(s.url, x, "lab");
    await startServer(s.url, xlab);
    started.push(x, xlab);
    expect((await containerOf(x.name, "lab"))?.State.Running).toBe(true);
    expect((await containerOf(xlab.name))?.State.Running).toBe(true);
    expect((await call(s.url, "GET", `/user/${x.name}/lab/api/status`, { token: x.token })).status).toBe(200);
    expect((await call(s.url, "GET", `/user/${xlab.name}/api/status`, { token: xlab.token })).status).toBe(200);
    await call(s.url, "DELETE", `/hub/api/users/${x.name}/servers/lab`, { token: x.token });
  }, 120_000);

  test("a deleted user's servers stop and their files are kept for the grace period, then deleted; a new account with the same name starts empty", async () => {
    const carol = await makeUser(s, "carol");
    await startServer(s.url, carol);
    const bad = await call(s.url, "DELETE", `/hub/api/users/${carol.name}?home=shred`, { token: s.adminToken });
    expect([bad.status, bad.body.error.field]).toEqual([400, "query.home"]);
    expect((await call(s.url, "PUT", `/user/${carol.name}/api/contents/mine.txt`, { token: carol.token, body: { type: "file", format: "text", content: "carol's" } })).status).toBe(201);
    const before = Date.now();
    expect((await call(s.url, "DELETE", `/hub/api/users/${carol.name}`, { token: s.adminToken })).status).toBe(204);
    expect(await containerOf(carol.name)).toBeNull(); // stopped with the user
    const kept = (await call(s.url, "GET", "/api/homes", { token: s.adminToken })).body.homes.filter((h: { user: string }) => h.user === carol.name);
    expect(kept).toHaveLength(1);
    expect(kept[0].mode).toBe("delete");
    expect(new Date(kept[0].purge_after).getTime()).toBeGreaterThan(before + 6.9 * 86_400_000); // KILN_HOME_GRACE_DAYS=7

    // The name again: a new account, an empty home.
    expect((await call(s.url, "POST", `/hub/api/users/${carol.name}`, { token: s.adminToken })).status).toBe(201);
    const again = { name: carol.name, token: (await call(s.url, "POST", `/hub/api/users/${carol.name}/tokens`, { token: s.adminToken, body: {} })).body.token };
    await startServer(s.url, again);
    started.push(again);
    const listing = await call(s.url, "GET", `/user/${carol.name}/api/contents/`, { token: again.token });
    expect(listing.body.content.map((f: { name: string }) => f.name)).not.toContain("mine.txt");

    // The old home still exists until it is purged; an admin can purge it now.
    expect((await docker.getVolume(kept[0].location).inspect()).Name).toBe(kept[0].location);
    expect((await call(s.url, "DELETE", `/api/homes/${kept[0].id}`, { token: again.token })).status).toBe(403); // not an admin
    expect((await call(s.url, "DELETE", `/api/homes/${kept[0].id}`, { token: s.adminToken })).status).toBe(204);
    await expect(docker.getVolume(kept[0].location).inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 120_000);

  test("?home=archive keeps a deleted user's home until an admin deletes it", async () => {
    const dave = await makeUser(s, "dave");
    await startServer(s.url, dave);
    expect((await call(s.url, "DELETE", `/hub/api/users/${dave.name}?home=archive`, { token: s.adminToken })).status).toBe(204);
    const [home] = (await call(s.url, "GET", "/api/homes", { token: s.adminToken })).body.homes.filter((h: { user: string }) => h.user === dave.name);
    expect(home).toMatchObject({ mode: "archive", purge_after: null });
    expect((await call(s.url, "DELETE", `/api/homes/${home.id}`, { token: s.adminToken })).status).toBe(204);
  }, 90_000);
});

describe("a browser session reaches /user/ only from Kiln's own pages", () => {
  test("a cookie-authenticated POST and a terminal WebSocket to /user/{name}/ with a foreign Origin get 403; from Kiln's origin they work", async () => {
    const eve = await signedInUser(s.url, "eve");
    const own = { cookie: eve.cookie, origin: s.url };
    const foreign = { cookie: eve.cookie, origin: "https://evil.example" };
    expect((await call(s.url, "POST", `/hub/api/users/${eve.name}/server`, { headers: own, body: {} })).status).toBeLessThan(300);
    const me = { name: eve.name, token: "" };
    const deadline = Date.now() + 60_000;
    while (!(await call(s.url, "GET", "/hub/api/user", { headers: own })).body.servers[""]?.ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    started.push({ ...me, token: s.adminToken });

    expect((await call(s.url, "POST", `/user/${eve.name}/api/kernels`, { headers: foreign, body: {} })).status).toBe(403);
    expect((await call(s.url, "POST", `/user/${eve.name}/api/terminals`, { headers: { ...foreign, "sec-fetch-site": "cross-site" } })).status).toBe(403);
    expect((await call(s.url, "POST", `/user/${eve.name}/api/kernels`, { headers: { cookie: eve.cookie, origin: "null" }, body: {} })).status).toBe(403); // a sandboxed page
    const term = await call(s.url, "POST", `/user/${eve.name}/api/terminals`, { headers: own });
    expect(term.status).toBe(200);

    const ws = (origin: string) =>
      new Promise<number>((resolve) => {
        const w = new WebSocket(`${s.url.replace("http", "ws")}/user/${eve.name}/terminals/websocket/${term.body.name}`, { headers: { cookie: eve.cookie, origin } });
        w.on("open", () => (w.close(), resolve(101)));
        w.on("unexpected-response", (_req, res) => resolve(res.statusCode!));
        w.on("error", () => resolve(0));
      });
    expect(await ws("https://evil.example")).toBe(403);
    expect(await ws(s.url)).toBe(101);
    // A token needs no Origin: API clients are unaffected.
    const tok = (await call(s.url, "POST", `/hub/api/users/${eve.name}/tokens`, { headers: own, body: {} })).body.token;
    expect((await call(s.url, "GET", `/user/${eve.name}/api/kernels`, { token: tok })).status).toBe(200);
    expect((await call(s.url, "POST", `/user/${eve.name}/api/kernels`, { token: tok, headers: { origin: "https://evil.example" }, body: {} })).status).toBe(201);
  }, 120_000);
});
