"""Inside a pipeline step: its inputs and outputs by the names its definition gives them.

Kiln writes the step's description to the file KILN_STEP names (read-only to the step):
for each input, the dataset version Kiln pinned in the step's run (a dataset the step
reads, or what an upstream step saved in the same pipeline run); for each output, its kind.
"""

import json
import os

from ._artifacts import log_artifact, log_artifacts, log_model
from ._client import KilnError
from ._datasets import dataset, save_dataset


def _step():
    path = os.environ.get("KILN_STEP", "").strip()
    if not path:
        raise KilnError("kiln: not in a pipeline step (kiln.input and kiln.output are for a step's code)")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def input(name):  # noqa: A001 - the step's own vocabulary
    """The local folder of input ``name``: the dataset version this step run reads."""
    inputs = _step().get("inputs") or {}
    if name not in inputs:
        known = ", ".join(sorted(inputs)) or "none"
        raise KilnError(f"kiln: this step has no input {name!r} (its inputs: {known})")
    spec = inputs[name]
    return dataset(spec["dataset"], version=spec["version"])


def output(name, value, **kwargs):
    """Saves output ``name`` as the step's definition says it is.

    dataset: ``value`` is a file or folder saved as the next version of dataset ``name``;
    artifact: a file or folder logged under ``outputs/<name>/``; model: what
    ``kiln.log_model`` takes, logged as model ``name``.
    """
    outputs = _step().get("outputs") or {}
    if name not in outputs:
        known = ", ".join(sorted(outputs)) or "none"
        raise KilnError(f"kiln: this step declares no output {name!r} (its outputs: {known})")
    kind = outputs[name]["kind"]
    if kind == "dataset":
        return save_dataset(outputs[name].get("dataset", name), value, **kwargs)
    if kind == "model":
        return log_model(value, name=name, **kwargs)
    dest = f"outputs/{name}"
    if os.path.isdir(os.fspath(value)):
        return log_artifacts(value, dest)
    return log_artifact(value, dest)
