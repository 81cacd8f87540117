import fs from "node:fs";
import path from "node:path";
import { getConfig } from "../config";

/**
 * Service data feeds learning: an endpoint with a sample rate keeps that share of its
 * requests, with their answers and the version that gave them, as JSON lines in a file per
 * UTC day under KILN_DATA_DIR/samples/<endpoint id>/ (appended once a second, so a restart
 * loses at most that second). A finished day becomes a version of the owner's dataset
 * `<endpoint>-requests` (file `<day>.jsonl`); the owner can also commit the day so far.
 */
const KEY = Symbol.for("kiln.servingSamples");
type Pending = Map<number, string[]>;
type G = typeof globalThis & { [KEY]?: { pending: Pending; timer: NodeJS.Timeout | null } };
const state = () => ((globalThis as G)[KEY] ??= { pending: new Map(), timer: null });

/**
 * At most this many samples per endpoint per second are kept by each serving process; the
 * rest are not (load must not grow the disk without bound). The processes append to the
 * same file, each its second's lines in one write (O_APPEND: whole lines, never interleaved).
 */
const MAX_PER_SECOND = 1000;

export const dirOf = (endpointId: number) => path.join(getConfig().dataDir, "samples", String(endpointId));
export const today = () => new Date().toISOString().slice(0, 10);

export function maybeSample(endpoint: { id: number; sampleRate: number }, entry: () => Record<string, unknown>) {
  if (endpoint.sampleRate <= 0 || Math.random() >= endpoint.sampleRate) return;
  const s = state();
  const list = s.pending.get(endpoint.id) ?? [];
  if (list.length >= MAX_PER_SECOND) return;
  list.push(JSON.stringify({ at: new Date().toISOString(), ...entry() }));
  s.pending.set(endpoint.id, list);
  s.timer ??= setTimeout(() => void flushSamples(), 1000);
}

/** Appends what is pending to each endpoint's file of the day. */
export async function flushSamples(): Promise<void> {
  const s = state();
  s.timer = null;
  const batches = [...s.pending];
  s.pending.clear();
  for (const [id, lines] of batches) {
    const dir = dirOf(id);
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    await fs.promises.appendFile(path.join(dir, `${today()}.jsonl`), lines.join("\n") + "\n", { mode: 0o600 });
  }
}

