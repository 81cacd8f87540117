"use client";

import { useState } from "react";
import { Field } from "../field";
import { nameProblem } from "./paths";

/** "New folder" and "Upload files": the two ways to add something to the current folder. */
export function FileToolbar({ busy, onNewFolder, onUpload }: {
  busy: boolean;
  /** Resolves to an error message, or null once the folder exists. */
  onNewFolder: (name: string) => Promise<string | null>;
  onUpload: (files: File[]) => void;
}) {
  const [name, setName] = useState("");
  const [error, setError] = useState("");

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const problem = nameProblem(name);
    if (problem) return setError(problem);
    const failed = await onNewFolder(name.trim());
    setError(failed ?? "");
    if (!failed) setName("");
  }

  return (
    <div className="files-toolbar">
      <form className="files-new-folder" onSubmit={(e) => void submit(e)} noValidate>
        <Field id="new-folder" label="New folder" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} error={error || undefined} />
        <button type="submit" className="btn btn-secondary" disabled={busy}>Create folder</button>
      </form>
      <div className="files-upload">
        {/* The input stays in the page (keyboard and screen readers use it); the label looks like a button. */}
        <input id="upload-files" type="file" multiple className="visually-hidden"
          onChange={(e) => {
            onUpload([...(e.target.files ?? [])]);
            e.target.value = ""; // the same file can be chosen again
          }} />
        <label htmlFor="upload-files" className="btn btn-primary">Upload files</label>
      </div>
    </div>
  );
}
