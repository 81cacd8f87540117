"""Inside a sweep's trial: whether Kiln has decided to stop it early.

A trial that its sweep's pruner (successive halving) finds in the bottom of a rung is
stopped by Kiln: its container is removed and the trial marked "pruned" with the rung it
reached. ``should_stop()`` lets the code ask first (between epochs, say) and end cleanly,
saving what it wants; outside a trial it is always False.
"""

import os

from . import _client, _context, _tracking


def should_stop():
    """True once Kiln has pruned this trial (its metrics so far are flushed first)."""
    if not os.environ.get("KILN_SWEEP"):
        return False
    _tracking.tracker.flush()
    answer = _client.request("GET", "/api/kernel/should-stop", _context.execution_id())
    return bool(answer.get("stop"))


def report(metric, value, step):
    """A trial's intermediate value: exactly ``kiln.log_metric(metric, value, step=step)``."""
    _tracking.tracker.log_metrics({metric: value}, step, None)
