"use client";

import { useState } from "react";
import { api, type ApiError, fieldMessage } from "./api";
import { Field } from "./field";
import { type CatalogImage, formatMemory, serverLabel, serverPath, type ServerInfo } from "./server-types";
import { ServerProgress } from "./server-progress";

const FIELDS = ["server_name", "image", "cpu", "memory", "gpus"];

/** Picks an image and resources, starts the server and follows its progress. */
export function StartServerForm({ user, images, onChange }: { user: string; images: CatalogImage[]; onChange: () => void }) {
  // The configured default (KILN_DEFAULT_IMAGE) first: the catalog itself is listed by name.
  const preferred = images.find((i) => i.default) ?? images[0];
  const [imageName, setImageName] = useState(preferred?.name ?? "");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [starting, setStarting] = useState<{ url: string; name: string } | null>(null);
  const image = images.find((i) => i.name === imageName) ?? preferred;
  const fieldError = (f: string) => (error?.field === f ? fieldMessage(error) : undefined);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const num = (k: string) => (String(f.get(k) ?? "").trim() === "" ? undefined : Number(f.get(k)));
    const name = String(f.get("server_name") ?? "").trim();
    setError(null);
    setBusy(true);
    const body = { image: imageName, cpu: num("cpu"), memory: num("memory"), gpus: num("gpus") };
    const res = await api<ServerInfo>(serverPath(user, name), { method: "POST", body });
    setBusy(false);
    // A spawn that failed within the wait is a 422 whose message carries the reason.
    if (!res.ok) return setError(res.error);
    form.reset();
    onChange();
    if (!res.data.ready) setStarting({ url: res.data.progress_url, name: serverLabel(name) });
  }

  function onDone(ok: boolean, message: string) {
    setStarting(null);
    if (!ok) setError({ status: 0, code: "spawn_failed", message });
    onChange();
  }

  if (!image) return <p className="muted">No images are enabled. Ask an admin to enable one in the image catalog.</p>;
  const general = error && !FIELDS.includes(error.field ?? "") ? error.message : "";
  return (
    <form onSubmit={onSubmit} className="form" aria-labelledby="start-heading" noValidate>
      {general ? <div role="alert" className="alert alert-error">{general}</div> : null}
      <div className="form-inline form-row">
        <Field id="server-name" name="server_name" label="Server name (optional)" hint="Leave blank for your default server."
          autoCapitalize="none" spellCheck={false} maxLength={63} className="field-grow" error={fieldError("server_name")} />
        <div className={`field field-grow${fieldError("image") ? " field-invalid" : ""}`}>
          <label htmlFor="server-image">Image</label>
          <select id="server-image" value={image.name} onChange={(e) => setImageName(e.target.value)}
            aria-describedby={`server-image-hint${fieldError("image") ? " server-image-error" : ""}`}>
            {images.map((i) => <option key={i.name} value={i.name}>{i.name}</option>)}
          </select>
          <p id="server-image-hint" className="hint">{image.description || image.reference}</p>
          {fieldError("image") ? <p id="server-image-error" className="field-error" role="alert">{fieldError("image")}</p> : null}
        </div>
      </div>
      <div className="form-inline form-row" key={image.name}>
        <Field id="server-cpu" name="cpu" label="CPUs" type="number" min={0.5} step={0.5} max={image.max_cpu}
          placeholder={String(image.default_cpu)} hint={`Default ${image.default_cpu}, at most ${image.max_cpu}`} className="field-number" error={fieldError("cpu")} />
        <Field id="server-memory" name="memory" label="Memory (MB)" type="number" min={1} step={1} max={image.max_memory_mb}
          placeholder={String(image.default_memory_mb)} hint={`Default ${formatMemory(image.default_memory_mb)}, at most ${formatMemory(image.max_memory_mb)}`}
          className="field-number" error={fieldError("memory")} />
        {image.max_gpus > 0 ? (
          <Field id="server-gpus" name="gpus" label="GPUs" type="number" min={0} step={1} max={image.max_gpus}
            placeholder="0" hint={`At most ${image.max_gpus}`} className="field-number" error={fieldError("gpus")} />
        ) : (
          <p className="hint server-no-gpu">This image runs without GPUs.</p>
        )}
      </div>
      <div>
        <button type="submit" className="btn btn-primary" disabled={busy || starting !== null}>
          {busy ? "Starting…" : "Start server"}
        </button>
      </div>
      {starting ? <ServerProgress url={starting.url} label={`Starting server ${starting.name}`} onDone={onDone} /> : null}
    </form>
  );
}
