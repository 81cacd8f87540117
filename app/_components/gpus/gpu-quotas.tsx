"use client";

import { useState } from "react";
import { api } from "../api";
import { TableHead } from "../table-head";
import { useApiList } from "../use-api-list";
import type { QuotaRow } from "./types";

const limit = (v: number | null, unit: string) => (v === null ? "no limit" : `${v} ${unit}`);
const parseLimit = (v: string) => (v.trim() === "" ? null : Number(v));

/** The quota editor: users' and groups' GPUs at once and GPU-hours a month; the most generous applies to a user. */
export function GpuQuotas() {
  const [fallback, setFallback] = useState<{ max_gpus: number | null; max_gpu_hours: number | null } | null>(null);
  const { items, error, setError, refresh } = useApiList<QuotaRow>("/api/gpu-quotas", (d) => {
    const data = d as { default: { max_gpus: number | null; max_gpu_hours: number | null }; quotas: QuotaRow[] };
    setFallback(data.default);
    return data.quotas;
  });
  const [kind, setKind] = useState<"user" | "group">("user");
  const [name, setName] = useState("");
  const [gpus, setGpus] = useState("");
  const [hours, setHours] = useState("");
  const [notice, setNotice] = useState("");

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setError("");
    const res = await api(`/api/gpu-quotas/${kind}/${encodeURIComponent(name.trim())}`, { method: "PUT", body: { max_gpus: parseLimit(gpus), max_gpu_hours: parseLimit(hours) } });
    if (!res.ok) return setError(res.error.message);
    setNotice(`Quota set for ${kind} ${name.trim()}.`);
    await refresh();
  }
  async function remove(q: QuotaRow) {
    setError("");
    const res = await api(`/api/gpu-quotas/${q.kind}/${encodeURIComponent(q.name)}`, { method: "DELETE" });
    if (!res.ok) return setError(res.error.message);
    setNotice(`${q.kind} ${q.name} has no quota of their own now.`);
    await refresh();
  }

  return (
    <section className="card" aria-labelledby="gpu-quotas-heading">
      <div className="section-head">
        <h2 id="gpu-quotas-heading">GPU quotas</h2>
      </div>
      <p className="muted">
        A user gets the most generous of their own quota and their groups'; with none set, the instance default
        {fallback ? ` (${limit(fallback.max_gpus, "GPUs at once")}, ${limit(fallback.max_gpu_hours, "GPU-hours a month")})` : ""}.
      </p>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      <p aria-live="polite" className={notice ? "alert alert-success" : "visually-hidden"}>{notice}</p>
      <form className="form form-inline" aria-label="Set a GPU quota" onSubmit={(e) => void save(e)}>
        <div className="field">
          <label htmlFor="quota-kind">For</label>
          <select id="quota-kind" value={kind} onChange={(e) => setKind(e.target.value as "user" | "group")}>
            <option value="user">user</option>
            <option value="group">group</option>
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor="quota-name">Name</label>
          <input id="quota-name" value={name} onChange={(e) => setName(e.target.value)} required autoCapitalize="none" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor="quota-gpus">GPUs at once</label>
          <input id="quota-gpus" type="number" min={0} step={1} value={gpus} onChange={(e) => setGpus(e.target.value)} placeholder="no limit" />
        </div>
        <div className="field">
          <label htmlFor="quota-hours">GPU-hours a month</label>
          <input id="quota-hours" type="number" min={0} step="any" value={hours} onChange={(e) => setHours(e.target.value)} placeholder="no limit" />
        </div>
        <button type="submit" className="btn btn-primary">Set quota</button>
      </form>
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="gpu-quotas">
            <TableHead caption="GPU quotas" columns={["Who", "GPUs at once", "GPU-hours a month"]} />
            <tbody>
              {items.map((q) => (
                <tr key={`${q.kind}:${q.name}`}>
                  <th scope="row">{q.kind} {q.name}</th>
                  <td>{limit(q.max_gpus, "")}</td>
                  <td>{limit(q.max_gpu_hours, "")}</td>
                  <td className="actions">
                    <button type="button" className="btn btn-secondary btn-small" aria-label={`Remove ${q.kind} ${q.name}'s quota`} onClick={() => void remove(q)}>Remove</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
