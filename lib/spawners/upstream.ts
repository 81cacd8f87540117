import http from "node:http";
import net from "node:net";

/**
 * Where a server's Jupyter listens. Always a Unix socket in a host directory Kiln made for
 * that server: the container has its own network namespace (no network at all by default),
 * so nothing of it is on the host's loopback, and no TCP port is published.
 */
export interface Upstream {
  socketPath: string;
}

// Keep-alive, as fetch had over TCP: a round trip through the proxy or a kernel REST call
// reuses the connection.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function upstreamOf(state: Record<string, unknown>): Upstream {
  const socketPath = state.socketPath;
  if (typeof socketPath !== "string" || !socketPath) throw new Error("this server's state names no Jupyter socket");
  return { socketPath };
}

/** An HTTP request to Jupyter over its socket (the caller writes the body and ends it). */
export function upstreamRequest(u: Upstream, options: http.RequestOptions, onResponse?: (res: http.IncomingMessage) => void): http.ClientRequest {
  return http.request({ ...options, socketPath: u.socketPath, agent, host: "localhost" }, onResponse);
}

/** A raw stream to Jupyter, for replaying a WebSocket upgrade byte for byte. */
export function upstreamConnect(u: Upstream): net.Socket {
  return net.connect({ path: u.socketPath });
}

/** The `ws` library's URL for a WebSocket over a Unix socket. */
export function upstreamWsUrl(u: Upstream, path: string): string {
  return `ws+unix://${u.socketPath}:${path}`;
}

export interface UpstreamResponse {
  status: number;
  ok: boolean;
  text: () => Promise<string>;
  json: <T = unknown>() => Promise<T>;
}

/** fetch()'s shape for the few JSON calls Kiln makes to Jupyter itself (kernels, status). */
export function upstreamFetch(
  u: Upstream,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const req = upstreamRequest(u, {
      method: init.method ?? "GET", path,
      headers: { ...init.headers, ...(body ? { "content-length": String(body.length) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 502;
        resolve({ status, ok: status >= 200 && status < 300, text: async () => text, json: async <T>() => JSON.parse(text) as T });
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`Jupyter did not answer ${path} within ${init.timeoutMs} ms`)), init.timeoutMs ?? 30_000);
    const abort = () => req.destroy(init.signal!.reason as Error);
    if (init.signal?.aborted) abort();
    else init.signal?.addEventListener("abort", abort, { once: true });
    req.on("close", () => init.signal?.removeEventListener("abort", abort));
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}
