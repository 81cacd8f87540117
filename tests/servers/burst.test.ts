import crypto from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import WebSocket from "ws";
import { removeInstance } from "../helpers/docker";
import { call, makeUser } from "../helpers/http";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";

// A class arrives at once: sixteen new users start their servers together and each runs a
// first cell through /user/ with a plain kernel WebSocket, sending it the moment the socket
// opens. Every one must be answered (its reply, its result and the kernel's idle status).
const adminToken = randomToken();
const instance = `burst-${randomToken().slice(0, 8)}`;
let kiln: RunningKiln;
const admin = { backend: "pglite" as const, url: "", adminToken };
beforeAll(async () => {
  kiln = await startKiln({ env: { KILN_DATA_DIR: tempDir("burst"), KILN_ADMIN_TOKEN: adminToken, KILN_INSTANCE_NAME: instance } });
  admin.url = kiln.url;
}, 120_000);
afterAll(async () => {
  await kiln?.stop();
  await removeInstance(instance);
});

async function ready(u: { name: string; token: string }) {
  const deadline = Date.now() + 180_000;
  while (!(await call(kiln.url, "GET", `/hub/api/users/${u.name}`, { token: u.token })).body.servers?.[""]?.ready) {
    if (Date.now() > deadline) throw new Error(`${u.name}'s server did not become ready`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A first cell, as a bare client sends it: the execute_request the moment the socket opens. */
async function firstCell(u: { name: string; token: string }): Promise<string> {
  const k = await call(kiln.url, "POST", `/user/${u.name}/api/kernels`, { token: u.token, body: { name: "python3" } });
  if (k.status !== 201) return `kernel: HTTP ${k.status}`;
  const session = crypto.randomUUID();
  const msgId = crypto.randomUUID();
  const ws = new WebSocket(`${kiln.url.replace("http", "ws")}/user/${u.name}/api/kernels/${k.body.id}/channels?session_id=${session}&token=${u.token}`);
  return new Promise((resolve) => {
    let reply = false;
    let result = false;
    let idle = false;
    const timer = setTimeout(() => (ws.close(), resolve(`unanswered: reply ${reply}, result ${result}, idle ${idle}`)), 60_000);
    ws.on("open", () =>
      ws.send(JSON.stringify({
        header: { msg_id: msgId, msg_type: "execute_request", session, username: u.name, date: new Date().toISOString(), version: "5.3" },
        parent_header: {}, metadata: {}, channel: "shell",
        content: { code: "1+1", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      })),
    );
    ws.on("message", (d) => {
      const m = JSON.parse(String(d));
      if (m.parent_header?.msg_id !== msgId) return;
      if (m.msg_type === "execute_reply") reply = m.content.status === "ok";
      if (m.msg_type === "execute_result") result = m.content.data["text/plain"] === "2";
      if (m.msg_type === "status" && m.content.execution_state === "idle") idle = true;
      if (reply && result && idle) {
        clearTimeout(timer);
        ws.close();
        resolve("answered");
      }
    });
    ws.on("error", (e) => (clearTimeout(timer), resolve(`socket: ${e.message}`)));
  });
}

test("three bursts of sixteen new users, each running a first cell as soon as its socket opens: every one is answered", async () => {
  for (let burst = 0; burst < 3; burst++) {
    const users = await Promise.all(Array.from({ length: 16 }, () => makeUser(admin, `b${burst}`)));
    const outcomes = await Promise.all(
      users.map(async (u) => {
        const r = await call(kiln.url, "POST", `/hub/api/users/${u.name}/server`, { token: u.token, body: {} });
        if (r.status !== 201 && r.status !== 202) return `start: HTTP ${r.status} ${JSON.stringify(r.body)}`;
        await ready(u);
        return firstCell(u);
      }),
    );
    expect(outcomes, `burst ${burst + 1}`).toEqual(users.map(() => "answered"));
    await Promise.all(users.map((u) => call(kiln.url, "DELETE", `/hub/api/users/${u.name}/server`, { token: u.token })));
  }
}, 900_000);
