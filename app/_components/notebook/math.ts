import katex from "katex";

/**
 * Math in markdown is cut out before marked sees it (marked would turn `a_1 * b_2` into
 * emphasis) and put back as KaTeX afterwards, as JupyterLab does. `$$..$$` and `\[..\]`
 * are display math, `$..$` and `\(..\)` inline; code spans and fenced blocks are left alone.
 */
const PATTERN = /(`{3,}[\s\S]*?`{3,}|`[^`\n]*`)|\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|(?<![\\$\w])\$(?!\s)((?:\\\$|[^$\n])+?)(?<!\s)\$(?![\w$])/g;

export interface Extracted {
  text: string;
  math: { tex: string; display: boolean }[];
}

/** Placeholders are plain letters and digits, which marked passes through untouched. */
const token = (i: number) => `KILNMATH${i}X`;

export function extractMath(src: string): Extracted {
  const math: Extracted["math"] = [];
  const text = src.replace(PATTERN, (whole, code: string | undefined, d1?: string, d2?: string, i1?: string, i2?: string) => {
    if (code) return whole;
    const display = d1 !== undefined || d2 !== undefined;
    math.push({ tex: (d1 ?? d2 ?? i1 ?? i2 ?? "").trim(), display });
    return token(math.length - 1);
  });
  return { text, math };
}

export function renderTex(tex: string, display: boolean): string {
  return katex.renderToString(tex, { displayMode: display, throwOnError: false, strict: "ignore" });
}

export function restoreMath(html: string, math: Extracted["math"]): string {
  if (math.length === 0) return html;
  return html.replace(/KILNMATH(\d+)X/g, (whole, n: string) => {
    const m = math[Number(n)];
    return m ? renderTex(m.tex, m.display) : whole;
  });
}
