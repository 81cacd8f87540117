import { jupyter, jupyterUrl, type JupyterResult } from "../jupyter/client";

/** What terminado sends: output, the greeting after connecting, and the shell's exit. */
export type ServerFrame = ["stdout", string] | ["setup", Record<string, unknown>] | ["disconnect", ...unknown[]];

/**
 * The named terminal if it still exists on the user's server; else the one already open
 * there (a second visit does not pile up shells); else a new one. Resolves to its name.
 */
export async function openTerminal(user: string, wanted: string | null): Promise<JupyterResult<string>> {
  if (wanted) {
    const found = await jupyter<{ name: string }>(user, jupyterUrl(user, "api/terminals", wanted));
    if (found.ok) return { ok: true, data: found.data.name };
    // Jupyter's own 404: the terminal ended (or the server restarted). Anything else is reported.
    if (found.notRunning || found.status !== 404) return found;
  } else {
    const open = await jupyter<{ name: string }[]>(user, jupyterUrl(user, "api/terminals"));
    if (!open.ok && open.notRunning) return open;
    if (open.ok && open.data.length > 0) return { ok: true, data: open.data[0]!.name };
  }
  const created = await jupyter<{ name: string }>(user, jupyterUrl(user, "api/terminals"), { method: "POST" });
  return created.ok ? { ok: true, data: created.data.name } : created;
}

/** Ends the shell; terminado then says "disconnect" and closes the socket. */
export const closeTerminal = (user: string, name: string) => jupyter(user, jupyterUrl(user, "api/terminals", name), { method: "DELETE" });

/** Same origin as the page, so the browser sends the session cookie with the upgrade. */
export function terminalSocketUrl(user: string, name: string): string {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${jupyterUrl(user, "terminals/websocket", name)}`;
}

export function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== "string") return null;
  try {
    const f: unknown = JSON.parse(data);
    return Array.isArray(f) && typeof f[0] === "string" ? (f as ServerFrame) : null;
  } catch {
    return null;
  }
}
