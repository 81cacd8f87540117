import { float8Text } from "./literals";
import type { MetricPoint } from "./types";

/** PostgreSQL's binary COPY: signature, flags, header extension length. */
const HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_32 = 2 ** 32;

/**
 * The rows (run_id int4, key text, step int8, value float8, ts timestamptz) in binary COPY
 * format: no number is printed or parsed on either side, and NaN/±Infinity/-0 pass as bits.
 */
export function encodeBinaryCopy(runId: number, points: readonly MetricPoint[]): Buffer<ArrayBuffer> {
  const keyBytes = new Map<string, Buffer>();
  let size = HEADER.length + 2;
  for (const p of points) {
    let k = keyBytes.get(p.key);
    if (!k) keyBytes.set(p.key, (k = Buffer.from(p.key, "utf8")));
    size += 50 + k.length;
  }
  const buf = Buffer.allocUnsafe(size);
  HEADER.copy(buf, 0);
  let o = HEADER.length;
  for (const p of points) {
    const k = keyBytes.get(p.key)!;
    o = buf.writeInt16BE(5, o);
    o = buf.writeInt32BE(4, o);
    o = buf.writeInt32BE(runId, o);
    o = buf.writeInt32BE(k.length, o);
    o += k.copy(buf, o);
    o = buf.writeInt32BE(8, o);
    o = writeInt64(buf, p.step, o);
    o = buf.writeInt32BE(8, o);
    o = buf.writeDoubleBE(p.value, o);
    o = buf.writeInt32BE(8, o);
    o = writeInt64(buf, (p.ts.getTime() - PG_EPOCH_MS) * 1000, o);
  }
  buf.writeInt16BE(-1, o);
  return buf;
}

/** A safe integer as two's-complement int64, without BigInt: high word floored, low word unsigned. */
function writeInt64(buf: Buffer, n: number, o: number): number {
  const hi = Math.floor(n / TWO_32);
  buf.writeInt32BE(hi, o);
  buf.writeUInt32BE(n - hi * TWO_32, o + 4);
  return o + 8;
}

/** The same rows in text COPY format (kept to measure against the binary one). */
export function encodeTextCopy(runId: number, points: readonly MetricPoint[]): Buffer {
  const escaped = new Map<string, string>();
  const prefix = `${runId}\t`;
  let out = "";
  for (const p of points) {
    let k = escaped.get(p.key);
    if (k === undefined) escaped.set(p.key, (k = escapeCopyText(p.key)));
    out += `${prefix}${k}\t${p.step}\t${float8Text(p.value)}\t${p.ts.toISOString()}\n`;
  }
  return Buffer.from(out, "utf8");
}

function escapeCopyText(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}
