import type { ChecksStatus } from "./types";

const LOOK: Record<ChecksStatus, [string, string]> = {
  passed: ["badge badge-success", "checks passed"],
  failed: ["badge badge-danger", "checks failed"],
  none: ["badge badge-neutral", "no checks"],
};

/** A version's data-checks outcome, in words (colour alone says nothing to a screen reader). */
export function CheckBadge({ status }: { status: ChecksStatus }) {
  const [className, text] = LOOK[status];
  return <span className={className} data-testid="checks-status">{text}</span>;
}
