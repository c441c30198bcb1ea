"""The graph node ``Value`` and reverse-mode differentiation over the graph it records.

A ``Value`` wraps a Python float (a scalar, as cheap as a node in a drawing of
one neuron should be) or a numpy array of any shape (for real training).  Every
operation on Values returns a new Value that remembers its parents, the
operation that made it and any static context (an axis, an index).  This
module holds the node and walks the graph; the operations themselves — each
one's forward, gradient rules, drawing name and the method or operator that
reaches it — are defined together in :mod:`autograd_mlp.ops`, which installs
them on ``Value`` when the package is imported (see the table in the class).

Reverse mode in one paragraph: for a scalar output L and a node z = f(x, y),
the *adjoint* ḡ_z = dL/dz is known once every consumer of z has been
processed.  Each parent then receives the vector-Jacobian product
ḡ_z · ∂z/∂x, and contributions from several consumers add up.  Processing the
nodes in reverse topological order guarantees that every adjoint is complete
before it is used.

Semantics, chosen to match PyTorch where the two agree with the course:

* Gradients **accumulate** in ``.grad`` across ``backward()`` calls until they
  are reset (``v.grad = None``, ``Module.zero_grad()``).
* The graph is **retained** after ``backward()`` (unlike PyTorch's default),
  because students draw it with its gradients afterwards.  A second
  ``backward()`` through the same graph therefore works and adds the same
  gradients again.  ``backward(retain_graph=False)`` releases the graph
  instead; a later ``backward()`` through it then raises ``RuntimeError``.
* Every node reached by the backward pass gets a ``.grad`` (intermediates too).
* ``backward(create_graph=True)`` builds the backward pass out of Values, so the
  gradients can be differentiated again (second derivatives, Hessian-vector products).
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _tracing, grad_mode  # _tracing: compiled-step hooks (autograd_mlp.jit)
from .adjoints import RELEASED as _RELEASED
from .adjoints import interior_order as _interior_order
from .adjoints import propagate as _propagate
from .grad_mode import _pause_gc, _resume_gc, _set_grad_enabled, enable_grad, is_grad_enabled, no_grad

__all__ = [
    "Value",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "gradients",
    "grad",
    "value_and_grad",
]

# Read by every operation (Value._from_op): bound here so each read is one global lookup.
_state, _off_regions = grad_mode._state, grad_mode._off_regions

# Nodes are made without calling __init__ (no argument checks): one C call.
_new = object.__new__

_FLOAT_KINDS = "f"
_NUMERIC_KINDS = "biuf"


def as_data(x, dtype=None):
    """Convert user input to the data a Value holds: a Python float or a float ndarray.

    Python numbers and numpy float64 scalars become Python floats; other numpy
    scalars become 0-d arrays of their dtype; integer and boolean arrays become
    float64, since gradients need a float type; float arrays keep their dtype.
    Strings, objects and complex numbers are refused rather than cast.
    """
    if isinstance(x, Value):
        x = x.data
    if dtype is None and isinstance(x, numbers.Real) and (not isinstance(x, np.generic) or type(x) is np.float64):
        # numpy's float64 scalar too: a row of a float64 array read element by
        # element should give the same cheap scalar Values as Python numbers
        return float(x)
    if isinstance(x, (str, bytes)):
        raise TypeError(f"Value expects a number or an array of numbers, got {type(x).__name__} {x!r}")
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"Value expects a number or an array of numbers, got {type(x).__name__}: {exc}"
        ) from None
    if arr.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(
            f"Value expects numeric data (bool, int or float), got dtype {arr.dtype} "
            f"from {type(x).__name__}"
        )
    if arr.dtype.kind != _FLOAT_KINDS:
        arr = arr.astype(np.float64)
    return arr


class Value:
    """A node of the computational graph: data, gradient and how it was made.

    ``Value(2.0)`` and ``Value(np.ones((3, 4)))`` make leaves.  Arithmetic,
    ``@``, ``exp``/``log``/``tanh``/``sigmoid``/``relu``..., reductions,
    reshaping and indexing make new nodes.  ``backward()`` fills ``.grad``.

    Attributes (documented with each slot below): ``data``, ``grad``,
    ``name`` and ``requires_grad``.
    """

    # A dict so that help(Value) documents each public attribute.
    __slots__ = {
        "data": "The value: a Python float or a numpy array (assignable: ``p.data -= lr * p.grad``).",
        "grad": "dL/d(this node), shaped like ``data``; None until a backward pass reaches it (assignable).",
        "name": "A label for drawings (or None).",
        "requires_grad": "Whether gradients flow to this node (user leaves: yes; constants in an operation: no).",
        # The inputs, without a tuple (see _parents): a tuple per node would be a second object for
        # the cyclic collector to track and scan, doubling the collections a scalar graph triggers.
        "_a": "The first input (one or two inputs), else None.",
        "_b": "The second input (two inputs), or the tuple of all inputs (three or more), else None.",
        "_op": "The Op that made this node (None for a leaf).",
        "_ctx": "The operation's static context (an axis, an index).",
        "__weakref__": None,
    }

    # numpy defers to our reflected operators (``array * value`` calls __rmul__).
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=True, name=None, dtype=None):
        self.data = as_data(data, dtype)
        self.grad = None
        self.name = name
        self.requires_grad = bool(requires_grad)
        self._a = self._b = None
        self._op = None
        self._ctx = ()

    @classmethod
    def _from_op(cls, data, parents, op, ctx=()):
        """Make the result node of ``op`` applied to ``parents``.

        Records the graph only when gradients are enabled and some parent needs
        them, so constant arithmetic and ``no_grad()`` blocks cost no graph.
        """
        out = _new(cls)
        out.data = data
        out.grad = out.name = None
        if _tracing.active: _tracing.notify("op", out, parents, op, ctx)  # noqa: E701 (jit hook)
        if not _off_regions or _state.grad_enabled:
            for parent in parents:
                if parent.requires_grad:
                    out.requires_grad = True
                    if len(parents) == 2:
                        out._a, out._b = parents
                    elif len(parents) == 1:
                        out._a = parents[0]
                        out._b = None
                    else:
                        out._a = None
                        out._b = parents
                    out._op = op
                    out._ctx = ctx
                    return out
        out.requires_grad = False
        out._a = out._b = None
        out._op = None
        out._ctx = ()
        return out

    @classmethod
    def _from_two(cls, data, x, y, op):
        """:meth:`_from_op` for two inputs and no context, without a tuple (each binary operator's node)."""
        out = _new(cls)
        out.data = data
        out.grad = out.name = None
        if _tracing.active: _tracing.notify("op", out, (x, y), op, ())  # noqa: E701 (jit hook)
        if (x.requires_grad or y.requires_grad) and (not _off_regions or _state.grad_enabled):
            out.requires_grad = True
            out._a = x
            out._b = y
            out._op = op
        else:
            out.requires_grad = False
            out._a = out._b = out._op = None
        out._ctx = ()
        return out

    @property
    def _parents(self):
        """The input nodes of the operation that made this one, in argument order (``()`` for a leaf)."""
        a, b = self._a, self._b
        if b is None:
            return () if a is None else (a,)
        return b if a is None else (a, b)

    @_parents.setter
    def _parents(self, parents):
        # (a Value pickled when the inputs were one tuple slot is restored through this)
        parents = tuple(parents)
        if len(parents) > 2:
            self._a, self._b = None, parents
        else:
            self._a, self._b = (*parents, None, None)[:2]

    # ------------------------------------------------------------------ info
    # Layers and losses read these on every call: an array's own attribute
    # first, numpy's functions (several times slower) for everything else.
    @property
    def shape(self):
        """The data's shape, ``()`` for a scalar."""
        data = self.data
        return data.shape if type(data) is np.ndarray else np.shape(data)

    @property
    def ndim(self):
        """The number of axes."""
        data = self.data
        return data.ndim if type(data) is np.ndarray else np.ndim(data)

    @property
    def size(self):
        """The number of elements."""
        data = self.data
        return data.size if type(data) is np.ndarray else int(np.size(data))

    @property
    def dtype(self):
        """The data's numpy dtype (float64 for a Python float)."""
        data = self.data
        return data.dtype if type(data) is np.ndarray else np.result_type(data)

    @property
    def op(self):
        """The name of the operation that made this node ('' for a leaf)."""
        return self._op.name if self._op is not None else ""

    @property
    def parents(self):
        """The nodes this one was computed from, in argument order."""
        return self._parents

    @property
    def is_leaf(self):
        """True for a node no recorded operation made (an input, a parameter, a constant)."""
        return self._op is None

    def item(self):
        """The value as a Python float (only for a single element)."""
        if np.size(self.data) != 1:
            raise ValueError(f"item() needs a single element, this Value has shape {self.shape}")
        return float(np.asarray(_tracing.read(self, "float(v) / v.item()")).reshape(()))

    def numpy(self):
        """The data as a numpy array (a copy-free view for array data)."""
        return np.asarray(self.data)

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(v)``: the data as an array (not an object array of Values), as a Keras weight converts."""
        return np.array(self.data, dtype=dtype, copy=True) if copy else np.asarray(self.data, dtype=dtype)

    def __float__(self):
        """``float(v)``: the single element as a Python float (see :meth:`item`)."""
        return self.item()

    def __len__(self):
        """``len(v)``: the length of the first axis (a 0-d Value has none)."""
        if self.ndim == 0:
            raise TypeError("len() of a 0-d Value")
        return self.shape[0]

    def __bool__(self):
        """``bool(v)``: the truth of a single element; ambiguous (an error) for several."""
        # Without this, Python would test truth through __len__: a scalar Value
        # would raise "len() of a 0-d Value" and an array would be true by length.
        if np.size(self.data) != 1:
            raise ValueError(
                f"the truth value of a Value with {np.size(self.data)} elements is ambiguous; "
                "test v.data with .any() or .all()"
            )
        return bool(np.asarray(_tracing.read(self, "bool(v)")).reshape(()))

    def __repr__(self):
        """``Value(data, grad=..., name=...)`` with arrays abbreviated."""
        label = f", name={self.name!r}" if self.name else ""
        grad = "" if self.grad is None else f", grad={_format(self.grad)}"
        return f"Value({_format(self.data)}{grad}{label})"

    def _repr_svg_(self):
        """Jupyter shows a Value as the drawing of its graph (None, hence the text repr, without Graphviz).

        The drawing is registered by :mod:`autograd_mlp.viz` (see :mod:`autograd_mlp._display`):
        the engine imports nothing above it.
        """
        from ._display import svg

        return svg("value", self)

    # ------------------------------------------------------------ operations
    # Every differentiable operation is defined in autograd_mlp.ops beside its
    # gradient rules and installed on this class from there (``installs``):
    #
    #   + - * / ** (and reflected), unary - +, @     ops/arithmetic.py
    #   exp log tanh sigmoid relu abs sqrt softplus   ops/elementwise.py
    #   sum mean max min logsumexp softmax            ops/reductions.py
    #   reshape flatten transpose T broadcast_to
    #   astype, v[index]                              ops/shaping.py
    #
    # help(Value) lists each with its formula and an example.

    # Comparisons: elementwise on data, like numpy, not differentiable; hashing by identity.
    __hash__ = object.__hash__

    def __eq__(self, other):
        """x == y on the data, elementwise (a bool or bool array; not differentiable).

        Example: ``Value(2.0) == 2`` is ``True``.
        """
        return self.data == _raw(other)

    def __ne__(self, other):
        """x != y on the data, elementwise (not differentiable).

        Example: ``Value(2.0) != 3`` is ``True``.
        """
        return self.data != _raw(other)

    def __lt__(self, other):
        """x < y on the data, elementwise (not differentiable).

        Example: ``Value(2.0) < 3`` is ``True``.
        """
        return _tracing.read(self, "<") < _raw(other)

    def __le__(self, other):
        """x <= y on the data, elementwise (not differentiable).

        Example: ``Value(2.0) <= 2`` is ``True``.
        """
        return _tracing.read(self, "<=") <= _raw(other)

    def __gt__(self, other):
        """x > y on the data, elementwise (not differentiable).

        Example: ``Value(2.0) > 3`` is ``False``.
        """
        return _tracing.read(self, ">") > _raw(other)

    def __ge__(self, other):
        """x >= y on the data, elementwise (not differentiable).

        Example: ``Value(2.0) >= 3`` is ``False``.
        """
        return _tracing.read(self, ">=") >= _raw(other)

    # ------------------------------------------------------------ graph ops
    def detach(self):
        """A new leaf with the same data that does not require gradients."""
        return Value._wrap_constant(self.data)

    @staticmethod
    def _wrap_constant(data):
        out = _new(Value)
        out.data = data
        out.grad = None
        out.name = None
        out.requires_grad = False
        out._a = out._b = None
        out._op = None
        out._ctx = ()
        return out

    def zero_grad(self):
        """Reset this node's gradient to ``None``."""
        self.grad = None

    def backward(self, grad=None, retain_graph=True, create_graph=False):
        """Reverse-mode differentiation from this node; adds dself/dnode to every ``node.grad``.

        Parameters
        ----------
        grad : array-like, optional
            The adjoint to start from (the gradient of some scalar with respect
            to this node).  Required unless this node holds a single element,
            where it defaults to 1.
        retain_graph : bool
            Keep the graph so it can be drawn or differentiated again (default).
            With False the graph is released after the pass.
        create_graph : bool
            Build the backward pass out of Values, so the gradients can be
            differentiated again.  ``.grad`` then holds Values.
        """
        if _tracing.active: _tracing.notify("backward", self, grad, create_graph)  # noqa: E701 (jit hook)
        if create_graph:
            # This pass builds Values: paused, the collections they trigger do not re-scan the graph.
            # Otherwise the pass makes nothing the collector tracks (adjoints are floats and
            # arrays), so no collection starts and pausing would only cost its lock.
            _pause_gc()  # gc_paused() without a context manager's cost
            try:
                adjoints = _backprop(self, grad, create_graph)
            finally:
                _resume_gc()
        else:
            adjoints = _backprop(self, grad, create_graph)
        for node, g in adjoints.items():
            if node.grad is None:
                node.grad = g
            else:
                node.grad = node.grad + g
        if not retain_graph:
            for node in adjoints:
                if node._op is not None:
                    node._op = _RELEASED
                    node._a = node._b = None
                    node._ctx = ()

    def __iter__(self):
        """Iterate over the first axis: ``v[0], v[1], ...``, each a Value in the graph."""
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d Value")
        for i in range(self.shape[0]):
            yield self[i]


def _raw(x):
    return x.data if isinstance(x, Value) else x


def _format(x, precision=4):
    if np.ndim(x) == 0:
        return f"{float(np.asarray(_raw(x)).reshape(())):.{precision}f}" if not isinstance(x, Value) else repr(x)
    arr = np.asarray(_raw(x))
    return np.array2string(arr, precision=precision, threshold=20, edgeitems=3, separator=", ").replace("\n", "")


def topological_order(root):
    """Nodes of the graph ending in ``root``, each after all its parents.

    Iterative depth-first search with an explicit stack, so a chain of any
    length works (a recursive walk stops at Python's recursion limit near
    1,000 nodes).  Nodes themselves key the visited set: a Value hashes by
    identity, and distinct live objects never share a hash, so the set never
    calls ``==`` (which compares data elementwise) and no ``id()`` call is needed.
    """
    order = []
    visited = {root}
    # Each stack entry is a node and an iterator over its parents; a node is
    # emitted once that iterator is exhausted, i.e. after all its parents.
    stack = [(root, iter(root._parents))]
    push, pop, emit, seen = stack.append, stack.pop, order.append, visited.add
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in visited:
                seen(parent)
                if not parent._parents:
                    emit(parent)  # a leaf has nothing to wait for: emit it without a stack entry
                    continue
                push((parent, iter(parent._parents)))
                break
        else:
            pop()
            emit(node)
    return order


def _seed(root, grad):
    """The starting adjoint: 1 for a single-element output, else the ``grad`` given."""
    if grad is None:
        if type(root.data) is float:
            return 1.0
        if isinstance(root.data, np.generic):
            return root.data.dtype.type(1)  # a numpy scalar (the result of a full reduction)
        if np.size(root.data) != 1:
            raise RuntimeError(
                f"backward() without a grad argument needs a single-element output, "
                f"got shape {root.shape}; reduce it first (e.g. .sum()) or pass grad="
            )
        return np.ones_like(root.data)
    g = grad.data if isinstance(grad, Value) else grad
    if np.shape(g) != root.shape:
        raise ValueError(f"backward(grad=...) needs shape {root.shape}, got {np.shape(g)}")
    if type(root.data) is float:
        return float(g)
    return np.asarray(g, dtype=root.dtype)


def _backprop(root, grad, create_graph):
    """Run the backward pass; return ``{node: adjoint}`` for every node reached.

    The adjoints of this pass are kept apart from ``.grad`` so that a second
    pass through a retained graph propagates only its own contributions.
    """
    if root._op is _RELEASED:
        raise RuntimeError(
            "this graph was released by backward(retain_graph=False); "
            "recompute the forward pass to differentiate again"
        )
    if not root.requires_grad:
        raise RuntimeError(
            "backward() on a Value that does not require gradients (made under no_grad(), "
            "detached, or computed from constants only)"
        )
    seed = _seed(root, grad)
    order = _interior_order(root)
    if create_graph:
        seed = Value._wrap_constant(seed) if not isinstance(grad, Value) else grad
        with _set_grad_enabled(True):
            return _propagate(order, root, seed, create_graph=True)
    return _propagate(order, root, seed, create_graph=False)


def gradients(outputs, inputs, grad_outputs=None, create_graph=False):
    """d(outputs)/d(inputs) without touching any ``.grad`` (like ``torch.autograd.grad``).

    Returns a list with one gradient per input (zeros where an input does not
    influence the output).  With ``create_graph=True`` the gradients are Values
    that can be differentiated again.
    """
    single = isinstance(inputs, Value)
    inputs = [inputs] if single else list(inputs)
    adjoints = _backprop(outputs, grad_outputs, create_graph)
    result = []
    for x in inputs:
        g = adjoints.get(x)
        if g is None:
            zero = 0.0 if type(x.data) is float else np.zeros_like(x.data)
            g = Value._wrap_constant(zero) if create_graph else zero
        result.append(g)
    return result


def _grad_function(f, argnums, with_value):
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)

    def wrapped(*args, **kwargs):
        state = _state
        original = args
        args = list(args)
        leaves = []
        for i in nums:
            arg = args[i]
            if isinstance(arg, Value):
                # Differentiating a gradient (grad of grad): start from a node
                # connected to the caller's Value so the graph links up.
                leaf = arg + 0.0 if arg.requires_grad else Value(arg.data)
            else:
                leaf = Value(arg)
            args[i] = leaf
            leaves.append(leaf)
        # Inside an outer differentiation (of grad(), or of a graph some
        # argument belongs to, as for a mixed partial) f may depend on nodes of
        # the outer graph: then the gradients must be built as a graph too, so
        # the outer pass sees them.
        # A call made inside another one (depth > 0) may differentiate a
        # function that captures the outer call's variables, which its own
        # arguments cannot reveal.
        nested = state.grad_depth > 0 or any(
            isinstance(a, Value) and a.requires_grad for a in (*original, *kwargs.values())
        )
        with enable_grad():
            state.grad_depth += 1
            try:
                out = f(*args, **kwargs)
            finally:
                state.grad_depth -= 1
            if not isinstance(out, Value):
                raise TypeError(f"grad() needs f to return a Value, got {type(out).__name__}")
            if np.size(out.data) != 1:
                raise ValueError(f"grad() needs f to return a single number, got shape {out.shape}")
            if out.requires_grad:
                grads = gradients(out, leaves, create_graph=nested)
            else:
                # f is constant in its arguments (e.g. the derivative of a linear
                # function, differentiated again): every gradient is zero.
                grads = [0.0 if type(x.data) is float else np.zeros_like(x.data) for x in leaves]
                if nested:
                    grads = [Value._wrap_constant(g) for g in grads]
        if not nested:
            grads = [np.asarray(g) if not isinstance(g, float) else g for g in grads]
        result = grads[0] if single else tuple(grads)
        if with_value:
            return (out if nested else out.data), result
        return result

    return wrapped


def grad(f, argnums=0):
    """Return a function computing the gradient of scalar ``f`` with respect to argument(s) ``argnums``.

    ``grad(f)(x)`` equals df/dx, in the spirit of HIPS autograd and JAX.
    Arguments may be numbers, arrays or Values; the result has each
    argument's shape.  Applied to itself, ``grad(grad(f))`` gives the second
    derivative.
    """
    return _grad_function(f, argnums, with_value=False)


def value_and_grad(f, argnums=0):
    """Like :func:`grad`, but the returned function gives ``(f(x), df/dx)``."""
    return _grad_function(f, argnums, with_value=True)
