import { describe, expect, test } from "vitest";
import { evaluateChecks, mergeChecks } from "../../lib/datasets/checks";
import { CsvParser } from "../../lib/datasets/csv/parse";
import { profileTable } from "../../lib/datasets/csv/profile";
import { pathProblem } from "../../lib/datasets/paths";

function parse(text: string, pieces = 1): string[][] {
  const out: string[][] = [];
  const p = new CsvParser((r) => out.push(r));
  const size = Math.ceil(text.length / pieces);
  for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
  p.end();
  return out;
}

async function* bytes(text: string, size = 7) {
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe("CSV parsing (RFC 4180)", () => {
  const text = 'a,b,c\r\n1,"x, y",3\r\n"multi\r\nline","say ""hi""",\r\n\r\nlast,row,"q"';
  const expected = [["a", "b", "c"], ["1", "x, y", "3"], ["multi\r\nline", 'say "hi"', ""], ["last", "row", "q"]];

  test("quotes, escaped quotes, CRLF, line breaks inside quotes, an empty last field, a blank line, no final newline", () => {
    expect(parse(text)).toEqual(expected);
  });

  test("the same records however the text is split (a CR and its LF in different pieces too)", () => {
    for (const pieces of [2, 3, 5, 11, text.length]) expect(parse(text, pieces)).toEqual(expected);
  });
});

describe("table profiles", () => {
  test("rows, nulls (empty, NA, NaN, null, None), inferred types and numeric ranges, from bytes split mid-character", async () => {
    const csv = "\uFEFFid,score,name,ok,empty\n1,0.5,Zoë,true,\n2,NA,\"Doe, J\",False,\n3,2e3,None,true,NaN\n-4,,x,TRUE,null\n";
    const p = await profileTable(bytes(csv, 3));
    expect(p.rows).toBe(4);
    const col = (n: string) => p.columns.find((c) => c.name === n)!;
    expect(col("id")).toMatchObject({ type: "int", min: -4, max: 3, nulls: 0 });
    expect(col("score")).toMatchObject({ type: "float", min: 0.5, max: 2000, nulls: 2, values: 2 });
    expect(col("name")).toMatchObject({ type: "string", nulls: 1, min: null });
    expect(col("ok")).toMatchObject({ type: "bool" });
    expect(col("empty")).toMatchObject({ type: null, nulls: 4, values: 0 });
  });

  test("mean, distinct counts, a histogram of numeric columns and the most frequent values of text ones", async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `${i},${(i % 10) / 10},${["red", "green", "blue"][i % 3]},${i % 7 === 0 ? "" : "x"}`);
    const p = await profileTable(bytes(`n,f,colour,sparse\n${rows.join("\n")}\n`, 1000));
    const col = (n: string) => p.columns.find((c) => c.name === n)!;
    expect(col("n")).toMatchObject({ type: "int", mean: 499.5, distinct: 1000, distinct_exact: true, top: null });
    const h = col("n").histogram!;
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(1000); // every value in a bar, exactly once
    expect(h.counts.length).toBeLessThanOrEqual(20);
    expect(h.lo).toBeLessThanOrEqual(0);
    expect(h.lo + h.width * h.counts.length).toBeGreaterThan(999);
    expect(col("f")).toMatchObject({ type: "float", distinct: 10, min: 0, max: 0.9 });
    expect(col("f").mean).toBeCloseTo(0.45, 10);
    expect(col("colour")).toMatchObject({ type: "string", distinct: 3, histogram: null, mean: null });
    expect(col("colour").top).toEqual([{ value: "red", count: 334 }, { value: "blue", count: 333 }, { value: "green", count: 333 }]);
    expect(col("sparse")).toMatchObject({ nulls: 143, distinct: 1 });
  });

  test("a histogram whose range grows after its first bars (values arriving in rising order) still holds every value", async () => {
    const values = [...Array.from({ length: 1500 }, (_, i) => i / 100), ...Array.from({ length: 500 }, (_, i) => -1e6 + i * 4000)];
    const p = await profileTable(bytes(`v\n${values.join("\n")}\n`, 4096));
    const h = p.columns[0]!.histogram!;
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(h.lo).toBeLessThanOrEqual(-1e6);
    expect(h.lo + h.width * h.counts.length).toBeGreaterThan(14.99);
  });

  test("past 10,000 distinct values the count is estimated within a few percent, in bounded memory", async () => {
    const n = 50_000;
    const p = await profileTable(bytes(`id\n${Array.from({ length: n }, (_, i) => `k${i}`).join("\n")}\n`, 65536));
    const c = p.columns[0]!;
    expect(c.distinct_exact).toBe(false);
    expect(Math.abs(c.distinct - n) / n).toBeLessThan(0.05);
    expect(c.top).toBeNull();
  });

  test("TSV files use tabs", async () => {
    const p = await profileTable(bytes("a\tb\n1\tx,y\n"), "\t");
    expect(p.columns.map((c) => c.type)).toEqual(["int", "string"]);
  });
});

describe("data checks", () => {
  const table = async (csv: string) => ({ path: "t.csv", profile: await profileTable(bytes(csv)) });

  test("each kind of check passes or fails with a reason a person reads", async () => {
    const t = await table("x,y,label\n1,,a\n2,0.5,b\n3,0.7,c\n40,0.1,d\n");
    const r = evaluateChecks(
      { columns: { x: "float", label: "int", missing: "string" }, max_null_ratio: 0.1, null_ratio: { y: 0.3 }, ranges: { x: [0, 10] }, rows: [1, 3] },
      [t],
    );
    const by = Object.fromEntries(r.results.map((x) => [x.check, x]));
    expect(r.status).toBe("failed");
    expect(by["columns.x"]).toMatchObject({ passed: true });
    expect(by["columns.label"]).toMatchObject({ passed: false, detail: "column label is string, expected int" });
    expect(by["columns.missing"]).toMatchObject({ passed: false, detail: "column missing is missing" });
    expect(by["max_null_ratio"]).toMatchObject({ passed: false, detail: "null ratio of y is 0.25 > 0.1" });
    expect(by["null_ratio.y"]).toMatchObject({ passed: true, detail: "null ratio of y is 0.25 <= 0.3" });
    expect(by["ranges.x"]).toMatchObject({ passed: false, detail: "x spans 1..40, outside [0, 10]" });
    expect(by["rows"]).toMatchObject({ passed: false, detail: "4 rows, outside [1, 3]" });
  });

  test("no checks: status none; checks but no table: failed, saying so", async () => {
    expect(evaluateChecks({}, [await table("a\n1\n")]).status).toBe("none");
    const r = evaluateChecks({ rows: [1, 10] }, []);
    expect(r).toEqual({ status: "failed", results: [{ check: "rows", passed: false, detail: "no .csv or .tsv file to check" }] });
  });

  test("an upload's checks add to the dataset's, column by column", () => {
    expect(mergeChecks({ null_ratio: { a: 0 }, rows: [1, 2] }, { null_ratio: { b: 0.1 } })).toMatchObject({ null_ratio: { a: 0, b: 0.1 }, rows: [1, 2] });
  });
});

test("file paths inside a dataset: relative, '/'-separated, nothing that climbs out or names a file twice", () => {
  for (const ok of ["iris.csv", "train/part-0001.parquet", "a b/ü.txt", ".hidden"]) expect(pathProblem(ok)).toBeNull();
  for (const bad of ["", "../x", "a/../b", "/etc/passwd", "a//b", "a/", "a\\b", "a\u0000b", "a\nb", "./a", "x".repeat(1025)])
    expect(pathProblem(bad), JSON.stringify(bad)).not.toBeNull();
});
