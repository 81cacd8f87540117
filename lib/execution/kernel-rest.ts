import { upstreamFetch } from "../spawners/upstream";
import type { KernelTarget } from "./session";

/** Jupyter's kernel REST calls, over the server's socket: the one module that makes them. */
const auth = (t: KernelTarget) => ({ authorization: `token ${t.token}` });

/** Starts a python3 kernel on the server (Kiln's spare-kernel extension answers in ~40 ms). */
export async function startKernel(t: KernelTarget): Promise<string> {
  const r = await upstreamFetch(t.upstream, `${t.basePath}api/kernels`, {
    method: "POST", headers: { ...auth(t), "content-type": "application/json" },
    body: JSON.stringify({ name: "python3", path: "" }), timeoutMs: 120_000,
  });
  if (!r.ok) throw new Error(`Jupyter could not start a kernel: HTTP ${r.status} ${await r.text()}`);
  return (await r.json<{ id: string }>()).id;
}

export async function kernelExists(t: KernelTarget, id: string): Promise<boolean> {
  const r = await upstreamFetch(t.upstream, `${t.basePath}api/kernels/${id}`, { headers: auth(t), timeoutMs: 10_000 });
  return r.ok;
}

export async function deleteKernel(t: KernelTarget, id: string): Promise<void> {
  await upstreamFetch(t.upstream, `${t.basePath}api/kernels/${id}`, { method: "DELETE", headers: auth(t), timeoutMs: 30_000 });
}

/** POST api/kernels/{id}/interrupt or .../restart: an error unless Jupyter says 2xx. */
export async function kernelPost(t: KernelTarget, path: string): Promise<void> {
  const r = await upstreamFetch(t.upstream, t.basePath + path, { method: "POST", headers: auth(t), timeoutMs: 60_000 });
  if (!r.ok) throw new Error(`Jupyter answered ${r.status} to ${path}`);
}
