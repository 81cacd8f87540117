"use client";

import { useEffect, useState } from "react";
import { api } from "../api";

interface Isolation {
  spawner: "docker" | "local" | "swarm";
  level: "containers" | "processes";
  network: string;
  runs_as: string;
  local_trusted: boolean;
  disk_limit: string | null;
  pids_limit: number | null;
  notes: string[];
}

/** How this instance keeps users apart, said plainly (GET /api/isolation). */
export function IsolationInfo() {
  const [info, setInfo] = useState<Isolation | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    void api<Isolation>("/api/isolation").then((r) => (r.ok ? setInfo(r.data) : setError(r.error.message)));
  }, []);
  return (
    <section className="card" aria-labelledby="isolation-heading">
      <div className="section-head">
        <h2 id="isolation-heading">Isolation between users</h2>
      </div>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {info ? (
        <>
          <p className={info.level === "containers" ? "alert alert-success" : "alert alert-error"} data-testid="isolation-level">
            {info.level === "containers"
              ? info.spawner === "swarm"
                ? "Each user server runs in a container of its own (a Docker Swarm service's task on one of the nodes), with its own network namespace."
                : "Each user server runs in a container of its own, with its own network namespace."
              : info.network === "none"
                ? "User servers are local processes, each in a network namespace of its own: suitable for users who trust each other."
                : "User servers are local processes on this machine's network: suitable only for users who trust each other."}
          </p>
          <dl className="facts">
            <dt>User code runs as</dt>
            <dd>{info.runs_as}</dd>
            <dt>Network</dt>
            <dd>{info.network === "none" ? "none (Kiln reaches servers through Unix sockets)" : info.network}</dd>
            <dt>Processes per server</dt>
            <dd>{info.pids_limit === null ? "not limited" : `at most ${info.pids_limit}`}</dd>
            <dt>Disk per container</dt>
            <dd>{info.disk_limit ?? "not limited"}</dd>
          </dl>
          {info.notes.length ? (
            <ul>
              {info.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
