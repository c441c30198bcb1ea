"""Optimizers (SGD, RMSprop, Adagrad, Adam, AdamW, Nadam) and learning-rate schedules.

Two ways to make one, and each follows the library its form comes from:

* Keras, as the course writes it: ``SGD(0.1, 0.9)`` (learning rate first, or
  ``learning_rate=``, or no arguments), bound to the model's parameters later by
  ``compile``; every name given to ``compile`` (``"adam"``, ``"rmsprop"`` ...)
  makes one in this form.  These follow **Keras 3's update rules**.
* PyTorch: ``SGD(model.parameters(), lr=0.1, momentum=0.9)``, then
  ``zero_grad()``, ``loss.backward()``, ``step()`` in a loop.  As in
  ``torch.optim`` the argument after the parameters is the learning rate
  (``SGD(params, 0.1)``); the others go by keyword.  These follow
  **PyTorch's update rules**.

``rule="keras"`` or ``rule="torch"`` chooses explicitly in either form; the
optimizer's ``rule`` attribute says which it follows.  The rules differ where
ε enters (Adam: Keras adds it to the uncorrected √s; RMSprop and Adagrad: Keras
divides by √(s + ε)), in whether SGD's and RMSprop's momentum carries the
learning rate (Keras's does, so the two part when the rate changes mid-way),
in Nadam's momentum schedule, and in ``weight_decay`` (Keras: decoupled,
θ ← θ − θ·δ·λ; PyTorch: an L2 term δθ added to the gradient, decoupled only
in AdamW).  :mod:`.rules` writes out every rule; :mod:`.base` the clipping
(``clipnorm``, ``clipvalue``, ``global_clipnorm``, as Keras defines them) and
the decay.  Hyper-parameter defaults are Keras's in both forms.

=====================================  ==============  ======================================
how it is made                         rule            differs from the other rule in
=====================================  ==============  ======================================
``SGD(0.1, 0.9)``, ``Adam()``,         Keras 3         SGD/RMSprop momentum carries λ;
``Adam(learning_rate=1e-3)``,                          ε inside √(s + ε) (RMSprop, Adagrad)
``compile(optimizer="adam")``                          or on the uncorrected √s (Adam);
                                                       weight decay decoupled; Nadam ψ = 1
``SGD(model.parameters(), lr=0.1)``,   PyTorch         velocity without λ; ε outside the root,
``Adam(params, 1e-3)``                                 on √ŝ (Adam); weight decay as L2
                                                       (AdamW decoupled); Nadam ψ = 0.004
either, with ``rule="keras"`` or       the one named
``rule="torch"``
=====================================  ==============  ======================================

A learning rate may be a number or a schedule: any callable ``schedule(step)``
of the 0-based update count, such as :class:`ExponentialDecay` or
:class:`StepDecay` (the course recommends decreasing it as training converges).
"""

from __future__ import annotations

from ._args import RULES
from .base import Optimizer
from .rules import SGD, Adagrad, Adam, AdamW, Nadam, RMSprop
from .schedules import ExponentialDecay, InverseTimeDecay, LearningRateSchedule, StepDecay

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "RMSprop",
    "Adagrad",
    "AdamW",
    "Nadam",
    "LearningRateSchedule",
    "ExponentialDecay",
    "StepDecay",
    "InverseTimeDecay",
    "RULES",
    "get",
    "from_config",
]

_BY_NAME = {cls.__name__.lower(): cls for cls in (SGD, Adam, RMSprop, Adagrad, AdamW, Nadam)}
_SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, StepDecay, InverseTimeDecay)}


def get(identifier):
    """A fresh optimizer with Keras' defaults and Keras's rule for a name (``"sgd"``, ``"adam"`` ...), or the optimizer given."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        try:
            return _BY_NAME[identifier.lower()]()
        except KeyError:
            raise ValueError(f"unknown optimizer {identifier!r}; expected one of {sorted(_BY_NAME)}") from None
    raise TypeError(f"optimizer must be a name or an Optimizer, got {type(identifier).__name__}")


def from_config(config):
    """Rebuild an optimizer from :meth:`Optimizer.get_config` (used when loading a saved model).

    A config without ``"rule"`` was written when every optimizer followed
    PyTorch's rules, so it gets ``rule="torch"`` and its saved state continues
    the same trajectory.
    """
    config = dict(config)
    cls = _BY_NAME.get(str(config.pop("class", "")).lower())
    if cls is None:
        raise ValueError(f"unknown optimizer class in config; expected one of {sorted(_BY_NAME)}")
    if "learning_rate" not in config:
        raise ValueError(f"optimizer config for {cls.__name__} has no learning_rate")
    rate = config.pop("learning_rate")
    if isinstance(rate, dict):
        rate = dict(rate)
        schedule = _SCHEDULES.get(rate.pop("class", None))
        if schedule is None:
            raise ValueError(f"unknown learning-rate schedule; expected one of {sorted(_SCHEDULES)}")
        rate = schedule(**rate)
    config.setdefault("rule", "torch")
    return cls(learning_rate=rate, **config)
