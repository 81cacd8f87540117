"""kiln: log params, metrics, tags, artifacts and models to the run of the running cell,
and read and save dataset versions (docs/kernel-api.md).

    import kiln
    kiln.log_params({"lr": 0.1, "epochs": 10})
    for step, loss in enumerate(losses):
        kiln.log_metric("loss", loss, step=step)
    kiln.log_model("model.onnx", name="classifier")
    kiln.register_model("churn")              # the next version of your model "churn"
    folder = kiln.dataset("iris")             # a local folder with that version's files
    version = kiln.save_dataset("iris-clean", "out/")
    folder = kiln.input("clean")              # in a pipeline step: its input, pinned
    kiln.output("features", "out/")           # and its declared output

Every call writes to the run of the cell that is running; outside a Kiln kernel calls raise
KilnError. Metrics are buffered and sent at 1000 points, after 2 s, at the end of the cell
and at exit; ``kiln.flush()`` sends them now.
"""

from . import _tracking, prep
from ._artifacts import log_artifact, log_artifacts, log_model
from ._client import KilnError
from ._datasets import dataset, save_dataset
from ._registry import register_model
from ._step import input, output  # noqa: A004 - a step's vocabulary
from ._sweep import report, should_stop

__all__ = ["KilnError", "log_param", "log_params", "log_metric", "log_metrics", "set_tag",
           "set_tags", "log_artifact", "log_artifacts", "log_model", "register_model", "dataset",
           "save_dataset", "flush", "prep", "input", "output", "should_stop", "report"]


def log_param(key, value):
    """Logs one param (value sent as str(value), 6000 characters at most); returns value."""
    _tracking.tracker.log_params({key: value})
    return value


def log_params(params):
    """Logs a dict of params."""
    _tracking.tracker.log_params(params)


def log_metric(key, value, step=None, timestamp=None):
    """Buffers one metric point; step None: the next step of that key in this kernel."""
    _tracking.tracker.log_metrics({key: value}, step, timestamp)


def log_metrics(metrics, step=None, timestamp=None):
    """Buffers a dict of metric points, all at the same step (or each key's next one)."""
    _tracking.tracker.log_metrics(metrics, step, timestamp)


def set_tag(key, value):
    """Sets one tag of the run (value sent as str(value))."""
    _tracking.tracker.set_tags({key: value})


def set_tags(tags):
    """Sets a dict of tags."""
    _tracking.tracker.set_tags(tags)


def flush():
    """Sends the buffered metrics now; KilnError if Kiln did not store them."""
    _tracking.tracker.flush()


_tracking.install_hooks()
