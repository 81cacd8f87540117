import { DistinctCounter } from "./distinct";
import { type Histogram, StreamingHistogram } from "./histogram";
import { CsvParser } from "./parse";

export type ColumnType = "int" | "float" | "string" | "bool";

export interface ColumnProfile {
  name: string;
  /** Non-null values. */
  values: number;
  nulls: number;
  /** null when the column holds no value at all. */
  type: ColumnType | null;
  /** Over the numeric values, when the column is int or float. */
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Distinct non-null values as written (trimmed): exact, or estimated past 10,000 of them. */
  distinct: number;
  distinct_exact: boolean;
  /** Equal-width bars over the numeric values, when the column is int or float. */
  histogram: Histogram | null;
  /** The most frequent values of a non-numeric column, while its distinct count is exact. */
  top: { value: string; count: number }[] | null;
}

export interface TableProfile {
  /** Data rows, the header not counted. */
  rows: number;
  columns: ColumnProfile[];
}

/** What pandas and R read as missing, in the spellings seen in practice. */
const NULLS = new Set(["", "na", "n/a", "nan", "null", "none", "#n/a"]);
const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity)$/i;
const BOOL = /^(true|false)$/i;

/** Columns past this are counted as rows but not profiled: a pathological header cannot exhaust memory. */
const MAX_COLUMNS = 10_000;
/** Most frequent values kept per text column, each cut to this many characters. */
const TOP = 8;
const MAX_SHOWN = 200;

class Column {
  values = 0;
  nulls = 0;
  allInt = true;
  allNumber = true;
  allBool = true;
  min = Infinity;
  max = -Infinity;
  /** Running mean of the finite numeric values (Welford: no sum to overflow or lose digits). */
  mean = 0;
  finite = 0;
  distinct = new DistinctCounter();
  histogram = new StreamingHistogram(() => this.allInt);

  constructor(readonly name: string) {}

  add(raw: string | undefined) {
    const v = raw === undefined ? "" : raw.trim();
    if (NULLS.has(v.toLowerCase())) return void this.nulls++;
    this.values++;
    this.distinct.add(v);
    if (this.allBool && !BOOL.test(v)) this.allBool = false;
    if (!this.allNumber) return;
    if (this.allInt && !INT.test(v)) this.allInt = false;
    if (!this.allInt && !FLOAT.test(v)) return void (this.allNumber = false);
    const x = Number(/inf/i.test(v) ? v.replace(/inf(inity)?/i, "Infinity") : v);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (Number.isFinite(x)) {
      this.finite++;
      this.mean += (x - this.mean) / this.finite;
      this.histogram.add(x);
    }
  }

  profile(): ColumnProfile {
    const type: ColumnType | null = this.values === 0 ? null : this.allBool ? "bool" : this.allInt ? "int" : this.allNumber ? "float" : "string";
    const numeric = type === "int" || type === "float";
    return {
      name: this.name, values: this.values, nulls: this.nulls, type,
      min: numeric ? this.min : null, max: numeric ? this.max : null, mean: numeric && this.finite ? this.mean : null,
      distinct: this.distinct.count(), distinct_exact: this.distinct.exact,
      histogram: numeric ? this.histogram.result() : null,
      top: numeric ? null : (this.distinct.top(TOP)?.map((t) => ({ ...t, value: t.value.slice(0, MAX_SHOWN) })) ?? null),
    };
  }
}

/**
 * Profiles a CSV (or TSV) read as a stream of bytes: rows, and per column the null count,
 * the inferred type and the numeric range. Memory holds one record and the column
 * counters, whatever the file's size.
 */
export async function profileTable(bytes: AsyncIterable<Uint8Array>, delimiter: "," | "\t" = ","): Promise<TableProfile> {
  let columns: Column[] | null = null;
  let rows = 0;
  const parser = new CsvParser((record) => {
    if (!columns) return void (columns = record.slice(0, MAX_COLUMNS).map((name) => new Column(name.trim())));
    rows++;
    for (let i = 0; i < columns.length; i++) columns[i]!.add(record[i]);
  }, delimiter.charCodeAt(0));
  const decoder = new TextDecoder("utf-8"); // drops a leading BOM
  for await (const chunk of bytes) parser.push(decoder.decode(chunk, { stream: true }));
  parser.push(decoder.decode());
  parser.end();
  return { rows, columns: (columns as Column[] | null)?.map((c) => c.profile()) ?? [] };
}

/** A column of this type satisfies a declared one: ints are floats too; anything reads as a string. */
export function typeSatisfies(actual: ColumnType | null, declared: ColumnType): boolean {
  if (actual === null || actual === declared || declared === "string") return true;
  return declared === "float" && actual === "int";
}
