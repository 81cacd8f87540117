"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { api } from "../api";
import type { ModelDetail } from "../models/types";
import { DeploymentHistory } from "./deployment-history";
import { EndpointHeader } from "./endpoint-header";
import { exampleBody } from "./example-body";
import { LiveChart } from "./live-chart";
import { TokenRotate } from "./token-rotate";
import { TrafficPanel } from "./traffic-panel";
import { TryIt } from "./try-it";
import type { EndpointDetail } from "./types";

/** An endpoint's page: where to call it, a console to call it, its traffic, history and live load. */
export function EndpointView({ name }: { name: string }) {
  const [endpoint, setEndpoint] = useState<EndpointDetail | null>(null);
  const [model, setModel] = useState<ModelDetail | null>(null);
  const [error, setError] = useState("");
  const [sent, setSent] = useState(0);
  const load = useCallback(async () => {
    const r = await api<EndpointDetail>(`/api/endpoints/${encodeURIComponent(name)}`);
    if (!r.ok) return setError(r.error.message);
    setEndpoint(r.data);
    // the model's versions: their signatures (the example body) and the traffic form's choices
    const m = await api<ModelDetail>(`/api/models/${r.data.model_id}`);
    if (m.ok) setModel(m.data);
    else setError(m.error.message);
  }, [name]);
  useEffect(() => void load(), [load]);

  const serving = endpoint?.traffic[0]?.version;
  const example = useMemo(() => {
    const v = model?.version_list.find((x) => x.version === serving);
    return v ? exampleBody(v.signature) : "";
  }, [model, serving]);

  if (error && !endpoint) return <div role="alert" className="alert alert-error">{error}</div>;
  if (!endpoint) return <p className="muted">Loading endpoint…</p>;
  return (
    <>
      <EndpointHeader endpoint={endpoint} />
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {endpoint.public ? null : <TokenRotate name={endpoint.name} />}
      <TryIt endpoint={endpoint} example={example} onSent={() => setSent((n) => n + 1)} />
      <LiveChart name={endpoint.name} nudge={sent} />
      <TrafficPanel endpoint={endpoint} versions={model?.version_list.map((v) => v.version) ?? endpoint.traffic.map((t) => t.version)} onChanged={setEndpoint} />
      <DeploymentHistory history={endpoint.history} />
    </>
  );
}
