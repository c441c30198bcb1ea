"""``Explanation``: the attributions of one method for a batch of inputs, with what they explain.

For a model f, an input x with M features and an attribution method, the
values φ_i(x) say how much feature i moved the output away from a reference
("base") value.  Methods that satisfy *completeness* (exact and sampled
Shapley values, integrated gradients) make the parts add up:

    f(x) = base + Σ_i φ_i(x).

Layouts: ``values`` is (n, M) for a single-output model (or when one output
was selected) and (n, M, K) for K outputs; ``base_values`` and
``output_values`` are (n,) or (n, K) to match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

__all__ = ["Explanation"]

# The repr lists at most this many features (the most important first).
_REPR_FEATURES = 10


@dataclass(repr=False, eq=False)
class Explanation:
    """Attributions of the features of ``data`` to a model's output(s).

    Attributes
    ----------
    values : ndarray, (n, M) or (n, M, K)
        φ_i for every row, feature (and output).
    base_values : ndarray (n,) or (n, K), or None
        The reference the values start from: E_b f(b) over the background for
        Shapley values and expected gradients, f(baseline) for integrated
        gradients, f(0) for gradient × input, None for saliency.
    data : ndarray (n, M)
        The inputs explained.
    feature_names : list of str
    method : str
        ``"exact_shapley"``, ``"permutation_shapley"``, ``"integrated_gradients"``,
        ``"expected_gradients"``, ``"gradient_x_input"`` or ``"saliency"``.
    std_errors : ndarray like ``values``, or None
        For sampling estimators: the standard error of each value (the
        standard deviation of the per-sample terms divided by √samples).  The
        estimate lies within ±2 standard errors of the value it estimates
        about 95 % of the time.
    output_values : ndarray (n,) or (n, K), or None
        f(x), the model's output on ``data``.
    extra : dict
        The method's settings (steps, samples, seed ...), for the record.
    """

    values: np.ndarray
    base_values: Optional[np.ndarray]
    data: np.ndarray
    feature_names: list
    method: str
    std_errors: Optional[np.ndarray] = None
    output_values: Optional[np.ndarray] = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        self.values = np.asarray(self.values, dtype=np.float64)
        self.data = np.asarray(self.data)
        if self.values.ndim not in (2, 3):
            raise ValueError(f"values must have shape (n, features) or (n, features, outputs), got {self.values.shape}")
        n, m = self.values.shape[:2]
        if self.data.shape != (n, m):
            raise ValueError(f"data must have shape {(n, m)} like values, got {self.data.shape}")
        self.feature_names = [str(name) for name in self.feature_names]
        if len(self.feature_names) != m:
            raise ValueError(f"expected {m} feature names, got {len(self.feature_names)}")
        per_row = (n,) + self.values.shape[2:]
        for name in ("base_values", "output_values"):
            arr = getattr(self, name)
            if arr is not None:
                arr = np.asarray(arr, dtype=np.float64)
                if arr.shape != per_row:
                    raise ValueError(f"{name} must have shape {per_row}, got {arr.shape}")
                setattr(self, name, arr)
        if self.std_errors is not None:
            self.std_errors = np.asarray(self.std_errors, dtype=np.float64)
            if self.std_errors.shape != self.values.shape:
                raise ValueError(f"std_errors must have shape {self.values.shape} like values, got {self.std_errors.shape}")

    # ---------------------------------------------------------------- shape
    @property
    def n_rows(self):
        return self.values.shape[0]

    @property
    def n_features(self):
        return self.values.shape[1]

    @property
    def n_outputs(self):
        """K for a multi-output explanation, None when values are (n, M)."""
        return self.values.shape[2] if self.values.ndim == 3 else None

    def __len__(self):
        return self.n_rows

    # ------------------------------------------------------------ summaries
    def mean_abs(self):
        """Global importance: (1/n) Σ_rows |φ_i|, shape (M,) or (M, K)."""
        return np.abs(self.values).mean(axis=0)

    def importance(self):
        """One number per feature: mean |φ_i|, averaged over the outputs when there are several."""
        scores = self.mean_abs()
        return scores.mean(axis=1) if scores.ndim == 2 else scores

    def ranking(self):
        """Feature names from the most to the least important (by :meth:`importance`; ties keep column order)."""
        order = np.argsort(-self.importance(), kind="stable")
        return [self.feature_names[i] for i in order]

    def completeness_gap(self):
        """f(x) − (base + Σ_i φ_i) per row: 0 up to rounding for exact Shapley values.

        Integrated gradients leave a quadrature error that shrinks with more
        steps; expected gradients a sampling error.  Needs ``base_values`` and
        ``output_values``.
        """
        if self.base_values is None or self.output_values is None:
            raise ValueError(f"a {self.method} explanation has no base value, so its values need not add up to f(x)")
        return self.output_values - (self.base_values + self.values.sum(axis=1))

    # ---------------------------------------------------------- selection
    def __getitem__(self, key):
        """``e[rows]`` or ``e[rows, output]``: rows by int, slice, index array or boolean mask.

        An integer row keeps the row axis (a batch of one), so the result is
        still an Explanation; an integer output drops the output axis.
        """
        if isinstance(key, tuple):
            if len(key) != 2:
                raise IndexError(f"an Explanation takes [rows] or [rows, output], got {len(key)} indices")
            rows, output = key
        else:
            rows, output = key, None
        if isinstance(rows, (int, np.integer)) and not isinstance(rows, bool):
            if not -self.n_rows <= rows < self.n_rows:
                raise IndexError(f"row {rows} is out of range for {self.n_rows} rows")
            rows = [int(rows)]
        pick = lambda arr: None if arr is None else arr[rows]  # noqa: E731
        values, base, outputs, errors = pick(self.values), pick(self.base_values), pick(self.output_values), pick(self.std_errors)
        if output is not None:
            if self.values.ndim != 3:
                raise IndexError("this Explanation has a single output: index it with [rows] only")
            if isinstance(output, bool) or not isinstance(output, (int, np.integer)):
                raise TypeError(f"the output index must be an integer, got {type(output).__name__}")
            k = self.n_outputs
            if not -k <= output < k:
                raise IndexError(f"output {output} is out of range for {k} outputs")
            values = values[:, :, output]
            errors = None if errors is None else errors[:, :, output]
            base = None if base is None else base[:, output]
            outputs = None if outputs is None else outputs[:, output]
        return Explanation(values, base, self.data[rows], list(self.feature_names), self.method,
                           errors, outputs, dict(self.extra))

    # ---------------------------------------------------------------- text
    def __repr__(self):
        outputs = "" if self.n_outputs is None else f", outputs={self.n_outputs}"
        lines = [f"Explanation(method={self.method!r}, rows={self.n_rows}, features={self.n_features}{outputs})"]
        if self.base_values is not None:
            base = np.unique(np.round(self.base_values, 10), axis=0)
            shown = base[0] if len(base) == 1 else None
            if shown is not None:
                lines.append(f"  base value: {_fmt(shown)}")
            else:
                lines.append(f"  base values: from {_fmt(self.base_values.min(axis=0))} to {_fmt(self.base_values.max(axis=0))}")
        scores = self.importance()
        order = np.argsort(-scores, kind="stable")
        width = max(len("feature"), max(len(self.feature_names[i]) for i in order[:_REPR_FEATURES]))
        header = f"  {'feature':<{width}}  mean |value|"
        if self.std_errors is not None:
            header += "  max std error"
        lines.append(header)
        for i in order[:_REPR_FEATURES]:
            line = f"  {self.feature_names[i]:<{width}}  {scores[i]:12.6g}"
            if self.std_errors is not None:
                line += f"  {self.std_errors[:, i].max():13.3g}"
            lines.append(line)
        if self.n_features > _REPR_FEATURES:
            lines.append(f"  ... {self.n_features - _REPR_FEATURES} more features")
        return "\n".join(lines)


def _fmt(x):
    x = np.asarray(x)
    if x.ndim == 0:
        return f"{float(x):.6g}"
    return "[" + ", ".join(f"{v:.6g}" for v in x) + "]"
