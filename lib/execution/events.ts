import { EventEmitter } from "node:events";
import type { NotebookEventOf } from "./channel-protocol";

/** What a view receives (the channel's protocol, one source for server and page: channel-protocol.ts). */
export type NotebookEvent = NotebookEventOf<Output>;

export type Output = Record<string, unknown> & { output_type: string };

export interface Sequenced {
  id: number;
  event: NotebookEvent;
}

/** Per notebook: the recent events (for Last-Event-ID resumes) and the live subscribers. */
interface Channel {
  log: Sequenced[];
  bus: EventEmitter;
  /** Stream text waiting to be sent: a flood of small prints becomes a few events. */
  pending: NotebookEvent[];
  timer: NodeJS.Timeout | null;
  lastFlush: number;
}

const KEEP_EVENTS = 20_000;
const FLUSH_MS = 40;
const KEY = Symbol.for("kiln.notebookEvents");
type G = typeof globalThis & { [KEY]?: { seq: number; channels: Map<number, Channel> } };
// Ids start from the clock, in microseconds: a browser resuming with an id from before a Kiln
// restart, or from another replica that held the notebook before, is behind the new ones,
// never ahead of them (it then gets a reset, not silence).
const clockSeq = () => Date.now() * 1000;
const store = () => ((globalThis as G)[KEY] ??= { seq: clockSeq(), channels: new Map() });

function channel(notebookId: number): Channel {
  const s = store();
  let c = s.channels.get(notebookId);
  if (!c) s.channels.set(notebookId, (c = { log: [], bus: new EventEmitter().setMaxListeners(0), pending: [], timer: null, lastFlush: 0 }));
  return c;
}

/** Consecutive stream outputs of one execution and stream name merge, as nbformat stores them. */
function coalesce(events: NotebookEvent[]): NotebookEvent[] {
  const out: NotebookEvent[] = [];
  for (const e of events) {
    const last = out.at(-1);
    if (
      e.type === "output" && last?.type === "output" && e.output.output_type === "stream" && last.output.output_type === "stream" &&
      last.execution_id === e.execution_id && last.output.name === e.output.name
    ) {
      out[out.length - 1] = { ...last, output: { ...last.output, text: String(last.output.text) + String(e.output.text) } };
    } else out.push(e);
  }
  return out;
}

function flush(notebookId: number) {
  const c = channel(notebookId);
  c.timer = null;
  c.lastFlush = performance.now();
  const s = store();
  for (const event of coalesce(c.pending.splice(0))) {
    const item = { id: ++s.seq, event };
    c.log.push(item);
    c.bus.emit("event", item);
  }
  if (c.log.length > KEEP_EVENTS) c.log.splice(0, c.log.length - KEEP_EVENTS);
}

/**
 * Queues an event; they go out in order. Stream text is what floods: while it keeps coming
 * it goes out at most every 40 ms, merged. Anything else (a cell finished, the kernel's state)
 * goes out at once, taking the text queued before it along.
 */
export function publish(notebookId: number, event: NotebookEvent) {
  const c = channel(notebookId);
  c.pending.push(event);
  const text = event.type === "output" && event.output.output_type === "stream";
  const wait = text ? c.lastFlush + FLUSH_MS - performance.now() : 0;
  if (wait <= 0) {
    if (c.timer) clearTimeout(c.timer);
    c.timer = null;
    flush(notebookId);
  } else c.timer ??= setTimeout(() => flush(notebookId), wait);
}

/**
 * This process has just taken the notebook over from another replica: what it kept from an
 * earlier turn is stale, and every id from now on is above those the other one gave out, so
 * a view resuming from one of them is reset and replayed in full (lib/notebook-sessions/owner.ts).
 */
export function restartLog(notebookId: number) {
  const s = store();
  s.seq = Math.max(s.seq, clockSeq());
  const c = s.channels.get(notebookId);
  if (c) c.log = [];
}

/**
 * Subscribes from `after` (a Last-Event-ID): the events since then first. Without one, or
 * when the log no longer reaches back that far, `replay` decides what a fresh view needs.
 */
export function subscribe(
  notebookId: number,
  after: number | null,
  replay: (log: Sequenced[]) => Sequenced[],
  fn: (e: Sequenced) => void,
): () => void {
  const c = channel(notebookId);
  const first = c.log[0]?.id ?? store().seq + 1;
  const backlog = after === null ? replay(c.log) : after + 1 >= first ? c.log.filter((e) => e.id > after) : [{ id: store().seq, event: { type: "reset" } as const }, ...replay(c.log)];
  for (const e of backlog) fn(e);
  const listener = (e: Sequenced) => fn(e);
  c.bus.on("event", listener);
  return () => c.bus.off("event", listener);
}
