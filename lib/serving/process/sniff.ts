import type http from "node:http";
import net from "node:net";

/**
 * Kiln's port, with connections sorted by their first request line before any HTTP parsing:
 * one that opens with a served-model request (`/serve/...`, `/v2...`) is a serving
 * process's (lib/serving/process/parent.ts), everything else Kiln's HTTP server's in the
 * main process. Model clients keep their connections alive, so the sorting is paid once per
 * connection, and their requests never touch the main process's event loop, where the
 * notebooks are.
 */
const SERVING = /^[A-Z]{3,7} \/(?:serve\/|v2[/ ?])/;
/** Still too short to say: could the line yet become a served-model request? */
const MAYBE = /^(?:[A-Z]{0,7}|[A-Z]{3,7} (?:\/(?:s(?:e(?:r(?:ve?)?)?)?|v2?)?)?)$/;

/** true: a served-model request; false: anything else; undefined: read on. */
export function opensWithServing(head: Buffer): boolean | undefined {
  const text = head.toString("latin1", 0, Math.min(head.length, 24));
  if (SERVING.test(text)) return true;
  return MAYBE.test(text) ? undefined : false;
}

export type HandOff = (socket: net.Socket, head: Buffer) => boolean;

/**
 * Reads a new connection's first bytes until they say whether it opens with a model
 * request, then stops reading (the rest is for whoever takes it) and calls `route`. A
 * connection that says nothing for 5 s is routed as not serving (the HTTP server's own
 * timeouts then apply).
 */
function sniffConnection(socket: net.Socket, route: (serving: boolean, head: Buffer) => void): void {
  let head: Buffer = Buffer.alloc(0);
  const quiet = setTimeout(() => decide(false), 5000);
  const decide = (serving: boolean) => {
    clearTimeout(quiet);
    socket.off("data", onData);
    socket.off("end", onEnd);
    socket.off("error", onError);
    socket.pause();
    // net.Socket's own pause leaves the handle reading; `reading` false lets resume() start it again
    const handle = (socket as unknown as { _handle?: { reading: boolean; readStop(): number } })._handle;
    if (handle?.reading) {
      handle.reading = false;
      handle.readStop();
    }
    route(serving, head);
  };
  const onData = (chunk: Buffer) => {
    head = head.length ? Buffer.concat([head, chunk]) : chunk;
    const serving = opensWithServing(head); // undecided only while under 15 bytes
    if (serving !== undefined) decide(serving);
  };
  const onEnd = () => decide(false);
  const onError = () => {
    clearTimeout(quiet);
    socket.destroy();
  };
  socket.on("data", onData);
  socket.on("end", onEnd);
  socket.on("error", onError);
  socket.resume();
}

/** An HTTP server's own handling of connections (its first "connection" listener), for sockets given to it by hand. */
export function ownHandling(server: http.Server): (socket: net.Socket) => void {
  const own = server.listeners("connection")[0] as (socket: net.Socket) => void;
  return (socket) => own.call(server, socket);
}

/** A connection whose first bytes were read elsewhere, given to `own` (an HTTP server's handling) with them. */
export function deliver(own: (socket: net.Socket) => void, socket: net.Socket, head: Buffer): void {
  if (head.length) socket.unshift(head);
  own(socket);
  socket.resume();
}

/**
 * A listening server's connection handler (its server made with `pauseOnConnect`) that
 * sorts each connection by its first request line: one that opens with a model request goes
 * to `toServing` when it takes it, anything else (or one it does not take) to `toOther`,
 * with the bytes read to know it. Kiln's main process sorts with it while it holds Kiln's
 * port, and so does each serving process once it shares the port (parent.ts).
 */
export function sorter(toServing: HandOff, toOther: (socket: net.Socket, head: Buffer) => void): (socket: net.Socket) => void {
  return (socket) =>
    sniffConnection(socket, (serving, head) => {
      if (!serving || !toServing(socket, head)) toOther(socket, head);
    });
}
