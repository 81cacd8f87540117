"use client";

import Link from "next/link";
import { TableHead } from "../table-head";
import { useApiList } from "../use-api-list";
import { When } from "../when";
import { modelPage, type ModelSummary } from "./types";

/** The /models page body: every model the user may see, with its latest version and aliases. */
export function ModelList({ user }: { user: string }) {
  const { items, error } = useApiList<ModelSummary>("/api/models", (d) => (d as { models: ModelSummary[] }).models);
  return (
    <section className="card" aria-labelledby="models-heading">
      <h2 id="models-heading">Registered models</h2>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {items === null && !error ? <p className="muted">Loading models…</p> : null}
      {items?.length === 0 ? (
        <p className="muted">
          No models yet. In a notebook: <code>kiln.log_model(&quot;model.onnx&quot;)</code> then <code>kiln.register_model(&quot;churn&quot;)</code>, or
          &ldquo;Register&rdquo; next to a model on a run&rsquo;s page.
        </p>
      ) : null}
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <TableHead caption="Models you can see" columns={["Name", "Owner", "Latest version", "Aliases", "Access", "Created"]} />
            <tbody>
              {items.map((m) => (
                <tr key={m.id} data-testid="model-row">
                  <th scope="row">
                    <Link href={modelPage(m.id)}>{m.name}</Link>
                    {m.description ? <div className="muted">{m.description}</div> : null}
                  </th>
                  <td>{m.owner === user ? "you" : m.owner}</td>
                  <td>{m.latest_version === null ? <span className="muted">none</span> : `v${m.latest_version}`}</td>
                  <td>{Object.entries(m.aliases).map(([a, v]) => `${a} → v${v}`).join(", ") || <span className="muted">none</span>}</td>
                  <td>{m.public ? "Public" : "Private"}</td>
                  <td className="nowrap"><When iso={m.created_at} style="day" /></td>
                  <td className="actions" />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
