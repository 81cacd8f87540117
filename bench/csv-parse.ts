/**
 * CSV parsing for dataset profiles: Kiln's own streaming RFC 4180 parser
 * (lib/datasets/csv/parse.ts) against csv-parse (the well-kept streaming parser the issue
 * names as the default choice), on the same bytes in the same run, fed the same 64 KiB
 * chunks as the blob store yields. Both count records and fields, so nothing is optimised
 * away; both must agree on them, and on every record of a 1 MB sample. Three shapes: numbers only (a metrics table), mixed with
 * quoted text (commas, "" escapes, line breaks inside quotes), and wide (200 columns).
 * Median of 5 alternating rounds. Prints JSON; writes bench/results/csv-parse.json.
 *   usage: node --import tsx bench/csv-parse.ts [--mb 64] [--runs 5]
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";
import { CsvParser } from "../lib/datasets/csv/parse";

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || fallback) || fallback;
const mb = arg("mb", 64);
const runs = arg("runs", 5);
const CHUNK = 64 * 1024;

/** A deterministic pseudo-random stream (xorshift), so every run parses the same file. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
}

function makeCsv(shape: "numeric" | "mixed" | "wide"): Buffer {
  const r = rng(42);
  const parts: string[] = [];
  let size = 0;
  const cols = shape === "wide" ? 200 : 8;
  const header = Array.from({ length: cols }, (_, i) => `col_${i}`).join(",") + "\r\n"; // one line ending throughout: csv-parse takes the first it meets for all
  parts.push(header);
  size += header.length;
  const words = ["alpha", "beta", "gamma, delta", 'say "hi"', "multi\nline", "ünïcödé", "", "NA"];
  while (size < mb * 1024 * 1024) {
    const fields: string[] = [];
    for (let c = 0; c < cols; c++) {
      if (shape !== "mixed" || c < 4) fields.push(c % 2 ? (r() * 1000).toFixed(4) : String(Math.floor(r() * 1e6)));
      else {
        const w = words[Math.floor(r() * words.length)]!;
        fields.push(/[",\n]/.test(w) ? `"${w.replace(/"/g, '""')}"` : w);
      }
    }
    const line = fields.join(",") + "\r\n";
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join(""), "utf8");
}

function* chunks(buf: Buffer) {
  for (let i = 0; i < buf.length; i += CHUNK) yield buf.subarray(i, i + CHUNK);
}

interface Count {
  records: number;
  fields: number;
}

function kiln(buf: Buffer): Count {
  const n = { records: 0, fields: 0 };
  const p = new CsvParser((rec) => ((n.records += 1), (n.fields += rec.length)));
  const dec = new TextDecoder("utf-8");
  for (const c of chunks(buf)) p.push(dec.decode(c, { stream: true }));
  p.push(dec.decode());
  p.end();
  return n;
}

/** csv-parse as a streaming parser (its Transform API, written chunk by chunk), lenient as Kiln's is. */
function csvParse(buf: Buffer): Promise<Count> {
  return new Promise((resolve, reject) => {
    const n = { records: 0, fields: 0 };
    const parser = parse({ relax_quotes: true, relax_column_count: true, skip_empty_lines: true, bom: true });
    parser.on("readable", () => {
      let rec: string[] | null;
      while ((rec = parser.read()) !== null) (n.records += 1), (n.fields += rec.length);
    });
    parser.on("error", reject);
    parser.on("end", () => resolve(n));
    for (const c of chunks(buf)) parser.write(c);
    parser.end();
  });
}

/** Both parsers' records in full, for a sample: agreeing on counts alone could hide a field split differently. */
async function sameRecords(buf: Buffer) {
  const mine: string[][] = [];
  const p = new CsvParser((r) => mine.push(r));
  p.push(buf.toString("utf8"));
  p.end();
  const theirs: string[][] = [];
  const parser = parse({ relax_quotes: true, relax_column_count: true, skip_empty_lines: true, bom: true });
  parser.on("readable", () => {
    let rec: string[] | null;
    while ((rec = parser.read()) !== null) theirs.push(rec);
  });
  await new Promise((resolve, reject) => (parser.on("end", resolve), parser.on("error", reject), parser.end(buf)));
  const differs = mine.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(theirs[i]));
  if (differs >= 0 || mine.length !== theirs.length)
    throw new Error(`the parsers read the sample differently at record ${differs}: ${JSON.stringify(mine[differs])} against ${JSON.stringify(theirs[differs])}`);
  return mine.length;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const results: Record<string, unknown>[] = [];
  for (const shape of ["numeric", "mixed", "wide"] as const) {
    const buf = makeCsv(shape);
    const sample = buf.subarray(0, buf.indexOf("\r\n", 1024 * 1024) + 2);
    const sampleRecords = await sameRecords(sample);
    const mbps: Record<"kiln" | "csv_parse", number[]> = { kiln: [], csv_parse: [] };
    let counts: Record<string, Count> = {};
    for (let i = 0; i < runs; i++) {
      // alternate which goes first, so neither always meets a warm (or cold) heap
      const order = i % 2 ? (["csv_parse", "kiln"] as const) : (["kiln", "csv_parse"] as const);
      for (const which of order) {
        const t = process.hrtime.bigint();
        const c = which === "kiln" ? kiln(buf) : await csvParse(buf);
        const s = Number(process.hrtime.bigint() - t) / 1e9;
        mbps[which].push(buf.length / 1024 / 1024 / s);
        counts[which] = c;
      }
    }
    if (counts.kiln!.records !== counts.csv_parse!.records || counts.kiln!.fields !== counts.csv_parse!.fields)
      throw new Error(`${shape}: the parsers disagree: ${JSON.stringify(counts)}`);
    const k = median(mbps.kiln);
    const c = median(mbps.csv_parse);
    results.push({ shape, same_records_in_sample: sampleRecords, mb: +(buf.length / 1024 / 1024).toFixed(1), records: counts.kiln!.records, kiln_mb_s: +k.toFixed(1), csv_parse_mb_s: +c.toFixed(1), ratio_kiln_to_csv_parse: +(k / c).toFixed(2) });
    counts = {};
  }
  const out = { bench: "csv-parse", node: process.version, runs, chunk_bytes: CHUNK, results };
  console.log(JSON.stringify(out, null, 1));
  fs.mkdirSync(path.join(import.meta.dirname, "results"), { recursive: true });
  fs.writeFileSync(path.join(import.meta.dirname, "results", "csv-parse.json"), JSON.stringify(out, null, 1) + "\n");
}

await main();
