import type { RunModel } from "./types";

/** Where the run ran: the image (and the digest a reproduction must match) and what the server had. */
export function RunEnvironment({ run }: { run: RunModel }) {
  const r = run.resources ?? {};
  return (
    <section className="card" aria-labelledby="run-env-heading">
      <h2 id="run-env-heading">Environment</h2>
      <dl className="props">
        <dt>Image</dt>
        <dd className="mono">{run.image}</dd>
        <dt>Image digest</dt>
        <dd className="mono">{run.image_digest || <span className="muted">unknown</span>}</dd>
        <dt>CPUs</dt>
        <dd>{r.cpu ?? "—"}</dd>
        <dt>Memory</dt>
        <dd>{r.memory_mb ? `${r.memory_mb.toLocaleString("en")} MB` : "—"}</dd>
        <dt>GPUs</dt>
        <dd>{r.gpus ? `${r.gpus} (${r.gpu_ids?.length ? r.gpu_ids.join(", ") : "ids unknown"})` : "none"}</dd>
        {run.gpus?.length ? (
          <>
            <dt>GPU time</dt>
            <dd data-testid="run-gpu-seconds">
              {run.gpus.map((g) => `${g.model} ${g.uuid.slice(0, 12)}…: ${g.gpu_seconds.toLocaleString("en")} GPU-s`).join("; ")}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
