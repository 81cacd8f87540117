"""Runs one pipeline step: ``python3 -m kiln.run_step STEP.json``.

The step's code runs in one IPython shell, as a cell would in a notebook (magics, the last
expression shown), after its parameters are assigned. A failure prints its traceback and
exits 1; Kiln records the step's run as failed with the last line of that traceback.
"""

import json
import os
import sys


def main(path):
    with open(path, encoding="utf-8") as f:
        step = json.load(f)
    os.environ["KILN_STEP"] = path
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(colors="Linux" if sys.stdout.isatty() else "NoColor")
    import kiln  # noqa: F401 - its hooks flush metrics at the end of each cell

    shell.user_ns["kiln"] = kiln
    params = step.get("parameters") or {}
    if params:
        assignments = "\n".join(f"{name} = {value!r}" for name, value in params.items())
        shell.run_cell(f"# Parameters\n{assignments}\n", store_history=False)
    result = shell.run_cell(step["code"], store_history=True)
    try:
        kiln.flush()
    except Exception as e:  # the step's own result decides; a lost metric is said
        print(f"kiln: could not send the last metrics: {e}", file=sys.stderr, flush=True)
    sys.stdout.flush()
    sys.exit(0 if result.success else 1)


if __name__ == "__main__":
    main(sys.argv[1])
