"use client";

import { useSignal } from "./signal";
import { useController } from "./use-store";

/** Saved elsewhere since this page loaded: the latest version is shown; ours can be put back. */
export function ConflictBanner() {
  const c = useController();
  const conflict = useSignal(c.conflict);
  if (!conflict) return null;
  return (
    <div className="alert alert-warning nb-banner" role="alert">
      <p>
        This notebook was saved somewhere else (another tab or another person) after you opened it, so Kiln loaded the latest version.
        Your unsaved edits are kept aside.
      </p>
      <div className="nb-banner-actions">
        <button type="button" className="btn btn-primary btn-small" onClick={() => c.keepMine()}>
          Keep my version
        </button>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => c.conflict.set(null)}>
          Use the latest version
        </button>
      </div>
    </div>
  );
}

export function ErrorBanner() {
  const c = useController();
  const error = useSignal(c.error);
  if (!error) return null;
  return (
    <div className="alert alert-error nb-banner" role="alert">
      <p>{error}</p>
      <button type="button" className="btn btn-secondary btn-small" onClick={() => c.error.set("")}>
        Dismiss
      </button>
    </div>
  );
}
