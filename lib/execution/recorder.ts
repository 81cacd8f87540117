import { sql } from "drizzle-orm";
import { getDb, rowsOf } from "../db";
import { executions } from "../db/schema";
import { logger } from "../log";
import { BatchTimer } from "./batch-timer";

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

  /** Writes everything pending; resolves once every change recorded so far is stored. */
  settle(): Promise<void> {
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
      // One bad row (its notebook deleted meanwhile) must not cost the others theirs.
      for (const r of rows) await upsert(db, [r]).catch((e) => logger().warn({ err: e, execution: r.id }, "could not store an execution"));
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
