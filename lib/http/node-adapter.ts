import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

/** A Node request as a web Request, so the same handlers serve Next and Kiln's API router. */
export function toWebRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else headers.set(k, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(origin + (req.url ?? "/"), {
    method: req.method,
    headers,
    body: hasBody ? bodyStream(req) : undefined,
    // @ts-expect-error Node's fetch needs this for a streamed body
    duplex: hasBody ? "half" : undefined,
  });
}

/**
 * The request's body, read from the socket only as the handler asks for it. Readable.toWeb
 * reads ahead into its queue on its own (a 200 MB body was held whole before its 413).
 * Cancelling stops reading without destroying the socket, so the answer still goes out.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  req.on("readable", notify);
  req.once("end", () => ((ended = true), notify()));
  req.once("error", (e) => ((failure = e), notify()));
  req.once("close", () => {
    if (!ended) failure ??= new Error("the client went away before the end of the body");
    notify();
  });
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const chunk = req.read() as Buffer | null;
          if (chunk) return controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if (failure) return controller.error(failure);
          if (ended) return controller.close();
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
    { highWaterMark: 0 },
  );
}

const LINGER_MS = 5_000;
const LINGER_BYTES = 8 * 1024 * 1024;

/** How long a client gets to read its answer (not reading meanwhile stops its sending) before the rest is drained. */
const PAUSE_MS = 1_000;

/**
 * Answered before the body's end (a 413, a 401 before an upload): first nothing more is
 * read for a moment, so a client still sending is held back by TCP and reads its answer;
 * then the rest is dropped as it arrives, never held, and a client that keeps sending past
 * a few MB or seconds is cut off. Draining at once let a client on a busy machine push
 * megabytes before it read the answer, and closing at once resets the connection under
 * it: either way the client saw a broken pipe instead of the 413.
 */
function dropRest(req: IncomingMessage) {
  let dropped = 0;
  const cutOff = () => req.socket.destroy();
  let timer = setTimeout(drain, PAUSE_MS).unref();
  req.once("end", () => clearTimeout(timer));
  req.once("close", () => clearTimeout(timer));
  req.removeAllListeners("readable");
  req.pause();
  function drain() {
    timer = setTimeout(cutOff, LINGER_MS).unref();
    req.on("data", (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > LINGER_BYTES) cutOff();
    });
    req.resume();
  }
}

/** Next's share of requests (pages, next-auth's forms) never needs more. */
const PAGE_BODY_LIMIT = 64 * 1024;

/**
 * Next reads a request body whole before anything can refuse it (a 200 MB post to next-auth
 * grew Kiln by 650 MB): only a declared length within the limit reaches it. A chunked body
 * (no length: no browser form sends one) is a 411, a longer one a 413, the rest dropped.
 * Returns whether it answered.
 */
export function refuseLargePageBody(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === "GET" || req.method === "HEAD") return false;
  const declared = req.headers["content-length"];
  const chunked = req.headers["transfer-encoding"] !== undefined;
  if (!chunked && (declared === undefined || Number(declared) <= PAGE_BODY_LIMIT)) return false;
  const [status, code, message] = chunked
    ? [411, "length_required", "body: a Content-Length is required here"]
    : [413, "payload_too_large", `body: larger than ${PAGE_BODY_LIMIT} bytes`];
  const body = JSON.stringify({ error: { code, message, field: "body" } });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  if (!req.complete) dropRest(req);
  res.end(body);
  return true;
}

export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  if (!res.req.complete) dropRest(res.req);
  response.headers.forEach((value, key) => {
    if (key === "set-cookie") return;
    res.setHeader(key, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader("set-cookie", cookies);
  if (!response.body) return void res.end();
  // Event streams and files (a dataset's, an artifact: they say their length) are piped as they
  // come, never held whole; closing the client's connection cancels the web stream.
  const sse = response.headers.get("content-type")?.startsWith("text/event-stream");
  if (sse || response.headers.has("content-length")) {
    if (sse) res.flushHeaders();
    const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
    res.on("close", () => body.destroy());
    body.pipe(res);
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  res.setHeader("content-length", body.length);
  res.end(body);
}
