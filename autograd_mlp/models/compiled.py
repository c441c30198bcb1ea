"""The compiled steps behind ``fit``, ``train_on_batch``, ``evaluate`` and ``predict``.

Keras runs a model's train, test and predict functions compiled unless
``compile(run_eagerly=True)`` (or ``jit_compile=False``) says otherwise; so
does this library, with :func:`autograd_mlp.jit`.  Each of the three steps
is recorded on its first batch of a given shape and replayed as generated
numpy on the following ones::

    train(x_B, y_B):   optimizer.zero_grad()
                       L_B, ŷ_B = loss(y_B, model(x_B)) + penalties, model(x_B)
                       L_B.backward();  optimizer.step()       (not when L_B is not finite)
    test(x_B, y_B):    L_B, ŷ_B                                  (the graph recorded, never differentiated)
    predict(x_B):      ŷ_B                                       (no graph)

A replay runs the same floating-point operations in the same order as the
step written out (see :mod:`autograd_mlp.jit`), so the History, the
evaluation and the predictions are the eager ones bit for bit.  Where a
replay could not be faithful the step runs as written, silently:

* a batch with row weights (``sample_weight``, ``class_weight``): the rows are
  grouped by weight, so the program would differ from batch to batch;
* targets the loss converts itself (the class indices of
  ``sparse_categorical_crossentropy``; targets of another dtype than the
  outputs are converted here first, as the loss would);
* code in a custom loss or layer that branches on a Value's number
  (``float(v)``, ``if v > 0``) while the step is recorded: the replay would
  freeze the branch (``jit(..., fallback="eager")``);
* a model without trainable parameters (``train`` only: nothing to update).

Python side effects in a custom loss or layer (a call counter, a print)
happen when a step is recorded, not at each replay, as under Keras'
``jit_compile``; such code wants ``compile(run_eagerly=True)``.

A new batch shape (the last, smaller batch of an epoch) records once more;
each step keeps at most :data:`autograd_mlp.jit.MAX_PROGRAMS` recordings.  A
new ``compile()``, optimizer or loss starts afresh; a layer's ``trainable``
or ``training`` flag, the number of layers, and weights of another shape or
dtype (``set_weights`` with new arrays of the same shape is seen as it is)
are checked at every replay.
"""

from __future__ import annotations

import numpy as np

from ..engine import Value, enable_grad, no_grad
from ..jit import NonFiniteLoss, jit
from .steps import unweighted_loss

__all__ = ["CompiledSteps", "uses_compiled_steps"]


def uses_compiled_steps(model):
    """Whether ``model`` runs its steps compiled: ``jit_compile`` on and ``run_eagerly`` off (Keras' rule)."""
    return bool(getattr(model, "jit_compile", False)) and not getattr(model, "run_eagerly", False)


class CompiledSteps:
    """A model's compiled train, test and predict steps (made at ``compile()``, recorded lazily).

    Each method returns what the eager step returns, or ``None`` when the batch
    must run eagerly (row weights; see the module docstring for the rest,
    which the steps detect themselves and run as written).
    """

    def __init__(self, model):
        self.model = model
        self._train = {}  # with_outputs -> Compiled
        self._test = {}
        self._predict = None
        self._dtypes = {}  # x dtype -> the outputs' dtype

    def __deepcopy__(self, memo):
        # A copied model compiles its own steps (recordings hold this model's buffers).
        return None

    def _key(self):
        model = self.model
        return id(model.loss), id(model.optimizer)

    def _targets(self, x, y):
        """``y`` in the outputs' dtype, as the library's losses convert it (so the replay can bind it)."""
        dtype = self._dtypes.get(x.dtype)
        if dtype is None:
            # one row through the network, in evaluation mode and without a graph: no state changes
            model = self.model
            was_training = getattr(model, "training", False)
            model.eval()
            try:
                with no_grad():
                    dtype = self._dtypes[x.dtype] = _data(model(x[:1])).dtype
            finally:
                model.train(was_training)
        return y if y.dtype == dtype or dtype.kind != "f" else y.astype(dtype)

    def train(self, x, y, with_outputs):
        """``(L_B, ŷ_B or None)`` after one update, or ``(L_B, None)`` without one when L_B is not finite."""
        step = self._train.get(with_outputs)
        if step is None:
            step = self._train[with_outputs] = jit(
                _train_function(self.model, with_outputs), key=self._key, stop_on_nonfinite=True,
                fallback="eager")
        try:
            result = step(x, self._targets(x, y))
        except NonFiniteLoss as stop:
            return stop.value, None
        if with_outputs:
            loss, out = result
            return _number(loss), _data(out)
        return _number(result), None

    def test(self, x, y, with_outputs):
        """``(L_B, ŷ_B or None)``: the loss of a batch, the graph recorded as in training (see ``evaluate``)."""
        step = self._test.get(with_outputs)
        if step is None:
            step = self._test[with_outputs] = jit(
                _test_function(self.model, with_outputs), key=self._key, fallback="eager")
        with enable_grad():
            result = step(x, self._targets(x, y))
        if with_outputs:
            loss, out = result
            return _number(loss), _data(out)
        return _number(result), None

    def predict(self, x):
        """The outputs for a batch, without a graph."""
        if self._predict is None:
            model = self.model

            def forward(x):
                return model(x)

            self._predict = jit(forward, fallback="eager")
        with no_grad():
            return _data(self._predict(x))


def _train_function(model, with_outputs):
    def train_step(x, y):
        optimizer = model.optimizer
        optimizer.zero_grad()
        loss, out = unweighted_loss(model, model.loss, x, y)
        if isinstance(loss, Value) and loss.requires_grad:
            loss.backward()
            optimizer.step()
        return (loss, out) if with_outputs else loss

    return train_step


def _test_function(model, with_outputs):
    def test_step(x, y):
        loss, out = unweighted_loss(model, model.loss, x, y)
        return (loss, out) if with_outputs else loss

    return test_step


def _number(loss):
    return float(loss.data if isinstance(loss, Value) else loss)


def _data(out):
    return np.asarray(out.data if isinstance(out, Value) else out)
