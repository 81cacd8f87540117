import { Fragment, type ReactElement, type SVGProps } from "react";
import styles from "./graph.module.css";
import { layoutDag, NODE_H, NODE_H_TALL, NODE_W as W, smoothPath } from "./dag-layout";

export interface DagNode {
  id: string;
  label: string;
}

/** How one node's box looks and behaves: its class, corner radius, attributes, and what wraps it (a link). */
export interface NodeLook {
  className: string | undefined;
  rx?: number;
  /** A second, smaller line under the label (a step's status and duration); any node having one makes every box taller. */
  sublabel?: string;
  props?: SVGProps<SVGGElement>;
  wrap?: (box: ReactElement) => ReactElement;
}

/**
 * A small directed graph as SVG, laid out by dagre left to right (a dataset's lineage, a
 * pipeline's steps): labelled boxes, routed edges with arrows, and the edges again as a
 * list for screen readers. `testId` also names the figure's title and arrow ids.
 */
export function DagFigure<N extends DagNode>({ nodes, edges, title, testId, look }: {
  nodes: N[];
  edges: { from: string; to: string }[];
  title: string;
  testId: string;
  look: (n: N) => NodeLook;
}) {
  const looks = new Map(nodes.map((n) => [n.id, look(n)]));
  const H = [...looks.values()].some((l) => l.sublabel) ? NODE_H_TALL : NODE_H;
  const { at, routes, width, height } = layoutDag({ nodes, edges }, H);
  const label = (id: string) => nodes.find((n) => n.id === id)?.label ?? id;
  const arrow = `${testId}-arrow`;
  return (
    <figure data-testid={testId}>
      <svg className={styles.dag} viewBox={`-2 -2 ${width + 4} ${height + 4}`} width={width + 4} role="img" aria-labelledby={`${testId}-title`}>
        <title id={`${testId}-title`}>{title}</title>
        <defs>
          <marker id={arrow} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
          </marker>
        </defs>
        {edges.map((e) => {
          const points = routes.get(`${e.from}->${e.to}`);
          return points?.length ? <path key={`${e.from}-${e.to}`} className={styles.edge} data-edge={`${e.from}->${e.to}`} d={smoothPath(points)} markerEnd={`url(#${arrow})`} /> : null;
        })}
        {nodes.map((n) => {
          const p = at.get(n.id)!;
          const l = looks.get(n.id)!;
          const box = (
            <g className={l.className} transform={`translate(${p.x} ${p.y})`} {...l.props}>
              <rect width={W} height={H} rx={l.rx ?? 4} />
              <text x={W / 2} y={l.sublabel ? H / 2 - 3 : H / 2 + 4} textAnchor="middle">{n.label.length > 22 ? `${n.label.slice(0, 21)}…` : n.label}</text>
              {l.sublabel ? <text className={styles.sublabel} x={W / 2} y={H / 2 + 12} textAnchor="middle">{l.sublabel}</text> : null}
            </g>
          );
          return <Fragment key={n.id}>{l.wrap ? l.wrap(box) : box}</Fragment>;
        })}
      </svg>
      <figcaption className="visually-hidden">
        <ul>{edges.map((e) => <li key={`${e.from}-${e.to}`}>{label(e.from)} → {label(e.to)}</li>)}</ul>
      </figcaption>
    </figure>
  );
}
