"use client";

import { useState } from "react";
import { AddImageForm } from "./add-image-form";
import { api } from "./api";
import { type CatalogImage, formatMemory } from "./server-types";
import { TableHead } from "./table-head";
import { useApiList } from "./use-api-list";

/** The image catalog users start servers from: enable, disable and add images. */
export function ImagesAdmin() {
  const { items: images, error, setError, refresh } = useApiList<CatalogImage>("/api/images");
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState<string | null>(null);

  async function toggle(i: CatalogImage) {
    setBusy(i.name);
    setError("");
    setNotice("");
    // The whole record, not just `enabled`: the API fills fields left out of a PATCH with their defaults.
    const { name, ...record } = i;
    const res = await api(`/api/images/${encodeURIComponent(name)}`, { method: "PATCH", body: { ...record, enabled: !i.enabled } });
    setBusy(null);
    if (!res.ok) setError(res.error.message);
    else setNotice(`${i.name} is ${i.enabled ? "disabled: new servers cannot use it" : "enabled"}.`);
    await refresh();
  }

  return (
    <section className="card" aria-labelledby="images-heading">
      <h2 id="images-heading">Image catalog</h2>
      <p className="muted">The framework images users may start servers from, with the resources each may ask for. Disabling an image leaves running servers alone.</p>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <p aria-live="polite" className={notice ? "alert alert-success" : "visually-hidden"}>{notice}</p>
      {images === null ? <p className="muted">Loading images…</p> : null}
      {images && images.length > 0 ? (
        <div className="table-wrap">
          <table>
            <TableHead caption="Image catalog" columns={["Name", "Reference", "Description", "CPUs", "Memory", "Max GPUs", "Enabled"]} />
            <tbody>
              {images.map((i) => (
                <tr key={i.name}>
                  <th scope="row">{i.name}</th>
                  <td><code>{i.reference}</code></td>
                  <td className="image-description">{i.description || <span className="muted">—</span>}</td>
                  <td className="nowrap">{i.default_cpu} <span className="muted">(max {i.max_cpu})</span></td>
                  <td className="nowrap">{formatMemory(i.default_memory_mb)} <span className="muted">(max {formatMemory(i.max_memory_mb)})</span></td>
                  <td>{i.max_gpus}</td>
                  <td>{i.enabled ? <span className="badge badge-success">Enabled</span> : <span className="badge badge-neutral">Disabled</span>}</td>
                  <td className="actions">
                    <button type="button" className="btn btn-secondary btn-small" disabled={busy === i.name}
                      aria-label={`${i.enabled ? "Disable" : "Enable"} image ${i.name}`} onClick={() => toggle(i)}>
                      {i.enabled ? "Disable" : "Enable"}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {images?.length === 0 ? <p className="muted">The catalog is empty.</p> : null}
      <AddImageForm
        onCreated={(name) => {
          setError("");
          setNotice(`Added image ${name}.`);
          void refresh();
        }}
      />
    </section>
  );
}
