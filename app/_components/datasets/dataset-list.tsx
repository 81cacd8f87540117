"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { TableHead } from "../table-head";
import { When } from "../when";
import { NewDatasetForm } from "./new-dataset-form";
import { datasetPage, type DatasetSummary } from "./types";
import { UploadPanel } from "./upload-panel";

export function accessText(d: Pick<DatasetSummary, "public" | "shared_groups">): string {
  if (d.public) return "Public";
  return d.shared_groups.length ? `Shared: ${d.shared_groups.join(", ")}` : "Private";
}

/** The /data page body: upload (drag and drop), a new empty dataset, and every dataset the user may read. */
export function DatasetList({ user }: { user: string }) {
  const [items, setItems] = useState<DatasetSummary[] | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const refresh = useCallback(async () => {
    const res = await api<{ datasets: DatasetSummary[] }>("/api/datasets");
    if (res.ok) setItems(res.data.datasets);
    else setError(res.error.message);
  }, []);
  useEffect(() => void refresh(), [refresh]);

  return (
    <>
      <section className="card" aria-labelledby="ds-upload-heading">
        <h2 id="ds-upload-heading">Upload data</h2>
        <UploadPanel owner={user} onUploaded={() => void refresh()} />
      </section>
      <section className="card" aria-labelledby="ds-new-heading">
        <h2 id="ds-new-heading">New empty dataset</h2>
        <NewDatasetForm onCreated={(d) => (setNotice(`Created ${d.name}.`), void refresh())} />
        <p aria-live="polite" className={notice ? "alert alert-success" : "visually-hidden"}>{notice}</p>
      </section>
      <section className="card" aria-labelledby="ds-list-heading">
        <h2 id="ds-list-heading">Datasets</h2>
        {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
        {items === null && !error ? <p className="muted">Loading datasets…</p> : null}
        {items?.length === 0 ? <p className="muted">No datasets yet. Drop a file or a folder above to make the first one.</p> : null}
        {items && items.length > 0 ? (
          <div className="table-wrap">
            <table>
              <TableHead caption="Datasets you can read" columns={["Name", "Owner", "Latest version", "Access", "Created"]} />
              <tbody>
                {items.map((d) => (
                  <tr key={d.id} data-testid="dataset-row">
                    <th scope="row">
                      <Link href={datasetPage(d.owner, d.name)}>{d.name}</Link>
                      {d.description ? <div className="muted">{d.description}</div> : null}
                    </th>
                    <td>{d.owner === user ? "you" : d.owner}</td>
                    <td>{d.latest_version === null ? <span className="muted">none yet</span> : `v${d.latest_version}`}</td>
                    <td>{accessText(d)}</td>
                    <td className="nowrap"><When iso={d.created_at} style="day" /></td>
                    <td className="actions" />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
