"use client";

import Link from "next/link";
import { useSignal } from "./signal";
import type { KernelModel } from "./types";
import { useController } from "./use-store";

function label(k: KernelModel | null): string {
  if (!k) return "connecting";
  if (k.state === "none") return k.server ? "no kernel (starts on first run)" : "no server";
  return k.state;
}

function resources(k: KernelModel | null): string | null {
  const s = k?.server;
  if (!s) return null;
  const mem = s.memory_mb >= 1024 ? `${+(s.memory_mb / 1024).toFixed(1)} GB` : `${s.memory_mb} MB`;
  return [s.image, `${s.cpu} CPU`, mem, s.gpus ? `${s.gpus} GPU${s.gpus > 1 ? "s" : ""}` : null].filter(Boolean).join(" · ");
}

/** The kernel's state word (idle, busy, dead, …) and the server it runs on. */
export function KernelStatus() {
  const c = useController();
  const k = useSignal(c.kernel);
  const connected = useSignal(c.connected);
  const state = k?.state ?? "unknown";
  const res = resources(k);
  return (
    <div className="nb-kernel">
      <span className={`nb-kernel-status nb-kernel-${state}`} data-testid="kernel-status" role="status" title={k?.reason ?? undefined}>
        <span className="nb-kernel-dot" aria-hidden="true" />
        Kernel: {label(k)}
      </span>
      {res ? <span className="muted nb-kernel-server">{res}</span> : null}
      {k && !k.server ? <Link href="/servers">Servers</Link> : null}
      {!connected ? <span className="badge badge-neutral" role="status">Reconnecting…</span> : null}
    </div>
  );
}
