"use client";

import { BestTrial } from "./best-trial";
import { ObjectiveChart } from "./objective-chart";
import { ParallelCoords } from "./parallel-coords";
import { ParamScatters } from "./param-scatter";
import { SweepHeader } from "./sweep-header";
import { TrialsTable } from "./trials-table";
import { useSweep } from "./use-sweep";

function Card({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {children}
    </section>
  );
}

/** A sweep's page: its set-up and status, its trials, how the objective moved, where in the space it was good, and the best trial. */
export function SweepView({ id }: { id: number }) {
  const { sweep, error, missing, setSweep } = useSweep(id);
  if (missing) {
    return (
      <div className="card empty-state">
        <h1>No such sweep</h1>
        <p>Sweep {id} does not exist, or it is not yours.</p>
      </div>
    );
  }
  if (error && !sweep) return <div role="alert" className="alert alert-error">{error}</div>;
  if (!sweep) return <p className="muted">Loading the sweep…</p>;
  return (
    <>
      <SweepHeader sweep={sweep} onChange={setSweep} />
      <Card id="best" title="Best trial"><BestTrial sweep={sweep} /></Card>
      <Card id="trials" title="Trials"><TrialsTable sweep={sweep} /></Card>
      <Card id="objective" title="Objective over time"><ObjectiveChart sweep={sweep} /></Card>
      <Card id="scatter" title="Each parameter against the objective"><ParamScatters sweep={sweep} /></Card>
      <Card id="parallel" title="Parallel coordinates"><ParallelCoords sweep={sweep} /></Card>
    </>
  );
}
