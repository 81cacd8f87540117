"""LinearRegression, LogisticRegression and MLP* as standard float64 ops (MatMul, Add,
activations), so they compute what scikit-learn computes, to rounding."""

import numpy as np

from .._client import KilnError
from .builder import INT64


def linear_regression(b, x, model):
    coef = np.asarray(model.coef_, dtype=np.float64)
    if coef.ndim != 1:
        raise KilnError("kiln: only single-target LinearRegression compiles to ONNX")
    y = b.op("Add", [b.op("MatMul", [x, b.const(coef.reshape(-1, 1))]), b.const(np.ravel(model.intercept_))])
    return {"prediction": y}                             # [N,1] double


def logistic_regression(b, x, model):
    coef = np.asarray(model.coef_, dtype=np.float64)     # [1,F] binary, [K,F] otherwise
    d = b.op("Add", [b.op("MatMul", [x, b.const(coef.T)]), b.const(np.asarray(model.intercept_, np.float64))])
    k = len(model.classes_)
    # scikit-learn's own choice between one-vs-rest and softmax probabilities (1.2).
    ovr = model.multi_class in ("ovr", "warn") or (model.multi_class == "auto" and (k <= 2 or model.solver == "liblinear"))
    if coef.shape[0] == 1:
        # predict: decision > 0, whatever the probabilities round to.
        label = b.op("Cast", [b.op("Greater", [d, b.const(0.0)])], to=INT64)
        if ovr:
            proba = _two_columns(b, b.op("Sigmoid", [d]))
        else:
            proba = b.op("Softmax", [b.op("Concat", [b.op("Neg", [d]), d], axis=1)], axis=1)
    else:
        label = b.op("ArgMax", [d], axis=1, keepdims=1)
        if ovr:
            s = b.op("Sigmoid", [d])
            proba = b.op("Div", [s, b.op("ReduceSum", [s, b.const([1], np.int64)], keepdims=1)])
        else:
            proba = b.op("Softmax", [d], axis=1)
    return {"label": label, "probabilities": proba}


ACTIVATIONS = {"relu": "Relu", "tanh": "Tanh", "logistic": "Sigmoid", "identity": None}


def mlp(b, x, model, classifier):
    h = x
    last = len(model.coefs_) - 1
    for i, (w, c) in enumerate(zip(model.coefs_, model.intercepts_)):
        h = b.op("Add", [b.op("MatMul", [h, b.const(w)]), b.const(c)], "layer")
        activation = model.activation if i < last else model.out_activation_
        if activation == "softmax":
            h = b.op("Softmax", [h], axis=1)
        elif activation in ACTIVATIONS:
            if ACTIVATIONS[activation]:
                h = b.op(ACTIVATIONS[activation], [h])
        else:
            raise KilnError(f"kiln: MLP activation {activation!r} has no ONNX form here")
    if not classifier:
        if model.n_outputs_ != 1:
            raise KilnError("kiln: only single-target MLPRegressor compiles to ONNX")
        return {"prediction": h}
    if model.out_activation_ == "logistic" and model.n_outputs_ == 1:
        proba = _two_columns(b, h)       # predict: p > 0.5, which is ArgMax of [1-p, p]
    elif model.out_activation_ == "softmax":
        proba = h
    else:
        raise KilnError("kiln: multilabel MLPClassifier does not compile to ONNX")
    return {"label": b.op("ArgMax", [proba], axis=1, keepdims=1), "probabilities": proba}


def _two_columns(b, p):
    """[N,1] P(class 1) -> [N,2] [1 - p, p], as scikit-learn stacks them."""
    return b.op("Concat", [b.op("Sub", [b.const([[1.0]]), p]), p], axis=1)


