"""The optimizer base class: parameters, learning rate, state, gradient clipping and weight decay.

One update, for the parameters that have a gradient, in Keras's order:

1. clip the gradients (at most one of the three, as Keras defines them):
   ``clipnorm=c``         g ← g · c / max(‖g‖, c)            (each parameter's own norm)
   ``global_clipnorm=c``  g ← g · c / max(‖(g₁, g₂, …)‖, c)  (one norm over all of them)
   ``clipvalue=c``        g ← clip(g, −c, c)                   (each entry)
2. weight decay ``weight_decay=δ`` at the current learning rate λ:
   Keras's rule (decoupled, every optimizer)  θ ← θ − θ·δ·λ, before the update;
   PyTorch's rule  g ← g + δ·θ (an L2 term), except ``AdamW`` which decays
   θ ← θ·(1 − λ·δ) before the update as ``torch.optim.AdamW`` does;
3. the optimizer's own update (see each class).

The iteration count t starts at 0; a schedule gives λ = schedule(t) for the
next update, and t grows by one per ``step()``.  State is plain numpy arrays
keyed by the parameter's position and a slot name (``get_state``), so that a
saved or copied optimizer continues the same trajectory.
"""

from __future__ import annotations

import numpy as np

from .. import _tracing
from ..engine import Value
from ._args import _is_keras_form, _non_negative, _optional_positive, _positive, _rule
from .schedules import LearningRateSchedule

__all__ = ["Optimizer"]


class Optimizer:
    """Base class: holds the parameters, the learning rate (or schedule), the rule and per-parameter state.

    Subclasses implement :meth:`_update` for one parameter and name their
    state in :meth:`_slot_names`; ``step()`` clips, decays and applies it to
    every parameter that has a gradient.
    """

    #: Keras' default learning rate for this optimizer.
    default_learning_rate = 0.01
    #: Default ``weight_decay`` (AdamW's is not None).
    default_weight_decay = None
    #: Under PyTorch's rule, whether weight decay is decoupled (AdamW) rather than an L2 term.
    torch_decoupled_decay = False

    def __init__(self, params=None, learning_rate=None, lr=None, *, rule=None, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None):
        rule = _rule(rule, params)
        if params is not None and _is_keras_form(params):
            # Keras form: the first positional argument is the learning rate.
            if learning_rate is not None or lr is not None:
                raise TypeError("learning rate given twice (positionally and by keyword)")
            learning_rate, params = params, None
        if learning_rate is not None and lr is not None:
            raise TypeError("pass either learning_rate or its alias lr, not both")
        rate = learning_rate if learning_rate is not None else lr
        if rate is None:
            rate = self.default_learning_rate
        rate = rate if callable(rate) else _positive(rate, "learning_rate")
        if weight_decay is None:
            weight_decay = self.default_weight_decay
        weight_decay = None if weight_decay is None else _non_negative(weight_decay, "weight_decay")
        clips = {"clipnorm": _optional_positive(clipnorm, "clipnorm"),
                 "clipvalue": _optional_positive(clipvalue, "clipvalue"),
                 "global_clipnorm": _optional_positive(global_clipnorm, "global_clipnorm")}
        given = [name for name, value in clips.items() if value is not None]
        if len(given) > 1:
            raise ValueError(f"only one of clipnorm, clipvalue and global_clipnorm can be set, got {given}")
        self.learning_rate = rate
        self.rule = rule
        self.weight_decay = weight_decay
        self.clipnorm = clips["clipnorm"]
        self.clipvalue = clips["clipvalue"]
        self.global_clipnorm = clips["global_clipnorm"]
        self.iterations = 0
        self.params = []
        self.state = {}
        if params is not None:
            self.bind(params)

    def bind(self, params):
        """Attach the parameters to update (``compile`` does this for a model)."""
        if isinstance(params, Value):
            params = [params]
        try:
            params = list(params)
        except TypeError:
            raise TypeError(f"params must be an iterable of Values, got {type(params).__name__}") from None
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"params[{i}] must be a Value, got {type(p).__name__}")
        if not params:
            raise ValueError("the optimizer got an empty parameter list")
        self.params = params
        self.state = {}
        self.iterations = 0
        return self

    @property
    def current_learning_rate(self):
        """λ for the next update (a schedule evaluated at the current step)."""
        rate = self.learning_rate
        return float(rate(self.iterations)) if callable(rate) else rate

    def zero_grad(self):
        """Reset every parameter's gradient to None."""
        if _tracing.active:  # jit hook
            _tracing.notify("zero_grad", self.params)
        for p in self.params:
            p.grad = None

    def step(self):
        """Update every parameter that has a gradient, in place."""
        if not self.params:
            raise RuntimeError(
                f"{type(self).__name__} has no parameters: pass model.parameters() or compile a model with it"
            )
        if _tracing.active:  # jit hook
            _tracing.notify("step", self)
        lr = self.current_learning_rate
        if self.clipnorm is None and self.global_clipnorm is None and self.clipvalue is None and not self.weight_decay:
            self._plain_step(lr)
            return
        todo = []
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if isinstance(g, Value):
                g = g.data
            todo.append((i, p, g))
        if not todo:
            self.iterations += 1
            return
        grads = self._clipped([g for _, _, g in todo])
        self.iterations += 1
        for (i, p, _), g in zip(todo, grads):
            self._update_parameter(i, p, g, lr)

    def _update_parameter(self, i, p, g, lr):
        """Update parameter ``i`` (``p``) from its gradient ``g`` (an array or a number), decay included.

        ``g`` is converted to the parameter's dtype; a Python-float parameter
        is updated as a 0-d float64 array and stored back as a float.
        """
        scalar = type(p.data) is float
        data = np.array(p.data, dtype=np.float64) if scalar else p.data
        g = np.asarray(g, dtype=data.dtype)
        g = self._decayed(data, g, lr)
        self._update(i, data, g, lr)
        if scalar:
            p.data = float(data)

    def _plain_step(self, lr):
        """``step()`` without clipping or weight decay: each gradient goes straight to the update.

        The same updates in the same order as the general path, which collects
        every gradient before updating (a gradient never changes while
        another parameter is updated), without its lists and per-parameter calls.
        """
        self.iterations += 1  # before the updates, as in the general path (Adam's bias correction reads it)
        ndarray, update = np.ndarray, self._update
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            data = p.data
            if type(g) is ndarray and type(data) is ndarray and g.dtype == data.dtype:
                update(i, data, g, lr)  # the common case: an array parameter and its gradient
                continue
            # a Value gradient, a float parameter, another dtype: as the general path does it
            # (no weight decay here, so _decayed leaves the gradient alone)
            self._update_parameter(i, p, g.data if isinstance(g, Value) else g, lr)

    # ------------------------------------------------- clipping and decay
    def _clipped(self, grads):
        """The gradients after clipnorm / global_clipnorm / clipvalue (new arrays; p.grad is left alone)."""
        if self.clipnorm is not None:
            c = self.clipnorm
            return [np.asarray(g) * c / max(float(np.sqrt(np.sum(np.square(g)))), c) for g in grads]
        if self.global_clipnorm is not None:
            c = self.global_clipnorm
            norm = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads)))
            # c·min(1/‖G‖, 1/c) as Keras writes it; a non-finite norm makes the scale NaN as in Keras
            scale = c * min(1.0 / norm if norm > 0 else np.inf, 1.0 / c) + (norm - norm)
            return [np.asarray(g) * scale for g in grads]
        if self.clipvalue is not None:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def _decayed(self, data, g, lr):
        """Apply weight decay: to ``data`` in place (decoupled) or into the returned gradient (L2)."""
        wd = self.weight_decay
        if not wd:
            return g
        if self.rule == "keras":
            data -= data * wd * lr
        elif self.torch_decoupled_decay:
            data *= 1 - lr * wd
        else:
            g = g + wd * data
        return g

    # ------------------------------------------------------- the update
    def _step_source(self, me, datas, grads, buffer):
        """``step()`` written out for a compiled step (:mod:`autograd_mlp.jit`), or None to call it.

        ``me`` names this optimizer, ``datas`` the parameters' arrays and ``grads``
        their gradients (arrays of the parameter's shape and dtype, or None: skipped
        as step() skips it) in the generated code; ``buffer(array_name)`` gives
        ``(scratch_name, size, chunk)``, a scratch the program owns: shaped like the
        array when ``size <= chunk``, else flat with ``chunk`` elements.  Returns
        ``(guards, lines)`` (guards: conditions under which the replay must record
        again) or None; None (every optimizer but plain SGD) makes the replay call
        step() itself, which runs each rule's ``_update`` unchanged.
        """
        return None

    def _update(self, i, data, g, lr):
        """Update the array ``data`` of parameter ``i`` in place, from its gradient ``g``."""
        raise NotImplementedError

    def _slot_names(self):
        """The names of the per-parameter state arrays this optimizer keeps under its rule."""
        return ()

    def _scratch(self, i, like):
        """A work array shaped like parameter ``i``, reused across steps (not part of the saved state)."""
        buffers = self.__dict__.get("_scratch_buffers")
        if buffers is None:  # (setdefault would make a dict on every call)
            buffers = self.__dict__["_scratch_buffers"] = {}
        buffer = buffers.get(i)
        if buffer is None or buffer.shape != like.shape or buffer.dtype != like.dtype:
            buffer = buffers[i] = np.empty_like(like)
        return buffer

    def _slot(self, i, name, like, initial=0.0):
        # State is keyed by the parameter's position, not its id(), so that a
        # copied or unpickled model and optimizer keep their moments together.
        slots = self.state.setdefault(i, {})
        if name not in slots:
            slots[name] = np.full_like(like, initial, dtype=np.result_type(like))
        return slots[name]

    # ---------------------------------------------------------- saving
    def get_config(self):
        rate = self.learning_rate
        config = {"class": type(self).__name__}
        config["learning_rate"] = rate.get_config() if isinstance(rate, LearningRateSchedule) else rate
        config.update(self._hyper_parameters())
        config.update(weight_decay=self.weight_decay, clipnorm=self.clipnorm, clipvalue=self.clipvalue,
                      global_clipnorm=self.global_clipnorm, rule=self.rule)
        return config

    def _hyper_parameters(self):
        return {}

    def get_state(self):
        """Per-parameter slot arrays keyed ``"index/name"``, plus the iteration count."""
        arrays = {}
        for i, p in enumerate(self.params):
            for name, arr in self.state.get(i, {}).items():
                arrays[f"{i}/{name}"] = np.array(arr, copy=True)
        return {"iterations": self.iterations, "slots": arrays}

    def set_state(self, state):
        """Restore what :meth:`get_state` returned (after :meth:`bind`), checking everything first."""
        try:
            iterations, entries = state["iterations"], state["slots"]
        except (TypeError, KeyError):
            raise ValueError("optimizer state must be a mapping with 'iterations' and 'slots'") from None
        count = np.asarray(iterations)  # an int, or a 0-d integer array as read back from a file
        if isinstance(iterations, bool) or count.shape != () or count.dtype.kind not in "iu" or count < 0:
            raise ValueError(f"optimizer state 'iterations' must be a count >= 0, got {iterations!r}")
        known = self._slot_names()
        slots = {}
        for key, arr in entries.items():
            index, _, name = str(key).partition("/")
            if not index.isdigit() or not name:
                raise ValueError(f"optimizer state keys look like '0/velocity', got {key!r}")
            if name not in known:
                # e.g. PyTorch-rule momentum (which excludes λ) offered to a Keras-rule SGD (which includes it)
                raise ValueError(f"optimizer state {key!r}: {type(self).__name__} under the {self.rule} rule "
                                 f"keeps {sorted(known) or 'no state'}")
            index = int(index)
            if not 0 <= index < len(self.params):
                raise ValueError(f"optimizer state refers to parameter {index}, but there are {len(self.params)}")
            p = self.params[index]
            arr = np.asarray(arr)
            if arr.shape != p.shape:
                raise ValueError(f"optimizer state {key!r} has shape {arr.shape}, parameter has {p.shape}")
            slots.setdefault(index, {})[name] = arr.astype(p.dtype, copy=True)
        self.state = slots
        self.iterations = int(iterations)

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "class")
        return f"{type(self).__name__}({params})"

