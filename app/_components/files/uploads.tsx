"use client";

import { useCallback, useRef, useState } from "react";
import { joinPath, nameProblem } from "./paths";
import { uploadFile } from "./upload";

interface Upload {
  id: number;
  name: string;
  progress: number;
  error?: string;
}

/** The files picked or dropped together: reported together, not one name at a time. */
export interface UploadBatch {
  /** Those uploaded so far, in the order they finished. */
  names: string[];
  /** Files in the batch that will be tried (refused names are not). */
  total: number;
}

/** Uploads in flight (and failed ones, until dismissed); `onUploaded` runs after each success with its batch so far. */
export function useUploads(user: string, onUploaded: (dir: string, batch: UploadBatch) => void) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const next = useRef(0);
  const patch = (id: number, p: Partial<Upload>) => setUploads((us) => us.map((u) => (u.id === id ? { ...u, ...p } : u)));

  const start = useCallback(
    (dir: string, files: File[]) => {
      const batch: UploadBatch = { names: [], total: files.filter((f) => !nameProblem(f.name)).length };
      for (const file of files) {
        const id = ++next.current;
        // Checked here as well as by Jupyter: a dropped name never becomes a path elsewhere.
        const problem = nameProblem(file.name);
        setUploads((us) => [...us, { id, name: file.name, progress: 0, error: problem ?? undefined }]);
        if (problem) continue;
        void uploadFile(user, joinPath(dir, file.name), file, (f) => patch(id, { progress: f })).then((r) => {
          if (!r.ok) return patch(id, { error: r.message });
          setUploads((us) => us.filter((u) => u.id !== id));
          batch.names.push(file.name);
          onUploaded(dir, { ...batch, names: [...batch.names] });
        });
      }
    },
    [user, onUploaded],
  );

  const dismiss = (id: number) => setUploads((us) => us.filter((u) => u.id !== id));
  return { uploads, start, dismiss };
}

/** One progress bar per file being uploaded; failures stay with their reason. */
export function UploadList({ uploads, onDismiss }: { uploads: Upload[]; onDismiss: (id: number) => void }) {
  if (uploads.length === 0) return null;
  return (
    <ul className="upload-list" aria-label="Uploads">
      {uploads.map((u) => (
        <li key={u.id} className={u.error ? "upload upload-failed" : "upload"}>
          <span className="upload-name">{u.name}</span>
          {u.error ? (
            <>
              <span className="field-error">{u.error}</span>
              <button type="button" className="btn btn-secondary btn-small" aria-label={`Dismiss upload error for ${u.name}`} onClick={() => onDismiss(u.id)}>
                Dismiss
              </button>
            </>
          ) : (
            <>
              <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`} />
              <span className="muted upload-percent">{Math.round(u.progress * 100)}%</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
