import { formatDuration } from "../runs/run-format";
import type { Attempt, RunStatus, StepStatus, Trigger } from "./run-types";

type Status = RunStatus | StepStatus | Attempt["status"];
const BADGE: Record<Status, string> = {
  waiting: "badge-neutral", queued: "badge-neutral", running: "badge-accent", succeeded: "badge-success",
  failed: "badge-danger", lost: "badge-danger", cancelled: "badge-neutral", skipped: "badge-neutral", cached: "badge-success",
};

/** A run's, a step's or an attempt's status as the badge the runs pages use. */
export function RunStatusBadge({ status }: { status: Status }) {
  return <span className={`badge ${BADGE[status] ?? "badge-neutral"}`} data-testid="pipeline-run-status">{status}</span>;
}

export const durationText = (ms: number | null) => (ms === null ? "—" : formatDuration(ms / 1000));

/** What started a run: a person, a cron tick, a new dataset version, a sweep's trial. */
export function triggerText(t: Trigger): string {
  if (t.kind === "schedule") return "schedule tick";
  if (t.kind === "dataset") return `dataset v${t.version}`;
  if (t.kind === "sweep") return `sweep ${t.sweep_id}, trial ${t.trial}`;
  return "manual";
}
