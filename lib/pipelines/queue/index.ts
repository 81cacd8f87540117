import PgBoss from "pg-boss";
import type { Database } from "../../db/types";
import { logger } from "../../log";
import { pgBossDb } from "./pg-boss-db";

/** pg-boss's tables live in a schema of their own in Kiln's database. */
export const QUEUE_SCHEMA = "pgboss";

export interface QueueJob<T> {
  id: string;
  name: string;
  data: T;
}

export interface WorkOptions {
  /** Jobs fetched at once (and handed to the handler together). */
  batchSize?: number;
  /** How often an idle worker asks for new jobs; a job this process sends wakes its own workers at once (a delayed one when it is due). */
  pollingIntervalSeconds?: number;
}

/**
 * Kiln's job queue: pg-boss (retries with backoff, expiry, cron with time zones, exactly-once
 * fetching with SKIP LOCKED, several processes on one PostgreSQL) over Kiln's own database,
 * on PostgreSQL and on the embedded PGlite through the same code.
 *
 * pg-boss's worker waits its polling interval after every fetch, full or not; Kiln's work()
 * fetches again at once after a full batch (more may be waiting), and send() wakes this
 * process's workers of that queue, so a job this process makes ready starts at once (one
 * sent with a start time, at that time).
 */
export class Queue {
  private readonly workers = new Map<string, Set<string>>();

  private constructor(readonly boss: PgBoss) {}

  static async open(database: Database, options: { schedule?: boolean; supervise?: boolean } = {}): Promise<Queue> {
    const boss = new PgBoss({
      db: pgBossDb(database) as unknown as PgBoss.Db,
      schema: QUEUE_SCHEMA,
      // pg-boss's own cron (a worker polling its send-it queue every few seconds, a clock-skew
      // check): Kiln's schedules are its own (lib/pipelines/runs/schedules.ts), so it is off.
      schedule: options.schedule ?? false,
      supervise: options.supervise ?? true,
      migrate: true,
    });
    boss.on("error", (e) => logger().warn({ err: e }, "job queue"));
    await boss.start();
    return new Queue(boss);
  }

  /** Creates the queue unless it exists (the same options every time: pg-boss keeps the first). */
  async ensure(name: string, options: Omit<PgBoss.Queue, "name"> = {}): Promise<void> {
    if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name, { name, ...options }).catch(async (e) => {
      if (!(await this.boss.getQueue(name))) throw e; // another process created it meanwhile: fine
    });
  }

  async send<T extends object>(name: string, data: T, options: PgBoss.SendOptions = {}): Promise<string | null> {
    const id = await this.boss.send(name, data, options);
    const wake = () => {
      for (const w of this.workers.get(name) ?? []) this.boss.notifyWorker(w);
    };
    // A job held back (a retry's backoff) wakes the workers when its time comes, not at their
    // next poll (10 ms on, so the fetch finds it due rather than a hair early).
    const delayMs = options.startAfter instanceof Date ? options.startAfter.getTime() - Date.now() : 0;
    if (delayMs > 0) setTimeout(wake, delayMs + 10).unref();
    else wake();
    return id;
  }

  async work<T extends object>(name: string, options: WorkOptions, handler: (jobs: QueueJob<T>[]) => Promise<void>): Promise<string> {
    const batchSize = options.batchSize ?? 1;
    let id = "";
    id = await this.boss.work<T>(name, { batchSize, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async (jobs) => {
      await handler(jobs);
      if (jobs.length === batchSize) this.boss.notifyWorker(id); // more may be waiting: no pause
    });
    let set = this.workers.get(name);
    if (!set) this.workers.set(name, (set = new Set()));
    set.add(id);
    return id;
  }

  async stop(): Promise<void> {
    this.workers.clear();
    await this.boss.stop({ graceful: true, close: false, wait: true, timeout: 10_000 });
  }
}
