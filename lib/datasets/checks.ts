import type { Ctx } from "../auth/principal";
import type { CheckResult, DataChecks, ManifestFile } from "../db/schema";
import { UnprocessableError } from "../errors";
import { type ColumnProfile, profileTable, type TableProfile, typeSatisfies } from "./csv/profile";
import { isTable } from "./paths";
import { type BlobStore, readFile } from "./store";
import { findVersion } from "./versions";

export interface Table {
  path: string;
  profile: TableProfile;
}

/** Streams every .csv/.tsv file of a manifest from the store and profiles it; the manifest gains `rows` and the profile. */
export async function profileTables(store: BlobStore, files: ManifestFile[]): Promise<{ files: ManifestFile[]; tables: Table[] }> {
  const tables: Table[] = [];
  const out: ManifestFile[] = [];
  for (const f of files) {
    if (!isTable(f.path)) {
      out.push(f);
      continue;
    }
    const profile = await profileTable(readFile(store, f.chunks), /\.tsv$/i.test(f.path) ? "\t" : ",");
    tables.push({ path: f.path, profile });
    out.push({ ...f, rows: profile.rows, profile: storedProfile(profile) });
  }
  return { files: out, tables };
}

/** Columns whose profile a manifest keeps (the version page shows them); checks see every column. */
const STORED_COLUMNS = 200;

/** The part of a table's profile kept in its version's manifest. */
export function storedProfile(p: TableProfile): { columns: ColumnProfile[]; columns_total: number } {
  return { columns: p.columns.slice(0, STORED_COLUMNS), columns_total: p.columns.length };
}

/** The dataset's checks with an upload's on top (the upload's win, column by column). */
export function mergeChecks(base: DataChecks, extra: DataChecks | undefined): DataChecks {
  if (!extra) return base;
  return {
    ...base,
    ...extra,
    columns: base.columns || extra.columns ? { ...base.columns, ...extra.columns } : undefined,
    null_ratio: base.null_ratio || extra.null_ratio ? { ...base.null_ratio, ...extra.null_ratio } : undefined,
    ranges: base.ranges || extra.ranges ? { ...base.ranges, ...extra.ranges } : undefined,
  };
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : String(+x.toFixed(4)));
const ratioOf = (c: ColumnProfile) => (c.values + c.nulls === 0 ? 0 : c.nulls / (c.values + c.nulls));

/**
 * Runs declared checks over the profiled tables. Each check gives one result, failing when
 * any table fails it; `detail` says why in words a person reads on the dataset's page.
 */
export function evaluateChecks(checks: DataChecks, tables: Table[]): { status: "none" | "passed" | "failed"; results: CheckResult[] } {
  const results: CheckResult[] = [];
  const where = (t: Table) => (tables.length > 1 ? `${t.path}: ` : "");
  // One result from per-table verdicts: [passed, detail] each.
  const add = (check: string, verdict: (t: Table) => [boolean, string]) => {
    if (tables.length === 0) return results.push({ check, passed: false, detail: "no .csv or .tsv file to check" });
    const verdicts = tables.map((t) => [...verdict(t), where(t)] as const);
    const failed = verdicts.filter(([ok]) => !ok);
    const shown = failed.length ? failed : verdicts;
    results.push({ check, passed: failed.length === 0, detail: shown.map(([, d, w]) => w + d).join("; ") });
  };
  const column = (t: Table, name: string) => t.profile.columns.find((c) => c.name === name);

  for (const [name, type] of Object.entries(checks.columns ?? {}))
    add(`columns.${name}`, (t) => {
      const c = column(t, name);
      if (!c) return [false, `column ${name} is missing`];
      if (!typeSatisfies(c.type, type)) return [false, `column ${name} is ${c.type}, expected ${type}`];
      return [true, `column ${name} is ${c.type ?? "empty"}`];
    });
  if (checks.max_null_ratio !== undefined) {
    const limit = checks.max_null_ratio;
    add("max_null_ratio", (t) => {
      const over = t.profile.columns.filter((c) => ratioOf(c) > limit);
      if (over.length) return [false, over.map((c) => `null ratio of ${c.name} is ${fmt(ratioOf(c))} > ${fmt(limit)}`).join("; ")];
      const worst = Math.max(0, ...t.profile.columns.map(ratioOf));
      return [true, `every column's null ratio is <= ${fmt(limit)} (highest ${fmt(worst)})`];
    });
  }
  for (const [name, limit] of Object.entries(checks.null_ratio ?? {}))
    add(`null_ratio.${name}`, (t) => {
      const c = column(t, name);
      if (!c) return [false, `column ${name} is missing`];
      const r = ratioOf(c);
      return [r <= limit, `null ratio of ${name} is ${fmt(r)} ${r <= limit ? "<=" : ">"} ${fmt(limit)}`];
    });
  for (const [name, [lo, hi]] of Object.entries(checks.ranges ?? {}))
    add(`ranges.${name}`, (t) => {
      const c = column(t, name);
      if (!c) return [false, `column ${name} is missing`];
      if (c.type === null) return [true, `column ${name} has no values`];
      if (c.min === null || c.max === null) return [false, `column ${name} is ${c.type}, not numeric`];
      const ok = c.min >= lo && c.max <= hi;
      return [ok, `${name} spans ${fmt(c.min)}..${fmt(c.max)}, ${ok ? "within" : "outside"} [${fmt(lo)}, ${fmt(hi)}]`];
    });
  if (checks.rows) {
    const [lo, hi] = checks.rows;
    const total = tables.reduce((n, t) => n + t.profile.rows, 0);
    if (tables.length === 0) results.push({ check: "rows", passed: false, detail: "no .csv or .tsv file to check" });
    else {
      const ok = total >= lo && total <= hi;
      results.push({ check: "rows", passed: ok, detail: `${total} rows, ${ok ? "within" : "outside"} [${fmt(lo)}, ${fmt(hi)}]` });
    }
  }
  const status = results.length === 0 ? "none" : results.every((r) => r.passed) ? "passed" : "failed";
  return { status, results };
}

/**
 * For pipelines: the version a step may consume, refused (422, naming the failed checks)
 * when it failed its data checks. Versions without checks pass.
 */
export async function requirePassingVersion(ctx: Ctx, ref: string, version: number) {
  const found = await findVersion(ctx, ref, version);
  if (found.version.checksStatus === "failed") {
    const failed = found.version.checkResults.filter((r) => !r.passed).map((r) => `${r.check}: ${r.detail}`);
    throw new UnprocessableError(`${found.dataset.ref} version ${version} failed its data checks (${failed.join("; ")})`);
  }
  return found;
}
