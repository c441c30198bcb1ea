"""``tensorflow.keras.callbacks``: the callbacks of :mod:`autograd_mlp.callbacks`."""

from ..callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    History,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ProgbarLogger,
    ReduceLROnPlateau,
    TerminateOnNaN,
)

__all__ = [
    "Callback", "History", "ProgbarLogger", "EarlyStopping", "LearningRateScheduler",
    "ReduceLROnPlateau", "ModelCheckpoint", "CSVLogger", "TerminateOnNaN", "LambdaCallback",
]
