/** The datasets API's models as the browser reads them (docs/runs-api.md, "Datasets"). */
export type ChecksStatus = "none" | "passed" | "failed";

export interface DatasetSummary {
  id: number;
  name: string;
  owner: string;
  description: string;
  public: boolean;
  shared_groups: string[];
  checks: Record<string, unknown>;
  created_at: string;
  latest_version: number | null;
}

export interface VersionSummary {
  version: number;
  size: number;
  files: number;
  created_at: string;
  created_by: string | null;
  message: string;
  checks_status: ChecksStatus;
  produced_by_run_id: number | null;
}

export interface DatasetModel extends DatasetSummary {
  versions: VersionSummary[];
}

export interface CheckResult {
  check: string;
  passed: boolean;
  detail: string;
}

export interface VersionModel {
  dataset: string;
  owner: string;
  version: number;
  files: { path: string; size: number; sha256: string; rows?: number }[];
  size: number;
  checks_status: ChecksStatus;
  check_results: CheckResult[];
  lineage: { produced_by_run_id: number | null; parents: { dataset: string; owner: string; version: number }[] };
  created_at: string;
  created_by: string | null;
  message: string;
}

export interface DiffModel {
  added: string[];
  removed: string[];
  changed: { path: string; size_from: number; size_to: number; rows_from?: number; rows_to?: number }[];
  unchanged: number;
}

export interface LineageModel {
  nodes: { id: string; kind: "version" | "run"; label: string }[];
  edges: { from: string; to: string }[];
}

/** `owner:name`, the ref every dataset route takes, as one URL segment. */
export const refSegment = (owner: string, name: string) => encodeURIComponent(`${owner}:${name}`);
export const datasetPage = (owner: string, name: string) => `/data/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
export const filePath = (p: string) => p.split("/").map(encodeURIComponent).join("/");

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export interface ColumnProfile {
  name: string;
  type: "int" | "float" | "string" | "bool" | null;
  values: number;
  nulls: number;
  distinct: number;
  distinct_exact: boolean;
  min: number | null;
  max: number | null;
  mean: number | null;
  histogram: { lo: number; width: number; counts: number[] } | null;
  top: { value: string; count: number }[] | null;
}

/** GET /api/datasets/{ref}/versions/{version}/table/{path}: the first rows and the column profile. */
export interface TableModel {
  path: string;
  rows: number;
  columns: ColumnProfile[];
  columns_total: number;
  preview: { header: string[]; rows: string[][]; more: boolean; hidden_columns: number };
}
