import { eq } from "drizzle-orm";
import { getDb } from "../db";
import { notebooks } from "../db/schema";
import { logger } from "../log";
import { BatchTimer } from "./batch-timer";
import type { SessionObserver } from "./observer";
import type { FinishedExecution, LiveExecution } from "./session-types";

const storageFailure = (e: unknown) => ({
  output_type: "stream", name: "stderr", text: `[Kiln could not store this cell's outputs: ${(e as Error).message.split("\n")[0]}]\n`,
});

export interface FinishedCell {
  executionId: number;
  cellId: string;
  outputs: unknown[];
  executionCount: number | null;
}

/** A burst of executions (run all, a loop of small cells) is written at most this often... */
const MAX_WAIT_MS = 1000;
/** ...and once it has been quiet this long. */
const QUIET_MS = 50;
/** A cell not yet in the stored notebook waits this long for the save that brings it. */
const UNPLACED_MS = 10 * 60_000;

/**
 * The observer that writes finished cells' outputs into the stored notebook, batched per
 * notebook. Rewriting the whole document once per execution made "run all" on a large
 * notebook quadratic and put a read-modify-write of the document on every cell's path; the
 * execution record (the `executions` row) is written at once, and views see these cells
 * meanwhile through `unwritten`.
 */
export class CellWriter implements SessionObserver {
  private pending = new Map<string, FinishedCell>();
  /** Taken by the write in progress. */
  private inFlight = new Map<string, FinishedCell>();
  /**
   * Cells that ran before the save that stores them landed (the editor sends an execution
   * at once and saves beside it): kept until the next save of the notebook (`retryUnplaced`).
   */
  private unplaced = new Map<string, { cell: FinishedCell; at: number }>();
  private readonly timer = new BatchTimer(QUIET_MS, MAX_WAIT_MS, () => void this.flush());
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly notebookId: number) {}

  finished(exec: LiveExecution, result: FinishedExecution) {
    this.add({ executionId: exec.id, cellId: exec.cellId, outputs: result.outputs, executionCount: result.executionCount });
  }

  saved() {
    this.retryUnplaced();
  }

  settle(): Promise<void> {
    return this.flush();
  }

  /** The cell's last finished execution while it is not yet in the stored notebook (a view loaded meanwhile shows it). */
  unwritten(cellId: string): FinishedCell | undefined {
    return this.pending.get(cellId) ?? this.inFlight.get(cellId) ?? this.unplaced.get(cellId)?.cell;
  }

  get holdsAny(): boolean {
    return this.pending.size + this.inFlight.size + this.unplaced.size > 0;
  }

  add(cell: FinishedCell) {
    this.unplaced.delete(cell.cellId);
    this.pending.set(cell.cellId, cell);
    this.timer.touch();
  }

  /** The notebook was saved: cells it did not hold before may be there now. */
  retryUnplaced() {
    if (this.unplaced.size === 0) return;
    for (const [id, { cell }] of this.unplaced) if (!this.pending.has(id)) this.pending.set(id, cell);
    this.unplaced.clear();
    void this.flush();
  }

  /** Writes what is pending now; resolves once everything added so far is stored. */
  flush(): Promise<void> {
    this.timer.cancel();
    if (this.pending.size === 0) return this.writing;
    const cells = [...this.pending.values()];
    this.pending = new Map();
    // Held as in flight from now, also while an earlier write is still going: views see them.
    for (const c of cells) this.inFlight.set(c.cellId, c);
    this.writing = this.writing.then(() => this.write(cells));
    return this.writing;
  }

  private async write(cells: FinishedCell[]) {
    let missing = new Set<string>();
    try {
      missing = await this.store(this.notebookId, cells).catch(async (e) => {
        // One cell that cannot be stored must not cost the others theirs: one at a time, and
        // a cell that still fails keeps a note of why in place of its outputs.
        logger().warn({ err: e, notebook: this.notebookId }, "could not store a batch of cells' outputs; storing them one by one");
        for (const c of cells) {
          await this.store(this.notebookId, [c]).catch((e2) =>
            this.store(this.notebookId, [{ ...c, outputs: [storageFailure(e2)] }]).catch((e3) =>
              logger().error({ err: e3, notebook: this.notebookId, cell: c.cellId }, "could not store a cell's outputs in the notebook"),
            ),
          );
        }
        return new Set<string>();
      });
    } finally {
      const now = Date.now();
      // (writes run in order: a later execution's cell, placed, supersedes an earlier one left unplaced)
      for (const c of cells) {
        if (this.inFlight.get(c.cellId) === c) this.inFlight.delete(c.cellId);
        if (!missing.has(c.cellId)) this.unplaced.delete(c.cellId);
        else if (!this.pending.has(c.cellId)) this.unplaced.set(c.cellId, { cell: c, at: now });
      }
      // Views read an unplaced cell's outputs from `unwritten` meanwhile; not for ever.
      for (const [id, u] of this.unplaced) if (now - u.at > UNPLACED_MS) this.unplaced.delete(id);
    }
  }

  /** Stores the cells' outputs in the notebook; answers the ids of cells it does not hold (yet). */
  private async store(notebookId: number, cells: FinishedCell[]): Promise<Set<string>> {
    const byId = new Map(cells.map((c) => [c.cellId, c]));
    const db = await getDb();
    return db.transaction(async (tx) => {
      const [nb] = await tx.select({ content: notebooks.content }).from(notebooks).where(eq(notebooks.id, notebookId)).for("update");
      if (!nb) return new Set<string>();
      const held = new Set(nb.content.cells.map((c) => c.id));
      // metadata.kiln.execution_id: the record these outputs came from (the page links a truncated output's full text to it)
      const next = nb.content.cells.map((c) => {
        const done = byId.get(c.id);
        if (!done || c.cell_type !== "code") return c;
        return { ...c, outputs: done.outputs, execution_count: done.executionCount, metadata: { ...c.metadata, kiln: { execution_id: done.executionId } } };
      });
      await tx.update(notebooks).set({ content: { ...nb.content, cells: next } }).where(eq(notebooks.id, notebookId));
      return new Set([...byId.keys()].filter((id) => !held.has(id)));
    });
  }
}
