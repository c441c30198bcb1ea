"""Weight penalties (Keras's ``regularizers``): L1, L2 and both.

A regularizer is called on a weight and returns its penalty as a scalar
:class:`~autograd_mlp.engine.Value`, so adding it to the training loss sends
its gradient into the weight:

* ``L1(l1=0.01)``          penalty = l1 · Σ|w|            gradient l1 · sign(w)  (0 at w = 0)
* ``L2(l2=0.01)``          penalty = l2 · Σ w²            gradient 2 · l2 · w
* ``L1L2(l1=0.0, l2=0.0)`` penalty = l1 · Σ|w| + l2 · Σ w²

(Keras's L2 has no ½: ``l2(0.01)`` adds 0.01·Σw², whose gradient is 0.02·w.)
The lower-case names ``l1``, ``l2``, ``l1_l2`` are the classes, as in Keras 3.
By name, ``get`` accepts Keras 3's names (``"l1"``, ``"l2"``, ``"l1l2"`` and the
class names, with Keras's defaults) and tf.keras 2's ``"l1_l2"``, which
meant ``l1_l2(l1=0.01, l2=0.01)`` there.  ``get_config`` / ``from_config`` and
``serialize`` / ``deserialize`` (``{"class_name": "L2", "config": {"l2": 0.01}}``)
save and rebuild them.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .engine import Value

__all__ = ["Regularizer", "L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get", "serialize", "deserialize"]


def _factor(value, name, default):
    value = default if value is None else value
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _as_value(weight):
    if isinstance(weight, Value):
        return weight
    try:
        data = np.asarray(weight, dtype=float) if not isinstance(weight, np.ndarray) else weight
    except (TypeError, ValueError):
        raise TypeError(f"a regularizer takes a weight (a Value or an array), got {type(weight).__name__}") from None
    if data.dtype.kind != "f":
        data = data.astype(np.float64)
    return Value(data, requires_grad=False)


class Regularizer:
    """Base class: ``reg(weight) -> Value`` penalty, plus ``get_config`` / ``from_config``."""

    def __call__(self, weight):
        return Value(0.0, requires_grad=False)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        if not isinstance(config, dict):
            raise TypeError(f"{cls.__name__}.from_config takes a dict, got {type(config).__name__}")
        return cls(**config)

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    def __hash__(self):
        return hash((type(self).__name__, tuple(sorted(self.get_config().items()))))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1(Regularizer):
    """penalty = l1 · Σ|w| (Keras's default l1 = 0.01)."""

    def __init__(self, l1=0.01):
        self.l1 = _factor(l1, "l1", 0.01)

    def __call__(self, weight):
        w = _as_value(weight)
        return self.l1 * w.abs().sum()

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """penalty = l2 · Σ w² (Keras's default l2 = 0.01; no ½)."""

    def __init__(self, l2=0.01):
        self.l2 = _factor(l2, "l2", 0.01)

    def __call__(self, weight):
        w = _as_value(weight)
        return self.l2 * (w * w).sum()

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """penalty = l1 · Σ|w| + l2 · Σ w² (Keras 3's defaults l1 = l2 = 0; a zero term is left out)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor(l1, "l1", 0.0)
        self.l2 = _factor(l2, "l2", 0.0)

    def __call__(self, weight):
        w = _as_value(weight)
        penalty = None
        if self.l1 != 0.0:
            penalty = self.l1 * w.abs().sum()
        if self.l2 != 0.0:
            term = self.l2 * (w * w).sum()
            penalty = term if penalty is None else penalty + term
        if penalty is None:
            return (w * 0.0).sum()  # zero, still connected to the weight
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


# Keras 3's lower-case names are the classes themselves.
l1 = L1
l2 = L2
l1_l2 = L1L2

_CLASSES = {cls.__name__: cls for cls in (L1, L2, L1L2)}
_NAMES = {
    "l1": L1, "l2": L2, "l1l2": L1L2, "L1": L1, "L2": L2, "L1L2": L1L2,
    # tf.keras 2's name for its function l1_l2(l1=0.01, l2=0.01)
    "l1_l2": lambda: L1L2(l1=0.01, l2=0.01),
}


def serialize(regularizer):
    """``{"class_name": ..., "config": ...}`` for a regularizer of this module (None stays None)."""
    if regularizer is None:
        return None
    if type(regularizer) not in _CLASSES.values():
        raise TypeError(f"can only serialize {sorted(_CLASSES)} regularizers, got {type(regularizer).__name__}")
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}


def deserialize(config):
    """Rebuild a regularizer from :func:`serialize`'s dict."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"a serialized regularizer is a dict with 'class_name' and 'config', got {config!r}")
    cls = _CLASSES.get(config["class_name"])
    if cls is None:
        raise ValueError(f"unknown regularizer class {config['class_name']!r}; expected one of {sorted(_CLASSES)}")
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier):
    """A regularizer from a name (``"l2"`` ...), a serialized dict, a regularizer or callable, or None."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        make = _NAMES.get(identifier)
        if make is None:
            raise ValueError(f"unknown regularizer {identifier!r}; expected one of {sorted(_NAMES)}")
        return make()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Regularizer):
        return identifier()
    if callable(identifier):
        return identifier
    raise TypeError(f"regularizer must be a name, a dict, a Regularizer or a callable, got {type(identifier).__name__}")
