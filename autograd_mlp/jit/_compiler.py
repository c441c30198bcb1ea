"""Turn a recorded step into one straight-line Python function over raw data.

The recorded events (operations, backward passes, gradient resets, optimizer
updates, random draws) become statements of a generated function
``_replay(A)``, ``A`` the step's array arguments.  Every value is a local
variable; parameters are read from their Values once (``P3.data``); each
operation is its inline form (:mod:`._kernels`) or a call to its rules
(:mod:`._rules`).  A backward pass is compiled the way
``engine._propagate`` runs it: the same topological order (the engine's own),
the same rules, contributions added in the same order, so the same bits.
The finished source then passes ufuncs their ``out=`` by position (cheaper
to call) and lets an elementwise result overwrite a dead input's buffer.
Statements whose results nobody uses are dropped (a sigmoid whose loss reads
the logits); random draws, gradient writes and updates are always kept.
"""

from __future__ import annotations

import ast
import math
import re

import numpy as np

from ..engine import Value
from . import _kernels as kernels
from . import _rules as r
from ._rules import rules_of

__all__ = ["compile_step", "MISS"]

#: What the replay returns when a guard finds the world changed since recording.
MISS = object()

#: Elements per chunk of an optimizer's update written out (see Optimizer._step_source): a
#: scratch of 16,384 numbers stays in a core's L2 cache; a parameter-sized one costs a W3
#: float32 step about 8% more (benchmarks/RESULTS.md).
UPDATE_CHUNK = 16384

_NAME = re.compile(r"\b[A-Za-z_][A-Za-z_0-9]*\b")


class _Stmt:
    __slots__ = ("text", "defs", "pure")

    def __init__(self, text, defs, pure):
        self.text, self.defs, self.pure = text, defs, pure


class Compiler:
    """Builds the source of one recorded step; see :func:`compile_step`."""

    def __init__(self, args):
        self.stmts = []
        self.guards = []
        self.checks = []
        self.namespace = dict(kernels.NAMES, _math=math, _ndarray=np.ndarray, _MISS=MISS,
                              _sigmoid=r.sigmoid_forward, _float=float)
        self.reusable = {}  # what an inline form left in its buffer for a later form (see _kernels)
        self.stop_on_nonfinite = False
        self.buffers = {}
        self.counter = 0
        self.names = {}       # id(Value) -> local holding its data now
        self.owners = {}      # id(Value) -> expression of the Value object itself (leaves)
        self.specs = {}       # local -> kernels.spec of what it holds
        self.nodes = {}       # id(op output) -> (rules, parents, ctx, local)
        self.keep = []        # strong references, so no id() is reused while compiling
        self.data_names = {}  # id(array) -> local, for arguments and random draws
        self.arg_leaves = {}  # id(Value argument) -> index in A
        self.grad_state = {}  # id(leaf) -> "none" after a reset, "set" after a write
        self.grads = {}       # id(leaf) -> local holding its .grad, once this program wrote it
        self.leaf_specs = {}  # expression of a leaf Value -> (type, shape, dtype, requires_grad) guarded
        self.out_grads = {}   # id(op output) -> local of its accumulated .grad
        self.outputs = set()
        for i, arg in enumerate(args):
            # One object given as two arguments cannot tell which one a use came from: replays
            # with the same sharing only (the other sharing records again).
            for j, other in enumerate(args[:i]):
                if other is arg:
                    self.guards.append(f"A[{i}] is not A[{j}]")
                elif type(arg) is np.ndarray and type(other) is np.ndarray and arg.shape == other.shape:
                    self.guards.append(f"A[{i}] is A[{j}]")
            if isinstance(arg, Value):
                self.arg_leaves.setdefault(id(arg), i)
            elif id(arg) not in self.data_names:
                name = self.fresh("a")
                self.emit(f"{name} = A[{i}]", (name,))
                self.data_names[id(arg)] = name
                self.specs[name] = kernels.spec(arg)
        self.args = args

    # ----------------------------------------------------------- helpers
    def fresh(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"

    def emit(self, text, defs=(), pure=True):
        self.stmts.append(_Stmt(text, tuple(defs), pure))

    def constant(self, obj):
        """A global name for ``obj`` in the generated code."""
        if type(obj) in (float, int) and math.isfinite(obj):
            return repr(obj)
        name = self.fresh("K")
        self.namespace[name] = obj
        self.keep.append(obj)
        return name

    def scaled(self, name, factor):
        """Source for ``name * factor`` (a Python float): the product itself when ``name`` is a
        constant of the program (the seed of a backward pass), computed once here, the same
        operation on the same numbers as at every replay."""
        if name in self.namespace and name not in kernels.NAMES:
            return self.constant(self.namespace[name] * factor)
        if re.fullmatch(r"-?[0-9]+\.[0-9]*(e[-+]?[0-9]+)?|-?[0-9]+e[-+]?[0-9]+", name):  # a float's repr
            return self.constant(float(name) * factor)
        return f"{name} * {factor!r}"

    def buffer(self, shape, dtype):
        name = self.fresh("B")
        self.buffers[name] = (tuple(shape), np.dtype(dtype))
        return name

    def data_name(self, data):
        """The local holding ``data`` if it is an argument or a random draw (or a reshaped view of
        one, as a loss makes of targets shaped (n,) for outputs (n, 1)), else a constant."""
        name = self.data_names.get(id(data))
        if name is not None:
            return name
        base = data.base if type(data) is np.ndarray else None
        source = self.data_names.get(id(base)) if type(base) is np.ndarray else None
        if source is not None and data.size == base.size and data.dtype == base.dtype \
                and data.flags.c_contiguous and base.flags.c_contiguous:
            name = self.data_names[id(data)] = self.fresh("a")
            self.keep.append(data)
            self.emit(f"{name} = {source}.reshape({data.shape!r})", (name,))
            self.specs[name] = kernels.spec(data)
            return name
        return self.constant(data)

    def _loss_targets(self, op, ctx):
        """Refuse a loss whose targets or weights a replay would freeze (see the jit docs)."""
        y = ctx[0]
        if type(y) is np.ndarray and (self.data_name(y) and id(y) not in self.data_names):
            raise NotImplementedError(
                f"the targets of {op.name} are not an argument of the step (they were converted, "
                f"e.g. to the prediction's dtype, or made by the step), so a replay would reuse them; "
                f"pass them with the prediction's shape and dtype"
            )
        if r.mean_coefficient(ctx) is None:
            raise NotImplementedError(f"{op.name} with per-case weights or another reduction would be "
                                      f"frozen at its recorded weights")

    def value_name(self, v):
        """The local holding Value ``v``'s data at this point of the step."""
        name = self.names.get(id(v))
        if name is not None:
            return name
        if id(v) in self.nodes:
            raise AssertionError("an operation's result is used before it was made")
        self.keep.append(v)
        data = v.data
        index = self.arg_leaves.get(id(v))
        if index is not None:
            owner = self.owners.setdefault(id(v), f"A[{index}]")
        elif id(data) in self.data_names:
            # a Value made inside the step around an argument (a layer wraps its input batch)
            # or a random draw: its data is bound at each replay
            name = self.names[id(v)] = self.data_names[id(data)]
            if v.requires_grad:
                self.owners[id(v)] = self.constant(v)
            return name
        elif not v.requires_grad and v._op is None and type(data) in (float, int):
            name = self.names[id(v)] = self.constant(data)
            self.specs[name] = kernels.spec(data)
            return name
        else:
            owner = self.owners.get(id(v))
            if owner is None:
                owner = self.owners[id(v)] = self.constant(v)
        self.leaf_specs[owner] = (type(data), np.shape(data), np.result_type(data) if type(data) is np.ndarray else None,
                                  v.requires_grad)
        name = self.fresh("p")
        self.emit(f"{name} = {owner}.data", (name,))
        self.names[id(v)] = name
        self.specs[name] = kernels.spec(data)
        return name

    # ------------------------------------------------------------ events
    def op(self, out, parents, op, ctx):
        rules = rules_of(op)
        if op in r.LOSSES:
            self._loss_targets(op, ctx)
        self.keep.append(out)
        a = [self.value_name(p) for p in parents]
        k = [self.data_name(c) if isinstance(c, np.ndarray) else self.constant(c) for c in ctx]
        o = self.fresh("v")
        args = [p.data for p in parents]
        text = kernels.forward(self, op, out.data, args, ctx, a, k, o)
        if text is None:
            f = self.constant(rules.forward)
            text = f"{o} = {f}(({''.join(x + ', ' for x in a)}), ({''.join(x + ', ' for x in k)}))"
        self.emit(text, (o,))
        self.names[id(out)] = o
        self.specs[o] = kernels.spec(out.data)
        self.nodes[id(out)] = (rules, parents, ctx, o)

    def random(self, result, fn, args):
        name = self.fresh("r")
        self.emit(f"{name} = {self.constant(fn)}(*{self.constant(tuple(args))})", (name,), pure=False)
        self.data_names[id(result)] = name
        self.keep.append(result)
        self.specs[name] = kernels.spec(result)

    def zero_grad(self, params):
        params = tuple(params)
        self.emit(f"for _p in {self.constant(params)}:\n    _p.grad = None", pure=False)
        for p in params:
            self.grad_state[id(p)] = "none"

    def step(self, optimizer):
        me = self.constant(optimizer)
        written = self._step_source(optimizer, me)
        if written is None:
            self.emit(f"{me}.step()", pure=False)
        else:
            guards, lines = written
            # the update names the parameters step() would find in this list: a new list records again
            self.guards.append(f"{me}.params is not {self.constant(optimizer.params)}")
            self.guards.extend(guards)
            self.emit("\n".join(lines), pure=False)
        for p in optimizer.params:
            if type(p.data) is not np.ndarray:  # a scalar parameter's data is a new number now
                self.names.pop(id(p), None)

    def backward(self, root, seed, grad, order):
        if self.stop_on_nonfinite and np.size(root.data) == 1:
            v = self.value_name(root)
            if type(root.data) is np.ndarray:
                v = f"{v}.item()"
            self.emit(f"if not _math.isfinite({v}):\n    raise _NonFinite(_float({v}))", pure=False)
        if grad is None:
            g = self.constant(seed)
        else:
            g = self.data_name(grad) if seed is grad else self.constant(seed)
        self.specs[g] = kernels.spec(seed)
        pending = {id(root): g}
        for node in reversed(order):
            g = pending.pop(id(node), None)
            if g is None:
                continue
            info = self.nodes.get(id(node))
            if info is None:
                if node._parents:
                    raise NotImplementedError(
                        "backward() reached a Value computed before this compiled step started; "
                        "compute it inside the step"
                    )
                self._write_grad(node, g)
                continue
            if id(node) in self.outputs:
                self._output_grad(node, g)
            self._propagate(node, info, g, pending)

    def _propagate(self, node, info, g, pending):
        rules, parents, ctx, zn = info
        z = node.data
        args = [p.data for p in parents]
        a = [self.value_name(p) for p in parents]
        k = [self.data_name(c) if isinstance(c, np.ndarray) else self.constant(c) for c in ctx]
        gspec = self.specs.get(g)
        if gspec is None:
            # a rule's result: the recording's backward pass left this node's adjoint in .grad
            gspec = self.specs[g] = kernels.spec(node.grad)
        joint = None
        for i, parent in enumerate(parents):
            if not parent.requires_grad:
                continue
            r = self.fresh("g")
            leaf = id(parent) not in self.nodes
            inline = kernels.vjp(self, rules.op, i, gspec, z, args, ctx, g, zn, a, k, r)
            if inline is not None:
                text, rspec = inline
                if leaf and text == f"{r} = {g}" and rspec and rspec[0] == "a":
                    text = f"{r} = {g}.copy()"  # a leaf's .grad owns its memory, as in the dynamic path
            else:
                rspec = None
                rest = "".join(", " + x for x in a + k)
                if rules.joint is not None:
                    if joint is None:
                        joint = self.fresh("j")
                        self.emit(f"{joint} = {self.constant(rules.joint)}({g}, {zn}, ({''.join(x + ', ' for x in a)}), "
                                  f"{''.join(x + ', ' for x in k)})", (joint,))
                    text = f"{r} = {joint}[{i}]"
                else:
                    text = f"{r} = {self.constant(rules.vjps[i])}({g}, {zn}{rest})"
                if leaf:
                    text += (f"\nif type({r}) is _ndarray and ({r} is {g} or {r}.base is not None):\n"
                             f"    {r} = {r}.copy()")
            self.emit(text, (r,))
            self.specs[r] = rspec
            previous = pending.get(id(parent))
            if previous is None:
                pending[id(parent)] = r
            else:
                s = self.fresh("g")
                text, sspec = kernels.accumulate(self, self.specs.get(previous), rspec, previous, r, s)
                self.emit(text, (s,))
                self.specs[s] = sspec
                pending[id(parent)] = s

    def _step_source(self, optimizer, me):
        """The optimizer's own compiled form of step() where every parameter is an array whose
        gradient this program knows (written by its backward pass with the parameter's shape and
        dtype, or None after its reset); else None, and the replay calls step()."""
        datas, grads = [], []
        for p in optimizer.params:
            state = self.grad_state.get(id(p))
            if type(p.data) is not np.ndarray or state is None:
                return None
            data = self.value_name(p)
            grad = None
            if state == "set":
                grad = self.grads.get(id(p))
                # step() casts a gradient to the parameter's dtype (and broadcasts it): a written-out
                # update would do those differently, so it takes only a gradient that needs neither
                if grad is None or self.specs.get(grad) != self.specs[data]:
                    return None
            datas.append(data)
            grads.append(grad)

        def scratch(name):
            # shaped like the array when it fits in one chunk (one ufunc call, no reshaping at
            # replay), else a flat chunk the update walks the array's flat view with
            _, shape, dtype = self.specs[name]
            size = int(np.prod(shape))
            return self.buffer(shape if size <= UPDATE_CHUNK else (UPDATE_CHUNK,), dtype), size, UPDATE_CHUNK

        return optimizer._step_source(me, datas, grads, scratch)

    def _write_grad(self, leaf, g):
        self.value_name(leaf)  # makes sure the leaf is known (and guarded)
        owner = self.owners.get(id(leaf))
        if owner is None:  # a constant that wraps an argument: nobody can read its gradient
            return
        state = self.grad_state.get(id(leaf))
        if state == "none":
            name, text = g, f"{owner}.grad = {g}"
        elif state == "set":
            name = self.fresh("g")
            text = f"{name} = {self.grads[id(leaf)]} + {g}\n{owner}.grad = {name}"
            if self.specs.get(self.grads[id(leaf)]) == self.specs.get(g):
                self.specs[name] = self.specs.get(g)  # the sum of two like arrays is one more
        else:
            name = self.fresh("g")
            text = f"_t = {owner}.grad\n{name} = {g} if _t is None else _t + {g}\n{owner}.grad = {name}"
        self.grad_state[id(leaf)] = "set"
        self.grads[id(leaf)] = name
        self.emit(text, pure=False)

    def _output_grad(self, node, g):
        previous = self.out_grads.get(id(node))
        if previous is None:
            self.out_grads[id(node)] = g
        else:
            s = self.fresh("g")
            self.emit(f"{s} = {previous} + {g}", (s,))
            self.out_grads[id(node)] = s

    # ----------------------------------------------------------- finish
    def finish(self, outputs, single=False):
        """Source and namespace of ``_replay(A)``, returning the locals named in ``outputs``
        (or, with ``single``, the Value :func:`value` makes of them)."""
        quick = []  # what every call tests: each leaf's data is the object seen last, requires_grad unchanged
        for owner, (kind, shape, dtype, requires_grad) in self.leaf_specs.items():
            # the data's type, shape and dtype are checked again only when it is another object
            # (set_weights assigns new arrays); requires_grad at every call
            seen = self.constant([None])
            quick.append(f"{owner}.data is not {seen}[0] or {owner}.requires_grad is not {requires_grad}")
            test = f"type(_d) is not {self.constant(kind)}"
            if kind is np.ndarray:
                test += (f" or _d.shape != {shape!r} or _d.dtype != {self.constant(dtype)}"
                         " or not _d.flags.c_contiguous")
            self.checks.append(f"_d = {owner}.data\nif {owner}.requires_grad is not {requires_grad} or "
                               f"(_d is not {seen}[0] and ({test})):\n    return _MISS\n{seen}[0] = _d")
        live = set()
        for name in outputs:
            live.update(_NAME.findall(name))
        kept = []
        for stmt in reversed(self.stmts):
            if stmt.pure and not any(d in live for d in stmt.defs):
                continue
            kept.append(stmt)
            live.update(_NAME.findall(stmt.text))
        kept.reverse()
        _write_in_place(kept, self.buffers, outputs)
        live = set()
        for text in [*outputs, *(stmt.text for stmt in kept)]:
            live.update(_NAME.findall(text))
        for name in list(self.buffers):
            if name not in live:
                del self.buffers[name]
        for stmt in kept:
            stmt.text = _positional_out(stmt.text, self.namespace)
        for name, (shape, dtype) in self.buffers.items():
            self.namespace[name] = np.empty(shape, dtype)
        lines = ["def _replay(A):"]
        if self.guards:
            lines.append("    if (" + "\n            or ".join(self.guards) + "):\n        return _MISS")
        if self.checks:
            # the full checks run only when the quick test fails (the first call, new data)
            lines.append("    if (" + "\n            or ".join(quick) + "):")
            for check in self.checks:
                lines.extend("        " + line for line in check.split("\n"))
        for stmt in kept:
            lines.extend("    " + line for line in stmt.text.split("\n"))
        if single:
            lines.append(f"    return _value({', '.join(outputs)})")
        else:
            lines.append(f"    return ({''.join(x + ', ' for x in outputs)})")
        return "\n".join(lines) + "\n", self.namespace


_UFUNC_LINE = re.compile(r"^(\w+) = _np\.(\w+)\((.*), out=(B\d+)\)(\s*#.*)?$")
_BOUND_LINE = re.compile(r"^(\w+) = (?:.*, out=(B\d+)\)|(B\d+))(\s*#.*)?$")


def _write_in_place(kept, buffers, outputs):
    """Let an elementwise ufunc write into the buffer of an input that nothing reads afterwards.

    ``y = _np.multiply(g, mask, out=B2)`` becomes ``out=g`` when ``g`` holds a
    buffer of B2's shape and dtype that only ``g``'s own statement writes and
    only this line reads (the gradient of a ReLU or tanh written over the
    incoming gradient, as hand-written numpy does).  The same ufunc on the
    same inputs, element by element, gives the same bits wherever it writes;
    the program needs one buffer fewer and touches less memory.
    """
    defined = {}  # name -> (index of its statement, the buffer it is bound to)
    uses = {}     # name -> indices of the statements that mention it
    for i, stmt in enumerate(kept):
        for line in stmt.text.split("\n"):
            bound = _BOUND_LINE.match(line)
            if bound and bound.group(1) in stmt.defs:
                defined[bound.group(1)] = (i, bound.group(2) or bound.group(3))
        for name in set(_NAME.findall(stmt.text)):
            uses.setdefault(name, []).append(i)
    returned = set()
    for text in outputs:
        returned.update(_NAME.findall(text))
    for i, stmt in enumerate(kept):
        lines = stmt.text.split("\n")
        for j, line in enumerate(lines):
            m = _UFUNC_LINE.match(line)
            if m is None or not isinstance(getattr(np, m.group(2), None), np.ufunc):
                continue
            out = m.group(4)
            for name in _NAME.findall(m.group(3)):
                where = defined.get(name)
                if where is None or name in returned or where[1] not in buffers:
                    continue
                start, buffer = where
                if (buffers[buffer] == buffers[out] and uses.get(name) == [start, i]
                        and uses.get(buffer) == [start]
                        and sum(name in _NAME.findall(other) for other in lines) == 1):
                    lines[j] = line[:m.start(4) - 4] + f"out={name})" + line[m.end(4) + 1:]
                    stmt.text = "\n".join(lines)
                    break


#: ufuncs whose positional ``out`` numpy deprecates (it reads as a third argument to compare)
_KEYWORD_OUT = (np.maximum, np.minimum)


def _positional_out(text, namespace):
    """``text`` with each ufunc's ``out=`` passed by position: ``_np.add(a, b, out=B)`` becomes
    ``_np.add(a, b, B)``, the same call without parsing a keyword (about 0.1 µs of the 0.4 µs a
    small array's ufunc call costs, which adds up in a step of small layers)."""
    if "out=" not in text:  # most statements of a scalar graph: nothing to parse
        return text
    tree = ast.parse(text)
    lines = text.split("\n")
    edits = []  # (line, start, end, replacement); the source is ASCII, so columns are characters

    def source(node):
        return lines[node.lineno - 1][node.col_offset:node.end_col_offset]

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or any(isinstance(arg, ast.Starred) for arg in node.args):
            continue
        names = [kw.arg for kw in node.keywords]
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "_np":
            fn = getattr(np, func.attr, None)
        elif isinstance(func, ast.Name):
            fn = namespace.get(func.id)
        else:
            continue
        first, last = (node.keywords[0], node.keywords[-1]) if node.keywords else (None, None)
        if first is None or first.lineno != last.end_lineno:
            continue
        if (isinstance(fn, np.ufunc) and fn.nout == 1 and names == ["out"] and len(node.args) == fn.nin
                and fn not in _KEYWORD_OUT):
            edits.append((first.lineno, first.col_offset, last.end_col_offset, source(first.value)))
        elif fn == np.add.reduce and names == ["axis", "out"] and len(node.args) == 1:
            # reduce(array, axis, dtype, out)
            axis, out = node.keywords
            edits.append((first.lineno, first.col_offset, last.end_col_offset,
                          f"{source(axis.value)}, None, {source(out.value)}"))
    for lineno, start, end, replacement in sorted(edits, reverse=True):
        line = lines[lineno - 1]
        lines[lineno - 1] = line[:start] + replacement + line[end:]
    return "\n".join(lines)


def value(data, grad=None):
    """A step's returned Value at replay: a new leaf with the result (copied out of the program's buffers)."""
    if type(data) is np.ndarray:
        data = data.copy()
    v = Value._wrap_constant(data)
    if grad is not None:
        v.grad = grad.copy() if type(grad) is np.ndarray else grad
    return v


def compile_step(events, args, result_leaves, guards=None, stop_on_nonfinite=False, single_value=False):
    """``(source, namespace, outputs)``: the replay of ``events``; ``outputs`` says how to rebuild the result.

    Nothing of the recording is kept but the constants the source names: the
    recorded Values (a whole dynamic step's arrays) are freed once compiled.

    ``result_leaves`` are the flattened leaves of what the step returned;
    each becomes ``("value", data, grad)`` for a Value made by the step,
    ``("same", obj)`` for an object returned as is, or ``("array", data)``
    for an array that is copied out.
    """
    c = Compiler(args)
    c.stop_on_nonfinite = stop_on_nonfinite
    returned = [x for x in result_leaves if isinstance(x, Value)]
    c.outputs = {id(v) for v in returned}
    for event in events:
        getattr(c, event[0])(*event[1:])
    outputs, names = [], []
    for leaf in result_leaves:
        if isinstance(leaf, Value) and id(leaf) in c.nodes:
            grad = c.out_grads.get(id(leaf))
            names.append(c.names[id(leaf)])
            if grad is not None:
                names.append(grad)
            outputs.append(("value", grad is not None))
        elif isinstance(leaf, np.ndarray) and id(leaf) in c.data_names:
            names.append(c.data_names[id(leaf)])
            outputs.append(("array",))
        else:
            outputs.append(("same", leaf))
    if guards is not None:
        c.guards.extend(guards(c))
    single = len(outputs) == 1 and outputs[0][0] == "value" and single_value
    c.namespace["_value"] = value
    source, namespace = c.finish(names, single)
    return source, namespace, outputs

