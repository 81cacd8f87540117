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
import { dirOf, today } from "./sample-log";
import { servingProcess } from "./process/parent";
import { describeEndpoint, requireEndpoint } from "./manage";

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
  await servingProcess().flushSamples().catch(() => undefined); // a serving process that is restarting is not waited for
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
  await servingProcess().flushSamples(); // what it kept so far reaches the file first
  return (await commitDay(ctx.db, row.id, today())) ?? { dataset: `${row.name}-requests`, version: null, samples: 0 };
}

export async function setSampleRate({ ctx, input }: { ctx: Ctx; input: { name: string; rate: number } }) {
  const row = await requireEndpoint(ctx, input.name);
  const [fresh] = await ctx.db.update(endpoints).set({ sampleRate: input.rate }).where(eq(endpoints.id, row.id)).returning();
  await refreshEndpoint(row.name);
  return describeEndpoint(ctx, { ...row, ...fresh! });
}
