"""Inside a pipeline step: its inputs and outputs by the names its definition gives them.

Kiln writes the step's description to the file KILN_STEP names (read-only to the step):
for each input, the dataset version Kiln pinned in the step's run (a dataset the step
reads, or what an upstream step saved in the same pipeline run) or the upstream step's
artifact or model (downloaded through the step's own token); for each output, its kind.
"""

import json
import os
import tempfile
import urllib.parse
from pathlib import Path

from . import _client, _context
from ._artifacts import clean_path, log_artifact, log_artifacts, log_model
from ._client import KilnError, quote_path
from ._datasets import _download, dataset, save_dataset


def _step():
    path = os.environ.get("KILN_STEP", "").strip()
    if not path:
        raise KilnError("kiln: not in a pipeline step (kiln.input and kiln.output are for a step's code)")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def input(name):  # noqa: A001 - the step's own vocabulary
    """Input ``name`` on local disk, as this step run reads it.

    A dataset (one the step reads, or one an upstream step saved): the local folder of the
    version pinned in this step's run. An upstream step's artifact: a local folder with its
    files. An upstream step's model: the local path of its .onnx file.
    """
    inputs = _step().get("inputs") or {}
    if name not in inputs:
        known = ", ".join(sorted(inputs)) or "none"
        raise KilnError(f"kiln: this step has no input {name!r} (its inputs: {known})")
    spec = inputs[name]
    if "dataset" in spec:
        return dataset(spec["dataset"], version=spec["version"])
    return _fetch_output(name)


def _fetch_output(name):
    """Downloads (once) an upstream step's artifact or model; answers its folder or file."""
    segment = urllib.parse.quote(name, safe="")
    execution = _context.execution_id()
    answer = _client.request("GET", f"/api/kernel/inputs/{segment}", execution)
    folder = Path(tempfile.gettempdir()) / "kiln-inputs" / name
    for f in answer.get("files") or []:
        rel = clean_path(f["path"], "input file path")
        dest = folder / rel
        if not dest.exists():
            _download(f"/api/kernel/inputs/{segment}/files/{quote_path(rel)}", execution, dest,
                      int(f["size"]), str(f["sha256"]).lower(), f"input {name!r}: {rel}")
    return str(folder / answer["file"]) if answer.get("file") else str(folder)


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
