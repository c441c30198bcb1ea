"""Compiled steps (autograd_mlp.jit): a replay gives the dynamic path's numbers, bit for bit.

Every comparison runs two identical models side by side, one stepped by the
plain function and one by its compiled version, and asserts equal bits in the
loss, the parameters, their gradients and the optimizer state after every step.
"""

from __future__ import annotations

import re
import threading
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mlp as am
from autograd_mlp import SGD, Adam, Dense, Dropout, RMSprop, Sequential, Value, losses, ops
from autograd_mlp.jit import Compiled, NonFiniteLoss, ReplayWarning, jit
from autograd_mlp.jit import _compiler, _kernels, _rules
from autograd_mlp.losses import functions as loss_functions
from autograd_mlp.nn.scalar import ScalarMLP
from autograd_mlp.optim import ExponentialDecay


def same(a, b):
    """Equal bits (NaN equal to NaN), equal types of container."""
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


def assert_same_state(model_a, model_b, opt_a=None, opt_b=None):
    for p, q in zip(model_a.parameters(), model_b.parameters()):
        assert type(p.data) is type(q.data)
        assert same(p.data, q.data)
        assert same(p.grad, q.grad)
    if opt_a is not None:
        assert opt_a.iterations == opt_b.iterations
        sa, sb = opt_a.get_state()["slots"], opt_b.get_state()["slots"]
        assert sa.keys() == sb.keys()
        for k in sa:
            assert same(sa[k], sb[k])


def torch_style(model, opt, loss_fn):
    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(y, model(x))
        loss.backward()
        opt.step()
        return loss

    return step


# ----------------------------------------------------------- dense networks
LOSS_OUTPUTS = [
    ("mean_squared_error", "sigmoid"), ("mean_squared_error", "linear"), ("mean_absolute_error", "tanh"),
    ("binary_crossentropy", "sigmoid"), ("categorical_crossentropy", "softmax"), ("hinge", "linear"),
]
OPTIMIZERS = [
    lambda p: SGD(p, lr=0.1), lambda p: SGD(p, lr=0.05, momentum=0.9),
    lambda p: SGD(p, lr=0.05, momentum=0.8, nesterov=True), lambda p: Adam(p, lr=0.01),
    lambda p: RMSprop(p, lr=0.01), lambda p: SGD(p, lr=ExponentialDecay(0.1, 2, 0.5)),
    # every rule, under Keras's and PyTorch's form: replayed through each one's own _update
    lambda p: SGD(p, lr=0.05, momentum=0.9, rule="keras"), lambda p: Adam(p, lr=0.01, rule="keras"),
    lambda p: RMSprop(p, lr=0.01, momentum=0.5, centered=True), lambda p: am.optim.Adagrad(p, lr=0.05),
    lambda p: am.optim.AdamW(p, lr=0.01, weight_decay=0.01), lambda p: am.optim.Nadam(p, lr=0.01),
    lambda p: am.optim.Adagrad(p, lr=0.05, rule="keras"), lambda p: am.optim.Nadam(p, lr=0.01, rule="keras"),
]


@st.composite
def networks(draw):
    depth = draw(st.integers(1, 3))
    widths = draw(st.lists(st.integers(1, 6), min_size=depth, max_size=depth))
    hidden = draw(st.lists(st.sampled_from(["relu", "tanh", "sigmoid", "linear", "softplus"]),
                           min_size=depth, max_size=depth))
    loss, output = draw(st.sampled_from(LOSS_OUTPUTS))
    dropout = draw(st.sampled_from([None, 0.0, 0.3]))
    return dict(
        inputs=draw(st.integers(1, 4)), widths=widths, hidden=hidden, loss=loss, output=output,
        outputs=draw(st.integers(2, 3)) if output == "softmax" else draw(st.integers(1, 2)),
        optimizer=draw(st.integers(0, len(OPTIMIZERS) - 1)), dropout=dropout,
        dtype=draw(st.sampled_from([np.float64, np.float32])), batch=draw(st.integers(1, 7)),
        seed=draw(st.integers(0, 2**16)),
    )


def build(net):
    am.set_seed(net["seed"])
    layers, width = [], net["inputs"]
    for i, (units, act) in enumerate(zip(net["widths"], net["hidden"])):
        layers.append(Dense(units, input_dim=width, activation=act, dtype=net["dtype"]))
        if net["dropout"] is not None and i == 0:
            layers.append(Dropout(net["dropout"], seed=net["seed"]))
        width = units
    layers.append(Dense(net["outputs"], input_dim=width, activation=net["output"], dtype=net["dtype"]))
    model = Sequential(layers)
    return model, OPTIMIZERS[net["optimizer"]](model.parameters())


def batch(net, rng, rows):
    x = rng.standard_normal((rows, net["inputs"])).astype(net["dtype"])
    k = net["outputs"]
    if net["loss"] == "categorical_crossentropy":
        y = np.eye(k)[rng.integers(0, k, rows)]
    elif net["loss"] == "binary_crossentropy":
        y = (rng.random((rows, k)) > 0.5) * 1.0
    elif net["loss"] == "hinge":  # labels in {-1, 1}
        y = np.where(rng.random((rows, k)) > 0.5, 1.0, -1.0)
    else:
        y = rng.standard_normal((rows, k))
    return x, y.astype(net["dtype"])


@settings(max_examples=60, deadline=None)
@given(networks())
def test_replay_equals_dynamic_bit_for_bit(net):
    model_a, opt_a = build(net)
    model_b, opt_b = build(net)
    loss_fn = losses.get(net["loss"])
    dynamic = torch_style(model_a, opt_a, loss_fn)
    compiled = jit(torch_style(model_b, opt_b, loss_fn))
    rng = np.random.default_rng(net["seed"])
    # several steps of one batch size, then a last smaller batch (which records again), then back
    sizes = [net["batch"]] * 4 + ([net["batch"] - 1] if net["batch"] > 1 else []) + [net["batch"]]
    for rows in sizes:
        x, y = batch(net, rng, rows)
        a, b = dynamic(x, y), compiled(x, y)
        assert isinstance(b, Value) and same(a.data, b.data) and same(a.grad, b.grad)
        assert_same_state(model_a, model_b, opt_a, opt_b)
    assert compiled.recordings == (2 if net["batch"] > 1 else 1)


def test_a_replay_runs_no_graph_and_rereads_parameters():
    net = dict(inputs=2, widths=[4], hidden=["tanh"], loss="binary_crossentropy", output="sigmoid", outputs=1,
               optimizer=1, dropout=None, dtype=np.float64, batch=5, seed=3)
    model, opt = build(net)
    step = jit(torch_style(model, opt, losses.binary_crossentropy))
    x, y = batch(net, np.random.default_rng(0), 5)
    step(x, y)
    step(x, y)
    assert step.recordings == 1
    loss = step(x, y)
    assert loss.is_leaf and loss.grad == 1.0
    # set_weights assigns new arrays: the replay reads them
    twin, twin_opt = build(net)
    model.set_weights(twin.get_weights())
    twin_opt.set_state(opt.get_state())
    assert same(step(x, y).data, torch_style(twin, twin_opt, losses.binary_crossentropy)(x, y).data)
    assert step.recordings == 1


# ------------------------------------------------------------- scalar graphs
def micrograd_style(params_by_neuron, rows, labels, params):
    """micrograd's demo loss written on this library's Values (two nodes per weight)."""
    def model(x):
        for layer_index, neurons in enumerate(params_by_neuron):
            out = []
            for ws, b in neurons:
                act = sum((wi * xi for wi, xi in zip(ws, x)), b)
                out.append(act.relu() if layer_index < len(params_by_neuron) - 1 else act)
            x = out
        return x[0]

    scores = [model([Value(v) for v in row]) for row in rows]
    data_loss = sum((1 + -yi * si).relu() for yi, si in zip(labels, scores)) * (1.0 / len(rows))
    return data_loss + 1e-4 * sum(p * p for p in params)


def scalar_net(seed, sizes):
    rng = np.random.default_rng(seed)
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers.append([([Value(float(rng.uniform(-1, 1))) for _ in range(fan_in)], Value(0.0))
                       for _ in range(fan_out)])
    params = [p for neurons in layers for ws, b in neurons for p in ws + [b]]
    return layers, params


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 1000), st.lists(st.integers(1, 4), min_size=1, max_size=2), st.integers(1, 6),
       st.sampled_from([0, 1, 2]))
def test_micrograd_style_scalar_code_replays_bit_for_bit(seed, hidden, n, which):
    rng = np.random.default_rng(seed)
    rows = rng.standard_normal((n, 2)).tolist()
    labels = [1.0 if v > 0 else -1.0 for v in rng.standard_normal(n)]
    sizes = [2, *hidden, 1]
    (layers_a, params_a), (layers_b, params_b) = scalar_net(seed, sizes), scalar_net(seed, sizes)
    make = [lambda p: SGD(p, lr=0.1), lambda p: SGD(p, lr=0.1, momentum=0.9), lambda p: Adam(p, lr=0.05)][which]
    opt_a, opt_b = make(params_a), make(params_b)

    def step_for(layers, params, opt):
        def step():
            opt.zero_grad()
            loss = micrograd_style(layers, rows, labels, params)
            loss.backward()
            opt.step()
            return loss
        return step

    dynamic, compiled = step_for(layers_a, params_a, opt_a), jit(step_for(layers_b, params_b, opt_b))
    for _ in range(4):
        a, b = dynamic(), compiled()
        assert type(b.data) is float and a.data == b.data
        for p, q in zip(params_a, params_b):
            assert type(q.data) is float and p.data == q.data and p.grad == q.grad
    assert compiled.recordings == 1


def test_library_scalar_network_replays_bit_for_bit():
    def make():
        am.set_seed(5)
        model = ScalarMLP(3, [4, 4, 1], activation="tanh")
        return model, SGD(model.parameters(), lr=0.05, momentum=0.5)

    (ma, oa), (mb, ob) = make(), make()
    rows = np.random.default_rng(1).standard_normal((6, 3)).tolist()

    def step_for(model, opt):
        def step():
            model.zero_grad()  # the module's reset is recorded too
            loss = sum((model(r) - 0.5) ** 2 for r in rows) * (1 / 6)
            loss.backward()
            opt.step()
            return loss
        return step

    dynamic, compiled = step_for(ma, oa), jit(step_for(mb, ob))
    for _ in range(3):
        assert dynamic().data == compiled().data
        assert_same_state(ma, mb, oa, ob)


# ------------------------------------------------------ inline forms = rules
UNARY = [ops.EXP, ops.TANH, ops.SIGMOID, ops.RELU, ops.NEG]
POSITIVE = [ops.LOG, ops.SQRT]
BINARY = [ops.ADD, ops.SUB, ops.MUL, ops.DIV]


class _Names:
    """A stand-in compiler: names buffers and constants for the inline forms."""

    def __init__(self):
        self.namespace = dict(_kernels.NAMES, _math=__import__("math"), _sigmoid=_rules.sigmoid_forward)
        self.reusable = {}
        self.n = 0

    def buffer(self, shape, dtype):
        self.n += 1
        self.namespace[f"B{self.n}"] = np.full(shape, 7.0, dtype)  # stale contents must not leak through
        return f"B{self.n}"

    def fresh(self, prefix):
        self.n += 1
        return f"{prefix}{self.n}"

    def constant(self, obj):
        self.n += 1
        self.namespace[f"K{self.n}"] = obj
        return f"K{self.n}"

    scaled = _compiler.Compiler.scaled

    def run(self, text, **values):
        scope = dict(self.namespace, **values)
        exec(text, scope)
        return scope


def _check_op(op, args, g):
    rules = _rules.rules_of(op)
    z = rules.forward(args, ())
    c = _Names()
    names = [f"x{i}" for i in range(len(args))]
    text = _kernels.forward(c, op, z, list(args), (), names, [], "out")
    if text is not None:
        got = c.run(text, **dict(zip(names, args)))["out"]
        assert same(got, z) and type(got) is type(z)
    gspec = _kernels.spec(g)
    for i in range(len(args)):
        expected = rules.joint(g, z, args)[i] if rules.joint else rules.vjps[i](g, z, *args)
        inline = _kernels.vjp(c, op, i, gspec, z, list(args), (), "g", "z", names, [], "out")
        if inline is None:
            continue
        got = c.run(inline[0], g=g, z=z, **dict(zip(names, args)))["out"]
        assert same(got, expected) and type(got) is type(expected)


@settings(max_examples=40, deadline=None)
@given(st.data(), st.sampled_from([np.float64, np.float32]))
def test_inline_forms_equal_the_rules(data, dtype):
    shape = data.draw(st.sampled_from([(3,), (2, 3), (4, 1)]))
    rng = np.random.default_rng(data.draw(st.integers(0, 9999)))
    arr = lambda: (rng.standard_normal(shape) * 3).astype(dtype)  # noqa: E731
    for op in UNARY + POSITIVE:
        x = arr()
        if op in POSITIVE:
            x = np.abs(x) + dtype(0.5)
        _check_op(op, (x,), arr())
        _check_op(op, (float(x.flat[0]),), float(rng.standard_normal()))
    for op in BINARY:
        _check_op(op, (arr(), arr()), arr())
        _check_op(op, (arr(), 1.5), arr())
        _check_op(op, (float(rng.standard_normal()), float(rng.standard_normal()) + 4.0), 0.75)
    m = (2, 3)
    x, w = rng.standard_normal((4, 2)).astype(dtype), rng.standard_normal(m).astype(dtype)
    _check_op(ops.MATMUL, (x, w), rng.standard_normal((4, 3)).astype(dtype))
    _check_op(ops.AFFINE, (x, w, rng.standard_normal(3).astype(dtype)), rng.standard_normal((4, 3)).astype(dtype))
    ws, xs = [float(v) for v in rng.standard_normal(3)], [float(v) for v in rng.standard_normal(3)]
    _check_op(ops.WEIGHTED_SUM, (*ws, *xs, 0.25), -1.5)


@pytest.mark.parametrize("op", [loss_functions.MSE, loss_functions.BCE_LOGITS, loss_functions.CE_LOGITS])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("extreme", [None, np.inf, -np.inf, np.nan])
def test_inline_loss_forms_equal_the_rules(op, dtype, extreme):
    rng = np.random.default_rng(0)
    p, y = rng.standard_normal((5, 3)).astype(dtype) * 30, (rng.random((5, 3)) > 0.5).astype(dtype)
    if extreme is not None:
        p[1, 2] = extreme  # a row whose maximum is not finite: the forms fall back to the rules
    rules = _rules.rules_of(op)
    r = loss_functions.weighting(p.shape, classes_summed=op is loss_functions.CE_LOGITS)
    with np.errstate(all="ignore"):
        z = rules.forward((p,), (y, r))
        c = _Names()
        scope = c.run(_kernels.forward(c, op, z, [p], (y, r), ["p"], ["y", "r"], "out"), p=p, y=y, r=r)
        assert same(scope["out"], z)
        g = z.dtype.type(1)
        text, _ = _kernels.vjp(c, op, 0, _kernels.spec(g), z, [p], (y, r), "g", "out", ["p"], ["y", "r"], "grad")
        assert same(c.run(text, **scope, g=g)["grad"], rules.vjps[0](g, z, p, y, r))
        # the seed of a backward pass is a constant: its product with the mean's coefficient is folded
        seed = c.constant(g)
        text, _ = _kernels.vjp(c, op, 0, _kernels.spec(g), z, [p], (y, r), seed, "out", ["p"], ["y", "r"], "grad")
        assert same(c.run(text, **scope)["grad"], rules.vjps[0](g, z, p, y, r))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_squared_error_sum_dot_method_is_the_rules_matmul(dtype):
    rng = np.random.default_rng(1)
    for n in [1, 2, 7, 31, 250, 1000, 4097, 70001]:
        d = (rng.standard_normal(n) * 1e3).astype(dtype)
        assert same(d.dot(d), d @ d)


def test_every_forward_matches_its_operation():
    """The adapter's forwards compute what the operations compute (the recorded data)."""
    rng = np.random.default_rng(0)
    x = Value(rng.standard_normal((3, 4)))
    cases = [x.sum(axis=0), x.mean(), x.max(axis=1), x.min(), x.logsumexp(axis=1), x.softmax(), x.reshape(4, 3),
             x.T, x.broadcast_to((2, 3, 4)), x.astype(np.float32), x[1:, ::2], x.abs(), x.softplus(),
             x ** 2.0, ops.where(x.data > 0, x, 2.0), ops.concatenate([x, x], axis=1)]
    for out in cases:
        rules = _rules.rules_of(out._op)
        assert same(rules.forward([p.data for p in out._parents], out._ctx), out.data), out._op.name


# ----------------------------------------------------------------- Dropout
def test_dropout_masks_are_redrawn_each_replay_from_the_same_generator():
    def make():
        am.set_seed(0)
        model = Sequential([Dense(8, input_dim=3, activation="relu"), Dropout(0.5), Dense(1)])
        return model, SGD(model.parameters(), lr=0.1)

    (ma, oa), (mb, ob) = make(), make()
    dynamic = torch_style(ma, oa, losses.mse)
    compiled = jit(torch_style(mb, ob, losses.mse))
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 3)), rng.standard_normal((16, 1))
    am.set_seed(42)
    seen = set()
    for _ in range(4):
        state = am.nn.init.generator().bit_generator.state
        a = dynamic(x, y)
        am.nn.init.generator().bit_generator.state = state
        b = compiled(x, y)
        assert a.data == b.data
        assert_same_state(ma, mb)
        seen.add(float(b.data))
    assert len(seen) > 1  # a frozen mask would repeat the loss... not exactly, but the masks differ
    # in evaluation mode the program changes: a guard notices and records again
    mb.eval()
    ma.eval()
    assert dynamic(x, y).data == compiled(x, y).data
    assert compiled.recordings == 2


# ------------------------------------------------ optimizer updates written out
def programs_of(step):
    return [p for programs in step._cache().values() for p in programs]


def plain_sgd_pair(lr, dtype=np.float64, make=None):
    """Two equal models (one wide enough that its first weight is updated in several chunks) and
    an extra parameter that no loss reaches, each with its own optimizer."""
    def one():
        am.set_seed(5)
        model = Sequential([Dense(170, input_dim=100, activation="relu", dtype=dtype),
                            Dense(3, activation="softmax", dtype=dtype)])
        unused = Value(np.ones((2, 2), dtype=dtype), requires_grad=True)  # never gets a gradient
        params = model.parameters() + [unused]
        return model, unused, (make or (lambda p: SGD(p, lr=lr)))(params)

    return one(), one()


def step_pairs_alike(pairs, seed, steps, rows=4, before_step=None):
    """Step both models of ``plain_sgd_pair`` with the same batches, one as written and one
    compiled, asserting equal losses and states after every step; the compiled step."""
    (ma, _, oa), (mb, _, ob) = pairs
    dynamic = torch_style(ma, oa, losses.categorical_crossentropy)
    compiled = jit(torch_style(mb, ob, losses.categorical_crossentropy))
    rng = np.random.default_rng(seed)
    for step in range(steps):
        if before_step is not None:
            before_step(step)
        x, y = rng.standard_normal((rows, 100)), np.eye(3)[rng.integers(0, 3, rows)]
        assert same(dynamic(x, y).data, compiled(x, y).data)
        assert_same_state(ma, mb, oa, ob)
    return compiled


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("lr", [0.1, ExponentialDecay(0.5, 2, 0.5)])
def test_plain_sgd_is_written_out_and_equals_step_bit_for_bit(lr, dtype):
    (ma, ua, oa), (mb, ub, ob) = plain_sgd_pair(lr, dtype)
    assert ma.layers[0].kernel.data.size > _compiler.UPDATE_CHUNK  # chunked, with a shorter last chunk
    dynamic = torch_style(ma, oa, losses.categorical_crossentropy)
    compiled = jit(torch_style(mb, ob, losses.categorical_crossentropy))
    rng = np.random.default_rng(1)
    for _ in range(5):
        x = rng.standard_normal((6, 100)).astype(dtype)
        y = np.eye(3, dtype=dtype)[rng.integers(0, 3, 6)]
        a, b = dynamic(x, y), compiled(x, y)
        assert same(a.data, b.data)
        assert_same_state(ma, mb, oa, ob)
        assert ub.grad is None and same(ua.data, ub.data)
    assert compiled.recordings == 1
    (program,) = programs_of(compiled)
    assert ".step()" not in program.source and "_lr" in program.source
    assert "_scratch_buffers" not in vars(ob)  # the recording's per-parameter scratch was freed
    # a learning rate set between steps (as ReduceLROnPlateau does) is read at the next replay
    oa.learning_rate = ob.learning_rate = 0.03
    x, y = rng.standard_normal((6, 100)).astype(dtype), np.eye(3, dtype=dtype)[rng.integers(0, 3, 6)]
    assert same(dynamic(x, y).data, compiled(x, y).data)
    assert_same_state(ma, mb, oa, ob)
    assert compiled.recordings == 1


@pytest.mark.parametrize("make", [
    lambda p: SGD(p, lr=0.1, momentum=0.9), lambda p: SGD(p, lr=0.1, weight_decay=0.01),
    lambda p: SGD(p, lr=0.1, clipnorm=0.5), lambda p: SGD(p, lr=0.1, clipvalue=0.01),
    lambda p: SGD(p, lr=0.1, global_clipnorm=0.5), lambda p: Adam(p, lr=0.01),
])
def test_other_updates_call_step_at_replay(make):
    compiled = step_pairs_alike(plain_sgd_pair(None, make=make), seed=2, steps=3)
    (program,) = programs_of(compiled)
    assert ".step()" in program.source


def test_sgd_bound_to_other_parameters_after_recording_records_again():
    (ma, _, oa), (mb, _, ob) = plain_sgd_pair(0.1)
    dynamic = torch_style(ma, oa, losses.categorical_crossentropy)
    hidden = [mb, ob]  # in a list, out of the guards' sight
    compiled = jit(lambda x, y: torch_style(hidden[0], hidden[1], losses.categorical_crossentropy)(x, y))
    rng = np.random.default_rng(5)
    for step in range(4):
        if step == 2:
            oa.bind(ma.layers[1].parameters())
            ob.bind(mb.layers[1].parameters())
        x, y = rng.standard_normal((4, 100)), np.eye(3)[rng.integers(0, 3, 4)]
        assert same(dynamic(x, y).data, compiled(x, y).data)
        assert_same_state(ma, mb, oa, ob)
    assert compiled.recordings == 2


def test_sgd_given_momentum_after_recording_records_again():
    pairs = plain_sgd_pair(0.1)
    (_, _, oa), (_, _, ob) = pairs

    def change(step):
        if step == 3:
            oa.momentum = ob.momentum = 0.5
        if step == 4:
            oa.clipvalue = ob.clipvalue = 0.001

    compiled = step_pairs_alike(pairs, seed=3, steps=6, before_step=change)
    assert compiled.recordings == 2  # the momentum's program calls step(), which reads every setting


def test_an_activation_gradient_is_written_over_a_gradient_nothing_reads_again():
    compiled = step_pairs_alike(plain_sgd_pair(0.1), seed=4, steps=3, rows=5)
    (program,) = programs_of(compiled)
    # the ReLU's gradient g ⊙ [z > 0] overwrites g (the product of the next layer's weights)
    assert re.search(r"(\w+) = _np\.multiply\((\w+), B\d+, \2\)", program.source)


def test_writing_in_place_keeps_a_buffer_that_is_read_again():
    def text(*lines):
        return [_compiler._Stmt(line, (line.split(" = ")[0],), True) for line in lines]

    buffers = {"B1": ((3,), np.dtype(float)), "B2": ((3,), np.dtype(float)), "B3": ((3,), np.dtype(float))}
    kept = text("g1 = _matmul(a, b, out=B1)", "g2 = _np.multiply(g1, m, out=B2)", "g3 = _np.add(g1, g2, out=B3)")
    _compiler._write_in_place(kept, buffers, ["g3"])
    assert kept[1].text.endswith("out=B2)")  # g1 is read again below
    assert kept[2].text.endswith("out=g1)") or kept[2].text.endswith("out=g2)")
    kept = text("g1 = _matmul(a, b, out=B1)", "g2 = _np.multiply(g1, m, out=B2)")
    _compiler._write_in_place(kept, buffers, ["g1", "g2"])  # g1 is returned
    assert kept[1].text.endswith("out=B2)")
    kept = text("g1 = _matmul(a, b, out=B1)", "g2 = _np.multiply(g1, m, out=B2)", "K.grad = B1")
    _compiler._write_in_place(kept, buffers, ["g2"])  # B1 is named again
    assert kept[1].text.endswith("out=B2)")


def test_ufuncs_get_their_out_by_position_except_where_numpy_deprecates_it():
    namespace = {"_matmul": np.matmul, "_add_reduce": np.add.reduce}
    text = ("g = _np.multiply(a, b, out=B1)  # note\n_np.add(g, K1 * 2.0, out=g)\nr = _matmul(x.T, g, out=B2)\n"
            "s = _add_reduce(g, axis=0, out=B3)\nm = _np.maximum(v, 0, out=B4)\n_np.max(v, axis=-1, out=B5)")
    assert _compiler._positional_out(text, namespace).split("\n") == [
        "g = _np.multiply(a, b, B1)  # note", "_np.add(g, K1 * 2.0, g)", "r = _matmul(x.T, g, B2)",
        "s = _add_reduce(g, 0, None, B3)", "m = _np.maximum(v, 0, out=B4)", "_np.max(v, axis=-1, out=B5)"]


def test_a_constant_times_a_coefficient_is_computed_when_compiling():
    c = _Names()
    seed = c.constant(np.float32(1.5))
    assert same(c.namespace[c.scaled(seed, 0.1)], np.float32(1.5) * 0.1)
    assert c.namespace[c.scaled("2.0", 0.1)] == 2.0 * 0.1 and c.scaled("g7", 0.1) == "g7 * 0.1"


# -------------------------------------------------------- what records again
def test_new_shapes_record_again_and_the_cache_is_bounded():
    model = Sequential([Dense(2, input_dim=3)])
    opt = SGD(model.parameters(), lr=0.1)
    step = jit(torch_style(model, opt, losses.mse), max_programs=3)
    for rows in (1, 2, 3, 4, 1, 4):
        step(np.ones((rows, 3)), np.zeros((rows, 2)))
    assert step.programs == 3
    assert step.recordings == 5  # rows=1 was evicted before it came back; rows=4 stayed
    step.clear()
    assert step.programs == 0


def test_one_array_given_as_two_arguments():
    w = Value(np.array([2.0, 3.0]))
    f = jit(lambda x, y: (w * x - y).sum())
    a, b = np.array([1.0, 1.0]), np.array([0.5, 0.25])
    assert f(a, a).data == 3.0      # recorded with x and y one object
    assert f(a, b).data == 4.25     # another sharing: records again
    assert f(b, b).data == 1.0
    assert f(b, a).data == -0.25
    assert f.recordings == 2


def test_value_arguments_are_bound_and_receive_their_gradients():
    @jit
    def f(v):
        loss = (v * v).sum()
        loss.backward()
        return loss

    f(Value(np.array([1.0, 2.0])))
    b = Value(np.array([3.0, 4.0]))
    out = f(b)
    assert out.data == 25.0 and same(b.grad, np.array([6.0, 8.0])) and f.recordings == 1
    f(b)  # no reset recorded: the gradient accumulates, as in the dynamic path
    assert same(b.grad, np.array([12.0, 16.0])) and f.recordings == 1


def test_nested_and_keyword_arguments_and_results():
    w = Value(np.array([1.0, -1.0]))

    @jit
    def f(pair, scale=1.0, *, shift):
        a, b = pair
        return {"sum": (w * a + b).sum() * scale + Value(shift).sum(), "parts": [w * a, 3]}

    x, y, z = np.array([1.0, 2.0]), np.array([0.5, 0.5]), np.array([1.0])
    first = f((x, y), 2.0, shift=z)
    again = f((x * 2, y), 2.0, shift=z + 1)
    assert first["sum"].data == 1.0 and again["sum"].data == 0.0
    assert same(again["parts"][0].data, np.array([2.0, -4.0])) and again["parts"][1] == 3
    assert f.recordings == 1
    f([x, y], 2.0, shift=z)  # a list is another structure than a tuple
    assert f.recordings == 2


def test_python_numbers_are_part_of_the_signature():
    w = Value(np.array([1.0, 2.0]))

    @jit
    def f(scale):
        return (w * scale).sum()

    assert f(2.0).data == 6.0 and f(3.0).data == 9.0 and f(2.0).data == 6.0
    assert f.recordings == 2


def test_replaced_optimizer_trainable_flag_and_requires_grad_record_again():
    model = Sequential([Dense(2, input_dim=3), Dense(2)])

    class Trainer:
        def __init__(self):
            self.model, self.opt = model, SGD(model.parameters(), lr=0.1)

        def step(self, x, y):
            self.opt.zero_grad()
            loss = losses.mse(y, self.model(x))
            loss.backward()
            self.opt.step()
            return loss

    trainer = Trainer()
    step = jit(trainer.step)
    x, y = np.ones((4, 3)), np.zeros((4, 2))
    step(x, y)
    step(x, y)
    assert step.recordings == 1
    trainer.opt = Adam(model.parameters())
    step(x, y)
    assert step.recordings == 2 and trainer.opt.iterations == 1
    model.layers[0].bias.requires_grad = False
    step(x, y)
    assert step.recordings == 3 and model.layers[0].bias.grad is None
    model.layers[0].trainable = False
    frozen = [p.data.copy() for p in model.layers[0].parameters()]
    step(x, y)
    step(x, y)
    assert step.recordings == 4
    for p, before in zip(model.layers[0].parameters(), frozen):  # frozen in the replay too
        np.testing.assert_array_equal(p.data, before)


def test_key_adds_to_the_signature():
    state = {"k": 0}
    w = Value(np.ones(2))
    f = jit(lambda: (w * 2.0).sum(), key=lambda: state["k"])
    f()
    f()
    state["k"] = 1
    f()
    assert f.recordings == 2


# ---------------------------------------------------------- what is frozen
def test_turning_a_value_into_a_number_warns():
    w = Value(np.array([1.0, -2.0]))

    def f():
        loss = (w * w).sum()
        if float(loss) > 100:  # frozen at recording
            return loss * 0.0
        return loss

    with pytest.warns(ReplayWarning, match=r"float\(v\)"):
        jit(f)()
    for how, g in [("bool", lambda v: bool(v.sum() > 0)), (">", lambda v: v.sum() > 0), ("item", lambda v: v.sum().item())]:
        with pytest.warns(ReplayWarning):
            jit(lambda: g(w * 1.0))()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        float(w.sum())  # outside a recording: no warning
        jit(lambda: (w * 2.0).sum())()


def test_fallback_eager_runs_a_frozen_branch_as_written_without_warning():
    w = Value(np.array([1.0, -2.0]))

    def f(x):
        loss = (w * x).sum()
        return loss * 2.0 if float(loss) > 0 else loss * -3.0

    step = jit(f, fallback="eager")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in (np.array([3.0, 1.0]), np.array([1.0, 3.0]), np.array([5.0, 0.0])):
            assert same(step(x).data, f(x).data)  # each call takes its own branch
    assert step.recordings == 1 and step.programs == 1  # recorded once, then run as written


@pytest.mark.parametrize("x_dtype", [np.float32, np.int64])
def test_a_batch_converted_to_the_layer_dtype_is_bound_not_frozen(x_dtype):
    """A Dense layer converts a batch of another dtype; the replay converts each new batch."""
    am.set_seed(1)
    model = Sequential([Dense(3, input_dim=2, activation="tanh")])
    step = jit(lambda x: model(x).sum())
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReplayWarning)
        for _ in range(3):
            x = (rng.standard_normal((4, 2)) * 3).astype(x_dtype)
            assert same(step(x).data, model(x).sum().data)
    assert step.recordings == 1


def test_arithmetic_on_data_is_not_recorded():
    """micrograd's hand-written update runs once, at recording; replays skip it (documented)."""
    w = Value(np.array([1.0]))

    @jit
    def step():
        w.grad = None
        loss = (w * w).sum()
        loss.backward()
        w.data = w.data - 0.1 * w.grad  # plain Python on .data
        return loss

    step()
    assert w.data[0] == pytest.approx(0.8)
    step()
    assert w.data[0] == pytest.approx(0.8)  # not updated again
    # nor is the reset by assignment: the replay's backward adds to the gradient left by the last call
    assert same(w.grad, np.array([2.0 + 1.6]))


def test_non_finite_loss_replays_as_the_dynamic_path():
    def make():
        model = Sequential([Dense(1, input_dim=1, kernel_initializer="ones")])
        return model, SGD(model.parameters(), lr=1e300)

    (ma, oa), (mb, ob) = make(), make()
    dynamic, compiled = torch_style(ma, oa, losses.mse), jit(torch_style(mb, ob, losses.mse))
    x, y = np.full((2, 1), 1e10), np.zeros((2, 1))
    with np.errstate(all="ignore"):
        for _ in range(3):
            assert same(dynamic(x, y).data, compiled(x, y).data)
            assert_same_state(ma, mb)
    assert not np.isfinite(mb.layers[0].weight.data).all()


def test_stop_on_nonfinite_stops_before_the_backward_pass_when_recording_and_replaying():
    model = Sequential([Dense(1, input_dim=1, kernel_initializer="ones")])
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    step = jit(torch_style(model, opt, losses.mse), stop_on_nonfinite=True)
    good, bad = np.ones((2, 1)), np.full((2, 1), np.inf)
    with np.errstate(all="ignore"):
        with pytest.raises(NonFiniteLoss) as info:
            step(bad, good)  # while recording
        assert info.value.value == np.inf and opt.iterations == 0 and model.layers[0].weight.grad is None
        step(good, good)
        step(good, good)
        before = [np.array(w) for w in model.get_weights()], opt.get_state()
        with pytest.raises(NonFiniteLoss):
            step(bad, good)  # while replaying
    assert step.recordings == 1 and opt.iterations == 2
    assert all(same(a, b) for a, b in zip(before[0], model.get_weights()))
    assert all(p.grad is None for p in model.parameters())  # zero_grad ran, the backward did not


def test_unsupported_recording_falls_back_to_running_the_step():
    w = Value(np.array([1.0, 2.0]))

    def f():
        y = (w * w).sum()
        return am.grad(lambda v: (v * v).sum())(w.data), y

    with pytest.raises(NotImplementedError, match="create_graph"):
        jit(lambda: (w * w).sum().backward(create_graph=True))()
    g, y = jit(f)()
    assert same(g, 2 * w.data)


# --------------------------------------------------------------- threads
def test_each_thread_records_its_own_program():
    model = Sequential([Dense(3, input_dim=2, activation="tanh")])
    step = jit(lambda x: model(x).sum())
    x = np.ones((4, 2))
    expected = float(model(x).sum().data)
    results = []

    def worker():
        for _ in range(3):
            results.append(float(step(x).data))
        results.append(step.recordings)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(expected) == 6 and results.count(1) == 2
    assert step.recordings == 0  # this thread recorded nothing


def test_bad_arguments():
    with pytest.raises(TypeError, match="function"):
        jit(3)
    with pytest.raises(ValueError, match="max_programs"):
        jit(lambda: None, max_programs=0)
    with pytest.raises(TypeError, match="key"):
        jit(lambda: None, key=5)
    with pytest.raises(ValueError, match="fallback must be 'warn' or 'eager', got 'never'"):
        jit(lambda: None, fallback="never")
    assert isinstance(am.jit(lambda: None), Compiled)


def test_a_user_primitive_replays_through_its_own_forward_and_rule():
    @am.primitive
    def cube(x):
        return x ** 3

    cube.defvjp(lambda g, z, x: g * 3 * x ** 2)
    calls = []
    w = Value(np.array([0.5, -1.0, 2.0]), requires_grad=True)

    def f(x):
        calls.append(1)
        loss = cube(w * x).sum()
        loss.backward()
        return loss

    step = jit(f)
    for x in (np.ones(3), np.full(3, 2.0), np.full(3, -0.5)):
        w.grad = None  # outside the step: a bare assignment is not part of a recording
        loss = step(x)
        np.testing.assert_allclose(np.asarray(loss), np.sum((w.data * x) ** 3))
        np.testing.assert_allclose(np.asarray(w.grad), 3 * (w.data * x) ** 2 * x)
    assert step.recordings == 1 and len(calls) == 1


def test_scalar_division_by_zero_and_overflow_replay_as_the_operators_give_them():
    w = Value(1.0, requires_grad=True)

    def f(d):
        return (w / d).log() + (w * 1000.0).exp() + (w - d).sqrt()

    step = jit(f)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        step(Value(0.5))
        for d in (0.0, 2.0, 0.25):
            assert same(step(Value(d)).data, f(Value(d)).data)
    assert step.recordings == 1


# ------------------------------------------------------ targets of a loss
def _twin_models(seed=3, out=1):
    def make():
        am.set_seed(seed)
        model = Sequential([Dense(6, input_dim=3, activation="tanh"), Dense(out, activation="sigmoid")])
        return model, SGD(model.parameters(), lr=0.1, momentum=0.9)

    return make(), make()


def test_flat_targets_are_bound_through_the_reshape_the_loss_makes():
    """y of shape (n,) against outputs (n, 1): the loss reshapes it, and each replay reshapes the new y."""
    (ma, oa), (mb, ob) = _twin_models()
    dynamic = torch_style(ma, oa, losses.binary_crossentropy)
    compiled = jit(torch_style(mb, ob, losses.binary_crossentropy))
    rng = np.random.default_rng(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReplayWarning)  # compiled, not run as written
        for _ in range(4):
            x, y = rng.standard_normal((10, 3)), (rng.random(10) > 0.5).astype(np.float64)
            assert same(compiled(x, y).data, dynamic(x, y).data)
    assert compiled.recordings == 1
    assert_same_state(ma, mb, oa, ob)


@pytest.mark.parametrize("how", ["int labels", "sample weights"])
def test_targets_or_weights_a_replay_would_freeze_run_the_step_as_written(how):
    """Labels converted to the output's dtype, or per-case weights, are not arguments: no replay."""
    (ma, oa), (mb, ob) = _twin_models()
    bce = am.losses.BinaryCrossentropy()

    def loss_of(y, p, w):
        return bce(y, p, sample_weight=w) if how == "sample weights" else losses.binary_crossentropy(y, p)

    def step(model, opt):
        def run(x, y, w):
            opt.zero_grad()
            loss = loss_of(y, model(x), w)
            loss.backward()
            opt.step()
            return loss
        return run

    dynamic, compiled = step(ma, oa), jit(step(mb, ob))
    rng = np.random.default_rng(2)
    with pytest.warns(ReplayWarning, match="targets|weights"):
        x, y, w = rng.standard_normal((10, 3)), rng.integers(0, 2, (10, 1)), rng.random(10)
        if how == "sample weights":
            y = y.astype(np.float64)
        assert same(compiled(x, y, w).data, dynamic(x, y, w).data)
    for _ in range(3):
        x, y, w = rng.standard_normal((10, 3)), rng.integers(0, 2, (10, 1)), rng.random(10)
        if how == "sample weights":
            y = y.astype(np.float64)
        assert same(compiled(x, y, w).data, dynamic(x, y, w).data)
    assert_same_state(ma, mb, oa, ob)
