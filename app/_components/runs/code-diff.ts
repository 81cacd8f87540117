import { diffLines } from "diff";
import type { RunCode } from "./types";

export type DiffLine = { kind: "same" | "added" | "removed"; text: string } | { kind: "skipped"; count: number };

/** Lines kept around a change; longer unchanged stretches fold into one "n unchanged lines" row. */
const CONTEXT = 3;

/** A run's cells as one text, each under a header line naming it, so the diff says which cell changed. */
export function runText(cells: RunCode[]): string {
  return cells.map((c) => `# ── cell ${c.cell_id} ──\n${c.code.endsWith("\n") ? c.code : `${c.code}\n`}`).join("");
}

/** A unified line diff of two runs' code (jsdiff's Myers diff), unchanged stretches folded. */
export function codeDiff(from: RunCode[], to: RunCode[]): { lines: DiffLine[]; changed: boolean } {
  const flat: { kind: "same" | "added" | "removed"; text: string }[] = [];
  for (const part of diffLines(runText(from), runText(to))) {
    const kind = part.added ? "added" : part.removed ? "removed" : "same";
    for (const text of part.value.replace(/\n$/, "").split("\n")) flat.push({ kind, text });
  }
  const changed = flat.some((l) => l.kind !== "same");
  const near = flat.map(() => false);
  flat.forEach((l, i) => {
    if (l.kind === "same") return;
    for (let j = Math.max(0, i - CONTEXT); j <= Math.min(flat.length - 1, i + CONTEXT); j++) near[j] = true;
  });
  const lines: DiffLine[] = [];
  for (let i = 0; i < flat.length; i++) {
    if (near[i] || flat[i]!.kind !== "same") lines.push(flat[i]!);
    else {
      const last = lines[lines.length - 1];
      if (last?.kind === "skipped") last.count++;
      else lines.push({ kind: "skipped", count: 1 });
    }
  }
  return { lines, changed };
}
