import { getConfig } from "../config";
import type { Db } from "../db";
import { logger } from "../log";
import { releaseLease, takeLease } from "./lease";

/** A kept lease lives this long past its last renewal, unless its keeper asks for longer: how long a dead holder's work waits for a successor. */
export const LEASE_TTL_MS = 6000;
/** The keeper's round; each lease is renewed once a third of its TTL has passed. */
const ROUND_MS = 2000;

interface Kept {
  ttlMs: number;
  onLost?: () => void;
  renewedAt: number;
}
const KEY = Symbol.for("kiln.keptLeases");
type G = typeof globalThis & { [KEY]?: Map<string, Kept> };
const kept = () => ((globalThis as G)[KEY] ??= new Map());

/** Where other replicas reach this one (a notebook's channel is forwarded there). */
export function replicaAddress(): string {
  const c = getConfig();
  if (c.replicaUrl) return c.replicaUrl;
  const host = c.bind === "0.0.0.0" || c.bind === "::" ? "127.0.0.1" : c.bind;
  return `http://${host.includes(":") ? `[${host}]` : host}:${c.port}`;
}

/** Whether this process holds the lease and renewed it recently enough to act on it without asking. */
export function holdsFresh(name: string): boolean {
  const k = kept().get(name);
  return !!k && Date.now() - k.renewedAt < k.ttlMs / 2;
}

/**
 * Takes a lease and keeps renewing it until `dropLease`; `onLost` runs if another replica
 * took it meanwhile (this one stalled past the expiry). False when someone else holds it.
 */
export async function keepLease(db: Db, name: string, opts: { force?: boolean; ttlMs?: number; onLost?: () => void } = {}): Promise<boolean> {
  if (!opts.force && holdsFresh(name)) return true;
  const ttlMs = opts.ttlMs ?? kept().get(name)?.ttlMs ?? LEASE_TTL_MS;
  const ok = await takeLease(db, name, ttlMs, { address: replicaAddress(), force: opts.force });
  if (!ok) return false;
  const k = kept().get(name);
  if (k) k.renewedAt = Date.now();
  else kept().set(name, { ttlMs, onLost: opts.onLost, renewedAt: Date.now() });
  return true;
}

export function keeps(name: string): boolean {
  return kept().has(name);
}

export function keptNames(): string[] {
  return [...kept().keys()];
}

export async function dropLease(db: Db, name: string): Promise<void> {
  if (!kept().delete(name)) return;
  await releaseLease(db, name).catch((e) => logger().warn({ err: e, lease: name }, "could not release a lease"));
}

/** Every kept lease, renewed in time (a round every two seconds); `tick` runs after each round (a caller's own checks). */
export function startLeaseKeeper(db: Db, tick?: () => Promise<void>): { stop: () => Promise<void> } {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      for (const [name, k] of kept()) {
        if (Date.now() - k.renewedAt < k.ttlMs / 3) continue;
        const ok = await takeLease(db, name, k.ttlMs, { address: replicaAddress() }).catch((e) => {
          logger().warn({ err: e, lease: name }, "could not renew a lease");
          return true; // a failed renewal is not a loss: the next round tries again before the expiry
        });
        if (ok) k.renewedAt = Date.now();
        else if (kept().get(name) === k) {
          kept().delete(name);
          logger().warn({ lease: name }, "another replica took this lease over");
          k.onLost?.();
        }
      }
      await tick?.();
    } catch (e) {
      logger().warn({ err: e }, "lease round failed");
    } finally {
      busy = false;
    }
  }, ROUND_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      for (const name of [...kept().keys()]) await dropLease(db, name);
    },
  };
}
