// Ten colours that stay apart on white; past ten the lines repeat them dashed.
const PALETTE = ["#c2410c", "#2563eb", "#067647", "#7c3aed", "#b42318", "#0e7490", "#a16207", "#be185d", "#374151", "#4d7c0f"];

/** A run's colour on every chart of a page, by its position among the runs shown. */
export function lineStyle(index: number): { color: string; dash?: string } {
  return { color: PALETTE[index % PALETTE.length]!, dash: index >= PALETTE.length ? "6 3" : undefined };
}
