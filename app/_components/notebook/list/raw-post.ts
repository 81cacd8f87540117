import type { ApiResult } from "../../api";

/**
 * POSTs a file's text as the body, unparsed: the server validates the .ipynb and its 400
 * names the first schema error, which is what the user needs to see (api() would have
 * to parse and re-serialise it first).
 */
export async function postRaw<T>(path: string, body: string): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, { method: "POST", headers: { accept: "application/json", "content-type": "application/json" }, body, credentials: "same-origin" });
  } catch {
    return { ok: false, error: { status: 0, code: "network", message: "Could not reach Kiln. Check your connection and try again." } };
  }
  const data: unknown = await res.json().catch(() => null);
  if (res.ok) return { ok: true, data: data as T };
  const e = (data as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
  return { ok: false, error: { status: res.status, code: e?.code ?? "error", message: e?.message ?? `Import failed (HTTP ${res.status})`, field: e?.field } };
}
