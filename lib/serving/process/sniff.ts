import type http from "node:http";
import net from "node:net";

/**
 * Kiln's port, with connections sorted by their first request line before any HTTP parsing:
 * one that opens with a served-model request (`/serve/...`, `/v2...`) goes whole to the
 * serving process (lib/serving/process/parent.ts), everything else to Kiln's HTTP server.
 * Model clients keep their connections alive, so the sorting is paid once per connection,
 * and their requests never touch the main process's event loop, where the notebooks are.
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
 * Puts the sorting in front of `server`'s own connection handling: its connections arrive
 * paused, and go on to the server, or to `handOff` when they open with a model request and
 * it takes them. The server keeps listening itself (its header and request timeouts are
 * tracked from there). Returns the server's own handling, for connections that are never
 * to be sorted (the kernels' API sockets).
 */
export function sortConnections(server: http.Server, handOff: HandOff): (socket: net.Socket) => void {
  const own = server.listeners("connection")[0] as (socket: net.Socket) => void;
  const toServer = (socket: net.Socket) => own.call(server, socket);
  server.removeAllListeners("connection");
  (server as unknown as { pauseOnConnect: boolean }).pauseOnConnect = true; // net.Server reads it as each connection comes
  server.on("connection", (socket: net.Socket) => {
    let head: Buffer = Buffer.alloc(0);
    // a connection that says nothing goes on to the server, whose own timeouts then apply
    const quiet = setTimeout(() => decide(false), 5000);
    const decide = (serving: boolean) => {
      clearTimeout(quiet);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("error", onError);
      socket.pause();
      // nothing more is read here: the rest of the bytes are for whoever takes the connection
      // (net.Socket's own pause leaves the handle reading; `reading` false lets resume() start it again)
      const handle = (socket as unknown as { _handle?: { reading: boolean; readStop(): number } })._handle;
      if (handle?.reading) {
        handle.reading = false;
        handle.readStop();
      }
      if (!serving || !handOff(socket, head)) toKiln();
    };
    const toKiln = () => {
      if (head.length) socket.unshift(head);
      toServer(socket);
      socket.resume();
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
  });
  return toServer;
}
