"""The two sets of update rules: which form follows which, each rule written out in numpy, clipping and decay.

Keras's rules are written here from Keras 3's update steps and PyTorch's
from ``torch.optim``'s documented algorithms; each is compared with the
optimizer over several steps of arbitrary gradients.  (The comparisons with
the libraries themselves are in test_keras_optimizers_compat.py and
test_optim_torch.py.)
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_mlp import Value, optim
from autograd_mlp.optim import SGD, Adagrad, Adam, AdamW, Nadam, RMSprop

from strategies import floats

FEW = settings(max_examples=25)


@st.composite
def gradient_sequences(draw, max_steps=6):
    """A starting parameter and a list of gradients of its shape."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
    theta = draw(hnp.arrays(np.float64, shape, elements=floats(-2, 2)))
    steps = draw(st.integers(1, max_steps))
    grads = [draw(hnp.arrays(np.float64, shape, elements=floats(-3, 3))) for _ in range(steps)]
    return theta, grads


def run(opt, theta, grads, rates=None):
    """Feed ``grads`` to ``opt`` (bound to one parameter starting at theta); the trajectory.

    ``rates``, when given, sets the learning rate before each step.
    """
    p = Value(np.array(theta, copy=True))
    opt.bind([p])
    path = []
    for t, g in enumerate(grads):
        if rates is not None:
            opt.learning_rate = rates[t]
        p.grad = np.array(g, copy=True)
        opt.step()
        path.append(np.array(p.data, copy=True))
    return path


def assert_same_path(path, expected, rtol=1e-12):
    assert len(path) == len(expected)
    for t, (a, b) in enumerate(zip(path, expected)):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-13, err_msg=f"step {t + 1}")


# ---------------------------------------------------------- which rule
def test_the_call_form_chooses_the_rule_and_rule_overrides_it():
    p = [Value(np.ones(2))]
    for cls in (SGD, Adam, RMSprop, Adagrad, AdamW, Nadam):
        assert cls().rule == "keras"
        assert cls(0.1).rule == "keras"
        assert cls(learning_rate=0.1).rule == "keras"
        assert cls(lr=0.1).rule == "keras"  # no parameters first: still the Keras form
        assert cls(p).rule == "torch"
        assert cls(p, 0.1).rule == "torch"
        assert cls(p, lr=0.1, rule="keras").rule == "keras"
        assert cls(0.1, rule="torch").rule == "torch"
        assert optim.get(cls.__name__.lower()).rule == "keras"
    assert SGD(p, 0.1).bind(p).rule == "torch"  # binding does not change it
    assert optim.RULES == ("keras", "torch")


@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.05, 0.95), st.booleans())
def test_with_a_constant_rate_both_momentum_rules_give_the_same_weights(seq, lr, mu, nesterov):
    theta, grads = seq
    keras = run(SGD(lr, mu, nesterov), theta, grads)
    torch = run(SGD([Value(0.0)], lr=lr, momentum=mu, nesterov=nesterov), theta, grads)
    assert_same_path(keras, torch, rtol=1e-10)


def test_when_the_rate_changes_keras_momentum_keeps_the_old_rate_in_its_velocity():
    rates, grads = [0.1, 0.1, 0.01], [np.array(1.0)] * 3
    keras = run(SGD(0.1, 0.9), np.array(0.0), grads, rates)
    torch = run(SGD([Value(0.0)], lr=0.1, momentum=0.9), np.array(0.0), grads, rates)
    # Keras: v = -0.1, -0.19, -0.181 (0.9·(-0.19) − 0.01)
    np.testing.assert_allclose([float(w) for w in keras], [-0.1, -0.29, -0.471], rtol=1e-14)
    # PyTorch: v = 1, 1.9, 2.71; the step is λ·v
    np.testing.assert_allclose([float(w) for w in torch], [-0.1, -0.29, -0.3171], rtol=1e-14)


# ---------------------------------------------------- Keras's rules
@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.0, 0.95), st.booleans())
def test_keras_sgd(seq, lr, mu, nesterov):
    theta, grads = seq
    nesterov = nesterov and mu > 0
    expected, th, v = [], theta.copy(), np.zeros_like(theta)
    for g in grads:
        if mu == 0:
            th = th - g * lr
        else:
            v = v * mu - g * lr
            th = th + (v * mu - g * lr if nesterov else v)
        expected.append(th)
    assert_same_path(run(SGD(lr, momentum=mu, nesterov=nesterov), theta, grads), expected)


@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.0, 0.95), floats(0.0, 0.9), floats(1e-7, 0.1),
       st.booleans())
def test_keras_rmsprop(seq, lr, rho, mu, eps, centered):
    theta, grads = seq
    expected, th = [], theta.copy()
    s, a, v = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    for g in grads:
        s = rho * s + (1 - rho) * g**2
        if centered:
            a = rho * a + (1 - rho) * g
            denominator = s - a**2 + eps
        else:
            denominator = s + eps
        increment = lr * g / np.sqrt(denominator)
        if mu > 0:
            v = mu * v + increment
            th = th - v
        else:
            th = th - increment
        expected.append(th)
    opt = RMSprop(lr, rho, mu, eps, centered)
    assert_same_path(run(opt, theta, grads), expected, rtol=1e-10)


@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.0, 1.0), floats(1e-7, 0.1))
def test_keras_adagrad(seq, lr, a0, eps):
    theta, grads = seq
    expected, th, s = [], theta.copy(), np.full_like(theta, a0)
    for g in grads:
        s = s + g**2
        th = th - lr * g / np.sqrt(s + eps)
        expected.append(th)
    assert_same_path(run(Adagrad(lr, a0, eps), theta, grads), expected)


def keras_adam(theta, grads, lr, b1, b2, eps, decay=0.0, amsgrad=False):
    expected, th, m, v = [], theta.copy(), np.zeros_like(theta), np.zeros_like(theta)
    v_max = np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        th = th - th * decay * lr
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        m = m + (g - m) * (1 - b1)
        v = v + (g**2 - v) * (1 - b2)
        v_max = np.maximum(v_max, v)
        th = th - m * alpha / (np.sqrt(v_max if amsgrad else v) + eps)
        expected.append(th)
    return expected


@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.0, 0.95), floats(0.5, 0.999), floats(1e-7, 0.1))
def test_keras_adam_adds_epsilon_to_the_uncorrected_root(seq, lr, b1, b2, eps):
    theta, grads = seq
    assert_same_path(run(Adam(lr, b1, b2, eps), theta, grads), keras_adam(theta, grads, lr, b1, b2, eps))


@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.5, 0.999))
def test_amsgrad_divides_by_the_largest_second_moment_so_far(seq, lr, b2):
    theta, grads = seq
    assert_same_path(run(Adam(lr, 0.9, b2, 1e-7, True), theta, grads),
                     keras_adam(theta, grads, lr, 0.9, b2, 1e-7, amsgrad=True))
    expected, th, m, v, v_max = [], theta.copy(), np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        m = 0.9 * m + 0.1 * g
        v = b2 * v + (1 - b2) * g**2
        v_max = np.maximum(v_max, v)
        th = th - lr * (m / (1 - 0.9**t)) / (np.sqrt(v_max / (1 - b2**t)) + 1e-7)
        expected.append(th)
    assert_same_path(run(Adam([Value(0.0)], lr=lr, beta_2=b2, amsgrad=True), theta, grads), expected)


@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.0, 0.5), floats(0.5, 0.95))
def test_keras_adamw_is_adam_after_decoupled_decay(seq, lr, decay, b1):
    theta, grads = seq
    assert_same_path(run(AdamW(lr, decay, b1), theta, grads), keras_adam(theta, grads, lr, b1, 0.999, 1e-7, decay))


def nadam(theta, grads, lr, b1, b2, eps, psi):
    mu = [b1 * (1 - 0.5 * 0.96 ** (t * psi)) for t in range(len(grads) + 2)]
    expected, th, m, v, product = [], theta.copy(), np.zeros_like(theta), np.zeros_like(theta), 1.0
    for t, g in enumerate(grads, start=1):
        product *= mu[t]
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = mu[t + 1] * m / (1 - product * mu[t + 1]) + (1 - mu[t]) * g / (1 - product)
        th = th - lr * m_hat / (np.sqrt(v / (1 - b2**t)) + eps)
        expected.append(th)
    return expected


@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.5, 0.95), floats(0.5, 0.999), floats(1e-7, 0.1))
def test_nadam_under_both_rules(seq, lr, b1, b2, eps):
    theta, grads = seq
    assert_same_path(run(Nadam(lr, b1, b2, eps), theta, grads), nadam(theta, grads, lr, b1, b2, eps, psi=1.0),
                     rtol=1e-10)
    torch_form = Nadam([Value(0.0)], lr=lr, beta_1=b1, beta_2=b2, epsilon=eps)
    assert torch_form.momentum_decay == 0.004
    assert_same_path(run(torch_form, theta, grads), nadam(theta, grads, lr, b1, b2, eps, psi=0.004), rtol=1e-10)


def test_nadam_continues_after_set_state_as_if_never_stopped():
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=3) for _ in range(8)]
    straight = run(Nadam(0.05), np.zeros(3), grads)
    first = Nadam(0.05)
    run(first, np.zeros(3), grads[:5])
    p = Value(np.array(straight[4], copy=True))
    second = Nadam(0.05).bind([p])
    second.set_state(first.get_state())
    for g in grads[5:]:
        p.grad = g
        second.step()
    np.testing.assert_allclose(p.data, straight[-1], rtol=1e-14)


# -------------------------------------------------- PyTorch's rules
@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.0, 0.95), floats(0.0, 0.9), floats(1e-7, 0.1),
       st.booleans())
def test_torch_rmsprop(seq, lr, rho, mu, eps, centered):
    theta, grads = seq
    expected, th = [], theta.copy()
    s, a, buf = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    for g in grads:
        s = rho * s + (1 - rho) * g**2
        if centered:
            a = rho * a + (1 - rho) * g
            avg = np.sqrt(s - a**2) + eps
        else:
            avg = np.sqrt(s) + eps
        if mu > 0:
            buf = mu * buf + g / avg
            th = th - lr * buf
        else:
            th = th - lr * g / avg
        expected.append(th)
    opt = RMSprop([Value(0.0)], lr=lr, alpha=rho, momentum=mu, epsilon=eps, centered=centered)
    assert_same_path(run(opt, theta, grads), expected, rtol=1e-10)


@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.0, 1.0), floats(1e-10, 0.1))
def test_torch_adagrad(seq, lr, a0, eps):
    theta, grads = seq
    expected, th, s = [], theta.copy(), np.full_like(theta, a0)
    for g in grads:
        s = s + g**2
        th = th - lr * g / (np.sqrt(s) + eps)
        expected.append(th)
    opt = Adagrad([Value(0.0)], lr=lr, initial_accumulator_value=a0, epsilon=eps)
    assert_same_path(run(opt, theta, grads), expected)


@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.0, 0.5))
def test_torch_weight_decay_is_an_l2_term_except_in_adamw(seq, lr, decay):
    theta, grads = seq
    expected, th = [], theta.copy()
    for g in grads:
        th = th - lr * (g + decay * th)
        expected.append(th)
    assert_same_path(run(SGD([Value(0.0)], lr=lr, weight_decay=decay), theta, grads), expected)
    # AdamW: θ ← θ (1 − λδ), then PyTorch's Adam
    expected, th, m, v = [], theta.copy(), np.zeros_like(theta), np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        th = th * (1 - lr * decay)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g**2
        th = th - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-7)
        expected.append(th)
    assert_same_path(run(AdamW([Value(0.0)], lr=lr, weight_decay=decay), theta, grads), expected)


@FEW
@given(gradient_sequences(), floats(0.001, 0.5), floats(0.0, 0.5))
def test_keras_weight_decay_is_decoupled_for_every_optimizer(seq, lr, decay):
    theta, grads = seq
    expected, th = [], theta.copy()
    for g in grads:
        th = th - th * decay * lr
        th = th - g * lr
        expected.append(th)
    assert_same_path(run(SGD(lr, weight_decay=decay), theta, grads), expected)


# ------------------------------------------------------------- clipping
def test_clipnorm_scales_each_gradient_to_at_most_the_norm():
    a, b = Value(np.zeros(2)), Value(np.zeros(2))
    ga, gb = np.array([3.0, 4.0]), np.array([0.3, 0.4])
    a.grad, b.grad = ga, gb
    SGD([a, b], lr=1.0, clipnorm=1.0).step()
    np.testing.assert_allclose(a.data, -ga / 5.0)
    np.testing.assert_allclose(b.data, -gb)  # already inside the norm
    np.testing.assert_array_equal(a.grad, [3.0, 4.0])  # the stored gradient is left alone


def test_global_clipnorm_scales_all_gradients_together():
    a, b = Value(np.zeros(2)), Value(np.zeros(1))
    a.grad, b.grad = np.array([3.0, 0.0]), np.array([4.0])
    SGD(1.0, global_clipnorm=2.5).bind([a, b]).step()
    np.testing.assert_allclose(np.concatenate([a.data, b.data]), [-1.5, 0.0, -2.0])
    c = Value(np.zeros(2))
    c.grad = np.zeros(2)
    SGD(1.0, global_clipnorm=1.0).bind([c]).step()  # a zero gradient stays zero, not NaN
    np.testing.assert_array_equal(c.data, [0.0, 0.0])


def test_clipvalue_clips_each_entry():
    a = Value(np.zeros(3))
    a.grad = np.array([-5.0, 0.2, 9.0])
    SGD(1.0, clipvalue=0.5).bind([a]).step()
    np.testing.assert_allclose(a.data, [0.5, -0.2, -0.5])


# ------------------------------------------------ dtypes, scalars, state
@pytest.mark.parametrize("make", [
    lambda: Adagrad(0.1), lambda: AdamW(0.1), lambda: Nadam(0.1), lambda: Adam(0.1, amsgrad=True), lambda: RMSprop(0.1, 0.9, 0.5, 1e-7, True),
    lambda: SGD(0.1, 0.9, True, clipnorm=1.0, weight_decay=0.1), lambda: Adam(0.1, global_clipnorm=1.0),
])
def test_float32_stays_float32_and_a_float_parameter_stays_a_float(make):
    p = Value(np.ones(3, dtype=np.float32))
    opt = make().bind([p])
    for _ in range(3):
        p.grad = np.full(3, 0.5, dtype=np.float32)
        opt.step()
    assert p.data.dtype == np.float32
    scalar, array = Value(1.5), Value(np.array(1.5))
    opt_s, opt_a = make().bind([scalar]), make().bind([array])
    for g in [0.3, -1.0, 2.0]:
        scalar.grad, array.grad = g, np.array(g)
        opt_s.step()
        opt_a.step()
    assert type(scalar.data) is float
    assert scalar.data == pytest.approx(float(array.data), rel=1e-15)


def test_state_of_one_rule_is_refused_by_the_other():
    p = Value(np.ones(2))
    keras = SGD(0.1, 0.9).bind([p])
    p.grad = np.ones(2)
    keras.step()
    assert set(keras.get_state()["slots"]) == {"0/momentum"}
    torch = SGD([Value(np.ones(2))], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="momentum"):
        torch.set_state(keras.get_state())
    assert torch.iterations == 0


@pytest.mark.parametrize("opt", [
    SGD(0.1, 0.9, weight_decay=0.01, clipnorm=2.0), RMSprop(0.01, 0.8, 0.5, 1e-6, True, clipvalue=0.5),
    Adagrad(0.1, 0.2, 1e-5, global_clipnorm=3.0), AdamW(0.01, 0.05), Nadam(0.002, 0.8, 0.9, 1e-6),
    Adam(0.01, amsgrad=True), AdamW(0.01, 0.1, 0.8, 0.9, 1e-6, True),
    SGD([Value(1.0)], lr=0.1, momentum=0.5), Nadam([Value(1.0)], lr=0.1, momentum_decay=0.01),
])
def test_config_round_trip_keeps_the_rule_and_options(opt):
    config = opt.get_config()
    assert config["rule"] == opt.rule
    again = optim.from_config(config)
    assert type(again) is type(opt) and again.get_config() == config


def test_a_config_without_a_rule_was_written_under_pytorchs_rules():
    opt = optim.from_config({"class": "SGD", "learning_rate": 0.1, "momentum": 0.9, "nesterov": False})
    assert opt.rule == "torch"
