"""Data handling: the course's data sets, splits, standardisation, one-hot labels, mini-batches.

numpy only.  Rows are cases, columns are features (x) or targets (y).

* :func:`train_val_test_split`  the course's 60 % / 20 % / 20 % split, optionally stratified
* :class:`Standardizer`         x' = (x - mean) / std per column, fitted on the training set
* :func:`one_hot`, :func:`from_one_hot`  class indices <-> one-hot rows
* :func:`batches`               mini-batches for one epoch
* :func:`linear_boundary`, :func:`circle`, :func:`xor`, :func:`spiral`  the course's exercises

Randomness comes from a ``seed``: ``None`` (fresh entropy), a whole number
≥ 0 (reproducible), or a ``numpy.random.Generator`` (used as it is, so a
training loop can thread one generator through every epoch).

Bad input raises before anything is computed: TypeError for the wrong kind
of argument, ValueError for NaN, empty data, wrong shapes or values out of
range, naming what was expected and what came.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ._checks import flag, numeric_array, positive_int, real_number, whole_number
from ._checks import rng as make_rng

__all__ = [
    "PyDataset",
    "Sequence",
    "train_val_test_split",
    "Standardizer",
    "one_hot",
    "from_one_hot",
    "batches",
    "linear_boundary",
    "circle",
    "xor",
    "spiral",
]


# ---------------------------------------------------------------- validation


def _as_data(name, values, ndims=(1, 2), finite=False):
    """``values`` as a numeric array with ≥ 1 row, an allowed number of dimensions and no NaN."""
    array = numeric_array(name, values)
    if array.ndim not in ndims:
        expected = " or ".join(f"{d}-D" for d in ndims) if len(ndims) < 4 else f"at least {ndims[0]}-D"
        hint = "; use x.reshape(-1, 1) for a single column" if ndims == (2,) and array.ndim == 1 else ""
        raise ValueError(f"expected {name} as a {expected} array; got shape {array.shape}{hint}")
    if array.shape[0] == 0:
        raise ValueError(f"expected at least one row in {name}; got shape {array.shape}")
    if array.dtype.kind == "f":
        bad = ~np.isfinite(array) if finite else np.isnan(array)
        if bad.any():
            what = "NaN or infinity" if finite else "NaN"
            raise ValueError(f"expected {name} without {what}; got {int(bad.sum())} in an array of shape {array.shape}")
    return array


def _same_rows(x, y):
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"expected x and y with the same number of rows; got shapes {x.shape} and {y.shape}")


def _is_whole(array):
    """True when every element is a finite whole number (any integer or bool dtype is)."""
    return array.dtype.kind != "f" or bool(np.all(np.isfinite(array) & (array == np.round(array))))


# ---------------------------------------------------------------- splitting


def _exact_fractions(fractions):
    """The three fractions, checked (finite, ≥ 0, summing to 1) and made exact rationals."""
    if isinstance(fractions, (str, bytes)) or not hasattr(fractions, "__len__") or len(fractions) != 3:
        raise ValueError(f"expected fractions as three numbers (train, validation, test); got {fractions!r}")
    values = [real_number("each fraction", f, minimum=0.0) for f in fractions]
    if abs(sum(values) - 1.0) > 1e-9:
        raise ValueError(f"expected fractions that sum to 1; got {tuple(values)} (sum {sum(values)!r})")
    # The nearest fraction with a denominator up to a million is the one meant: 0.6 -> 3/5, so 60 % of
    # 250 is exactly 150, and 9/23 given as 0.391304347826087 is 9 of 23 rows, not 9.000000000000002.
    exact = [Fraction(v).limit_denominator(10**6) for v in values]
    total = sum(exact)
    return [f / total for f in exact]


def _round_table(table):
    """Round every entry of a table of Fractions to its floor or ceiling, keeping all line sums.

    Needs every row sum and every column sum to be a whole number.  While an
    entry is fractional, the fractional entries form a bipartite graph (rows
    and columns as nodes) in which no node has exactly one edge, since a
    whole-number sum cannot have a single fractional term.  So the graph has a
    cycle; adding +δ, -δ, +δ, ... around it keeps every row and column sum,
    and the largest δ that keeps each entry between its floor and ceiling
    makes at least one more entry whole.  (Bacharach's matrix-rounding argument.)
    """
    table = [list(row) for row in table]
    n_rows = len(table)
    while True:
        # node r < n_rows is row r; node n_rows + c is column c
        edges = {}
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                if value.denominator != 1:
                    edges.setdefault(r, []).append((r, c))
                    edges.setdefault(n_rows + c, []).append((r, c))
        if not edges:
            return [[int(value) for value in row] for row in table]
        cycle = _find_cycle(edges, n_rows)
        step = min(
            min(math.ceil(table[r][c]) - table[r][c] for r, c in cycle[0::2]),
            min(table[r][c] - math.floor(table[r][c]) for r, c in cycle[1::2]),
        )
        for i, (r, c) in enumerate(cycle):
            table[r][c] += step if i % 2 == 0 else -step


def _find_cycle(edges, n_rows):
    """Cells forming a cycle in a graph where every node has two edges or more: walk until a node repeats."""
    node = next(iter(edges))
    seen = {node: 0}
    path = []
    arrived_by = None
    while True:
        cell = next(e for e in edges[node] if e != arrived_by)
        path.append(cell)
        r, c = cell
        node = n_rows + c if node < n_rows else r
        if node in seen:
            return path[seen[node]:]
        seen[node] = len(path)
        arrived_by = cell


def _split_counts(class_sizes, fractions):
    """counts[k, i]: rows of class k for split i, each ⌊f_i n_k⌋ or ⌈f_i n_k⌉, totals ⌊f_i n⌋ or ⌈f_i n⌉.

    The extra row of the table (⌈f_i n⌉ - f_i n) makes the column sums whole,
    so that :func:`_round_table` applies; its rounding decides which splits get
    the ceiling of their share.
    """
    n = sum(class_sizes)
    table = [[f * size for f in fractions] for size in class_sizes]
    table.append([math.ceil(f * n) - f * n for f in fractions])
    return np.array(_round_table(table)[:-1], dtype=np.int64).reshape(len(class_sizes), len(fractions))


def _largest_remainder(n, fractions):
    """Set sizes ⌊f_i n⌋, plus one row each for the largest fractional parts f_i n - ⌊f_i n⌋ until n is reached.

    The nearest whole sizes that sum to n; a tie goes to the earlier set.
    """
    shares = [f * n for f in fractions]
    sizes = [math.floor(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (sizes[i] - shares[i], i))
    for i in by_remainder[: n - sum(sizes)]:
        sizes[i] += 1
    return np.array([sizes], dtype=np.int64)


def _class_ids(y):
    """Class index per row, for stratification: from labels (n,) / (n, 1) or one-hot rows (n, k)."""
    if y.ndim == 1 or y.shape[1] == 1:
        labels = y.reshape(-1)
        if not _is_whole(labels):
            raise ValueError("expected y as whole-number class labels to stratify; got non-integer values")
        return np.unique(labels, return_inverse=True)[1].reshape(-1)
    if not (np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1)):
        raise ValueError(f"expected y as one-hot rows (one 1 per row) to stratify a 2-D y; got shape {y.shape} with other values")
    return np.argmax(y, axis=1)


def train_val_test_split(x, y, fractions=(0.6, 0.2, 0.2), shuffle=True, seed=None, stratify=False):
    """Split the rows of (x, y) into training, validation and test sets.

    Returns ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``.  Every
    row lands in exactly one set.  With n rows, set i gets ⌊f_i n⌋ or
    ⌈f_i n⌉ of them (exactly f_i n when that is whole: the default 60/20/20
    of 250 points is 150/50/50); unstratified, the rows left over by the
    floors go to the sets with the largest fractional parts f_i n - ⌊f_i n⌋.

    ``fractions``: three numbers ≥ 0 summing to 1 (a zero gives an empty set).
    ``shuffle``: draw the rows at random (``seed`` as in the module docstring);
    without it the sets are consecutive blocks in the original order.
    ``stratify``: keep each class's share in every set: class k with n_k rows
    puts ⌊f_i n_k⌋ or ⌈f_i n_k⌉ of them into set i (while the set sizes stay
    within one row of f_i n).  Classes are read from ``y``: labels of shape
    (n,) or (n, 1), or one-hot rows of shape (n, k).
    """
    x = _as_data("x", x, ndims=range(1, 33))
    y = _as_data("y", y)
    _same_rows(x, y)
    exact = _exact_fractions(fractions)
    shuffle, stratify = flag("shuffle", shuffle), flag("stratify", stratify)
    rng = make_rng("seed", seed) if shuffle else None
    if stratify:
        classes = _class_ids(y)
        groups = [np.flatnonzero(classes == k) for k in range(int(classes.max()) + 1)]
        counts = _split_counts([g.size for g in groups], exact)
    else:
        groups = [np.arange(x.shape[0])]
        counts = _largest_remainder(x.shape[0], exact)

    parts = [[], [], []]
    for group, row in zip(groups, counts):
        if shuffle:
            group = rng.permutation(group)
        for part, piece in zip(parts, np.split(group, np.cumsum(row)[:-1])):
            part.append(piece)
    sets = []
    for part in parts:
        index = np.concatenate(part)
        # shuffle again so that a stratified set does not list its classes in blocks
        index = rng.permutation(index) if shuffle else np.sort(index)
        sets.append((x[index], y[index]))
    return tuple(sets)


# ---------------------------------------------------------------- standardisation


class Standardizer:
    """x' = (x - mean) / std, column by column, with the mean and std of the training data.

    ``fit`` measures the mean and the (population, ``ddof=0``) standard
    deviation of each column with numpy, as the course asks; ``transform``
    applies them to any data, ``inverse_transform`` undoes it:
    x = x' · std + mean.  Fit on the training set only, then transform the
    validation and test sets with the same numbers.

    A constant column (std = 0, or a std that is only round-off: std ≤ 64 ε
    |mean| with ε the float64 machine epsilon) is centred but not scaled: its
    std is treated as 1, so it becomes all zeros instead of NaN.

    Data that arrive in chunks (a file too long to hold) are measured with
    :meth:`partial_fit`, chunk after chunk; ``n_seen`` counts its rows.

    Data are 2-D (rows, columns); reshape one column with ``x.reshape(-1, 1)``.
    Statistics are float64; a float32 input is returned as float32, integers
    as float64.
    """

    ROUND_OFF = 64 * np.finfo(np.float64).eps

    def __init__(self):
        self.mean = None
        self.std = None
        self._reset_running()

    def _reset_running(self):
        # partial_fit's running state: rows seen and Σ (x − mean)² per column.
        self.n_seen = 0
        self._m2 = None

    def __repr__(self):
        if self.mean is None:
            return "Standardizer(not fitted)"
        return f"Standardizer(mean={self.mean.tolist()}, std={self.std.tolist()})"

    @property
    def fitted(self):
        return self.mean is not None

    @property
    def scale(self):
        """The divisor per column: the std, or 1 for a constant column."""
        self._check_fitted()
        return np.where(self.std <= self.ROUND_OFF * np.abs(self.mean), 1.0, self.std)

    def _check_fitted(self):
        if self.mean is None:
            raise ValueError("this Standardizer is not fitted yet; call fit(x_train) first")

    def _checked(self, x):
        x = _as_data("x", x, ndims=(2,))
        if x.shape[1] != self.mean.size:
            raise ValueError(f"expected x with {self.mean.size} columns, as fitted; got shape {x.shape}")
        return x

    @staticmethod
    def _result(values, x):
        return values.astype(x.dtype) if x.dtype.kind == "f" else values

    def fit(self, x):
        """Measure mean and std of every column of ``x`` (shape (n, d)); returns self."""
        x = _as_data("x", x, ndims=(2,), finite=True)
        if x.shape[1] == 0:
            raise ValueError(f"expected x with at least one column; got shape {x.shape}")
        self.mean = x.mean(axis=0, dtype=np.float64)
        self.std = x.std(axis=0, dtype=np.float64)
        self._reset_running()
        return self

    def partial_fit(self, x):
        """Add the rows of ``x`` (n, d) to the statistics, for data that arrive in chunks; returns self.

        After chunks x_1 ... x_k, mean and std are those of all their rows
        together, as ``fit`` of the stacked rows would give them, to rounding
        (about 1e-15 relative), while memory holds one chunk.  Each chunk's
        mean m_b and sum of squared deviations M_b = Σ (x − m_b)² are merged
        into the running ones (n_a rows, m_a, M_a) by Chan, Golub and
        LeVeque's pairwise update, which generalises Welford's row-by-row one:

            δ = m_b − m_a,   n = n_a + n_b,
            m = m_a + δ · n_b / n,
            M = M_a + M_b + δ² · n_a n_b / n,   std = √(M / n).

        Never the textbook Σx² / n − m², which cancels catastrophically when
        the mean is large next to the spread.  ``fit`` starts afresh; so does
        the first ``partial_fit`` after it.
        """
        x = _as_data("x", x, ndims=(2,), finite=True)
        if x.shape[1] == 0:
            raise ValueError(f"expected x with at least one column; got shape {x.shape}")
        if self.n_seen and x.shape[1] != self.mean.size:
            raise ValueError(f"expected x with {self.mean.size} columns, as the earlier chunks; got shape {x.shape}")
        n_b = x.shape[0]
        mean_b = x.mean(axis=0, dtype=np.float64)
        m2_b = np.square(x - mean_b, dtype=np.float64).sum(axis=0)
        if not self.n_seen:
            mean, m2, n = mean_b, m2_b, n_b
        else:
            n_a = self.n_seen
            n = n_a + n_b
            delta = mean_b - self.mean
            mean = self.mean + delta * (n_b / n)
            m2 = self._m2 + m2_b + np.square(delta) * (n_a * n_b / n)
        self.n_seen, self.mean, self._m2 = n, mean, m2
        self.std = np.sqrt(m2 / n)
        return self

    def transform(self, x):
        """(x - mean) / std per column."""
        self._check_fitted()
        x = self._checked(x)
        return self._result((x - self.mean) / self.scale, x)

    def inverse_transform(self, x):
        """x · std + mean per column: undoes :meth:`transform`."""
        self._check_fitted()
        x = self._checked(x)
        return self._result(x * self.scale + self.mean, x)

    def fit_transform(self, x):
        """``fit(x)`` then ``transform(x)``."""
        return self.fit(x).transform(x)

    def to_dict(self):
        """``{"mean": [...], "std": [...]}`` as plain Python floats (JSON-ready, exact)."""
        self._check_fitted()
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, state):
        """A fitted Standardizer from the output of :meth:`to_dict`."""
        if not isinstance(state, dict):
            raise TypeError(f"expected a dict with keys 'mean' and 'std'; got {type(state).__name__}")
        if set(state) != {"mean", "std"}:
            raise ValueError(f"expected a dict with keys 'mean' and 'std'; got keys {sorted(state)}")
        mean = _as_data("mean", state["mean"], ndims=(1,), finite=True).astype(np.float64)
        std = _as_data("std", state["std"], ndims=(1,), finite=True).astype(np.float64)
        if mean.shape != std.shape:
            raise ValueError(f"expected mean and std of one length; got shapes {mean.shape} and {std.shape}")
        if np.any(std < 0):
            raise ValueError(f"expected std ≥ 0 in every column; got {std.tolist()}")
        standardizer = cls()
        standardizer.mean, standardizer.std = mean, std
        return standardizer


# ---------------------------------------------------------------- labels


def one_hot(labels, num_classes=None):
    """Class indices (n,) or (n, 1) as one-hot rows: Y[i, labels[i]] = 1, float64 of shape (n, num_classes).

    ``num_classes`` defaults to max(labels) + 1; given, it must exceed every label.
    """
    array = np.asarray(labels) if not isinstance(labels, (str, bytes)) else None
    if array is None or array.dtype.kind not in "biuf":
        raise TypeError(f"expected labels as whole numbers; got {labels!r:.60}")
    if array.ndim == 2 and array.shape[1] == 1:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise ValueError(f"expected labels of shape (n,) or (n, 1); got shape {array.shape}")
    if num_classes is not None:
        num_classes = positive_int("num_classes", num_classes)
    if array.size == 0:
        if num_classes is None:
            raise ValueError("expected num_classes for empty labels; got None")
        return np.zeros((0, num_classes))
    if not _is_whole(array):
        raise ValueError("expected labels as whole numbers; got NaN, infinite or fractional values")
    labels_ = array.astype(np.int64)
    if labels_.min() < 0:
        raise ValueError(f"expected labels ≥ 0; got {int(labels_.min())}")
    if num_classes is None:
        num_classes = int(labels_.max()) + 1
    elif labels_.max() >= num_classes:
        raise ValueError(f"expected labels below num_classes={num_classes}; got label {int(labels_.max())}")
    result = np.zeros((labels_.size, num_classes))
    result[np.arange(labels_.size), labels_] = 1.0
    return result


def from_one_hot(y):
    """Class index per row: argmax over the columns of one-hot rows or class scores (n, k) -> int64 (n,).

    A tie picks the first tied column.  A single sigmoid column (n, 1) is not
    one-hot: threshold it instead, ``(y > 0.5).astype(int)``.
    """
    y = _as_data("y", y, ndims=(2,))
    if y.shape[1] == 0:
        raise ValueError(f"expected one column per class; got shape {y.shape}")
    return np.argmax(y, axis=1).astype(np.int64)


# ---------------------------------------------------------------- mini-batches


def batches(x, y, batch_size, shuffle=True, seed=None):
    """Iterate over one epoch in mini-batches: yields ``(x_batch, y_batch)`` of ``batch_size`` rows.

    The last batch holds the n mod batch_size rows left over (when that is
    not 0); a ``batch_size`` ≥ n gives one batch.  ``shuffle`` draws a new
    order with ``seed``; otherwise the rows keep their order.  Arguments are
    checked at the call, before the first batch is asked for.
    """
    x = _as_data("x", x, ndims=range(1, 33))
    y = _as_data("y", y, ndims=range(1, 33))
    _same_rows(x, y)
    batch_size = positive_int("batch_size", batch_size)
    order = make_rng("seed", seed).permutation(x.shape[0]) if flag("shuffle", shuffle) else None
    return _iterate(x, y, order, batch_size)


def _iterate(x, y, order, batch_size):
    for start in range(0, x.shape[0], batch_size):
        if order is None:
            yield x[start:start + batch_size], y[start:start + batch_size]
        else:
            rows = order[start:start + batch_size]
            yield x[rows], y[rows]


# ---------------------------------------------------------------- the course's data sets


def linear_boundary(n, seed=None):
    """The course's first perceptron exercise: n points uniform in [0, 100]², class 1 when x + y ≥ 100.

    Returns x of shape (n, 2) and y of shape (n, 1), float64; the classes are
    balanced on average (the boundary is a diagonal of the square).
    """
    n = positive_int("n", n)
    x = make_rng("seed", seed).uniform(0.0, 100.0, size=(n, 2))
    y = (x[:, 0] + x[:, 1] >= 100.0).astype(np.float64).reshape(n, 1)
    return x, y


def circle(n, radius=math.sqrt(2.0 / math.pi), seed=None):
    """A boundary no straight line can draw: n points uniform in [-1, 1]², class 1 when x² + y² < r².

    The disc covers π r² / 4 of the square, so the default r = √(2/π) ≈ 0.798
    makes the two classes equally likely.  ``radius=1`` is the course's
    x² + y² < 1 (about 79 % of the points inside).
    Returns x (n, 2) and y (n, 1), float64.
    """
    n = positive_int("n", n)
    radius = real_number("radius", radius, minimum=0.0)
    if radius == 0.0:
        raise ValueError("expected radius > 0; got 0.0")
    x = make_rng("seed", seed).uniform(-1.0, 1.0, size=(n, 2))
    y = (x[:, 0] ** 2 + x[:, 1] ** 2 < radius**2).astype(np.float64).reshape(n, 1)
    return x, y


def xor(n, noise=0.1, seed=None):
    """The XOR truth table as clouds: corners (0,0), (1,1) -> 0 and (0,1), (1,0) -> 1, plus noise.

    The corners take turns (n // 4 points each, the remainder to the first
    ones), so the classes are balanced; each point is moved by Gaussian noise
    with standard deviation ``noise`` (0 gives the bare truth table).  Rows come
    in random order.  Returns x (n, 2) and y (n, 1), float64.
    """
    n = positive_int("n", n)
    noise = real_number("noise", noise, minimum=0.0)
    rng = make_rng("seed", seed)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    which = rng.permutation(np.arange(n) % 4)
    x = corners[which] + rng.normal(0.0, noise, size=(n, 2))
    y = (corners[which, 0] != corners[which, 1]).astype(np.float64).reshape(n, 1)
    return x, y


_SPIRAL_LABELS = ("column", "integer", "one_hot")


def spiral(n, classes=2, noise=0.1, turns=1.0, labels="column", seed=None):
    """Interleaved spiral arms, one per class: a boundary only a hidden layer can bend around.

    A point of class k at t ∈ [0, 1] (uniform) sits at radius t and angle
    2π (k / classes + turns · t), moved by Gaussian noise with standard
    deviation ``noise``.  The classes take turns, so their sizes differ by at
    most one; rows come in random order.  x has shape (n, 2).

    ``labels`` chooses the form of y:

    * ``"column"`` (default): class index as float64 of shape (n, 1), like the
      other data sets (with two classes, the 0/1 target of a sigmoid output);
    * ``"integer"``: class index as int64 of shape (n,), for
      sparse_categorical_crossentropy;
    * ``"one_hot"``: float64 of shape (n, classes), for a softmax output and
      categorical_crossentropy.
    """
    n = positive_int("n", n)
    classes = whole_number("classes", classes, minimum=2)
    noise = real_number("noise", noise, minimum=0.0)
    turns = real_number("turns", turns, minimum=0.0)
    if labels not in _SPIRAL_LABELS:
        raise ValueError(f"expected labels in {_SPIRAL_LABELS}; got {labels!r}")
    rng = make_rng("seed", seed)
    k = rng.permutation(np.arange(n) % classes)
    t = rng.uniform(0.0, 1.0, size=n)
    angle = 2.0 * np.pi * (k / classes + turns * t)
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1) + rng.normal(0.0, noise, size=(n, 2))
    if labels == "integer":
        return x, k.astype(np.int64)
    if labels == "one_hot":
        return x, one_hot(k, num_classes=classes)
    return x, k.astype(np.float64).reshape(n, 1)


class PyDataset:
    """A data set of batches, read by index (Keras' ``PyDataset``, formerly ``Sequence``).

    Subclass it with ``__len__`` (the number of batches) and ``__getitem__(i)``
    returning batch ``i`` as ``(x, y)`` or ``(x, y, sample_weight)``; ``fit``
    visits the batches in a new random order every epoch when ``shuffle=True``
    and calls :meth:`on_epoch_end` after each epoch.
    """

    def __init__(self, **kwargs):
        pass

    def __len__(self):
        raise NotImplementedError("a PyDataset defines __len__: the number of batches")

    def __getitem__(self, index):
        raise NotImplementedError("a PyDataset defines __getitem__(index): batch index as (x, y)")

    def on_epoch_end(self):
        """Called after every epoch (to reshuffle or reload, for example)."""


Sequence = PyDataset
