import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { gpuAllocations, gpuQuotas, groupMembers, groups, gpus, users } from "../../lib/db/schema";
import type { Database } from "../../lib/db/types";
import { type Holder, heldBy, queuePosition, releaseGpus, requestGpus } from "../../lib/gpus/allocator";
import { parseNvidiaSmi, readDeclaredInventory, reconcileInventory } from "../../lib/gpus/reconcile";
import { backends } from "./backends";

// The GPU allocator on both databases: a declared inventory of 4 GPUs on 2 hosts, users
// asking at once, quotas, accounting. On PostgreSQL a second connection (as a second Kiln
// process has) asks beside the first: one advisory lock serialises them.
const uuid = (i: number) => `GPU-${String(i).padStart(8, "0")}-aaaa-bbbb-cccc-${String(i).padStart(12, "0")}`;
const inventory = [
  { host: "gpu-a", gpus: [0, 1].map((i) => ({ uuid: uuid(i), index: i, model: "NVIDIA A100-SXM4-80GB", memoryMb: 81920 })) },
  { host: "gpu-b", gpus: [2, 3].map((i) => ({ uuid: uuid(i), index: i - 2, model: "NVIDIA H100 80GB HBM3", memoryMb: 81559 })) },
];
const server = (id: string | number): Holder => ({ kind: "server", id: String(id) });

describe.each(backends)("GPU allocation on $name", (backend) => {
  let database: Database;
  let second: Database;
  let dispose: () => Promise<void>;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    let reopen: () => Promise<Database>;
    ({ database, dispose, reopen } = await backend.fresh());
    second = backend.name === "postgres" ? await reopen() : database;
    for (const name of ["u1", "u2", "u3", "u4", "u5", "quota", "member"]) {
      const [u] = await database.db.insert(users).values({ name }).returning();
      ids[name] = u!.id;
    }
    await reconcileInventory(database.db, inventory);
  });
  afterAll(async () => {
    if (second !== database) await second.close();
    await dispose();
  });

  test("20 requests at once from 5 users for 4 GPUs: never one GPU twice, never more than 4 held, the rest queued and served in fair order", async () => {
    const asks = Array.from({ length: 20 }, (_, i) => ({ user: `u${(i % 5) + 1}`, holder: server(`burst-${i}`) }));
    const answers = await Promise.all(
      asks.map((a, i) => requestGpus((i % 2 ? second : database).db, { holder: a.holder, userId: ids[a.user]!, count: 1, wait: true })),
    );
    const granted = answers.flatMap((a, i) => (a.state === "granted" ? [{ ...asks[i]!, uuid: a.uuids[0]! }] : []));
    expect(granted.length).toBe(4);
    expect(new Set(granted.map((g) => g.uuid)).size).toBe(4);
    const queued = answers.filter((a) => a.state === "queued");
    expect(queued.length).toBe(16);
    // each was told a place when it asked; as the queue stands now, the places are 1..16 of 16
    expect(queued.every((a) => a.state === "queued" && a.position >= 1 && a.position <= a.of)).toBe(true);
    const places = [];
    for (const a of asks) {
      const p = await queuePosition(database.db, a.holder);
      if (p) places.push(p);
    }
    expect(places.map((p) => p.position).sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(places.every((p) => p.of === 16)).toBe(true);

    // release one at a time: each freed GPU goes to the waiting user holding the fewest
    const holding = granted.map((g) => asks.find((a) => a.holder === g.holder)!);
    for (let round = 0; round < 16; round++) {
      const waiting: typeof asks = [];
      for (const a of asks) if (await queuePosition(database.db, a.holder)) waiting.push(a);
      const released = holding.shift()!;
      const heldPerUser = new Map<string, number>();
      for (const a of holding) heldPerUser.set(a.user, (heldPerUser.get(a.user) ?? 0) + 1);
      await releaseGpus(database.db, released.holder, "stopped");
      const served = [];
      for (const a of waiting) if ((await heldBy(database.db, a.holder)).length) served.push(a);
      expect(served, `round ${round}`).toHaveLength(1);
      const fewest = Math.min(...waiting.map((a) => heldPerUser.get(a.user) ?? 0));
      expect(heldPerUser.get(served[0]!.user) ?? 0, `round ${round}`).toBe(fewest);
      holding.push(served[0]!);
      const [{ n } = { n: 0 }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(gpus).where(sql`${gpus.holderKind} is not null`);
      expect(Number(n)).toBe(4);
    }
    for (const a of holding) await releaseGpus(database.db, a.holder, "stopped");

    // the history never holds one GPU twice at a time
    const history = await database.db.select().from(gpuAllocations).orderBy(gpuAllocations.startedAt);
    for (const g of inventory.flatMap((h) => h.gpus)) {
      const spans = history.filter((r) => r.gpuUuid === g.uuid).map((r) => [r.startedAt.getTime(), r.endedAt!.getTime()] as const);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    }
    expect(history.length).toBe(20);
  }, 60_000);

  test("6 requests at once from one user whose quota is 2 GPUs, from two connections: 2 accepted (held or queued), 4 refused naming the quota", async () => {
    const [u] = await database.db.insert(users).values({ name: "capped" }).returning();
    await database.db.insert(gpuQuotas).values({ subjectKind: "user", subjectId: u!.id, maxGpus: 2, maxGpuHours: null });
    const asks = Array.from({ length: 6 }, (_, i) => server(`capped-${i}`));
    const answers = await Promise.allSettled(asks.map((h, i) => requestGpus((i % 2 ? second : database).db, { holder: h, userId: u!.id, count: 1, wait: true })));
    expect(answers.filter((a) => a.status === "fulfilled")).toHaveLength(2);
    for (const a of answers.filter((x) => x.status === "rejected"))
      expect((a as PromiseRejectedResult).reason).toMatchObject({ status: 403, code: "quota_exceeded", message: expect.stringMatching(/allows 2 GPU\(s\) at once; you hold or wait for 2/) });
    const held = (await Promise.all(asks.map((h) => heldBy(database.db, h)))).flat();
    expect(held.length).toBeLessThanOrEqual(2);
    for (const h of asks) await releaseGpus(database.db, h, "stopped");
  });

  test('"wait": false is refused at once with the reason, and nothing held changes', async () => {
    const hold = Array.from({ length: 4 }, (_, i) => server(`full-${i}`));
    for (const [i, h] of hold.entries()) expect((await requestGpus(database.db, { holder: h, userId: ids[`u${i + 1}`]!, count: 1, wait: true })).state).toBe("granted");
    await expect(requestGpus(database.db, { holder: server("nowait"), userId: ids.u5!, count: 1, wait: false })).rejects.toMatchObject({ status: 409, field: "gpus", message: expect.stringMatching(/1 asked, 0 of 4 free/) });
    expect(await queuePosition(database.db, server("nowait"))).toBeNull();
    await expect(requestGpus(database.db, { holder: server("toomany"), userId: ids.u5!, count: 5, wait: true })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/4 in all/) });
    for (const h of hold) expect(await heldBy(database.db, h)).toHaveLength(1);
    for (const h of hold) await releaseGpus(database.db, h, "stopped");
  });

  test("a user over the month's GPU-hours is refused with the quota, the use and the limit; a group's larger quota lets a member through", async () => {
    await database.db.insert(gpuQuotas).values({ subjectKind: "user", subjectId: ids.quota!, maxGpus: 2, maxGpuHours: 10 });
    // 12 GPU-hours used this month already: one holding of 12 h from the month's first moment (UTC)
    const month = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
    await database.db.insert(gpuAllocations).values({ gpuUuid: uuid(0), model: "m", host: "gpu-a", holderKind: "server", holderId: "old", userId: ids.quota!, startedAt: month, endedAt: new Date(month.getTime() + 12 * 3600_000) });
    const refused = requestGpus(database.db, { holder: server("q1"), userId: ids.quota!, count: 1, wait: true });
    await expect(refused).rejects.toMatchObject({ status: 403, code: "quota_exceeded", message: expect.stringMatching(/your quota allows 10 GPU-hours a month; 12\.00 used/) });

    const [g] = await database.db.insert(groups).values({ name: "vision" }).returning();
    await database.db.insert(groupMembers).values({ groupId: g!.id, userId: ids.quota! });
    await database.db.insert(gpuQuotas).values({ subjectKind: "group", subjectId: g!.id, maxGpus: 1, maxGpuHours: 500 });
    const ok = await requestGpus(database.db, { holder: server("q2"), userId: ids.quota!, count: 1, wait: true });
    expect(ok.state).toBe("granted");
    const [row] = await database.db.select().from(gpuAllocations).where(eq(gpuAllocations.holderId, "q2"));
    expect(row!.groupId).toBe(g!.id); // charged to the group whose quota let it through
    // GPUs at once: the user's own 2 is wider than the group's 1
    expect((await requestGpus(database.db, { holder: server("q3"), userId: ids.quota!, count: 1, wait: true })).state).toBe("granted");
    await expect(requestGpus(database.db, { holder: server("q4"), userId: ids.quota!, count: 1, wait: true })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/allows 2 GPU\(s\) at once; you hold or wait for 2/) });
    for (const h of ["q2", "q3"]) await releaseGpus(database.db, server(h), "stopped");
  });

  test("GPU-seconds are the holder's real lifetime (within 1 s)", async () => {
    const t0 = Date.now();
    await requestGpus(database.db, { holder: server("timed"), userId: ids.u1!, count: 2, wait: true });
    await new Promise((r) => setTimeout(r, 1500));
    await releaseGpus(database.db, server("timed"), "stopped");
    const lifetime = (Date.now() - t0) / 1000;
    const rows = await database.db.select().from(gpuAllocations).where(eq(gpuAllocations.holderId, "timed"));
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(Math.abs((r.endedAt!.getTime() - r.startedAt.getTime()) / 1000 - lifetime)).toBeLessThan(1);
  });

  test("a holder's GPUs are on one host: two asked, with one free on the first host and two on the second, come from the second", async () => {
    // gpu-a: 0, 1; gpu-b: 2, 3. One held on gpu-a.
    expect(await requestGpus(database.db, { holder: server("ha"), userId: ids.u1!, count: 1, wait: true })).toEqual({ state: "granted", uuids: [uuid(0)] });
    expect(await requestGpus(database.db, { holder: server("pair"), userId: ids.u3!, count: 2, wait: true })).toEqual({ state: "granted", uuids: [uuid(2), uuid(3)] });
    await expect(requestGpus(database.db, { holder: server("three"), userId: ids.u4!, count: 3, wait: true })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/no host has more than 2/) });
    for (const h of ["ha", "pair"]) await releaseGpus(database.db, server(h), "stopped");
  });

  test("a GPU that disappears is marked lost and never handed to another holder; seen again, it is available", async () => {
    expect((await requestGpus(database.db, { holder: server("keeps"), userId: ids.u2!, count: 1, wait: true })).state).toBe("granted");
    const mine = (await heldBy(database.db, server("keeps")))[0]!;
    const without = inventory.map((h) => ({ ...h, gpus: h.gpus.filter((g) => g.uuid !== mine) }));
    expect((await reconcileInventory(database.db, without)).lost).toEqual([mine]);
    await releaseGpus(database.db, server("keeps"), "stopped");
    // 3 left: a request for 4 is more than the instance has
    await expect(requestGpus(database.db, { holder: server("four"), userId: ids.u3!, count: 4, wait: true })).rejects.toMatchObject({ status: 400 });
    const got = await requestGpus(database.db, { holder: server("three"), userId: ids.u3!, count: 2, wait: true });
    expect(got.state === "granted" && got.uuids).not.toContain(mine);
    await releaseGpus(database.db, server("three"), "stopped");
    expect((await reconcileInventory(database.db, inventory)).available).toBe(4);
  });
});

test("nvidia-smi's real output is read, names with spaces included; garbage is an error naming the line", () => {
  const out = "0, GPU-11111111-2222-3333-4444-555555555555, NVIDIA A100-SXM4-80GB, 81920\n1, GPU-66666666-7777-8888-9999-000000000000, Tesla V100-PCIE-16GB, 16384\n";
  expect(parseNvidiaSmi(out, "h").gpus).toEqual([
    { index: 0, uuid: "GPU-11111111-2222-3333-4444-555555555555", model: "NVIDIA A100-SXM4-80GB", memoryMb: 81920 },
    { index: 1, uuid: "GPU-66666666-7777-8888-9999-000000000000", model: "Tesla V100-PCIE-16GB", memoryMb: 16384 },
  ]);
  expect(() => parseNvidiaSmi(`${out}NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver`, "h")).toThrow(/line 3/);
});

test("a malformed declared inventory is refused naming the field", async () => {
  const fs = await import("node:fs");
  const path = await import("node:path");
  const os = await import("node:os");
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "inv-")), "gpus.json");
  fs.writeFileSync(file, JSON.stringify({ hosts: [{ name: "a", gpus: [{ uuid: "GPU-12345678-aaaa", model: "A100", memory_mb: -1 }] }] }));
  expect(() => readDeclaredInventory(file)).toThrow(/hosts\.0\.gpus\.0\.memory_mb/);
  fs.writeFileSync(file, "{");
  expect(() => readDeclaredInventory(file)).toThrow(/not readable JSON/);
  fs.writeFileSync(file, JSON.stringify({ hosts: [{ name: "a", gpus: [{ uuid: "GPU-12345678-aaaa", model: "A100", memory_mb: 1 }] }] }));
  expect(readDeclaredInventory(file)).toEqual([{ host: "a", gpus: [{ uuid: "GPU-12345678-aaaa", index: 0, model: "A100", memoryMb: 1 }] }]);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});
