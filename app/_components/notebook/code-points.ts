/**
 * Jupyter counts cursor positions in Unicode code points; JavaScript strings (and
 * CodeMirror) in UTF-16 units. They differ after any character outside the BMP (an emoji).
 */
export function toCodePoints(text: string, utf16: number): number {
  let n = 0;
  for (let i = 0; i < utf16 && i < text.length; i++, n++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < utf16) i++; // a surrogate pair is one code point
  }
  return n;
}

export function fromCodePoints(text: string, points: number): number {
  let i = 0;
  for (let n = 0; n < points && i < text.length; n++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}
