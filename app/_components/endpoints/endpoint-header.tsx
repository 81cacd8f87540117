"use client";

import Link from "next/link";
import { modelPage } from "../models/types";
import { When } from "../when";
import type { EndpointDetail } from "./types";

/** Who serves what, and where callers send their requests. */
export function EndpointHeader({ endpoint: e }: { endpoint: EndpointDetail }) {
  // the URLs as a caller outside the browser writes them: this page's origin, not a path
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <div className="page-header">
      <p className="muted"><Link href="/models">Models</Link> / <Link href={modelPage(e.model_id)}>{e.model}</Link> / endpoints</p>
      <h1>{e.name}</h1>
      <p className="lede" data-testid="endpoint-summary">
        Serves <Link href={modelPage(e.model_id)}>{e.model}</Link>.{" "}
        {e.state === "running" ? <span className="badge badge-success">Running</span> : <span className="badge badge-danger">Stopped</span>}{" "}
        <span className="badge badge-neutral">{e.public ? "Public: no token needed" : "Private: callers send its token"}</span>
      </p>
      <dl className="props">
        <dt>Predict</dt>
        <dd className="mono" data-testid="endpoint-url">POST {origin}{e.url}</dd>
        <dt>Open Inference Protocol (V2)</dt>
        <dd className="mono">{origin}{e.v2_url}</dd>
        <dt>Batching</dt>
        <dd>up to {e.max_batch} rows per model run, waiting at most {e.max_wait_ms} ms for more</dd>
        <dt>Owner</dt>
        <dd>{e.owner}, created <When iso={e.created_at} /></dd>
      </dl>
    </div>
  );
}
