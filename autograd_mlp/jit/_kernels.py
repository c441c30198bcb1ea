"""The inline forms a compiled step writes for the common primitives, instead of calling their rules.

Each form is the same arithmetic as the operation's forward or gradient rule,
in the same order, written as Python source: on Python floats it is the
operator itself (no call, no ``unbroadcast``), on arrays the same numpy
calls with ``out=`` into a buffer the program allocated once.  So the bits are
the dynamic path's; ``tests/test_jit.py`` holds every form equal to its rule.
A form applies only when the recorded data has the types it was written for
(checked here); anything else is compiled as a call to the rule itself.

A form is returned as source text whose result is bound to the given name;
``c.buffer(shape, dtype)`` names a buffer, and buffers are only ever written by
the one statement that owns them.
"""

from __future__ import annotations

import numpy as np

from ..ops import numeric
from . import _rules as r

__all__ = ["forward", "vjp", "accumulate", "NAMES"]

#: What the generated code calls, by the names it uses.  Sums and maxima call the ufunc's reduce
#: with the arguments ``np.sum``/``np.max`` would pass it (positionally: array, axis, dtype, out,
#: keepdims), skipping their Python wrapper: the same reduction, so the same bits.
NAMES = {"_np": np, "_matmul": np.matmul, "_add_reduce": np.add.reduce, "_max_reduce": np.maximum.reduce,
         "_sum": sum,
         # np.errstate(over="ignore") without a context manager per use, as the sigmoid's own rules enter it
         "_quiet": numeric.overflow_ignored, "_unquiet": numeric.restore_errstate,
         # where math raises (x/0, exp overflow, log 0) the dynamic path redoes a scalar in numpy
         "_fdiv": r.scalar_divide, **{f"_f{name}": fn for name, fn in r.scalar_math.items()}}

_SCALARS = (float, int)


def _scalar(x):
    return type(x) in _SCALARS


def _array_of(x, dtype, shape=None):
    return type(x) is np.ndarray and x.dtype == dtype and (shape is None or x.shape == shape)


_UNARY_UFUNCS = {r.TANH: "tanh", r.EXP: "exp", r.LOG: "log", r.SQRT: "sqrt", r.NEG: "negative"}
_MATH = {r.EXP: "exp", r.LOG: "log", r.TANH: "tanh", r.SQRT: "sqrt"}
_OPERATORS = {r.ADD: "+", r.SUB: "-", r.MUL: "*", r.DIV: "/"}
_BINARY_UFUNCS = {r.ADD: "add", r.SUB: "subtract", r.MUL: "multiply", r.DIV: "divide"}


def _quiet_overflow(lines):
    """``lines`` run as under ``np.errstate(over="ignore")`` (as the rule runs them)."""
    body = "".join(f"    {line}\n" for line in lines)
    return f"_e = _quiet()\ntry:\n{body}finally:\n    _unquiet(_e)"


def _sigmoid_into(x, out):
    """σ(x) = 1 / (1 + e^-x) in four passes over ``out``, as numeric.sigmoid computes it on arrays."""
    return _quiet_overflow([f"_np.negative({x}, out={out})", f"_np.exp({out}, out={out})",
                            f"_np.add({out}, 1.0, out={out})", f"_np.reciprocal({out}, out={out})"])


def forward(c, op, out, args, ctx, a, k, o):
    """Source computing ``o`` = op(args) inline, or None when the rule's own forward must be called."""
    if _scalar(out) and all(_scalar(x) for x in args):
        if op is r.DIV:
            return f"{o} = {a[0]} / {a[1]} if {a[1]} else _fdiv({a[0]}, {a[1]})"
        if op in _OPERATORS:
            return f"{o} = {a[0]} {_OPERATORS[op]} {a[1]}"
        if op is r.NEG:
            return f"{o} = -{a[0]}"
        if type(args[0]) is float:
            if op is r.RELU:
                return f"{o} = {a[0]} if {a[0]} > 0 else 0.0"
            if op in _MATH:
                return f"{o} = _f{_MATH[op]}({a[0]})"
            if op is r.SIGMOID:
                return f"{o} = _sigmoid({a[0]})"
        if op is r.WEIGHTED_SUM:
            n = (len(a) - 1) // 2
            terms = "".join(f"{w} * {x}, " for w, x in zip(a[:n], a[n:2 * n]))
            return f"{o} = _sum(({terms}), {a[-1]})"
        return None
    if type(out) is np.ndarray and out.ndim >= 1:
        return _array_forward(c, op, out, args, ctx, a, k, o)
    coef = r.mean_coefficient(ctx) if op in r.LOSSES else None
    if coef is None or type(args[0]) is not np.ndarray or not _array_of(ctx[0], args[0].dtype, args[0].shape):
        return None
    p = args[0]
    kind = c.constant(p.dtype.type)
    if op is r.MSE:
        t = c.buffer(p.shape, p.dtype)
        c.reusable[("p - y", a[0], k[0])] = (t, o)
        # _d.dot(_d) is the rule's _d @ _d: both run the dtype's dot kernel on a 1-d array, and the
        # method call skips the matmul ufunc's dispatch (half of the 0.8 µs it costs on W1)
        return (f"_d = _np.subtract({a[0]}, {k[0]}, out={t}).reshape(-1)\n"
                f"{o} = {kind}(_d.dot(_d) * {coef!r})")
    if op is r.CE_LOGITS and p.ndim == 2:
        return _ce_forward(c, p, a[0], k, o, kind, coef)
    if op is r.BCE_LOGITS:
        t1, t2 = c.buffer(p.shape, p.dtype), c.buffer(p.shape, p.dtype)
        return (f"_np.logaddexp(0.0, {a[0]}, out={t1})\n_np.multiply({k[0]}, {a[0]}, out={t2})\n"
                f"_np.subtract({t1}, {t2}, out={t1})\n{o} = {kind}(_add_reduce({t1}, None) * {coef!r})")
    return None


def _ce_forward(c, z, zn, k, o, kind, coef):
    """Cross-entropy from logits as losses.functions computes it, its intermediates kept.

    lse = log Σ e^(z - m) + m with m the row maximum (0 where not finite);
    L = c Σ_rows Σ y (lse - z).  Where every m is finite, e^(z - m) and its row
    sums are exactly what the rule's softmax recomputes, so the rule reuses them.
    """
    n, width = z.shape
    yn = k[0]
    m, e, t = c.buffer((n, 1), z.dtype), c.buffer(z.shape, z.dtype), c.buffer(z.shape, z.dtype)
    total, ok = c.buffer((n, 1), z.dtype), c.fresh("ok")
    forward = c.constant(r.rules_of(r.CE_LOGITS).forward)
    c.reusable[("ce", zn, yn)] = (e, total, ok, o)
    return (f"_max_reduce({zn}, -1, None, {m}, True)\n"
            f"{ok} = bool(_np.isfinite({m}).all())\n"
            f"if {ok}:\n"
            f"    _np.subtract({zn}, {m}, out={e})\n    _np.exp({e}, out={e})\n"
            f"    _add_reduce({e}, -1, None, {total}, True)\n"
            f"    _np.subtract(_np.log({total}) + {m}, {zn}, out={t})\n"
            f"    _np.multiply({yn}, {t}, out={t})\n"
            f"    {o} = {kind}(_add_reduce(_add_reduce({t}, -1, None, None, True), None) * {coef!r})\n"
            f"else:\n    {o} = {forward}(({zn},), ({yn}, {k[1]}))")


def _array_forward(c, op, out, args, ctx, a, k, o):
    dt, shape = out.dtype, out.shape
    if op is r.AFFINE:
        x, w, b = args
        if (_array_of(x, dt) and _array_of(w, dt) and _array_of(b, dt) and x.ndim == 2 and w.ndim == 2
                and b.ndim == 1 and b.size in (1, shape[-1])):
            return f"{o} = _matmul({a[0]}, {a[1]}, out={c.buffer(shape, dt)})\n_np.add({o}, {a[2]}, out={o})"
        return None
    if op is r.MATMUL:
        if _array_of(args[0], dt) and _array_of(args[1], dt) and args[0].ndim == 2 and args[1].ndim == 2:
            return f"{o} = _matmul({a[0]}, {a[1]}, out={c.buffer(shape, dt)})"
        return None
    if len(args) == 1 and _array_of(args[0], dt, shape):
        if op in _UNARY_UFUNCS:
            return f"{o} = _np.{_UNARY_UFUNCS[op]}({a[0]}, out={c.buffer(shape, dt)})"
        if op is r.RELU:
            return f"{o} = _np.maximum({a[0]}, 0, out={c.buffer(shape, dt)})"
        if op is r.SIGMOID:
            return f"{o} = {c.buffer(shape, dt)}\n" + _sigmoid_into(a[0], o)
        return None
    if op in _BINARY_UFUNCS and all(_array_of(x, dt) or _scalar(x) for x in args):
        return f"{o} = _np.{_BINARY_UFUNCS[op]}({a[0]}, {a[1]}, out={c.buffer(shape, dt)})"
    return None


def spec(x):
    """What the compiler knows of a value's type: ("f",) a Python float, ("a", shape, dtype) an
    array, ("s", dtype) a numpy scalar, None anything else."""
    if type(x) is float:
        return ("f",)
    if type(x) is np.ndarray:
        return ("a", x.shape, x.dtype)
    if isinstance(x, np.floating):
        return ("s", x.dtype)
    return None


def vjp(c, op, i, g, z, args, ctx, gn, zn, a, k, out):
    """``(source, spec)`` binding ``out`` to the gradient for input ``i`` inline, or None to call the rule.

    ``g`` is the adjoint's :func:`spec` (it decides the form), ``z`` the node's
    recorded data; ``gn``, ``zn``, ``a``, ``k`` their names in the program.
    """
    text = None
    if g == ("f",) and _scalar(z) and all(_scalar(x) for x in args):
        text, result = _scalar_vjp(op, i, args, gn, zn, a, out), ("f",)
    elif g is not None and g[0] == "a" and type(z) is np.ndarray and g[1:] == (z.shape, z.dtype):
        text = _array_vjp(c, op, i, g[2], g[1], args, gn, zn, a, out)
        result = ("a", np.shape(args[i]), g[2]) if text else None
    elif g is not None and g[0] in "fs" and np.ndim(z) == 0 and i == 0:
        text = _loss_vjp(c, op, args, ctx, gn, a, k, out)
        result = ("a", args[0].shape, args[0].dtype) if text else None
    return (text, result) if text else None


def _scalar_vjp(op, i, args, g, z, a, out):
    if op is r.ADD or (op is r.SUB and i == 0):
        return f"{out} = {g}"
    if op is r.SUB or op is r.NEG:
        return f"{out} = -{g}"
    if op is r.MUL:
        return f"{out} = {g} * {a[1 - i]}"
    if op is r.DIV:
        return f"{out} = {g} / {a[1]}" if i == 0 else f"{out} = -{g} * {z} / {a[1]}"
    if op is r.WEIGHTED_SUM:
        n = (len(a) - 1) // 2
        if i == 2 * n:
            return f"{out} = {g}"
        return f"{out} = {g} * {a[i + n] if i < n else a[i - n]}"
    if type(args[0]) is not float:
        return None
    if op is r.RELU:
        return f"{out} = {g} * (1.0 if {a[0]} > 0 else 0.0)"
    if op is r.TANH:
        return f"{out} = {g} * (1 - {z} * {z})"
    if op is r.EXP:
        return f"{out} = {g} * {z}"
    if op is r.LOG:
        return f"{out} = {g} / {a[0]}"
    if op is r.SQRT:
        return f"{out} = {g} / (2 * {z})"
    if op is r.SIGMOID:
        return f"{out} = {g} * {z} * _sigmoid(-{a[0]})"
    return None


def _array_vjp(c, op, i, dt, shape, args, gn, z, a, out):
    if op is r.AFFINE or op is r.MATMUL:
        x, w = args[0], args[1]
        if not (_array_of(x, dt) and _array_of(w, dt) and x.ndim == 2 and w.ndim == 2):
            return None
        if i == 0:
            return f"{out} = _matmul({gn}, {a[1]}.T, out={c.buffer(x.shape, dt)})"
        if i == 1:
            return f"{out} = _matmul({a[0]}.T, {gn}, out={c.buffer(w.shape, dt)})"
        b = args[2]
        if _array_of(b, dt) and b.shape == shape[1:]:
            return f"{out} = _add_reduce({gn}, axis=0, out={c.buffer(b.shape, dt)})"
        return None
    x = args[i] if i < len(args) else None
    if not _array_of(x, dt, shape):
        return None
    buffer = c.buffer(shape, dt)
    if op is r.ADD or (op is r.SUB and i == 0):
        return f"{out} = {gn}"
    if op is r.SUB or op is r.NEG:
        return f"{out} = _np.negative({gn}, out={buffer})"
    if op is r.MUL or (op is r.DIV and i == 0):
        other = args[1 - i]
        if not (_array_of(other, dt, shape) or _scalar(other)):
            return None
        ufunc = "multiply" if op is r.MUL else "divide"
        return f"{out} = _np.{ufunc}({gn}, {a[1 - i]}, out={buffer})"
    if op is r.TANH:
        t = c.buffer(shape, dt)
        return (f"_np.multiply({z}, {z}, out={t})\n_np.subtract(1, {t}, out={t})\n"
                f"{out} = _np.multiply({gn}, {t}, out={buffer})")
    if op is r.SIGMOID:
        t = c.buffer(shape, dt)
        # σ(-x) = 1 / (1 + e^x): the rule negates x twice on the way, which is exact
        return (f"{out} = _np.multiply({gn}, {z}, out={buffer})\n"
                + _quiet_overflow([f"_np.exp({a[0]}, out={t})", f"_np.add({t}, 1.0, out={t})",
                                   f"_np.reciprocal({t}, out={t})"])
                + f"\n_np.multiply({out}, {t}, out={out})")
    if op is r.RELU:
        mask = c.buffer(shape, np.dtype(bool))
        return f"_np.greater({a[0]}, 0, out={mask})\n{out} = _np.multiply({gn}, {mask}, out={buffer})"
    if op is r.EXP:
        return f"{out} = _np.multiply({gn}, {z}, out={buffer})"
    if op is r.LOG:
        return f"{out} = _np.divide({gn}, {a[0]}, out={buffer})"
    if op is r.SQRT:
        t = c.buffer(shape, dt)
        return f"_np.multiply(2, {z}, out={t})\n{out} = _np.divide({gn}, {t}, out={buffer})"
    return None


def _loss_vjp(c, op, args, ctx, gn, a, k, out):
    """A loss's rule, g c (...) for the plain mean's coefficient c, as losses.functions writes it."""
    if op not in r.LOSSES:
        return None
    p = args[0]
    coef = r.mean_coefficient(ctx)
    if coef is None or type(p) is not np.ndarray or not _array_of(ctx[0], p.dtype, p.shape):
        return None
    buffer = c.buffer(p.shape, p.dtype)
    if op is r.MSE:  # (p - y) (g (2 c))
        twice = 2.0 * coef
        made = c.reusable.get(("p - y", a[0], k[0]))
        if made is not None:  # the forward left p - y in its buffer: the same numbers, one pass fewer
            diff, after = made
            return f"{out} = _np.multiply({diff}, {c.scaled(gn, twice)}, out={buffer})  # after {after}"
        return (f"{out} = _np.subtract({a[0]}, {k[0]}, out={buffer})\n"
                f"_np.multiply({out}, {c.scaled(gn, twice)}, out={out})")
    if op is r.CE_LOGITS:  # g c (softmax(z) Σ_k y - y)
        made = c.reusable.get(("ce", a[0], k[0]))
        if made is None or p.ndim != 2:
            return None
        e, total, ok, after = made
        rule = c.constant(r.rules_of(r.CE_LOGITS).vjps[0])
        # softmax(z) = e / Σ e when the maxima are finite
        return (f"if {ok}:  # after {after}\n"
                f"    {out} = _np.divide({e}, {total}, out={buffer})\n"
                f"    _np.multiply({out}, _add_reduce({k[0]}, -1, None, None, True), out={out})\n"
                f"    _np.subtract({out}, {k[0]}, out={out})\n"
                f"    _np.multiply({c.scaled(gn, coef)}, {out}, out={out})\n"
                f"else:\n    {out} = {rule}({gn}, {after}, {a[0]}, {k[0]}, {k[1]})")
    if op is r.BCE_LOGITS:  # g c (σ(z) - y)
        return (f"_s = {c.scaled(gn, coef)}\n" + _sigmoid_into(a[0], buffer) + "\n"
                f"_np.subtract({buffer}, {k[0]}, out={buffer})\n{out} = _np.multiply(_s, {buffer}, out={buffer})")
    return None


def accumulate(c, previous, g, prev_name, g_name, out):
    """``(source, spec)`` for ``out = previous + g`` (a node's adjoint from one more consumer)."""
    if previous is not None and previous[0] == "a" and previous == g:
        return f"{out} = _np.add({prev_name}, {g_name}, out={c.buffer(previous[1], previous[2])})", previous
    return f"{out} = {prev_name} + {g_name}", (("f",) if previous == g == ("f",) else None)
