/** The pipelines API's answers (lib/api/pipelines-endpoints.ts), as the pages read them. */
export type StepInput = { dataset: string; version?: number } | { step: string; output: string };

export type OutputKind = "dataset" | "artifact" | "model";

export interface StepDefinition {
  name: string;
  code: string;
  image?: string;
  resources: { cpu?: number; memory_mb?: number; gpus?: number };
  parameters: Record<string, string | number | boolean | null>;
  inputs: Record<string, StepInput>;
  outputs: Record<string, { kind: OutputKind }>;
  /** Steps it runs after though it reads nothing of theirs (absent from versions stored before ordering edges). */
  after?: string[];
  timeout_s: number;
  retries: number;
  cache: boolean;
}

export interface PipelineSummary {
  id: number;
  name: string;
  owner: string;
  description: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface PipelineDetail extends PipelineSummary {
  definition: { description: string; steps: StepDefinition[] };
  order: string[];
  versions: { version: number; created_at: string }[];
}

export const pipelinePage = (id: number, version?: number) => `/pipelines/${id}${version ? `?version=${version}` : ""}`;

/** A step's edges: one per upstream step it reads from or runs after. */
export function edgesOf(steps: StepDefinition[]): { from: string; to: string }[] {
  const edges = new Map<string, { from: string; to: string }>();
  for (const s of steps) {
    for (const i of Object.values(s.inputs)) if ("step" in i) edges.set(`${i.step}->${s.name}`, { from: i.step, to: s.name });
    for (const a of s.after ?? []) edges.set(`${a}->${s.name}`, { from: a, to: s.name });
  }
  return [...edges.values()];
}
