"""Weight initializers, by their Keras names, drawing from one seedable generator.

For a weight of shape (fan_in, fan_out):

* glorot_uniform  U(-l, l),  l = √(6 / (fan_in + fan_out))   (Keras' default)
* glorot_normal   N(0, σ²),  σ = √(2 / (fan_in + fan_out))
* he_uniform      U(-l, l),  l = √(6 / fan_in)                (for relu layers)
* he_normal       N(0, σ²),  σ = √(2 / fan_in)
* lecun_uniform   U(-l, l),  l = √(3 / fan_in)
* lecun_normal    N(0, σ²),  σ = √(1 / fan_in)
* random_uniform  U(-0.05, 0.05);  random_normal  N(0, 0.05²)
* zeros, ones

(Keras truncates its normal initializers; these are plain normals.)

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

__all__ = ["set_seed", "get", "generator", "using_generator"]

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


def _fans(shape):
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[0], shape[1]


def glorot_uniform(shape, dtype=np.float64):
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return generator().uniform(-limit, limit, size=shape).astype(dtype)


def glorot_normal(shape, dtype=np.float64):
    fan_in, fan_out = _fans(shape)
    return (generator().standard_normal(shape) * np.sqrt(2.0 / (fan_in + fan_out))).astype(dtype)


def he_uniform(shape, dtype=np.float64):
    limit = np.sqrt(6.0 / _fans(shape)[0])
    return generator().uniform(-limit, limit, size=shape).astype(dtype)


def he_normal(shape, dtype=np.float64):
    return (generator().standard_normal(shape) * np.sqrt(2.0 / _fans(shape)[0])).astype(dtype)


def lecun_uniform(shape, dtype=np.float64):
    limit = np.sqrt(3.0 / _fans(shape)[0])
    return generator().uniform(-limit, limit, size=shape).astype(dtype)


def lecun_normal(shape, dtype=np.float64):
    return (generator().standard_normal(shape) * np.sqrt(1.0 / _fans(shape)[0])).astype(dtype)


def random_uniform(shape, dtype=np.float64):
    return generator().uniform(-0.05, 0.05, size=shape).astype(dtype)


def random_normal(shape, dtype=np.float64):
    return (generator().standard_normal(shape) * 0.05).astype(dtype)


def zeros(shape, dtype=np.float64):
    return np.zeros(shape, dtype=dtype)


def ones(shape, dtype=np.float64):
    return np.ones(shape, dtype=dtype)


_BY_NAME = {
    fn.__name__: fn
    for fn in (glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal,
               random_uniform, random_normal, zeros, ones)
}


def get(identifier):
    """An initializer ``init(shape, dtype)`` by name, or a callable itself."""
    return lookup(_BY_NAME, identifier, "initializer")


def name_of(fn):
    """The registered name of an initializer (for saving)."""
    return name_in(_BY_NAME, fn)
