import type { NotebookCell } from "../db/schema";
import type { KernelSession } from "../execution/session";
import { logger } from "../log";
import { parametersOf } from "../notebooks/parameters-cell";
import { sourceText } from "./parameters";

/** MLflow's limit on a param's value: a longer one is left out, not cut. */
const MAX_VALUE = 6000;

const tagsOf = (c: NotebookCell) => ((c.metadata?.tags as string[] | undefined) ?? []);
export const isParameters = (c: NotebookCell) => tagsOf(c).includes("parameters") || tagsOf(c).includes("injected-parameters");

/** The names a parameters cell assigns at top level (`lr = 0.1`, `epochs: int = 5`, `a = 1; b = 2`). */
export function parameterNames(cells: NotebookCell[]): string[] {
  const names = new Set<string>();
  for (const c of cells.filter(isParameters)) for (const p of parametersOf(sourceText(c))) names.add(p.name);
  return [...names];
}

/** A Python str's repr (what user_expressions return as text/plain) back to the string. */
export function fromPythonRepr(repr: string): string | null {
  const m = /^(['"])([\s\S]*)\1$/.exec(repr);
  if (!m) return null;
  return m[2]!.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\\'"nrt0abfv])/g, (_, e: string) => {
    if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return ({ n: "\n", r: "\r", t: "\t", "0": "\0", a: "\x07", b: "\b", f: "\f", v: "\v" } as Record<string, string>)[e] ?? e;
  });
}

/**
 * The values the run's parameters cell (and those injected after it) left in the kernel, as
 * `str()` gives them (params are strings, as MLflow's): asked with an execute_request's
 * user_expressions, silently, so runs compare on the parameters they really ran with,
 * defaults included.
 */
export async function parametersInKernel(session: KernelSession, names: string[]): Promise<{ key: string; value: string }[]> {
  if (names.length === 0) return [];
  const reply = await session.shellRequest(
    "execute_request",
    { code: "", silent: true, store_history: false, allow_stdin: false, stop_on_error: false, user_expressions: Object.fromEntries(names.map((n) => [n, `str(${n})`])) },
    30_000,
    () => new Error("the kernel did not say what its parameters are"),
  );
  const found = (reply.user_expressions ?? {}) as Record<string, { status?: string; data?: Record<string, string> }>;
  const params: { key: string; value: string }[] = [];
  for (const name of names) {
    const r = found[name];
    const value = r?.status === "ok" ? fromPythonRepr(String(r.data?.["text/plain"] ?? "")) : null;
    if (value === null) continue;
    if (value.length > MAX_VALUE) logger().info({ param: name }, "a parameter's value is too long to be a run param: left out");
    else params.push({ key: name, value });
  }
  return params;
}
