"""What every workload and peer provides, and how two sets of gradients are compared.

A *peer* is one implementation of a workload's training step (hand-written
numpy, this library, PyTorch ...).  All peers of a workload start from the
same parameters and data, so their gradients at the start must agree before
any of them is timed.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


class Unavailable(Exception):
    """The peer cannot run here (its package is not installed); the message says why."""


class Peer:
    """One implementation of a workload's step.

    Subclasses define :meth:`step` (forward, loss, backward, update in place)
    and :meth:`gradients` (loss and gradients at the current parameters,
    without updating them).  ``units`` is the number of units a step counts
    (1 for a training step, the number of nodes for a chain of operations).
    """

    name = "peer"
    units = 1
    #: Run the timed loop with the cyclic garbage collector off.
    gc_off = False

    def step(self):
        raise NotImplementedError

    def gradients(self):
        """``(loss, [gradient arrays])`` at the current parameters, in the workload's order."""
        raise NotImplementedError

    def parameters(self):
        """The current parameters as arrays in the workload's order, or None when there are none."""
        return None

    def sync(self):
        """Wait until queued asynchronous work is done (JAX dispatches steps asynchronously)."""

    def before_timing(self):
        if self.gc_off:
            gc.disable()

    def after_timing(self):
        if self.gc_off:
            gc.enable()


@dataclass
class PeerFactory:
    """A peer by name, built on demand (building may raise :class:`Unavailable`)."""

    name: str
    build: Callable[[], Peer]


@dataclass
class Workload:
    """A training step measured across peers.

    ``reference`` names the peer whose gradients the others must match and
    whose time the ratio column divides by; ``tolerance`` is the largest
    accepted norm-wise relative difference.  ``unit`` is what a time is given
    per ("step", or "node" for the chain of operations).  ``baselines`` names
    further peers to show speed-ups against (micrograd for W4).
    """

    id: str
    group: str
    title: str
    peers: list[PeerFactory]
    reference: str = "hand-numpy"
    tolerance: float = 1e-12
    unit: str = "step"
    baselines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Builds the reference for one peer, when peers differ in size (W5's chain lengths).
    reference_for: Callable[[Peer], Peer] | None = None

    def factory(self, name):
        for peer in self.peers:
            if peer.name == name:
                return peer
        raise KeyError(f"workload {self.id} has no peer named {name!r}")


def relative_error(got, expected):
    """Norm-wise relative difference ‖got - expected‖₂ / ‖expected‖₂ (absolute when expected is 0).

    Norm-wise rather than elementwise, because summation order legitimately
    differs between implementations: an element that nearly cancels to 0 has a
    large elementwise relative error that means nothing.
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise ValueError(f"shape mismatch: got {got.shape}, expected {expected.shape}")
    scale = float(np.linalg.norm(expected))
    diff = float(np.linalg.norm(got - expected))
    if not np.isfinite(diff):
        return float("inf")
    return diff / scale if scale > 0 else diff


def max_relative_error(got_list, expected_list):
    """The largest :func:`relative_error` over paired arrays (lists must have equal length)."""
    if len(got_list) != len(expected_list):
        raise ValueError(f"expected {len(expected_list)} arrays, got {len(got_list)}")
    return max((relative_error(g, e) for g, e in zip(got_list, expected_list)), default=0.0)
