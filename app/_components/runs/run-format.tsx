import type { RunStatus } from "./types";

/** 0.4 s, 12.5 s, 3 min 20 s, 2 h 5 min: a duration at the precision a reader needs. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A metric value short enough for a table cell or a tick label, exact enough to tell runs apart. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return String(+v.toPrecision(4));
}

export function formatBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

const BADGE: Record<RunStatus, string> = {
  queued: "badge-neutral",
  running: "badge-accent",
  finished: "badge-success",
  failed: "badge-danger",
  killed: "badge-danger",
};

/** A running interactive run whose kernel waits between cells reads "running · idle": the run is open, no cell runs now. */
export function StatusBadge({ status, activity }: { status: RunStatus; activity?: "executing" | "idle" | null }) {
  const idle = status === "running" && activity === "idle";
  return (
    <span
      className={`badge ${idle ? "badge-neutral" : BADGE[status] ?? "badge-neutral"}`}
      data-testid="run-status"
      title={idle ? "The notebook's kernel is open; no cell is running now" : undefined}
    >
      {idle ? "running · idle" : status}
    </span>
  );
}

/** Each path segment encoded, the slashes kept: the API's {path+} takes the rest of the URL. */
export const artifactUrl = (runId: number, path: string) => `/api/runs/${runId}/artifacts/${path.split("/").map(encodeURIComponent).join("/")}`;
export const seriesUrl = (runId: number, key: string, maxPoints = 600) =>
  `/api/runs/${runId}/metrics/${key.split("/").map(encodeURIComponent).join("/")}?max_points=${maxPoints}`;
/** The Data pages' addresses (app/(features)/data/[owner]/[name]): a dataset, and one version of it. */
export const dataUrl = (owner: string, dataset: string, version?: number) =>
  `/data/${encodeURIComponent(owner)}/${encodeURIComponent(dataset)}${version === undefined ? "" : `/versions/${version}`}`;
