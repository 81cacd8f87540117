import type { ModelVersion, TensorSpec } from "../models/types";

const sample = (type: string) => (type === "string" ? "text" : type === "bool" ? false : 0);

/** A zero-filled nested array of the input's shape, one row where the batch size is free. */
function filled(spec: TensorSpec): unknown {
  const dims = spec.shape.map((d) => (typeof d === "number" && d > 0 ? d : 1));
  const build = (i: number): unknown => (i === dims.length ? sample(spec.type) : Array.from({ length: dims[i]! }, () => build(i + 1)));
  return dims.length ? build(0) : sample(spec.type);
}

/**
 * A body the endpoint accepts, from the serving version's signature: `rows` when the model
 * takes raw columns (kiln.prep's, or inputs that are all [N, 1], as lib/serving/requests.ts
 * reads them), `inputs` with zero tensors of the right shape otherwise.
 */
export function exampleBody(sig: ModelVersion["signature"]): string {
  const byName = new Map(sig.inputs.map((i) => [i.name, i]));
  const columnar = sig.inputs.length > 0 && sig.inputs.every((i) => i.shape.length === 2 && (i.shape[1] === 1 || i.shape[1] === null));
  if (sig.columns?.length || columnar) {
    const cols = sig.columns?.length ? sig.columns.map((c) => ({ name: c.name, type: byName.get(c.name)?.type ?? (c.type === "string" ? "string" : "float32") })) : sig.inputs;
    const row = Object.fromEntries(cols.map((c) => [c.name, sample(c.type)]));
    return JSON.stringify({ rows: [row] }, null, 2);
  }
  return JSON.stringify({ inputs: Object.fromEntries(sig.inputs.map((i) => [i.name, filled(i)])) }, null, 2);
}
