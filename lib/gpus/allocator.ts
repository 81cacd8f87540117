import { EventEmitter } from "node:events";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { type Db, rowsOf } from "../db";
import { gpuAllocations, gpuRequests, gpus } from "../db/schema";
import { ConflictError, QuotaExceededError, ValidationError } from "../errors";
import { effectiveQuota, gpuHoursThisMonth, gpusHeld } from "./quotas";

/**
 * Kiln's GPU allocator: exclusive assignment of GPU uuids to holders, in the database.
 *
 * Every decision (grant, queue, release) runs in one transaction under one advisory lock, so
 * concurrent requests, also from several Kiln processes on one PostgreSQL, are serialised
 * and a GPU can never be handed to two holders. A holder is a kind and an id (a server
 * today; a pipeline step, a sweep trial, an endpoint later). Requests that cannot be served
 * now wait in `gpu_requests` (surviving restarts) and are served in fair order as GPUs free:
 * the waiting user holding the fewest GPUs first, then the admin's priority, then the
 * oldest request. The head of that order is served first even if a smaller request behind
 * it would fit (no backfill), so a request for several GPUs is never starved by single ones.
 */
export type HolderKind = "server" | "step" | "trial" | "endpoint";
export interface Holder {
  kind: HolderKind;
  id: string;
}

export interface GpuAsk {
  holder: Holder;
  userId: number;
  count: number;
  image?: string | null;
  /** false: refuse (409) instead of queueing when the GPUs are not free now. */
  wait: boolean;
}

export type GpuAnswer = { state: "granted"; uuids: string[] } | { state: "queued"; position: number; of: number };

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

const LOCK = sql`select pg_advisory_xact_lock(hashtext('kiln.gpus'))`;

/** Holders granted or moved in the queue: waiters in this process are told at once. */
export const gpuEvents = new EventEmitter().setMaxListeners(0);
const key = (h: { kind: string; id: string }) => `${h.kind}:${h.id}`;

/** Grants `count` GPUs to the holder now, or queues the request (or refuses it: over quota, `wait: false`). */
export async function requestGpus(db: Db, ask: GpuAsk): Promise<GpuAnswer> {
  if (!Number.isInteger(ask.count) || ask.count < 0) throw new ValidationError("gpus: a whole number of GPUs, 0 or more", "gpus");
  if (ask.count === 0) return { state: "granted", uuids: [] };
  const granted: Holder[] = [];
  const answer = await db.transaction(async (tx) => {
    await tx.execute(LOCK);
    const mine = await held(tx, ask.holder);
    if (mine.length) return { state: "granted" as const, uuids: mine };
    // (one query: the instance's GPUs, and the most any one host has)
    const [sizes] = rowsOf<{ total: number; most: number }>(
      await tx.execute(sql`select coalesce(sum(n), 0)::int as total, coalesce(max(n), 0)::int as most from (select count(*) as n from ${gpus} where ${gpus.state} = 'available' group by ${gpus.host}) per_host`),
    );
    const total = Number(sizes?.total ?? 0);
    const most = Number(sizes?.most ?? 0);
    if (ask.count > total) throw new ValidationError(`gpus: ${ask.count} asked, but this instance has ${total === 0 ? "no GPUs" : `${total} in all`}`, "gpus");
    if (ask.count > most) throw new ValidationError(`gpus: ${ask.count} asked, but no host has more than ${most} (a server's GPUs are on one host)`, "gpus");
    const existing = await tx.select().from(gpuRequests).where(and(eq(gpuRequests.holderKind, ask.holder.kind), eq(gpuRequests.holderId, ask.holder.id)));
    if (!existing.length) {
      await checkQuota(tx as unknown as Db, ask.userId, ask.count);
      await tx.insert(gpuRequests).values({ holderKind: ask.holder.kind, holderId: ask.holder.id, userId: ask.userId, count: ask.count, image: ask.image ?? null });
    }
    granted.push(...(await serveQueue(tx)));
    await notify(tx, granted);
    const now = await held(tx, ask.holder);
    if (now.length) return { state: "granted" as const, uuids: now };
    const where = await positionOf(tx, ask.holder);
    if (!ask.wait) {
      await tx.delete(gpuRequests).where(and(eq(gpuRequests.holderKind, ask.holder.kind), eq(gpuRequests.holderId, ask.holder.id)));
      const [{ free } = { free: 0 }] = await tx.select({ free: sql<number>`count(*)::int` }).from(gpus).where(and(eq(gpus.state, "available"), isNull(gpus.holderKind)));
      throw new ConflictError(`gpus: ${ask.count} asked, ${free} of ${total} free${where.of > 1 ? ` and ${where.of - 1} request(s) waiting` : ""}; ask with "wait": true to queue`, "gpus");
    }
    return { state: "queued" as const, ...where };
  });
  announce(granted);
  return answer;
}

/** Frees the holder's GPUs (stop, cull, crash, failed spawn) and leaves its queue entry; the queue moves. */
export async function releaseGpus(db: Db, holder: Holder, reason: string): Promise<void> {
  const granted = await db.transaction(async (tx) => {
    await tx.execute(LOCK);
    await tx.delete(gpuRequests).where(and(eq(gpuRequests.holderKind, holder.kind), eq(gpuRequests.holderId, holder.id)));
    await tx
      .update(gpuAllocations)
      .set({ endedAt: sql`now()`, endReason: reason })
      .where(and(eq(gpuAllocations.holderKind, holder.kind), eq(gpuAllocations.holderId, holder.id), isNull(gpuAllocations.endedAt)));
    await tx
      .update(gpus)
      .set({ holderKind: null, holderId: null, holderUserId: null, heldSince: null, allocationId: null })
      .where(and(eq(gpus.holderKind, holder.kind), eq(gpus.holderId, holder.id)));
    const served = await serveQueue(tx);
    await notify(tx, served, true);
    return served;
  });
  announce(granted);
  gpuEvents.emit("queue");
}

/** The GPUs a holder has now. */
export async function heldBy(db: Db, holder: Holder): Promise<string[]> {
  return held(db as unknown as Tx, holder);
}

/** Where a waiting holder is in the fair order (1-based), and how many wait; null when it is not waiting. */
export async function queuePosition(db: Db, holder: Holder): Promise<{ position: number; of: number } | null> {
  const p = await positionOf(db as unknown as Tx, holder);
  return p.position ? p : null;
}

async function held(tx: Tx, holder: Holder): Promise<string[]> {
  const rows = await tx.select({ uuid: gpus.uuid }).from(gpus).where(and(eq(gpus.holderKind, holder.kind), eq(gpus.holderId, holder.id))).orderBy(asc(gpus.host), asc(gpus.index));
  return rows.map((r) => r.uuid);
}

/** A new request must fit the user's quota, counting what they hold and what they already wait for. */
async function checkQuota(db: Db, userId: number, count: number) {
  const q = await effectiveQuota(db, userId);
  if (q.maxGpus !== null) {
    const holding = await gpusHeld(db, userId);
    const [{ waiting } = { waiting: 0 }] = await db.select({ waiting: sql<number>`coalesce(sum(${gpuRequests.count}), 0)::int` }).from(gpuRequests).where(eq(gpuRequests.userId, userId));
    const using = holding + Number(waiting);
    if (using + count > q.maxGpus)
      throw new QuotaExceededError(`gpus: ${q.source} allows ${q.maxGpus} GPU(s) at once; you hold or wait for ${using}, and asked for ${count} more`, "gpus");
  }
  if (q.maxGpuHours !== null) {
    const used = await gpuHoursThisMonth(db, userId);
    if (used >= q.maxGpuHours)
      throw new QuotaExceededError(`gpus: ${q.source} allows ${q.maxGpuHours} GPU-hours a month; ${used.toFixed(2)} used this month (UTC)`, "gpus");
  }
}

/** GPUs held per user, joined to each waiting request: the first key of the fair order. */
const HELD = sql`(select ${gpus.holderUserId} as user_id, count(*)::int as n from ${gpus} where ${gpus.holderUserId} is not null group by ${gpus.holderUserId})`;
const FAIR = sql`coalesce(h.n, 0), ${gpuRequests.priority}, ${gpuRequests.createdAt}, ${gpuRequests.id}`;

/** The whole queue in the order it is served, with what each user holds (the Admin page's view). */
export async function queueInOrder(db: Db) {
  const rows = await db.execute(sql`
    select ${gpuRequests.id} as id, ${gpuRequests.holderKind} as holder_kind, ${gpuRequests.holderId} as holder_id, ${gpuRequests.userId} as user_id,
           ${gpuRequests.count} as count, ${gpuRequests.priority} as priority, ${gpuRequests.createdAt} as created_at, coalesce(h.n, 0)::int as held
    from ${gpuRequests} left join ${HELD} h on h.user_id = ${gpuRequests.userId}
    order by ${FAIR}`);
  return rowsOf<{ id: number; holder_kind: string; holder_id: string; user_id: number; count: number; priority: number; created_at: string | Date; held: number }>(rows);
}

/** The head of the fair order: the request served next. */
async function headOfQueue(tx: Tx) {
  const rows = await tx.execute(sql`
    select ${gpuRequests.id} as id, ${gpuRequests.holderKind} as holder_kind, ${gpuRequests.holderId} as holder_id,
           ${gpuRequests.userId} as user_id, ${gpuRequests.count} as count, ${gpuRequests.image} as image
    from ${gpuRequests} left join ${HELD} h on h.user_id = ${gpuRequests.userId}
    order by ${FAIR} limit 1`);
  const r = rowsOf<{ id: number; holder_kind: string; holder_id: string; user_id: number; count: number; image: string | null }>(rows)[0];
  return r ? { id: Number(r.id), holderKind: r.holder_kind, holderId: r.holder_id, userId: Number(r.user_id), count: Number(r.count), image: r.image } : null;
}

/**
 * A holder's place in the fair order (1-based; 0 when it is not waiting) and how many wait:
 * counted (the requests that rank before it), not sorted, so a long queue costs one scan.
 */
async function positionOf(tx: Tx, holder: Holder): Promise<{ position: number; of: number }> {
  const rows = await tx.execute(sql`
    with h as ${HELD},
    me as (
      select r.id, r.priority, r.created_at, coalesce(h.n, 0) as held
      from ${gpuRequests} r left join h on h.user_id = r.user_id
      where r.holder_kind = ${holder.kind} and r.holder_id = ${holder.id}
    )
    select
      (select count(*) from ${gpuRequests} r left join h on h.user_id = r.user_id, me
        where (coalesce(h.n, 0), r.priority, r.created_at, r.id) < (me.held, me.priority, me.created_at, me.id))::int + 1 as place,
      (select count(*) from ${gpuRequests})::int as total,
      (select count(*) from me)::int as waiting`);
  const r = rowsOf<{ place: number; total: number; waiting: number }>(rows)[0]!;
  return Number(r.waiting) ? { position: Number(r.place), of: Number(r.total) } : { position: 0, of: Number(r.total) };
}

/** Grants free GPUs to the head of the fair order while it fits; returns who got some. Inside the lock. */
async function serveQueue(tx: Tx): Promise<Holder[]> {
  const granted: Holder[] = [];
  for (;;) {
    // Nothing free (the common case with a queue): no need to rank the queue at all.
    const [{ n } = { n: 0 }] = await tx.select({ n: sql<number>`count(*)::int` }).from(gpus).where(and(eq(gpus.state, "available"), isNull(gpus.holderKind)));
    if (Number(n) === 0) break;
    const head = await headOfQueue(tx);
    if (!head) break;
    // A holder's GPUs are on one host (a container cannot span two): the first host with
    // enough free, by name; none with enough yet and the head waits.
    const [host] = await tx
      .select({ host: gpus.host })
      .from(gpus)
      .where(and(eq(gpus.state, "available"), isNull(gpus.holderKind)))
      .groupBy(gpus.host)
      .having(sql`count(*) >= ${head.count}`)
      .orderBy(asc(gpus.host))
      .limit(1);
    if (!host) break;
    const free = await tx
      .select()
      .from(gpus)
      .where(and(eq(gpus.state, "available"), isNull(gpus.holderKind), eq(gpus.host, host.host)))
      .orderBy(asc(gpus.index))
      .limit(head.count);
    const quota = await effectiveQuota(tx as unknown as Db, head.userId);
    for (const g of free) {
      const [a] = await tx
        .insert(gpuAllocations)
        .values({
          gpuUuid: g.uuid, model: g.model, host: g.host, holderKind: head.holderKind, holderId: head.holderId, userId: head.userId,
          groupId: quota.groupId, image: head.image, startedAt: sql`now()` as unknown as Date,
        })
        .returning({ id: gpuAllocations.id });
      await tx
        .update(gpus)
        .set({ holderKind: head.holderKind, holderId: head.holderId, holderUserId: head.userId, heldSince: sql`now()` as unknown as Date, allocationId: a!.id })
        .where(eq(gpus.uuid, g.uuid));
    }
    await tx.delete(gpuRequests).where(eq(gpuRequests.id, head.id));
    granted.push({ kind: head.holderKind as HolderKind, id: head.holderId });
  }
  return granted;
}

/**
 * Tells other Kiln processes on the same PostgreSQL (LISTEN kiln_gpus, lib/gpus/listen.ts),
 * delivered when the transaction commits: a waiter there hears its grant at once.
 */
async function notify(tx: Tx, granted: Holder[], queueMoved = false) {
  for (const h of granted) await tx.execute(sql`select pg_notify('kiln_gpus', ${key(h)})`);
  if (queueMoved || granted.length) await tx.execute(sql`select pg_notify('kiln_gpus', 'queue')`);
}

function announce(granted: Holder[]) {
  for (const h of granted) gpuEvents.emit(key(h));
  if (granted.length) gpuEvents.emit("queue");
}

/** Resolves when the holder has its GPUs; `moved` hears its place in the queue as it changes. */
export function waitForGpus(db: Db, holder: Holder, moved: (p: { position: number; of: number }) => void, signal?: AbortSignal): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let done = false;
    // Another Kiln process may grant it: a slow poll covers that; this process's grants are heard at once.
    const poll = setInterval(() => void check(), 1000);
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearInterval(poll);
      gpuEvents.off(key(holder), onEvent);
      gpuEvents.off("queue", onEvent);
      signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const check = async () => {
      try {
        const uuids = await heldBy(db, holder);
        if (uuids.length) return finish(() => resolve(uuids));
        const p = await queuePosition(db, holder);
        if (!p) {
          // granted between the two reads, or really cancelled
          const late = await heldBy(db, holder);
          if (late.length) return finish(() => resolve(late));
          return finish(() => reject(new ConflictError("The request for GPUs was cancelled", "gpus")));
        }
        moved(p);
      } catch (e) {
        finish(() => reject(e));
      }
    };
    const onEvent = () => void check();
    const onAbort = () => finish(() => reject(signal!.reason ?? new Error("aborted")));
    gpuEvents.on(key(holder), onEvent);
    gpuEvents.on("queue", onEvent);
    signal?.addEventListener("abort", onAbort);
    void check();
  });
}
