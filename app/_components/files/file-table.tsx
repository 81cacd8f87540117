"use client";

import Link from "next/link";
import { useState } from "react";
import { TableHead } from "../table-head";
import { When } from "../when";
import { filesHref } from "./breadcrumbs";
import { jupyterUrl } from "../jupyter/client";
import { type Entry, formatSize } from "./paths";

function KindIcon({ dir }: { dir: boolean }) {
  return (
    <svg className="file-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      {dir ? <path d="M1.5 3.5h4l1.5 1.5h7.5v8h-13z" /> : <path d="M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3" />}
    </svg>
  );
}

/** The name cell while renaming: an input with Save and Cancel. */
function RenameForm({ entry, onRename, onCancel }: { entry: Entry; onRename: (e: Entry, name: string) => Promise<boolean>; onCancel: () => void }) {
  const [name, setName] = useState(entry.name);
  return (
    <form className="file-rename" onSubmit={(ev) => {
      ev.preventDefault();
      void onRename(entry, name).then((done) => done && onCancel());
    }}>
      <input value={name} onChange={(ev) => setName(ev.target.value)} aria-label={`New name for ${entry.name}`} autoFocus spellCheck={false}
        onKeyDown={(ev) => ev.key === "Escape" && onCancel()} />
      <button type="submit" className="btn btn-primary btn-small">Save</button>
      <button type="button" className="btn btn-secondary btn-small" onClick={onCancel}>Cancel</button>
    </form>
  );
}

/** The folder's entries: folders open in place, notebooks open in Kiln, files download; each can be renamed or deleted. */
export function FileTable({ user, entries, busy, onRename, onDelete, onOpenNotebook }: {
  user: string;
  entries: Entry[];
  busy: boolean;
  onRename: (e: Entry, name: string) => Promise<boolean>;
  onDelete: (e: Entry) => void;
  /** An .ipynb opens as a Kiln notebook (imported the first time). */
  onOpenNotebook: (e: Entry) => void;
}) {
  const [renaming, setRenaming] = useState<string | null>(null);
  return (
    <div className="table-wrap">
      <table className="files-table">
        <TableHead caption="Files in this folder" columns={["Name", "Size", "Modified"]} />
        <tbody>
          {entries.map((e) => {
            const dir = e.type === "directory";
            return (
              <tr key={e.path}>
                <th scope="row" className="file-name">
                  <KindIcon dir={dir} />
                  {renaming === e.path ? (
                    <RenameForm entry={e} onRename={onRename} onCancel={() => setRenaming(null)} />
                  ) : dir ? (
                    <Link href={filesHref(e.path)}>{e.name}</Link>
                  ) : (
                    <span>{e.name}</span>
                  )}
                </th>
                <td className="nowrap">{dir ? <span className="muted">—</span> : formatSize(e.size)}</td>
                <td className="nowrap"><When iso={e.last_modified} style="ago" /></td>
                <td className="actions">
                  {!dir && e.name.endsWith(".ipynb") ? (
                    <button type="button" className="btn btn-primary btn-small" disabled={busy} aria-label={`Open ${e.name} as a notebook`} onClick={() => onOpenNotebook(e)}>
                      Open
                    </button>
                  ) : null}
                  {dir ? null : (
                    // ?download=1 makes Jupyter answer as an attachment, whatever the file's type.
                    <a className="btn btn-secondary btn-small" href={`${jupyterUrl(user, "files", e.path)}?download=1`} download={e.name} aria-label={`Download ${e.name}`}>
                      Download
                    </a>
                  )}
                  <button type="button" className="btn btn-secondary btn-small" disabled={busy} aria-label={`Rename ${e.name}`} onClick={() => setRenaming(e.path)}>
                    Rename
                  </button>
                  <button type="button" className="btn btn-danger btn-small" disabled={busy} aria-label={`Delete ${e.name}`} onClick={() => onDelete(e)}>
                    Delete
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
