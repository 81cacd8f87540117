"use client";

import Link from "next/link";
import { useSignal } from "./signal";
import { useController } from "./use-store";

/** The kernel died (out of memory, a crash): say so plainly and offer a restart. Nothing saved is lost. */
export function KernelDeadBanner() {
  const c = useController();
  const k = useSignal(c.kernel);
  if (k?.state !== "dead") return null;
  return (
    <div className="alert alert-error nb-banner" role="alert" data-testid="kernel-dead">
      <p>
        <strong>The kernel died</strong>
        {/* The server's reason says what happened and what is lost; without one, say it here. */}
        {k.reason ? `: ${k.reason.replace(/\.?\s*$/, ".")}` : ". Your notebook is saved; the variables in memory are lost."}
      </p>
      <button type="button" className="btn btn-primary btn-small" onClick={() => void c.runner.restart()}>
        Restart kernel
      </button>
    </div>
  );
}

/** Running needs a server: start the default one here, or pick image and resources on /servers. */
export function NoServerBanner() {
  const c = useController();
  const s = useSignal(c.runner.noServer);
  if (!s) return null;
  return (
    <div className="alert alert-warning nb-banner" role="alert" data-testid="no-server">
      <p>
        No server is running, so there is no kernel to run cells. Start your default server, or choose the image and resources on the{" "}
        <Link href="/servers">Servers page</Link>.{s.pending.length ? " The cells you ran will run once it is ready." : ""}
      </p>
      {s.message ? <p>{s.message}</p> : null}
      <div className="nb-banner-actions">
        <button type="button" className="btn btn-primary btn-small" disabled={s.starting} onClick={() => void c.runner.startServer()}>
          {s.starting ? "Starting server…" : "Start server"}
        </button>
        <button type="button" className="btn btn-secondary btn-small" disabled={s.starting} onClick={() => c.runner.dismissNoServer()}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
