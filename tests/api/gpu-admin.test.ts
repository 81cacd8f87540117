import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";
import { type RunningKiln, randomToken, startKiln, tempDir } from "../helpers/kiln";
import { openEvents } from "../helpers/sse";

// The GPU admin API on a Kiln with a declared inventory (KILN_GPU_INVENTORY: 3 GPUs on 2
// hosts Kiln cannot ask) and local servers, so GPU holders are real servers.
const inventoryFile = path.join(tempDir("gpu-inventory"), "gpus.json");
const uuid = (i: number) => `GPU-${String(i).padStart(8, "0")}-1111-2222-3333-${String(i).padStart(12, "0")}`;
const declared = {
  hosts: [
    { name: "gpu-a", gpus: [{ uuid: uuid(1), model: "NVIDIA A100-SXM4-80GB", memory_mb: 81920 }, { uuid: uuid(2), model: "NVIDIA A100-SXM4-80GB", memory_mb: 81920 }] },
    { name: "gpu-b", gpus: [{ uuid: uuid(3), model: "NVIDIA L4", memory_mb: 23034 }] },
  ],
};
const adminToken = randomToken();
let kiln: RunningKiln;
let server: { backend: "pglite"; url: string; adminToken: string };
beforeAll(async () => {
  fs.writeFileSync(inventoryFile, JSON.stringify(declared));
  kiln = await startKiln({ env: { KILN_DATA_DIR: tempDir("gpu-admin"), KILN_ADMIN_TOKEN: adminToken, KILN_SPAWNER: "local", KILN_GPU_INVENTORY: inventoryFile } });
  server = { backend: "pglite", url: kiln.url, adminToken };
  expect((await call(kiln.url, "PATCH", "/api/images/python", { token: adminToken, body: { max_gpus: 3 } })).status).toBe(200);
});
afterAll(async () => kiln?.stop());

const admin = (method: string, p: string, body?: unknown) => call(kiln.url, method, p, { token: adminToken, body });

test("the inventory comes from the declared file; a start's GPU shows with its holder; usage is reported per user as JSON and CSV", async () => {
  const alice = await makeUser(server, "gpua");
  const overview = await admin("GET", "/api/gpus");
  expect(overview.status).toBe(200);
  expect(overview.body.gpus.map((g: any) => [g.host, g.uuid, g.model, g.state, g.held_by])).toEqual([
    ["gpu-a", uuid(1), "NVIDIA A100-SXM4-80GB", "available", null],
    ["gpu-a", uuid(2), "NVIDIA A100-SXM4-80GB", "available", null],
    ["gpu-b", uuid(3), "NVIDIA L4", "available", null],
  ]);
  await startServer(kiln.url, alice, "", { gpus: 2 });
  const held = (await admin("GET", "/api/gpus")).body.gpus.filter((g: any) => g.held_by === `${alice.name}/`);
  expect(held.map((g: any) => g.uuid)).toEqual([uuid(1), uuid(2)]);
  await new Promise((r) => setTimeout(r, 1200));
  expect((await call(kiln.url, "DELETE", `/hub/api/users/${alice.name}/server`, { token: alice.token })).status).toBe(204);

  const month = new Date().toISOString().slice(0, 7);
  const report = await admin("GET", `/api/gpu-usage?month=${month}`);
  expect(report.status).toBe(200);
  const mine = report.body.users.find((u: any) => u.user === alice.name);
  expect(mine.holdings).toBe(2);
  expect(mine.gpu_seconds).toBeGreaterThanOrEqual(2); // two GPUs for over a second each
  const csv = await fetch(`${kiln.url}/api/gpu-usage?month=${month}&format=csv`, { headers: { authorization: `token ${adminToken}` } });
  expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
  expect(await csv.text()).toMatch(new RegExp(`^month,kind,name,gpu_seconds,gpu_hours,holdings\\n(.*\\n)*${month},user,${alice.name},${mine.gpu_seconds},`));
  // alice reads her own usage and quota; not anyone else's
  expect((await call(kiln.url, "GET", "/api/gpu-usage", { token: alice.token })).body.users.map((u: any) => u.user)).toEqual([alice.name]);
  const bob = await makeUser(server, "gpub");
  expect((await call(kiln.url, "GET", `/api/gpu-usage?user=${alice.name}`, { token: bob.token })).status).toBe(404);
  expect((await call(kiln.url, "GET", "/api/gpu-usage", { token: bob.token })).body.users).toEqual([]);
  const q = await call(kiln.url, "GET", "/api/user/gpu-quota", { token: alice.token });
  expect(q.body).toMatchObject({ max_gpus: null, max_gpu_hours: null, gpus_held: 0 });
  expect(q.body.gpu_hours_this_month).toBeGreaterThan(0);
}, 120_000);

test("quotas: set for a user and a group, listed, enforced at start with the reason; bad input names the field and changes nothing", async () => {
  const carol = await makeUser(server, "gpuc");
  expect((await admin("PUT", `/api/gpu-quotas/user/${carol.name}`, { max_gpus: 1, max_gpu_hours: 50 })).status).toBe(200);
  const over = await call(kiln.url, "POST", `/hub/api/users/${carol.name}/server`, { token: carol.token, body: { gpus: 2 } });
  expect(over.status).toBe(403);
  expect(over.body.error).toMatchObject({ code: "quota_exceeded", field: "gpus" });
  expect(over.body.error.message).toMatch(/your quota allows 1 GPU\(s\) at once; you hold or wait for 0, and asked for 2 more/);
  expect((await call(kiln.url, "GET", "/hub/api/user", { token: carol.token })).body.servers).toEqual({});

  const negative = await admin("PUT", `/api/gpu-quotas/user/${carol.name}`, { max_gpus: -1, max_gpu_hours: 50 });
  expect(negative.status).toBe(400);
  expect(negative.body.error.field).toBe("max_gpus");
  const unknown = await admin("PUT", "/api/gpu-quotas/group/no-such-group", { max_gpus: 4, max_gpu_hours: null });
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.field).toBe("name");
  const listed = (await admin("GET", "/api/gpu-quotas")).body;
  expect(listed.quotas).toEqual([{ kind: "user", name: carol.name, max_gpus: 1, max_gpu_hours: 50 }]); // the bad ones stored nothing
  expect((await admin("DELETE", `/api/gpu-quotas/user/${carol.name}`)).status).toBe(204);
  expect((await admin("GET", "/api/gpu-quotas")).body.quotas).toEqual([]);
});

test("the queue: a waiting start is listed with its place; an admin cancels it and the start fails with the reason", async () => {
  const dan = await makeUser(server, "gpud");
  const eve = await makeUser(server, "gpue");
  await startServer(kiln.url, dan, "", { gpus: 2 }); // gpu-a's two; gpu-b has one, and a server's GPUs are on one host
  const waiting = await call(kiln.url, "POST", `/hub/api/users/${eve.name}/server`, { token: eve.token, body: { gpus: 2 } });
  expect(waiting.status).toBe(202);
  const queue = (await admin("GET", "/api/gpus")).body.queue;
  expect(queue).toEqual([expect.objectContaining({ position: 1, user: eve.name, holder: `${eve.name}/`, count: 2, user_holds: 0 })]);
  expect((await admin("PATCH", `/api/gpus/queue/${queue[0].id}`, { priority: -5 })).status).toBe(204);
  expect((await admin("GET", "/api/gpus")).body.queue[0].priority).toBe(-5);

  const progress = openEvents(`${kiln.url}/hub/api/users/${eve.name}/server/progress`, eve.token);
  expect((await admin("DELETE", `/api/gpus/queue/${queue[0].id}`)).status).toBe(204);
  const failed = await progress.until((e) => e.failed === true, 30_000);
  progress.close();
  expect(failed.message).toMatch(/cancelled/);
  expect((await admin("GET", "/api/gpus")).body.queue).toEqual([]);
  expect((await call(kiln.url, "GET", "/hub/api/user", { token: eve.token })).body.servers).toEqual({});
  expect((await admin("DELETE", `/api/gpus/queue/${queue[0].id}`)).status).toBe(404);
  await call(kiln.url, "DELETE", `/hub/api/users/${dan.name}/server`, { token: dan.token });
}, 120_000);

test("a rescan of a malformed inventory is refused naming it, and nothing allocated changes; a GPU gone from the file is marked lost", async () => {
  const fay = await makeUser(server, "gpuf");
  await startServer(kiln.url, fay, "", { gpus: 1 });
  const before = (await admin("GET", "/api/gpus")).body.gpus;
  fs.writeFileSync(inventoryFile, JSON.stringify({ hosts: [{ name: "gpu-a", gpus: [{ uuid: "not-a-gpu", model: "x", memory_mb: 1 }] }] }));
  const bad = await admin("POST", "/api/gpus/rescan");
  expect(bad.status).toBe(400);
  expect(bad.body.error.message).toMatch(/KILN_GPU_INVENTORY: hosts\.0\.gpus\.0\.uuid/);
  expect((await admin("GET", "/api/gpus")).body.gpus).toEqual(before);

  const faysGpu = before.find((g: any) => g.held_by === `${fay.name}/`).uuid;
  fs.writeFileSync(inventoryFile, JSON.stringify({ hosts: declared.hosts.map((h) => ({ ...h, gpus: h.gpus.filter((g) => g.uuid !== faysGpu) })) }));
  const rescan = await admin("POST", "/api/gpus/rescan");
  expect(rescan.body).toMatchObject({ available: 2, lost: [faysGpu] });
  expect((await admin("GET", "/api/gpus")).body.gpus.find((g: any) => g.uuid === faysGpu)).toMatchObject({ state: "lost", held_by: `${fay.name}/` });
  await call(kiln.url, "DELETE", `/hub/api/users/${fay.name}/server`, { token: fay.token });
  fs.writeFileSync(inventoryFile, JSON.stringify(declared));
  expect((await admin("POST", "/api/gpus/rescan")).body.available).toBe(3);
}, 120_000);

test("a non-admin gets 403 on every GPU admin route", async () => {
  const mallory = await makeUser(server, "gpum");
  const routes: [string, string, unknown?][] = [
    ["GET", "/api/gpus"], ["POST", "/api/gpus/rescan"], ["DELETE", "/api/gpus/queue/1"], ["PATCH", "/api/gpus/queue/1", { priority: 1 }],
    ["GET", "/api/gpu-quotas"], ["PUT", `/api/gpu-quotas/user/${mallory.name}`, { max_gpus: 100, max_gpu_hours: null }], ["DELETE", `/api/gpu-quotas/user/${mallory.name}`],
  ];
  for (const [method, p, body] of routes) expect((await call(kiln.url, method, p, { token: mallory.token, body })).status, `${method} ${p}`).toBe(403);
});
