/**
 * What every search strategy sees and answers. The objective is always MINIMISED here: a
 * sweep that maximises (accuracy) hands the strategies its negation.
 */
import type { ParamValue } from "./space";

export interface Trial {
  /** 0 for the sweep's first trial, then 1, 2, ... in the order they were suggested. */
  number: number;
  params: Record<string, unknown>;
  status: "running" | "succeeded" | "failed" | "pruned";
  /** The final value to minimise; null until the trial succeeds. */
  objective: number | null;
  /** Intermediate values by step, for ASHA. */
  reports?: { step: number; value: number }[];
}

export type Params = Record<string, ParamValue>;

export interface Strategy {
  /**
   * The parameters of the next trial, or null when nothing is left to try (a finished grid).
   * `history` is every trial suggested so far, running ones included: the next trial's
   * number is one past the highest there, and the answer depends only on the seed, that
   * number and the finished trials, so asking again after a restart gives the same answer.
   */
  suggest(history: readonly Trial[]): Params | null;
}

export function nextTrialNumber(history: readonly Trial[]): number {
  let next = 0;
  for (const t of history) next = Math.max(next, t.number + 1);
  return next;
}
