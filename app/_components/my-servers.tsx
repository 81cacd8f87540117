"use client";

import { useCallback, useEffect, useState } from "react";
import Link from "next/link";
import { api, userPath } from "./api";
import { MyServersTable } from "./my-servers-table";
import { type CatalogImage, serverLabel, serverPath, type ServerInfo } from "./server-types";
import { StartServerForm } from "./start-server-form";

/** The /servers page body: the user's servers and the form that starts one. */
export function MyServers({ user }: { user: string }) {
  const [servers, setServers] = useState<ServerInfo[] | null>(null);
  const [images, setImages] = useState<CatalogImage[] | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const res = await api<{ servers: Record<string, ServerInfo> }>(userPath(user));
    if (!res.ok) return setError(res.error.message);
    setServers(Object.values(res.data.servers ?? {}).sort((a, b) => a.name.localeCompare(b.name)));
  }, [user]);

  useEffect(() => {
    void refresh();
    void api<CatalogImage[]>("/api/images").then((r) => (r.ok ? setImages(r.data.filter((i) => i.enabled)) : setError(r.error.message)));
  }, [refresh]);

  // While a server is starting or stopping, look again every few seconds.
  const changing = servers?.some((s) => s.pending) ?? false;
  useEffect(() => {
    if (!changing) return;
    const t = setInterval(() => void refresh(), 3000);
    return () => clearInterval(t);
  }, [changing, refresh]);

  async function stop(s: ServerInfo) {
    const label = serverLabel(s.name);
    if (!window.confirm(`Stop server ${label}? Running kernels are shut down; unsaved notebook changes are lost.`)) return;
    setBusy(s.name);
    setError("");
    setNotice("");
    const res = await api(serverPath(user, s.name), { method: "DELETE" });
    setBusy(null);
    if (!res.ok) setError(res.error.message);
    else setNotice(`Stopped server ${label}.`);
    await refresh();
  }

  return (
    <>
      <section className="card" aria-labelledby="my-servers-heading">
        <div className="section-head">
          <h2 id="my-servers-heading">Your servers</h2>
          {servers ? <span className="muted">{servers.length} running</span> : null}
        </div>
        {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
        <p aria-live="polite" className={notice ? "alert alert-success" : "visually-hidden"}>{notice}</p>
        {servers === null ? <p className="muted">Loading servers…</p> : null}
        {servers?.length === 0 ? <p className="muted">No server is running. Start one below.</p> : null}
        {servers && servers.length > 0 ? (
          <>
            <MyServersTable servers={servers} busy={busy} onStop={stop} />
            <p className="hint servers-connect">
              To connect JupyterLab, VS Code or another Jupyter client, give it the Jupyter server URL and a Kiln API token from
              your <Link href="/account">Account page</Link>.
            </p>
          </>
        ) : null}
      </section>
      <section className="card" aria-labelledby="start-heading">
        <h2 id="start-heading">Start a server</h2>
        {images === null ? <p className="muted">Loading images…</p> : <StartServerForm user={user} images={images} onChange={() => void refresh()} />}
      </section>
    </>
  );
}
