"""ops.logits_of: the logits behind a sigmoid or softmax output, and nothing else."""

import numpy as np

from autograd_mlp import Value, no_grad, ops


def test_logits_of_sigmoid_and_softmax():
    z = Value(np.array([[1.0, -2.0]]))
    found = ops.logits_of(z.sigmoid())
    assert found.values is z and found.activation == "sigmoid" and found.axis is None
    found = ops.logits_of(ops.softmax(z, axis=-1))
    assert found.values is z and found.activation == "softmax" and found.axis == 1
    assert ops.logits_of(ops.softmax(z, axis=0)).axis == 0


def test_logits_of_anything_else_is_none():
    z = Value(np.array([1.0, -2.0]))
    assert ops.logits_of(z) is None
    assert ops.logits_of(z.tanh()) is None
    assert ops.logits_of(np.array([0.5])) is None
    with no_grad():
        assert ops.logits_of(z.sigmoid()) is None  # nothing recorded, nothing remembered
    p = z.sigmoid()
    p.sum().backward(retain_graph=False)
    assert ops.logits_of(p) is None  # the graph was released
