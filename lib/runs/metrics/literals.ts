/**
 * PostgreSQL array literals. Each column of a batch's summary rows travels as ONE text
 * parameter that `unnest` spreads into rows: one statement for any number of rows, on both
 * drivers, and no driver-specific array handling to disagree about NaN or -0.
 */
export function textArray(values: readonly string[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    if (i) out += ",";
    out += '"' + values[i]!.replace(/[\\"]/g, "\\$&") + '"';
  }
  return out + "}";
}

/** float8 or bigint: String() gives the shortest text that parses back to the same double. */
export function numberArray(values: readonly number[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    if (i) out += ",";
    out += float8Text(values[i]!);
  }
  return out + "}";
}

/** NaN, Infinity and -Infinity are what float8in reads; String(-0) would drop the sign. */
export function float8Text(v: number): string {
  return v === 0 && 1 / v < 0 ? "-0" : String(v);
}
