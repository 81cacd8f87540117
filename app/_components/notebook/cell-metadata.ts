/**
 * A cell's metadata as JupyterLab reads and writes it, so a notebook keeps its tags and
 * collapsed parts across both: `tags`, `jupyter.source_hidden`, `jupyter.outputs_hidden`
 * (and nbformat's older `collapsed` for outputs, which JupyterLab also sets and reads).
 */
type Meta = Record<string, unknown>;

/** The tag papermill and Kiln's "Run as experiment" look for. */
export const PARAMETERS_TAG = "parameters";

export function tagsOf(m: Meta): string[] {
  return Array.isArray(m.tags) ? m.tags.filter((t): t is string => typeof t === "string") : [];
}

export function withTags(m: Meta, tags: string[]): Meta {
  const { tags: _old, ...rest } = m;
  const unique = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
  return unique.length ? { ...rest, tags: unique } : rest;
}

const jupyterOf = (m: Meta) => (m.jupyter && typeof m.jupyter === "object" ? (m.jupyter as Meta) : {});

export const sourceHidden = (m: Meta) => jupyterOf(m).source_hidden === true;
export const outputsHidden = (m: Meta) => jupyterOf(m).outputs_hidden === true || m.collapsed === true;

/** Sets or clears one of the flags; an empty `jupyter` object is dropped, as JupyterLab does. */
export function withHidden(m: Meta, part: "source" | "outputs", hidden: boolean): Meta {
  const key = part === "source" ? "source_hidden" : "outputs_hidden";
  const { [key]: _old, ...jupyter } = jupyterOf(m);
  const { jupyter: _j, ...rest } = m;
  const next: Meta = { ...rest, ...(hidden || Object.keys(jupyter).length ? { jupyter: hidden ? { ...jupyter, [key]: true } : jupyter } : {}) };
  if (part === "outputs") {
    if (hidden) next.collapsed = true;
    else delete next.collapsed;
  }
  return next;
}
