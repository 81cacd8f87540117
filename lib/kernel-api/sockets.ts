import fs from "node:fs";
import net from "node:net";
import { logger } from "../log";

/**
 * Kiln's side of the `kiln` module's transport. A server's kernels have no network route to
 * Kiln (their container has its own namespace): Kiln listens on a Unix socket in that
 * server's run directory, mounted read-only into the container. Connections are handed to
 * Kiln's one HTTP server, tagged with the server they came from; lib/http/handle.ts then
 * accepts only that server's own token, on the kiln module's routes only.
 */
interface Listener {
  server: net.Server;
  /** socketOwner's answer; null: a warm-pool container nobody has claimed yet (everything it asks is refused). */
  owner: string | null;
  open: Set<net.Socket>;
  /** The socket file this listener made: another replica that replaced it has it now. */
  ino: number;
}

/** Whom a socket speaks for: a server (its kernels) or a pipeline step's run (its container). */
export const socketOwner = {
  server: (serverId: number) => `server:${serverId}`,
  run: (runId: number) => `run:${runId}`,
};

const VIA = Symbol.for("kiln.kernelApiVia");
const KEY = Symbol.for("kiln.kernelApiSockets");
type Store = { listeners: Map<string, Listener>; sink: ((s: net.Socket) => void) | null; waiting: net.Socket[] };
type G = typeof globalThis & { [KEY]?: Store };
const store = (): Store => ((globalThis as G)[KEY] ??= { listeners: new Map(), sink: null, waiting: [] });

/**
 * server.ts: where accepted connections go (its HTTP server's "connection" event). Sockets
 * re-adopted at start-up may be called before Kiln serves: those connections wait.
 */
export function attachKernelApi(sink: (s: net.Socket) => void) {
  const s = store();
  s.sink = sink;
  for (const socket of s.waiting.splice(0)) if (!socket.destroyed) sink(socket);
}

/**
 * Listens on `path` for `owner` (socketOwner), replacing a socket file left by a Kiln that
 * is gone; a socket another live replica answers on stays theirs (it is the same server's).
 */
export async function openKernelApiSocket(path: string, owner: string | null): Promise<void> {
  const s = store();
  const existing = s.listeners.get(path);
  if (existing) {
    existing.owner = owner;
    return;
  }
  if (await answers(path)) return;
  const listener: Listener = { owner, server: net.createServer(), open: new Set(), ino: 0 };
  listener.server.on("connection", (socket) => {
    (socket as net.Socket & { [VIA]?: Listener })[VIA] = listener;
    listener.open.add(socket);
    socket.once("close", () => listener.open.delete(socket));
    if (s.sink) s.sink(socket);
    else s.waiting.push(socket);
  });
  listener.server.on("error", (e) => logger().warn({ err: e, path }, "kernel API socket error"));
  fs.rmSync(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    listener.server.once("error", reject);
    listener.server.listen(path, () => {
      listener.server.off("error", reject);
      resolve();
    });
  });
  // Kernels run as another account: they must be able to connect (the directory is read-only to them).
  fs.chmodSync(path, 0o666);
  listener.ino = fs.statSync(path).ino;
  s.listeners.set(path, listener);
}

/** Whether someone listens on `path` now (another replica, for a socket this one does not hold). */
function answers(path: string): Promise<boolean> {
  if (!fs.existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const c = net.connect(path);
    const done = (ok: boolean) => {
      c.destroy();
      resolve(ok);
    };
    c.once("connect", () => done(true));
    c.once("error", () => done(false));
    c.setTimeout(2000, () => done(false));
  });
}

/**
 * Each poll: listeners whose socket file is gone (its server stopped on another replica) are
 * closed; one whose file another replica replaced (both re-listened on a dead socket at once)
 * is dropped without closing, since closing a Unix listener unlinks its path, which is the
 * other replica's socket now (it listens on nothing anyone can reach).
 */
export async function pruneKernelApiSockets(): Promise<void> {
  const s = store();
  for (const [path, l] of s.listeners) {
    const ino = fs.statSync(path, { throwIfNoEntry: false })?.ino;
    if (ino === l.ino) continue;
    s.listeners.delete(path);
    if (ino !== undefined) l.server.unref(); // its open connections still work: they end on their own
    else {
      for (const socket of l.open) socket.destroy();
      l.server.close();
    }
  }
}

/** A warm-pool container was claimed: its socket now speaks for that server. */
export function assignKernelApiSocket(path: string, serverId: number) {
  const l = store().listeners.get(path);
  if (l) l.owner = socketOwner.server(serverId);
}

export async function closeKernelApiSocket(path: string): Promise<void> {
  const s = store();
  const l = s.listeners.get(path);
  if (!l) return;
  s.listeners.delete(path);
  const closed = new Promise<void>((r) => l.server.close(() => r()));
  for (const socket of l.open) socket.destroy(); // kept-alive connections of a server that is going
  await closed;
  fs.rmSync(path, { force: true });
}

/**
 * For a connection that came in on a kernel API socket: whom it speaks for ("" for an
 * unclaimed warm-pool container). Undefined for Kiln's ordinary TCP port.
 */
export function kernelApiOwnerOf(socket: net.Socket): string | undefined {
  const l = (socket as net.Socket & { [VIA]?: Listener })[VIA];
  return l ? (l.owner ?? "") : undefined;
}

/** The header that tells lib/http/handle.ts which server's socket a request came in on. */
export const VIA_SERVER_HEADER = "x-kiln-via-server";

/**
 * Marks where a request came from, overwriting whatever a client claimed: the socket's
 * owner for a kernel API socket, nothing for Kiln's TCP port. Returns it, or undefined.
 */
export function tagKernelApiRequest(req: { socket: net.Socket; headers: Record<string, unknown> }): string | undefined {
  const via = kernelApiOwnerOf(req.socket);
  if (via === undefined) delete req.headers[VIA_SERVER_HEADER];
  else req.headers[VIA_SERVER_HEADER] = via;
  return via;
}
