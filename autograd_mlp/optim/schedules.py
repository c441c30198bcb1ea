"""Learning-rate schedules: a learning rate as a function of the 0-based update count.

Any callable ``schedule(step)`` works as an optimizer's learning rate; these
three are Keras's (``ExponentialDecay``, ``InverseTimeDecay``) plus the step
decay the course describes, and they save with the model (``get_config``).
"""

from __future__ import annotations

import math
import sys

from ._args import _non_negative, _positive, _whole_positive

__all__ = ["LearningRateSchedule", "ExponentialDecay", "StepDecay", "InverseTimeDecay"]


# ------------------------------------------------------------ schedules
class LearningRateSchedule:
    """A learning rate as a function of the number of updates done so far."""

    def __call__(self, step):
        raise NotImplementedError

    def get_config(self):
        return {"class": type(self).__name__, **vars(self)}


def _power_rate(initial, base, exponent):
    """λ₀ · base^exponent, saturated at the largest finite float where a growing rate (base > 1) overflows.

    Python's float power raises OverflowError past about 1.8e308; a schedule
    that grows (Keras allows a decay rate above 1) should keep answering, and
    the training it drives then diverges visibly instead of crashing the step.
    """
    try:
        return min(initial * base**exponent, _LARGEST)
    except OverflowError:
        return _LARGEST


_LARGEST = sys.float_info.max


class ExponentialDecay(LearningRateSchedule):
    """λ(t) = λ₀ · rate^(t / steps), or rate^⌊t / steps⌋ with ``staircase=True`` (Keras' ExponentialDecay).

    A rate above 1 grows the learning rate; it saturates at the largest finite float.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        self.initial_learning_rate = _positive(initial_learning_rate, "initial_learning_rate")
        self.decay_steps = _positive(decay_steps, "decay_steps")
        self.decay_rate = _positive(decay_rate, "decay_rate")
        self.staircase = bool(staircase)

    def __call__(self, step):
        exponent = step / self.decay_steps
        if self.staircase:
            exponent = math.floor(exponent)
        return _power_rate(self.initial_learning_rate, self.decay_rate, exponent)


class StepDecay(LearningRateSchedule):
    """λ(t) = λ₀ · drop^⌊t / every⌋: the rate is multiplied by ``drop`` every ``every`` updates."""

    def __init__(self, initial_learning_rate, drop=0.5, every=100):
        self.initial_learning_rate = _positive(initial_learning_rate, "initial_learning_rate")
        self.drop = _positive(drop, "drop")
        self.every = _whole_positive(every, "every")

    def __call__(self, step):
        return _power_rate(self.initial_learning_rate, self.drop, step // self.every)


class InverseTimeDecay(LearningRateSchedule):
    """λ(t) = λ₀ / (1 + rate · t / steps) (Keras' InverseTimeDecay, without staircase)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate):
        self.initial_learning_rate = _positive(initial_learning_rate, "initial_learning_rate")
        self.decay_steps = _positive(decay_steps, "decay_steps")
        self.decay_rate = _non_negative(decay_rate, "decay_rate")

    def __call__(self, step):
        return self.initial_learning_rate / (1.0 + self.decay_rate * step / self.decay_steps)
