/**
 * Asynchronous Successive Halving (ASHA) as a pruner, apart from the sampler: it decides
 * whether a running trial goes on, from its reported values and the other trials' so far.
 *
 * Rungs sit at steps minResource * eta^k below maxResource (a trial at maxResource has
 * finished, so judging it there would save nothing). A trial's value at a rung is its last
 * report at a step <= the rung's step; a trial that has reported at or past the rung's step
 * has a value there. When a report first takes a trial to or past a rung, it is promoted
 * (goes on) only if fewer than max(1, floor(m / eta)) of the m values at that rung (its own
 * included) are strictly better (lower) than its own: the top 1/eta, and while a rung holds
 * fewer than eta values, only the best so far. Nothing waits for a rung to fill, so the first
 * trial at a rung goes on. A non-finite value (a diverged trial) stops at the rung.
 *
 * Call `shouldStop` after every report: a rung is judged once, by the report that reaches it,
 * with the values known then, and a trial promoted from a rung is never judged there again.
 */
import { z } from "zod";
import type { Trial } from "./trial";

export const ashaOptionsSchema = z
  .object({
    minResource: z.number().positive().describe("Step of the first rung"),
    maxResource: z.number().positive().describe("Step at which a trial has finished"),
    reductionFactor: z.number().min(2).default(3).describe("eta: one in eta trials is promoted at each rung"),
  })
  .strict()
  .refine((o) => o.minResource < o.maxResource, { message: "minResource must be less than maxResource", path: ["minResource"] });
export type AshaOptions = z.input<typeof ashaOptionsSchema>;

type Report = { step: number; value: number };

export class Asha {
  /** The rungs' steps, ascending; `rung` in a decision is an index into this. */
  readonly rungs: number[] = [];
  private readonly eta: number;

  constructor(options: AshaOptions) {
    const { minResource, maxResource, reductionFactor } = ashaOptionsSchema.parse(options);
    this.eta = reductionFactor;
    for (let k = 0; minResource * reductionFactor ** k < maxResource; k++) this.rungs.push(minResource * reductionFactor ** k);
  }

  /** `rung`: the rung this report was judged at (the highest, if it reached several), or null if it reached none. */
  shouldStop(trial: Trial, all: readonly Trial[]): { stop: boolean; rung: number | null } {
    const reports = byStep(trial.reports);
    const last = reports.at(-1);
    if (!last) return { stop: false, rung: null };
    const previousStep = reports.at(-2)?.step ?? -Infinity;
    let judged: number | null = null;
    for (let k = 0; k < this.rungs.length; k++) {
      const step = this.rungs[k]!;
      if (step <= previousStep || step > last.step) continue;
      const value = valueAt(reports, step);
      if (value === null) continue; // its first report came after this rung: nothing to compare
      judged = k;
      const others = all.filter((t) => t.number !== trial.number).map((t) => valueAt(byStep(t.reports), step));
      if (!this.promotable(value, others)) return { stop: true, rung: k };
    }
    return { stop: false, rung: judged };
  }

  private promotable(value: number, others: (number | null)[]): boolean {
    if (Number.isNaN(value)) return false;
    const recorded = others.filter((v): v is number => v !== null);
    const keep = Math.max(1, Math.floor((recorded.length + 1) / this.eta));
    return recorded.filter((v) => v < value).length < keep;
  }
}

const byStep = (reports: readonly Report[] | undefined): Report[] => [...(reports ?? [])].sort((a, b) => a.step - b.step);

/** The last value reported at a step <= `step`, or null if the trial has not reached `step` or reported nothing before it. */
function valueAt(reports: readonly Report[], step: number): number | null {
  if (!reports.length || reports.at(-1)!.step < step) return null;
  let value: number | null = null;
  for (const r of reports) {
    if (r.step > step) break;
    value = Number.isFinite(r.value) ? r.value : NaN;
  }
  return value;
}
