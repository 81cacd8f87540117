import { formatNumber } from "../runs/run-format";
import { HiddenTable } from "./axes";
import { goodness, objectiveScale, paramScale, type Scale, shade, valueText } from "./scales";
import styles from "./sweeps.module.css";
import { isScored, paramNames, type Scored, type Sweep } from "./types";

const W = 720;
const H = 300;
const M = { left: 60, right: 60, top: 34, bottom: 16 };

interface Axis {
  title: string;
  scale: Scale;
  of: (t: Scored) => unknown;
}

/** One vertical axis per parameter and one for the objective; each finished trial a line across them, darker the better it scored (the best on top). */
export function ParallelCoords({ sweep }: { sweep: Sweep }) {
  const { metric, goal } = sweep.objective;
  const trials = sweep.trials.filter(isScored);
  if (trials.length === 0) return <p className="muted">No trial has reported {metric} yet.</p>;
  const names = paramNames(sweep.space);
  const values = trials.map((t) => t.objective);
  const axes: Axis[] = [
    ...names.map((n) => ({ title: n, scale: paramScale(sweep.space[n], trials.map((t) => t.params[n])), of: (t: Scored) => t.params[n] })),
    { title: metric, scale: objectiveScale(values), of: (t) => t.objective },
  ];
  const ax = (i: number) => M.left + (i * (W - M.left - M.right)) / Math.max(1, axes.length - 1);
  const ay = (p: number) => H - M.bottom - p * (H - M.top - M.bottom);
  const dark = goodness(values, goal);
  const lines = trials
    .map((t) => ({ t, ps: axes.map((a) => a.scale.pos(a.of(t))) }))
    .filter((l): l is { t: Scored; ps: number[] } => l.ps.every((p) => p !== null))
    .sort((a, b) => dark(a.t.objective) - dark(b.t.objective));
  const label = `Parallel coordinates: ${lines.length} trials across ${names.join(", ")} and ${metric}; darker lines scored better.`;
  return (
    <figure className={styles.figure} data-testid="parallel-coords">
      <svg viewBox={`0 0 ${W} ${H}`} className={styles.chart} role="img" aria-label={label}>
        {lines.map(({ t, ps }) => (
          <polyline key={t.number} points={ps.map((p, i) => `${ax(i)},${ay(p)}`).join(" ")} stroke={shade(dark(t.objective))}
            className={t.number === sweep.best_trial ? styles.bestPath : t.status === "pruned" ? styles.prunedPath : styles.path} data-trial={t.number}>
            <title>{`Trial ${t.number}: ${names.map((n) => `${n} ${valueText(t.params[n])}`).join(", ")}; ${metric} ${formatNumber(t.objective)}`}</title>
          </polyline>
        ))}
        {axes.map((a, i) => (
          <g key={a.title} className={styles.axis} aria-hidden="true">
            <line x1={ax(i)} x2={ax(i)} y1={ay(0)} y2={ay(1)} />
            <text className={styles.axisTitle} x={ax(i)} y={M.top - 18} textAnchor="middle">{`${a.title}${a.scale.kind === "log" ? " (log)" : ""}`}</text>
            {a.scale.ticks.map((k) => (
              <text key={k.at} x={ax(i) - 5} y={ay(k.at)} textAnchor="end" dominantBaseline="middle" className={styles.tick}>{k.label}</text>
            ))}
          </g>
        ))}
      </svg>
      <figcaption className="muted">Each line is a trial; the darkest ({goal === "minimize" ? "lowest" : "highest"} {metric}) is the best{lines.some((l) => l.t.status === "pruned") ? "; dashed: pruned early" : ""}.</figcaption>
      <HiddenTable caption={label} columns={["Trial", ...names, metric]} rows={lines.map(({ t }) => [t.number, ...names.map((n) => valueText(t.params[n])), formatNumber(t.objective)])} />
    </figure>
  );
}
