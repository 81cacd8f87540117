import type { ChildProcess } from "node:child_process";

/**
 * Calls between Kiln and its serving process over the fork's IPC channel (advanced
 * serialization: Buffers and typed arrays cross as they are). Either side answers the
 * other's `call`s with its handlers; `push` is a call whose answer nobody waits for.
 */
type Port = Pick<ChildProcess, "send" | "on" | "off"> | NodeJS.Process;
export type Handlers = Record<string, (arg: unknown) => unknown>;
interface Call {
  rpc: "call";
  seq: number;
  op: string;
  arg: unknown;
}
interface Reply {
  rpc: "reply";
  seq: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export interface Rpc {
  call<T>(op: string, arg?: unknown): Promise<T>;
  push(op: string, arg?: unknown): void;
  /** The other side went away: what waits on it fails with `why`. */
  fail(why: string): void;
}

export function connectRpc(port: Port, handlers: Handlers): Rpc {
  let seq = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** false: the channel is closed (the other side is gone or going). */
  const send = (m: Call | Reply): boolean => {
    if ("connected" in port && !port.connected) return false;
    try {
      (port.send as (m: unknown) => boolean)(m);
      return true;
    } catch {
      return false;
    }
  };
  port.on("message", (m: Call | Reply) => {
    if (m?.rpc === "reply") {
      const p = pending.get(m.seq);
      if (!p) return;
      pending.delete(m.seq);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.error));
    } else if (m?.rpc === "call") {
      const handler = handlers[m.op];
      Promise.resolve()
        .then(() => {
          if (!handler) throw new Error(`unknown call ${m.op}`);
          return handler(m.arg);
        })
        .then(
          (value) => m.seq > 0 && send({ rpc: "reply", seq: m.seq, ok: true, value }),
          (e: unknown) => m.seq > 0 && send({ rpc: "reply", seq: m.seq, ok: false, error: String((e as Error)?.message ?? e) }),
        );
    }
  });
  return {
    call: <T>(op: string, arg?: unknown) =>
      new Promise<T>((resolve, reject) => {
        const s = ++seq;
        pending.set(s, { resolve: resolve as (v: unknown) => void, reject });
        if (!send({ rpc: "call", seq: s, op, arg })) {
          pending.delete(s);
          reject(new Error(`${op}: the other process is not there`));
        }
      }),
    push: (op, arg) => void send({ rpc: "call", seq: 0, op, arg }),
    fail: (why) => {
      for (const p of pending.values()) p.reject(new Error(why));
      pending.clear();
    },
  };
}
