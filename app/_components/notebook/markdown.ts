import { Marked } from "marked";
import { extractMath, restoreMath } from "./math";
import { sanitizeHtml } from "./sanitize";

const marked = new Marked({ gfm: true, breaks: false, async: false });

/** Markdown (a cell or a text/markdown output) to sanitised HTML, with KaTeX math. */
export function renderMarkdown(src: string): string {
  const { text, math } = extractMath(src);
  const html = marked.parse(text) as string;
  return sanitizeHtml(restoreMath(html, math));
}
