import { CsvParser } from "./parse";

export interface TablePreview {
  header: string[];
  rows: string[][];
  /** More data rows follow. */
  more: boolean;
  /** Columns cut from the preview (the profile still has them, up to its own limit). */
  hidden_columns: number;
}

/** Cells are cut to this many characters, rows to this many columns: a preview, not the file. */
const MAX_CELL = 500;
const MAX_COLUMNS = 100;

/**
 * The header and the first `limit` data rows of a CSV (or TSV) streamed from its first
 * bytes: reading stops as soon as they are in, so a preview of a 10 GB file reads a chunk.
 */
export async function previewTable(bytes: AsyncIterable<Uint8Array>, limit: number, delimiter: "," | "\t" = ","): Promise<TablePreview> {
  const records: string[][] = [];
  const parser = new CsvParser((r) => void (records.length <= limit + 1 && records.push(r)), delimiter.charCodeAt(0));
  const decoder = new TextDecoder("utf-8");
  let ended = true;
  for await (const chunk of bytes) {
    parser.push(decoder.decode(chunk, { stream: true }));
    if (records.length > limit + 1) {
      ended = false;
      break; // leaving the loop closes the stream
    }
  }
  if (ended) {
    parser.push(decoder.decode());
    parser.end();
  }
  const [header = [], ...data] = records;
  const cut = (r: string[]) => r.slice(0, MAX_COLUMNS).map((c) => (c.length > MAX_CELL ? `${c.slice(0, MAX_CELL)}…` : c));
  return { header: cut(header), rows: data.slice(0, limit).map(cut), more: data.length > limit, hidden_columns: Math.max(0, header.length - MAX_COLUMNS) };
}
