import { type Upstream, upstreamFetch } from "../../spawners/upstream";

/**
 * Jupyter Server's REST API for kernels and sessions, over the server's socket: every call
 * Kiln makes to it is here. (The contents API, for files, is lib/notebooks/server-files.ts.)
 */
export interface JupyterServer {
  upstream: Upstream;
  /** /user/{name}/ or a pool slot's base path, with its trailing slash. */
  basePath: string;
  token: string;
}

const auth = (s: JupyterServer) => ({ authorization: `token ${s.token}` });
const call = (s: JupyterServer, path: string, init: { method?: string; body?: string; timeoutMs: number }) =>
  upstreamFetch(s.upstream, s.basePath + path, { ...init, headers: { ...auth(s), ...(init.body ? { "content-type": "application/json" } : {}) } });

/** Starts a python3 kernel (Kiln's spare-kernel extension answers in ~40 ms). */
export async function startKernel(s: JupyterServer): Promise<string> {
  const r = await call(s, "api/kernels", { method: "POST", body: JSON.stringify({ name: "python3", path: "" }), timeoutMs: 120_000 });
  if (!r.ok) throw new Error(`Jupyter could not start a kernel: HTTP ${r.status} ${await r.text()}`);
  return (await r.json<{ id: string }>()).id;
}

export async function kernelExists(s: JupyterServer, id: string): Promise<boolean> {
  return (await call(s, `api/kernels/${id}`, { timeoutMs: 10_000 })).ok;
}

/** The kernel's execution state as Jupyter Server last saw it; null when it cannot be told. */
export async function kernelExecutionState(s: JupyterServer, id: string): Promise<string | null> {
  const r = await call(s, `api/kernels/${id}`, { timeoutMs: 5000 }).catch(() => null);
  return r?.ok ? ((await r.json<{ execution_state?: string }>()).execution_state ?? null) : null;
}

/** Ids of the server's kernels, without counting as activity (the culler reads activity); null when it did not answer. */
export async function listKernelIds(s: JupyterServer): Promise<Set<string> | null> {
  const r = await call(s, "api/kernels?no_track_activity=1", { timeoutMs: 3000 });
  return r.ok ? new Set((await r.json<{ id: string }[]>()).map((k) => k.id)) : null;
}

/** The server's sessions (a notebook path and its kernel); null when it did not answer. */
export async function listSessions(s: JupyterServer): Promise<{ path?: string; name?: string; kernel?: { id?: string } }[] | null> {
  const r = await call(s, "api/sessions", { timeoutMs: 10_000 });
  return r.ok ? r.json() : null;
}

export async function deleteKernel(s: JupyterServer, id: string): Promise<void> {
  await call(s, `api/kernels/${id}`, { method: "DELETE", timeoutMs: 30_000 });
}

export async function interruptKernel(s: JupyterServer, id: string): Promise<void> {
  await post(s, `api/kernels/${id}/interrupt`);
}

export async function restartKernel(s: JupyterServer, id: string): Promise<void> {
  await post(s, `api/kernels/${id}/restart`);
}

/** An error unless Jupyter says 2xx. */
async function post(s: JupyterServer, path: string): Promise<void> {
  const r = await call(s, path, { method: "POST", timeoutMs: 60_000 });
  if (!r.ok) throw new Error(`Jupyter answered ${r.status} to ${path}`);
}

/** The WebSocket path of a kernel's channels for one client session id. */
export function channelsPath(s: JupyterServer, kernelId: string, session: string): string {
  return `${s.basePath}api/kernels/${kernelId}/channels?session_id=${session}`;
}
