"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { fieldMessage } from "../api";
import { Field } from "../field";
import { CheckBadge } from "./check-badge";
import styles from "./datasets.module.css";
import { filesFromDrop, filesFromInput, type Picked, suggestedName } from "./pick-files";
import { datasetPage, type VersionModel } from "./types";
import { uploadVersion } from "./upload";

/**
 * Drop files or a folder (or pick them) to make a new version. On the Data page it asks for
 * the dataset's name (a new name creates the dataset); on a dataset's page the name is given.
 */
export function UploadPanel({ owner, name: fixedName, onUploaded }: { owner: string; name?: string; onUploaded: (v: VersionModel) => void }) {
  const [name, setName] = useState("");
  const [message, setMessage] = useState("");
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [done, setDone] = useState<VersionModel | null>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const id = fixedName ? "ds-version" : "ds-upload";

  // React has no prop for the folder picker's attribute.
  useEffect(() => folderInput.current?.setAttribute("webkitdirectory", ""), []);

  async function start(picked: Picked) {
    if (busy || picked.files.length === 0) return;
    const target = fixedName ?? (name.trim() || suggestedName(picked));
    if (!target) return setError("Give the dataset a name first.");
    if (!fixedName) setName(target);
    setBusy(true);
    setError("");
    setDone(null);
    setProgress(0);
    const r = await uploadVersion(owner, target, picked.files, { message: message.trim() || undefined, onProgress: setProgress });
    setBusy(false);
    if (!r.ok) return setError(fieldMessage(r.error));
    setDone(r.data);
    setMessage("");
    onUploaded(r.data);
  }

  return (
    <div>
      <div className={styles.uploadFields}>
        {fixedName ? null : (
          <Field id={`${id}-name`} label="Dataset name" hint="A new name creates the dataset; an existing one gets a new version." value={name}
            onChange={(e) => setName(e.target.value)} maxLength={100} autoComplete="off" spellCheck={false} placeholder="e.g. iris" />
        )}
        <Field id={`${id}-message`} label="Version message (optional)" value={message} onChange={(e) => setMessage(e.target.value)} maxLength={10_000} autoComplete="off" />
      </div>
      <div data-testid="drop-zone" className={`${styles.drop}${dragging ? ` ${styles.dropActive}` : ""}`}
        onDragOver={(ev) => {
          if (!ev.dataTransfer.types.includes("Files")) return;
          ev.preventDefault();
          ev.dataTransfer.dropEffect = "copy";
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(ev) => {
          ev.preventDefault();
          setDragging(false);
          void filesFromDrop(ev.dataTransfer).then(start, () => setError("Could not read what was dropped."));
        }}>
        <p className="muted">Drop files or a folder here</p>
        <div className={styles.dropButtons}>
          <input id={`${id}-files`} type="file" multiple className="visually-hidden" disabled={busy}
            onChange={(e) => {
              void start(filesFromInput(e.target.files));
              e.target.value = ""; // the same files can be chosen again
            }} />
          <label htmlFor={`${id}-files`} className="btn btn-primary">Choose files</label>
          <input id={`${id}-folder`} ref={folderInput} type="file" className="visually-hidden" disabled={busy}
            onChange={(e) => {
              void start(filesFromInput(e.target.files));
              e.target.value = "";
            }} />
          <label htmlFor={`${id}-folder`} className="btn btn-secondary">Choose a folder</label>
        </div>
      </div>
      {progress !== null ? (
        <div className={styles.progress}>
          <progress max={1} value={progress} aria-label="Upload progress" />
          <span className="muted" data-testid="upload-percent">{Math.round(progress * 100)}%</span>
        </div>
      ) : null}
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <p aria-live="polite" className={done ? "alert alert-success" : "visually-hidden"}>
        {done ? (
          <>
            Saved <Link href={datasetPage(done.owner, done.dataset)}>{done.dataset}</Link> version {done.version} <CheckBadge status={done.checks_status} />
          </>
        ) : null}
      </p>
    </div>
  );
}
