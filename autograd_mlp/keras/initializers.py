"""``tensorflow.keras.initializers``: the initializer classes and functions of :mod:`autograd_mlp.nn.init`.

A layer also takes their names as strings (``kernel_initializer="he_normal"``,
Keras 2's ``"normal"`` and ``"uniform"``); ``get`` turns a name, a saved
config or an object into the initializer.
"""

from ..nn.init import (
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Identity,
    Initializer,
    LecunNormal,
    LecunUniform,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
    constant,
    get,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    identity,
    lecun_normal,
    lecun_uniform,
    ones,
    orthogonal,
    random_normal,
    random_uniform,
    serialize,
    truncated_normal,
    variance_scaling,
    zeros,
)

__all__ = [
    "Initializer", "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
    "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "RandomNormal", "RandomUniform",
    "TruncatedNormal", "VarianceScaling", "Zeros", "constant", "glorot_normal", "glorot_uniform",
    "he_normal", "he_uniform", "identity", "lecun_normal", "lecun_uniform", "ones", "orthogonal",
    "random_normal", "random_uniform", "truncated_normal", "variance_scaling", "zeros", "get", "serialize",
]
