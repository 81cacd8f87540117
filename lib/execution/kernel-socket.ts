import WebSocket from "ws";
import { upstreamWsUrl } from "../spawners/upstream";
import { type JupyterMessage, message } from "./protocol";
import type { KernelTarget } from "./session";

/** Kiln's WebSocket to a kernel on its Jupyter Server: JSON protocol, no compression, no Nagle. */
export async function openKernelSocket(
  target: KernelTarget, kernelId: string, session: string, onMessage: (data: WebSocket.RawData) => void,
): Promise<WebSocket> {
  const url = upstreamWsUrl(target.upstream, `${target.basePath}api/kernels/${kernelId}/channels?session_id=${session}`);
  const ws = new WebSocket(url, { headers: { authorization: `token ${target.token}` }, perMessageDeflate: false });
  // Before the socket opens: Jupyter replays a resumed session's messages right after the
  // upgrade, possibly in the same read, before an await on "open" would return.
  ws.on("message", onMessage);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`kernel WebSocket refused: HTTP ${res.statusCode}`)));
  });
  (ws as unknown as { _socket?: { setNoDelay?: (b: boolean) => void } })._socket?.setNoDelay?.(true);
  return ws;
}

/**
 * Whether iopub flows on a fresh socket: a kernel_info_request must come back with its status
 * on iopub. Right after a kernel died and Jupyter restarted it on new ports, a socket can
 * open yet hear nothing.
 */
export function iopubFlows(ws: WebSocket, session: string, timeoutMs = 3000): Promise<boolean> {
  const probe = message("shell", "kernel_info_request", {}, session);
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const onMessage = (data: WebSocket.RawData) => {
      try {
        const m = JSON.parse(String(data)) as JupyterMessage;
        if (m.channel === "iopub" && m.parent_header?.msg_id === probe.header.msg_id) done(true);
      } catch {
        /* binary frame */
      }
    };
    const done = (ok: boolean) => {
      clearTimeout(timer);
      ws.off("message", onMessage);
      resolve(ok);
    };
    ws.on("message", onMessage);
    ws.send(JSON.stringify(probe));
  });
}
