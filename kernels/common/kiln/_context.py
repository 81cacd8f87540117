"""Which cell is running: the msg_id that goes out as X-Kiln-Execution.

In a kernel it is the msg_id of the shell channel's current parent, the execute_request of
the running cell, read at each call (every cell has its own).

``KILN_EXECUTION_ID`` (for tests and plain scripts) names the execution where there is no
kernel parent at all, e.g. outside IPython; inside a kernel it is never used.
"""

import os
import sys

from ._client import KilnError

ENV_OVERRIDE = "KILN_EXECUTION_ID"


def shell():
    """The running IPython shell, or None (kiln never imports IPython itself)."""
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    if get_ipython is None:
        return None
    try:
        return get_ipython()
    except Exception:
        return None


def _kernel_parent(sh):
    """The current shell parent message of the ipykernel behind ``sh``, or None."""
    kernel = getattr(sh, "kernel", None)
    if kernel is None:
        return None
    get_parent = getattr(kernel, "get_parent", None)  # ipykernel >= 6
    if get_parent is not None:
        try:
            return get_parent("shell")
        except TypeError:
            return get_parent()
    return getattr(kernel, "_parent_header", None)  # ipykernel 5: the parent message


def execution_id():
    """The msg_id of the running cell's execute_request; KilnError when no cell runs."""
    parent = _kernel_parent(shell())
    if parent:
        header = parent.get("header") or {}
        msg_id = header.get("msg_id")
        if msg_id and header.get("msg_type", "execute_request") == "execute_request":
            return msg_id
        raise KilnError("kiln: no cell is running (the kernel's current request is a "
                        f"{header.get('msg_type', 'message')}, not a cell's execute_request: "
                        "call kiln from the code of a cell, not from a callback or a thread "
                        "that outlives its cell)")
    override = os.environ.get(ENV_OVERRIDE, "").strip()
    if override:
        return override
    raise KilnError("kiln: no cell is running (kiln logs to the run of the notebook cell being "
                    f"executed: use it in a Kiln kernel, or set {ENV_OVERRIDE} outside one)")
