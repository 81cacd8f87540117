import type { ModelSignature, TensorSpec } from "../db/schema";
import { ValidationError } from "../errors";
import { type FlatInput, nestedInput, typedValues, checkShape } from "./tensors";

/** What one request asks the model: its inputs, flat, and how many rows they hold. */
export interface Feeds {
  inputs: Record<string, FlatInput>;
  rows: number;
  /** The batcher's join key, when the request's maker already knows it (Batcher computes it otherwise). */
  key?: string;
}

export const MAX_ROWS = 100_000;

/** Raw columns a model takes one row at a time: kiln.prep's, or inputs that are all [N, 1]. */
function columnsOf(sig: ModelSignature): { name: string; spec: TensorSpec }[] | null {
  const byName = new Map(sig.inputs.map((i) => [i.name, i]));
  if (sig.columns) return sig.columns.flatMap((c) => (byName.has(c.name) ? [{ name: c.name, spec: byName.get(c.name)! }] : []));
  if (sig.inputs.length && sig.inputs.every((i) => i.shape.length === 2 && (i.shape[1] === 1 || i.shape[1] === null))) return sig.inputs.map((i) => ({ name: i.name, spec: i }));
  return null;
}

interface Layout {
  columns: { name: string; spec: TensorSpec }[];
  known: Set<string>;
  /** The batcher's join key of a rows request (every input [N, 1]), as Batcher computes it. */
  key: string;
  /** Every input is a column, and every column float32, float64 or string: rowsToFeeds' one-pass path applies. */
  plain: boolean;
}

/** Each signature's columns and their names, worked out once (a route keeps its signature object). */
const layouts = new WeakMap<ModelSignature, Layout | null>();
function layoutOf(sig: ModelSignature): Layout | null {
  let layout = layouts.get(sig);
  if (layout === undefined) {
    const columns = columnsOf(sig);
    layout = columns && {
      columns,
      known: new Set(columns.map((c) => c.name)),
      key: columns.map((c) => `${c.name}:1`).join("|"),
      plain: columns.length === sig.inputs.length && columns.every((c) => PLAIN.has(c.spec.type)),
    };
    layouts.set(sig, layout);
  }
  return layout;
}

const PLAIN = new Set(["float32", "float64", "string"]);

/**
 * The rows of a well-formed request, in one pass and straight into the tensors' arrays, or
 * null for anything else (a bad row, an unknown column, a wrong type), which rowsToFeeds'
 * checks then name. A served request spends a few tens of microseconds in all, and the
 * general path (values gathered, then checked and copied per column) was several of them.
 */
function plainRows(layout: Layout, rows: unknown[]): Record<string, FlatInput> | null {
  const { columns, known } = layout;
  const n = rows.length;
  const data: (Float32Array | Float64Array | string[])[] = [];
  for (const c of columns) data.push(c.spec.type === "string" ? new Array<string>(n) : c.spec.type === "float32" ? new Float32Array(n) : new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const row = rows[r] as Record<string, unknown>;
    if (!row || typeof row !== "object" || Array.isArray(row)) return null;
    let given = 0;
    for (const key in row) {
      if (!known.has(key)) return null;
      given++;
    }
    let seen = 0;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      const v = row[c.name];
      if (v !== undefined) seen++;
      const out = data[i]!;
      if (c.spec.type === "string") {
        if (v === undefined || v === null) (out as string[])[r] = "";
        else if (typeof v === "string") (out as string[])[r] = v;
        else return null;
      } else if (v === undefined || v === null) out[r] = Number.NaN; // a missing value
      else if (typeof v === "number") out[r] = v;
      else return null;
    }
    if (seen !== given) return null; // a key that is known but inherited, or a duplicate: the general path decides
  }
  const inputs: Record<string, FlatInput> = {};
  for (let i = 0; i < columns.length; i++) inputs[columns[i]!.name] = { type: columns[i]!.spec.type, data: data[i]!, dims: [n, 1] };
  return inputs;
}

/** `{"rows": [{column: value, ...}]}`: one [N, 1] tensor per column; null or absent is a missing value. */
export function rowsToFeeds(sig: ModelSignature, rows: unknown): Feeds {
  const layout = layoutOf(sig);
  const columns = layout?.columns;
  if (!layout || !columns) throw new ValidationError(`rows: this model takes tensors (${sig.inputs.map((i) => `${i.name} ${i.type}[${i.shape.map((d) => d ?? "?").join(", ")}]`).join("; ")}): send "inputs"`, "rows");
  if (!Array.isArray(rows) || rows.length === 0) throw new ValidationError("rows: a non-empty array of objects, one per row", "rows");
  if (rows.length > MAX_ROWS) throw new ValidationError(`rows: at most ${MAX_ROWS} per request`, "rows");
  if (layout.plain) {
    const inputs = plainRows(layout, rows);
    if (inputs) return { inputs, rows: rows.length, key: layout.key };
  }
  const { known } = layout;
  const expected = () => columns.map((c) => `${c.name} (${c.spec.type === "string" ? "string" : "number"})`).join(", ");
  const values = columns.map(() => new Array<unknown>(rows.length));
  rows.forEach((row, r) => {
    if (!row || typeof row !== "object" || Array.isArray(row)) throw new ValidationError(`rows[${r}]: an object of columns; expected ${expected()}`, "rows");
    for (const key of Object.keys(row)) if (!known.has(key)) throw new ValidationError(`rows[${r}].${key}: no such column; expected ${expected()}`, "rows");
    columns.forEach((c, i) => {
      const v = (row as Record<string, unknown>)[c.name];
      values[i]![r] = v === undefined || v === null ? (c.spec.type === "string" ? "" : null) : v;
    });
  });
  const inputs: Record<string, FlatInput> = {};
  columns.forEach((c, i) => {
    const where = `rows[*].${c.name}`;
    let data: FlatInput["data"];
    try {
      data = typedValues(c.spec, values[i]!, where);
    } catch (e) {
      // name the first row that is wrong, not only the column
      const bad = values[i]!.findIndex((v) => (c.spec.type === "string" ? typeof v !== "string" : v !== null && typeof v !== "number"));
      if (bad >= 0) throw new ValidationError(`rows[${bad}].${c.name}: expected a ${c.spec.type === "string" ? "string" : "number"} (${c.spec.type}), got ${JSON.stringify(values[i]![bad])}`, "rows");
      throw e;
    }
    inputs[c.name] = { type: c.spec.type, data, dims: [rows.length, 1] };
  });
  for (const spec of sig.inputs) if (!inputs[spec.name]) throw new ValidationError(`rows: the model also needs input ${spec.name}, which is not a column: send "inputs"`, "rows");
  return { inputs, rows: rows.length };
}

/** `{"inputs": {name: nested arrays}}`: every input named, shapes and types as the signature says. */
export function namedToFeeds(sig: ModelSignature, given: unknown): Feeds {
  if (!given || typeof given !== "object" || Array.isArray(given)) throw new ValidationError(`inputs: an object of ${sig.inputs.map((i) => i.name).join(", ")}`, "inputs");
  const known = new Set(sig.inputs.map((i) => i.name));
  for (const key of Object.keys(given)) if (!known.has(key)) throw new ValidationError(`inputs.${key}: no such input; expected ${sig.inputs.map((i) => i.name).join(", ")}`, `inputs.${key}`);
  const inputs: Record<string, FlatInput> = {};
  for (const spec of sig.inputs) inputs[spec.name] = nestedInput(spec, (given as Record<string, unknown>)[spec.name]);
  return { inputs, rows: batchRows(inputs) };
}

const V2_TYPES: Record<string, string> = { FP32: "float32", FP64: "float64", INT64: "int64", INT32: "int32", BYTES: "string", BOOL: "bool", UINT8: "uint8", INT8: "int8" };
export const v2TypeOf = (ortType: string) => Object.entries(V2_TYPES).find(([, t]) => t === ortType)?.[0] ?? ortType.toUpperCase();

/** The Open Inference Protocol's `{"inputs": [{name, shape, datatype, data}]}` (data flat or nested). */
export function v2ToFeeds(sig: ModelSignature, body: unknown): Feeds {
  const list = (body as { inputs?: unknown })?.inputs;
  if (!Array.isArray(list)) throw new ValidationError("inputs: a list of {name, shape, datatype, data}", "inputs");
  const byName = new Map(sig.inputs.map((i) => [i.name, i]));
  const inputs: Record<string, FlatInput> = {};
  for (const [n, item] of list.entries()) {
    const it = item as { name?: unknown; shape?: unknown; datatype?: unknown; data?: unknown };
    const spec = typeof it?.name === "string" ? byName.get(it.name) : undefined;
    if (!spec) throw new ValidationError(`inputs[${n}].name: expected one of ${sig.inputs.map((i) => i.name).join(", ")}, got ${JSON.stringify(it?.name)}`, `inputs[${n}].name`);
    const where = `inputs[${n}] (${spec.name})`;
    if (V2_TYPES[String(it.datatype)] !== spec.type) throw new ValidationError(`${where}.datatype: expected ${v2TypeOf(spec.type)}, got ${JSON.stringify(it.datatype)}`, `inputs[${n}].datatype`);
    if (!Array.isArray(it.shape) || !it.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new ValidationError(`${where}.shape: a list of whole numbers`, `inputs[${n}].shape`);
    const dims = it.shape as number[];
    checkShape(spec, dims, where);
    const data = Array.isArray(it.data) ? (it.data as unknown[]).flat(Infinity) : [];
    const size = dims.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new ValidationError(`${where}.data: ${data.length} values for shape [${dims.join(", ")}] (${size})`, `inputs[${n}].data`);
    inputs[spec.name] = { type: spec.type, data: typedValues(spec, data, where), dims };
  }
  for (const spec of sig.inputs) if (!inputs[spec.name]) throw new ValidationError(`inputs: missing ${spec.name} (${v2TypeOf(spec.type)} [${spec.shape.map((d) => d ?? -1).join(", ")}])`, "inputs");
  return { inputs, rows: batchRows(inputs) };
}

/** The rows a request holds: the first dimension, when every input shares it. */
function batchRows(inputs: Record<string, FlatInput>): number {
  const firsts = new Set(Object.values(inputs).map((i) => i.dims[0] ?? 1));
  return firsts.size === 1 ? [...firsts][0]! : 0;
}
