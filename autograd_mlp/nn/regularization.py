"""How layers take their regularizers: by object, by name, or from a saved config.

The regularizers themselves (``l1``, ``l2``, ``l1_l2``; classes ``L1``, ``L2``,
``L1L2``) are :mod:`autograd_mlp.regularizers`'s.  A regularizer is called on
a weight or an output Value and returns a scalar Value, the penalty added to
the loss.  A layer's config holds one as ``{"class_name": "L2", "config": {"l2": 0.01}}``
(Keras' form), and only the classes of :data:`REGULARIZER_CLASSES` are
rebuilt from it.
"""

from __future__ import annotations

from .. import regularizers

__all__ = ["get_regularizer", "serialize_regularizer", "REGULARIZER_CLASSES"]

#: The regularizer classes a saved config may name.
REGULARIZER_CLASSES = ("L1", "L2", "L1L2")


def _module():
    return regularizers


def get_regularizer(identifier, what):
    """A regularizer from ``None``, a name (``"l2"``), a config dict, or a callable (used as given)."""
    if identifier is None:
        return None
    module = _module()
    if isinstance(identifier, dict):
        kind = identifier.get("class_name")
        if kind not in REGULARIZER_CLASSES or module is None or not hasattr(module, kind):
            raise ValueError(f"{what}: unknown regularizer class {kind!r}; expected one of {list(REGULARIZER_CLASSES)}")
        config = identifier.get("config", {})
        if not isinstance(config, dict):
            raise TypeError(f"{what}: a regularizer config must be a dict, got {type(config).__name__}")
        try:
            return getattr(module, kind).from_config(config)
        except TypeError as exc:
            raise ValueError(f"{what}: invalid {kind} config {config!r}: {exc}") from None
    if isinstance(identifier, str):
        return module.get(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"{what} must be a regularizer, its name (such as 'l2') or None, got {type(identifier).__name__}")


def serialize_regularizer(regularizer):
    """``{"class_name", "config"}`` for a library regularizer; ValueError for one that could not be rebuilt."""
    module = _module()
    kind = type(regularizer).__name__
    if module is not None and kind in REGULARIZER_CLASSES and type(regularizer) is getattr(module, kind, None):
        return {"class_name": kind, "config": regularizer.get_config()}
    raise ValueError(
        f"regularizer {regularizer!r} is not one of the library's {list(REGULARIZER_CLASSES)}, so it cannot be saved"
    )
