"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api";
import { Breadcrumbs } from "./breadcrumbs";
import { FileTable } from "./file-table";
import { FileToolbar } from "./file-toolbar";
import { jupyter, jupyterUrl } from "../jupyter/client";
import { ServerNotRunning } from "../jupyter/not-running";
import { KilnNotebooks } from "./kiln-notebooks";
import { byKindThenName, type Entry, joinPath, nameProblem } from "./paths";
import { type UploadBatch, UploadList, useUploads } from "./uploads";

const contentsUrl = (user: string, path: string) => jupyterUrl(user, "api/contents", path);
type Opened = { notebook: { id: number }; imported: boolean; file_changed: boolean };

/** The /files page body: one folder of the user's home on their server, through the proxy. */
export function FileBrowser({ user, path }: { user: string; path: string }) {
  const [listing, setListing] = useState<{ path: string; entries: Entry[] } | null>(null);
  const [notRunning, setNotRunning] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const router = useRouter();
  // The folder on screen now: answers and uploads that finish after the user moved on must not repaint it.
  const shown = useRef(path);

  // Only the latest listing may fill the table: two uploads ending together load twice, and
  // the answer to the first could otherwise land last, without the second file.
  const latest = useRef(0);
  const load = useCallback(async (dir: string) => {
    const mine = ++latest.current;
    // type=directory: a path naming a file is refused instead of downloaded into the listing.
    const r = await jupyter<{ content: Entry[] }>(user, `${contentsUrl(user, dir)}?type=directory&content=1`);
    if (shown.current !== dir || mine !== latest.current) return;
    if (!r.ok) return r.notRunning ? setNotRunning(r.message) : setError(r.message);
    setNotRunning(null);
    setListing({ path: dir, entries: [...r.data.content].sort(byKindThenName) });
  }, [user]);

  useEffect(() => {
    shown.current = path;
    setError(""); // an error belongs to the folder it happened in
    void load(path);
  }, [path, load]);

  const onUploaded = useCallback((dir: string, { names, total }: UploadBatch) => {
    // every file of the batch is named, not just the one that finished last
    const list = names.join(", ");
    setNotice(total === 1 ? `Uploaded ${list}.` : names.length < total ? `Uploaded ${names.length} of ${total} files: ${list}…` : `Uploaded ${total} files: ${list}.`);
    if (dir === shown.current) void load(dir);
  }, [load]);
  const { uploads, start, dismiss } = useUploads(user, onUploaded);

  const entries = listing?.path === path ? listing.entries : null;
  const exists = (name: string) => entries?.some((e) => e.name === name) ?? false;

  /** Runs one change, then reloads the folder; resolves to the error message or null. */
  async function change(url: string, init: { method: string; body?: unknown }, done: string): Promise<string | null> {
    setBusy(true);
    setError("");
    setNotice("");
    const r = await jupyter(user, url, init);
    setBusy(false);
    if (!r.ok && r.notRunning) setNotRunning(r.message);
    if (!r.ok) return r.message;
    setNotice(done);
    await load(path);
    return null;
  }

  const newFolder = (name: string) =>
    exists(name)
      ? Promise.resolve(`Something named ${name} is already here.`)
      : change(contentsUrl(user, joinPath(path, name)), { method: "PUT", body: { type: "directory" } }, `Created folder ${name}.`);

  async function rename(e: Entry, name: string): Promise<boolean> {
    if (name === e.name) return true;
    const problem = nameProblem(name) ?? (exists(name) ? `Something named ${name} is already here.` : null);
    const failed = problem ?? (await change(contentsUrl(user, e.path), { method: "PATCH", body: { path: joinPath(path, name) } }, `Renamed ${e.name} to ${name}.`));
    if (failed) setError(failed);
    return !failed;
  }

  async function remove(e: Entry) {
    const what = e.type === "directory" ? `folder ${e.name} and everything in it` : e.name;
    if (!window.confirm(`Delete ${what}? This cannot be undone.`)) return;
    const failed = await change(contentsUrl(user, e.path), { method: "DELETE" }, `Deleted ${e.name}.`);
    if (failed) setError(failed);
  }

  function upload(files: File[]) {
    const replacing = files.filter((f) => exists(f.name)).map((f) => f.name);
    const replace = replacing.length === 0 || window.confirm(`Replace ${replacing.join(", ")}? The file already here is overwritten.`);
    setNotice("");
    start(path, replace ? files : files.filter((f) => !exists(f.name)));
  }

  /** An .ipynb from the files becomes (or is) a Kiln notebook, and opens. */
  async function openNotebook(e: Entry) {
    setBusy(true);
    setError("");
    let r = await api<Opened>("/api/notebooks/open-file", { method: "POST", body: { path: e.path } });
    if (r.ok && r.data.file_changed && window.confirm(`${e.name} changed since Kiln's copy was made from it. Import it again? (Kiln's copy is kept as a revision.)`))
      r = await api<Opened>("/api/notebooks/open-file", { method: "POST", body: { path: e.path, reimport: true } });
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    router.push(`/notebooks/${r.data.notebook.id}`);
  }

  const notebooksPanel = <KilnNotebooks onSaved={() => void load(path)} />;
  if (notRunning !== null)
    return (
      <>
        <ServerNotRunning detail={notRunning} />
        {notebooksPanel}
      </>
    );
  return (
    <>
    <section className="card files" aria-labelledby="files-heading">
      <h2 id="files-heading" className="visually-hidden">Your files</h2>
      <Breadcrumbs path={path} />
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <p aria-live="polite" className={notice ? "alert alert-success" : "visually-hidden"}>{notice}</p>
      <FileToolbar busy={busy} onNewFolder={newFolder} onUpload={upload} />
      <UploadList uploads={uploads} onDismiss={dismiss} />
      {/* Dropping files anywhere on the list uploads them into this folder. */}
      <div className={`files-drop${dragging ? " files-drop-active" : ""}`}
        onDragOver={(ev) => {
          if (!ev.dataTransfer.types.includes("Files")) return;
          ev.preventDefault();
          ev.dataTransfer.dropEffect = "copy";
          setDragging(true);
        }}
        onDragLeave={(ev) => {
          if (!ev.currentTarget.contains(ev.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={(ev) => {
          ev.preventDefault();
          setDragging(false);
          if (ev.dataTransfer.files.length) upload([...ev.dataTransfer.files]);
        }}>
        {entries === null ? <p className="muted files-empty">{error ? "This folder could not be opened." : "Loading files…"}</p> : null}
        {entries?.length === 0 ? <p className="muted files-empty">This folder is empty. Drop files here or use Upload files.</p> : null}
        {entries && entries.length > 0 ? (
          <FileTable user={user} entries={entries} busy={busy} onRename={rename} onDelete={(e) => void remove(e)} onOpenNotebook={(e) => void openNotebook(e)} />
        ) : null}
      </div>
      <p className="hint">Drop files onto the list to upload them to this folder. An .ipynb opens as a Kiln notebook.</p>
    </section>
    {notebooksPanel}
    </>
  );
}
