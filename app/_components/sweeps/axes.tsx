import type { Scale } from "./scales";
import styles from "./sweeps.module.css";

/** A chart's size and the margins its tick labels need, in SVG units. */
export interface Box {
  w: number;
  h: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Where 0..1 along each axis falls in the box. */
export const xAt = (b: Box, p: number) => b.left + p * (b.w - b.left - b.right);
export const yAt = (b: Box, p: number) => b.h - b.bottom - p * (b.h - b.top - b.bottom);

/** The bottom and left axes with their ticks and titles. */
export function Axes({ box, x, y, xTitle, yTitle }: { box: Box; x: Scale; y: Scale; xTitle: string; yTitle: string }) {
  const x0 = xAt(box, 0);
  const y0 = yAt(box, 0);
  return (
    <g className={styles.axis} aria-hidden="true">
      {y.ticks.map((t) => (
        <g key={`y${t.at}`}>
          <line className={styles.grid} x1={x0} x2={xAt(box, 1)} y1={yAt(box, t.at)} y2={yAt(box, t.at)} />
          <text x={x0 - 4} y={yAt(box, t.at)} textAnchor="end" dominantBaseline="middle">{t.label}</text>
        </g>
      ))}
      {x.ticks.map((t) => (
        <text key={`x${t.at}`} x={xAt(box, t.at)} y={y0 + 14} textAnchor="middle">{t.label}</text>
      ))}
      <line x1={x0} x2={xAt(box, 1)} y1={y0} y2={y0} />
      <line x1={x0} x2={x0} y1={y0} y2={yAt(box, 1)} />
      <text className={styles.axisTitle} x={(x0 + xAt(box, 1)) / 2} y={box.h - 4} textAnchor="middle">{xTitle}</text>
      <text className={styles.axisTitle} transform={`translate(12 ${(y0 + yAt(box, 1)) / 2}) rotate(-90)`} textAnchor="middle">{yTitle}</text>
    </g>
  );
}

/** The numbers behind a chart, for screen readers (the chart itself is one image to them). */
export function HiddenTable({ caption, columns, rows }: { caption: string; columns: string[]; rows: (string | number)[][] }) {
  return (
    <table className="visually-hidden">
      <caption>{caption}</caption>
      <thead>
        <tr>{columns.map((c) => <th scope="col" key={c}>{c}</th>)}</tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={String(r[0])}>{r.map((c, i) => <td key={i}>{c}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}
