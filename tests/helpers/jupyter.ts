import { KernelManager, ServerConnection, TerminalManager } from "@jupyterlab/services";
import { PageConfig } from "@jupyterlab/coreutils";
import WebSocket from "ws";

/** Settings for a user's server behind Kiln's proxy, authenticated with a Kiln token. */
function settingsFor(kilnUrl: string, user: string, token: string, serverName = "", ws: typeof WebSocket = WebSocket) {
  const path = `/user/${user}/${serverName ? `${serverName}/` : ""}`;
  return ServerConnection.makeSettings({
    baseUrl: kilnUrl + path,
    wsUrl: kilnUrl.replace(/^http/, "ws") + path,
    token,
    appendToken: true,
    WebSocket: ws as never,
  });
}

/**
 * A KernelManager whose startNew waits for its first poll of the running kernels (at most
 * 10 s), as JupyterLab starts kernels once its managers are ready: a list read before the
 * kernel was started and answered after it reads, to the manager, as that kernel's shutdown,
 * and it disposes the new connection and cancels its requests (seen once, on a Kiln just
 * restarted, whose first answer was slow).
 */
class ReadyKernelManager extends KernelManager {
  override async startNew(...args: Parameters<KernelManager["startNew"]>) {
    await Promise.race([this.ready, new Promise((r) => setTimeout(r, 10_000).unref())]);
    return super.startNew(...args);
  }
}

/** A real Jupyter client (@jupyterlab/services) pointed at Kiln's proxy with a Kiln token (`ws`: another WebSocket class). */
export function jupyterClient(kilnUrl: string, user: string, token: string, serverName = "", ws: typeof WebSocket = WebSocket): KernelManager {
  return new ReadyKernelManager({ serverSettings: settingsFor(kilnUrl, user, token, serverName, ws) });
}

/** Executes code and returns what it printed on stdout. */
export async function run(kernel: Awaited<ReturnType<KernelManager["startNew"]>>, code: string): Promise<string> {
  let out = "";
  const future = kernel.requestExecute({ code });
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === "stream") out += (msg.content as { text: string }).text;
  };
  await future.done;
  return out;
}

/** A terminal client through the same proxy. */
export function terminalClient(kilnUrl: string, user: string, token: string) {
  // Outside a Jupyter page there is no page config saying terminals exist: say it.
  PageConfig.setOption("terminalsAvailable", "true");
  return new TerminalManager({ serverSettings: settingsFor(kilnUrl, user, token) });
}

/** Opens a terminal through the proxy, types `command`, and returns the screen once `expect` shows on it. */
export async function terminalSession(kilnUrl: string, user: string, token: string, command: string, expectText: string): Promise<string> {
  const tm = terminalClient(kilnUrl, user, token);
  const term = await tm.startNew();
  let screen = "";
  term.messageReceived.connect((_, msg) => {
    if (msg.type === "stdout") screen += String(msg.content?.[0] ?? "");
  });
  try {
    await new Promise((r) => setTimeout(r, 500)); // the shell prints its prompt first
    term.send({ type: "stdin", content: [`${command}\r`] });
    const deadline = Date.now() + 15_000;
    while (!screen.includes(expectText)) {
      if (Date.now() > deadline) throw new Error(`terminal never showed ${expectText}; screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return screen;
  } finally {
    await term.shutdown().catch(() => {});
    tm.dispose();
  }
}
