import { asc, inArray } from "drizzle-orm";
import type { Db } from "../db";
import { executions } from "../db/schema";
import { recorder } from "../execution/recorder";

export interface RunCode {
  cell_id: string;
  code: string;
}

/**
 * The cells each run ran, as compare diffs them: in the order each cell first ran, with the
 * code of its last execution (an interactive session that re-ran a cell ten times shows it
 * once, as its notebook would). Whole-notebook runs run each cell once, injected parameters
 * included, so their diff shows the values too.
 */
export async function codeOfRuns(db: Db, runIds: number[]): Promise<Record<string, RunCode[]>> {
  await recorder().settle();
  const rows = await db
    .select({ runId: executions.runId, cellId: executions.cellId, code: executions.code })
    .from(executions)
    .where(inArray(executions.runId, runIds))
    .orderBy(asc(executions.id));
  const byRun = new Map<number, Map<string, string>>(runIds.map((id) => [id, new Map()]));
  for (const r of rows) byRun.get(r.runId!)?.set(r.cellId, r.code); // a Map keeps first-insertion order
  return Object.fromEntries([...byRun].map(([id, cells]) => [String(id), [...cells].map(([cell_id, code]) => ({ cell_id, code }))]));
}
