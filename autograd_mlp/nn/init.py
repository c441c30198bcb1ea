"""Weight initializers, by their Keras names, drawing from one seedable generator.

For a weight of shape (fan_in, fan_out) (a bias (n,) has fan_in = fan_out = n):

* glorot_uniform  U(-l, l),  l = √(6 / (fan_in + fan_out))   (Keras' default)
* glorot_normal   TN(0, σ²), σ = √(2 / (fan_in + fan_out))
* he_uniform      U(-l, l),  l = √(6 / fan_in)                (for relu layers)
* he_normal       TN(0, σ²), σ = √(2 / fan_in)
* lecun_uniform   U(-l, l),  l = √(3 / fan_in)
* lecun_normal    TN(0, σ²), σ = √(1 / fan_in)
* random_uniform  U(-0.05, 0.05)   (Keras 2's ``"uniform"``)
* random_normal   N(0, 0.05²)      (Keras 2's ``"normal"``; not truncated, as in Keras)
* truncated_normal TN(0, 0.05²)
* variance_scaling TN(0, 1 / fan_in)  (the defaults of :class:`VarianceScaling`)
* orthogonal      an orthogonal matrix (QR of a normal draw, signs fixed by R's diagonal)
* identity        the identity matrix;  constant  0;  zeros, ones

TN is Keras' truncated normal: a normal draw of standard deviation
σ / 0.87962566103423978 where every value beyond two of those standard
deviations is drawn again, so that the values left have standard deviation σ
(0.8796... is the standard deviation of a standard normal cut at ±2).  Names
are read in any letter case, with or without underscores (``"GlorotUniform"``
is ``"glorot_uniform"``), and Keras' aliases ``normal``, ``uniform``, ``zero``,
``one`` are accepted.  The classes (:class:`RandomNormal`, :class:`VarianceScaling`
...) take Keras' arguments (``stddev``, ``minval``, ``seed`` ...) and save and
load with ``get_config`` / :func:`get` of ``{"class_name": ..., "config": ...}``.

Random numbers and threads
--------------------------
The initializers, ``Dropout`` layers without a seed and ``fit``'s shuffling
without a seed draw from one generator for the whole process, as NumPy's and
PyTorch's default generators are: :func:`set_seed` in the main thread makes a
script reproducible, whichever thread later builds or trains its models.
Drawing from several threads at once is safe (numpy's generator serialises
its draws), but which numbers each thread gets then depends on the
scheduling.  Work that must be reproducible while other threads draw too
gets a generator of its own for the current thread only::

    with init.using_generator(np.random.default_rng(7)):
        model = Sequential([Dense(8, input_dim=2), Dense(1)])   # drawn from the seed 7
        model.fit(x, y)                                         # shuffled from it too
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np

from .._names import lookup, name_in

__all__ = [
    "set_seed", "get", "generator", "using_generator", "name_of", "serialize", "Initializer", "CLASSES",
    "RandomNormal", "TruncatedNormal", "RandomUniform", "VarianceScaling", "GlorotUniform", "GlorotNormal",
    "HeUniform", "HeNormal", "LecunUniform", "LecunNormal", "Constant", "Zeros", "Ones", "Identity",
    "Orthogonal",
]

_rng = np.random.default_rng()
# A thread inside using_generator() draws from its own generator instead.
_local = threading.local()


def set_seed(seed):
    """Seed the generator every initializer and Dropout layer draws from (reproducible runs), for every thread."""
    global _rng
    _rng = np.random.default_rng(seed)


def generator():
    """The library's random generator: the process's one (seeded by :func:`set_seed`), or this thread's own."""
    own = getattr(_local, "rng", None)
    return _rng if own is None else own


@contextlib.contextmanager
def using_generator(rng):
    """Within the block, this thread's draws (initializers, Dropout, fit's shuffling) come from ``rng``.

    Other threads keep drawing from the process's generator; blocks nest.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"using_generator expects a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    previous = getattr(_local, "rng", None)
    _local.rng = rng
    try:
        yield rng
    finally:
        _local.rng = previous


#: The standard deviation of a standard normal truncated to [-2, 2] (Keras' constant).
TRUNCATION_STD = 0.87962566103423978


def _fans(shape):
    """(fan_in, fan_out) as Keras computes them: a (n,) bias has both n; a matrix (in, out)."""
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


def _truncated_standard_normal(rng, shape):
    """Standard normal draws, each beyond ±2 drawn again until none is (Keras' truncated normal)."""
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return values


def _source(seed):
    return generator() if seed is None else np.random.default_rng(seed)


def _check_seed(seed, who):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"{who} seed must be None or an integer >= 0, got {seed!r}")
    return None if seed is None else int(seed)


def _real(value, who, what, positive=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or (positive and value <= 0):
        raise ValueError(f"{who} {what} must be a {'positive ' if positive else ''}finite number, got {value!r}")
    return float(value)


# ------------------------------------------------------------ the classes
class Initializer:
    """An initializer object: ``init(shape, dtype)`` returns the initial array; ``get_config()`` its arguments."""

    def __call__(self, shape, dtype=np.float64):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class RandomNormal(Initializer):
    """N(mean, stddev²), not truncated (Keras' ``RandomNormal``; ``"normal"``, ``"random_normal"``)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = _real(mean, "RandomNormal", "mean")
        self.stddev = _real(stddev, "RandomNormal", "stddev", positive=True)
        self.seed = _check_seed(seed, "RandomNormal")

    def __call__(self, shape, dtype=np.float64):
        return (self.mean + self.stddev * _source(self.seed).standard_normal(shape)).astype(dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """N(mean, stddev²) with every draw beyond mean ± 2·stddev drawn again (Keras' ``TruncatedNormal``)."""

    def __call__(self, shape, dtype=np.float64):
        return (self.mean + self.stddev * _truncated_standard_normal(_source(self.seed), shape)).astype(dtype)


class RandomUniform(Initializer):
    """U(minval, maxval) (Keras' ``RandomUniform``; ``"uniform"``, ``"random_uniform"``)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = _real(minval, "RandomUniform", "minval")
        self.maxval = _real(maxval, "RandomUniform", "maxval")
        if not self.minval < self.maxval:
            raise ValueError(f"RandomUniform needs minval < maxval, got {minval!r} and {maxval!r}")
        self.seed = _check_seed(seed, "RandomUniform")

    def __call__(self, shape, dtype=np.float64):
        return _source(self.seed).uniform(self.minval, self.maxval, size=shape).astype(dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class VarianceScaling(Initializer):
    """Draws of variance ``scale / n``, n the fan_in, fan_out or their mean (Keras' ``VarianceScaling``).

    * ``truncated_normal``: TN with σ = √(scale / n) after truncation (drawn at σ / 0.8796...);
    * ``untruncated_normal``: N(0, scale / n);
    * ``uniform``: U(-l, l), l = √(3 · scale / n).
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        self.scale = _real(scale, type(self).__name__, "scale", positive=True)
        if mode not in _MODES:
            raise ValueError(f"{type(self).__name__} mode must be one of {list(_MODES)}, got {mode!r}")
        if distribution == "normal":  # Keras' older name
            distribution = "truncated_normal"
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(f"{type(self).__name__} distribution must be one of {list(_DISTRIBUTIONS)}, got {distribution!r}")
        self.mode = mode
        self.distribution = distribution
        self.seed = _check_seed(seed, type(self).__name__)

    def __call__(self, shape, dtype=np.float64):
        fan_in, fan_out = _fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = _source(self.seed)
        if self.distribution == "truncated_normal":
            std = np.sqrt(variance) / TRUNCATION_STD
            return (std * _truncated_standard_normal(rng, shape)).astype(dtype)
        if self.distribution == "untruncated_normal":
            return (np.sqrt(variance) * rng.standard_normal(shape)).astype(dtype)
        limit = np.sqrt(3.0 * self.scale / max(1.0, n))  # one rounding, as √(6 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape).astype(dtype)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


def _variance_scaling_class(name, mode, distribution, scale, doc):
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale=scale, mode=mode, distribution=distribution, seed=seed)

    def get_config(self):
        return {"seed": self.seed}

    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__doc__": doc,
                                            "__module__": __name__})


GlorotUniform = _variance_scaling_class("GlorotUniform", "fan_avg", "uniform", 1.0, "U(-l, l), l = √(6 / (fan_in + fan_out)).")
GlorotNormal = _variance_scaling_class("GlorotNormal", "fan_avg", "truncated_normal", 1.0, "TN, σ = √(2 / (fan_in + fan_out)).")
HeUniform = _variance_scaling_class("HeUniform", "fan_in", "uniform", 2.0, "U(-l, l), l = √(6 / fan_in).")
HeNormal = _variance_scaling_class("HeNormal", "fan_in", "truncated_normal", 2.0, "TN, σ = √(2 / fan_in).")
LecunUniform = _variance_scaling_class("LecunUniform", "fan_in", "uniform", 1.0, "U(-l, l), l = √(3 / fan_in).")
LecunNormal = _variance_scaling_class("LecunNormal", "fan_in", "truncated_normal", 1.0, "TN, σ = √(1 / fan_in).")


class Constant(Initializer):
    """Every entry ``value`` (Keras' ``Constant``)."""

    def __init__(self, value=0.0):
        self.value = _real(value, "Constant", "value")

    def __call__(self, shape, dtype=np.float64):
        return np.full(shape, self.value, dtype=dtype)

    def get_config(self):
        return {"value": self.value}


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=np.float64):
        return np.zeros(shape, dtype=dtype)


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=np.float64):
        return np.ones(shape, dtype=dtype)


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D weights only; Keras' ``Identity``)."""

    def __init__(self, gain=1.0):
        self.gain = _real(gain, "Identity", "gain")

    def __call__(self, shape, dtype=np.float64):
        if len(shape) != 2:
            raise ValueError(f"the identity initializer needs a 2-D weight, got shape {tuple(shape)}")
        return (self.gain * np.eye(*shape)).astype(dtype)

    def get_config(self):
        return {"gain": self.gain}


class Orthogonal(Initializer):
    """``gain`` times an orthogonal matrix: Q of the QR factorisation of a normal draw, Q·sign(diag R) (Keras' ``Orthogonal``).

    The weight is read as a matrix (∏ shape[:-1], shape[-1]); with fewer rows than
    columns the draw is made transposed and Q transposed back.
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = _real(gain, "Orthogonal", "gain")
        self.seed = _check_seed(seed, "Orthogonal")

    def __call__(self, shape, dtype=np.float64):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(f"the orthogonal initializer needs a weight of at least 2 dimensions, got shape {shape}")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        a = _source(self.seed).standard_normal(flat)
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


#: The classes ``get`` rebuilds from ``{"class_name": ..., "config": ...}`` (as a saved model holds them).
CLASSES = {cls.__name__: cls for cls in (
    RandomNormal, TruncatedNormal, RandomUniform, VarianceScaling, GlorotUniform, GlorotNormal,
    HeUniform, HeNormal, LecunUniform, LecunNormal, Constant, Zeros, Ones, Identity, Orthogonal)}


# --------------------------------------------------------- the functions
def glorot_uniform(shape, dtype=np.float64):
    return GlorotUniform()(shape, dtype)


def glorot_normal(shape, dtype=np.float64):
    return GlorotNormal()(shape, dtype)


def he_uniform(shape, dtype=np.float64):
    return HeUniform()(shape, dtype)


def he_normal(shape, dtype=np.float64):
    return HeNormal()(shape, dtype)


def lecun_uniform(shape, dtype=np.float64):
    return LecunUniform()(shape, dtype)


def lecun_normal(shape, dtype=np.float64):
    return LecunNormal()(shape, dtype)


def random_uniform(shape, dtype=np.float64):
    return RandomUniform()(shape, dtype)


def random_normal(shape, dtype=np.float64):
    return RandomNormal()(shape, dtype)


def truncated_normal(shape, dtype=np.float64):
    return TruncatedNormal()(shape, dtype)


def variance_scaling(shape, dtype=np.float64):
    return VarianceScaling()(shape, dtype)


def orthogonal(shape, dtype=np.float64):
    return Orthogonal()(shape, dtype)


def identity(shape, dtype=np.float64):
    return Identity()(shape, dtype)


def constant(shape, dtype=np.float64):
    return np.zeros(shape, dtype=dtype)


def zeros(shape, dtype=np.float64):
    return np.zeros(shape, dtype=dtype)


def ones(shape, dtype=np.float64):
    return np.ones(shape, dtype=dtype)


_FUNCTIONS = (glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal,
              random_uniform, random_normal, truncated_normal, variance_scaling, orthogonal, identity,
              constant, zeros, ones)
_BY_NAME = {fn.__name__: fn for fn in _FUNCTIONS}
# Keras' aliases (Keras 2's "normal" and "uniform" are RandomNormal / RandomUniform) ...
_BY_NAME.update({"normal": random_normal, "uniform": random_uniform, "zero": zeros, "one": ones})
# ... and its class names, as "GlorotUniform" (read in any case, so "glorotuniform").
_COMPACT = {fn.__name__.replace("_", ""): fn for fn in _FUNCTIONS}


def get(identifier):
    """An initializer ``init(shape, dtype)`` from a name, a saved config, or a callable (used as given).

    A dict ``{"class_name": "RandomNormal", "config": {...}}`` (what :func:`serialize`
    gives for an initializer object) rebuilds one of :data:`CLASSES`.
    """
    if isinstance(identifier, dict):
        return _from_dict(identifier)
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in _BY_NAME and key.replace("_", "") in _COMPACT:
            return _COMPACT[key.replace("_", "")]
    return lookup(_BY_NAME, identifier, "initializer")


def _from_dict(spec):
    kind = spec.get("class_name")
    cls = CLASSES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"unknown initializer class {kind!r}; expected one of {sorted(CLASSES)}")
    config = spec.get("config", {})
    if not isinstance(config, dict):
        raise TypeError(f"initializer config must be a dict, got {type(config).__name__}")
    try:
        return cls.from_config(config)
    except TypeError as exc:
        raise ValueError(f"invalid {kind} config {config!r}: {exc}") from None


def name_of(fn):
    """The registered name of an initializer (for saving)."""
    return name_in(_BY_NAME, fn)


def serialize(fn):
    """What a layer's config holds for an initializer: its name, or ``{"class_name", "config"}`` for an object.

    Raises ``ValueError`` for a function the library does not know, which could not be rebuilt.
    """
    if isinstance(fn, Initializer) and type(fn) in CLASSES.values():
        return {"class_name": type(fn).__name__, "config": fn.get_config()}
    name = name_of(fn)
    if _BY_NAME.get(name) is fn:
        return name
    raise ValueError(f"initializer {name!r} is not one of the library's named initializers or classes")
