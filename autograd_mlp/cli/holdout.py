"""Which rows of a training file validate: a rule decided row by row, so the file need not be read first.

The rule (``train --validation-split FRACTION --seed SEED``): number the data
rows i = 0, 1, 2, ... in file order (blank lines do not count).  Row i
belongs to the *run* k = ⌊i · FRACTION⌋, so runs are blocks of about
1 / FRACTION consecutive rows (5 rows for 0.2); in every run, one row, at
the position hash(SEED, k) mod (rows in the run), validates and the others
train.  Hence:

* of n rows, ⌊n · FRACTION⌋ or ⌈n · FRACTION⌉ validate (exactly
  n · FRACTION when that is whole): the last run may be cut short by the
  file's end, and its row validates only when its position falls inside;
* the validation rows are spread through the whole file, at random inside
  each run, so neither a sorted file nor one with a period (a grid of
  inputs) puts a whole region or phase into validation;
* a row's fate depends only on (SEED, i): the same seed picks the same rows
  in any chunking of the file, and whatever rows follow.  Without a seed,
  a fresh one is drawn for each run of the command.

The rule does not look at the target, so unlike a stratified split it keeps
each class's share in validation only on average.  FRACTION is read as the
nearest fraction p / q with q ≤ 10⁶ and the runs computed in whole numbers,
so 0.2 makes runs of exactly 5 rows.  The hash is SplitMix64
(Steele, Lea and Flood's finaliser), the same on every platform.
"""

from __future__ import annotations

import secrets
from fractions import Fraction

import numpy as np

__all__ = ["ValidationRows"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)


def _splitmix64(z):
    """SplitMix64's finaliser of the uint64 array ``z`` (wrapping arithmetic): well-mixed 64-bit values."""
    z = z + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX_1
    z = (z ^ (z >> np.uint64(27))) * _MIX_2
    return z ^ (z >> np.uint64(31))


class ValidationRows:
    """The rule above for one ``fraction`` in [0, 1) and ``seed`` (a whole number ≥ 0, or None for a fresh one)."""

    def __init__(self, fraction, seed=None):
        exact = Fraction(fraction).limit_denominator(10**6)
        if not 0 <= exact < 1:
            raise ValueError(f"expected a validation fraction in [0, 1); got {fraction!r}")
        self.p, self.q = exact.numerator, exact.denominator
        seed = secrets.randbits(64) if seed is None else int(seed) % 2**64
        self._key = _splitmix64(np.array([seed], dtype=np.uint64))[0]

    def mask(self, start, count):
        """A boolean array of ``count``: True for each of the data rows start, start + 1, ... that validates."""
        i = np.arange(start, start + count, dtype=np.int64)
        if self.p == 0:
            return np.zeros(count, dtype=bool)
        p, q = self.p, self.q
        run = (i * p) // q
        first = -((-run * q) // p)                     # ⌈k q / p⌉, the run's first row
        size = -((-(run + 1) * q) // p) - first        # ⌈(k + 1) q / p⌉ − ⌈k q / p⌉ ≥ 1
        picked = _splitmix64(self._key ^ run.astype(np.uint64)) % size.astype(np.uint64)
        return i == first + picked.astype(np.int64)
