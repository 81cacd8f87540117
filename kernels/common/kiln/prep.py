"""kiln.prep: a small preprocessing pipeline, fitted on a pandas DataFrame, that Kiln can
compile to ONNX together with the model that follows it (``kiln.log_model(model, prep=prep)``).

    prep = (kiln.prep.Prep()
            .impute("median")                      # numeric columns
            .impute("most_frequent", columns=["city"])
            .clip(quantiles=(0.01, 0.99))
            .scale("standard")
            .one_hot()                             # every string column
            .select(variance_threshold=0.0)
            .pca(5))
    X = prep.fit_transform(df_train, y_train)      # numpy float64 array
    model.fit(X, y_train)
    model.predict(prep.transform(df_new))

Steps run in the order they were chained; each step sees the features the previous one made.
A step's ``columns`` names those features (raw column names, or ``"city=Paris"`` after
one_hot, ``"pca0"`` after pca); None means every feature the step applies to.

Missing values: NaN/None in numeric columns; None, NaN and "" in string columns (the ONNX
graph receives "" for a missing string, so "" is missing here too). Semantics follow
scikit-learn 1.2: SimpleImputer(keep_empty_features=True), StandardScaler, MinMaxScaler,
OneHotEncoder(handle_unknown="ignore") with a missing string encoded as all zeros,
VarianceThreshold and PCA(svd_solver="full").

numpy and pandas are imported only when a Prep is fitted or used, so ``import kiln`` works
on a Python without them.
"""

from ._client import KilnError

__all__ = ["Prep"]

NUMBER, STRING = "number", "string"


def _np():
    try:
        import numpy
    except ImportError:  # pragma: no cover - depends on the image
        raise KilnError("kiln.prep needs numpy and pandas (pip install numpy pandas)") from None
    return numpy


def _names(columns):
    if columns is None:
        return None
    if isinstance(columns, str):
        return [columns]
    return list(columns)


def _pick(state, columns, kinds, step):
    """The feature names a step works on: ``columns`` checked against ``state``, or all of ``kinds``."""
    if columns is None:
        return [n for n, (kind, _) in state.items() if kind in kinds]
    for name in columns:
        if name not in state:
            raise KilnError(f"kiln.prep: {step} names column {name!r}, which is not among the "
                            f"features at that step: {list(state)}")
        if state[name][0] not in kinds:
            raise KilnError(f"kiln.prep: {step} cannot be applied to {state[name][0]} column {name!r}")
    return list(columns)


class _Step:
    """One fitted transformation of the ordered feature dict {name: (kind, 1-D array)}."""

    def fit(self, state, y):
        raise NotImplementedError

    def apply(self, state):
        raise NotImplementedError


class Impute(_Step):
    """Fills missing values; ``fills`` maps each column to its fill value once fitted."""

    STRATEGIES = ("mean", "median", "most_frequent", "constant")

    def __init__(self, strategy, columns, fill_value):
        if strategy not in self.STRATEGIES:
            raise KilnError(f"kiln.prep: impute strategy must be one of {self.STRATEGIES}, not {strategy!r}")
        self.strategy, self.columns, self.fill_value = strategy, _names(columns), fill_value
        self.fills = None

    def _kinds(self):
        if self.strategy in ("mean", "median"):
            return (NUMBER,)
        if self.strategy == "constant" and self.fill_value is not None:
            return (STRING,) if isinstance(self.fill_value, str) else (NUMBER,)
        return (NUMBER, STRING)

    def fit(self, state, y):
        np = _np()
        self.fills = {}
        for name in _pick(state, self.columns, self._kinds(), f"impute({self.strategy!r})"):
            kind, values = state[name]
            if kind == NUMBER:
                present = values[~np.isnan(values)]
            else:
                present = np.array([v for v in values if v is not None], dtype=object)
            if self.strategy == "constant":
                fill = self.fill_value
                if fill is None:
                    fill = 0.0 if kind == NUMBER else "missing_value"  # scikit-learn's defaults
            elif present.size == 0:
                # Nothing to learn from: 0 like keep_empty_features=True; strings stay missing.
                fill = 0.0 if kind == NUMBER else None
            elif self.strategy == "mean":
                fill = float(np.mean(present))
            elif self.strategy == "median":
                fill = float(np.median(present))
            else:  # most frequent; ties go to the smallest value, as in scikit-learn
                uniques, counts = np.unique(present, return_counts=True)
                fill = uniques[counts == counts.max()].min()
                fill = float(fill) if kind == NUMBER else str(fill)
            if kind == NUMBER and not isinstance(fill, (int, float)):
                raise KilnError(f"kiln.prep: impute fill value for numeric column {name!r} must be a number")
            if kind == STRING and fill is not None and not isinstance(fill, str):
                raise KilnError(f"kiln.prep: impute fill value for string column {name!r} must be a string")
            self.fills[name] = float(fill) if kind == NUMBER else fill
        return self.apply(state)

    def apply(self, state):
        np = _np()
        out = dict(state)
        for name, fill in self.fills.items():
            kind, values = state[name]
            if kind == NUMBER:
                out[name] = (kind, np.where(np.isnan(values), fill, values))
            elif fill is not None:
                out[name] = (kind, np.array([fill if v is None else v for v in values], dtype=object))
        return out


class Clip(_Step):
    """Clips numeric columns to [low, high]; NaN stays NaN. ``limits`` maps column to (low, high)."""

    def __init__(self, bounds, quantiles, columns):
        if (bounds is None) == (quantiles is None):
            raise KilnError("kiln.prep: clip takes either bounds or quantiles")
        if quantiles is not None:
            lo, hi = quantiles
            if not 0.0 <= lo <= hi <= 1.0:
                raise KilnError(f"kiln.prep: clip quantiles must satisfy 0 <= low <= high <= 1, not {quantiles!r}")
        self.bounds, self.quantiles, self.columns = bounds, quantiles, _names(columns)
        self.limits = None

    def fit(self, state, y):
        np = _np()
        if isinstance(self.bounds, dict):
            columns = _pick(state, list(self.bounds), (NUMBER,), "clip")
        else:
            columns = _pick(state, self.columns, (NUMBER,), "clip")
        self.limits = {}
        for name in columns:
            if self.quantiles is not None:
                values = state[name][1]
                values = values[~np.isnan(values)]
                lo, hi = (np.quantile(values, self.quantiles) if values.size else (None, None))
            else:
                lo, hi = self.bounds[name] if isinstance(self.bounds, dict) else self.bounds
            self.limits[name] = (None if lo is None else float(lo), None if hi is None else float(hi))
        return self.apply(state)

    def apply(self, state):
        np = _np()
        out = dict(state)
        for name, (lo, hi) in self.limits.items():
            values = state[name][1]
            # Comparisons are False for NaN, so missing values pass through (as in the graph).
            if lo is not None:
                values = np.where(values < lo, lo, values)
            if hi is not None:
                values = np.where(values > hi, hi, values)
            out[name] = (NUMBER, values)
        return out


class Scale(_Step):
    """Standard or min-max scaling. Fitted as x * factor + offset ("minmax", like MinMaxScaler)
    or (x - center) / scale ("standard", like StandardScaler), kept in ``params``."""

    def __init__(self, method, columns, feature_range):
        if method not in ("standard", "minmax"):
            raise KilnError(f"kiln.prep: scale method must be 'standard' or 'minmax', not {method!r}")
        self.method, self.columns, self.feature_range = method, _names(columns), tuple(feature_range)
        self.params = None

    def fit(self, state, y):
        np = _np()
        eps = np.finfo(np.float64).eps
        self.params = {}
        for name in _pick(state, self.columns, (NUMBER,), f"scale({self.method!r})"):
            values = state[name][1]
            values = values[~np.isnan(values)]
            n = values.size
            if self.method == "standard":
                mean = float(np.mean(values)) if n else 0.0
                var = float(np.var(values)) if n else 0.0
                # scikit-learn treats a feature as constant when var is within rounding of 0
                constant = var <= n * eps * var + (n * mean * eps) ** 2
                self.params[name] = (mean, 1.0 if constant else float(np.sqrt(var)))
            else:
                lo, hi = self.feature_range
                data_min = float(np.min(values)) if n else 0.0
                data_range = float(np.max(values)) - data_min if n else 0.0
                if data_range < 10 * eps:
                    data_range = 1.0
                factor = (hi - lo) / data_range
                self.params[name] = (factor, lo - data_min * factor)
        return self.apply(state)

    def apply(self, state):
        out = dict(state)
        for name, (a, b) in self.params.items():
            values = state[name][1]
            out[name] = (NUMBER, (values - a) / b if self.method == "standard" else values * a + b)
        return out


class OneHot(_Step):
    """One column per category seen at fit (sorted), named "column=category"; an unseen or
    missing value encodes as all zeros. ``categories`` maps column to its category list."""

    def __init__(self, columns):
        self.columns = _names(columns)
        self.categories = None

    def fit(self, state, y):
        self.categories = {}
        for name in _pick(state, self.columns, (STRING,), "one_hot"):
            self.categories[name] = sorted({v for v in state[name][1] if v is not None})
        return self.apply(state)

    def apply(self, state):
        np = _np()
        out = {}
        for name, (kind, values) in state.items():
            if name not in self.categories:
                out[name] = (kind, values)
                continue
            for category in self.categories[name]:
                out[f"{name}={category}"] = (NUMBER, np.array([v == category for v in values], dtype=np.float64))
        return out


class Select(_Step):
    """Keeps a subset of the features: named ones, those whose variance exceeds a threshold,
    or those most correlated (|Pearson r|) with the target. ``kept`` lists them once fitted."""

    def __init__(self, columns, variance_threshold, min_abs_corr, k_best):
        given = [v is not None for v in (columns, variance_threshold, min_abs_corr, k_best)]
        if sum(given) != 1:
            raise KilnError("kiln.prep: select takes exactly one of columns, variance_threshold, "
                            "min_abs_corr, k_best (chain select calls to combine them)")
        self.columns, self.variance_threshold = _names(columns), variance_threshold
        self.min_abs_corr, self.k_best = min_abs_corr, k_best
        self.kept = None

    def fit(self, state, y):
        np = _np()
        if self.columns is not None:
            self.kept = _pick(state, self.columns, (NUMBER, STRING), "select")
            return self.apply(state)
        numeric = [n for n, (kind, _) in state.items() if kind == NUMBER]
        X = np.column_stack([state[n][1] for n in numeric]) if numeric else np.zeros((0, 0))
        if self.variance_threshold is not None:
            with np.errstate(all="ignore"):
                var = np.nanvar(X, axis=0)
                if self.variance_threshold == 0:  # VarianceThreshold's guard against rounding noise
                    var = np.nanmin([var, np.nanmax(X, axis=0) - np.nanmin(X, axis=0)], axis=0)
            keep = set(np.array(numeric, dtype=object)[var > self.variance_threshold])
        else:
            if y is None:
                raise KilnError("kiln.prep: select by correlation needs the target: fit(df, y)")
            try:
                target = np.asarray(y, dtype=np.float64).ravel()
            except (TypeError, ValueError):
                raise KilnError("kiln.prep: select by correlation needs a numeric target") from None
            if target.shape[0] != X.shape[0]:
                raise KilnError(f"kiln.prep: y has {target.shape[0]} rows, the DataFrame {X.shape[0]}")
            corr = np.array([_abs_corr(np, X[:, j], target) for j in range(X.shape[1])])
            if self.min_abs_corr is not None:
                keep = {n for n, c in zip(numeric, corr) if c >= self.min_abs_corr}
            else:
                order = np.argsort(-corr, kind="stable")[: int(self.k_best)]
                keep = {numeric[j] for j in order}
        # String features are not scored; they stay (one_hot encodes them later).
        self.kept = [n for n, (kind, _) in state.items() if kind == STRING or n in keep]
        return self.apply(state)

    def apply(self, state):
        return {name: state[name] for name in self.kept}


def _abs_corr(np, x, y):
    """|Pearson r| over rows where both are present; 0 for a constant feature."""
    ok = ~(np.isnan(x) | np.isnan(y))
    if not ok.any():
        return 0.0
    x, y = x[ok] - x[ok].mean(), y[ok] - y[ok].mean()
    denom = np.sqrt((x * x).sum() * (y * y).sum())
    return float(abs((x * y).sum()) / denom) if denom > 0 else 0.0


class PCA(_Step):
    """Principal components of all features, like PCA(svd_solver="full"): (X - mean) @
    components.T, divided by sqrt(explained_variance) when whiten. Features become pca0, pca1..."""

    def __init__(self, n_components, whiten):
        self.n_components, self.whiten = n_components, bool(whiten)
        self.names_in = self.mean = self.components = self.divisor = None

    def fit(self, state, y):
        np = _np()
        self.names_in = list(state)
        X = _matrix(np, state, "pca")
        if np.isnan(X).any():
            bad = [n for n in self.names_in if np.isnan(state[n][1]).any()]
            raise KilnError(f"kiln.prep: pca needs no missing values; impute first ({bad})")
        n, p = X.shape
        self.mean = X.mean(axis=0)
        U, S, Vt = np.linalg.svd(X - self.mean, full_matrices=False)
        # Deterministic signs, as scikit-learn's svd_flip: the largest |U| of each column > 0.
        signs = np.sign(U[np.argmax(np.abs(U), axis=0), range(U.shape[1])])
        Vt *= signs[:, None]
        variance = S ** 2 / (n - 1)
        k = self.n_components
        if k is None:
            k = min(n, p)
        elif isinstance(k, float) and 0 < k < 1:
            ratio = np.cumsum(variance / variance.sum(), dtype=np.float64)
            k = int(np.searchsorted(ratio, k, side="right") + 1)
        elif not isinstance(k, int) or not 0 < k <= min(n, p):
            raise KilnError(f"kiln.prep: pca n_components must be an int in [1, {min(n, p)}] or a "
                            f"float in (0, 1), not {k!r}")
        self.components = Vt[:k]
        self.divisor = np.sqrt(variance[:k]) if self.whiten else None
        return self.apply(state)

    def apply(self, state):
        np = _np()
        Z = np.dot(_matrix(np, state, "pca") - self.mean, self.components.T)
        if self.divisor is not None:
            Z /= self.divisor
        return {f"pca{i}": (NUMBER, Z[:, i]) for i in range(Z.shape[1])}


def _matrix(np, state, step):
    strings = [n for n, (kind, _) in state.items() if kind == STRING]
    if strings:
        raise KilnError(f"kiln.prep: {step} needs numeric features; one_hot or select away {strings}")
    if not state:
        raise KilnError(f"kiln.prep: no features are left at {step}")
    return np.column_stack([values for _, values in state.values()])


class Prep:
    """A chain of preprocessing steps; each method adds a step and returns the Prep.

    Fitting takes every column of the DataFrame given to ``fit`` as a raw input (drop the
    target first); ``columns`` lists them as (name, "number"|"string") once fitted.
    """

    def __init__(self):
        self.steps = []
        self.columns = None        # [(name, "number"|"string")] of the raw inputs, once fitted
        self.feature_names = None  # names of the output columns, once fitted

    def _add(self, step):
        self.steps.append(step)
        self.columns = self.feature_names = None  # a changed chain must be fitted again
        return self

    def impute(self, strategy="mean", columns=None, fill_value=None):
        """Fills missing values. strategy: "mean" or "median" (numeric columns),
        "most_frequent" (ties: the smallest) or "constant" (``fill_value``; default 0 for
        numbers and "missing_value" for strings). columns None: every column the strategy
        and fill value apply to. A column with no values at all gets 0 (numbers) or stays
        missing (strings), as SimpleImputer(keep_empty_features=True)."""
        return self._add(Impute(strategy, columns, fill_value))

    def clip(self, bounds=None, quantiles=None, columns=None):
        """Clips outliers of numeric columns. bounds: (low, high) for ``columns`` or a dict
        {column: (low, high)}, None for no bound; or quantiles: (q_low, q_high) learned per
        column at fit (numpy's linear interpolation, missing values ignored)."""
        return self._add(Clip(bounds, quantiles, columns))

    def scale(self, method="standard", columns=None, feature_range=(0.0, 1.0)):
        """Scales numeric columns: "standard" (zero mean, unit variance, StandardScaler) or
        "minmax" (to ``feature_range``, MinMaxScaler). Missing values are ignored at fit
        and stay missing."""
        return self._add(Scale(method, columns, feature_range))

    def one_hot(self, columns=None):
        """Replaces each string column (None: all of them) by one 0/1 column per category
        seen at fit, sorted, named "column=category", in the column's place. An unseen or
        missing value gives all zeros (OneHotEncoder(handle_unknown="ignore"))."""
        return self._add(OneHot(columns))

    def select(self, columns=None, *, variance_threshold=None, min_abs_corr=None, k_best=None):
        """Keeps features; exactly one criterion per call: ``columns`` (names, in that
        order), ``variance_threshold`` (keep variance > threshold, VarianceThreshold),
        ``min_abs_corr`` (keep |Pearson r| with y >= value) or ``k_best`` (the k largest
        |r|). The score-based ones look at numeric features only and need a numeric y."""
        return self._add(Select(columns, variance_threshold, min_abs_corr, k_best))

    def pca(self, n_components=None, whiten=False):
        """Projects all features on their principal components (PCA(svd_solver="full")).
        n_components: an int, a float in (0, 1) (share of variance to keep) or None (all)."""
        return self._add(PCA(n_components, whiten))

    def fit(self, df, y=None):
        """Fits every step, in order, on the DataFrame ``df`` (and ``y`` for correlation)."""
        self.columns = [(name, _kind(df[name])) for name in _frame_columns(df)]
        state = self._read(df)
        for step in self.steps:
            state = step.fit(state, y)
        strings = [n for n, (kind, _) in state.items() if kind == STRING]
        if strings:
            raise KilnError(f"kiln.prep: string columns {strings} reach the output; one_hot them or select them away")
        if not state:
            raise KilnError("kiln.prep: the steps leave no features")
        self.feature_names = list(state)
        return self

    def transform(self, df):
        """The features of ``df`` as a float64 array [rows, len(feature_names)]."""
        if self.feature_names is None:
            raise KilnError("kiln.prep: call fit before transform")
        np = _np()
        state = self._read(df)
        for step in self.steps:
            state = step.apply(state)
        return np.column_stack([values for _, values in state.values()]).astype(np.float64)

    def fit_transform(self, df, y=None):
        """fit(df, y), then transform(df)."""
        return self.fit(df, y).transform(df)

    def _read(self, df):
        np = _np()
        have = set(_frame_columns(df))
        state = {}
        for name, kind in self.columns:
            if name not in have:
                raise KilnError(f"kiln.prep: column {name!r} is missing from the DataFrame")
            column = df[name]
            if kind == NUMBER:
                try:
                    values = np.asarray(column.astype("float64"), dtype=np.float64)
                except (TypeError, ValueError):
                    raise KilnError(f"kiln.prep: column {name!r} must be numeric (it was at fit)") from None
            else:
                values = np.array([_string(v) for v in column], dtype=object)
            state[name] = (kind, values)
        return state

    def __repr__(self):
        steps = ", ".join(type(s).__name__.lower() for s in self.steps)
        return f"Prep([{steps}], fitted={self.feature_names is not None})"


def _frame_columns(df):
    if not hasattr(df, "columns") or not hasattr(df, "__getitem__"):
        raise KilnError(f"kiln.prep: expected a pandas DataFrame, not {type(df).__name__}")
    names = list(df.columns)
    for name in names:
        if not isinstance(name, str):
            raise KilnError(f"kiln.prep: column names must be strings (ONNX input names), not {name!r}")
    return names


def _kind(series):
    """'number' for bool/int/float columns, 'string' for object/string/category ones."""
    dtype = series.dtype
    if getattr(dtype, "kind", "O") in "biuf":
        return NUMBER
    if str(dtype) in ("object", "string", "category") or getattr(dtype, "kind", "") in "OSU":
        return STRING
    raise KilnError(f"kiln.prep: column {series.name!r} has type {dtype}, which kiln.prep cannot encode")


def _string(value):
    """A string, or None when missing (None, NaN, pandas NA or "")."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value if isinstance(value, str) else str(value)
