import { and, asc, desc, eq, exists, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Ctx } from "../auth/principal";
import { rowsOf } from "../db";
import { pipelineStepRuns, runMetrics, runParams, runs, sweepTrials, users } from "../db/schema";
import { readableRuns } from "./access";
import { dynamicFilters, type ListRunsQuery } from "./list-query";
import { runModels } from "./serialize";

const CMP = { "<": sql`<`, "<=": sql`<=`, ">": sql`>`, ">=": sql`>=`, "=": sql`=` };

/**
 * GET /api/runs: the runs table. Filters and the sort run in SQL over indexed keys
 * (run_params by key/value, run_metrics by key/last), then one page is shaped in a few
 * statements: a page stays fast with tens of thousands of runs and many metric columns.
 */
export async function listRuns({ ctx, input }: { ctx: Ctx; input: ListRunsQuery }) {
  const { params, metrics } = dynamicFilters(input);
  const where: (SQL | undefined)[] = [readableRuns(ctx)];
  if (input.notebook_id) where.push(eq(runs.notebookId, input.notebook_id));
  if (input.status) where.push(eq(runs.status, input.status));
  if (input.kind) where.push(eq(runs.kind, input.kind));
  if (input.sweep)
    where.push(
      sql`(${exists(ctx.db.select({ one: sql`1` }).from(sweepTrials).where(and(eq(sweepTrials.runId, runs.id), eq(sweepTrials.sweepId, input.sweep))))} or ${exists(
        ctx.db.select({ one: sql`1` }).from(sweepTrials).innerJoin(pipelineStepRuns, eq(pipelineStepRuns.pipelineRunId, sweepTrials.pipelineRunId)).where(and(eq(sweepTrials.sweepId, input.sweep), eq(pipelineStepRuns.runId, runs.id))),
      )})`,
    );
  if (input.owner) where.push(exists(ctx.db.select({ one: sql`1` }).from(users).where(and(eq(users.id, runs.ownerId), eq(users.name, input.owner)))));
  for (const p of params)
    where.push(exists(ctx.db.select({ one: sql`1` }).from(runParams).where(and(eq(runParams.runId, runs.id), eq(runParams.key, p.key), eq(runParams.value, p.value)))));
  for (const m of metrics)
    where.push(
      exists(ctx.db.select({ one: sql`1` }).from(runMetrics).where(and(eq(runMetrics.runId, runs.id), eq(runMetrics.key, m.key), sql`${runMetrics.last} ${CMP[m.op]} ${m.value}`))),
    );

  const dir = input.order === "asc" ? asc : desc;
  const sortMetric = alias(runMetrics, "sort_metric");
  const sortParam = alias(runParams, "sort_param");
  let q = ctx.db.select({ run: runs, total: sql<number>`count(*) over ()`.mapWith(Number) }).from(runs).$dynamic();
  let order: SQL;
  if (input.sort.startsWith("metric.")) {
    q = q.leftJoin(sortMetric, and(eq(sortMetric.runId, runs.id), eq(sortMetric.key, input.sort.slice(7))));
    order = sql`${sortMetric.last} ${sql.raw(input.order)} nulls last`;
  } else if (input.sort.startsWith("param.")) {
    q = q.leftJoin(sortParam, and(eq(sortParam.runId, runs.id), eq(sortParam.key, input.sort.slice(6))));
    // numbers sort as numbers, anything else as text
    order = sql`case when ${sortParam.value} ~ '^-?[0-9.]+([eE][-+]?[0-9]+)?$' then ${sortParam.value}::float8 end ${sql.raw(input.order)} nulls last, ${sortParam.value} ${sql.raw(input.order)}`;
  } else if (input.sort === "duration") order = sql`coalesce(${runs.endedAt}, now()) - ${runs.startedAt} ${sql.raw(input.order)}`;
  else order = dir(input.sort === "status" ? runs.status : input.sort === "id" ? runs.id : runs.startedAt) as unknown as SQL;
  const rows = await q
    .where(and(...where))
    .orderBy(order, dir(runs.id))
    .limit(input.limit)
    .offset(input.offset);
  const keys = await columnKeys(ctx);
  return { runs: await runModels(ctx.db, rows.map((r) => r.run)), total: rows[0]?.total ?? 0, ...keys };
}

/**
 * The param and metric names among the runs the caller may read: the table's pickable
 * columns. Distinct keys come from a skip scan of the (key, ...) indexes, one probe per
 * name, then each name is kept if one readable run has it: a join over every series of
 * every run cost ~120 ms at 10,000 runs.
 */
async function columnKeys(ctx: Ctx) {
  const visible = readableRuns(ctx) ?? sql`true`;
  const keysOf = async (table: typeof runMetrics | typeof runParams) => {
    const rows = await ctx.db.execute(sql`
      with recursive k(key) as (
        (select key from ${table} order by key limit 1)
        union all
        (select (select t.key from ${table} t where t.key > k.key order by t.key limit 1) from k where k.key is not null)
      )
      select k.key from k
      where k.key is not null
        -- a scalar subquery with limit 1 stops at the first readable run (EXISTS was planned as a join over all)
        and (select 1 from ${table} t join ${runs} on ${runs.id} = t.run_id where t.key = k.key and ${visible} limit 1) is not null
      limit 500`);
    return rowsOf<{ key: string }>(rows).map((r) => r.key);
  };
  const [p, m] = await Promise.all([keysOf(runParams), keysOf(runMetrics)]);
  return { param_keys: p, metric_keys: m };
}
