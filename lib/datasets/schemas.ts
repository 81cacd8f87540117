import { z } from "zod";
import { groupName, idParam } from "../api/schemas";
import { uploadPath } from "./paths";

/** A dataset name is a URL segment and a cache folder name in kernels: plain, and never `owner:` shaped. */
export const datasetName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "must be 1-100 characters: letters, digits, '.', '_' or '-', starting with a letter or digit")
  .describe("Dataset name, unique per owner");

/** `name` (the caller's own) or `owner:name` (another's). */
export const datasetRef = z
  .string()
  .regex(/^([a-z0-9][a-z0-9._-]{0,62}:)?[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "must be a dataset name or owner:name")
  .describe("`name` (yours) or `owner:name`");

const columnType = z.enum(["int", "float", "string", "bool"]);
const ratio = z.number().min(0).max(1);
const range = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo <= hi, "must be [min, max] with min <= max");

/** Data checks: run on every new version's .csv/.tsv files (CI for data). */
export const dataChecks = z
  .object({
    columns: z.record(z.string().min(1), columnType).optional().describe("Columns that must exist, with their type"),
    max_null_ratio: ratio.optional().describe("The most any column may be null (empty, NA, NaN, null, None)"),
    null_ratio: z.record(z.string().min(1), ratio).optional().describe("The most each named column may be null"),
    ranges: z.record(z.string().min(1), range).optional().describe("[min, max] of each named numeric column"),
    rows: range.optional().describe("[min, max] data rows over all the version's CSV files"),
  })
  .strict()
  .describe("Data checks");

export const createBody = z.object({
  name: datasetName,
  description: z.string().max(10_000).default(""),
  checks: dataChecks.default({}),
});

export const patchBody = z.object({
  description: z.string().max(10_000).optional(),
  checks: dataChecks.optional(),
  public: z.boolean().optional().describe("Readable by every user"),
  shared_groups: z.array(groupName).max(100).optional().describe("Groups whose members may read it (replaces the list)"),
});

export const startUploadBody = z
  .object({
    message: z.string().max(10_000).optional(),
    checks: dataChecks.optional().describe("Checks for this version, on top of the dataset's own"),
  })
  .default({});

export const refParams = z.object({ ref: datasetRef });
export const uploadParams = refParams.extend({ upload_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "not an upload id") });
export const fileParams = uploadParams.extend({ path: uploadPath });
export const versionParams = refParams.extend({ version: idParam });
export const versionFileParams = versionParams.extend({ path: uploadPath });
export const diffQuery = z.object({
  from: idParam.describe("The older version"),
  to: idParam.describe("The newer version"),
});
export const kernelQuery = z.object({ version: idParam.optional().describe("Default: the version this run pinned, else the latest") });

const checkStatus = z.enum(["none", "passed", "failed"]);
const checkResult = z.object({ check: z.string(), passed: z.boolean(), detail: z.string() });

export const versionSummary = z.object({
  version: z.number(), size: z.number(), files: z.number(), created_at: z.string(), created_by: z.string().nullable(),
  message: z.string(), checks_status: checkStatus, produced_by_run_id: z.number().nullable(),
});
export const datasetSummary = z.object({
  id: z.number(), name: z.string(), owner: z.string(), description: z.string(), public: z.boolean(),
  shared_groups: z.array(z.string()), checks: z.record(z.string(), z.unknown()), created_at: z.string(),
  latest_version: z.number().nullable(),
});
export const datasetModel = datasetSummary.extend({ versions: z.array(versionSummary).describe("Newest first") });
export const fileEntry = z.object({ path: z.string(), size: z.number(), sha256: z.string(), rows: z.number().optional() });
export const versionModel = z.object({
  dataset: z.string(), owner: z.string(), version: z.number(), files: z.array(fileEntry), size: z.number(),
  checks_status: checkStatus, check_results: z.array(checkResult),
  lineage: z.object({
    produced_by_run_id: z.number().nullable(),
    parents: z.array(z.object({ dataset: z.string(), owner: z.string(), version: z.number() })),
  }),
  created_at: z.string(), created_by: z.string().nullable(), message: z.string(),
});
/** The commit's answer: the version detail, plus `checks` in the shape the kiln module reads. */
export const committedModel = versionModel.extend({
  checks: z.object({ status: checkStatus, results: z.array(checkResult) }),
});
export const uploadModel = z.object({ upload_id: z.string(), dataset: z.string(), owner: z.string() });
export const storedFileModel = z.object({ path: z.string(), size: z.number(), sha256: z.string() });
export const diffModel = z.object({
  added: z.array(z.string()), removed: z.array(z.string()),
  changed: z.array(z.object({ path: z.string(), size_from: z.number(), size_to: z.number(), rows_from: z.number().optional(), rows_to: z.number().optional() })),
  unchanged: z.number(),
});
export const lineageModel = z.object({
  nodes: z.array(z.object({ id: z.string(), kind: z.enum(["version", "run"]), label: z.string() })),
  edges: z.array(z.object({ from: z.string(), to: z.string() })),
});
export const resolvedModel = z.object({
  dataset: z.string(), owner: z.string(), version: z.number(), checks_status: checkStatus,
  files: z.array(storedFileModel),
});

export const tableQuery = z.object({ rows: z.coerce.number().int().min(1).max(200).default(20).describe("Data rows in the preview") });
const columnProfile = z.object({
  name: z.string(), type: columnType.nullable(), values: z.number(), nulls: z.number(),
  distinct: z.number(), distinct_exact: z.boolean().describe("false: estimated (HyperLogLog), past 10,000 distinct values"),
  min: z.number().nullable(), max: z.number().nullable(), mean: z.number().nullable(),
  histogram: z.object({ lo: z.number(), width: z.number(), counts: z.array(z.number()) }).nullable().describe("Numeric columns: equal-width bars from lo"),
  top: z.array(z.object({ value: z.string(), count: z.number() })).nullable().describe("Text and bool columns: the most frequent values"),
});
export const tableModel = z.object({
  path: z.string(), rows: z.number().describe("Data rows in the whole file"),
  columns: z.array(columnProfile).describe("The profile computed at commit (at most 200 columns)"), columns_total: z.number(),
  preview: z.object({ header: z.array(z.string()), rows: z.array(z.array(z.string())), more: z.boolean(), hidden_columns: z.number() }),
});
