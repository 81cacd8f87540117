import type { ModelSignature } from "../db/schema";
import type { Feeds } from "./requests";
import type { FlatTensor, ModelRunner } from "./sessions";
import { type FlatInput, toTensor } from "./tensors";

type Outputs = Record<string, FlatTensor>;
interface Waiting {
  feeds: Feeds;
  /** The shapes past the first dimension: only requests that agree can be joined. */
  key: string;
  resolve: (o: { outputs: Outputs; batch: number }) => void;
  reject: (e: unknown) => void;
}

const free = (d: number | string | null | undefined) => d === null || typeof d === "string";

/**
 * Dynamic batching for one model version. A model at rest runs a request at once (no
 * added latency when traffic is light); requests that arrive while it runs wait, and the
 * next run takes as many of them as fit in `maxBatch` rows, joined along the first
 * dimension, then splits the outputs back. `maxWaitMs` > 0 makes a model at rest wait that
 * long for company first. Models whose inputs or outputs have a fixed first dimension are
 * never joined.
 */
export class Batcher {
  private queue: Waiting[] = [];
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Immediate | null = null;
  readonly joinable: boolean;

  constructor(
    private readonly session: ModelRunner,
    signature: ModelSignature,
    public maxBatch: number,
    public maxWaitMs: number,
    /** The model and version it runs, as metrics name them. */
    readonly label: { model: string; version: number } = { model: "", version: 0 },
  ) {
    this.joinable = signature.inputs.every((i) => free(i.shape[0])) && signature.outputs.every((o) => o.shape.length > 0 && free(o.shape[0]));
  }

  /** When a request last came (epoch ms): versions nobody routes to are unloaded once idle long enough. */
  lastUsed = Date.now();

  /** Nothing waiting, nothing running. */
  get idle(): boolean {
    return !this.running && !this.timer && !this.soon && this.queue.length === 0;
  }

  run(feeds: Feeds): Promise<{ outputs: Outputs; batch: number }> {
    this.lastUsed = Date.now();
    return new Promise((resolve, reject) => {
      const key = feeds.key ?? Object.entries(feeds.inputs).map(([n, i]) => `${n}:${i.dims.slice(1).join("x")}`).join("|");
      this.queue.push({ feeds, key, resolve, reject });
      this.kick();
    });
  }

  private kick() {
    if (this.running || this.timer || this.soon || !this.queue.length) return;
    // the rows waiting are summed only when a wait is configured: it walks the whole queue, per request
    if (this.maxWaitMs > 0 && this.joinable && this.queue.reduce((n, w) => n + w.feeds.rows, 0) < this.maxBatch) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.next();
      }, this.maxWaitMs);
      return;
    }
    // Right after this turn of the event loop, not now: the requests read in the same turn
    // join this run instead of waiting for the next (onnxruntime-node defers to the same
    // point anyway, so a request alone waits no longer).
    this.soon = setImmediate(() => {
      this.soon = null;
      void this.next();
    });
  }

  private take(): Waiting[] {
    const head = this.queue.shift()!;
    const taken = [head];
    if (!this.joinable || head.feeds.rows <= 0) return taken;
    let rows = head.feeds.rows;
    // one pass: hundreds may wait, and splicing each one out would move the rest every time
    const rest: Waiting[] = [];
    for (const w of this.queue) {
      if (rows < this.maxBatch && w.key === head.key && w.feeds.rows > 0 && rows + w.feeds.rows <= this.maxBatch) {
        taken.push(w);
        rows += w.feeds.rows;
      } else rest.push(w);
    }
    this.queue = rest;
    return taken;
  }

  private async next() {
    if (this.running || !this.queue.length) return;
    this.running = true;
    const batch = this.take();
    try {
      const outputs = await this.session.run(joinFeeds(batch.map((w) => w.feeds)));
      if (batch.length === 1) batch[0]!.resolve({ outputs, batch: 1 });
      // the batch's size is told to its first request only, so a batch is counted once
      else splitOutputs(outputs, batch.map((w) => w.feeds.rows)).forEach((o, i) => batch[i]!.resolve({ outputs: o, batch: i === 0 ? batch.length : 0 }));
    } catch (e) {
      // one bad request must not fail the others it was joined with: run them alone
      if (batch.length > 1) for (const w of batch.reverse()) this.queue.unshift({ ...w, feeds: { ...w.feeds, rows: -1 } });
      else batch[0]!.reject(e);
    } finally {
      this.running = false;
      this.kick();
    }
  }
}

/** Typed arrays a joined input is written into (set() takes typed and plain arrays alike; booleans become 0 and 1). */
const JOINED: Record<string, new (n: number) => { set(a: ArrayLike<unknown>, at: number): void }> = {
  float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array, bool: Uint8Array,
};

function joinFeeds(all: Feeds[]): Record<string, FlatTensor> {
  const out: Record<string, FlatTensor> = {};
  for (const name of Object.keys(all[0]!.inputs)) {
    const first = all[0]!.inputs[name]!;
    if (all.length === 1) {
      out[name] = toTensor(first);
      continue;
    }
    let rows = 0;
    let values = 0;
    for (const f of all) {
      rows += f.inputs[name]!.dims[0]!;
      values += f.inputs[name]!.data.length;
    }
    const dims = [rows, ...first.dims.slice(1)];
    const Typed = JOINED[first.type];
    if (!Typed) {
      out[name] = toTensor({ type: first.type, data: ([] as unknown[]).concat(...all.map((f) => f.inputs[name]!.data as unknown[])) as FlatInput["data"], dims });
      continue;
    }
    // one copy, straight into the tensor's array: no joined plain array to convert after
    const data = new Typed(values);
    let at = 0;
    for (const f of all) {
      const part = f.inputs[name]!.data;
      data.set(part as ArrayLike<unknown>, at);
      at += part.length;
    }
    out[name] = { type: first.type, data: data as unknown as FlatTensor["data"], dims };
  }
  return out;
}

/** Each request's rows of every output (views, no copies of numeric data). */
function splitOutputs(outputs: Outputs, rows: number[]): Outputs[] {
  const total = rows.reduce((a, b) => a + b, 0);
  const result: Outputs[] = rows.map(() => ({}));
  for (const [name, t] of Object.entries(outputs)) {
    const dims = t.dims as number[];
    const stride = dims.slice(1).reduce((a, b) => a * b, 1);
    if (dims[0] !== total) throw new Error(`output ${name} has ${dims[0]} rows for ${total} asked`);
    let at = 0;
    rows.forEach((n, i) => {
      const data = t.data as unknown as { subarray?: (a: number, b: number) => unknown; slice: (a: number, b: number) => unknown };
      const part = data.subarray ? data.subarray(at * stride, (at + n) * stride) : data.slice(at * stride, (at + n) * stride);
      result[i]![name] = { type: t.type, data: part as FlatTensor["data"], dims: [n, ...dims.slice(1)] };
      at += n;
    });
  }
  return result;
}
