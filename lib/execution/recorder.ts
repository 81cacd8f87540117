import { sql } from "drizzle-orm";
import { getDb, rowsOf } from "../db";
import { executions } from "../db/schema";
import { logger } from "../log";
import { BatchTimer } from "./batch-timer";
import type { SessionObserver } from "./observer";

type Row = typeof executions.$inferInsert & { id: number };

/** Pending rows are written at most this long after they change... */
const MAX_WAIT_MS = 200;
/** ...or once changes have paused this long. */
const QUIET_MS = 20;
const RESERVE = 64;

/**
 * The executions table, written off every cell's path. Ids come from the table's own
 * sequence, reserved in blocks, so an execution has its id the moment it is sent; its row
 * (queued, running, finished: whatever it is by then) is upserted with the others pending
 * in one statement a few times a second. Measured on the embedded PGlite, an INSERT and an
 * UPDATE per cell cost ~2 ms of the event loop, a third of a small cell's round trip.
 * Readers that need the rows as they are now call `settle()` first.
 */
class ExecutionRecorder {
  private ids: number[] = [];
  private refilling: Promise<void> | null = null;
  private pending = new Map<number, Row>();
  private readonly timer = new BatchTimer(QUIET_MS, MAX_WAIT_MS, () => void this.settle());
  private writing: Promise<void> = Promise.resolve();
  private nextDurable: Promise<void> | null = null;
  /** Called as a batch is taken: sessions record their running cells' outputs as they are now. */
  private readonly beforeWrite = new Set<() => void>();

  /** An id for a new execution: at once, unless the reserve ran dry. */
  async reserveId(): Promise<number> {
    if (this.ids.length < RESERVE / 4) this.refilling ??= this.refill().finally(() => (this.refilling = null));
    while (this.ids.length === 0) await this.refilling;
    return this.ids.shift()!;
  }

  private async refill() {
    const db = await getDb();
    const r = await db.execute(sql`select nextval(pg_get_serial_sequence('executions', 'id'))::int as id from generate_series(1, ${RESERVE})`);
    this.ids.push(...rowsOf<{ id: number }>(r).map((x) => Number(x.id)));
  }

  /** A new row, or changes to one: merged with what is still pending for that id. */
  record(row: Row) {
    const prev = this.pending.get(row.id);
    this.pending.set(row.id, prev ? { ...prev, ...row } : row);
    this.timer.touch();
  }

  onBeforeWrite(hook: () => void): () => void {
    this.beforeWrite.add(hook);
    return () => this.beforeWrite.delete(hook);
  }

  /**
   * Resolves once what was recorded before the call is stored, writing as soon as the write
   * in flight (if any) is done; callers meanwhile share that next write. What a user has seen
   * of a long-running cell is stored first (lib/execution/session.ts): a Kiln killed at any
   * moment has lost nothing it showed.
   */
  durable(): Promise<void> {
    return (this.nextDurable ??= this.writing.then(() => {
      this.nextDurable = null;
      return this.settle();
    }));
  }

  /** Writes everything pending; resolves once every change recorded so far is stored. */
  settle(): Promise<void> {
    for (const hook of this.beforeWrite) hook();
    this.timer.cancel();
    if (this.pending.size === 0) return this.writing;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    this.writing = this.writing.then(() => this.write(rows));
    return this.writing;
  }

  private async write(rows: Row[]) {
    const db = await getDb();
    try {
      await upsert(db, rows);
    } catch {
      // One bad row must not cost the others theirs; and a row that cannot be stored as it
      // is still ends, with the reason, rather than staying "running" for ever.
      for (const r of rows) {
        await upsert(db, [r]).catch(async (e) => {
          logger().warn({ err: e, execution: r.id }, "could not store an execution; storing its failure instead");
          const reason = `Kiln could not store this cell's outputs: ${(e as Error).message.split("\n")[0]}`;
          await upsert(db, [{ ...r, status: "error", outputs: [], error: { ename: "KilnStorageError", evalue: reason }, endedAt: r.endedAt ?? new Date() }])
            .catch((e2) => logger().error({ err: e2, execution: r.id }, "could not store an execution at all (its notebook is gone?)"));
        });
      }
    }
  }
}

function upsert(db: Awaited<ReturnType<typeof getDb>>, rows: Row[]) {
  return db
    .insert(executions)
    .values(rows)
    .onConflictDoUpdate({
      target: executions.id,
      set: {
        status: sql`excluded.status`, outputs: sql`excluded.outputs`, executionCount: sql`excluded.execution_count`,
        error: sql`excluded.error`, startedAt: sql`excluded.started_at`, endedAt: sql`excluded.ended_at`,
      },
    });
}

const KEY = Symbol.for("kiln.executionRecorder");
type G = typeof globalThis & { [KEY]?: ExecutionRecorder };
export const recorder = (): ExecutionRecorder => ((globalThis as G)[KEY] ??= new ExecutionRecorder());
export type ExecutionRecord = Row;

/** The observer that keeps a session's executions in the executions table (every kind of execution has it). */
export const executionRows: SessionObserver = { record: (r) => recorder().record(r), settle: () => recorder().settle() };
