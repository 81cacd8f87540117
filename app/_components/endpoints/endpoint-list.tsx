"use client";

import Link from "next/link";
import { useEffect } from "react";
import { modelPage } from "../models/types";
import { TableHead } from "../table-head";
import { useApiList } from "../use-api-list";
import { endpointPage, splitText, type EndpointSummary } from "./types";

/** Your endpoints (all of them, or one model's: the API has no filter, the list is short). */
export function EndpointList({ modelId, reload = 0, emptyText }: { modelId?: number; reload?: number; emptyText: React.ReactNode }) {
  const { items, error, refresh } = useApiList<EndpointSummary>("/api/endpoints", (d) => (d as { endpoints: EndpointSummary[] }).endpoints);
  useEffect(() => {
    if (reload) void refresh();
  }, [reload, refresh]);
  const shown = items?.filter((e) => modelId === undefined || e.model_id === modelId) ?? null;
  return (
    <>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {shown === null && !error ? <p className="muted">Loading endpoints…</p> : null}
      {shown?.length === 0 ? <p className="muted">{emptyText}</p> : null}
      {shown && shown.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="endpoint-list">
            <TableHead caption={modelId === undefined ? "Your endpoints" : "Endpoints serving this model"} columns={modelId === undefined ? ["Name", "Model", "Traffic", "State", "Access"] : ["Name", "Traffic", "State", "Access"]} />
            <tbody>
              {shown.map((e) => (
                <tr key={e.name} data-testid="endpoint-row">
                  <th scope="row"><Link href={endpointPage(e.name)}>{e.name}</Link></th>
                  {modelId === undefined ? <td><Link href={modelPage(e.model_id)}>{e.model}</Link></td> : null}
                  <td>{splitText(e.traffic)}</td>
                  <td>{e.state === "running" ? "Running" : <span className="badge badge-neutral">Stopped</span>}</td>
                  <td>{e.public ? "Public" : "Private (token)"}</td>
                  <td className="actions" />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
