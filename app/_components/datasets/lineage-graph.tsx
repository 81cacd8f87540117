import { DagFigure } from "../graph/dag-figure";
import styles from "./datasets.module.css";
import type { LineageModel } from "./types";

/** Versions and the runs that produced them, laid out by dagre: data flows left to right. */
export function LineageGraph({ graph, versionHref }: { graph: LineageModel; versionHref: (nodeId: string) => string | null }) {
  if (graph.nodes.length === 0) return <p className="muted">No versions yet.</p>;
  return (
    <DagFigure
      nodes={graph.nodes} edges={graph.edges} title="Lineage: versions and the runs that produced them" testId="lineage"
      look={(n) => {
        const href = n.kind === "version" ? versionHref(n.id) : null;
        return {
          className: n.kind === "run" ? styles.nodeRun : styles.nodeVersion, rx: n.kind === "run" ? 15 : 4,
          wrap: href ? (box) => <a href={href} aria-label={n.label}>{box}</a> : undefined,
        };
      }}
    />
  );
}
