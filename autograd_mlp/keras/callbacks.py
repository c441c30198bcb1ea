"""``tensorflow.keras.callbacks``: the callbacks of :mod:`autograd_mlp.callbacks`."""

from ..callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    History,
    LearningRateScheduler,
    ModelCheckpoint,
    ProgbarLogger,
    TerminateOnNaN,
)

__all__ = [
    "Callback", "History", "ProgbarLogger", "EarlyStopping", "LearningRateScheduler",
    "ModelCheckpoint", "CSVLogger", "TerminateOnNaN",
]
