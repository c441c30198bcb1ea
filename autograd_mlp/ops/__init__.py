"""The operations of the engine: each one's forward and its vector-Jacobian products, side by side.

Every operation lives in one place — its rule (an :class:`Op`: drawing name
and one vector-Jacobian product per input), its forward, and the ``Value``
method or operator that reaches it (installed by :func:`core.installs`):

===================  ==========================================================
module               operations (and the Value methods / operators they install)
===================  ==========================================================
``arithmetic``       ``+ - * / **``, unary ``-``/``+``, ``@``; ``affine``, ``weighted_sum``
``elementwise``      ``exp log tanh sigmoid relu abs sqrt softplus``; ``where``
``reductions``       ``sum mean max min logsumexp softmax``
``shaping``          ``reshape flatten transpose T broadcast_to astype``, ``v[index]``;
                     ``concatenate``, ``stack``
``custom``           :func:`primitive`: operations defined by users, with checked rules
``logits``           :func:`logits_of`: the logits behind a sigmoid or softmax output
``numeric``          stable forwards on plain arrays (sigmoid, softplus, logsumexp, softmax)
``core``             ``Op``, ``unbroadcast``, lifting operands, ``installs``
===================  ==========================================================

Floating-point rule, one for scalars and arrays: numpy's.  log(0) = -inf,
log(-1) = sqrt(-1) = nan, x/0 = ±inf (0/0 = nan), exp(1000) = inf, and a
negative number to a fractional power is nan; each with numpy's
RuntimeWarning (so ``numpy.errstate`` silences them or turns them into
errors).  Python-float Values compute with ``math`` for speed and redo such a
case in numpy, so they never raise where an array would give inf or nan.

Conventions where a function has no derivative (subgradients): relu'(0) = 0,
abs'(0) = 0; ``max``/``min`` send the gradient to the selected element and
share it equally between ties; d(x**y)/dy = 0 at x = 0 for y ≥ 0.

Broadcasting: every binary op broadcasts like numpy, and :func:`unbroadcast`
sums its gradient back over the broadcast axes to the input's shape.
"""

from __future__ import annotations

from . import numeric
from .core import Op, installs, lift, unbroadcast
from .elementwise import (
    ABS, EXP, LOG, RELU, SIGMOID, SOFTPLUS, SQRT, TANH, WHERE,
    absolute, exp, log, relu, sigmoid, softplus, sqrt, tanh, where,
)
from .reductions import LOGSUMEXP, MAX, MEAN, MIN, SOFTMAX, SUM, logsumexp, mean, softmax
from .shaping import (
    ASTYPE, BROADCAST, GETITEM, RESHAPE, SCATTER, TRANSPOSE,
    astype, broadcast_to, concatenate, getitem, reshape, stack, transpose,
)
from .arithmetic import (
    ADD, AFFINE, DIV, MATMUL, MUL, NEG, POW, SUB, WEIGHTED_SUM, affine, matmul, weighted_sum,
)
from .custom import Primitive, primitive
from .logits import Logits, logits_of

__all__ = [
    "Op",
    "unbroadcast",
    "concatenate",
    "stack",
    "where",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "sqrt",
    "softplus",
    "logsumexp",
    "softmax",
    "affine",
    "weighted_sum",
    "matmul",
    "primitive",
    "Primitive",
    "logits_of",
    "Logits",
    "numeric",
]
