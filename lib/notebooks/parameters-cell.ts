/**
 * The values of a notebook's `parameters` cell, read from its Python source as papermill
 * reads them: one `name = <literal>` (or `name: type = <literal>`) per statement. Literals
 * are Python's: int, float, str, bool, None, and lists, tuples and dicts of them; anything
 * else (an expression, a call) is reported as such, with its source. Pure TypeScript with
 * no Node import: the editor's "Run as experiment" form reads the cell with it.
 */
export type ParameterType = "int" | "float" | "str" | "bool" | "None" | "list" | "dict";

export type Parameter =
  | { name: string; type: ParameterType; value: unknown; source: string }
  | { name: string; type: "expression"; value?: undefined; source: string };

class Unparsed extends Error {}

/** A Python literal as a JSON value, with its type; throws Unparsed when it is not one. */
export function parsePythonLiteral(text: string): { type: ParameterType; value: unknown } {
  const p = new LiteralParser(text);
  const r = p.value();
  p.space();
  if (!p.done()) throw new Unparsed("trailing text");
  return r;
}

/** The type and JSON value of a literal, or null when `text` is not a literal. */
export function tryPythonLiteral(text: string): { type: ParameterType; value: unknown } | null {
  try {
    return parsePythonLiteral(text);
  } catch (e) {
    if (e instanceof Unparsed) return null;
    throw e;
  }
}

class LiteralParser {
  i = 0;
  constructor(readonly s: string) {}
  done = () => this.i >= this.s.length;
  space() {
    while (!this.done()) {
      const ch = this.s[this.i]!;
      if (ch === "#") while (!this.done() && this.s[this.i] !== "\n") this.i++;
      else if (/\s/.test(ch) || (ch === "\\" && this.s[this.i + 1] === "\n")) this.i += ch === "\\" ? 2 : 1;
      else break;
    }
  }
  value(): { type: ParameterType; value: unknown } {
    this.space();
    const rest = this.s.slice(this.i);
    const word = /^(True|False|None)\b/.exec(rest);
    if (word) {
      this.i += word[0].length;
      return word[1] === "None" ? { type: "None", value: null } : { type: "bool", value: word[1] === "True" };
    }
    const num = /^[+-]?(?:(\d[\d_]*)?\.\d[\d_]*(?:[eE][+-]?\d+)?|\d[\d_]*\.(?:[eE][+-]?\d+)?|\d[\d_]*[eE][+-]?\d+|0[xX][\da-fA-F_]+|\d[\d_]*)(?![\w.])/.exec(rest);
    if (num) {
      this.i += num[0].length;
      const t = num[0].replace(/_/g, "");
      if (/^[+-]?0[xX]/.test(t)) return { type: "int", value: Number.parseInt(t.replace(/0[xX]/, ""), 16) * (t.startsWith("-") ? -1 : 1) };
      const isFloat = /[.eE]/.test(t);
      return { type: isFloat ? "float" : "int", value: Number(t) };
    }
    const str = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(rest);
    if (str) return { type: "str", value: this.string(str[1]!, str[2]!) };
    const open = rest[0];
    if (open === "[") return { type: "list", value: this.sequence("]").items };
    if (open === "(") {
      // (x) is x; (x,) and (x, y) are tuples, which JSON (and the form) hold as lists
      const at = this.i;
      const t = this.sequence(")");
      if (t.items.length === 1 && !t.comma) return parsePythonLiteral(this.s.slice(at + 1, this.i - 1));
      return { type: "list", value: t.items };
    }
    if (open === "{") return { type: "dict", value: this.dict() };
    throw new Unparsed("not a literal");
  }
  private string(prefix: string, quote: string): string {
    if (/[bBfF]/.test(prefix)) throw new Unparsed("bytes and f-strings are not plain literals");
    const raw = /[rR]/.test(prefix);
    this.i += prefix.length + quote.length;
    let out = "";
    for (;;) {
      if (this.done()) throw new Unparsed("unterminated string");
      if (this.s.startsWith(quote, this.i)) {
        this.i += quote.length;
        break;
      }
      const ch = this.s[this.i]!;
      if (ch === "\n" && quote.length === 1) throw new Unparsed("newline in string");
      if (ch === "\\" && !raw) {
        out += this.escape();
        continue;
      }
      if (ch === "\\" && raw) {
        out += ch + (this.s[this.i + 1] ?? "");
        this.i += 2;
        continue;
      }
      out += ch;
      this.i++;
    }
    this.space();
    // adjacent literals concatenate, as in Python
    const next = /^([rRuU]?)('''|"""|'|")/.exec(this.s.slice(this.i));
    return next ? out + this.string(next[1]!, next[2]!) : out;
  }
  private escape(): string {
    const e = this.s[this.i + 1] ?? "";
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0", a: "\x07", b: "\b", f: "\f", v: "\v", "\n": "" };
    if (e in simple) {
      this.i += 2;
      return simple[e]!;
    }
    const hex = { x: 2, u: 4, U: 8 }[e];
    if (hex) {
      const h = this.s.slice(this.i + 2, this.i + 2 + hex);
      if (!/^[\da-fA-F]+$/.test(h) || h.length !== hex) throw new Unparsed("bad escape");
      this.i += 2 + hex;
      return String.fromCodePoint(Number.parseInt(h, 16));
    }
    this.i += 1;
    return "\\"; // Python keeps an unknown escape as written
  }
  private sequence(close: string): { items: unknown[]; comma: boolean } {
    this.i++;
    const items: unknown[] = [];
    let comma = false;
    for (;;) {
      this.space();
      if (this.s[this.i] === close) break;
      items.push(this.value().value);
      this.space();
      if (this.s[this.i] === ",") (this.i++, (comma = true));
      else if (this.s[this.i] !== close) throw new Unparsed("expected , or a closing bracket");
    }
    this.i++;
    return { items, comma };
  }
  private dict(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.space();
      if (this.s[this.i] === "}") break;
      const key = this.value();
      if (key.type !== "str") throw new Unparsed("only string keys map to JSON");
      this.space();
      if (this.s[this.i] !== ":") throw new Unparsed("expected :");
      this.i++;
      out[key.value as string] = this.value().value;
      this.space();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== "}") throw new Unparsed("expected , or }");
    }
    this.i++;
    return out;
  }
}

/**
 * Splits source into top-level statements: brackets and strings may span lines, comments end
 * them. An indented line (a block's body) is not top level and is left out.
 */
function statements(source: string): string[] {
  const out: string[] = [];
  let cur = "";
  let atLineStart = true;
  const push = () => {
    if (cur.trim() && !(atLineStart && /^[ \t]/.test(cur))) out.push(cur.trim());
  };
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === "\\") {
        cur += ch + (source[++i] ?? "");
        continue;
      }
      if (source.startsWith(quote, i)) {
        cur += quote;
        i += quote.length - 1;
        quote = null;
        continue;
      }
      cur += ch;
      continue;
    }
    if (ch === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      i--;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = source.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      cur += quote;
      i += quote.length - 1;
      continue;
    }
    if ("([{".includes(ch)) depth++;
    if (")]}".includes(ch)) depth = Math.max(0, depth - 1);
    if ((ch === "\n" || ch === ";") && depth === 0 && !cur.endsWith("\\")) {
      push();
      cur = "";
      atLineStart = ch === "\n";
      continue;
    }
    cur += ch;
  }
  push();
  return out;
}

/** The parameters a cell assigns, in order (a name assigned twice: its last value). */
export function parametersOf(source: string): Parameter[] {
  const byName = new Map<string, Parameter>();
  for (const st of statements(source)) {
    const m = /^([A-Za-z_]\w*)\s*(?::\s*[^=]+?)?\s*=(?!=)\s*([\s\S]+)$/.exec(st);
    if (!m) continue;
    const [, name, rhs] = m as unknown as [string, string, string];
    const lit = tryPythonLiteral(rhs);
    byName.delete(name);
    byName.set(name, lit ? { name, ...lit, source: rhs.trim() } : { name, type: "expression", source: rhs.trim() });
  }
  return [...byName.values()];
}
