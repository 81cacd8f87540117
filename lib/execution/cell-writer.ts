import { eq } from "drizzle-orm";
import { getDb } from "../db";
import { notebooks } from "../db/schema";
import { logger } from "../log";
import { BatchTimer } from "./batch-timer";

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

/**
 * Writes finished cells' outputs into the stored notebook, batched per notebook. Rewriting
 * the whole document once per execution made "run all" on a large notebook quadratic and
 * put a read-modify-write of the document on every cell's path; the execution record
 * (the `executions` row) is written at once, and views see these cells meanwhile through
 * the session's `persisting` map.
 */
export class CellWriter {
  private pending = new Map<string, FinishedCell>();
  private readonly timer = new BatchTimer(QUIET_MS, MAX_WAIT_MS, () => void this.flush());
  private writing: Promise<void> = Promise.resolve();

  /** notebookId null: nothing to write (a whole-notebook run keeps its own output notebook). */
  constructor(private readonly notebookId: number | null, private readonly written: (cells: FinishedCell[]) => void) {}

  add(cell: FinishedCell) {
    if (this.notebookId === null) return this.written([cell]);
    this.pending.set(cell.cellId, cell);
    this.timer.touch();
  }

  /** Writes what is pending now; resolves once everything added so far is stored. */
  flush(): Promise<void> {
    this.timer.cancel();
    if (this.pending.size === 0) return this.writing;
    const cells = [...this.pending.values()];
    this.pending = new Map();
    this.writing = this.writing.then(() => this.write(cells));
    return this.writing;
  }

  private async write(cells: FinishedCell[]) {
    if (this.notebookId === null) return;
    try {
      await this.store(this.notebookId, cells).catch(async (e) => {
        // One cell that cannot be stored must not cost the others theirs: one at a time, and
        // a cell that still fails keeps a note of why in place of its outputs.
        logger().warn({ err: e, notebook: this.notebookId }, "could not store a batch of cells' outputs; storing them one by one");
        for (const c of cells) {
          await this.store(this.notebookId!, [c]).catch((e2) =>
            this.store(this.notebookId!, [{ ...c, outputs: [storageFailure(e2)] }]).catch((e3) =>
              logger().error({ err: e3, notebook: this.notebookId, cell: c.cellId }, "could not store a cell's outputs in the notebook"),
            ),
          );
        }
      });
    } finally {
      this.written(cells);
    }
  }

  private async store(notebookId: number, cells: FinishedCell[]) {
    const byId = new Map(cells.map((c) => [c.cellId, c]));
    const db = await getDb();
    await db.transaction(async (tx) => {
      const [nb] = await tx.select({ content: notebooks.content }).from(notebooks).where(eq(notebooks.id, notebookId)).for("update");
      if (!nb) return;
      // metadata.kiln.execution_id: the record these outputs came from (the page links a truncated output's full text to it)
      const next = nb.content.cells.map((c) => {
        const done = byId.get(c.id);
        if (!done || c.cell_type !== "code") return c;
        return { ...c, outputs: done.outputs, execution_count: done.executionCount, metadata: { ...c.metadata, kiln: { execution_id: done.executionId } } };
      });
      await tx.update(notebooks).set({ content: { ...nb.content, cells: next } }).where(eq(notebooks.id, notebookId));
    });
  }
}
