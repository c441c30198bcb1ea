"""Where a probability came from: the logits behind ``sigmoid`` and ``softmax`` outputs.

Cross-entropy computed from logits z is exact for any z (softplus(z) - y z,
logsumexp(z) - Σ y z); computed from a probability p that has rounded to 0
or 1 it is not.  :func:`logits_of` lets a loss find z from p.

A loss that does so makes z, not p, its input: p is not part of the loss's
graph, so a backward pass from the loss never reaches p and ``p.grad`` stays
None (a drawing of the loss shows z feeding the loss node, without p).  That
is deliberate: dL/dp = (p - y) / (p (1 - p)) is infinite where p rounds to
1, so it could not be propagated through p anyway.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

from ..engine import Value
from .elementwise import SIGMOID
from .reductions import SOFTMAX

__all__ = ["Logits", "logits_of"]


class Logits(NamedTuple):
    """The logits ``values`` that ``activation`` ("sigmoid" or "softmax", along ``axis``) turned into p."""

    values: Value
    activation: str
    axis: Optional[int]


def logits_of(p):
    """The :class:`Logits` behind ``p = sigmoid(z)`` or ``p = softmax(z, axis)``, or None for anything else.

    None too when p was made without recording the graph (under ``no_grad()``,
    from constants) or its graph was released: then nothing remembers z.
    """
    if not isinstance(p, Value):
        return None
    op = p._op
    if op is SIGMOID:
        return Logits(p._a, "sigmoid", None)  # its one input (see Value._a)
    if op is SOFTMAX:
        return Logits(p._a, "softmax", p._ctx[0])
    return None
