/** The GPU API's shapes as the pages read them (lib/api/gpu-endpoints.ts is the source). */
export interface GpuRow {
  uuid: string;
  host: string;
  index: number;
  model: string;
  memory_mb: number;
  state: "available" | "lost";
  held_by: string | null;
  held_since: string | null;
  utilization: number | null;
}
export interface QueueRow {
  id: number;
  position: number;
  user: string;
  holder: string | null;
  count: number;
  priority: number;
  user_holds: number;
  since: string;
}
export interface QuotaRow {
  kind: "user" | "group";
  name: string;
  max_gpus: number | null;
  max_gpu_hours: number | null;
}
export interface UsageReport {
  month: string;
  users: { user: string; gpu_seconds: number; gpu_hours: number; holdings: number }[];
  groups: { group: string; gpu_seconds: number; gpu_hours: number; holdings: number }[];
}
