import type { ChildProcess } from "node:child_process";
import net from "node:net";

/**
 * A listening TCP socket the main process opens and the serving processes accept on (Kiln's
 * port, KILN_SERVING_PORT). Each serving process is given the socket and accepts its own
 * connections from it: the kernel hands each new connection to one of them, and none passes
 * through the main process (handing a connection over is a round trip between two event
 * loops, one connection at a time: a client opening its pool stalled the models' answers for
 * hundreds of milliseconds).
 *
 * The main process keeps a copy of the socket that it does not accept on: the port stays
 * open whatever happens to the serving processes. When none is left accepting, the main
 * process accepts on that copy itself (connections meanwhile wait in the backlog, never
 * refused) until one is up again.
 */
export type PortName = "kiln" | "models";

/** A listening socket as it crosses between processes: libuv's TCP handle, with no server accepting on it. */
interface ListenHandle {
  close(callback?: () => void): void;
}

export interface PortHolder {
  index: number;
  child: ChildProcess;
}

/** A port Kiln cannot listen on: Kiln stops at start-up with its message. */
export class PortUnavailableError extends Error {}

/** The messages of the exchange, both ways over the fork's IPC channel. */
export const LISTEN = "listen"; // main → serving process, with the socket: accept on it
export const LISTENING = "listening"; // serving process → main, with its own copy: it accepts now

export class SharedPort {
  /** This process accepting: before any serving process has the socket, or while none is up. */
  private server: net.Server | null = null;
  /** This process's copy while serving processes accept: it only keeps the socket open. */
  private kept: ListenHandle | null = null;
  private readonly holders = new Set<number>();
  /**
   * Sends of this process's accepting socket still on their way, by serving process: Node
   * queues a handle behind the previous one's acknowledgement, and a socket closed before
   * it leaves arrives as nothing. This process stops accepting only once none is left.
   */
  private readonly sending = new Map<number, number>();
  private closed = false;

  /**
   * `what` names the port in errors; `accept` takes a connection this process accepts
   * itself, paused and unread.
   */
  constructor(
    readonly name: PortName,
    private readonly what: string,
    private readonly accept: (socket: net.Socket) => void,
  ) {}

  /** Listens (a port that cannot be had rejects, naming it); this process accepts until the socket is given away. */
  open(port: number, bind: string): Promise<void> {
    const server = this.accepting();
    return new Promise((resolve, reject) => {
      server.once("error", (e) => reject(new PortUnavailableError(`${this.what} ${port}: ${e.message}`)));
      server.listen(port, bind, () => {
        this.server = server;
        resolve();
      });
    });
  }

  /** Sends the socket to `w`, which accepts on it and sends a copy back (`taken`). */
  give(w: PortHolder): void {
    if (this.closed || this.holders.has(w.index)) return;
    const handle = this.server ? (this.server as unknown as { _handle: ListenHandle | null })._handle : this.kept;
    if (!handle || !w.child.connected) return;
    this.sending.set(w.index, (this.sending.get(w.index) ?? 0) + 1);
    // failed: it went away, and `lost` follows
    w.child.send({ kiln: LISTEN, port: this.name }, handle as unknown as net.Server, () => this.sent(w));
  }

  private sent(w: PortHolder): void {
    const left = (this.sending.get(w.index) ?? 1) - 1;
    if (left > 0) this.sending.set(w.index, left);
    else this.sending.delete(w.index);
    this.stopAccepting();
  }

  /** This process stops accepting once a serving process accepts, and its socket has reached every one it was sent to. */
  private stopAccepting(): void {
    if (!this.server || !this.kept || this.sending.size) return;
    this.server.close();
    this.server = null;
  }

  /**
   * `w` accepts now and sent its copy back: while this process accepts, the first such copy
   * becomes its kept one, and it stops accepting (`stopAccepting`).
   */
  taken(w: PortHolder, copy: ListenHandle): void {
    if (this.closed || !w.child.connected) return void copy.close();
    this.holders.add(w.index);
    if (!this.server || this.kept) return void copy.close();
    this.kept = copy;
    this.stopAccepting();
  }

  /** `w` went away: with none left accepting, this process accepts again, on its kept copy. */
  lost(w: PortHolder): void {
    this.holders.delete(w.index);
    this.sending.delete(w.index); // what was on its way to it went nowhere
    this.stopAccepting();
    if (this.holders.size || this.closed || this.server || !this.kept) return;
    const server = this.accepting();
    server.listen(this.kept as unknown as net.Server);
    this.server = server;
    this.kept = null;
  }

  /** A server for this process's own accepting: connections paused and unread, for `accept`. */
  private accepting(): net.Server {
    return net.createServer({ pauseOnConnect: true }, this.accept);
  }

  /** No new connections from here (the serving processes close their copies on `stop`). */
  close(): void {
    this.closed = true;
    this.server?.close();
    this.server = null;
    this.kept?.close();
    this.kept = null;
  }
}
