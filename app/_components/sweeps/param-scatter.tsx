import { formatNumber } from "../runs/run-format";
import { Axes, type Box, HiddenTable, xAt, yAt } from "./axes";
import { goodness, objectiveScale, paramScale, shade, valueText } from "./scales";
import styles from "./sweeps.module.css";
import { isScored, paramNames, type Scored, type Sweep } from "./types";

const BOX: Box = { w: 300, h: 210, left: 52, right: 12, top: 10, bottom: 40 };

function Scatter({ sweep, name, trials }: { sweep: Sweep; name: string; trials: Scored[] }) {
  const dim = sweep.space[name];
  const metric = sweep.objective.metric;
  const values = trials.map((t) => t.objective);
  const x = paramScale(dim, trials.map((t) => t.params[name]));
  const y = objectiveScale(values);
  const dark = goodness(values, sweep.objective.goal);
  const placed = trials.filter((t) => x.pos(t.params[name]) !== null);
  const label = `${metric} against ${name}${x.kind === "log" ? " (log scale)" : ""}, ${placed.length} trials.`;
  return (
    <figure className={styles.figure} data-testid="param-scatter" data-param={name}>
      <svg viewBox={`0 0 ${BOX.w} ${BOX.h}`} className={styles.chart} role="img" aria-label={label}>
        <Axes box={BOX} x={x} y={y} xTitle={`${name}${x.kind === "log" ? " (log)" : ""}`} yTitle={metric} />
        {placed.map((t) => (
          <circle key={t.number} cx={xAt(BOX, x.pos(t.params[name])!)} cy={yAt(BOX, y.pos(t.objective)!)} r={t.number === sweep.best_trial ? 5.5 : 4}
            fill={t.status === "pruned" ? "none" : shade(dark(t.objective))} className={t.status === "pruned" ? styles.prunedMark : styles.mark} data-trial={t.number}>
            <title>{`Trial ${t.number}: ${name} ${valueText(t.params[name])}, ${metric} ${formatNumber(t.objective)}`}</title>
          </circle>
        ))}
      </svg>
      <HiddenTable caption={label} columns={["Trial", name, metric]} rows={placed.map((t) => [t.number, valueText(t.params[name]), formatNumber(t.objective)])} />
    </figure>
  );
}

/** One small scatter per parameter: where in its range the good objectives lie. */
export function ParamScatters({ sweep }: { sweep: Sweep }) {
  const trials = sweep.trials.filter(isScored);
  if (trials.length === 0) return <p className="muted">No trial has reported {sweep.objective.metric} yet.</p>;
  return (
    <div className={styles.scatters}>
      {paramNames(sweep.space).map((name) => <Scatter key={name} sweep={sweep} name={name} trials={trials} />)}
    </div>
  );
}
