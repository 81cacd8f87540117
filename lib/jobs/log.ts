import { EventEmitter } from "node:events";
import { StringDecoder } from "node:string_decoder";
import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "../db";
import { stepLogs } from "../db/schema";
import { logger } from "../log";

/** A step's output beyond this is dropped (said once in the log): a runaway print loop must not fill the database. */
const MAX_BYTES = 16 * 1024 * 1024;
/** Written at most this often, or sooner when this much has come. */
const FLUSH_MS = 200;
const FLUSH_BYTES = 64 * 1024;

const KEY = Symbol.for("kiln.stepLogBus");
type G = typeof globalThis & { [KEY]?: EventEmitter };
/** In this process: "a step's log grew", so a reader here need not wait for its next poll. */
export const logBus = (): EventEmitter => ((globalThis as G)[KEY] ??= new EventEmitter().setMaxListeners(0));

/**
 * A step attempt's terminal output, stored in chunks as it arrives (UTF-8 decoded across
 * chunk boundaries): the run page replays the stored chunks and follows new ones.
 */
export class StepLog {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** The last lines, for the step's error when it fails. */
  private tail = "";
  /** Bytes of the job's own output taken so far (Kiln's notes aside): kept with each chunk. */
  private sourceBytes = 0;
  /** Replayed output an adopting Kiln had stored already: skipped. */
  private skip = 0;

  /** `store`: where chunks go (a step's log by default; a sweep trial's has its own table). */
  constructor(
    db: Db,
    readonly stepRunId: number,
    readonly attempt: number,
    private readonly store: (data: string, sourceOffset: number) => Promise<unknown> = (data, sourceOffset) => db.insert(stepLogs).values({ stepRunId, attempt, data, sourceOffset }),
  ) {}

  /**
   * For an adopted job whose whole output is replayed: its first `bytes` were stored by the
   * Kiln that died (each chunk keeps the job's byte offset), so they are skipped, not doubled.
   */
  resumeAfter(bytes: number) {
    this.skip = bytes;
    this.sourceBytes = bytes;
  }

  /** The job's output, as it comes. */
  output(chunk: Buffer) {
    if (this.skip > 0) {
      const dropped = Math.min(this.skip, chunk.length);
      this.skip -= dropped;
      chunk = chunk.subarray(dropped);
      if (!chunk.length) return;
    }
    this.sourceBytes += chunk.length;
    this.write(chunk);
  }

  private write(chunk: Buffer | string) {
    const text = typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    if (!text) return;
    this.tail = (this.tail + text).slice(-4000);
    if (this.bytes >= MAX_BYTES) return;
    this.bytes += Buffer.byteLength(text);
    this.pending += this.bytes >= MAX_BYTES ? `${text}\r\n[kiln: the log stops here: a step's log is kept up to ${MAX_BYTES / 1024 / 1024} MB]\r\n` : text;
    if (this.pending.length >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** A line of Kiln's own (retrying, timed out), shown in the log as the step's output is. */
  note(line: string) {
    this.write(`\r\n\x1b[36m[kiln] ${line}\x1b[0m\r\n`);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const data = this.pending;
    const offset = this.sourceBytes; // what the job had written when this chunk was cut
    this.pending = "";
    if (data)
      this.writing = this.writing
        .then(() => this.store(data, offset))
        .then(() => void logBus().emit(String(this.stepRunId)))
        .catch((e) => logger().warn({ err: e, stepRun: this.stepRunId }, "could not store a step's log"));
    return this.writing;
  }

  async close(): Promise<void> {
    this.write(this.decoder.end());
    await this.flush();
  }

  /** The last non-empty line, without terminal colours: a failed step's error (its exception, most often). */
  lastLine(): string {
    // eslint-disable-next-line no-control-regex
    const plain = this.tail.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
    return plain.at(-1)?.slice(0, 500) ?? "";
  }
}

/** The stored chunks of a step run after `after` (a chunk id), oldest first. */
export async function readStepLog(db: Db, stepRunId: number, after = 0, limit = 500) {
  return db
    .select({ id: stepLogs.id, attempt: stepLogs.attempt, data: stepLogs.data })
    .from(stepLogs)
    .where(and(eq(stepLogs.stepRunId, stepRunId), gt(stepLogs.id, after)))
    .orderBy(asc(stepLogs.id))
    .limit(limit);
}
