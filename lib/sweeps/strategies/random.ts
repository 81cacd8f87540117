/** Random search: each parameter drawn independently and uniformly (in log for loguniform). */
import { z } from "zod";
import { sampleUniform } from "./dimensions";
import { rng, type Random } from "./rng";
import { parameterNames, type SearchSpace } from "./space";
import { nextTrialNumber, type Params, type Strategy, type Trial } from "./trial";

/** Random search takes no options; the schema rejects any, so a typo is not silently ignored. */
export const randomOptionsSchema = z.object({}).strict();

export class RandomSearch implements Strategy {
  constructor(private readonly space: SearchSpace, private readonly seed: number) {}

  /** Never exhausted; the history matters only for the next trial's number. */
  suggest(history: readonly Trial[]): Params {
    return sampleSpace(this.space, rng(this.seed, nextTrialNumber(history)));
  }
}

/** One draw of every parameter, in name order (TPE's first trials are these same draws). */
export function sampleSpace(space: SearchSpace, random: Random): Params {
  const params: Params = {};
  for (const name of parameterNames(space)) params[name] = sampleUniform(space[name]!, random);
  return params;
}
