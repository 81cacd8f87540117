import { getDb } from "../db";
import type { SessionRun } from "../execution/observer";
import type { KernelTarget } from "../execution/session-types";
import { logger } from "../log";
import { beginInteractiveRun, endRun } from "../runs/lifecycle";

/**
 * The run a notebook's kernel session is (lib/runs): each life of the kernel's process is
 * one. A restart or a death ends it and the fresh process is the next run; a closed
 * connection (the server stopped) ends it.
 */
export class InteractiveRun implements SessionRun {
  private run: Promise<number>;

  constructor(private readonly of: { notebookId: number; userId: number; kernelId: string; target: KernelTarget }, runId: number) {
    this.run = Promise.resolve(runId);
  }

  current(): Promise<number> {
    return this.run;
  }

  /** Resolves once the ended run is recorded (and the next one begun), failed or not. */
  kernelEnded(how: "restarted" | "died" | "disconnected"): Promise<void> {
    if (how === "disconnected") return this.run.then(async (id) => endRun(await getDb(), id, "finished")).then(() => undefined, () => undefined);
    const [ending, why] = how === "died" ? (["failed", "The kernel died (it exited, or ran out of memory)"] as const) : (["finished", null] as const);
    this.run = this.run.then(async (id) => {
      const db = await getDb();
      await endRun(db, id, ending, why);
      return beginInteractiveRun(db, this.of);
    });
    return this.run.then(
      () => undefined,
      (e) => logger().error({ err: e, notebook: this.of.notebookId }, "could not record the next run"),
    );
  }
}
