"""A fitted kiln.prep.Prep as ONNX nodes: one input per raw column ([N,1] float, NaN missing,
or [N,1] string, "" missing), computed in float64 so it equals Prep.transform."""

import numpy as np

from .. import prep as _prep
from .._client import KilnError
from .builder import BOOL, DOUBLE, FLOAT, STRING, value_info


def build(b, prep):
    """Adds ``prep``'s nodes to builder ``b``; returns (input ValueInfos, [N,F] double tensor)."""
    if prep.feature_names is None:
        raise KilnError("kiln: the Prep must be fitted before it is compiled to ONNX")
    inputs, state = [], {}
    for name, kind in prep.columns:
        if kind == _prep.NUMBER:
            inputs.append(value_info(name, FLOAT, ["N", 1]))
            state[name] = (kind, b.op("Cast", [name], "num", to=DOUBLE))
        else:
            inputs.append(value_info(name, STRING, ["N", 1]))
            state[name] = (kind, name)
    for step in prep.steps:
        handler = _STEPS.get(type(step))
        if handler is None:
            raise KilnError(f"kiln: no ONNX form for prep step {type(step).__name__}")
        state = handler(b, step, state)
    assert list(state) == prep.feature_names, (list(state), prep.feature_names)
    features = b.op("Concat", [t for _, t in state.values()], "features", axis=1)
    return inputs, features


def _impute(b, step, state):
    out = dict(state)
    for name, fill in step.fills.items():
        kind, x = state[name]
        if kind == _prep.NUMBER:
            out[name] = (kind, b.op("Where", [b.op("IsNaN", [x]), b.const(fill), x], "imputed"))
        elif fill is not None:
            # Equal on strings needs opset 19: LabelEncoder marks "" (missing) with 1 instead.
            missing = b.ml("LabelEncoder", [x], keys_strings=[""], values_int64s=[1], default_int64=0)
            missing = b.op("Cast", [missing], to=BOOL)
            out[name] = (kind, b.op("Where", [missing, b.const(fill), x], "imputed"))
    return out


def _clip(b, step, state):
    out = dict(state)
    for name, (lo, hi) in step.limits.items():
        x = state[name][1]
        # Where(x < lo) rather than Clip/Max: a NaN compares False and stays NaN, as in numpy.
        if lo is not None:
            c = b.const(lo)
            x = b.op("Where", [b.op("Less", [x, c]), c, x], "clipped")
        if hi is not None:
            c = b.const(hi)
            x = b.op("Where", [b.op("Greater", [x, c]), c, x], "clipped")
        out[name] = (_prep.NUMBER, x)
    return out


def _scale(b, step, state):
    out = dict(state)
    for name, (p, q) in step.params.items():
        x = state[name][1]
        if step.method == "standard":  # same operations, same order as Prep: (x - mean) / scale
            y = b.op("Div", [b.op("Sub", [x, b.const(p)]), b.const(q)], "scaled")
        else:                          # x * factor + offset
            y = b.op("Add", [b.op("Mul", [x, b.const(p)]), b.const(q)], "scaled")
        out[name] = (_prep.NUMBER, y)
    return out


def _one_hot(b, step, state):
    out = {}
    for name, (kind, x) in state.items():
        categories = step.categories.get(name)
        if categories is None:
            out[name] = (kind, x)
            continue
        if not categories:
            continue  # nothing was seen at fit: the column encodes to no features
        # zeros=1: a value outside the categories ("" = missing, or unseen) gives all zeros.
        hot = b.ml("OneHotEncoder", [x], cats_strings=categories, zeros=1)   # [N,1,K] float
        hot = b.op("Squeeze", [hot, b.const([1], np.int64)])
        hot = b.op("Cast", [hot], to=DOUBLE)                                 # 0/1: exact
        columns = _split(b, hot, len(categories))
        for category, column in zip(categories, columns):
            out[f"{name}={category}"] = (_prep.NUMBER, column)
    return out


def _select(b, step, state):
    return {name: state[name] for name in step.kept}


def _pca(b, step, state):
    x = b.op("Concat", [t for _, t in state.values()], axis=1)
    z = b.op("MatMul", [b.op("Sub", [x, b.const(step.mean)]), b.const(step.components.T)])
    if step.divisor is not None:
        z = b.op("Div", [z, b.const(step.divisor)])
    k = step.components.shape[0]
    return {f"pca{i}": (_prep.NUMBER, column) for i, column in enumerate(_split(b, z, k))}


def _split(b, x, k):
    """[N,k] -> k tensors [N,1]."""
    if k == 1:
        return [x]
    return b.op("Split", [x, b.const([1] * k, np.int64)], "col", outputs=k, axis=1)


_STEPS = {_prep.Impute: _impute, _prep.Clip: _clip, _prep.Scale: _scale, _prep.OneHot: _one_hot,
          _prep.Select: _select, _prep.PCA: _pca}


def passthrough(names):
    """A fitted Prep with no steps over numeric columns ``names`` (a model given without prep)."""
    p = _prep.Prep()
    p.columns = [(n, _prep.NUMBER) for n in names]
    p.feature_names = list(names)
    return p


def cast_to(b, features, elem_type):
    return features if elem_type == DOUBLE else b.op("Cast", [features], "features", to=elem_type)


