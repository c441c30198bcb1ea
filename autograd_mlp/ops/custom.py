"""User-defined operations: a forward on plain data and one vector-Jacobian rule per input.

>>> @primitive
... def cube(x):
...     return x ** 3
>>> cube.defvjp(lambda g, z, x: g * 3 * x ** 2)      # dL/dx = g · 3x²
>>> cube(Value(2.0))                                   # Value(8.0000)

The names follow HIPS autograd (``primitive``, ``defvjp``); a rule plays the
part of a ``torch.autograd.Function``'s ``backward`` for one input.

* ``forward(*inputs, **params)`` gets each input's data (a Python float or a
  numpy array, never a Value) and returns a number or an array.
* A rule ``vjp(g, z, *inputs, **params)`` gets the adjoint ``g = dL/dz``, the
  output ``z`` and the inputs, and returns ``dL/dinput``.  A rule may return
  the gradient in the output's shape when the forward broadcast that input:
  it is summed back to the input's shape.  Any other shape is refused with a
  ValueError naming the operation, the input and both shapes.
* Written with operations that Values support too (``+ * / **``, ``exp``,
  ``sum``, ...; not ``np.*`` functions), the rules run on Values under
  ``backward(create_graph=True)``, so the operation can be differentiated twice.
* ``defvjp(joint=rule)`` gives one rule returning every input's gradient at
  once, for operations whose gradients share work.

Keyword arguments of a call (``cube(x, scale=2)``) are constants: they reach
the forward and every rule, and get no gradient.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from ..engine import Value, as_data
from .core import Op, lift, shape_of, unbroadcast

__all__ = ["primitive", "Primitive"]



class UserOp(Op):
    """The Op of a :class:`Primitive`, which knows it (so a compiled step can call its forward)."""

    __slots__ = ("primitive",)

class Primitive:
    """An operation defined by a forward and its vector-Jacobian rules; call it on Values, numbers or arrays.

    Make one with :func:`primitive`; give its rules with :meth:`defvjp`.
    """

    def __init__(self, forward, name=None):
        if not callable(forward):
            raise TypeError(f"primitive() needs a forward function, got {type(forward).__name__}")
        self.forward = forward
        self.name = name or getattr(forward, "__name__", "primitive")
        self.op = None
        self._arity = None
        try:
            params = inspect.signature(forward).parameters.values()
            self._input_names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        except (TypeError, ValueError):
            self._input_names = []
        functools.update_wrapper(self, forward)

    def defvjp(self, *vjps, joint=None):
        """Set the gradient rules: ``vjp(g, z, *inputs, **params)`` per input, or one ``joint`` rule.

        Returns the primitive, so definitions can chain.
        """
        if bool(vjps) == (joint is not None):
            raise TypeError(f"{self.name}.defvjp() needs one rule per input, or joint=, not both and not neither")
        for k, rule in enumerate([*vjps, joint] if joint is not None else vjps):
            if not callable(rule):
                raise TypeError(f"{self.name}.defvjp(): rule {k} must be callable, got {type(rule).__name__}")
        if joint is not None:
            self._arity = None
            self.op = UserOp(self.name, joint=self._checked_joint(joint))
        else:
            self._arity = len(vjps)
            self.op = UserOp(self.name, *(self._checked(rule, i) for i, rule in enumerate(vjps)))
        self.op.primitive = self  # a compiled step (autograd_mlp.jit) replays through self.forward
        return self

    def __call__(self, *inputs, **params):
        if self.op is None:
            raise RuntimeError(f"primitive '{self.name}' has no gradient rules yet: call {self.name}.defvjp(...) first")
        if self._arity is not None and len(inputs) != self._arity:
            raise TypeError(
                f"primitive '{self.name}' has {self._arity} gradient rule(s), so it takes "
                f"{self._arity} input(s), got {len(inputs)}"
            )
        values = tuple(lift(x) for x in inputs)
        data = as_data(self.forward(*[v.data for v in values], **params))
        return Value._from_op(data, values, self.op, (params,))

    def __repr__(self):
        return f"primitive({self.name!r})"

    # -------------------------------------------------------------- checks
    def _input_name(self, i):
        name = self._input_names[i] if i < len(self._input_names) else None
        return f"input {i}" + (f" ({name})" if name else "")

    def _fit(self, gi, x, z, i):
        """The gradient ``gi`` of input ``i`` in that input's shape, or a ValueError saying why not."""
        if gi is None:
            raise ValueError(f"primitive '{self.name}': the rule for {self._input_name(i)} returned None")
        if not isinstance(gi, (Value, np.ndarray, float)):
            gi = np.asarray(gi, dtype=np.result_type(x.data if isinstance(x, Value) else x))
        got, want = shape_of(gi), shape_of(x)
        if got == want or (got == shape_of(z) and np.broadcast_shapes(want, got) == got):
            return unbroadcast(gi, x)
        raise ValueError(
            f"primitive '{self.name}': the rule for {self._input_name(i)} returned a gradient of shape "
            f"{got}, but the input has shape {want} (the output has shape {shape_of(z)})"
        )

    def _checked(self, rule, i):
        def vjp(g, z, *args):
            *inputs, params = args
            return self._fit(rule(g, z, *inputs, **params), inputs[i], z, i)

        return vjp

    def _checked_joint(self, joint):
        def vjp(g, z, inputs, params):
            grads = list(joint(g, z, *inputs, **params))
            if len(grads) != len(inputs):
                raise ValueError(
                    f"primitive '{self.name}': the joint rule returned {len(grads)} gradient(s) "
                    f"for {len(inputs)} input(s)"
                )
            return [self._fit(gi, x, z, i) for i, (gi, x) in enumerate(zip(grads, inputs))]

        return vjp


def primitive(forward=None, *, name=None):
    """Make a differentiable operation from ``forward``; give its rules with ``.defvjp(...)``.

    Use as ``@primitive`` or ``@primitive(name="cube")`` (the name shown in
    drawings; the function's name by default).  See the module docstring.
    """
    if forward is None:
        return lambda fn: Primitive(fn, name)
    return Primitive(forward, name)
