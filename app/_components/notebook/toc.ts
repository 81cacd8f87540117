/** One entry of the table of contents: a Markdown heading and the cell it is in. */
export interface Heading {
  cellId: string;
  level: number;
  text: string;
  /** Its place among the cell's headings (a cell may hold several). */
  index: number;
}

/** Inline Markdown as plain text: what a heading reads like in the list. */
function plain(s: string): string {
  return s
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/(\*\*|__|\*|_|`)(.+?)\1/g, "$2")
    .replace(/\s+#+\s*$/, "")
    .trim();
}

/**
 * The headings of Markdown cells, in order: ATX (`## Title`) and setext (a line under
 * `===` or `---`), outside fenced code, as JupyterLab's table of contents reads them.
 */
export function headingsOf(cells: { id: string; type: string; source: string }[]): Heading[] {
  const out: Heading[] = [];
  for (const cell of cells) {
    if (cell.type !== "markdown") continue;
    let fence: string | null = null;
    let index = 0;
    const lines = cell.source.split("\n");
    lines.forEach((line, i) => {
      const f = /^\s{0,3}(```|~~~)/.exec(line);
      if (f) fence = fence === null ? f[1]! : fence === f[1] ? null : fence;
      if (fence !== null || f) return;
      const atx = /^\s{0,3}(#{1,6})\s+(.*)$/.exec(line);
      const next = lines[i + 1];
      if (atx) out.push({ cellId: cell.id, level: atx[1]!.length, text: plain(atx[2]!), index: index++ });
      else if (line.trim() && next !== undefined && /^\s{0,3}(=+|-+)\s*$/.test(next) && !/^\s{0,3}[-*+]\s/.test(line)) {
        out.push({ cellId: cell.id, level: next.trim().startsWith("=") ? 1 : 2, text: plain(line), index: index++ });
      }
    });
  }
  return out.filter((h) => h.text !== "");
}
