/** The registry's answers (lib/api/models-endpoints.ts), as the pages read them. */
export interface TensorSpec {
  name: string;
  type: string;
  shape: (number | string | null)[];
}
export interface ModelVersion {
  version: number;
  run_id: number | null;
  artifact_path: string;
  size: number;
  sha256: string;
  signature: { inputs: TensorSpec[]; outputs: TensorSpec[]; columns: { name: string; type: string }[] | null; task: string | null; classes: unknown[] | null };
  metrics: Record<string, number>;
  lineage: {
    run_id: number; notebook_id: number | null; notebook_name: string; notebook_revision: number; image: string; image_digest: string;
    datasets: { dataset: string; owner: string; version: number }[]; params: Record<string, unknown>;
  } | null;
  description: string;
  aliases: string[];
  created_at: string;
}
export interface ModelSummary {
  id: number;
  name: string;
  owner: string;
  description: string;
  public: boolean;
  created_at: string;
  versions: number;
  latest_version: number | null;
  aliases: Record<string, number | null>;
}
export interface ModelDetail extends ModelSummary {
  version_list: ModelVersion[];
}

export const modelPage = (id: number) => `/models/${id}`;
export const shapeText = (t: TensorSpec) => `${t.type}[${t.shape.map((d) => d ?? "?").join(", ")}]`;
