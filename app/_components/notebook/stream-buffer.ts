/**
 * The text of one stream output (stdout or stderr), kept the way a terminal shows it:
 * "\r" moves back to the start of the line and later text overwrites it (progress bars),
 * "\n" ends the line. Only the tail that can be shown is kept: a cell printing millions of
 * lines costs the page the last few thousand, and the full text stays on the server.
 */
export const MAX_LINES = 5_000;
export const MAX_CHARS = 500_000;
/** Chunks bigger than this are skimmed from the end instead of split whole. */
const SKIM_ABOVE = 64 * 1024;

export interface StreamView {
  text: string;
  shownLines: number;
  totalLines: number;
  truncated: boolean;
}

export class StreamBuffer {
  private lines: string[] = [];
  private current = "";
  private col = 0;
  /** Complete lines ever written, including those no longer kept. */
  private complete = 0;
  private cached: StreamView | null = null;
  private clipped = false;

  append(chunk: string): void {
    if (!chunk) return;
    this.cached = null;
    let text = chunk.includes("\r\n") ? chunk.replace(/\r\n/g, "\n") : chunk;
    if (text.length > SKIM_ABOVE) text = this.skim(text);
    const parts = text.split("\n");
    for (let i = 0; i < parts.length; i++) {
      this.write(parts[i]!);
      if (i < parts.length - 1) this.newline();
    }
    // Trim in batches so appending stays amortised O(1).
    if (this.lines.length > 2 * MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
    if (this.current.length > 2 * MAX_CHARS) {
      const cut = this.current.length - MAX_CHARS;
      this.current = this.current.slice(cut);
      this.col = Math.max(0, this.col - cut);
      this.clipped = true;
    }
  }

  /** Everything before the last MAX_LINES lines of a big chunk is only counted, never split. */
  private skim(text: string): string {
    let pos = text.length;
    let found = 0;
    while (found <= MAX_LINES) {
      const p = text.lastIndexOf("\n", pos - 1);
      if (p < 0) return text;
      pos = p;
      found++;
    }
    let dropped = 0;
    for (let p = text.indexOf("\n"); p !== -1 && p <= pos; p = text.indexOf("\n", p + 1)) dropped++;
    this.complete += dropped;
    this.lines = [];
    this.current = "";
    this.col = 0;
    return text.slice(pos + 1);
  }

  private write(segment: string): void {
    const pieces = segment.includes("\r") ? segment.split("\r") : [segment];
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0) this.col = 0;
      const s = pieces[i]!;
      if (!s) continue;
      if (this.col === this.current.length) this.current += s;
      else this.current = this.current.slice(0, this.col) + s + this.current.slice(this.col + s.length);
      this.col += s.length;
    }
  }

  private newline(): void {
    this.lines.push(this.current);
    this.current = "";
    this.col = 0;
    this.complete++;
  }

  get totalLines(): number {
    return this.complete + (this.current ? 1 : 0);
  }

  /** The tail to render: at most MAX_LINES lines and MAX_CHARS characters. */
  view(): StreamView {
    if (this.cached) return this.cached;
    const total = this.totalLines;
    const tail = this.current ? 1 : 0;
    let chars = this.current.length;
    let shown = tail;
    let start = this.lines.length;
    while (start > 0 && shown < MAX_LINES) {
      const next = chars + this.lines[start - 1]!.length + 1;
      if (next > MAX_CHARS && shown > 0) break;
      chars = next;
      start--;
      shown++;
    }
    let text = this.lines.slice(start).join("\n");
    if (this.current) text = text ? `${text}\n${this.current}` : this.current;
    const sliced = text.length > MAX_CHARS;
    if (sliced) text = text.slice(text.length - MAX_CHARS);
    this.cached = { text, shownLines: shown, totalLines: total, truncated: shown < total || sliced || this.clipped };
    return this.cached;
  }
}
