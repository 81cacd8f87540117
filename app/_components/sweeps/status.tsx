import type { SweepStatus, Trial, TrialStatus } from "./types";

const BADGE: Record<SweepStatus | TrialStatus, string> = {
  queued: "badge-neutral", running: "badge-accent", succeeded: "badge-success", failed: "badge-danger", pruned: "badge-neutral", cancelled: "badge-neutral",
};

/** A sweep's status as the badge the runs pages use. */
export function SweepStatusBadge({ status }: { status: SweepStatus }) {
  return <span className={`badge ${BADGE[status] ?? "badge-neutral"}`} data-testid="sweep-status">{status}</span>;
}

/** A trial's status; a pruned one says at which rung ASHA stopped it, a failed one why (on hover). */
export function TrialStatusBadge({ trial }: { trial: Trial }) {
  const text = trial.status === "pruned" && trial.rung !== null ? `pruned at rung ${trial.rung}` : trial.status;
  return <span className={`badge ${BADGE[trial.status] ?? "badge-neutral"}`} title={trial.error ?? undefined}>{text}</span>;
}
