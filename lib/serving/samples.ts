import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Ctx } from "../auth/principal";
import { getConfig } from "../config";
import { getDb } from "../db";
import type { Db } from "../db";
import { endpoints, users } from "../db/schema";
import { commitUpload } from "../datasets/uploads/commit";
import { putUploadFile } from "../datasets/uploads/put-file";
import { startUpload } from "../datasets/uploads/start";
import { logger } from "../log";
import { refreshEndpoint } from "./live";
import { describeEndpoint, requireEndpoint } from "./manage";

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

/** At most this many samples per endpoint per second are kept; the rest are not (load must not grow the disk without bound). */
const MAX_PER_SECOND = 1000;

const dirOf = (endpointId: number) => path.join(getConfig().dataDir, "samples", String(endpointId));
const today = () => new Date().toISOString().slice(0, 10);

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

async function* fileBytes(file: string) {
  yield* fs.createReadStream(file);
}

/** One day's file as the next version of the owner's `<endpoint>-requests` dataset; the file goes once committed. */
async function commitDay(db: Db, endpointId: number, day: string): Promise<{ dataset: string; version: number; samples: number } | null> {
  const file = path.join(dirOf(endpointId), `${day}.jsonl`);
  if (!fs.existsSync(file)) return null;
  const [e] = await db.select({ e: endpoints, owner: users }).from(endpoints).innerJoin(users, eq(users.id, endpoints.ownerId)).where(eq(endpoints.id, endpointId));
  if (!e) {
    fs.rmSync(file, { force: true }); // the endpoint was deleted
    return null;
  }
  const ctx: Ctx = { db, actor: { kind: "user", user: e.owner, via: "token" } };
  const ref = `${e.e.name}-requests`.slice(0, 100);
  const samples = (await fs.promises.readFile(file, "utf8")).split("\n").filter(Boolean).length;
  const upload = await startUpload({ ctx, input: { ref, runId: null, body: { message: `Requests to endpoint ${e.e.name} sampled on ${day} (${samples})` } } });
  await putUploadFile({ ctx, input: { ref, uploadId: upload.upload_id, path: `${day}.jsonl`, bytes: fileBytes(file) } });
  const version = await commitUpload({ ctx, input: { ref, uploadId: upload.upload_id, runId: null } });
  fs.rmSync(file, { force: true });
  return { dataset: ref, version: (version as { version: number }).version, samples };
}

/** Days before today not committed yet (a Kiln that was down at midnight catches up). */
export async function commitFinishedDays(): Promise<void> {
  await flushSamples();
  const root = path.join(getConfig().dataDir, "samples");
  if (!fs.existsSync(root)) return;
  const db = await getDb();
  for (const id of fs.readdirSync(root)) {
    for (const f of fs.readdirSync(path.join(root, id))) {
      const day = f.replace(/\.jsonl$/, "");
      if (day < today()) await commitDay(db, Number(id), day).catch((err) => logger().warn({ err, endpoint: id, day }, "samples: commit failed"));
    }
  }
}

export function startSampleCommits(): { stop: () => void } {
  const timer = setInterval(() => void commitFinishedDays().catch((err) => logger().warn({ err }, "samples: commit failed")), 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** POST /api/endpoints/{name}/samples: the day so far becomes a version now. */
export async function commitSamplesNow({ ctx, input }: { ctx: Ctx; input: { name: string } }) {
  const row = await requireEndpoint(ctx, input.name);
  await flushSamples();
  return (await commitDay(ctx.db, row.id, today())) ?? { dataset: `${row.name}-requests`, version: null, samples: 0 };
}

export async function setSampleRate({ ctx, input }: { ctx: Ctx; input: { name: string; rate: number } }) {
  const row = await requireEndpoint(ctx, input.name);
  const [fresh] = await ctx.db.update(endpoints).set({ sampleRate: input.rate }).where(eq(endpoints.id, row.id)).returning();
  await refreshEndpoint(row.name);
  return describeEndpoint(ctx, fresh!);
}
