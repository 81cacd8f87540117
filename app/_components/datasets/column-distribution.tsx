import styles from "./datasets.module.css";
import type { ColumnProfile } from "./types";

const W = 120;
const H = 28;
const fmt = (x: number) => (Number.isInteger(x) ? x.toLocaleString("en") : String(+x.toPrecision(4)));

/** A column's values at a glance: its histogram's bars (numbers) or its most frequent values (text). */
export function ColumnDistribution({ column: c }: { column: ColumnProfile }) {
  if (c.histogram) {
    const { lo, width, counts } = c.histogram;
    const most = Math.max(...counts, 1);
    const bar = W / counts.length;
    const label = `Histogram of ${c.name}: ${counts.map((n, i) => `${fmt(lo + i * width)} to ${fmt(lo + (i + 1) * width)}: ${n}`).join("; ")}`;
    return (
      <svg className={styles.histogram} viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label} data-testid="histogram">
        <title>{label}</title>
        {counts.map((n, i) => {
          const h = n === 0 ? 0 : Math.max(1, (n / most) * H);
          return <rect key={i} x={i * bar + 0.5} y={H - h} width={Math.max(1, bar - 1)} height={h} />;
        })}
      </svg>
    );
  }
  if (c.top?.length) {
    const most = c.top[0]!.count;
    return (
      <ul className={styles.topValues} aria-label={`Most frequent values of ${c.name}`}>
        {c.top.slice(0, 4).map((t) => (
          <li key={t.value} title={`${t.value}: ${t.count}`}>
            <span className={styles.topBar} style={{ width: `${Math.max(4, (t.count / most) * 100)}%` }} />
            <span className="mono">{t.value === "" ? "(empty)" : t.value}</span> <span className="muted">{t.count.toLocaleString("en")}</span>
          </li>
        ))}
      </ul>
    );
  }
  return <span className="muted">—</span>;
}
