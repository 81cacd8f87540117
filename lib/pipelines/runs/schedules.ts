import cronParser from "cron-parser";
import { and, asc, eq, isNotNull, lte, min } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../../auth/principal";
import { findDataset } from "../../datasets/access";
import type { Db } from "../../db";
import { datasets, type DatasetVersionRow, pipelineRuns, pipelineSchedules, pipelineStepRuns, type ScheduleRow, users } from "../../db/schema";
import { NotFoundError, ValidationError } from "../../errors";
import { logger } from "../../log";
import { requirePipeline } from "../manage";
import { schedulesChanged } from "./schedule-clock";
import { beginRun } from "./start";

export const scheduleBody = z.union([
  z.object({
    cron: z.string().min(1).max(200).describe("Five fields (minute hour day month weekday), or six with seconds first"),
    timezone: z.string().min(1).max(100).default("UTC").describe("An IANA time zone: Europe/Paris, America/New_York, UTC"),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
    paused: z.boolean().default(false),
  }).strict(),
  z.object({
    dataset: z.string().min(1).max(201).describe("Each new version of it that passes its checks starts a run with that version"),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
    paused: z.boolean().default(false),
  }).strict(),
]);

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The first tick of `cron` in `tz` after `after`; a bad expression or zone is a 400 naming it. */
export function nextTick(cron: string, tz: string, after = new Date()): Date {
  if (!validZone(tz)) throw new ValidationError(`Unknown time zone "${tz}" (an IANA name such as Europe/Paris)`, "timezone");
  const fields = cron.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) throw new ValidationError(`"${cron}" is not a cron expression: 5 fields (minute hour day month weekday), or 6 with seconds first`, "cron");
  try {
    return cronParser.parseExpression(cron, { tz, currentDate: after }).next().toDate();
  } catch (e) {
    throw new ValidationError(`"${cron}" is not a cron expression: ${(e as Error).message}`, "cron");
  }
}

function model(s: ScheduleRow, dataset?: string) {
  return {
    id: s.id, pipeline_id: s.pipelineId, kind: s.kind, cron: s.cron, timezone: s.timezone, dataset: dataset ?? null, dataset_id: s.datasetId,
    params: s.params, paused: s.paused, next_at: s.nextAt?.toISOString() ?? null, last_at: s.lastAt?.toISOString() ?? null, created_at: s.createdAt.toISOString(),
  };
}

export async function listSchedules({ ctx, input }: { ctx: Ctx; input: { id: number } }) {
  await requirePipeline(ctx, input.id);
  const rows = await ctx.db
    .select({ s: pipelineSchedules, dataset: datasets.name, owner: users.name })
    .from(pipelineSchedules)
    .leftJoin(datasets, eq(datasets.id, pipelineSchedules.datasetId))
    .leftJoin(users, eq(users.id, datasets.ownerId))
    .where(eq(pipelineSchedules.pipelineId, input.id))
    .orderBy(asc(pipelineSchedules.id));
  return { schedules: rows.map((r) => model(r.s, r.dataset ? `${r.owner}:${r.dataset}` : undefined)) };
}

export async function createSchedule({ ctx, input }: { ctx: Ctx; input: { id: number; body: z.output<typeof scheduleBody> } }) {
  const p = await requirePipeline(ctx, input.id, true);
  const b = input.body;
  let values: typeof pipelineSchedules.$inferInsert;
  let datasetRef: string | undefined;
  if ("cron" in b) {
    const nextAt = nextTick(b.cron, b.timezone);
    values = { pipelineId: p.id, kind: "cron", cron: b.cron.trim(), timezone: b.timezone, params: b.params, paused: b.paused, nextAt };
  } else {
    const { row, owner } = await findDataset(ctx, b.dataset).catch((e) => {
      if (e instanceof NotFoundError) throw new ValidationError(`No dataset "${b.dataset}" you may read`, "dataset");
      throw e;
    });
    values = { pipelineId: p.id, kind: "dataset", datasetId: row.id, params: b.params, paused: b.paused };
    datasetRef = `${owner}:${row.name}`;
  }
  const [row] = await ctx.db.insert(pipelineSchedules).values(values).returning();
  schedulesChanged();
  return model(row!, "dataset" in b ? datasetRef : undefined);
}

/** Pause or resume (a resumed cron schedule's next tick is counted from now: missed ticks are not run). */
export async function updateSchedule({ ctx, input }: { ctx: Ctx; input: { id: number; scheduleId: number; paused: boolean } }) {
  await requirePipeline(ctx, input.id, true);
  const [s] = await ctx.db.select().from(pipelineSchedules).where(and(eq(pipelineSchedules.id, input.scheduleId), eq(pipelineSchedules.pipelineId, input.id)));
  if (!s) throw new NotFoundError(`Pipeline ${input.id} has no schedule ${input.scheduleId}`);
  const nextAt = s.kind === "cron" && !input.paused ? nextTick(s.cron!, s.timezone!) : s.nextAt;
  const [row] = await ctx.db.update(pipelineSchedules).set({ paused: input.paused, nextAt }).where(eq(pipelineSchedules.id, s.id)).returning();
  schedulesChanged();
  return model(row!);
}

export async function deleteSchedule({ ctx, input }: { ctx: Ctx; input: { id: number; scheduleId: number } }) {
  await requirePipeline(ctx, input.id, true);
  const gone = await ctx.db.delete(pipelineSchedules).where(and(eq(pipelineSchedules.id, input.scheduleId), eq(pipelineSchedules.pipelineId, input.id))).returning({ id: pipelineSchedules.id });
  if (!gone.length) throw new NotFoundError(`Pipeline ${input.id} has no schedule ${input.scheduleId}`);
}

/**
 * Runs the cron ticks that are due. Every Kiln process ticks; each tick is claimed by a
 * conditional update of the schedule's `next_at` (from the tick to the one after), so it
 * starts exactly one pipeline run however many processes saw it due. Ticks missed while
 * no Kiln ran are not made up: the next one is counted from now.
 */
export async function fireDueSchedules(db: Db, now = new Date()): Promise<number> {
  const due = await db.select().from(pipelineSchedules).where(and(eq(pipelineSchedules.kind, "cron"), eq(pipelineSchedules.paused, false), isNotNull(pipelineSchedules.nextAt), lte(pipelineSchedules.nextAt, now)));
  let fired = 0;
  for (const s of due) {
    const next = nextTick(s.cron!, s.timezone!, now);
    const [claimed] = await db
      .update(pipelineSchedules)
      .set({ nextAt: next, lastAt: s.nextAt })
      .where(and(eq(pipelineSchedules.id, s.id), eq(pipelineSchedules.nextAt, s.nextAt!), eq(pipelineSchedules.paused, false)))
      .returning();
    if (!claimed) continue;
    fired++;
    await beginRun(db, s.pipelineId, { trigger: { kind: "schedule", schedule_id: s.id, tick: s.nextAt!.toISOString() }, params: s.params }).catch((e) =>
      logger().warn({ err: (e as Error).message, schedule: s.id }, "a scheduled pipeline run could not start"),
    );
  }
  return fired;
}

/** The soonest tick of the cron schedules that run (null: none). */
export async function soonestTick(db: Db): Promise<Date | null> {
  const [row] = await db.select({ at: min(pipelineSchedules.nextAt) }).from(pipelineSchedules).where(and(eq(pipelineSchedules.kind, "cron"), eq(pipelineSchedules.paused, false)));
  return row?.at ?? null;
}

/** A dataset's new version that passed its checks (or has none) starts each pipeline that waits for it, with it pinned. */
export async function onNewDatasetVersion(db: Db, v: DatasetVersionRow): Promise<void> {
  if (v.checksStatus === "failed") return;
  const waiting = await db.select().from(pipelineSchedules).where(and(eq(pipelineSchedules.kind, "dataset"), eq(pipelineSchedules.datasetId, v.datasetId), eq(pipelineSchedules.paused, false)));
  for (const s of waiting) {
    // A pipeline that writes the dataset it waits for would start itself forever.
    if (v.producedByRunId) {
      const [own] = await db.select({ id: pipelineStepRuns.id }).from(pipelineStepRuns).innerJoin(pipelineRuns, eq(pipelineRuns.id, pipelineStepRuns.pipelineRunId))
        .where(and(eq(pipelineStepRuns.runId, v.producedByRunId), eq(pipelineRuns.pipelineId, s.pipelineId)));
      if (own) continue;
    }
    await beginRun(db, s.pipelineId, { trigger: { kind: "dataset", schedule_id: s.id, dataset_id: v.datasetId, version_id: v.id, version: v.version }, params: s.params, pinned: { [v.datasetId]: v.id } }).catch((e) =>
      logger().warn({ err: (e as Error).message, schedule: s.id }, "a data-triggered pipeline run could not start"),
    );
  }
}
