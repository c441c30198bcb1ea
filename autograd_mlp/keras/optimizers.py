"""``tensorflow.keras.optimizers``: ``SGD``, ``Adam``, ``RMSprop``, ``get`` and ``schedules``.

``schedules`` holds the learning-rate schedules, reachable both as an
attribute (``optimizers.schedules.ExponentialDecay``) and by import
(``from autograd_mlp.keras.optimizers.schedules import ExponentialDecay``), as
in Keras.
"""

import sys
import types

from ..optim import (
    SGD,
    Adam,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    Optimizer,
    RMSprop,
    StepDecay,
    get,
)

__all__ = ["Optimizer", "SGD", "Adam", "RMSprop", "get", "schedules"]

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
