"""Compiled training steps: record a step once, replay it as straight numpy.

``autograd_mlp.jit(fn)`` returns a function that, on its first call with a
given signature, runs ``fn`` as usual while recording every primitive it
executes, and afterwards replays that recording::

    model = Sequential([Dense(16, input_dim=2, activation="tanh"), Dense(1, activation="sigmoid")])
    opt = SGD(model.parameters(), lr=0.1)

    @jit
    def train_step(x, y):
        opt.zero_grad()
        loss = losses.binary_crossentropy(y, model(x))
        loss.backward()
        opt.step()
        return loss

    for x, y in batches:
        loss = train_step(x, y)   # the first call records, the others replay

What is recorded
    Every operation on Values (forward, and the backward pass ``backward()``
    runs), gradient resets (``optimizer.zero_grad()``, ``module.zero_grad()``),
    optimizer updates (``optimizer.step()``: at replay the optimizer's own
    ``step()`` runs, or for plain SGD, without momentum, weight decay or
    clipping, its update written out in the program; either way the learning
    rate is read from its schedule, the iteration count advances and
    parameters without a gradient are skipped, exactly as in the dynamic
    path), and the random draws of Dropout
    (a new mask on every replay, from the generator the dynamic path uses).

What a replay is
    One generated Python function over raw data: no Value objects, no
    topological walk, no dictionaries per node.  Array arguments are bound
    in; parameters are read from their Values at each replay (so
    ``set_weights`` between calls is seen); the common operations run as
    numpy calls with ``out=`` into buffers allocated once, and on Python
    floats as plain arithmetic.  Parameters' ``.grad`` are set as the dynamic
    path sets them, but to arrays the program owns and overwrites at the next
    replay (copy them to keep them).  A returned Value is a new leaf holding
    the result (with its ``.grad`` when the backward pass reached it); it has
    no graph to differentiate again.  Returned arrays are copies.

Same numbers
    A replay runs the operations' own rules, or inline forms of them that do
    the same floating-point operations in the same order, so it gives the
    dynamic path's results bit for bit, in float32 and float64.  No fusion
    reorders a sum.  What a replay does differently, none of it changing a bit:
    results nobody reads are not computed (the sigmoid whose cross-entropy
    reads the logits); mean squared error's rule reuses the ``p - y`` its
    forward computed; cross-entropy's rule reuses the forward's ``e^(z - m)``
    and row sums where every row maximum ``m`` is finite; SGD without momentum
    updates a large parameter chunk by chunk through a cache-sized scratch;
    an elementwise result (a ReLU's or tanh's gradient) is written over an
    input buffer that nothing reads afterwards, as hand-written numpy does;
    mean squared error's ``d @ d`` runs as ``d.dot(d)`` (the same dot kernel
    on a 1-d array) and ``np.sum``/``np.max`` as the ufunc reductions they
    call; a backward seed times a loss's coefficient is computed once;
    overflow in the sigmoid is silenced through numpy's error-state variable
    rather than a new ``np.errstate`` per use.

What makes it record again (the signature, as ``jax.jit`` caches)
    The shapes and dtypes of array arguments (a last, smaller batch records
    again); the values of other arguments (Python numbers, strings, and any
    other object by identity); and guards checked at every call: each
    parameter still holds data of the recorded type, shape and dtype and the
    same ``requires_grad``; every Module, optimizer and function found in
    ``fn``'s closure or bound ``self`` (and in their attributes, one level
    down) is still the one found at recording; each such module's
    ``training`` and ``trainable`` flags and number of layers are unchanged;
    each such optimizer still updates the same parameter list.  ``key=``
    adds anything else: ``jit(fn, key=lambda: (id(model.optimizer),))``.
    Each thread keeps its own recordings, at most ``max_programs`` (8) per
    function, the least recently used dropped first.

What it cannot see (frozen at recording, as in ``torch.jit.trace``)
    Python code that runs between the library's operations.  A branch on a
    Value's number (``float(v)``, ``v.item()``, ``bool(v)``, ``v > 0`` in an
    ``if``) takes the recorded branch forever: recording warns with
    :class:`ReplayWarning`.  Arithmetic on ``.data`` is not an operation and
    is not recorded: micrograd's hand-written update ::

        for p in params:
            p.data -= lr * p.grad      # runs once, at recording; replays skip it

    must become ``SGD(params, lr=lr).step()``.  Likewise gradients reset by
    assigning ``p.grad`` yourself (use ``zero_grad()``), arrays computed in
    Python from arguments or from ``.data`` (``where()`` conditions such as
    those of ``leaky_relu``/``elu``, clipped probabilities, a one-hot of
    labels) and arrays reached through the closure: these are constants of
    the recording.  A loss's targets must therefore be an argument of the
    step, with the prediction's dtype (a flat ``(n,)`` for outputs ``(n, 1)``
    is bound through the loss's reshape); a loss whose targets are not
    (integer labels it converts, the one-hot of sparse labels) or that
    weighs cases (``sample_weight=``) is not compiled: the step runs as
    written, after a :class:`ReplayWarning`.  ``gradients()``/``grad()`` and ``backward(create_graph=True)``
    are not recorded (the latter raises).

Inside ``Model.fit``, ``train_on_batch``, ``evaluate`` and ``predict``
    A compiled model (the default; ``compile(run_eagerly=True)`` or
    ``jit_compile=False`` opts out, as in Keras) runs its steps through this
    function: :mod:`autograd_mlp.models.compiled` records the train, test and
    predict steps once per batch shape, with ``stop_on_nonfinite=True`` (for
    ``fit``'s rule on a non-finite loss) and ``fallback="eager"`` (a step
    that a replay would not redo faithfully runs as written, without a
    warning), so that compiling never shows in a History.
    A batch of another dtype than a layer's weights (float32 data for a
    float64 model, integers) is converted by a recorded ``astype``, so each
    replay converts the new batch.
"""

from __future__ import annotations

import math
import threading
import types
import warnings
from collections import OrderedDict

import numpy as np

from .. import _tracing, engine
from ..engine import Value
from ._compiler import MISS, compile_step, value

__all__ = ["jit", "Compiled", "ReplayWarning", "NonFiniteLoss"]

#: Recordings kept per function and thread.
MAX_PROGRAMS = 8


class ReplayWarning(UserWarning):
    """Recording a step saw something its replays will not redo (a branch on a Value's number)."""


class NonFiniteLoss(FloatingPointError):
    """Raised by a step compiled with ``stop_on_nonfinite=True`` instead of differentiating a NaN or
    infinite loss: nothing after the loss was computed (backward pass, update) has run.  ``value``
    is the loss as a Python float."""

    def __init__(self, value):
        super().__init__(f"the loss is {value}; the step stopped before its backward pass and update")
        self.value = value


def jit(fn=None, *, key=None, max_programs=MAX_PROGRAMS, stop_on_nonfinite=False, fallback="warn"):
    """Compile ``fn`` (a training step, or any function of arrays built from the library's operations).

    Usable as ``jit(fn)`` or as the decorator ``@jit`` / ``@jit(key=...)``.  See the
    module documentation for what is recorded, what records again, and what is frozen.

    ``key``: a function whose (hashable) result joins the signature, for state the
    guards do not see.  ``max_programs``: recordings kept per thread (least recently
    used dropped).  ``stop_on_nonfinite``: when a ``backward()`` starts from a NaN or
    infinite single-number Value, raise :class:`NonFiniteLoss` instead, before any
    gradient or update (the rule ``fit`` applies to a batch), when recording and replaying.
    ``fallback``: what a recording that a replay could not redo faithfully leads to.
    ``"warn"`` (default): a :class:`ReplayWarning`, then the frozen branch is replayed (or,
    for a step that cannot be compiled, the step runs as written).  ``"eager"``: no
    warning, and that signature runs as written from then on (what ``fit`` uses, so
    that compiling is never visible in its results).
    """
    options = dict(key=key, max_programs=max_programs, stop_on_nonfinite=stop_on_nonfinite, fallback=fallback)
    if fn is None:
        return lambda f: Compiled(f, **options)
    return Compiled(fn, **options)


class Compiled:
    """A function with its recordings: call it like the function; ``clear()`` forgets the recordings."""

    def __init__(self, fn, key=None, max_programs=MAX_PROGRAMS, stop_on_nonfinite=False, fallback="warn"):
        if not callable(fn):
            raise TypeError(f"jit() needs a function, got {type(fn).__name__}")
        if key is not None and not callable(key):
            raise TypeError(f"jit(key=...) needs a function returning a hashable key, got {type(key).__name__}")
        if isinstance(max_programs, bool) or not isinstance(max_programs, int) or max_programs < 1:
            raise ValueError(f"max_programs must be a positive integer, got {max_programs!r}")
        if fallback not in ("warn", "eager"):
            raise ValueError(f"fallback must be 'warn' or 'eager', got {fallback!r}")
        self.fn = fn
        self.key = key
        self.max_programs = max_programs
        self.stop_on_nonfinite = bool(stop_on_nonfinite)
        self.fallback = fallback
        self._local = threading.local()
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__name__ = getattr(fn, "__name__", type(fn).__name__)
        self.__wrapped__ = fn

    def _cache(self):
        try:
            return self._local.cache
        except AttributeError:
            self._local.recordings = 0
            cache = self._local.cache = OrderedDict()
            return cache

    @property
    def recordings(self):
        """How many times this thread recorded the step (for tests and curiosity)."""
        self._cache()
        return self._local.recordings

    @property
    def programs(self):
        """How many recordings this thread keeps now."""
        return sum(len(p) for p in self._cache().values())

    def clear(self):
        """Forget this thread's recordings (the next call records again)."""
        self._cache().clear()

    def __call__(self, *args, **kwargs):
        if _tracing.active and _tracing.current() is not None:
            # inside another step being recorded: run as written, so that step records these operations
            return self.fn(*args, **kwargs)
        signature = ()
        if not kwargs:  # only arrays: the common case, in short (a loop is cheaper than a comprehension)
            for a in args:
                if type(a) is not np.ndarray:
                    signature = None
                    break
                signature += ((a.shape, a.dtype),)
        if signature is not None and not kwargs:
            leaves = args
        else:
            leaves, signature = [], [()]
            _flatten(args, leaves, signature)
            if kwargs:
                _flatten(dict(sorted(kwargs.items())), leaves, signature)
            signature = tuple(signature)
        if self.key is not None:
            signature = (signature, self.key())
        try:
            cache = self._local.cache
        except AttributeError:
            cache = self._cache()
        programs = cache.get(signature)
        if programs:
            for program in programs:
                if type(program) is _Dynamic:
                    return self.fn(*args, **kwargs)
                result = program.run(leaves)
                if result is not MISS:
                    cache.move_to_end(signature)
                    return result
        return self._record(signature, args, kwargs, leaves)

    def _record(self, signature, args, kwargs, leaves):
        recorder = _Recorder(self.stop_on_nonfinite, quiet=self.fallback == "eager")
        previous = _tracing.recording_on(recorder)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("default", ReplayWarning)
                result = self.fn(*args, **kwargs)
        finally:
            _tracing.recording_off(previous)
        self._local.recordings += 1
        template, result_leaves = _template(result)
        if recorder.frozen:
            program = _Dynamic()  # a replay would freeze a branch: run as written (fallback="eager")
            self._keep(signature, program)
            return result
        try:
            source, namespace, outputs = compile_step(
                recorder.events, leaves, result_leaves, _watch_guards(self.fn, args), self.stop_on_nonfinite,
                single_value=template is _LEAF)
        except NotImplementedError as exc:
            if not recorder.quiet:
                warnings.warn(f"{exc}; this step runs without compiling", ReplayWarning, stacklevel=3)
            program = _Dynamic()
        else:
            namespace["_NonFinite"] = NonFiniteLoss
            program = _Program(source, namespace, outputs, template, self.__name__)
        self._keep(signature, program)
        return result

    def _keep(self, signature, program):
        """Cache ``program`` for ``signature``, dropping the least recently used beyond ``max_programs``."""
        cache = self._cache()
        cache.setdefault(signature, []).insert(0, program)
        cache.move_to_end(signature)
        while sum(len(p) for p in cache.values()) > self.max_programs:
            oldest = next(iter(cache))
            cache[oldest].pop()
            if not cache[oldest]:
                del cache[oldest]


class _Recorder:
    """Collects one thread's events while a step is recorded (see autograd_mlp._tracing)."""

    def __init__(self, stop_on_nonfinite=False, quiet=False):
        self.events = []
        self.made = set()
        self.warned = set()
        self.stop_on_nonfinite = stop_on_nonfinite
        self.quiet = quiet  # fallback="eager": note a frozen branch instead of warning
        self.frozen = False

    def op(self, out, parents, op, ctx):
        self.events.append(("op", out, parents, op, ctx))
        self.made.add(id(out))

    def backward(self, root, grad, create_graph):
        if create_graph:
            raise NotImplementedError("a compiled step cannot record backward(create_graph=True)")
        if not root.requires_grad or not root._parents:
            return  # the dynamic path raises its own error, or there is nothing to propagate
        if self.stop_on_nonfinite and np.size(root.data) == 1:
            value = np.asarray(root.data).item()
            if not math.isfinite(value):
                raise NonFiniteLoss(value)
        seed = engine._seed(root, grad)
        self.events.append(("backward", root, seed, grad, engine.topological_order(root)))

    def zero_grad(self, params):
        self.events.append(("zero_grad", list(params)))

    def step(self, optimizer):
        self.events.append(("step", optimizer))

    def random(self, result, fn, args):
        self.events.append(("random", result, fn, args))

    def concrete(self, value, how):
        if id(value) not in self.made and not value.requires_grad:
            return
        if self.quiet:
            self.frozen = True
            return
        frame, level = _user_frame()
        where = (how, frame.f_code.co_filename, frame.f_lineno) if frame else (how,)
        if where in self.warned:
            return
        self.warned.add(where)
        warnings.warn(
            f"a compiled step turned a Value into a Python value ({how}) while recording: "
            f"every replay reuses the outcome seen now (a branch taken on it is frozen)",
            ReplayWarning, stacklevel=level)


def _user_frame():
    """The first frame outside this package, and its warnings stacklevel as seen from concrete()."""
    import sys

    frame, level = sys._getframe(2), 3
    package = __name__.rsplit(".", 1)[0]
    while frame is not None and frame.f_globals.get("__name__", "").startswith(package + "."):
        frame, level = frame.f_back, level + 1
    return frame, level


# --------------------------------------------------------------- programs
class _Program:
    """A compiled replay and how to rebuild the step's result from what it returns."""

    def __init__(self, source, namespace, outputs, template, name):
        self.source = source
        exec(compile(source, f"<jit {name}>", "exec"), namespace)
        self.replay = namespace["_replay"]
        self.outputs = outputs
        self.template = template
        single = len(outputs) == 1 and outputs[0][0] == "value" and template is _LEAF
        # a single returned Value is made by the generated function itself
        self.run = self.replay if single else self.__call__

    def __call__(self, leaves):
        flat = self.replay(leaves)
        if flat is MISS:
            return MISS
        built, j = [], 0
        for spec in self.outputs:
            if spec[0] == "value":
                grad = flat[j + 1] if spec[1] else None
                built.append(_value(flat[j], grad))
                j += 2 if spec[1] else 1
            elif spec[0] == "array":
                built.append(np.array(flat[j], copy=True))
                j += 1
            else:
                built.append(spec[1])
        return _fill(self.template, iter(built))


class _Dynamic:
    """Marks a signature whose step could not be compiled: it runs as written."""


_value = value


# ------------------------------------------------- arguments and results
def _flatten(obj, leaves, signature):
    """Append ``obj``'s arrays and Values to ``leaves`` and what identifies its structure to ``signature``."""
    t = type(obj)
    if t is np.ndarray:
        leaves.append(obj)
        signature.append((obj.shape, obj.dtype))
    elif t is tuple or t is list:
        signature.append((t, len(obj)))
        for item in obj:
            _flatten(item, leaves, signature)
    elif t is dict:
        signature.append((dict, tuple(obj)))
        for item in obj.values():
            _flatten(item, leaves, signature)
    elif isinstance(obj, Value):
        leaves.append(obj)
        data = obj.data
        signature.append((Value, type(data), np.shape(data), getattr(data, "dtype", None)))
    elif obj is None or t in (int, float, bool, str, bytes, complex):
        signature.append((t, obj))
    elif isinstance(obj, np.generic):
        signature.append((t, obj.item()))
    else:
        signature.append((id(obj), obj))  # by identity (the object stays referenced by the key)


_LEAF = object()


def _template(result):
    """``(template, leaves)``: the structure of a step's result with its Values and arrays taken out."""
    leaves = []

    def walk(obj):
        t = type(obj)
        if t is tuple or t is list:
            return t, [walk(x) for x in obj]
        if t is dict:
            return dict, {k: walk(v) for k, v in obj.items()}
        leaves.append(obj)
        return _LEAF

    return walk(result), leaves


def _fill(template, built):
    if template is _LEAF:
        return next(built)
    kind, items = template
    if kind is dict:
        return {k: _fill(v, built) for k, v in items.items()}
    return kind(_fill(x, built) for x in items)


# --------------------------------------------------------------- guards
def _watch_guards(fn, args):
    """A function adding, at compile time, the guards on what ``fn`` reaches (see the module doc)."""
    from ..nn.module import Module
    from ..optim import Optimizer

    sites = []  # (expression builder, object)
    watched = {}

    def consider(obj):
        if isinstance(obj, (Module, Optimizer, types.FunctionType, types.BuiltinFunctionType)):
            watched[id(obj)] = obj
            return True
        return False

    roots = []
    target = getattr(fn, "__func__", fn)
    for cell in getattr(target, "__closure__", None) or ():
        try:
            obj = cell.cell_contents
        except ValueError:
            continue
        roots.append((cell, None, obj))
    owner = getattr(fn, "__self__", None)
    if owner is not None and hasattr(owner, "__dict__"):
        roots.extend((owner, name, obj) for name, obj in vars(owner).items())
    for container, name, obj in roots:
        if consider(obj):
            sites.append((container, name, obj))
        if isinstance(obj, (Module, Optimizer)) or (hasattr(obj, "__dict__") and not isinstance(obj, type)
                                                     and not callable(obj)):
            for attr, inner in list(vars(obj).items()):
                if not attr.startswith("__") and isinstance(inner, (Module, Optimizer)):
                    consider(inner)
                    sites.append((obj, attr, inner))
    for arg in args:
        consider(arg)

    def guards(c):
        tests = []
        for container, name, obj in sites:
            k, o = c.constant(container), c.constant(obj)
            if name is None:
                tests.append(f"{k}.cell_contents is not {o}")
            else:
                tests.append(f"getattr({k}, {name!r}, None) is not {o}")
        for obj in watched.values():
            if isinstance(obj, Optimizer):
                tests.append(f"{c.constant(obj)}.params is not {c.constant(obj.params)}")
            if isinstance(obj, Module):
                for m in obj.modules():
                    k = c.constant(m)
                    tests.append(f"{k}.training is not {bool(m.training)}")
                    tests.append(f"getattr({k}, 'trainable', None) != {c.constant(getattr(m, 'trainable', None))}")
                    if isinstance(getattr(m, "layers", None), list):
                        tests.append(f"len({k}.layers) != {len(m.layers)}")
        return tests

    return guards
