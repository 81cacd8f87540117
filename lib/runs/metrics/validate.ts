import { ValidationError } from "../../errors";
import type { MetricPoint } from "./types";

/** timestamptz starts at 4714-11-24 BC; JS dates reach further back. */
const MIN_TS_MS = -210866803200000;

/**
 * The few things that would otherwise fail deep inside COPY or, worse, be stored wrong: the
 * binary encoder would truncate a fractional step where text input would reject it.
 */
export function validatePoints(points: readonly MetricPoint[]): void {
  let checkedKey: string | undefined;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.key !== checkedKey) {
      if (typeof p.key !== "string" || p.key === "" || p.key.includes("\0")) throw invalid(i, "key", "a non-empty string without NUL");
      checkedKey = p.key;
    }
    if (!Number.isSafeInteger(p.step)) throw invalid(i, "step", "an integer");
    if (typeof p.value !== "number") throw invalid(i, "value", "a number");
    const t = p.ts instanceof Date ? p.ts.getTime() : NaN;
    if (!(t >= MIN_TS_MS)) throw invalid(i, "ts", "a valid date");
  }
}

function invalid(i: number, field: string, what: string) {
  return new ValidationError(`points[${i}].${field} must be ${what}`, `points[${i}].${field}`);
}
