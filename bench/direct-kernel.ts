import crypto from "node:crypto";
import Docker from "dockerode";
import WebSocket from "ws";
import { jupyterOf } from "./kiln-process";

/**
 * A benchmark's baseline: the same kernel Kiln uses, reached straight over its Jupyter
 * Server's Unix socket (the container has no network), as a Jupyter client would.
 */
export async function directKernel(user: string, kernelId: string) {
  const { socket, token } = await jupyterOf(new Docker(), user);
  const session = crypto.randomUUID();
  const ws = new WebSocket(`ws+unix://${socket}:/user/${user}/api/kernels/${kernelId}/channels?session_id=${session}`, { headers: { authorization: `token ${token}` } });
  await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));

  /** Sends a shell request; resolves (in ms) once its reply and, when `idle`, its idle status are in. */
  function request(msgType: string, content: Record<string, unknown>, idle: boolean): Promise<number> {
    const msgId = crypto.randomUUID();
    const s = performance.now();
    let replied = false;
    let idled = !idle;
    return new Promise((resolve) => {
      const on = (d: WebSocket.RawData) => {
        const m = JSON.parse(String(d));
        if (m.parent_header?.msg_id !== msgId) return;
        if (m.channel === "shell") replied = true;
        if (m.header?.msg_type === "status" && m.content?.execution_state === "idle") idled = true;
        if (replied && idled) {
          ws.off("message", on);
          resolve(performance.now() - s);
        }
      };
      ws.on("message", on);
      ws.send(JSON.stringify({
        header: { msg_id: msgId, msg_type: msgType, session, username: "bench", date: new Date().toISOString(), version: "5.3" },
        parent_header: {}, metadata: {}, channel: "shell", content,
      }));
    });
  }
  return {
    /** execute_request to its reply and idle status: when any client knows the cell is over. */
    execute: (code: string) => request("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, true),
    /** complete_request to its reply. */
    complete: (code: string, cursorPos: number) => request("complete_request", { code, cursor_pos: cursorPos }, false),
    /** Resolves once the socket is closed: Jupyter no longer relays the kernel's output to it. */
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once("close", () => resolve());
        ws.close();
      }),
  };
}

export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
export const summary = (xs: number[]) => ({ n: xs.length, p50: +pct(xs, 0.5).toFixed(1), p95: +pct(xs, 0.95).toFixed(1) });
