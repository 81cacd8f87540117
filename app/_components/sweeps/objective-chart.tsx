import { formatDuration, formatNumber } from "../runs/run-format";
import { Axes, type Box, HiddenTable, xAt, yAt } from "./axes";
import { goodness, linearScale, objectiveScale, shade } from "./scales";
import styles from "./sweeps.module.css";
import { isScored, type Sweep } from "./types";

const BOX: Box = { w: 640, h: 260, left: 56, right: 16, top: 12, bottom: 40 };

/** Each finished trial's objective by when it ended, and the best so far (succeeded trials only, as the sweep ranks them) as a step line. */
export function ObjectiveChart({ sweep }: { sweep: Sweep }) {
  const t0 = new Date(sweep.created_at).getTime();
  const done = sweep.trials.filter(isScored).filter((t) => t.ended_at).map((t) => ({ ...t, s: (new Date(t.ended_at!).getTime() - t0) / 1000 }));
  done.sort((a, b) => a.s - b.s);
  const { metric, goal } = sweep.objective;
  if (done.length === 0) return <p className="muted">No trial has reported {metric} yet.</p>;

  const values = done.map((t) => t.objective);
  const x = linearScale(0, Math.max(...done.map((t) => t.s), 1), { count: 5, pad: 0.03, label: formatDuration });
  const y = objectiveScale(values);
  const dark = goodness(values, goal);
  const better = (a: number, b: number) => (goal === "minimize" ? a < b : a > b);
  let best: number | null = null;
  const steps: { s: number; best: number }[] = [];
  for (const t of done) {
    if (t.status !== "succeeded" || (best !== null && !better(t.objective, best))) continue;
    best = t.objective;
    steps.push({ s: t.s, best });
  }
  const px = (s: number) => xAt(BOX, x.pos(s)!);
  const py = (v: number) => yAt(BOX, y.pos(v)!);
  const line = steps.map((p, i) => `${i === 0 ? "M" : "H"}${px(p.s)} ${i === 0 ? py(p.best) : `V${py(p.best)}`}`).join(" ") + (steps.length ? ` H${px(done.at(-1)!.s)}` : "");
  const label = `${metric} of ${done.length} finished trials by the time each ended; the best so far${best === null ? " is none yet" : ` is ${formatNumber(best)}`}.`;
  return (
    <figure className={styles.figure} data-testid="objective-chart">
      <svg viewBox={`0 0 ${BOX.w} ${BOX.h}`} className={styles.chart} role="img" aria-label={label}>
        <Axes box={BOX} x={x} y={y} xTitle="time since the sweep started" yTitle={metric} />
        {line ? <path d={line} className={styles.bestLine} data-testid="best-so-far" /> : null}
        {done.map((t) => (
          <circle key={t.number} cx={px(t.s)} cy={py(t.objective)} r={t.number === sweep.best_trial ? 6 : 4.5} fill={t.status === "pruned" ? "none" : shade(dark(t.objective))}
            className={t.status === "pruned" ? styles.prunedMark : styles.mark} data-trial={t.number} data-status={t.status}>
            <title>{`Trial ${t.number}: ${metric} ${formatNumber(t.objective)}${t.status === "pruned" ? " (pruned)" : ""}, ended at ${formatDuration(t.s)}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="muted">Points: each trial when it ended (hollow: pruned early). Line: the best {metric} so far.</figcaption>
      <HiddenTable caption={`Objective over time: ${label}`} columns={["Trial", "Ended after", metric, "Status"]}
        rows={done.map((t) => [t.number, formatDuration(t.s), formatNumber(t.objective), t.status])} />
    </figure>
  );
}
