"use client";

import { useState } from "react";
import { api, type ApiError, fieldMessage } from "../api";
import { Field } from "../field";
import { TableHead } from "../table-head";
import { useApiList } from "../use-api-list";
import { When } from "../when";
import type { Schedule } from "./run-types";

const errorText = (e: ApiError) => `${e.field ? `${e.field}: ` : ""}${fieldMessage(e)}`;

/** One add form (a cron schedule, a data trigger): its fields, posted as they are; the API's error shown with its field. */
function AddSchedule({ pipelineId, label, fields, onAdded }: {
  pipelineId: number;
  label: string;
  fields: { name: string; label: string; initial: string; hint?: string; placeholder?: string }[];
  onAdded: () => void;
}) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, f.initial])));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await api<Schedule>(`/api/pipelines/${pipelineId}/schedules`, { method: "POST", body: values });
    setBusy(false);
    setError(r.ok ? null : r.error);
    if (r.ok) {
      setValues(Object.fromEntries(fields.map((f) => [f.name, f.initial])));
      onAdded();
    }
  };
  return (
    <form onSubmit={submit} aria-label={label}>
      <div className="form-inline">
        {fields.map((f) => (
          <Field key={f.name} id={`schedule-${f.name}`} className="field-grow" label={f.label} hint={f.hint} placeholder={f.placeholder} required
            value={values[f.name] ?? ""} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} aria-invalid={error?.field === f.name || undefined} />
        ))}
        <button type="submit" className="btn btn-secondary" disabled={busy}>{label}</button>
      </div>
      {error ? <div role="alert" className="alert alert-error">{errorText(error)}</div> : null}
    </form>
  );
}

/** A pipeline's schedules: cron ticks and data triggers, each paused, resumed or deleted here; forms to add either. */
export function SchedulesCard({ pipelineId }: { pipelineId: number }) {
  const { items, error, setError, refresh } = useApiList<Schedule>(`/api/pipelines/${pipelineId}/schedules`, (d) => (d as { schedules: Schedule[] }).schedules);
  const change = async (s: Schedule, how: "pause" | "delete") => {
    if (how === "delete" && !window.confirm("Delete this schedule? No more runs start from it.")) return;
    const path = `/api/pipelines/${pipelineId}/schedules/${s.id}`;
    const r = how === "delete" ? await api(path, { method: "DELETE" }) : await api(path, { method: "PATCH", body: { paused: !s.paused } });
    if (r.ok) void refresh();
    else setError(r.error.message);
  };
  return (
    <section className="card" aria-labelledby="schedules-heading">
      <h2 id="schedules-heading">Schedules</h2>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {items?.length === 0 ? <p className="muted">No schedules: the pipeline runs only when started.</p> : null}
      {items?.length ? (
        <div className="table-wrap">
          <table data-testid="schedules">
            <TableHead caption="Schedules" columns={["Kind", "When", "State", "Next tick"]} />
            <tbody>
              {items.map((s) => (
                <tr key={s.id}>
                  <td>{s.kind === "cron" ? "cron" : "data trigger"}</td>
                  <td>{s.kind === "cron" ? <><code>{s.cron}</code> ({s.timezone})</> : `each new version of ${s.dataset ?? `dataset ${s.dataset_id}`}`}</td>
                  <td>{s.paused ? <span className="badge badge-neutral">paused</span> : <span className="badge badge-success">active</span>}</td>
                  <td className="nowrap">{s.kind === "cron" && !s.paused ? <When iso={s.next_at} /> : <span className="muted">—</span>}</td>
                  <td className="actions">
                    <button type="button" className="btn btn-secondary btn-small" aria-label={`${s.paused ? "Resume" : "Pause"} schedule ${s.id}`} onClick={() => void change(s, "pause")}>{s.paused ? "Resume" : "Pause"}</button>
                    <button type="button" className="btn btn-danger btn-small" aria-label={`Delete schedule ${s.id}`} onClick={() => void change(s, "delete")}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <h3>Add a cron schedule</h3>
      <AddSchedule pipelineId={pipelineId} label="Add cron schedule" onAdded={() => void refresh()} fields={[
        { name: "cron", label: "Cron expression", initial: "", placeholder: "0 6 * * 1-5", hint: "minute hour day month weekday" },
        { name: "timezone", label: "Time zone", initial: "UTC", hint: "An IANA name: Europe/Paris, America/New_York" },
      ]} />
      <h3>Add a data trigger</h3>
      <AddSchedule pipelineId={pipelineId} label="Add data trigger" onAdded={() => void refresh()} fields={[
        { name: "dataset", label: "Dataset", initial: "", placeholder: "raw or owner:raw", hint: "Each new version that passes its checks starts a run" },
      ]} />
    </section>
  );
}
