"""scikit-learn estimators compiled by kiln: prep graph + model graph, merged with onnx.compose."""

import warnings

import numpy as np
import onnx
import onnx.compose

from .._client import KilnError
from . import linear, prep_graph, set_metadata, trees
from .builder import DOUBLE, FLOAT, Builder, check, value_info

SUPPORTED = ("LinearRegression", "LogisticRegression", "MLPClassifier", "MLPRegressor",
             "DecisionTreeClassifier", "DecisionTreeRegressor", "GradientBoostingClassifier",
             "GradientBoostingRegressor")


def _converter(model):
    """(build function, is classifier) for a supported estimator, else None."""
    try:
        from sklearn import ensemble, linear_model, neural_network, tree
    except ImportError:
        return None
    table = [
        (linear_model.LinearRegression, lambda b, x, m: linear.linear_regression(b, x, m), False),
        (linear_model.LogisticRegression, lambda b, x, m: linear.logistic_regression(b, x, m), True),
        (neural_network.MLPClassifier, lambda b, x, m: linear.mlp(b, x, m, True), True),
        (neural_network.MLPRegressor, lambda b, x, m: linear.mlp(b, x, m, False), False),
        (tree.DecisionTreeClassifier, lambda b, x, m: trees.decision_tree(b, x, m, True), True),
        (tree.DecisionTreeRegressor, lambda b, x, m: trees.decision_tree(b, x, m, False), False),
        (ensemble.GradientBoostingClassifier, lambda b, x, m: trees.gradient_boosting(b, x, m, True), True),
        (ensemble.GradientBoostingRegressor, lambda b, x, m: trees.gradient_boosting(b, x, m, False), False),
    ]
    for cls, build, classifier in table:
        if type(model) is cls:  # subclasses may predict differently: not assumed
            return build, classifier
    return None


def compile(model, prep):
    found = _converter(model)
    if found is None:
        return None
    build, classifier = found
    n_features = getattr(model, "n_features_in_", None)
    if n_features is None:
        raise KilnError(f"kiln: the {type(model).__name__} must be fitted before it is compiled")
    if prep is None:
        names = getattr(model, "feature_names_in_", None)
        prep = prep_graph.passthrough([str(n) for n in names] if names is not None
                                      else [f"x{i}" for i in range(n_features)])
    if len(prep.feature_names) != n_features:
        raise KilnError(f"kiln: the prep makes {len(prep.feature_names)} features, the "
                        f"{type(model).__name__} was fitted on {n_features}")

    pb = Builder("prep/")
    inputs, features = prep_graph.build(pb, prep)
    front = pb.model(inputs, [value_info(features, DOUBLE, ["N", n_features])], name="prep")

    mb = Builder("model/")
    x = "model/features"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. feature-name warnings of _raw_predict_init
        outs = build(mb, x, model)
    outputs = []
    if classifier:
        k = len(model.classes_)
        mb.op("Squeeze", [outs["label"], mb.const([1], np.int64)], out="label")
        mb.op("Cast", [outs["probabilities"]], out="probabilities", to=FLOAT)
        outputs = [value_info("label", onnx.TensorProto.INT64, ["N"]),
                   value_info("probabilities", FLOAT, ["N", k])]
    else:
        y = mb.op("Squeeze", [outs["prediction"], mb.const([1], np.int64)])
        mb.op("Cast", [y], out="prediction", to=FLOAT)
        outputs = [value_info("prediction", FLOAT, ["N"])]
    clashes = sorted({o.name for o in outputs} & {n for n, _ in prep.columns})
    if clashes:
        raise KilnError(f"kiln: columns named {clashes} clash with the model's output names")
    back = mb.model([value_info(x, DOUBLE, ["N", n_features])], outputs, name=type(model).__name__)

    merged = onnx.compose.merge_models(front, back, io_map=[(features, x)])
    merged.producer_name = "kiln"
    set_metadata(merged, prep, "classification" if classifier else "regression",
                 list(model.classes_) if classifier else None)
    return check(merged)
