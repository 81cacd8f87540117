"""Compiles models, with a fitted kiln.prep.Prep in front, to one ONNX graph.

Conventions of the compiled graph (docs for consumers such as onnxruntime-node):
  inputs   one per raw column, named as the column, shape [N,1]: tensor(float) for numeric
           columns (NaN = missing), tensor(string) for string columns ("" = missing).
  outputs  classifiers: ``label`` int64 [N], the index into kiln.classes, and
           ``probabilities`` float [N,K], column k for kiln.classes[k];
           regressors: ``prediction`` float [N]. An ONNX model given as such keeps its outputs.
  metadata_props  kiln.columns (JSON [{"name", "type": "number"|"string"}]), kiln.task
           ("classification"|"regression", when known), kiln.classes (JSON list, classifiers).
Preprocessing and kiln's own model graphs compute in float64, as scikit-learn does; tree
splits compare float32 features, as scikit-learn's trees do.

numpy and onnx are needed here; kiln imports this package only when compiling.
"""

import json
import os

from .._client import KilnError


def compile_model(model, prep=None):
    """A ModelProto: ``prep`` (a fitted Prep, or None) in front of ``model`` (the path of an
    .onnx file, a ModelProto, or a fitted supported scikit-learn estimator)."""
    module = type(model).__module__.split(".")[0]
    if not isinstance(model, (str, os.PathLike)) and module not in ("onnx", "sklearn"):
        raise KilnError(f"kiln: cannot compile a {type(model).__module__}.{type(model).__name__} to ONNX; "
                        f"log_model takes an .onnx path, an onnx ModelProto or a scikit-learn estimator")
    try:
        import onnx
    except ImportError:
        raise KilnError("kiln: compiling a model to ONNX needs the onnx and numpy packages") from None
    from . import external, sklearn_models
    if isinstance(model, (str, os.PathLike)):
        model = onnx.load(os.fspath(model))
    if isinstance(model, onnx.ModelProto):
        return model if prep is None else external.compile(model, prep)
    compiled = sklearn_models.compile(model, prep)
    if compiled is None:
        raise KilnError(f"kiln: cannot compile a {type(model).__module__}.{type(model).__name__} to ONNX; "
                        f"log_model takes an .onnx path, an onnx ModelProto, or one of "
                        f"{', '.join(sklearn_models.SUPPORTED)}")
    return compiled


def set_metadata(model, prep, task=None, classes=None):
    """Writes kiln.columns / kiln.task / kiln.classes into metadata_props (replacing any)."""
    props = {p.key: p.value for p in model.metadata_props if not p.key.startswith("kiln.")}
    props["kiln.columns"] = json.dumps([{"name": n, "type": t} for n, t in prep.columns])
    if task:
        props["kiln.task"] = task
    if classes is not None:
        props["kiln.classes"] = json.dumps([_plain(c) for c in classes])
    del model.metadata_props[:]
    for key, value in props.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    return model


def _plain(value):
    return value.item() if hasattr(value, "item") else value
