"""Decision trees and gradient boosting. A TreeEnsembleRegressor finds each row's leaf
(float32 compare, as scikit-learn compares float32 features) and writes the leaf's row
number; the leaf values are then gathered from a float64 table, so sums and
probabilities are computed in float64 like scikit-learn, not in the op's float32."""

import numpy as np

from .._client import KilnError
from .builder import FLOAT, INT64

LEAF = -1  # scikit-learn's children_left of a leaf


def _threshold32(t):
    """The largest float32 <= t: x32 <= t  <=>  x32 <= _threshold32(t) for every float32 x.
    Plain rounding can round up and send rows at the edge down the other branch."""
    f = np.float32(t)
    if float(f) > t:
        f = np.nextafter(f, np.float32(-np.inf), dtype=np.float32)
    return float(f)


def leaf_rows(b, x, trees):
    """[N,T] int64: for each row and tree, the row of the reached leaf in the stacked table
    of all trees' leaves (leaves numbered tree by tree, node order)."""
    a = {k: [] for k in ("nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values",
                         "nodes_modes", "nodes_truenodeids", "nodes_falsenodeids",
                         "target_treeids", "target_nodeids", "target_ids", "target_weights")}
    leaves = []  # (tree index, node id) in table order
    for t, tree in enumerate(trees):
        for node in range(tree.node_count):
            left, right = int(tree.children_left[node]), int(tree.children_right[node])
            a["nodes_treeids"].append(t)
            a["nodes_nodeids"].append(node)
            if left == LEAF:
                a["nodes_featureids"].append(0)
                a["nodes_values"].append(0.0)
                a["nodes_modes"].append("LEAF")
                a["nodes_truenodeids"].append(0)
                a["nodes_falsenodeids"].append(0)
                a["target_treeids"].append(t)
                a["target_nodeids"].append(node)
                a["target_ids"].append(t)
                a["target_weights"].append(float(len(leaves)))
                leaves.append((t, node))
            else:
                a["nodes_featureids"].append(int(tree.feature[node]))
                a["nodes_values"].append(_threshold32(float(tree.threshold[node])))
                a["nodes_modes"].append("BRANCH_LEQ")  # scikit-learn: x <= threshold goes left
                a["nodes_truenodeids"].append(left)
                a["nodes_falsenodeids"].append(right)
    if len(leaves) >= 2 ** 24:
        raise KilnError("kiln: too many tree leaves for ONNX leaf numbering (2**24)")
    x32 = b.op("Cast", [x], "x32", to=FLOAT)
    ids = b.ml("TreeEnsembleRegressor", [x32], "leaf", n_targets=len(trees), aggregate_function="SUM",
               post_transform="NONE", **a)
    return b.op("Cast", [ids], "leaf_row", to=INT64), leaves


def decision_tree(b, x, model, classifier):
    tree = model.tree_
    if tree.n_outputs != 1:
        raise KilnError("kiln: only single-output decision trees compile to ONNX")
    rows, leaves = leaf_rows(b, x, [tree])                       # [N,1]
    values = np.array([tree.value[node][0] for _, node in leaves], dtype=np.float64)
    if not classifier:
        return {"prediction": b.op("Gather", [b.const(values[:, 0]), rows], axis=0)}  # [N,1]
    total = values.sum(axis=1, keepdims=True)
    total[total == 0.0] = 1.0
    proba = b.op("Gather", [b.const(values / total), rows], axis=0)            # [N,1,K]
    proba = b.op("Squeeze", [proba, b.const([1], np.int64)])
    # predict: argmax of the leaf's class weights, precomputed per leaf.
    label = b.op("Gather", [b.const(values.argmax(axis=1), np.int64), rows], axis=0)  # [N,1]
    return {"label": label, "probabilities": proba}


def gradient_boosting(b, x, model, classifier):
    from sklearn.dummy import DummyClassifier, DummyRegressor
    if not (model.init_ == "zero" or isinstance(model.init_, (DummyClassifier, DummyRegressor))):
        raise KilnError(f"kiln: gradient boosting with init={type(model.init_).__name__} does not compile to ONNX")
    stages, k = model.estimators_.shape
    trees = [model.estimators_[s, c].tree_ for s in range(stages) for c in range(k)]
    rows, leaves = leaf_rows(b, x, trees)                        # [N, S*K]
    # scikit-learn adds learning_rate * leaf value, stage after stage, to the init prediction.
    table = np.array([model.learning_rate * trees[t].value[node][0][0] for t, node in leaves])
    contributions = b.op("Gather", [b.const(table), rows], axis=0)            # [N, S*K]
    contributions = b.op("Reshape", [contributions, b.const([0, stages, k], np.int64)])
    raw = b.op("ReduceSum", [contributions, b.const([1], np.int64)], keepdims=0)  # [N,K]
    # The init prediction does not depend on X for the dummy/zero inits.
    init = model._raw_predict_init(np.zeros((1, model.n_features_in_), dtype=np.float32))[0]
    raw = b.op("Add", [raw, b.const(init)], "raw")
    if not classifier:
        return {"prediction": raw}                                           # [N,1]
    loss = type(model._loss).__name__
    if loss == "MultinomialDeviance":
        proba = b.op("Softmax", [raw], axis=1)
        return {"label": b.op("ArgMax", [proba], axis=1, keepdims=1), "probabilities": proba}
    if loss == "BinomialDeviance":
        p = b.op("Sigmoid", [raw])
        proba = b.op("Concat", [b.op("Sub", [b.const([[1.0]]), p]), p], axis=1)
        return {"label": b.op("ArgMax", [proba], axis=1, keepdims=1), "probabilities": proba}
    if loss == "ExponentialLoss":
        p = b.op("Sigmoid", [b.op("Mul", [raw, b.const(2.0)])])
        proba = b.op("Concat", [b.op("Sub", [b.const([[1.0]]), p]), p], axis=1)
        label = b.op("Cast", [b.op("GreaterOrEqual", [raw, b.const(0.0)])], to=INT64)
        return {"label": label, "probabilities": proba}
    raise KilnError(f"kiln: gradient boosting loss {loss} does not compile to ONNX")
