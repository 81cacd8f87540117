import type { KernelTarget } from "./session";

const auth = (t: KernelTarget) => ({ authorization: `token ${t.token}` });

/** Starts a python3 kernel on the server (Kiln's spare-kernel extension answers in ~40 ms). */
export async function startKernel(t: KernelTarget): Promise<string> {
  const r = await fetch(`${t.base}api/kernels`, {
    method: "POST", headers: { ...auth(t), "content-type": "application/json" },
    body: JSON.stringify({ name: "python3", path: "" }), signal: AbortSignal.timeout(120_000),
  });
  if (!r.ok) throw new Error(`Jupyter could not start a kernel: HTTP ${r.status} ${await r.text()}`);
  return ((await r.json()) as { id: string }).id;
}

export async function kernelExists(t: KernelTarget, id: string): Promise<boolean> {
  const r = await fetch(`${t.base}api/kernels/${id}`, { headers: auth(t), signal: AbortSignal.timeout(10_000) });
  return r.ok;
}

export async function deleteKernel(t: KernelTarget, id: string): Promise<void> {
  await fetch(`${t.base}api/kernels/${id}`, { method: "DELETE", headers: auth(t), signal: AbortSignal.timeout(30_000) });
}
