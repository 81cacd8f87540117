import type { Ctx } from "../auth/principal";
import { findVersion } from "./versions";

/** What changed between two versions, file by file (by content hash), with row counts for tables. */
export async function diffVersions({ ctx, input }: { ctx: Ctx; input: { ref: string; from: number; to: number } }) {
  const [a, b] = await Promise.all([findVersion(ctx, input.ref, input.from), findVersion(ctx, input.ref, input.to)]);
  const before = new Map(a.version.files.map((f) => [f.path, f]));
  const after = new Map(b.version.files.map((f) => [f.path, f]));
  const added = [...after.keys()].filter((p) => !before.has(p)).sort();
  const removed = [...before.keys()].filter((p) => !after.has(p)).sort();
  const changed = [];
  let unchanged = 0;
  for (const [path, to] of [...after].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const from = before.get(path);
    if (!from) continue;
    if (from.sha256 === to.sha256) {
      unchanged++;
      continue;
    }
    changed.push({
      path, size_from: from.size, size_to: to.size,
      ...(from.rows !== undefined ? { rows_from: from.rows } : {}),
      ...(to.rows !== undefined ? { rows_to: to.rows } : {}),
    });
  }
  return { added, removed, changed, unchanged };
}
