"use client";

import { useMemo, useState } from "react";
import { codeDiff } from "./code-diff";
import styles from "./runs.module.css";
import type { RunComparison } from "./types";

const SIGN = { same: " ", added: "+", removed: "-" } as const;

/** The code of each run against one chosen run: a unified diff, cell headers included. */
export function CompareCode({ data }: { data: RunComparison }) {
  const [baseId, setBaseId] = useState(data.runs[0]!.id);
  const others = data.runs.filter((r) => r.id !== baseId);
  const diffs = useMemo(
    () => others.map((r) => ({ id: r.id, ...codeDiff(data.code[String(baseId)] ?? [], data.code[String(r.id)] ?? []) })),
    [data, baseId, others],
  );
  return (
    <section className="card" aria-labelledby="compare-code-heading">
      <h2 id="compare-code-heading">Code</h2>
      <div className="field">
        <label htmlFor="compare-code-base">Compare against</label>
        <select id="compare-code-base" value={baseId} onChange={(e) => setBaseId(Number(e.target.value))}>
          {data.runs.map((r) => <option key={r.id} value={r.id}>Run #{r.id}</option>)}
        </select>
      </div>
      {diffs.map((d) => (
        <figure key={d.id} className={styles.diff} data-testid="code-diff" data-run-id={d.id}>
          <figcaption>
            Run #{baseId} → Run #{d.id}
            {d.changed ? null : <span className="muted">: the same code</span>}
          </figcaption>
          {d.changed ? (
            <pre aria-label={`Code of run ${d.id} against run ${baseId}`}>
              {d.lines.map((l, i) =>
                l.kind === "skipped" ? (
                  <span key={i} className={styles.skipped}>⋯ {l.count} unchanged {l.count === 1 ? "line" : "lines"}{"\n"}</span>
                ) : (
                  <span key={i} className={styles[l.kind]} data-diff={l.kind}>{SIGN[l.kind]} {l.text}{"\n"}</span>
                ),
              )}
            </pre>
          ) : null}
        </figure>
      ))}
    </section>
  );
}
