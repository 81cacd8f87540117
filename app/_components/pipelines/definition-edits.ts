import type { OutputKind, StepDefinition, StepInput } from "./types";

/**
 * Edits of a pipeline's steps as the graph editor makes them, each a pure function from the
 * steps to the next steps: a step added, deleted or renamed (the inputs and `after` entries
 * naming it follow), an edge added or deleted, a step's outputs changed. The API checks the
 * result when it is saved (a cycle, a bad name); these only keep the references consistent.
 */
export const STEP_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Inputs, outputs and parameters are names in the step's Python. */
export const PY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** An edge between two steps: data (an input of `to` reading an output of `from`) or ordering (`to` runs after `from`). */
export type GraphEdge = { id: string; from: string; to: string } & ({ kind: "data"; input: string; output: string } | { kind: "order" });

const stepRef = (i: StepInput): i is { step: string; output: string } => "step" in i;

export function graphEdgesOf(steps: StepDefinition[]): GraphEdge[] {
  return steps.flatMap((s) => [
    ...Object.entries(s.inputs).flatMap(([input, i]) => (stepRef(i) ? [{ id: `input:${s.name}:${input}`, kind: "data" as const, from: i.step, to: s.name, input, output: i.output }] : [])),
    ...(s.after ?? []).map((a) => ({ id: `after:${s.name}:${a}`, kind: "order" as const, from: a, to: s.name })),
  ]);
}

export function newStep(name: string, code: string, image?: string): StepDefinition {
  return { name, code, ...(image ? { image } : {}), resources: {}, parameters: {}, inputs: {}, outputs: {}, after: [], timeout_s: 3600, retries: 0, cache: false };
}

const update = (steps: StepDefinition[], name: string, f: (s: StepDefinition) => StepDefinition) => steps.map((s) => (s.name === name ? f(s) : s));

/** Every step's inputs and `after` entries, each kept, rewritten or dropped by `f` (null drops it). */
function mapReferences(steps: StepDefinition[], f: (ref: { step: string; output?: string }) => { step: string; output?: string } | null): StepDefinition[] {
  return steps.map((s) => {
    const inputs: Record<string, StepInput> = {};
    for (const [k, i] of Object.entries(s.inputs)) {
      if (!stepRef(i)) inputs[k] = i;
      else {
        const r = f(i);
        if (r) inputs[k] = { step: r.step, output: r.output ?? i.output };
      }
    }
    const after = (s.after ?? []).flatMap((a) => {
      const r = f({ step: a });
      return r ? [r.step] : [];
    });
    return { ...s, inputs, after };
  });
}

/** The step gone, and every input or `after` entry that named it. */
export function withoutStep(steps: StepDefinition[], name: string): StepDefinition[] {
  return mapReferences(steps.filter((s) => s.name !== name), (r) => (r.step === name ? null : r));
}

/** The step renamed, and every reference to it. */
export function withStepRenamed(steps: StepDefinition[], from: string, to: string): StepDefinition[] {
  return mapReferences(update(steps, from, (s) => ({ ...s, name: to })), (r) => (r.step === from ? { ...r, step: to } : r));
}

export function withStepChanged(steps: StepDefinition[], name: string, change: Partial<Omit<StepDefinition, "name">>): StepDefinition[] {
  return update(steps, name, (s) => ({ ...s, ...change }));
}

/** `target` reads `output` of `source` as its input `input`. */
export function withInput(steps: StepDefinition[], target: string, input: string, source: string, output: string): StepDefinition[] {
  return update(steps, target, (s) => ({ ...s, inputs: { ...s.inputs, [input]: { step: source, output } } }));
}

/** `target` runs after `source` (once). */
export function withAfter(steps: StepDefinition[], target: string, source: string): StepDefinition[] {
  return update(steps, target, (s) => ((s.after ?? []).includes(source) ? s : { ...s, after: [...(s.after ?? []), source] }));
}

/** The edge (an input or an `after` entry) gone; an unknown id changes nothing. */
export function withoutEdge(steps: StepDefinition[], id: string): StepDefinition[] {
  const edge = graphEdgesOf(steps).find((e) => e.id === id);
  if (!edge) return steps;
  return update(steps, edge.to, (s) =>
    edge.kind === "data" ? { ...s, inputs: Object.fromEntries(Object.entries(s.inputs).filter(([k]) => k !== edge.input)) } : { ...s, after: (s.after ?? []).filter((a) => a !== edge.from) },
  );
}

/**
 * The step's outputs replaced; `renamed` maps an old output name to its new one, or to null
 * when it was removed: the inputs reading it follow the rename or are dropped.
 */
export function withOutputs(steps: StepDefinition[], name: string, outputs: Record<string, { kind: OutputKind }>, renamed: Record<string, string | null>): StepDefinition[] {
  const next = update(steps, name, (s) => ({ ...s, outputs }));
  return mapReferences(next, (r) => {
    if (r.step !== name || r.output === undefined || !(r.output in renamed)) return r;
    const to = renamed[r.output];
    return to === null || to === undefined ? null : { ...r, output: to };
  });
}
