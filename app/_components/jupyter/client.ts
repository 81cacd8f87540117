/**
 * The browser's calls to the user's own Jupyter Server, through Kiln's proxy at
 * /user/{name}/: the session cookie authenticates them and Kiln adds Jupyter's token.
 * Shared by the Files and Terminal pages.
 */
export type JupyterFailure = { ok: false; status: number; message: string; notRunning: boolean };
export type JupyterResult<T> = { ok: true; data: T } | JupyterFailure;

/** "a b/c.txt" -> "a%20b/c.txt": each segment encoded, the slashes kept. */
export const encodePath = (path: string) => path.split("/").filter(Boolean).map(encodeURIComponent).join("/");

/** /user/{name}/{route}[/{path}], e.g. jupyterUrl("ada", "api/contents", "data/x.csv"). */
export function jupyterUrl(user: string, route: string, path = ""): string {
  const rest = encodePath(path);
  return `/user/${encodeURIComponent(user)}/${route}${rest ? `/${rest}` : ""}`;
}

/**
 * Kiln's proxy answers in its own shape ({ error: {...} }) when there is no server to ask
 * (404), it is still starting (503) or it did not answer (502); Jupyter's own errors carry
 * a top-level message, so a missing file is never mistaken for a stopped server.
 */
export function failure(status: number, body: unknown): JupyterFailure {
  const b = body as { error?: { message?: string }; message?: string; reason?: string } | null;
  const notRunning = !!b?.error && [404, 502, 503].includes(status);
  const message = b?.error?.message || b?.message || b?.reason || `Request failed (HTTP ${status})`;
  return { ok: false, status, message, notRunning };
}

export const networkFailure: JupyterFailure = {
  ok: false, status: 0, notRunning: false, message: "Could not reach Kiln. Check your connection and try again.",
};

function cookie(name: string): string | null {
  const m = document.cookie.match(new RegExp(`(?:^|;\\s*)${name}=([^;]*)`));
  return m ? m[1]! : null;
}

let primed: Promise<unknown> | null = null;

/**
 * Jupyter compares "X-XSRFToken" with its _xsrf cookie on cookie-authenticated changes.
 * Behind Kiln's proxy its requests are token-authenticated, so Jupyter skips that check
 * today; sending the header keeps these calls valid if that changes. Jupyter sets the
 * cookie on a GET, so when there is none we ask once per page.
 */
export async function xsrfHeader(user: string): Promise<Record<string, string>> {
  if (!cookie("_xsrf")) await (primed ??= fetch(jupyterUrl(user, "api/contents"), { credentials: "same-origin" }).catch(() => null));
  const token = cookie("_xsrf");
  return token ? { "X-XSRFToken": token } : {};
}

/** One JSON call to the user's server; changes carry the XSRF header. */
export async function jupyter<T = unknown>(user: string, url: string, init: { method?: string; body?: unknown } = {}): Promise<JupyterResult<T>> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") Object.assign(headers, await xsrfHeader(user));
  let res: Response;
  try {
    res = await fetch(url, {
      method, headers, credentials: "same-origin", cache: "no-store",
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    return networkFailure;
  }
  const body: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  return res.ok ? { ok: true, data: body as T } : failure(res.status, body);
}
