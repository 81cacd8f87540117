import { afterAll, beforeAll, expect, inject, test } from "vitest";
import WebSocket from "ws";
import { call, makeUser, signedInUser } from "../helpers/http";

// A credential that ends takes its open sockets with it: the notebook channel, and kernel
// sockets through the proxy to the user's server (real Kiln, real Jupyter).
const s = inject("servers")[0]!;
const ws = (path: string) => `${s.url.replace(/^http/, "ws")}${path}`;
let alice: { name: string; token: string };

beforeAll(async () => {
  alice = await makeUser(s, "rvk");
  const started = await call(s.url, "POST", `/hub/api/users/${alice.name}/server`, { token: alice.token, body: {} });
  expect([201, 202]).toContain(started.status);
  // 202: still starting; wait for the state, not a duration
  for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 200))) {
    const me = await call(s.url, "GET", "/hub/api/user", { token: alice.token });
    if (me.body.servers[""]?.ready) break;
    if (Date.now() > deadline) throw new Error(`the server never became ready: ${JSON.stringify(me.body.servers)}`);
  }
}, 90_000);
afterAll(async () => {
  if (alice) await call(s.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token });
});

function open(url: string, headers: Record<string, string> = {}, protocols?: string[]): Promise<WebSocket> {
  const socket = new WebSocket(url, protocols ?? [], { headers });
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve(socket));
    socket.once("unexpected-response", (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once("error", reject);
  });
}

/** When the socket closed (performance.now()), and with which code. */
const closedAt = (socket: WebSocket) => new Promise<{ at: number; code: number }>((r) => socket.once("close", (code) => r({ at: performance.now(), code })));

/** Ends a credential with `end` (an HTTP call) and measures from its answer to the socket's close. */
async function msFromAnswerToClose(socket: WebSocket, end: () => Promise<{ status: number }>) {
  const closed = closedAt(socket);
  const answer = await end();
  const answeredAt = performance.now();
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the socket stayed open 5 s after the credential ended")), 5000));
  const { at, code } = await Promise.race([closed, timeout]);
  return { status: answer.status, ms: Math.max(0, at - answeredAt), code };
}

async function newToken(note: string) {
  const t = await call(s.url, "POST", `/hub/api/users/${alice.name}/tokens`, { token: alice.token, body: { note } });
  expect(t.status).toBe(201);
  return t.body as { id: string; token: string };
}

async function notebook(token: string, name: string) {
  const r = await call(s.url, "POST", "/api/notebooks", { token, body: { name } });
  expect(r.status).toBe(201);
  return r.body.id as number;
}

test("revoking a token closes the notebook channel it opened within a second; the owner's other channels stay open", async () => {
  const doomed = await newToken("channel");
  const id = await notebook(alice.token, "revoked-channel");
  const channel = await open(ws(`/api/notebooks/${id}/channel`), { authorization: `token ${doomed.token}` });
  const other = await open(ws(`/api/notebooks/${id}/channel`), { authorization: `token ${alice.token}` });
  const r = await msFromAnswerToClose(channel, () => call(s.url, "DELETE", `/hub/api/users/${alice.name}/tokens/${doomed.id}`, { token: alice.token }));
  console.log(`notebook channel: closed ${r.ms.toFixed(1)} ms after the revoke's answer`);
  expect(r.status).toBe(204);
  expect(r.code).toBe(4401);
  expect(r.ms).toBeLessThan(1000);
  expect(other.readyState).toBe(WebSocket.OPEN);
  other.close();
});

test("revoking a token closes a kernel WebSocket it opened through /user/{name}/api/kernels/{id}/channels within a second", async () => {
  const doomed = await newToken("kernel");
  const kernel = await call(s.url, "POST", `/user/${alice.name}/api/kernels`, { token: alice.token, body: { name: "python3" } });
  expect(kernel.status).toBe(201);
  try {
    const socket = await open(ws(`/user/${alice.name}/api/kernels/${kernel.body.id}/channels?token=${doomed.token}`));
    // the socket really reaches the kernel before the revoke
    const replied = new Promise<void>((resolve) =>
      socket.on("message", (d) => {
        if (JSON.parse(String(d)).msg_type === "kernel_info_reply") resolve();
      }),
    );
    const header = { msg_id: "k1", session: "s1", username: "", date: new Date().toISOString(), msg_type: "kernel_info_request", version: "5.3" };
    socket.send(JSON.stringify({ header, parent_header: {}, metadata: {}, content: {}, channel: "shell", buffers: [] }));
    await replied;

    const r = await msFromAnswerToClose(socket, () => call(s.url, "DELETE", `/hub/api/users/${alice.name}/tokens/${doomed.id}`, { token: alice.token }));
    console.log(`kernel WebSocket through the proxy: closed ${r.ms.toFixed(1)} ms after the revoke's answer`);
    expect(r.status).toBe(204);
    expect(r.ms).toBeLessThan(1000);
    await expect(open(ws(`/user/${alice.name}/api/kernels/${kernel.body.id}/channels?token=${doomed.token}`))).rejects.toThrow(/HTTP 401/);
  } finally {
    await call(s.url, "DELETE", `/user/${alice.name}/api/kernels/${kernel.body.id}`, { token: alice.token });
  }
}, 60_000);

test("an admin's 'sign out everywhere' closes the channels the user's browsers opened within a second", async () => {
  const bob = await signedInUser(s.url, "rvkb");
  const mine = await call(s.url, "POST", "/api/notebooks", { headers: { cookie: bob.cookie, origin: s.url }, body: { name: "session-channel" } });
  expect(mine.status).toBe(201);
  const channel = await open(ws(`/api/notebooks/${mine.body.id}/channel`), { cookie: bob.cookie, origin: s.url });
  const r = await msFromAnswerToClose(channel, () => call(s.url, "DELETE", `/hub/api/users/${bob.name}/sessions`, { token: s.adminToken }));
  console.log(`notebook channel (cookie): closed ${r.ms.toFixed(1)} ms after sign-out everywhere answered`);
  expect(r.status).toBe(200);
  expect(r.code).toBe(4401);
  expect(r.ms).toBeLessThan(1000);
});

test("deleting a user closes the sockets they opened", async () => {
  const carol = await makeUser(s, "rvkc");
  const id = await notebook(carol.token, "deleted-owner");
  const channel = await open(ws(`/api/notebooks/${id}/channel`), { authorization: `token ${carol.token}` });
  const r = await msFromAnswerToClose(channel, () => call(s.url, "DELETE", `/hub/api/users/${carol.name}`, { token: s.adminToken }));
  expect(r.status).toBe(204);
  expect(r.ms).toBeLessThan(1000);
});
