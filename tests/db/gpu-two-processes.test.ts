import { spawn } from "node:child_process";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openDatabase } from "../../lib/db/open";
import { gpuAllocations, gpus, users } from "../../lib/db/schema";
import type { Database } from "../../lib/db/types";
import { heldBy, releaseGpus, requestGpus } from "../../lib/gpus/allocator";
import { listenForGpuEvents } from "../../lib/gpus/listen";
import { reconcileInventory } from "../../lib/gpus/reconcile";
import { ROOT } from "../helpers/kiln";
import { createTempDatabase, dropDatabase } from "../helpers/pg";

// Two Kiln processes on one PostgreSQL ask for 4 GPUs at once, 10 requests each: the
// advisory lock serialises them, so no GPU is ever held twice; the other process's queued
// requests are granted as this one releases (NOTIFY wakes its waiters).
let tmp: { name: string; url: string };
let database: Database;
beforeAll(async () => {
  tmp = await createTempDatabase("gpu2p");
  database = await openDatabase({ kind: "postgres", url: tmp.url });
  await listenForGpuEvents(database);
  await reconcileInventory(database.db, [{ host: "h", gpus: [0, 1, 2, 3].map((i) => ({ uuid: `GPU-0000000${i}-aaaa-bbbb-cccc-dddddddddddd`, index: i, model: "NVIDIA A100", memoryMb: 81920 })) }]);
});
afterAll(async () => {
  await database?.close();
  if (tmp) await dropDatabase(tmp.name);
});

test("20 requests from two processes for 4 GPUs: at most 4 held, none twice, and the other process's waiters are served as GPUs free", async () => {
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) ids.push((await database.db.insert(users).values({ name: `twoproc-${i}` }).returning({ id: users.id }))[0]!.id);
  const other = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "tests/helpers/gpu-client.ts"), tmp.url, "other", Array.from({ length: 10 }, (_, i) => ids[i % 5]).join(",")], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const lines: any[] = [];
  let buf = "";
  other.stdout!.on("data", (d) => {
    buf += d;
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) (lines.push(JSON.parse(buf.slice(0, i))), (buf = buf.slice(i + 1)));
  });
  const exited = new Promise<number>((r) => other.on("exit", (c) => r(c ?? 1)));
  const mine = await Promise.all(
    Array.from({ length: 10 }, (_, i) => requestGpus(database.db, { holder: { kind: "server", id: `mine-${i}` }, userId: ids[(i + 2) % 5]!, count: 1, wait: true })),
  );
  // wait until the other process has answered all 10
  for (let t = Date.now(); lines.length < 10; ) {
    if (Date.now() - t > 60_000) throw new Error(`the other process answered ${lines.length} of 10`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const grantedNow = [...mine.filter((a) => a.state === "granted"), ...lines.filter((l) => l.state === "granted")];
  expect(grantedNow.length).toBe(4);
  // release every holder, in turns, until everyone (both processes) has been served once
  for (let round = 0; round < 30; round++) {
    const holders = await database.db.selectDistinct({ kind: gpus.holderKind, id: gpus.holderId }).from(gpus).where(sql`${gpus.holderKind} is not null`);
    const [{ n } = { n: 0 }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(gpus).where(sql`${gpus.holderKind} is not null`);
    expect(Number(n)).toBeLessThanOrEqual(4);
    if (!holders.length) break;
    for (const h of holders) {
      // the other process's holder is released only once it has heard of its grant (a stop that
      // came first would, rightly, read to its waiter as a cancel)
      for (let t = Date.now(); h.id!.startsWith("other-") && !lines.some((l) => l.holder === h.id && l.state !== "queued"); ) {
        if (Date.now() - t > 30_000) throw new Error(`${h.id} never heard of its grant`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await releaseGpus(database.db, { kind: "server", id: h.id! }, "test");
    }
  }
  expect(await exited).toBe(0); // each of its queued requests was granted later, and it heard of it
  expect(lines.filter((l) => l.state === "queued").length).toBe(lines.filter((l) => l.state === "granted-later").length);
  for (let i = 0; i < 10; i++) expect(await heldBy(database.db, { kind: "server", id: `mine-${i}` })).toEqual([]);
  const history = await database.db.select().from(gpuAllocations).orderBy(gpuAllocations.startedAt);
  expect(history).toHaveLength(20);
  for (const g of ["0", "1", "2", "3"]) {
    const spans = history.filter((r) => r.gpuUuid.startsWith(`GPU-0000000${g}`)).map((r) => [r.startedAt.getTime(), r.endedAt!.getTime()] as const);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
  }
}, 120_000);
