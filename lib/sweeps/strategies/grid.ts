/**
 * Grid search: every combination of every parameter's grid values, trial n taking the n-th
 * in a fixed order (parameters by name, the last name varying fastest), then nothing.
 */
import { z } from "zod";
import { gridAxis } from "./dimensions";
import { parameterNames, type SearchSpace } from "./space";
import { nextTrialNumber, type Params, type Strategy, type Trial } from "./trial";

export const gridOptionsSchema = z
  .object({
    gridPoints: z.int().min(1).max(1000).default(5).describe("Values tried for each uniform or loguniform parameter"),
  })
  .strict();
export type GridOptions = z.input<typeof gridOptionsSchema>;

export class GridSearch implements Strategy {
  private readonly axes;
  /** How many combinations there are (may exceed what a sweep will ever run). */
  readonly size: number;

  constructor(space: SearchSpace, options: GridOptions = {}) {
    const { gridPoints } = gridOptionsSchema.parse(options);
    this.axes = parameterNames(space).map((name) => ({ name, axis: gridAxis(space[name]!, gridPoints) }));
    this.size = this.axes.reduce((n, { axis }) => n * axis.size, 1);
  }

  suggest(history: readonly Trial[]): Params | null {
    let rest = nextTrialNumber(history);
    if (rest >= this.size) return null;
    const params: Params = {};
    for (let i = this.axes.length - 1; i >= 0; i--) {
      const { name, axis } = this.axes[i]!;
      params[name] = axis.at(rest % axis.size);
      rest = Math.floor(rest / axis.size);
    }
    return params;
  }
}
