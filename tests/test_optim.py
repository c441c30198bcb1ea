"""Optimizers and learning-rate schedules: call styles, the textbook update rules, state, errors.

Each rule is checked against its textbook statement written out in numpy,
over several steps with arbitrary gradients.  Momentum and Nesterov are
written in the Keras/Sutskever form (v ← μv − λg, θ ← θ + v), a different
recurrence from the library's PyTorch form: with a constant learning rate
both give the same weights, which is what the test shows.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_mlp import Dense, Sequential, Value, losses, optim
from autograd_mlp.optim import (
    SGD, Adagrad, Adam, AdamW, ExponentialDecay, InverseTimeDecay, Nadam, RMSprop, StepDecay,
)

from strategies import floats

FEW = settings(max_examples=40)


@st.composite
def gradient_sequences(draw, max_steps=6):
    """A starting parameter and a list of gradients of its shape."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
    theta = draw(hnp.arrays(np.float64, shape, elements=floats(-2, 2)))
    steps = draw(st.integers(1, max_steps))
    grads = [draw(hnp.arrays(np.float64, shape, elements=floats(-3, 3))) for _ in range(steps)]
    return theta, grads


def run(optimizer_factory, theta, grads):
    """Apply the optimizer to one parameter fed the given gradients; return the trajectory."""
    p = Value(np.array(theta, copy=True))
    opt = optimizer_factory([p])
    path = []
    for g in grads:
        p.grad = np.array(g, copy=True)
        opt.step()
        path.append(np.array(p.data, copy=True))
    return path


def assert_same_path(path, expected):
    assert len(path) == len(expected)
    for t, (a, b) in enumerate(zip(path, expected)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, err_msg=f"step {t + 1}")


# ---------------------------------------------------------- textbook rules
@FEW
@given(gradient_sequences(), floats(0.001, 1.0))
def test_sgd_is_theta_minus_lr_g(seq, lr):
    theta, grads = seq
    expected, th = [], theta.copy()
    for g in grads:
        th = th - lr * g
        expected.append(th)
    assert_same_path(run(lambda ps: SGD(ps, lr=lr), theta, grads), expected)


@FEW
@given(gradient_sequences(), floats(0.001, 1.0), floats(0.0, 0.99))
def test_sgd_momentum_is_the_textbook_velocity_rule(seq, lr, mu):
    theta, grads = seq
    expected, th, v = [], theta.copy(), np.zeros_like(theta)
    for g in grads:
        v = mu * v - lr * g
        th = th + v
        expected.append(th)
    assert_same_path(run(lambda ps: SGD(ps, lr=lr, momentum=mu), theta, grads), expected)


@FEW
@given(gradient_sequences(), floats(0.001, 1.0), floats(0.01, 0.99))
def test_sgd_nesterov_is_the_textbook_look_ahead_rule(seq, lr, mu):
    theta, grads = seq
    expected, th, v = [], theta.copy(), np.zeros_like(theta)
    for g in grads:
        v = mu * v - lr * g
        th = th + mu * v - lr * g
        expected.append(th)
    assert_same_path(run(lambda ps: SGD(ps, lr=lr, momentum=mu, nesterov=True), theta, grads), expected)


@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.0, 0.99), floats(0.5, 0.9999), floats(1e-8, 1e-3))
def test_adam_is_kingma_and_ba_with_bias_correction(seq, lr, b1, b2, eps):
    theta, grads = seq
    expected, th = [], theta.copy()
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        th = th - lr * m_hat / (np.sqrt(v_hat) + eps)
        expected.append(th)
    factory = lambda ps: Adam(ps, learning_rate=lr, beta_1=b1, beta_2=b2, epsilon=eps)  # noqa: E731
    assert_same_path(run(factory, theta, grads), expected)


def test_adam_first_step_moves_every_coordinate_by_about_lr():
    """With bias correction the first step is λ g / (|g| + ε): nearly λ whatever the scale of g."""
    p = Value(np.zeros(3))
    p.grad = np.array([1e-3, -5.0, 200.0])
    Adam([p], lr=0.01, epsilon=1e-12).step()
    np.testing.assert_allclose(p.data, [-0.01, 0.01, -0.01], rtol=1e-8)


@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.0, 0.99), floats(1e-8, 1e-3))
def test_rmsprop_is_the_running_mean_square_rule(seq, lr, rho, eps):
    theta, grads = seq
    expected, th, s = [], theta.copy(), np.zeros_like(theta)
    for g in grads:
        s = rho * s + (1 - rho) * g * g
        th = th - lr * g / (np.sqrt(s) + eps)
        expected.append(th)
    assert_same_path(run(lambda ps: RMSprop(ps, lr=lr, rho=rho, epsilon=eps), theta, grads), expected)
    assert_same_path(run(lambda ps: RMSprop(ps, lr=lr, alpha=rho, epsilon=eps), theta, grads), expected)


@pytest.mark.parametrize("make", [
    lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1), lambda ps: RMSprop(ps, lr=0.1),
])
def test_a_python_float_parameter_stays_a_float_and_matches_the_array_path(make):
    scalar, array = Value(1.5), Value(np.array(1.5))
    opt_s, opt_a = make([scalar]), make([array])
    for g in [0.3, -1.0, 2.0]:
        scalar.grad, array.grad = g, np.array(g)
        opt_s.step()
        opt_a.step()
    assert type(scalar.data) is float
    assert scalar.data == pytest.approx(float(array.data), rel=1e-15)


def test_nesterov_on_python_float_parameters_keeps_the_gradient_term():
    # The scalar networks (nn.scalar) hold Python floats, which take their own branch of the update.
    from autograd_mlp.nn.scalar import Neuron

    neuron = Neuron(2, activation="linear")
    params = list(neuron.parameters())
    assert all(type(p.data) is float for p in params)
    twins = [Value(np.array(p.data)) for p in params]
    lr, mu = 0.1, 0.9
    opt_s, opt_a = SGD(params, lr=lr, momentum=mu, nesterov=True), SGD(twins, lr=lr, momentum=mu, nesterov=True)
    theta = [p.data for p in params]
    velocity = [0.0] * len(params)
    for step, scale in enumerate([0.5, -2.0, 1.5]):
        for k, (p, twin) in enumerate(zip(params, twins)):
            g = scale * (k + 1)
            p.grad, twin.grad = g, np.array(g)
            # PyTorch's Nesterov rule: v <- mu v + g;  theta <- theta - lr (g + mu v).
            velocity[k] = mu * velocity[k] + g
            theta[k] = theta[k] - lr * (g + mu * velocity[k])
        opt_s.step()
        opt_a.step()
        for k, (p, twin) in enumerate(zip(params, twins)):
            assert type(p.data) is float
            assert p.data == pytest.approx(theta[k], rel=1e-14, abs=1e-15), (step, k)
            assert p.data == pytest.approx(float(twin.data), rel=1e-14, abs=1e-15), (step, k)


def test_float32_parameters_stay_float32():
    p = Value(np.ones(3, dtype=np.float32))
    p.grad = np.ones(3, dtype=np.float32)
    opt = Adam([p], lr=0.1)
    opt.step()
    assert p.data.dtype == np.float32


def test_parameters_without_a_gradient_are_left_alone():
    a, b = Value(np.ones(2)), Value(np.ones(2))
    opt = SGD([a, b], lr=0.5, momentum=0.9)
    a.grad = np.ones(2)
    opt.step()
    np.testing.assert_array_equal(b.data, [1.0, 1.0])
    np.testing.assert_array_equal(a.data, [0.5, 0.5])


def test_zero_grad_step_loop_descends_a_real_loss():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    model = Sequential([Dense(1, input_dim=3)])
    opt = SGD(model.parameters(), lr=0.1, momentum=0.5)
    first = None
    for _ in range(100):
        opt.zero_grad()
        assert all(p.grad is None for p in model.parameters())
        loss = losses.mean_squared_error(y, model(x))
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    assert loss.item() < 1e-3 * first
    np.testing.assert_allclose(model.layers[0].weight.data.ravel(), [1.0, -2.0, 0.5], atol=0.02)


def test_a_gradient_held_as_a_value_is_used():
    p = Value(np.array([1.0, 2.0]))
    (p * p).sum().backward(create_graph=True)
    assert isinstance(p.grad, Value)
    SGD([p], lr=0.25).step()
    np.testing.assert_allclose(p.data, [0.5, 1.0])


# ------------------------------------------------------------- call styles
def test_keras_positional_call_style():
    opt = SGD(0.1, 0.9)
    assert (opt.learning_rate, opt.momentum, opt.nesterov) == (0.1, 0.9, False)
    assert SGD(0.1, 0.9, True).nesterov
    adam = Adam(0.01, 0.8, 0.99, 1e-6)
    assert (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon) == (0.01, 0.8, 0.99, 1e-6)
    rms = RMSprop(0.02, 0.5)
    assert (rms.learning_rate, rms.rho) == (0.02, 0.5)
    assert opt.params == []  # bound later (compile)
    p = Value(np.ones(2))
    assert opt.bind([p]) is opt and opt.params == [p]


def test_pytorch_call_style():
    model = Sequential([Dense(2, input_dim=2), Dense(1)])
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    assert (opt.learning_rate, opt.momentum) == (0.1, 0.9)
    assert [id(p) for p in opt.params] == [id(p) for p in model.parameters()]
    # as in torch.optim, the argument after the parameters is the learning rate
    for cls, default_name in [(SGD, "momentum"), (Adam, "beta_1"), (RMSprop, "rho")]:
        opt = cls(model.parameters(), 0.05)
        assert opt.learning_rate == 0.05
        assert getattr(opt, default_name) == getattr(cls(), default_name)


def test_keyword_names_and_the_lr_alias():
    p = [Value(np.ones(1))]
    assert SGD(p, learning_rate=0.2).learning_rate == SGD(p, lr=0.2).learning_rate == 0.2
    opt = SGD(learning_rate=0.3, momentum=0.5, nesterov=True)
    assert (opt.learning_rate, opt.momentum, opt.nesterov) == (0.3, 0.5, True)
    opt = Adam(lr=0.3, beta_1=0.5, beta_2=0.6, epsilon=1e-3)
    assert (opt.learning_rate, opt.beta_1, opt.beta_2, opt.epsilon) == (0.3, 0.5, 0.6, 1e-3)
    opt = RMSprop(learning_rate=0.3, rho=0.5, epsilon=1e-3)
    assert (opt.learning_rate, opt.rho, opt.epsilon) == (0.3, 0.5, 1e-3)


def test_defaults_are_keras():
    assert (SGD().learning_rate, SGD().momentum, SGD().nesterov) == (0.01, 0.0, False)
    assert (Adam().learning_rate, Adam().beta_1, Adam().beta_2, Adam().epsilon) == (0.001, 0.9, 0.999, 1e-7)
    assert (RMSprop().learning_rate, RMSprop().rho, RMSprop().epsilon) == (0.001, 0.9, 1e-7)


@pytest.mark.parametrize("call", [
    lambda p: SGD(0.1, learning_rate=0.2),
    lambda p: SGD(p, 0.1, lr=0.2),
    lambda p: SGD(p, learning_rate=0.1, lr=0.1),
    lambda p: SGD(0.1, 0.9, momentum=0.9),
    lambda p: SGD(p, 0.1, 0.9),
    lambda p: SGD(0.1, 0.9, True, 4),
    lambda p: RMSprop(0.1, 0.9, 0.0, 1e-7, False, 4),
    lambda p: Adam(0.1, 0.9, 0.999, 1e-7, False, 0.1),
    lambda p: Nadam(0.1, amsgrad=True),
    lambda p: SGD(0.1, bogus=1),
    lambda p: RMSprop(rho=0.9, alpha=0.9),
    lambda p: SGD(["w"]),
])
def test_ambiguous_or_wrong_calls_raise_type_error(call):
    with pytest.raises(TypeError):
        call([Value(np.ones(1))])


def test_sgd_of_an_integer_learning_rate_is_fine():
    assert SGD(5).learning_rate == 5.0


@pytest.mark.parametrize("make, match", [
    (lambda: SGD(0.0), "learning_rate"),
    (lambda: SGD(-0.1), "learning_rate"),
    (lambda: SGD(float("nan")), "learning_rate"),
    (lambda: SGD(float("inf")), "learning_rate"),
    (lambda: SGD(lr="0.1"), "learning_rate"),
    (lambda: SGD(learning_rate=True), "learning_rate"),
    (lambda: SGD(0.1, 1.0), "momentum"),
    (lambda: SGD(0.1, -0.5), "momentum"),
    (lambda: SGD(0.1, nesterov=True), "nesterov"),
    (lambda: Adam(beta_1=1.0), "beta_1"),
    (lambda: Adam(beta_2=-0.1), "beta_2"),
    (lambda: Adam(epsilon=0.0), "epsilon"),
    (lambda: RMSprop(rho=1.5), "rho"),
    (lambda: RMSprop(epsilon=-1e-7), "epsilon"),
    (lambda: SGD(0.1, clipnorm=1.0, clipvalue=1.0), "only one of"),
    (lambda: SGD(0.1, clipnorm=0.0), "clipnorm"),
    (lambda: Adam(global_clipnorm=-1.0), "global_clipnorm"),
    (lambda: RMSprop(clipvalue=float("nan")), "clipvalue"),
    (lambda: Adam(weight_decay=-0.1), "weight_decay"),
    (lambda: SGD(0.1, rule="tensorflow"), "rule"),
    (lambda: Adagrad(initial_accumulator_value=-1.0), "initial_accumulator_value"),
    (lambda: Nadam(momentum_decay=0.0), "momentum_decay"),
    (lambda: AdamW(weight_decay=-1.0), "weight_decay"),
    (lambda: AdamW(0.1, 0.1, 1.5), "beta_1"),
    (lambda: ExponentialDecay(0.1, 0, 0.5), "decay_steps"),
    (lambda: ExponentialDecay(0.1, 10, 0.0), "decay_rate"),
    (lambda: ExponentialDecay(-0.1, 10, 0.5), "initial_learning_rate"),
    (lambda: StepDecay(0.1, drop=0.0), "drop"),
    (lambda: StepDecay(0.1, every=0), "every"),
    (lambda: InverseTimeDecay(0.1, 10, -1.0), "decay_rate"),
])
def test_bad_hyper_parameters_raise_value_error_naming_them(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_parameter_lists():
    with pytest.raises(TypeError, match=r"params\[1\] must be a Value"):
        SGD([Value(1.0), np.ones(2)])
    with pytest.raises(ValueError, match="empty"):
        SGD([])
    with pytest.raises(RuntimeError, match="no parameters"):
        SGD(0.1).step()


# --------------------------------------------------------------- schedules
def test_exponential_decay_values():
    s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert s(0) == 0.1
    assert s(10) == pytest.approx(0.05, rel=1e-15)
    assert s(5) == pytest.approx(0.1 * math.sqrt(0.5), rel=1e-15)
    assert s(25) == pytest.approx(0.1 * 0.5**2.5, rel=1e-15)
    stairs = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert [stairs(t) for t in (0, 9, 10, 19, 20)] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025], rel=1e-15)


def test_step_decay_values():
    s = StepDecay(0.1, drop=0.5, every=3)
    assert [s(t) for t in range(8)] == pytest.approx([0.1] * 3 + [0.05] * 3 + [0.025] * 2, rel=1e-15)


def test_inverse_time_decay_values():
    s = InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0)
    assert [s(t) for t in (0, 10, 30)] == pytest.approx([0.1, 0.05, 0.025], rel=1e-15)
    assert s(5) == pytest.approx(0.1 / 1.5, rel=1e-15)


@pytest.mark.parametrize("schedule", [
    ExponentialDecay(0.2, 2, 0.5), StepDecay(0.2, drop=0.1, every=2), InverseTimeDecay(0.2, 1, 0.5),
    lambda step: 0.1 * (step + 1),
])
def test_an_optimizer_uses_the_schedule_at_the_0_based_step(schedule):
    p = Value(np.zeros(2))
    opt = SGD([p], learning_rate=schedule)
    for t in range(5):
        assert opt.current_learning_rate == pytest.approx(schedule(t))
        p.grad = np.array([1.0, -2.0])
        opt.step()
    total = sum(schedule(t) for t in range(5))
    np.testing.assert_allclose(p.data, [-total, 2 * total], rtol=1e-14)
    assert opt.iterations == 5


def test_keras_positional_schedule():
    opt = Adam(StepDecay(0.1, every=1))
    assert opt.current_learning_rate == 0.1


# ------------------------------------------------------------------- state
@pytest.mark.parametrize("make", [
    lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    lambda ps: Adam(ps, lr=0.05),
    lambda ps: RMSprop(ps, lr=0.05),
])
def test_get_state_set_state_round_trip_continues_the_same_trajectory(make):
    rng = np.random.default_rng(3)
    grads = [[rng.normal(size=(2, 3)), rng.normal(size=3)] for _ in range(6)]
    params = [Value(rng.normal(size=(2, 3))), Value(rng.normal(size=3))]
    opt = make(params)
    for step in grads[:3]:
        for p, g in zip(params, step):
            p.grad = g
        opt.step()
    state = opt.get_state()
    saved = {key: arr.copy() for key, arr in state["slots"].items()}
    assert saved, "momentum-like optimizers have state after three steps"
    copies = [Value(np.array(p.data, copy=True)) for p in params]
    other = make(copies)
    other.set_state(state)
    assert other.iterations == 3
    # the state is a copy: stepping the original does not change what was saved
    for step in grads[3:]:
        for p, q, g in zip(params, copies, step):
            p.grad, q.grad = g, g.copy()
        opt.step()
        other.step()
    for p, q in zip(params, copies):
        np.testing.assert_array_equal(p.data, q.data)
    assert state["iterations"] == 3
    for key, arr in saved.items():
        np.testing.assert_array_equal(state["slots"][key], arr)
    restored = make([Value(np.array(p.data, copy=True)) for p in params])
    restored.set_state(opt.get_state())
    for key, arr in opt.get_state()["slots"].items():
        np.testing.assert_array_equal(restored.get_state()["slots"][key], arr)


def test_set_state_checks_before_changing_anything():
    p = Value(np.ones(3))
    opt = SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.ones(3)
    opt.step()
    before = opt.get_state()
    bad_states = [
        {"iterations": 5, "slots": {"0/velocity": np.zeros(4)}},
        {"iterations": 5, "slots": {"1/velocity": np.zeros(3)}},
        {"iterations": 5, "slots": {"velocity": np.zeros(3)}},
        {"iterations": -1, "slots": {}},
        {"slots": {"0/velocity": np.zeros(3)}},
    ]
    for bad in bad_states:
        with pytest.raises(ValueError):
            opt.set_state(bad)
        after = opt.get_state()
        assert after["iterations"] == before["iterations"]
        np.testing.assert_array_equal(after["slots"]["0/velocity"], before["slots"]["0/velocity"])


# ------------------------------------------------------------ names, config
def test_get_by_name_and_unknown_names():
    assert type(optim.get("sgd")) is SGD and type(optim.get("Adam")) is Adam
    assert type(optim.get("rmsprop")) is RMSprop
    opt = SGD(0.1)
    assert optim.get(opt) is opt
    with pytest.raises(ValueError) as err:
        optim.get("adadelta")
    assert "'adadelta'" in str(err.value)
    for name in ("'adagrad'", "'adam'", "'adamw'", "'nadam'", "'rmsprop'", "'sgd'"):
        assert name in str(err.value)
    with pytest.raises(TypeError):
        optim.get(0.1)


@pytest.mark.parametrize("opt", [
    SGD(0.1, 0.9, True), Adam(0.01, 0.8, 0.99, 1e-6), RMSprop(0.02, 0.5, epsilon=1e-5),
    Adam(ExponentialDecay(0.1, 10, 0.5, staircase=True)), SGD(StepDecay(0.1, 0.5, 3)),
    RMSprop(InverseTimeDecay(0.1, 10, 1.0)),
])
def test_config_round_trip(opt):
    config = opt.get_config()
    again = optim.from_config(config)
    assert type(again) is type(opt)
    assert again.get_config() == config
    for t in (0, 7, 31):
        opt.iterations = again.iterations = t
        assert again.current_learning_rate == opt.current_learning_rate


def test_a_deep_copied_model_and_optimizer_continue_identically():
    import copy

    from autograd_mlp import Sequential, Dense, Adam, losses, set_seed

    set_seed(3)
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 1))
    model = Sequential([Dense(1, input_dim=3)])
    opt = Adam(model.parameters(), lr=0.01)

    def train(m, o, steps):
        for _ in range(steps):
            o.zero_grad()
            losses.mse(y, m(x)).backward()
            o.step()

    train(model, opt, 3)
    twin_model, twin_opt = copy.deepcopy((model, opt))
    train(model, opt, 2)
    train(twin_model, twin_opt, 2)
    for a, b in zip(model.get_weights(), twin_model.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("every", [0.5, 2.7, -3, float("inf"), float("nan"), "2", True])
def test_step_decay_every_must_be_a_positive_whole_number(every):
    with pytest.raises(ValueError, match="every"):
        StepDecay(0.1, every=every)


def test_step_decay_accepts_a_whole_float_as_its_integer():
    s = StepDecay(0.1, drop=0.5, every=3.0)
    assert s.every == 3 and type(s.every) is int
    assert s(5) == pytest.approx(0.05)


def test_growing_schedules_saturate_instead_of_overflowing():
    # A decay rate above 1 grows the rate; Python's float power would raise OverflowError
    # once rate**(t / steps) passes 1.8e308.
    import sys

    growing = ExponentialDecay(0.1, decay_steps=1, decay_rate=2.0)
    assert growing(10) == pytest.approx(0.1 * 2.0**10)
    assert growing(5000) == sys.float_info.max
    assert growing(10**6) == sys.float_info.max
    assert StepDecay(0.1, drop=3.0, every=1)(10**5) == sys.float_info.max
    assert ExponentialDecay(0.1, 1, 0.5)(10**6) == 0.0  # a shrinking rate underflows to 0 as before
