import { pythonLanguage } from "@codemirror/lang-python";
import { classHighlighter, highlightCode } from "@lezer/highlight";

/** Beyond this a static cell stays plain text: highlighting would cost more than it shows. */
const MAX_HIGHLIGHT = 20_000;
const cache = new Map<string, string>();

const escape = (s: string) => s.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));

/**
 * Python source as HTML with the tok-* classes CodeMirror's classHighlighter gives, so an
 * unfocused cell looks exactly like the editor that replaces it on click. A string for
 * innerHTML, not React elements: a 300-cell notebook has ~100k tokens.
 */
export function highlightPython(source: string): string | null {
  if (source.length > MAX_HIGHLIGHT) return null;
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  let html = "";
  highlightCode(
    source,
    pythonLanguage.parser.parse(source),
    classHighlighter,
    (text, classes) => void (html += classes ? `<span class="${classes}">${escape(text)}</span>` : escape(text)),
    () => void (html += "\n"),
  );
  if (cache.size > 2000) cache.clear();
  cache.set(source, html);
  return html;
}

export function cachedHighlight(source: string): string | undefined {
  return cache.get(source);
}
