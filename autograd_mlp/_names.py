"""Finding functions by their Keras names: activations, losses, initializers, metrics.

One rule everywhere: a callable is used as given; a string is looked up in
the module's table, ignoring letter case; an unknown name raises a
ValueError listing the valid ones; anything else is a TypeError.
"""

from __future__ import annotations

__all__ = ["lookup", "name_in"]


def lookup(table, identifier, kind):
    """``table[identifier]`` for a name (any letter case), or ``identifier`` itself if it is callable."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        try:
            return table[identifier.lower()]
        except KeyError:
            raise ValueError(f"unknown {kind} {identifier!r}; expected one of {sorted(table)}") from None
    raise TypeError(f"{kind} must be a name or a function, got {type(identifier).__name__} {identifier!r}")


def name_in(table, fn, shortest=1):
    """The first name in ``table`` (at least ``shortest`` letters long) under which ``fn`` is registered.

    Falls back to the function's own ``__name__`` for functions that are not registered.
    """
    for name, candidate in table.items():
        if candidate is fn and len(name) >= shortest:
            return name
    return getattr(fn, "__name__", repr(fn))
