"""kiln.prep against scikit-learn 1.2's equivalents; run inside the kiln/python image:
    PYTHONPATH=kernels/common python3 -m unittest discover -s kernels/common/tests_prep
"""

import os
import sys
import tempfile
import unittest
import warnings

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.decomposition import PCA
from sklearn.feature_selection import VarianceThreshold
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

import kiln
from kiln import KilnError
from kiln.prep import Prep

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from test_kiln import KilnTestCase  # noqa: E402  (the stand-in Kiln server of the module's tests)

warnings.filterwarnings("ignore", category=RuntimeWarning)


def numbers(seed=0, n=300):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"a": rng.normal(5, 2, n), "b": rng.exponential(3, n), "c": rng.integers(0, 4, n).astype(float)})
    for col in df:
        df.loc[rng.random(n) < 0.15, col] = np.nan
    return df


def strings(values, seed=0, n=200):
    rng = np.random.default_rng(seed)
    col = rng.choice(values, n).astype(object)
    col[rng.random(n) < 0.1] = None
    return col


class TestImpute(unittest.TestCase):
    def test_numeric_strategies_match_simple_imputer(self):
        df = numbers()
        df["empty"] = np.nan  # all missing: 0, as keep_empty_features=True
        for strategy in ("mean", "median", "most_frequent", "constant"):
            ours = Prep().impute(strategy, fill_value=2.5 if strategy == "constant" else None).fit_transform(df)
            sk = SimpleImputer(strategy=strategy, fill_value=2.5 if strategy == "constant" else None,
                               keep_empty_features=True).fit_transform(df)
            assert_allclose(ours, sk, rtol=1e-13, atol=0, err_msg=strategy)
            self.assertFalse(np.isnan(ours).any())

    def test_string_strategies_match_simple_imputer(self):
        col = strings(["x", "y", "z", "y"])
        df = pd.DataFrame({"s": col})
        for strategy, fill in (("most_frequent", None), ("constant", "other")):
            prep = Prep().impute(strategy, columns=["s"], fill_value=fill).one_hot()
            ours = prep.fit_transform(df)
            filled = SimpleImputer(missing_values=None, strategy=strategy, fill_value=fill).fit_transform(df)
            sk = OneHotEncoder().fit_transform(filled).toarray()
            assert_array_equal(ours, sk)
        self.assertEqual(prep.feature_names, ["s=other", "s=x", "s=y", "s=z"])

    def test_empty_string_is_missing(self):
        df = pd.DataFrame({"s": ["a", "", None, np.nan, "b", "a"]})
        prep = Prep().impute("most_frequent", columns="s").one_hot()
        assert_array_equal(prep.fit_transform(df)[:, 0], [1, 1, 1, 1, 0, 1])

    def test_mean_on_a_string_column_is_refused(self):
        df = pd.DataFrame({"s": ["a", "b"], "x": [1.0, 2.0]})
        with self.assertRaisesRegex(KilnError, "string column 's'"):
            Prep().impute("mean", columns=["s"]).fit(df)


class TestClipScale(unittest.TestCase):
    def test_clip_quantiles_and_bounds(self):
        df = numbers()
        ours = Prep().clip(quantiles=(0.05, 0.9)).fit_transform(df)
        lo, hi = np.nanquantile(df.to_numpy(), [0.05, 0.9], axis=0)
        expected = np.clip(df.to_numpy(), lo, hi)
        assert_array_equal(np.isnan(ours), np.isnan(df.to_numpy()))  # NaN passes through
        assert_allclose(ours, expected, rtol=0, atol=0)
        ours = Prep().clip(bounds={"a": (None, 6.0), "b": (1.0, 2.0)}).fit_transform(df)
        assert_array_equal(ours[:, 0], np.clip(df["a"], None, 6.0))
        assert_array_equal(ours[:, 1], np.clip(df["b"], 1.0, 2.0))
        assert_array_equal(ours[:, 2], df["c"])

    def test_standard_and_minmax_match_scikit_learn(self):
        df = numbers()
        df["constant"] = 3.0
        assert_allclose(Prep().scale().fit_transform(df), StandardScaler().fit_transform(df), rtol=1e-12, atol=1e-14)
        assert_allclose(Prep().scale("minmax", feature_range=(-1, 2)).fit_transform(df),
                        MinMaxScaler(feature_range=(-1, 2)).fit_transform(df), rtol=1e-12, atol=1e-14)
        new = numbers(seed=5)
        new["constant"] = 7.0
        prep = Prep().scale().fit(df)
        assert_allclose(prep.transform(new), StandardScaler().fit(df).transform(new), rtol=1e-12, atol=1e-14)


class TestOneHotSelectPca(unittest.TestCase):
    def test_one_hot_ignores_unseen_and_missing(self):
        train = pd.DataFrame({"city": strings(["paris", "oslo", "rome"]), "x": np.arange(200.0)})
        test = pd.DataFrame({"city": ["oslo", "atlantis", None, "", "rome"], "x": np.arange(5.0)})
        prep = Prep().one_hot().fit(train)
        self.assertEqual(prep.feature_names, ["city=oslo", "city=paris", "city=rome", "x"])
        enc = OneHotEncoder(handle_unknown="ignore").fit(train[["city"]].dropna())
        sk = enc.transform(test[["city"]].fillna("<missing>")).toarray()
        ours = prep.transform(test)
        assert_array_equal(ours[:, :3], sk)
        assert_array_equal(ours[1:4, :3], 0)
        assert_array_equal(ours[:, 3], test["x"])

    def test_select(self):
        rng = np.random.default_rng(1)
        df = pd.DataFrame({"a": rng.normal(size=400), "const": 1.0, "b": rng.normal(size=400),
                           "tiny": rng.normal(scale=0.01, size=400)})
        y = 3 * df["a"] - 0.5 * df["b"] + rng.normal(scale=0.1, size=400)
        prep = Prep().select(variance_threshold=0.001).fit(df)
        vt = VarianceThreshold(0.001).fit(df)
        self.assertEqual(prep.feature_names, list(df.columns[vt.get_support()]))
        self.assertEqual(Prep().select(variance_threshold=0.0).fit(df).feature_names, ["a", "b", "tiny"])
        self.assertEqual(Prep().select(["b", "a"]).fit(df).feature_names, ["b", "a"])
        self.assertEqual(Prep().select(k_best=1).fit(df, y).feature_names, ["a"])
        r = [abs(np.corrcoef(df[c], y)[0, 1]) for c in ("a", "b", "tiny")]
        expected = [c for c, v in zip(("a", "b", "tiny"), r) if v >= 0.1]
        self.assertEqual(Prep().select(min_abs_corr=0.1).fit(df, y).feature_names, expected)
        with self.assertRaisesRegex(KilnError, "needs the target"):
            Prep().select(k_best=1).fit(df)

    def test_pca_matches_full_svd_pca(self):
        df = numbers().fillna(0.0)
        df["d"] = df["a"] * 0.5 + df["b"]
        for kwargs in ({"n_components": 2}, {"n_components": 0.9}, {"n_components": 3, "whiten": True}):
            ours = Prep().pca(**kwargs).fit(df)
            sk = PCA(svd_solver="full", **kwargs).fit(df.to_numpy())
            assert_allclose(ours.transform(numbers(seed=3).fillna(1.0).assign(d=2.0)),
                            sk.transform(numbers(seed=3).fillna(1.0).assign(d=2.0).to_numpy()), rtol=1e-9, atol=1e-9)
            self.assertEqual(ours.feature_names, [f"pca{i}" for i in range(sk.n_components_)])

    def test_full_chain_matches_a_scikit_learn_pipeline(self):
        rng = np.random.default_rng(2)
        df = numbers(seed=2, n=200)
        df["city"] = strings(["a", "b", "c"], seed=2)
        prep = (Prep().impute("median").impute("most_frequent", columns=["city"]).scale()
                .one_hot().pca(4))
        ours = prep.fit_transform(df)
        num = StandardScaler().fit_transform(SimpleImputer(strategy="median").fit_transform(df[["a", "b", "c"]]))
        cat = OneHotEncoder().fit_transform(
            SimpleImputer(missing_values=None, strategy="most_frequent").fit_transform(df[["city"]])).toarray()
        sk = PCA(4, svd_solver="full").fit_transform(np.hstack([num, cat]))
        assert_allclose(ours, sk, rtol=1e-9, atol=1e-9)
        del rng


class TestErrors(unittest.TestCase):
    def test_transform_before_fit(self):
        with self.assertRaisesRegex(KilnError, "fit before transform"):
            Prep().scale().transform(numbers())

    def test_unknown_columns_are_named(self):
        with self.assertRaisesRegex(KilnError, "'nope'"):
            Prep().scale(columns=["a", "nope"]).fit(numbers())
        prep = Prep().scale().fit(numbers())
        with self.assertRaisesRegex(KilnError, "column 'b' is missing"):
            prep.transform(numbers().drop(columns=["b"]))

    def test_strings_must_be_encoded_and_pca_needs_no_missing(self):
        df = numbers()
        df["s"] = strings(["p", "q"], n=len(df))
        with self.assertRaisesRegex(KilnError, r"string columns \['s'\]"):
            Prep().fit(df)
        with self.assertRaisesRegex(KilnError, "impute first"):
            Prep().one_hot().pca(2).fit(df)
        with self.assertRaisesRegex(KilnError, "strategy"):
            Prep().impute("mode")

    def test_constant_column_and_all_missing_column(self):
        df = pd.DataFrame({"k": [2.0] * 10, "gone": [np.nan] * 10, "s": [None] * 10})
        out = Prep().impute("mean").scale().scale("minmax").one_hot().fit_transform(df)
        assert_array_equal(out, np.zeros((10, 2)))  # "s" saw no category: no features


class TestOnnxCompile(unittest.TestCase):
    def test_unsupported_models_are_named(self):
        from sklearn.neighbors import KNeighborsClassifier
        from kiln._onnx import compile_model
        knn = KNeighborsClassifier(1).fit([[0.0], [1.0]], [0, 1])
        with self.assertRaisesRegex(KilnError, "KNeighborsClassifier"):
            compile_model(knn)
        with self.assertRaisesRegex(KilnError, "KNeighborsClassifier"):
            kiln.log_model(knn, prep=Prep())
        with self.assertRaisesRegex(KilnError, "builtins.dict"):
            kiln.log_model({})

    def test_thresholds_round_down_to_float32(self):
        from kiln._onnx.trees import _threshold32
        for t in (0.1, 1 / 3, -0.7, 2.5, 1e-30, 123456.789):
            f = _threshold32(t)
            self.assertLessEqual(f, t)
            self.assertEqual(float(np.float32(f)), f)
            self.assertGreater(float(np.nextafter(np.float32(f), np.float32(np.inf))), t)

    def test_metadata_and_inputs(self):
        import json
        from sklearn.linear_model import LogisticRegression
        from kiln._onnx import compile_model
        df = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "s": ["a", "b", "a", None]})
        prep = Prep().one_hot().fit(df)
        model = compile_model(LogisticRegression().fit(prep.transform(df), ["no", "yes", "no", "yes"]), prep)
        props = {p.key: p.value for p in model.metadata_props}
        self.assertEqual(json.loads(props["kiln.columns"]), [{"name": "x", "type": "number"}, {"name": "s", "type": "string"}])
        self.assertEqual(props["kiln.task"], "classification")
        self.assertEqual(json.loads(props["kiln.classes"]), ["no", "yes"])
        self.assertEqual([i.name for i in model.graph.input], ["x", "s"])
        self.assertEqual([o.name for o in model.graph.output], ["label", "probabilities"])
        with self.assertRaisesRegex(KilnError, "makes 3 features"):
            compile_model(LogisticRegression().fit([[0.0], [1.0]], [0, 1]), prep)


class TestLogModel(KilnTestCase):
    def fitted(self):
        from sklearn.linear_model import LogisticRegression
        df = pd.DataFrame({"x": [0.0, 1.0, np.nan, 3.0], "s": ["a", "b", "a", None]})
        prep = Prep().impute().one_hot().fit(df)
        return prep, LogisticRegression().fit(prep.transform(df), [0, 1, 0, 1])

    def test_a_model_with_prep_is_compiled_and_uploaded_as_onnx(self):
        import onnx
        prep, model = self.fitted()
        kiln.log_model(model, name="churn", prep=prep, auc=0.75)
        artifacts = self.kiln.artifacts
        self.assertEqual(sorted(artifacts), ["churn/metadata.json", "churn/model.onnx"])
        body, query = artifacts["churn/model.onnx"]
        self.assertEqual(query, {"kind": "model", "name": "churn", "flavor": "onnx"})
        uploaded = onnx.load_from_string(body)
        self.assertEqual([i.name for i in uploaded.graph.input], ["x", "s"])
        self.assertEqual({p.key for p in uploaded.metadata_props}, {"kiln.columns", "kiln.task", "kiln.classes"})

    def test_onnx_path_and_model_proto(self):
        import onnx
        from kiln._onnx import compile_model
        prep, model = self.fitted()
        proto = compile_model(model)  # no prep: inputs x0, x1, x2
        self.assertEqual([i.name for i in proto.graph.input], ["x0", "x1", "x2"])
        kiln.log_model(proto, name="plain")
        self.assertEqual(self.kiln.artifacts["plain/model.onnx"][0], proto.SerializeToString())
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "net.onnx")
            onnx.save(proto, path)
            kiln.log_model(path)                          # unchanged: the file as it is
            self.assertEqual(self.kiln.artifacts["net/net.onnx"][0], proto.SerializeToString())
            with self.assertRaisesRegex(KilnError, "one input"):
                kiln.log_model(path, prep=prep)           # three inputs: no single one to feed


if __name__ == "__main__":
    unittest.main()
