import type { TensorSpec } from "../db/schema";
import { ValidationError } from "../errors";
import type { FlatTensor } from "./sessions";

/** A request's input, flat, before it becomes an onnxruntime tensor (so requests can be joined). */
export interface FlatInput {
  type: string;
  /** Typed arrays where a request's maker wrote the values straight into the tensor's form (rowsToFeeds). */
  data: number[] | bigint[] | string[] | boolean[] | Float32Array | Float64Array;
  dims: number[];
}

const NUMERIC = new Set(["float32", "float64", "int64", "int32", "int16", "int8", "uint8", "uint16", "uint32", "uint64", "float16"]);

/** Nested arrays to data and dims, checking they are rectangular. */
function flatten(value: unknown, where: string): { data: unknown[]; dims: number[] } {
  const dims: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    dims.push(probe.length);
    probe = probe[0];
  }
  const data: unknown[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth === dims.length) {
      if (Array.isArray(v)) throw new ValidationError(`${where}: not rectangular (deeper than shape [${dims.join(", ")}])`, where);
      data.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) throw new ValidationError(`${where}: not rectangular (expected ${dims[depth]} items at depth ${depth})`, where);
    for (const x of v) walk(x, depth + 1);
  };
  walk(value, 0);
  return { data, dims };
}

/** Checks values against the input's element type; `where` names the input for the error. */
export function typedValues(spec: TensorSpec, data: unknown[], where: string): FlatInput["data"] {
  if (spec.type === "string") {
    for (const v of data) if (typeof v !== "string") throw new ValidationError(`${where}: expected strings (${spec.type}), got ${JSON.stringify(v)}`, where);
    return data as string[];
  }
  if (spec.type === "bool") {
    for (const v of data) if (typeof v !== "boolean") throw new ValidationError(`${where}: expected booleans, got ${JSON.stringify(v)}`, where);
    return data as boolean[];
  }
  if (!NUMERIC.has(spec.type)) throw new ValidationError(`${where}: inputs of type ${spec.type} cannot be sent as JSON`, where);
  const integral = spec.type.startsWith("int") || spec.type.startsWith("uint");
  const out: number[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // JSON has no NaN: null is a missing value (NaN) for floating inputs.
    if (v === null && !integral) out[i] = Number.NaN;
    else if (typeof v !== "number" || (integral && !Number.isInteger(v))) throw new ValidationError(`${where}: expected ${integral ? "integers" : "numbers"} (${spec.type}), got ${JSON.stringify(v)}`, where);
    else out[i] = v;
  }
  return spec.type === "int64" || spec.type === "uint64" ? out.map((n) => BigInt(n)) : out;
}

/** The shape check: rank and every fixed dimension; free ones (null or a name) take anything. */
export function checkShape(spec: TensorSpec, dims: number[], where: string) {
  const expected = `[${spec.shape.map((d) => d ?? "?").join(", ")}]`;
  if (dims.length !== spec.shape.length) throw new ValidationError(`${where}: expected shape ${expected} (${spec.type}), got [${dims.join(", ")}]`, where);
  spec.shape.forEach((d, i) => {
    if (typeof d === "number" && d !== dims[i]) throw new ValidationError(`${where}: expected shape ${expected} (${spec.type}), got [${dims.join(", ")}]`, where);
  });
}

/** One named input given as nested arrays (`{"inputs": {name: [[...]]}}`). */
export function nestedInput(spec: TensorSpec, value: unknown): FlatInput {
  const where = `inputs.${spec.name}`;
  if (value === undefined) throw new ValidationError(`${where}: missing; expected ${spec.type}[${spec.shape.map((d) => d ?? "?").join(", ")}]`, where);
  const { data, dims } = flatten(value, where);
  checkShape(spec, dims, where);
  return { type: spec.type, data: typedValues(spec, data, where), dims };
}

/** A request's input as the runtime takes it: typed arrays for numbers. */
export function toTensor(input: FlatInput): FlatTensor {
  const { type, data, dims } = input;
  switch (type) {
    case "float32": return { type, data: data instanceof Float32Array ? data : Float32Array.from(data as number[]), dims };
    case "float64": return { type, data: data instanceof Float64Array ? data : Float64Array.from(data as number[]), dims };
    case "int64": return { type, data: BigInt64Array.from(data as bigint[]), dims };
    case "int32": return { type, data: Int32Array.from(data as number[]), dims };
    case "string": return { type, data: data as string[], dims };
    case "bool": return { type, data: Uint8Array.from((data as boolean[]).map((b) => (b ? 1 : 0))), dims };
    default: throw new ValidationError(`inputs: type ${type} is not served`, "inputs");
  }
}

/** An output tensor as JSON: nested arrays; NaN and infinities as null, int64 as numbers. */
export function tensorToJson(t: FlatTensor): unknown {
  return nest(tensorValues(t), t.dims as number[]);
}

/** An output tensor's values in order, as JSON values. */
export function tensorValues(t: FlatTensor): unknown[] {
  const flat: unknown[] = [];
  const d = t.data as ArrayLike<unknown>;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    flat.push(typeof v === "bigint" ? Number(v) : typeof v === "number" && !Number.isFinite(v) ? null : t.type === "bool" ? Boolean(v) : v);
  }
  return flat;
}

export function nest(flat: unknown[], dims: readonly number[]): unknown {
  if (dims.length === 0) return flat[0];
  if (dims.length === 1) return flat;
  const step = flat.length / dims[0]!;
  const out: unknown[] = [];
  for (let i = 0; i < dims[0]!; i++) out.push(nest(flat.slice(i * step, (i + 1) * step), dims.slice(1)));
  return out;
}
