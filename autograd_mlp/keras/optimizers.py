"""``tensorflow.keras.optimizers``: ``SGD``, ``Adam``, ``RMSprop``, ``Adagrad``, ``AdamW``, ``Nadam``, ``get`` and ``schedules``.

Made this way (learning rate first, or by name in ``compile``) they follow
Keras 3's update rules; see :mod:`autograd_mlp.optim`.

``schedules`` holds the learning-rate schedules, reachable both as an
attribute (``optimizers.schedules.ExponentialDecay``) and by import
(``from autograd_mlp.keras.optimizers.schedules import ExponentialDecay``), as
in Keras.
"""

import sys
import types

from ..optim import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    Nadam,
    Optimizer,
    RMSprop,
    StepDecay,
    get,
)

__all__ = ["Optimizer", "SGD", "Adam", "RMSprop", "Adagrad", "AdamW", "Nadam", "get", "schedules"]

schedules = types.ModuleType(
    f"{__name__}.schedules", "Learning-rate schedules: ExponentialDecay, InverseTimeDecay, StepDecay."
)
schedules.LearningRateSchedule = LearningRateSchedule
schedules.ExponentialDecay = ExponentialDecay
schedules.InverseTimeDecay = InverseTimeDecay
schedules.StepDecay = StepDecay
schedules.__all__ = ["LearningRateSchedule", "ExponentialDecay", "InverseTimeDecay", "StepDecay"]
# Registered so that the Keras import form works although this module is not a package.
sys.modules[schedules.__name__] = schedules
