"""Params, metrics and tags: POST /api/kernel/log-batch.

Params and tags are sent at once. Metrics are buffered per execution (the cell that logged
them) and flushed at 1000 points, 2 s after the first buffered point (a daemon timer), at
the end of every cell (IPython's post_run_cell) and at exit.
"""

import atexit
import math
import operator
import os
import sys
import threading
import time

from . import _client, _context
from ._client import KilnError

MAX_METRICS, MAX_PARAMS, MAX_TAGS = 1000, 100, 100  # MLflow's per-request limits
MAX_BODY = 1_000_000 - 4096  # "1 MB in all", with room to spare
MAX_PARAM_VALUE = 6000
FLUSH_POINTS = 1000
FLUSH_SECONDS = 2.0
LOG_BATCH = "/api/kernel/log-batch"


def batches(params=(), metrics=(), tags=()):
    """Yields (body bytes, item count) for log-batch requests within the limits."""
    limits = {"params": MAX_PARAMS, "metrics": MAX_METRICS, "tags": MAX_TAGS}
    empty = len(_client.dumps({f: [] for f in limits}))
    body, size, count = {f: [] for f in limits}, empty, 0
    for field, items in (("params", params), ("metrics", metrics), ("tags", tags)):
        for item in items:
            n = len(_client.dumps(item)) + 1
            if count and (len(body[field]) >= limits[field] or size + n > MAX_BODY):
                yield _client.dumps(body), count
                body, size, count = {f: [] for f in limits}, empty, 0
            body[field].append(item)
            size += n
            count += 1
    if count:
        yield _client.dumps(body), count


def _key(kind, key):
    if not isinstance(key, str) or not key:
        raise KilnError(f"kiln: a {kind} key must be a non-empty string, not {key!r}")
    return key


def _metric_value(key, value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise KilnError(f"kiln: metric {key!r}: the value must be a number, not {value!r}") from None
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _int(what, value):
    try:
        value = operator.index(value)
    except TypeError:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise KilnError(f"kiln: {what} must be an integer, not {value!r}") from None
    if value < 0:
        raise KilnError(f"kiln: {what} must be >= 0, not {value}")
    return value


def _param(key, value):
    key = _key("param", key)
    value = str(value)
    if len(value) > MAX_PARAM_VALUE:
        raise KilnError(f"kiln: param {key!r}: the value has {len(value)} characters, "
                        f"more than the {MAX_PARAM_VALUE} allowed")
    return {"key": key, "value": value}


def _send(execution, **items):
    for body, _ in batches(**items):
        _client.request("POST", LOG_BATCH, execution, json_body=body)


class Tracker:
    """The metric buffer (per execution id) and the per-key step counters."""

    def __init__(self):
        self._lock = threading.Lock()  # buffer, counters, timer
        self._send_lock = threading.Lock()  # one flush at a time, in logging order
        self._buffer = {}  # execution id -> [metric, ...]
        self._count = 0
        self._steps = {}  # metric key -> next automatic step
        self._timer = None
        self.flush_seconds = FLUSH_SECONDS

    def log_params(self, params):
        items = [_param(k, v) for k, v in dict(params).items()]
        execution = _context.execution_id()
        if items:
            _send(execution, params=items)

    def set_tags(self, tags):
        items = [{"key": _key("tag", k), "value": str(v)} for k, v in dict(tags).items()]
        execution = _context.execution_id()
        if items:
            _send(execution, tags=items)

    def log_metrics(self, metrics, step=None, timestamp=None):
        """Buffers points; step None: the next step of each key (0, 1, 2, ...)."""
        step = None if step is None else _int("step", step)
        if timestamp is None:
            timestamp = int(time.time() * 1000)
        else:
            timestamp = _int("timestamp (ms since epoch)", timestamp)
        points = [(_key("metric", k), _metric_value(k, v)) for k, v in dict(metrics).items()]
        execution = _context.execution_id()
        _client.config()  # a missing variable fails here, not at the flush
        install_hooks()
        with self._lock:
            buffer = self._buffer.setdefault(execution, [])
            for key, value in points:
                s = self._steps.get(key, 0) if step is None else step
                self._steps[key] = max(self._steps.get(key, 0), s + 1)
                buffer.append({"key": key, "value": value, "step": s, "timestamp": timestamp})
            self._count += len(points)
            full = self._count >= FLUSH_POINTS
            if self._count and not full and self._timer is None:
                self._timer = threading.Timer(self.flush_seconds, self._flush_by_timer)
                self._timer.daemon = True
                self._timer.start()
        if full:
            self.flush()

    def flush(self):
        """Sends every buffered point; KilnError if some could not be stored (then dropped)."""
        self._flush(keep_on_error=False)

    def _flush_by_timer(self):
        with self._lock:
            self._timer = None
        try:
            self._flush(keep_on_error=True)
        except Exception:
            pass  # points kept: the next flush (the end of the cell at the latest) reports it

    def _flush(self, keep_on_error):
        with self._send_lock:
            with self._lock:
                pending, self._buffer, self._count = list(self._buffer.items()), {}, 0
            for i, (execution, points) in enumerate(pending):
                sent = 0
                try:
                    for body, n in batches(metrics=points):
                        _client.request("POST", LOG_BATCH, execution, json_body=body)
                        sent += n
                except BaseException as e:
                    left = [(execution, points[sent:])] + pending[i + 1:]
                    if keep_on_error:
                        self._put_back(left)
                        raise
                    if not isinstance(e, KilnError):
                        raise
                    lost = sum(len(p) for _, p in left)
                    raise KilnError(f"{e}; {lost} metric point(s) were not stored",
                                    e.status, e.code, e.field) from None

    def _put_back(self, left):
        with self._lock:
            newer, self._buffer = self._buffer, {}
            for execution, points in left:
                self._buffer[execution] = points + newer.pop(execution, [])
            self._buffer.update(newer)
            self._count = sum(len(p) for p in self._buffer.values())


tracker = Tracker()
_hooked = False


def _after_fork_in_child():
    """A forked child starts with free locks and none of its parent's points (no duplicates)."""
    t = tracker
    t._lock, t._send_lock = threading.Lock(), threading.Lock()
    t._buffer, t._count, t._timer = {}, 0, None


os.register_at_fork(after_in_child=_after_fork_in_child)


def install_hooks():
    """Flushes at the end of every cell (once per process, inside IPython)."""
    global _hooked
    if _hooked:
        return
    sh = _context.shell()
    events = getattr(sh, "events", None)
    if events is None:
        return
    events.register("post_run_cell", _post_run_cell)
    _hooked = True


def _report(e):
    print(f"{e}", file=sys.stderr, flush=True)


def _post_run_cell(result=None):
    try:
        tracker.flush()
    except KilnError as e:
        _report(e)


@atexit.register
def _flush_at_exit():
    try:
        tracker.flush()
    except KilnError as e:
        _report(e)
