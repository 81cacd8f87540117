/** Same-origin JSON calls from the browser; the session cookie authenticates them. */
export interface ApiError {
  status: number;
  code: string;
  message: string;
  field?: string;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    return { ok: false, error: { status: 0, code: "network", message: "Could not reach Kiln. Check your connection and try again." } };
  }
  if (res.status === 204) return { ok: true, data: undefined as T };
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) return { ok: true, data: body as T };
  const e = (body as { error?: Partial<ApiError> } | null)?.error;
  return {
    ok: false,
    error: {
      status: res.status,
      code: e?.code ?? "error",
      message: e?.message ?? `Request failed (HTTP ${res.status})`,
      field: e?.field,
    },
  };
}

/** "password: must be at least 8 characters" -> "Must be at least 8 characters" (the field is shown already). */
export function fieldMessage(e: ApiError): string {
  const m = e.field && e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
  return m.charAt(0).toUpperCase() + m.slice(1);
}

export const userPath = (name: string) => `/hub/api/users/${encodeURIComponent(name)}`;
