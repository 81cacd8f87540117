"""Fits kiln.prep + each supported scikit-learn model on synthetic data with missing values
and a string category, compiles each to ONNX and writes, into the folder given as argv[1]:
<name>.onnx per model, and cases.json: the rows to predict (an unseen category, missing
values) and the notebook's own predictions from prep.transform. The onnxruntime-node side
(tests/unit/kiln-prep.test.ts) feeds the raw columns and compares."""

import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from kiln._onnx import compile_model
from kiln.prep import Prep

warnings.filterwarnings("ignore")  # convergence warnings of the small MLPs


def frame(rng, n, cities):
    df = pd.DataFrame({
        "age": rng.normal(40, 12, n),
        "income": rng.lognormal(10, 1, n),          # outliers for clip
        "score": rng.uniform(-5, 5, n),
        "flag": rng.integers(0, 2, n).astype(float),
        "city": rng.choice(cities, n).astype(object),
        "plan": rng.choice(["basic", "pro", "team"], n).astype(object),
    })
    for column, share in (("age", 0.1), ("income", 0.1), ("score", 0.05)):
        df.loc[rng.random(n) < share, column] = np.nan
    df.loc[rng.random(n) < 0.08, "city"] = None
    df.loc[rng.random(n) < 0.05, "plan"] = ""
    return df


def targets(df, rng):
    a = df["age"].fillna(40).to_numpy()
    s = df["score"].fillna(0).to_numpy()
    i = np.log(df["income"].fillna(20000).to_numpy())
    city = df["city"].map({"paris": 1.0, "oslo": -1.0, "rome": 0.5}).fillna(0).to_numpy()
    z = 0.05 * (a - 40) + 0.4 * s + 0.8 * (i - 10) + city + rng.normal(0, 0.5, len(df))
    y_reg = 2.0 * z + 3.0
    y_bin = (z > 0).astype(int)
    y_multi = np.where(z < -0.7, "low", np.where(z < 0.7, "mid", "high")).astype(object)
    return y_reg, y_bin, y_multi


def main(out):
    rng = np.random.default_rng(7)
    train = frame(rng, 1000, ["paris", "oslo", "rome", "lima"])
    rows = frame(rng, 200, ["paris", "oslo", "rome", "lima", "atlantis"])  # atlantis: unseen
    rows.loc[:4, "age"] = np.nan
    rows.loc[:4, "city"] = ""
    y_reg, y_bin, y_multi = targets(train, rng)
    # Training rows too: their values sit right next to the trees' split thresholds.
    rows = pd.concat([rows, train.iloc[:400]], ignore_index=True)

    prep_a = (Prep().impute("median").impute("most_frequent", columns=["plan"])
              .clip(quantiles=(0.01, 0.99)).scale("standard").one_hot()
              .select(variance_threshold=0.0).pca(6))
    prep_b = (Prep().impute("mean", columns=["age", "score"]).impute("constant", columns=["income"], fill_value=1.0)
              .clip(bounds={"income": (None, 200000.0), "score": (-4.0, 4.0)}).scale("minmax")
              .one_hot().select(min_abs_corr=0.02))
    specs = [
        ("logistic_binary", prep_a, LogisticRegression(max_iter=500), y_bin),
        ("logistic_multi", prep_a, LogisticRegression(max_iter=500), y_multi),
        ("logistic_ovr", prep_b, LogisticRegression(solver="liblinear"), y_multi),
        ("mlp_classifier", prep_a, MLPClassifier((16, 8), max_iter=300, random_state=0), y_multi),
        ("mlp_binary", prep_b, MLPClassifier((12,), activation="tanh", max_iter=300, random_state=0), y_bin),
        ("mlp_regressor", prep_b, MLPRegressor((16,), max_iter=300, random_state=0), y_reg),
        ("tree_classifier", prep_b, DecisionTreeClassifier(max_depth=8, random_state=0), y_multi),
        ("tree_regressor", prep_a, DecisionTreeRegressor(max_depth=10, random_state=0), y_reg),
        ("boosting_binary", prep_a, GradientBoostingClassifier(n_estimators=60, random_state=0), y_bin),
        ("boosting_multi", prep_b, GradientBoostingClassifier(n_estimators=40, max_depth=4, random_state=0), y_multi),
        ("boosting_regressor", prep_b, GradientBoostingRegressor(n_estimators=80, random_state=0), y_reg),
        ("linear_regression", prep_b, LinearRegression(), y_reg),
    ]
    cases = {"rows": _columns(rows), "models": {}}
    for name, prep, model, y in specs:
        target = y if np.asarray(y).dtype.kind in "if" else (y == "high").astype(float)
        model.fit(prep.fit_transform(train, target), y)
        X = prep.transform(rows)
        # The graph's numeric inputs are float32: on rows rounded to float32 first it should
        # agree with the notebook to the rounding of its float32 outputs.
        X32 = prep.transform(rows.apply(lambda c: c.astype(np.float32).astype(np.float64) if c.dtype.kind == "f" else c))
        onnx_model = compile_model(model, prep)
        with open(os.path.join(out, f"{name}.onnx"), "wb") as f:
            f.write(onnx_model.SerializeToString())
        meta = {p.key: p.value for p in onnx_model.metadata_props}
        case = {"metadata": meta, "features": len(prep.feature_names)}
        if hasattr(model, "classes_"):
            classes = list(model.classes_)
            case["label"] = [classes.index(c) for c in model.predict(X)]
            case["probabilities"] = model.predict_proba(X).tolist()
            case["label32"] = [classes.index(c) for c in model.predict(X32)]
            case["probabilities32"] = model.predict_proba(X32).tolist()
        else:
            case["prediction"] = model.predict(X).tolist()
            case["prediction32"] = model.predict(X32).tolist()
        cases["models"][name] = case
    cases["models"]["tree_adjacent"] = adjacent_tree(out)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(cases, f)


def adjacent_tree(out):
    """A tree split between two adjacent float32 values, compiled without a prep (input "x"):
    the threshold (their midpoint) rounds UP to the larger one in plain float32 rounding,
    which would send that value down the wrong branch."""
    a = np.nextafter(np.float32(1000.0), np.float32(2000.0))  # odd last bit: the tie goes to b
    b = np.nextafter(a, np.float32(2000.0))
    X = pd.DataFrame({"x": np.array([a, b] * 50, dtype=np.float64)})
    y = np.array([0, 1] * 50)
    model = DecisionTreeClassifier().fit(X, y)
    onnx_model = compile_model(model)
    with open(os.path.join(out, "tree_adjacent.onnx"), "wb") as f:
        f.write(onnx_model.SerializeToString())
    proba = model.predict_proba(X[:2]).tolist()
    assert model.predict(X[:2]).tolist() == [0, 1] and np.float32(model.tree_.threshold[0]) == b
    return {"metadata": {p.key: p.value for p in onnx_model.metadata_props}, "rows": _columns(X[:2]),
            "label": [0, 1], "label32": [0, 1], "probabilities": proba, "probabilities32": proba}


def _columns(df):
    """{column: values}: numbers with null for missing, strings with "" for missing."""
    out = {}
    for name in df.columns:
        if df[name].dtype.kind in "if":
            out[name] = [None if np.isnan(v) else float(v) for v in df[name]]
        else:
            out[name] = ["" if v is None else str(v) for v in df[name]]
    return out


if __name__ == "__main__":
    main(sys.argv[1])
