"""Runs one pipeline step: ``python3 -m kiln.run_step STEP.json``.

The step's parameters are assigned, then its code runs as one notebook cell would: the
value of a last bare expression is shown, a failure prints its traceback and exits 1 (Kiln
records the step's run as failed with the traceback's last line); ``sys.exit(n)`` exits n. Code with IPython syntax
(``%magic``, ``!shell``) runs in an IPython shell; other code runs without one, since
importing IPython alone takes a quarter of a second, which a short step would feel.
"""

import ast
import json
import linecache
import os
import re
import sys
import traceback

_IPYTHON_SYNTAX = re.compile(r"^\s*(%|!|\?)|\?\s*$", re.MULTILINE)


def _assignments(params):
    return "".join(f"{name} = {value!r}\n" for name, value in params.items())


def _run_plain(code, namespace):
    """exec, with a last bare expression's value printed as a cell shows it; the exit status."""
    linecache.cache["<step>"] = (len(code), None, code.splitlines(True), "<step>")  # tracebacks show the lines
    try:
        tree = ast.parse(code, filename="<step>")
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, "<step>", "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<step>", "eval"), namespace)
            if value is not None:
                print(repr(value))
        return 0
    except SystemExit as e:  # the step's own sys.exit(n) is its status
        if e.code is None or isinstance(e.code, int):
            return e.code or 0
        print(e.code, file=sys.stderr)
        return 1
    except BaseException:
        # The traceback without this runner's own frame: it starts at the step's code.
        kind, value, tb = sys.exc_info()
        traceback.print_exception(kind, value, tb.tb_next if tb else None)
        return 1


def _run_ipython(cells, params):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(colors="Linux" if sys.stdout.isatty() else "NoColor")
    import kiln

    shell.user_ns["kiln"] = kiln
    if params:
        shell.run_cell(_assignments(params), store_history=False)
    for code in cells:
        if not shell.run_cell(code, store_history=True).success:
            return 1
    return 0


def main(path):
    with open(path, encoding="utf-8") as f:
        step = json.load(f)
    os.environ["KILN_STEP"] = path
    # A step is one cell; a whole notebook (a sweep's trial) is its code cells, in order.
    cells, params = step.get("cells") or [step["code"]], step.get("parameters") or {}
    if any(_IPYTHON_SYNTAX.search(code) for code in cells):
        status = _run_ipython(cells, params)
    else:
        import kiln

        namespace = {"__name__": "__main__", "kiln": kiln}
        exec(_assignments(params), namespace)
        status = 0
        for code in cells:
            status = _run_plain(code, namespace)
            if status:
                break
    import kiln

    try:
        kiln.flush()
    except Exception as e:  # the step's own result decides; a lost metric is said
        print(f"kiln: could not send the last metrics: {e}", file=sys.stderr, flush=True)
    sys.stdout.flush()
    sys.exit(status)


if __name__ == "__main__":
    main(sys.argv[1])
