import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { KernelClient } from "../../lib/execution/kernel/client";
import type { JupyterMessage } from "../../lib/execution/kernel/messages";
import { deleteKernel, type JupyterServer, startKernel } from "../../lib/execution/kernel/rest";
import { upstreamFetch } from "../../lib/spawners/upstream";
import { docker } from "../helpers/docker";
import { tempDir } from "../helpers/kiln";

/**
 * Kiln's kernel client against real Jupyter Servers in the kernel image, on their Unix
 * sockets as Kiln reaches them: the binary framing where the server offers it, and JSON
 * with a server set to the legacy protocol only (what an image with an older Jupyter Server
 * answers), with nothing lost and the session not taken for closed.
 */
const started: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => {})));
});

async function jupyterServer(extra: string[]): Promise<{ server: JupyterServer; container: string }> {
  const dir = tempDir("wire");
  fs.chmodSync(dir, 0o777); // the image's user creates the socket there
  const token = crypto.randomBytes(16).toString("hex");
  const c = await docker.createContainer({
    Image: "kiln/python:latest",
    // Debug logging: a failed step prints Jupyter's own account (buffering, nudges, replays).
    Cmd: ["tini", "--", "python3", "-m", "jupyter_server", "--ServerApp.sock=/run/j/j.sock", "--ServerApp.sock_mode=0o666", "--ServerApp.root_dir=/tmp", "--debug", ...extra],
    Env: [`JUPYTER_TOKEN=${token}`, "JUPYTER_RUNTIME_DIR=/tmp/jupyter-runtime"],
    Labels: { "org.kiln.instance": process.env.KILN_INSTANCE_NAME ?? "kiln", "org.kiln.test": "kernel-wire" },
    HostConfig: { NetworkMode: "none", Binds: [`${dir}:/run/j`] },
  });
  started.push(c.id);
  await c.start();
  const server: JupyterServer = { upstream: { socketPath: path.join(dir, "j.sock") }, basePath: "/", token };
  for (const deadline = Date.now() + 60_000; ; ) {
    const ok = await upstreamFetch(server.upstream, "/api/status", { headers: { authorization: `token ${token}` }, timeoutMs: 2000 }).then((r) => r.ok, () => false);
    if (ok) return { server, container: c.id };
    if (Date.now() > deadline) throw new Error("Jupyter Server did not come up");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The Jupyter Server's log, for a step that failed. */
async function serverLog(id: string): Promise<string> {
  const raw = await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: 400 }).catch((e: Error) => Buffer.from(String(e)));
  return demux(raw).slice(-40_000);
}

/** Docker's multiplexed log stream as text (8-byte frame headers dropped). */
function demux(raw: Buffer): string {
  const parts: Buffer[] = [];
  for (let i = 0; i + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(i + 4);
    parts.push(raw.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(parts).toString("utf8");
}

/**
 * Awaits one step of the test with its own deadline, so a hang names the step and shows
 * what Jupyter logged, instead of the whole test running out its time in silence.
 */
async function step<T>(container: string, what: string, work: Promise<T>, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => void serverLog(container).then((log) => reject(new Error(`${what}: nothing after ${ms} ms. Jupyter's log:\n${log}`))), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it holds (a state, not a duration); gives up a while after step's own deadline, so a failed test leaves no poll behind. */
async function until(check: () => Promise<boolean>, giveUpMs = 90_000): Promise<void> {
  for (const end = Date.now() + giveUpMs; !(await check()); await new Promise((r) => setTimeout(r, 50)))
    if (Date.now() > end) throw new Error(`still not so after ${giveUpMs} ms`);
}

/** Whether Jupyter's log shows the messages a finished cell sends kept since its last socket closed: two on iopub (its output, idle), one on shell (its reply). */
function keptSince(log: string, kernelId: string): boolean {
  const since = log.slice(log.lastIndexOf(`Starting buffering for ${kernelId}`));
  const count = (channel: string) => since.split(`Buffering msg on ${kernelId}:${channel}`).length - 1;
  return count("iopub") >= 2 && count("shell") >= 1;
}

/** How many WebSockets Jupyter counts open on the kernel (its model's `connections`). */
async function openSockets(server: JupyterServer, kernelId: string): Promise<number | null> {
  const r = await upstreamFetch(server.upstream, `/api/kernels/${kernelId}`, { headers: { authorization: `token ${server.token}` }, timeoutMs: 5000 }).catch(() => null);
  return r?.ok ? ((await r.json<{ connections?: number }>()).connections ?? null) : null;
}

/** Runs `code` and collects what the kernel sent for it, until its reply and idle status. */
function run(client: KernelClient, code: string): Promise<{ iopub: JupyterMessage[]; reply: JupyterMessage }> {
  const iopub: JupyterMessage[] = [];
  return new Promise((resolve) => {
    client.execute(
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      { onIOPub: (m) => iopub.push(m), onDone: (reply) => resolve({ iopub, reply: reply as JupyterMessage }) },
    );
  });
}

describe.each([
  { wire: "v1", extra: [] },
  { wire: "json", extra: ["--ServerApp.kernel_ws_protocol="] },
] as const)("Kiln's kernel client, the server speaking $wire", ({ wire, extra }) => {
  test("cells run, outputs, errors and non-ASCII text arrive whole, a second socket resumes the session", async () => {
    const { server, container } = await jupyterServer([...extra]);
    const kernelId = await step(container, "start a kernel", startKernel(server));
    const session = crypto.randomUUID();
    let closed = 0;
    const client = new KernelClient(server, kernelId, session, { status: () => {}, closed: () => closed++ });
    await step(container, "connect", client.connect());
    expect(client.framing).toBe(wire);

    const sum = await step(container, "run 1+1", run(client, "1+1"));
    expect(sum.reply.content.status).toBe("ok");
    expect(sum.iopub.find((m) => m.header.msg_type === "execute_result")?.content.data).toEqual({ "text/plain": "2" });
    expect(sum.iopub.map((m) => m.header.msg_type)).toEqual(["status", "execute_input", "execute_result", "status"]);

    const text = await step(container, "run a long print", run(client, "print('naïve ✓ ' + 'x' * 100_000)"));
    expect(text.iopub.filter((m) => m.header.msg_type === "stream").map((m) => m.content.text).join("")).toBe(`naïve ✓ ${"x".repeat(100_000)}\n`);

    const failed = await step(container, "run 1/0", run(client, "1/0"));
    expect(failed.reply.content).toMatchObject({ status: "error", ename: "ZeroDivisionError" });

    // What the kernel sends while no socket is open is kept by Jupyter for this session id
    // and handed to the next socket: Kiln relies on it across its own restarts. The cell
    // prints only once Jupyter counts no socket open (a file in the mounted folder says go):
    // printed earlier, on a busy machine, its output went to the closing socket and nothing
    // was kept to replay (the test then waited out its time).
    const go = path.join(path.dirname(server.upstream.socketPath), "go");
    const msgId = crypto.randomUUID();
    const began = new Promise<void>((resolve) => {
      const code = "import os, time\nwhile not os.path.exists('/run/j/go'): time.sleep(0.02)\nprint('while away')";
      client.execute({ code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, { onIOPub: (m) => m.header.msg_type === "execute_input" && resolve() }, msgId);
    });
    await step(container, "the waiting cell begins", began);
    client.close();
    await step(container, "Jupyter counts no socket open", until(async () => (await openSockets(server, kernelId)) === 0));
    fs.writeFileSync(go, "");
    // Reconnect once Jupyter holds the cell's end in its buffer (its debug log says what it
    // buffered): the stream, the idle status and the reply. Waiting for the kernel to report
    // idle was not enough: Jupyter learns that on a socket of its own, and on a busy machine
    // the kept socket could still have the idle status unread when the new socket arrived.
    // Jupyter's probe of a returning socket then takes the first iopub message it reads as
    // its answer and drops it (a cell's idle status lost; the test waited out its time).
    await step(container, "Jupyter keeps the cell's end", until(async () => keptSince(await serverLog(container), kernelId)));
    const again = new KernelClient(server, kernelId, session, { status: () => {}, closed: () => closed++ });
    const missed: string[] = [];
    const replayed = new Promise<JupyterMessage>((done) => again.adopt(msgId, { onIOPub: (m) => m.header.msg_type === "stream" && missed.push(String(m.content.text)), onDone: (r) => done(r as JupyterMessage) }));
    await step(container, "a second socket connects", again.connect());
    expect(again.framing).toBe(wire);
    expect((await step(container, "the kept reply is replayed", replayed)).content.status).toBe("ok");
    expect(missed.join("")).toBe("while away\n");
    expect((await step(container, "run 40+2 on the second socket", run(again, "40+2"))).iopub.find((m) => m.header.msg_type === "execute_result")?.content.data).toEqual({ "text/plain": "42" });
    again.close();
    expect(closed).toBe(0); // a socket refused for its framing is not the kernel going away
    await deleteKernel(server, kernelId);
  }, 300_000);
});
