"""Artifacts and models: PUT /api/kernel/artifacts/{path}, each file streamed."""

import io
import json
import os
import posixpath
import tempfile

from . import _client, _context
from ._client import KilnError

ARTIFACTS = "/api/kernel/artifacts/"


def clean_path(path, what="artifact path"):
    """A relative '/'-separated path without '', '.' segments; KilnError for '..' or absolute."""
    if not isinstance(path, str):
        raise KilnError(f"kiln: the {what} must be a string, not {path!r}")
    if path.startswith(("/", "\\")) or os.path.isabs(path) or "\0" in path:
        raise KilnError(f"kiln: the {what} {path!r} must be relative")
    segments = [s for s in path.split("/") if s not in ("", ".")]
    if ".." in segments:
        raise KilnError(f"kiln: the {what} {path!r} must not contain '..'")
    return "/".join(segments)


def local_files(local_dir):
    """(absolute file, path relative to local_dir with '/'), sorted, for every file below."""
    found = []
    for folder, dirs, files in os.walk(local_dir):
        dirs.sort()
        rel = os.path.relpath(folder, local_dir)
        for name in sorted(files):
            path = name if rel == "." else posixpath.join(rel.replace(os.sep, "/"), name)
            found.append((os.path.join(folder, name), path))
    return found


def _plan(local_path, artifact_path, keep_dir_name):
    local = os.fspath(local_path)
    prefix = clean_path(artifact_path) if artifact_path else ""
    if os.path.isdir(local):
        if keep_dir_name:
            prefix = posixpath.join(prefix, os.path.basename(os.path.abspath(local)))
        files = [(f, posixpath.join(prefix, rel)) for f, rel in local_files(local)]
    elif os.path.isfile(local):
        if not keep_dir_name:
            raise KilnError(f"kiln: {local} is a file, not a folder (use kiln.log_artifact)")
        files = [(local, posixpath.join(prefix, os.path.basename(local)))]
    else:
        raise KilnError(f"kiln: {local} is not a file or a folder")
    return [(f, clean_path(dest)) for f, dest in files]


def log_artifact(local_path, artifact_path=None):
    """Uploads a file, or a folder under its own name, into ``artifact_path`` of the run."""
    files = _plan(local_path, artifact_path, keep_dir_name=True)
    _upload_all(files)


def log_artifacts(local_dir, artifact_path=None):
    """Uploads the files of a folder (not the folder's name) into ``artifact_path``."""
    files = _plan(local_dir, artifact_path, keep_dir_name=False)
    _upload_all(files)


def _upload_all(files):
    execution = _context.execution_id()
    for local, dest in files:
        _client.upload(ARTIFACTS + _client.quote_path(dest), execution, local)


def _plain(value):
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def log_model(model, name=None, prep=None, **metadata):
    """Uploads a model as ONNX, as model ``name``, at <name>/<file>.

    ``model``: the path of an .onnx file (uploaded as it is when ``prep`` is None; ``name``
    defaults to the file's stem), an onnx ModelProto, or a fitted scikit-learn estimator
    that kiln compiles (LinearRegression, LogisticRegression, MLPClassifier/Regressor,
    DecisionTreeClassifier/Regressor, GradientBoostingClassifier/Regressor). With a fitted
    ``kiln.prep.Prep`` the prep is compiled in front of the model: the uploaded graph takes
    one input per raw column (see kiln._onnx for its inputs, outputs and metadata).
    Keyword metadata, if any, goes next to it as <name>/metadata.json (a plain artifact).
    """
    is_path = isinstance(model, (str, os.PathLike))
    if is_path:
        local = os.fspath(model)
        if not os.path.isfile(local):
            raise KilnError(f"kiln: {local} is not a file (log_model takes the path of an .onnx file)")
        file_name = os.path.basename(local)
    else:
        file_name = "model.onnx"
    name = os.path.splitext(file_name)[0] if name is None else name
    if not isinstance(name, str) or not name.strip():
        raise KilnError(f"kiln: the model name must be a non-empty string, not {name!r}")
    dest = clean_path(posixpath.join(name, file_name), "model name")
    try:
        sidecar = json.dumps(metadata, default=_plain, allow_nan=False).encode() if metadata else None
    except (TypeError, ValueError) as e:
        raise KilnError(f"kiln: log_model metadata must be JSON values: {e}") from None
    if is_path and prep is None:
        return _upload_model(local, dest, name, sidecar)
    from ._onnx import compile_model  # needs onnx and numpy: imported only here
    compiled = compile_model(model, prep)
    with tempfile.TemporaryDirectory(prefix="kiln-model-") as folder:
        local = os.path.join(folder, file_name)
        with open(local, "wb") as f:
            f.write(compiled.SerializeToString())
        return _upload_model(local, dest, name, sidecar)


def _upload_model(local, dest, name, sidecar):
    execution = _context.execution_id()
    answer = _client.upload(ARTIFACTS + _client.quote_path(dest), execution, local,
                            query={"kind": "model", "name": name, "flavor": "onnx"})
    if sidecar is not None:
        meta = clean_path(posixpath.join(name, "metadata.json"), "model name")
        _client.request("PUT", ARTIFACTS + _client.quote_path(meta), execution,
                        query={"kind": "artifact"}, body=io.BytesIO(sidecar), length=len(sidecar))
    return answer
