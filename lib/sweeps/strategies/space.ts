/**
 * A sweep's search space: which values each notebook parameter may take. The zod schema checks
 * the shape of what a user sends; `checkSpace` the rules a shape cannot say (low < high, names
 * the notebook declares). Both name the parameter at fault in the error's field.
 */
import { z } from "zod";
import { ValidationError } from "../../errors";

// A parameter is assigned as a Python variable in the notebook, so its name must be one.
const PYTHON_KEYWORDS = new Set(
  ("False None True and as assert async await break class continue def del elif else except finally for from " +
    "global if import in is lambda nonlocal not or pass raise return try while with yield").split(" "),
);
const parameterName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a Python identifier")
  .refine((n) => !PYTHON_KEYWORDS.has(n), "must not be a Python keyword");

const bound = z.number(); // zod rejects NaN and ±Infinity

export const dimensionSchema = z.discriminatedUnion("type", [
  z
    .object({ type: z.literal("choice"), values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).max(1000) })
    .strict()
    .describe("One of the listed values"),
  z.object({ type: z.literal("uniform"), low: bound, high: bound }).strict().describe("A real number in [low, high]"),
  z
    .object({ type: z.literal("loguniform"), low: bound, high: bound })
    .strict()
    .describe("A real number in [low, high] whose logarithm is uniform (learning rates); low > 0"),
  z
    .object({ type: z.literal("int"), low: z.int(), high: z.int(), step: z.int().min(1).optional() })
    .strict()
    .describe("An integer low, low + step, ... up to high inclusive (step 1 when absent)"),
  z
    .object({ type: z.literal("quniform"), low: bound, high: bound, q: bound.positive() })
    .strict()
    .describe("A number low + k*q for k = 0, 1, ... that is at most high"),
]);

export const searchSpaceSchema = z
  .record(parameterName, dimensionSchema)
  .describe("Notebook parameter name -> the values a sweep may give it");

export type Dimension = z.infer<typeof dimensionSchema>;
export type SearchSpace = z.infer<typeof searchSpaceSchema>;
export type ParamValue = string | number | boolean;

/** A space from untrusted input (an API body, a stored sweep): its shape, then `checkSpace`. */
export function parseSpace(raw: unknown, knownParams?: readonly string[]): SearchSpace {
  const r = searchSpaceSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    // A bad key (a parameter's name) says why in the issue it wraps.
    const inner = issue.code === "invalid_key" ? issue.issues[0]?.message : undefined;
    const field = ["space", ...issue.path.map(String)].join(".");
    throw new ValidationError(`${field}: ${inner ?? issue.message}`, field);
  }
  checkSpace(r.data, knownParams);
  return r.data;
}

/**
 * The rules beyond the shape. `knownParams`, when given, are the parameters the notebook
 * declares: sweeping any other name would set a variable the notebook never reads.
 */
export function checkSpace(space: SearchSpace, knownParams?: readonly string[]): void {
  const names = Object.keys(space);
  if (names.length === 0) throw new ValidationError("The search space has no parameter to sweep", "space");
  for (const name of names) {
    const dim = space[name]!;
    const field = `space.${name}`;
    if (knownParams && !knownParams.includes(name)) {
      const known = knownParams.length ? knownParams.join(", ") : "none";
      throw new ValidationError(`"${name}" is not a parameter of this notebook (its parameters: ${known})`, field);
    }
    if (dim.type === "choice") {
      if (dim.values.length === 0) throw new ValidationError(`"${name}" has no values to choose from`, `${field}.values`);
      if (new Set(dim.values).size !== dim.values.length) throw new ValidationError(`"${name}" lists a value twice`, `${field}.values`);
      continue;
    }
    if (!(dim.low < dim.high)) throw new ValidationError(`"${name}": low (${dim.low}) must be less than high (${dim.high})`, `${field}.low`);
    if (dim.type === "loguniform" && !(dim.low > 0)) throw new ValidationError(`"${name}": a loguniform low must be greater than 0 (got ${dim.low})`, `${field}.low`);
    if (dim.type === "quniform" && !(dim.q > 0)) throw new ValidationError(`"${name}": q must be greater than 0 (got ${dim.q})`, `${field}.q`);
    if (dim.type === "int" && !(Number.isInteger(dim.low) && Number.isInteger(dim.high) && Number.isInteger(dim.step ?? 1) && (dim.step ?? 1) >= 1)) {
      throw new ValidationError(`"${name}": an int range needs integer low, high and a step of at least 1`, field);
    }
  }
}

/**
 * The parameters in a fixed order. Key order is not stable across storage (PostgreSQL's
 * jsonb reorders keys), and every strategy consumes its random numbers in this order,
 * so a replayed sweep must see the same one.
 */
export function parameterNames(space: SearchSpace): string[] {
  return Object.keys(space).sort();
}
