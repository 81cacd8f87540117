"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { ChecksEditor } from "./checks-editor";
import { accessText } from "./dataset-list";
import styles from "./datasets.module.css";
import { DiffView } from "./diff-view";
import { LineageGraph } from "./lineage-graph";
import { SharingForm } from "./sharing-form";
import { type DatasetModel, datasetPage, type LineageModel, refSegment } from "./types";
import { UploadPanel } from "./upload-panel";
import { VersionsTable } from "./versions-table";

/** One dataset: its versions and their checks, lineage, a diff of two versions, and (for its owner) uploads, checks and sharing. */
export function DatasetView({ owner, name, user }: { owner: string; name: string; user: { name: string; admin: boolean } }) {
  const [dataset, setDataset] = useState<DatasetModel | null>(null);
  const [lineage, setLineage] = useState<LineageModel | null>(null);
  const [error, setError] = useState("");
  const ref = refSegment(owner, name);
  const refresh = useCallback(async () => {
    const [d, l] = await Promise.all([api<DatasetModel>(`/api/datasets/${ref}`), api<LineageModel>(`/api/datasets/${ref}/lineage`)]);
    if (!d.ok) return setError(d.error.status === 404 ? "There is no such dataset, or it is not shared with you." : d.error.message);
    setDataset(d.data);
    if (l.ok) setLineage(l.data);
  }, [ref]);
  useEffect(() => void refresh(), [refresh]);

  if (error) return <div role="alert" className="alert alert-error">{error} <Link href="/data">Back to Data</Link></div>;
  if (!dataset) return <p className="muted">Loading {name}…</p>;
  const canWrite = user.admin || user.name === dataset.owner;
  const versionHref = (nodeId: string) => {
    const m = /^v:(\d+):(\d+)$/.exec(nodeId);
    return m && Number(m[1]) === dataset.id ? `${datasetPage(owner, name)}/versions/${m[2]}` : null;
  };

  return (
    <>
      <div className="page-header">
        <p className="eyebrow"><Link href="/data">Data</Link> / {dataset.owner}</p>
        <h1>{dataset.name}</h1>
        <p className="lede">{dataset.description || <span className="muted">No description.</span>}</p>
        <p className="muted">{accessText(dataset)} · {dataset.versions.length} {dataset.versions.length === 1 ? "version" : "versions"}{canWrite ? "" : " · read only"}</p>
      </div>
      {canWrite ? (
        <section className="card" aria-labelledby="ds-version-heading">
          <h2 id="ds-version-heading">Upload a new version</h2>
          <UploadPanel owner={dataset.owner} name={dataset.name} onUploaded={() => void refresh()} />
        </section>
      ) : null}
      <section className="card" aria-labelledby="ds-versions-heading">
        <h2 id="ds-versions-heading">Versions</h2>
        <VersionsTable owner={dataset.owner} name={dataset.name} versions={dataset.versions} />
      </section>
      <div className={styles.grid2}>
        <section className="card" aria-labelledby="ds-diff-heading">
          <h2 id="ds-diff-heading">Compare versions</h2>
          <DiffView key={dataset.latest_version ?? 0} owner={dataset.owner} name={dataset.name} versions={dataset.versions.map((v) => v.version)} />
        </section>
        <section className="card" aria-labelledby="ds-lineage-heading">
          <h2 id="ds-lineage-heading">Lineage</h2>
          {lineage ? <LineageGraph graph={lineage} versionHref={versionHref} /> : <p className="muted">Loading…</p>}
        </section>
      </div>
      {canWrite ? (
        <div className={styles.grid2}>
          <section className="card" aria-labelledby="ds-checks-heading">
            <h2 id="ds-checks-heading">Data checks</h2>
            <ChecksEditor dataset={dataset} onSaved={setDataset} />
          </section>
          <section className="card" aria-labelledby="ds-sharing-heading">
            <h2 id="ds-sharing-heading">Sharing</h2>
            <SharingForm dataset={dataset} onSaved={setDataset} />
          </section>
        </div>
      ) : null}
    </>
  );
}
