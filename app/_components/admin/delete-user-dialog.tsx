"use client";

import { useState } from "react";

export type HomeFate = "delete" | "archive";

/**
 * Deleting a user, with what becomes of their files: deleted after the grace period (the
 * default; an admin can still purge or keep them meanwhile, under Deleted users' files), or
 * kept as an archive until an admin deletes them.
 */
export function DeleteUserDialog({ name, self, graceDays, busy, onConfirm, onCancel }: {
  name: string; self: boolean; graceDays: number; busy: boolean; onConfirm: (fate: HomeFate) => void; onCancel: () => void;
}) {
  const [fate, setFate] = useState<HomeFate>("delete");
  return (
    <div role="dialog" aria-modal="false" aria-labelledby="delete-user-title" className="card inline-dialog">
      <h3 id="delete-user-title">Delete {name}{self ? " (that is you)" : ""}?</h3>
      <p>Their servers stop now; their tokens and sessions go with them. This cannot be undone.</p>
      <fieldset>
        <legend>Their files</legend>
        <label className="radio">
          <input type="radio" name="home-fate" value="delete" checked={fate === "delete"} onChange={() => setFate("delete")} />
          Delete them after {graceDays} {graceDays === 1 ? "day" : "days"}
        </label>
        <label className="radio">
          <input type="radio" name="home-fate" value="archive" checked={fate === "archive"} onChange={() => setFate("archive")} />
          Keep them as an archive until an admin deletes them
        </label>
      </fieldset>
      <p className="muted">A new account with the same name starts with no files either way.</p>
      <div className="form-actions">
        <button type="button" className="btn btn-danger" disabled={busy} onClick={() => onConfirm(fate)}>
          Delete {name}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
