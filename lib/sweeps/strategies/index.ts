/**
 * Search strategies for sweeps, picked by name. Pure: no I/O, no clock, and the same seed
 * and history always give the same suggestion. Objectives are minimised throughout.
 */
import type { z } from "zod";
import { ValidationError } from "../../errors";
import { GridSearch, gridOptionsSchema } from "./grid";
import { RandomSearch, randomOptionsSchema } from "./random";
import type { SearchSpace } from "./space";
import { Tpe, tpeOptionsSchema } from "./tpe";
import type { Strategy } from "./trial";

export { Asha, ashaOptionsSchema, type AshaOptions } from "./asha";
export { GridSearch, gridOptionsSchema, type GridOptions } from "./grid";
export { RandomSearch, randomOptionsSchema } from "./random";
export { rng, type Random } from "./rng";
export { checkSpace, dimensionSchema, parseSpace, searchSpaceSchema, type Dimension, type ParamValue, type SearchSpace } from "./space";
export { Tpe, tpeOptionsSchema, type TpeOptions } from "./tpe";
export { nextTrialNumber, type Params, type Strategy, type Trial } from "./trial";

export const strategyKinds = ["grid", "random", "tpe"] as const;
export type StrategyKind = (typeof strategyKinds)[number];

export interface StrategyConfig {
  kind: StrategyKind;
  /** Checked already (`parseSpace`). */
  space: SearchSpace;
  /** Grid ignores it. */
  seed: number;
  /** Grid: { gridPoints }; TPE: { nStartup, nCandidates }; random: none. Checked here. */
  options?: unknown;
}

export function makeStrategy({ kind, space, seed, options }: StrategyConfig): Strategy {
  switch (kind) {
    case "grid":
      return new GridSearch(space, parseOptions(gridOptionsSchema, options));
    case "random":
      parseOptions(randomOptionsSchema, options);
      return new RandomSearch(space, seed);
    case "tpe":
      return new Tpe(space, seed, parseOptions(tpeOptionsSchema, options));
    default:
      throw new ValidationError(`Unknown search strategy "${String(kind)}" (known: ${strategyKinds.join(", ")})`, "kind");
  }
}

function parseOptions<S extends z.ZodType>(schema: S, options: unknown): z.input<S> {
  const r = schema.safeParse(options ?? {});
  if (r.success) return r.data as z.input<S>;
  const issue = r.error.issues[0]!;
  const field = ["options", ...issue.path.map(String)].join(".");
  throw new ValidationError(`${field}: ${issue.message}`, field);
}
