"""The inner loop of reverse mode: which nodes to visit, in what order, and how adjoints flow.

:meth:`autograd_mlp.engine.Value.backward` checks its arguments and seeds the
root; this module walks the graph (:func:`interior_order`) and pushes the
adjoints back through it (:func:`propagate`), calling each operation's rules.
The rules on Python floats of ``+`` and ``*`` are defined here
(:func:`add_floats`, :func:`mul_floats`) so the pass can recognise them and do
their work inline: they are most of the nodes of a scalar network.
"""

from __future__ import annotations

import operator

import numpy as np

__all__ = ["interior_order", "propagate", "add_floats", "mul_floats", "RELEASED"]

_data_of = operator.attrgetter("data")


class _Released:
    """Stand-in op of nodes whose graph was released by ``backward(retain_graph=False)``."""

    name = "released"
    floats = None  # so the backward pass reaches the check for it


RELEASED = _Released()


def interior_order(root):
    """The nodes an operation made (no leaves) of the graph ending in ``root``, each after its parents.

    The backward pass needs an order only for these: a leaf has no rule to
    run, so its adjoint is complete once every other node is processed.
    Leaving leaves out of the walk skips a set lookup per parameter and input.

    Depth first with an explicit stack, so any depth works.  A node's inputs
    are read from its slots (``_a``, ``_b``: see :class:`~autograd_mlp.engine.Value`).
    A node of one or two inputs is pushed alone and its inputs are looked at
    again when the walk comes back to it: a set lookup, but no tuple or
    iterator made per node.  A node of three or more inputs is pushed with an
    iterator over them (below it on the stack), so that each of its many inputs is looked at once.
    """
    if root._op is None:
        return []
    order = []
    visited = {root}
    stack = []
    push, pop, emit, seen = stack.append, stack.pop, order.append, visited.add
    node, many = root, None
    while True:
        # a released node (op RELEASED, no inputs) is kept: reaching it is an error
        b = node._b
        if type(b) is tuple:
            if many is None:
                many = iter(b)
            for parent in many:
                if parent._op is not None and parent not in visited:
                    break
            else:
                parent = None
            if parent is not None:
                seen(parent)
                push(many)  # below the node: taken back with it
                push(node)
                node, many = parent, None
                continue
            many = None
        else:
            a = node._a
            if a is not None and a._op is not None and a not in visited:
                seen(a)
                push(node)
                node = a
                continue
            if b is not None and b._op is not None and b not in visited:
                seen(b)
                push(node)
                node = b
                continue
        emit(node)
        if not stack:
            return order
        node = pop()
        if type(node._b) is tuple:
            many = pop()


def add_floats(g, z, x, y):
    """The rule of z = x + y on Python floats (see ``Op``): dz/dx = dz/dy = 1.

    Defined here so that the backward pass, which runs it for about half the
    nodes of a scalar network, can recognise it and do its work inline.
    """
    return g, g


def mul_floats(g, z, x, y):
    """The rule of z = x · y on Python floats: (g·y, g·x); inlined by the backward pass too."""
    return g * y, g * x


def propagate(order, root, seed, create_graph):
    """Push adjoints from ``root`` (seeded) back through ``order``; return ``{node: adjoint}``.

    ``order`` holds the interior nodes, each after its parents, so walking it
    backwards processes a node only once all its consumers have added to its
    adjoint.  The dictionary keyed by node (identity hashing, as in
    :func:`autograd_mlp.engine.topological_order`) ends up holding every reached node's adjoint.
    """
    adjoints = {root: seed}
    get = adjoints.get
    ndarray = np.ndarray
    for node in reversed(order):
        g = get(node)
        if g is None:
            continue
        op = node._op
        floats = op.floats
        if floats is not None and type(g) is float and type(node.data) is float and not create_graph:
            # The scalar path: a Python-float output of an operation with a
            # rule on floats has Python-number inputs, and that rule computes
            # the same expressions as the general rules (bit for bit) without
            # their shape checks.  1/0 and overflow take the general path.
            # (Under create_graph a rule may hand back a plain float, e.g. a
            # user's constant rule; the next rules must still see Values.)
            # Such an operation has one or two inputs, read from the slots
            # (x is None: three or more, which take the general path).
            x, y = node._a, node._b
            if x is not None:
                try:
                    if y is not None:
                        if floats is add_floats:  # the two commonest rules, inlined
                            gx = gy = g
                        elif floats is mul_floats:
                            gx, gy = g * y.data, g * x.data
                        else:
                            gx, gy = floats(g, node.data, x.data, y.data)
                        if x.requires_grad:
                            previous = get(x)
                            adjoints[x] = gx if previous is None else previous + gx
                        if y.requires_grad:
                            previous = get(y)
                            adjoints[y] = gy if previous is None else previous + gy
                        continue
                    if x.requires_grad:
                        gx = floats(g, node.data, x.data)[0]
                        previous = get(x)
                        adjoints[x] = gx if previous is None else previous + gx
                    continue
                except (ZeroDivisionError, OverflowError):
                    pass
        if op is RELEASED:
            raise RuntimeError(
                "part of this graph was released by backward(retain_graph=False); "
                "recompute the forward pass to differentiate again"
            )
        a, b = node._a, node._b  # Value._parents, without a property call
        parents = b if a is None else (a,) if b is None else (a, b)
        ctx = node._ctx
        if op.joint is not None:
            # a fused op with many inputs: one rule returns every input's gradient
            if create_graph:
                grads = op.joint(g, node, parents, *ctx)
            else:
                grads = op.joint(g, node.data, tuple(map(_data_of, parents)), *ctx)
            for parent, gi in zip(parents, grads):
                if not parent.requires_grad:
                    continue
                previous = get(parent)
                if previous is None:
                    # A rule may hand back its input adjoint itself (``+``) or
                    # a view of it; a leaf's .grad must own its memory, so that
                    # an in-place change to it cannot alter another node's gradient.
                    if type(gi) is ndarray and parent._op is None and (gi is g or gi.base is not None):
                        gi = gi.copy()
                    adjoints[parent] = gi
                else:
                    adjoints[parent] = previous + gi
            continue
        # one rule per input, each called only for an input that needs its gradient
        if create_graph:
            call = (g, node, *parents, *ctx)
        elif b is None:  # the rule's arguments built at once for one or two inputs
            call = (g, node.data, a.data, *ctx) if ctx else (g, node.data, a.data)
        elif a is not None:
            call = (g, node.data, a.data, b.data, *ctx) if ctx else (g, node.data, a.data, b.data)
        else:
            call = (g, node.data, *map(_data_of, b), *ctx)
        for rule, parent in zip(op.vjps, parents):
            if not parent.requires_grad:
                continue
            try:
                gi = rule(*call)
            except (ZeroDivisionError, OverflowError):
                # a rule on Python floats hit 1/0 or overflow: redo it in numpy (inf/nan, as for arrays)
                gi = in_numpy(rule, *call)
            previous = get(parent)
            if previous is None:
                if type(gi) is ndarray and parent._op is None and (gi is g or gi.base is not None):
                    gi = gi.copy()  # (see above)
                adjoints[parent] = gi
            else:
                adjoints[parent] = previous + gi
    return adjoints


def in_numpy(rule, *args):
    """``rule(*args)`` with Python floats as numpy float64 (inf/nan and a warning instead of an exception)."""
    out = rule(*(np.float64(a) if type(a) is float else a for a in args))
    return float(out) if isinstance(out, np.generic) else out
