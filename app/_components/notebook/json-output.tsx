/** application/json: pretty-printed, folded when long. */
export function JsonOutput({ value }: { value: unknown }) {
  const v = typeof value === "string" ? tryParse(value) : value;
  const text = JSON.stringify(v, null, 2) ?? String(v);
  const lines = text.split("\n").length;
  const summary = Array.isArray(v) ? `JSON array (${v.length} items)` : v && typeof v === "object" ? `JSON object (${Object.keys(v).length} keys)` : "JSON";
  return (
    <details className="nb-json" open={lines <= 40}>
      <summary>{summary}</summary>
      <pre>{text}</pre>
    </details>
  );
}

function tryParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
