import http from "node:http";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { call, makeUser, startServer } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";
import { type Replicas, startReplicas } from "../helpers/replicas";

// Two Kiln replicas behind nginx (round-robin, no stickiness). The replica holding a notebook's
// kernel session is killed with SIGKILL while a cell prints: the view reconnects through the
// load balancer, the other replica takes the session over (same kernel, same Jupyter session
// id: Jupyter replays what the kernel printed meanwhile), and nothing is lost or shown twice.
const TICKS = "import time\nfor i in range(8):\n    print(f'tick {i}', flush=True)\n    time.sleep(1)";
const EXPECTED = Array.from({ length: 8 }, (_, i) => `tick ${i}\n`).join("");

let r: Replicas;
beforeAll(async () => {
  r = await startReplicas({ count: 2 });
}, 300_000);
afterAll(async () => {
  await r?.stop();
});

/**
 * A view as the page keeps one: each execution's output text, appended to by output events;
 * a reset empties the running ones, which the replay that follows rebuilds from their start.
 * It reconnects by itself, resuming after the last event id it saw.
 */
function view(url: string, token: string) {
  const text = new Map<number, string>();
  const status = new Map<number, string>();
  const shown: string[] = []; // every state of the output the user saw, in order
  let lastId: number | null = null;
  let ws: WebSocket;
  let closed = false;
  let reconnects = 0;
  let n = 0;
  const replies = new Map<string, (f: any) => void>();
  const open = () =>
    new Promise<void>((resolve) => {
      ws = new WebSocket(`${url}${lastId === null ? "" : `?after=${lastId}`}`, { headers: { authorization: `token ${token}` } });
      ws.on("open", () => resolve());
      ws.on("message", (d) => {
        const f = JSON.parse(String(d));
        if ("reply" in f) return replies.get(f.reply)?.(f);
        if (typeof f.id === "number") lastId = f.id;
        const e = f.event;
        if (e?.type === "reset") for (const [id, s] of status) if (s === "queued" || s === "running") text.set(id, "");
        if (e?.type === "execution") status.set(e.execution_id, e.status);
        if (e?.type === "output" && e.output.output_type === "stream") {
          text.set(e.execution_id, (text.get(e.execution_id) ?? "") + e.output.text);
          shown.push(text.get(e.execution_id)!);
        }
      });
      const retry = () => {
        if (closed) return;
        reconnects++;
        setTimeout(() => void open().then(resolve), 200);
      };
      ws.on("close", retry);
      ws.on("error", () => {});
    });
  const send = async (op: string, body: Record<string, unknown>) => {
    const request_id = `r${++n}`;
    const reply = new Promise<any>((res) => replies.set(request_id, res));
    ws.send(JSON.stringify({ op, request_id, ...body }));
    return reply;
  };
  return { open, send, text, status, shown, reconnects: () => reconnects, close: () => ((closed = true), ws.close()) };
}

describe("two replicas behind nginx, the one holding a notebook's kernel session killed mid-cell", () => {
  test("the view sees all 8 ticks exactly once and in order, the stored outputs are complete, and a JupyterLab client keeps working", async () => {
    const alice = await makeUser({ url: r.url, adminToken: r.adminToken } as never, "fail");
    await startServer(r.url, alice);
    const nb = await call(r.url, "POST", "/api/notebooks", { token: alice.token, body: { name: "ticks", cells: [{ id: "t", cell_type: "code", source: TICKS, metadata: {} }] } });
    expect(nb.status).toBe(201);
    const id = nb.body.id as number;

    // JupyterLab-style clients on the same server, through the load balancer: kernels opened
    // until one's WebSocket went through each replica (nginx names the one it picked), so
    // whichever replica is killed below, one of them loses its socket and must reconnect.
    const through = new Map<string, Awaited<ReturnType<ReturnType<typeof jupyterClient>["startNew"]>>>();
    for (let i = 0; i < 12 && through.size < 2; i++) {
      let upstream = "";
      class Seen extends WebSocket {
        constructor(...a: ConstructorParameters<typeof WebSocket>) {
          super(...a);
          this.on("upgrade", (res) => (upstream = String(res.headers["x-kiln-upstream"] ?? "")));
        }
      }
      const kernel = await jupyterClient(r.url, alice.name, alice.token, "", Seen as typeof WebSocket).startNew({ name: "python3" });
      expect(await run(kernel, "print(20 + 1)")).toBe("21\n");
      if (upstream && !through.has(upstream)) through.set(upstream, kernel);
      else kernel.dispose();
    }
    expect([...through.keys()].sort()).toEqual(r.replicas.map((k) => `127.0.0.1:${k.port}`).sort());

    const v = view(`${r.url.replace(/^http/, "ws")}/api/notebooks/${id}/channel`, alice.token);
    await v.open();
    const reply = await v.send("execute", { cell_id: "t", code: TICKS });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    const exec = reply.data.id as number;
    await expect.poll(() => v.text.get(exec) ?? "", { timeout: 60_000, interval: 50 }).toContain("tick 2\n");

    // Who holds the session: its replica is killed.
    const sql = postgres(r.databaseUrl, { max: 1 });
    const [lease] = await sql`select address from leases where name = ${`notebook:${id}`}`;
    await sql.end();
    const owner = r.replicas.findIndex((k) => lease?.address === `http://127.0.0.1:${k.port}`);
    expect(owner, `lease ${JSON.stringify(lease)}`).toBeGreaterThanOrEqual(0);
    const killedAt = Date.now();
    await r.kill(owner, "SIGKILL");
    await expect.poll(() => v.text.get(exec) ?? "", { timeout: 90_000, interval: 20 }).toContain("tick 3\n");
    // How long the view went without news (the kernel prints every second regardless).
    console.log(JSON.stringify({ takeover_ms: Date.now() - killedAt }));

    await expect.poll(() => v.status.get(exec), { timeout: 90_000, interval: 100 }).toBe("ok");
    expect(v.reconnects()).toBeGreaterThan(0);
    expect(v.text.get(exec)).toBe(EXPECTED);
    // Never a tick twice, never one out of order, at any moment the view showed.
    for (const s of v.shown) expect(EXPECTED.startsWith(s), `shown: ${JSON.stringify(s)}`).toBe(true);
    v.close();

    // The stored notebook has every tick, once.
    await expect.poll(async () => (await call(r.url, "GET", `/api/notebooks/${id}`, { token: alice.token })).body.content?.cells[0].outputs
      .map((o: { text: string | string[] }) => [o.text].flat().join("")).join(""), { timeout: 30_000 }).toBe(EXPECTED);

    // The JupyterLab client whose socket went with the killed replica reconnects through the survivor and keeps working.
    const orphan = through.get(`127.0.0.1:${r.replicas[owner]!.port}`)!;
    await expect.poll(async () => run(orphan, "print(40 + 2)").catch((e) => String(e)), { timeout: 60_000, interval: 500 }).toBe("42\n");
    for (const k of through.values()) k.dispose();
    await r.restart(owner); // both replicas up again for whatever runs next
  }, 300_000);
});

describe("two replicas, each with a view of the same notebook", () => {
  test("a cell run from the replica that does not hold the session runs once, on the holder, and both views see it", async () => {
    const bob = await makeUser({ url: r.url, adminToken: r.adminToken } as never, "fwd");
    await startServer(r.url, bob);
    const nb = await call(r.url, "POST", "/api/notebooks", { token: bob.token, body: { name: "fwd", cells: [{ id: "c", cell_type: "code", source: "", metadata: {} }] } });
    const id = nb.body.id as number;
    const ws = (k: number) => `${r.replicas[k]!.url.replace(/^http/, "ws")}/api/notebooks/${id}/channel`;
    const first = view(ws(0), bob.token);
    await first.open(); // replica 0 serves a view: it holds the notebook
    const second = view(ws(1), bob.token);
    await second.open(); // forwarded to replica 0
    const reply = await second.send("execute", { cell_id: "c", code: "import os; print(os.getpid() > 0, 6 * 7)" });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    for (const v of [first, second]) {
      await expect.poll(() => v.status.get(reply.data.id), { timeout: 30_000 }).toBe("ok");
      expect(v.text.get(reply.data.id)).toBe("True 42\n");
    }
    // The REST route, straight to replica 1, is forwarded too: the same kernel (its variables) answers.
    const rest = await call(r.replicas[1]!.url, "POST", `/api/notebooks/${id}/execute`, { token: bob.token, body: { cell_id: "c", code: "x = 5; print(x * 2)" } });
    expect([201, 202]).toContain(rest.status);
    await expect.poll(() => first.status.get(rest.body.id), { timeout: 30_000 }).toBe("ok");
    expect(first.text.get(rest.body.id)).toBe("10\n");
    // A client cannot pass itself off as a replica to be served where the session is not: a forged mark is ignored.
    const forged = await call(r.replicas[1]!.url, "POST", `/api/notebooks/${id}/execute`, {
      token: bob.token, body: { cell_id: "c", code: "x += 1" }, headers: { "x-kiln-replica-forward": "0".repeat(64), "x-kiln-peer": "10.9.9.9" },
    });
    expect([201, 202], JSON.stringify(forged.body)).toContain(forged.status);
    // nor does a mark of the right length in other bytes (latin-1 in the header, longer in UTF-8) break anything
    const odd = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ cell_id: "c", code: "pass" });
      const req = http.request(`${r.replicas[1]!.url}/api/notebooks/${id}/execute`, {
        method: "POST", headers: { authorization: `token ${bob.token}`, "content-type": "application/json", "x-kiln-replica-forward": "\u00e9".repeat(64) },
      }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
      req.on("error", reject);
      req.end(body);
    });
    expect([201, 202]).toContain(odd);
    await expect.poll(() => first.status.get(forged.body.id), { timeout: 30_000 }).toBe("ok");
    const again = await second.send("execute", { cell_id: "c", code: "print(x + 1)" });
    await expect.poll(() => second.status.get(again.data.id), { timeout: 30_000 }).toBe("ok");
    expect(second.text.get(again.data.id)).toBe("7\n");
    // One run, one kernel: the notebook's executions all belong to it.
    const runs = (await call(r.url, "GET", "/api/runs", { token: bob.token })).body.runs.filter((x: { kind: string }) => x.kind === "interactive");
    expect(runs).toHaveLength(1);
    first.close();
    second.close();
  }, 180_000);
});
