import { type Domain, extent, niceTicks, padded, scale } from "./chart-scale";
import type { ChartLine } from "./chart-series";
import { formatNumber } from "./run-format";

const W = 560;
const H = 220;
const M = { left: 60, right: 14, top: 12, bottom: 30 };

function domains(lines: ChartLine[]): { x: Domain; y: Domain } {
  const xs = extent(lines.flatMap((l) => l.points.map((p) => p.x)));
  const ys = extent(lines.flatMap((l) => [...l.points.map((p) => p.y), ...(l.band ?? []).flatMap((b) => [b.lo, b.hi])]));
  return { x: padded(xs.min, xs.max), y: padded(ys.min, ys.max) };
}

/**
 * Metric values by step as an SVG line chart: one path per line, the min–max band under a
 * downsampled line, a few tick labels on both axes. Sized by its viewBox, so it scales with
 * its container.
 */
export function LineChart({ lines, title }: { lines: ChartLine[]; title: string }) {
  const { x, y } = domains(lines);
  const sx = scale(x, M.left, W - M.right);
  const sy = scale(y, H - M.bottom, M.top);
  // steps are integers: a tick at step 2.5 would name no step
  const allX = niceTicks(x, 6);
  const xTicks = allX.some(Number.isInteger) ? allX.filter(Number.isInteger) : allX;
  const yTicks = niceTicks(y, 4);
  const at = (px: number, py: number) => `${sx(px).toFixed(1)},${sy(py).toFixed(1)}`;

  return (
    <svg className="run-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
      <title>{title}</title>
      <g className="run-chart-grid">
        {yTicks.map((t) => (
          <g key={`y${t}`}>
            <line x1={M.left} x2={W - M.right} y1={sy(t)} y2={sy(t)} />
            <text x={M.left - 6} y={sy(t)} dy="0.32em" textAnchor="end">{formatNumber(t)}</text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={`x${t}`} x={sx(t)} y={H - M.bottom + 16} textAnchor="middle">{formatNumber(t)}</text>
        ))}
        <line className="run-chart-axis" x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
        <text x={W - M.right} y={H - 2} textAnchor="end">step</text>
      </g>
      {lines.map((l) =>
        l.band?.length ? (
          <path key={`band-${l.id}`} className="run-chart-band" fill={l.color}
            d={`M${l.band.map((b) => at(b.x, b.hi)).join("L")}L${[...l.band].reverse().map((b) => at(b.x, b.lo)).join("L")}Z`} />
        ) : null,
      )}
      {lines.map((l) =>
        l.points.length === 1 ? (
          <circle key={l.id} data-series={l.id} cx={sx(l.points[0]!.x)} cy={sy(l.points[0]!.y)} r={3.5} fill={l.color} />
        ) : l.points.length > 1 ? (
          <path key={l.id} data-series={l.id} className="run-chart-line" stroke={l.color} strokeDasharray={l.dash}
            d={`M${l.points.map((p) => at(p.x, p.y)).join("L")}`} />
        ) : null,
      )}
    </svg>
  );
}
