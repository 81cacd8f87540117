import postgres from "postgres";
import { afterAll, beforeAll, expect, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";
import { type Replicas, replicaHolding, serverIdOf as serverIdIn, startReplicas } from "../helpers/replicas";

// The replica holding the server-watch lease dies (SIGKILL): the other takes the shared work
// over within seconds, and listens again on the kernel-API sockets the dead one held.
let r: Replicas;
let sql: postgres.Sql;
const holderOf = (name: string) => replicaHolding(r, sql, name);
const serverIdOf = (user: string) => serverIdIn(sql, user);
beforeAll(async () => {
  r = await startReplicas({ count: 2, env: { LOG_LEVEL: "info", KILN_SERVER_POLL_INTERVAL: "1", KILN_IDLE_TIMEOUT: "6" } });
  sql = postgres(r.databaseUrl, { max: 1, onnotice: () => {} });
}, 300_000);
afterAll(async () => {
  await sql?.end();
  await r?.stop();
});

const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 200));
  }
};

test("the watch lease holder killed: the other replica takes over the culler within seconds, and a container's kiln module still reaches Kiln", async () => {
  const holder = await holderOf("server-watch");
  expect(holder).toBeGreaterThanOrEqual(0);
  const dying = r.replicas[holder]!;
  const survivor = r.replicas[1 - holder]!;
  const alice = await makeUser({ backend: "postgres", url: survivor.url, adminToken: r.adminToken }, "takeover");
  // Started on the replica that will die: the server's kernel-API socket is that replica's.
  const started = await call(dying.url, "POST", `/hub/api/users/${alice.name}/server`, { token: alice.token, body: {} });
  expect([201, 202]).toContain(started.status);
  await until("ready", async () => (await call(survivor.url, "GET", `/hub/api/users/${alice.name}`, { token: alice.token })).body.servers?.[""]?.ready === true, 120_000);
  const id = await serverIdOf(alice.name);

  const km = jupyterClient(survivor.url, alice.name, alice.token); // this client's socket outlives the kill
  const kernel = await km.startNew({ name: "python3" });
  expect(await run(kernel, "import kiln\nprint(kiln.log_param('before', 1))")).toBe("1\n");

  await r.kill(holder, "SIGKILL");
  const killedAt = Date.now();
  await until("the survivor holds the watch lease", async () => r.replicas[await holderOf("server-watch")] === survivor, 60_000);
  const takeoverMs = Date.now() - killedAt;
  expect(takeoverMs).toBeLessThan(30_000);
  // The kiln module retries a refused socket; the survivor listens on it again.
  expect(await run(kernel, "print(kiln.log_param('after', 2))")).toBe("2\n");
  const params = await sql<{ key: string }[]>`select key from run_params where key in ('before', 'after')`;
  expect(params.map((p) => p.key).sort()).toEqual(["after", "before"]); // both stored, in the kernel's run

  // The client goes: the survivor's culler culls the server.
  await kernel.shutdown();
  km.dispose();
  await until("culled by the survivor", async () => (await serverIdOf(alice.name)) === undefined, 120_000);
  expect(survivor.output()).toMatch(new RegExp(`"server":${id},.*"msg":"server idle: culling"`));
  console.log(`watch lease taken over ${takeoverMs} ms after the SIGKILL`);
}, 300_000);
