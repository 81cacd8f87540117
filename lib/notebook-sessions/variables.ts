import type { Db } from "../db";
import { KernelBusyError, UnprocessableError } from "../errors";
import { fromPythonRepr } from "../runs/run-parameters";
import { idleSession, parsed } from "./assist";
import { type VariablesReply, variablesReply } from "../execution/channel-protocol";

/**
 * The variable inspector's list: the names a user's code left in the kernel's namespace,
 * with type, shape or length and a short repr, as JupyterLab's variable inspector shows them.
 *
 * Asked as a silent execute_request's user_expression (no execution count, nothing on the
 * notebook's views), with the probe inlined rather than imported, so it works in any image,
 * Kiln's or a site's own. Modules, functions, classes and IPython's own names (In, Out, _*)
 * are left out. Reprs go through reprlib with small limits, so a list of ten million items
 * costs as much as one of ten; at most LIMIT names are described.
 */
const LIMIT = 500;
const ANSWER_MS = 5000;

const PROBE = `
import json, reprlib, types
r = reprlib.Repr()
r.maxstring = r.maxother = 120
r.maxlist = r.maxtuple = r.maxset = r.maxfrozenset = r.maxdeque = r.maxarray = 10
r.maxdict = 6
r.maxlevel = 2
skip = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)
hidden = {'In', 'Out', 'get_ipython', 'exit', 'quit', 'open'}
names = sorted(k for k, v in g.items() if not k.startswith('_') and k not in hidden and not isinstance(v, skip))
rows = []
for k in names[:limit]:
    v = g[k]
    t = type(v)
    m = (t.__module__ or '').split('.')[0]
    row = {'name': k, 'type': t.__name__ if m in ('builtins', '') else m + '.' + t.__name__}
    try:
        s = getattr(v, 'shape', None)
        if isinstance(s, tuple):
            row['shape'] = ' x '.join(map(str, s))
        elif hasattr(t, '__len__'):
            row['size'] = len(v)
    except Exception:
        pass
    try:
        row['value'] = ' '.join(r.repr(v).split())
    except Exception as e:
        row['value'] = '<repr failed: %s>' % type(e).__name__
    rows.append(row)
out = json.dumps({'variables': rows, 'total': len(names)})
`;

/** One expression (user_expressions take no statements): the probe runs in a namespace of its own. */
const EXPRESSION = `(lambda ns: (exec(${JSON.stringify(PROBE)}, ns), ns['out'])[1])({'g': globals(), 'limit': ${LIMIT}})`;

export async function listVariables(db: Db, nb: { id: number; ownerId: number }): Promise<VariablesReply> {
  const s = await idleSession(db, nb);
  const reply = await s.shellRequest(
    "execute_request",
    { code: "", silent: true, store_history: false, allow_stdin: false, stop_on_error: false, user_expressions: { variables: EXPRESSION } },
    ANSWER_MS,
    () => new KernelBusyError(`The kernel did not answer within ${ANSWER_MS / 1000} s: it may be busy`),
  );
  const answer = (reply.user_expressions as Record<string, { status?: string; data?: Record<string, unknown>; evalue?: string }> | undefined)?.variables;
  if (answer?.status !== "ok") throw new UnprocessableError(`The kernel could not list its variables${answer?.evalue ? `: ${answer.evalue}` : ""}`);
  const json = fromPythonRepr(String(answer.data?.["text/plain"] ?? ""));
  let value: unknown;
  try {
    value = JSON.parse(json ?? "");
  } catch {
    throw new UnprocessableError("The kernel's list of variables was not understood");
  }
  return parsed(variablesReply, value);
}
