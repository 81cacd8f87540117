import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ValidationError } from "../errors";

/**
 * A pipeline's definition: steps (code run in a fresh container, with parameters, inputs and
 * outputs) and the edges their inputs make. The same document as JSON or YAML through the
 * API; a version stores it as validated here, once: zod for its shape, then what zod cannot
 * say (step names unique, every input naming a step and an output that exist, no cycle).
 */
const STEP_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Parameters, inputs and outputs become names in the step's Python: identifiers. */
const PY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const pyName = (what: string) => z.string().regex(PY_NAME, `${what} is a Python identifier (letters, digits, _; not starting with a digit)`);

const scalar = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
const input = z.union([
  z.object({ dataset: z.string().min(1).max(201).describe("A dataset you may read: name, or owner:name"), version: z.number().int().positive().optional().describe("Pinned; default: the latest when the run starts") }).strict(),
  z.object({ step: z.string().regex(STEP_NAME), output: pyName("An output's name") }).strict().describe("What an upstream step produced in the same pipeline run"),
]);

export const stepSchema = z
  .object({
    name: z.string().regex(STEP_NAME, "A step name is 1-63 lower-case letters, digits, - or _, starting with a letter or digit"),
    code: z.string().min(1).max(1_000_000).describe("The step's Python: the promoted cells, in order"),
    cells: z.array(z.object({ notebook_id: z.number().int().positive(), cell_id: z.string().min(1).max(100) }).strict()).max(1000).optional().describe("The notebook cells it was promoted from"),
    image: z.string().min(1).max(200).optional().describe("A catalog image; default: the default image"),
    resources: z.object({ cpu: z.number().positive().max(64).optional(), memory_mb: z.number().int().min(64).max(1_048_576).optional(), gpus: z.number().int().min(0).max(16).optional() }).strict().default({}),
    parameters: z.record(pyName("A parameter's name"), scalar).default({}).describe("Defaults, injected after the code's `parameters` cell as whole-notebook runs do"),
    inputs: z.record(pyName("An input's name"), input).default({}),
    outputs: z.record(pyName("An output's name"), z.object({ kind: z.enum(["dataset", "artifact", "model"]) }).strict()).default({}),
    after: z.array(z.string().regex(STEP_NAME)).max(100).default([]).describe("Steps this one runs after, though it reads nothing of theirs"),
    timeout_s: z.number().int().min(1).max(7 * 24 * 3600).default(3600),
    retries: z.number().int().min(0).max(10).default(0),
    cache: z.boolean().default(false).describe("Reuse an earlier successful run with the same code, image digest, parameters and inputs"),
  })
  .strict();

export const definitionSchema = z
  .object({
    description: z.string().max(10_000).default(""),
    steps: z.array(stepSchema).min(1, "A pipeline has at least one step").max(100),
  })
  .strict();

export type PipelineDefinition = z.output<typeof definitionSchema>;
export type StepDefinition = PipelineDefinition["steps"][number];

/** A definition as the API takes it: an object, or a YAML document (JSON is YAML too). */
export function parseDefinition(raw: unknown): PipelineDefinition {
  let doc = raw;
  if (typeof raw === "string") {
    try {
      doc = parseYaml(raw, { maxAliasCount: 100 });
    } catch (e) {
      throw new ValidationError(`The definition is not valid YAML: ${(e as Error).message.split("\n")[0]}`, "definition");
    }
  }
  const r = definitionSchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    // A bad key (a parameter's name) says why in the issue it wraps.
    const inner = issue.code === "invalid_key" ? issue.issues[0]?.message : undefined;
    const message = inner ? `"${String(issue.path.at(-1))}": ${inner}` : issue.message;
    throw new ValidationError(message, ["definition", ...issue.path.map(String)].join("."));
  }
  checkGraph(r.data);
  return r.data;
}

/** Names unique, every step input pointing at a step and output that exist, no cycle. */
function checkGraph(def: PipelineDefinition) {
  const byName = new Map<string, number>();
  def.steps.forEach((s, i) => {
    if (byName.has(s.name)) throw new ValidationError(`Two steps are named "${s.name}"`, `definition.steps.${i}.name`);
    byName.set(s.name, i);
  });
  def.steps.forEach((s, i) => {
    for (const [name, inp] of Object.entries(s.inputs)) {
      if (!("step" in inp)) continue;
      const field = `definition.steps.${i}.inputs.${name}`;
      const from = byName.get(inp.step);
      if (from === undefined) throw new ValidationError(`Step "${s.name}" reads input "${name}" from "${inp.step}", which is not a step of this pipeline`, `${field}.step`);
      if (!(inp.output in def.steps[from]!.outputs)) throw new ValidationError(`Step "${s.name}" reads input "${name}" from output "${inp.output}" of "${inp.step}", which declares no such output`, `${field}.output`);
    }
  });
  def.steps.forEach((s, i) =>
    s.after.forEach((name, j) => {
      if (!byName.has(name)) throw new ValidationError(`Step "${s.name}" runs after "${name}", which is not a step of this pipeline`, `definition.steps.${i}.after.${j}`);
    }),
  );
  const { cycle } = walk(def);
  if (cycle) throw new ValidationError(`Steps ${cycle.map((n) => `"${n}"`).join(" -> ")} form a cycle: a pipeline is a DAG`, "definition.steps");
}

/** The steps a step reads from or runs after. */
export function upstreamOf(step: StepDefinition): string[] {
  return [...new Set([...Object.values(step.inputs).flatMap((i) => ("step" in i ? [i.step] : [])), ...(step.after ?? [])])];
}

/**
 * One depth-first walk up the inputs: the steps in an order where each comes after those it
 * reads from (the walk's post-order), or the first cycle met, as the names along it in the
 * direction data flows (the first repeated at the end).
 */
function walk(def: PipelineDefinition): { order: string[]; cycle: null } | { order: null; cycle: string[] } {
  const steps = new Map(def.steps.map((s) => [s.name, s]));
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const order: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === "done") return null;
    if (state.get(name) === "visiting") return [...path.slice(path.indexOf(name)), name];
    state.set(name, "visiting");
    path.push(name);
    for (const up of upstreamOf(steps.get(name)!)) {
      const cycle = visit(up);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(name, "done");
    order.push(name);
    return null;
  };
  for (const s of def.steps) {
    const cycle = visit(s.name);
    if (cycle) return { order: null, cycle: cycle.reverse() };
  }
  return { order, cycle: null };
}

/** Steps in an order where each comes after the steps it reads from (a checked definition has one). */
export function topologicalOrder(def: PipelineDefinition): string[] {
  return walk(def).order ?? [];
}
