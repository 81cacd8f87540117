import { type NotebookEvent, publish } from "./events";
import { logger } from "../log";
import type { SessionObserver } from "./observer";
import { recorder } from "./recorder";
import type { LiveExecution } from "./session-types";

/**
 * The observer that publishes a session's events to a notebook's open views, in order, some
 * of them only once stored. An output of a cell that has
 * run for a while is published after the execution recorder has written it: whatever a user
 * saw survives Kiln being killed the next instant (a short cell's outputs go out at once, its
 * end follows within milliseconds). Events behind a stored one wait for it, so a view never
 * sees them out of order.
 */
export class OrderedPublisher implements SessionObserver {
  private chain: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly notebookId: number) {}

  /** An execution that has run a while (`durable`) has its events published once its row is written. */
  event(event: NotebookEvent, exec: LiveExecution | undefined) {
    if (exec?.durable) this.stored(event);
    else this.now(event);
  }

  now(event: NotebookEvent) {
    if (this.waiting === 0) publish(this.notebookId, event);
    else this.after(Promise.resolve(), event);
  }

  stored(event: NotebookEvent) {
    this.after(recorder().durable(), event);
  }

  private after(written: Promise<void>, event: NotebookEvent) {
    this.waiting++;
    // A write that failed is the recorder's to report; the event still goes out, in its place.
    this.chain = Promise.all([this.chain, written.catch(() => {})]).then(() => {
      this.waiting--;
      // Never reject: one failed publication must not hold back every later event.
      try {
        publish(this.notebookId, event);
      } catch (e) {
        logger().warn({ err: e }, "could not publish a notebook event");
      }
    });
  }
}
