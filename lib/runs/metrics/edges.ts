import type { Db } from "../../db/types";
import { coverRange } from "./cover";
import { bucketsByName, pointsIn } from "./read-queries";
import { addSummary, addValue, emptySummary, type Summary } from "./summary";

/**
 * Exact summaries of step ranges that cut through a bucket of the level being read (where
 * `from`/`to` fall mid-bucket): built from the whole smaller buckets inside each range and
 * the few points at its ends, so a chart's first and last bars hold only points in range.
 */
export async function exactSummaries(db: Db, runId: number, key: string, ranges: [number, number][], belowLevel: number): Promise<Summary[]> {
  const covers = ranges.map(([a, b]) => coverRange(a, b, belowLevel - 1));
  const raws = covers.flatMap((c) => c.raw);
  const [blocks, points] = await Promise.all([
    bucketsByName(db, runId, key, covers.flatMap((c) => c.blocks)),
    raws.length ? pointsIn(db, runId, key, raws) : Promise.resolve([]),
  ]);
  return covers.map((c) => {
    const s = emptySummary();
    for (const b of c.blocks) {
      const found = blocks.get(`${b.level}:${b.bucket}`);
      if (found) addSummary(s, found);
    }
    for (const p of points) if (c.raw.some(([a, b]) => p.step >= a && p.step <= b)) addValue(s, p.value);
    return s;
  });
}
