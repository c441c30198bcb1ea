"""``Module``: the base of layers and models, with PyTorch's names.

A module owns parameters (Values held as attributes, or in lists of them) and sub-modules
(modules held as attributes, or in lists/tuples of them).  It finds both by
looking at its attributes, so a subclass only assigns them::

    class TwoLayer(Module):
        def __init__(self):
            super().__init__()
            self.hidden = Dense(8, input_dim=2, activation="tanh")
            self.out = Dense(1, input_dim=8, activation="sigmoid")

        def forward(self, x):
            return self.out(self.hidden(x))

Attributes whose names start with ``_`` are private and not searched.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from .. import _display, _tracing
from .._checks import numeric_array
from ..engine import Value

__all__ = ["Module"]


class Module:
    """Base class: ``parameters()``, ``zero_grad()``, ``train()``/``eval()``, ``state_dict()``; calling runs ``forward``."""

    def __init__(self):
        self.training = True

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ---------------------------------------------------------- discovery
    def _public_items(self):
        for name, value in vars(self).items():
            if not name.startswith("_"):
                yield name, value

    def named_children(self):
        """(name, module) for each direct sub-module; modules in a list are named ``list.i``."""
        for name, value in self._public_items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item

    def children(self):
        return [module for _, module in self.named_children()]

    def modules(self):
        """This module and every sub-module, depth first."""
        found = [self]
        for child in self.children():
            found.extend(child.modules())
        return found

    def named_parameters(self, prefix=""):
        """(dotted name, Value) for every parameter, each listed once, in definition order."""
        seen = set()
        for name, param in self._named_parameters(prefix):
            if id(param) not in seen:
                seen.add(id(param))
                yield name, param

    def _named_parameters(self, prefix):
        for name, value in self._public_items():
            if isinstance(value, Value):
                yield prefix + name, value
            elif isinstance(value, (list, tuple)):
                # a list of scalar Values, e.g. a neuron's weights (like PyTorch's ParameterList)
                for i, item in enumerate(value):
                    if isinstance(item, Value):
                        yield f"{prefix}{name}.{i}", item
        for name, child in self.named_children():
            yield from child._named_parameters(f"{prefix}{name}.")

    def parameters(self):
        """Every parameter Value, in definition order (what an optimizer updates)."""
        return [param for _, param in self.named_parameters()]

    def count_params(self):
        """The number of scalar parameters."""
        return int(sum(np.size(p.data) for p in self.parameters()))

    # ------------------------------------------------------------- state
    def zero_grad(self):
        """Reset every parameter's gradient to None (PyTorch's ``set_to_none``)."""
        params = self.parameters()
        if _tracing.active:  # jit hook
            _tracing.notify("zero_grad", params)
        for param in params:
            param.grad = None

    def train(self, mode=True):
        """Put this module and its sub-modules in training mode (Dropout active); returns self."""
        for module in self.modules():
            module.training = bool(mode)
        return self

    def eval(self):
        """Inference mode (Dropout inactive); returns self."""
        return self.train(False)

    def state_dict(self):
        """An ordered mapping from parameter names to copies of their arrays."""
        return OrderedDict((name, np.array(param.data, copy=True)) for name, param in self.named_parameters())

    def load_state_dict(self, state, strict=True):
        """Set parameters from a mapping of arrays, checking every name and shape before changing any."""
        params = OrderedDict(self.named_parameters())
        missing = [name for name in params if name not in state]
        unexpected = [name for name in state if name not in params]
        if strict and (missing or unexpected):
            raise ValueError(f"state_dict mismatch: missing {missing}, unexpected {unexpected}")
        updates = []
        for name, param in params.items():
            if name not in state:
                continue
            arr = numeric_array(f"state_dict[{name!r}]", state[name])
            if arr.shape != param.shape:
                raise ValueError(f"state_dict[{name!r}] has shape {arr.shape}, the parameter has {param.shape}")
            updates.append((param, arr))
        for param, arr in updates:
            param.data = float(arr) if type(param.data) is float else arr.astype(param.dtype, copy=True)

    def __repr__(self):
        lines = [f"{type(self).__name__}("]
        for name, child in self.named_children():
            lines.append(f"  ({name}): " + repr(child).replace("\n", "\n  "))
        lines.append(")")
        return "\n".join(lines) if len(lines) > 2 else f"{type(self).__name__}()"

    def _repr_svg_(self):
        """Jupyter shows a model as its drawing (neurons, or layer boxes when wide; None without Graphviz).

        The drawing is registered by :mod:`autograd_mlp.viz` (see :mod:`autograd_mlp._display`).
        """
        return _display.svg("module", self)
