import { ansiToHtml, hasAnsi } from "./ansi";

/** Monospaced text; ANSI colours become spans (the text itself escaped), plain text stays a text node. */
export function AnsiPre({ text, className }: { text: string; className?: string }) {
  if (!hasAnsi(text)) return <pre className={className}>{text}</pre>;
  return <pre className={className} dangerouslySetInnerHTML={{ __html: ansiToHtml(text) }} />;
}
