"""The data ``fit``, ``evaluate`` and ``predict`` are given, checked against the model before anything changes.

:class:`DataChecks` is a mixin of :class:`~autograd_mlp.models.model.Model`:
``x`` must match the model's input shape (rows of features, or image-shaped
cases such as 8×8 digits when the first layer is a ``Flatten`` or an
``Input`` of that shape), ``y`` its outputs and loss.  A model not yet built
is built only once every check has passed (and a check that needed a trial
forward pass undoes it).
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import losses
from ..engine import Value, no_grad
from ..nn.init import generator as _library_generator
from ..nn.shaping import Flatten
from .arguments import as_batch, as_table

__all__ = ["DataChecks"]


def _data(out):
    return out.data if isinstance(out, Value) else out


def _loss_name(loss):
    return losses.name_of(loss)


class DataChecks:
    """The checks of ``x`` and ``y`` (mixin; see the module docstring)."""

    def _known_input_width(self):
        width = getattr(self, "input_dim", None)
        return width if isinstance(width, numbers.Integral) else None

    def _known_case_shape(self):
        """The feature shape of one case (no batch axis) when the model knows it, else None."""
        known = getattr(self, "known_input_shape", None)
        shape = known() if callable(known) else None
        if shape is None:
            width = self._known_input_width()
            shape = None if width is None else (width,)
        return None if shape is None else tuple(shape)

    def _takes_image_shaped_input(self):
        """Whether cases may have more than one axis: a declared shape of several, or a Flatten first."""
        shape = self._known_case_shape()
        if shape is not None and len(shape) > 1:
            return True
        for layer in getattr(self, "layers", ()):
            if isinstance(layer, Flatten):
                return True
            if not getattr(layer, "keeps_shape", False):
                return False
        return False

    def _check_x(self, x, what="x"):
        """x as (rows, features) floats, or (rows, d1, d2 ...) for a model that takes such cases, checked against its input shape."""
        expected = self._known_case_shape()
        if self._takes_image_shaped_input():
            arr = as_batch(x, what)
            if expected is not None and arr.shape[1:] != expected:
                raise ValueError(
                    f"the model expects cases of shape {expected} (x of shape (rows, {', '.join(map(str, expected))})), "
                    f"got {what} of shape {arr.shape}"
                )
            return arr
        arr = as_table(x, what)
        given_1d = not isinstance(x, (str, bytes)) and np.ndim(_data(x)) == 1
        width = None if expected is None else expected[0]
        if width is not None and arr.shape[1] != width:
            hint = ""
            if given_1d:
                hint = f"; a flat list is read as {arr.shape[0]} rows of one feature, pass [[...]] for a single row"
            raise ValueError(
                f"the model expects {width} input features (columns of {what}), "
                f"got {what} of shape {arr.shape}{hint}"
            )
        return arr

    def _output_width(self, x):
        """The number of outputs, from a forward pass of one row (which also builds an unbuilt model)."""
        was_training = getattr(self, "training", False)
        self.eval()
        try:
            with no_grad():
                out = self(x[:1])
        finally:
            self.train(was_training)
        shape = np.shape(out.data if isinstance(out, Value) else out)
        if len(shape) != 2:
            raise ValueError(f"the model must output (rows, outputs), its output has shape {shape}")
        return shape[1]

    def _check_y(self, y, n_rows, n_out, what="y", x_what="x"):
        """y as (rows, outputs) floats (or class indices for sparse categorical cross-entropy)."""
        arr = as_table(y, what)
        if arr.shape[0] != n_rows:
            raise ValueError(
                f"{x_what} and {what} must have the same number of rows (one target per case), "
                f"got {n_rows} rows in {x_what} and {arr.shape[0]} in {what}"
            )
        name = _loss_name(self.loss)
        if name == "sparse_categorical_crossentropy":
            if arr.shape[1] != 1:
                raise ValueError(
                    f"sparse_categorical_crossentropy expects {what} as class indices of shape (rows,) or (rows, 1), "
                    f"got shape {arr.shape}"
                )
            if np.any(arr != np.round(arr)) or arr.min() < 0 or arr.max() >= n_out:
                raise ValueError(
                    f"{what} must hold whole class indices in [0, {n_out - 1}] for the model's {n_out} outputs, "
                    f"got values from {arr.min()} to {arr.max()}"
                )
            return arr
        if arr.shape[1] != n_out:
            hint = ""
            if arr.shape[1] == 1 and n_out > 1:
                hint = "; for class indices use to_categorical(y) (one-hot) or loss='sparse_categorical_crossentropy'"
            raise ValueError(
                f"the model has {n_out} outputs, so {what} must have shape (rows, {n_out}), got {arr.shape}{hint}"
            )
        if name in ("binary_crossentropy", "categorical_crossentropy") and (arr.min() < 0 or arr.max() > 1):
            raise ValueError(
                f"{name} expects {what} in [0, 1] (class labels or probabilities), "
                f"got values from {arr.min()} to {arr.max()}"
            )
        return arr

    def _declared_output_width(self):
        """The number of outputs known without building the model, or None (a subclass may know it)."""
        return None

    def _check_xy(self, x, y, x_what="x", y_what="y"):
        """x, y checked, and the output width; an unbuilt model is left unbuilt (see :meth:`_build_for`)."""
        x = self._check_x(x, x_what)
        if getattr(self, "built", True):
            n_out = self._output_width(x)
        else:
            n_out = self._declared_output_width()
            if n_out is None:
                # Only a forward pass tells the width; undo the build it does
                # (weights and the draws from the seeded generator) if y is refused.
                snapshot = [(module, dict(vars(module))) for module in self.modules()]
                generator = _library_generator()
                state = generator.bit_generator.state
                n_out = self._output_width(x)
                try:
                    return x, self._check_y(y, x.shape[0], n_out, y_what, x_what), n_out
                except BaseException:
                    for module, attributes in snapshot:
                        module.__dict__.clear()
                        module.__dict__.update(attributes)
                    generator.bit_generator.state = state
                    raise
        y = self._check_y(y, x.shape[0], n_out, y_what, x_what)
        return x, y, n_out

    def _build_for(self, x):
        """Build an unbuilt model for x's width (a forward pass of one row), once every check has passed."""
        if not getattr(self, "built", True):
            self._output_width(x)

