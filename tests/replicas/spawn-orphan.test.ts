import { afterAll, beforeAll, expect, test } from "vitest";
import { containerOf } from "../helpers/docker";
import { call, makeUser, startServer } from "../helpers/http";
import { type Replicas, startReplicas } from "../helpers/replicas";

// A replica dies in the middle of starting a server (its container made, Jupyter not yet
// answering): once that start's lease runs out, the other replica cleans it up, container
// included, and reports it; the user can start again.
let r: Replicas;
beforeAll(async () => {
  r = await startReplicas({ count: 2, env: { KILN_SERVER_POLL_INTERVAL: "1" } });
}, 300_000);
afterAll(async () => {
  await r?.stop();
});

test("a server whose replica died while starting it is cleaned up by the other, its container too, and can be started again", async () => {
  const [dying, survivor] = r.replicas as [typeof r.replicas[0], typeof r.replicas[0]];
  const alice = await makeUser({ url: survivor!.url, adminToken: r.adminToken } as never, "orphan");
  // Not awaited: the POST may wait for a quick start to finish. Killed as soon as its container exists: the start has not recorded it yet.
  void call(dying!.url, "POST", `/hub/api/users/${alice.name}/server`, { token: alice.token, body: {} }).catch(() => {});
  const deadline = Date.now() + 60_000;
  while (!(await containerOf(alice.name, "", r.instance))) {
    if (Date.now() > deadline) throw new Error("no container was created");
    await new Promise((res) => setTimeout(res, 20));
  }
  await r.kill(0, "SIGKILL");
  const caught = (await call(survivor!.url, "GET", `/hub/api/users/${alice.name}`, { token: alice.token })).body.servers?.[""];
  expect(caught?.ready, "the start was caught half-way").toBe(false);

  await expect.poll(async () => (await call(survivor!.url, "GET", `/hub/api/users/${alice.name}`, { token: alice.token })).body.servers?.[""] ?? null, { timeout: 90_000, interval: 500 }).toBeNull();
  await expect.poll(async () => (await containerOf(alice.name, "", r.instance))?.Id ?? null, { timeout: 30_000, interval: 500 }).toBeNull();

  await startServer(survivor!.url, alice);
  expect((await containerOf(alice.name, "", r.instance))?.State.Running).toBe(true);
  await call(survivor!.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token });
}, 240_000);
