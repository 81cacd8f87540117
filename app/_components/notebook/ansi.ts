import { AnsiUp } from "ansi_up";

/** ANSI colours to HTML, the text escaped. A fresh converter each time: AnsiUp keeps colour state between calls. */
export function ansiToHtml(text: string): string {
  const a = new AnsiUp();
  a.escape_html = true;
  a.use_classes = true;
  return a.ansi_to_html(text);
}

export function hasAnsi(text: string): boolean {
  return text.includes("\u001b[");
}
