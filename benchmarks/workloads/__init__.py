"""The workloads W1-W5 and the peers that implement each one.

``build(threads)`` returns the :class:`~benchmarks.workloads.base.Workload`
list; peers are built lazily, so a missing package only skips its peer.
"""

from __future__ import annotations

import numpy as np

from . import chain, dense_spec, scalar_mlp
from .base import PeerFactory, Unavailable, Workload, max_relative_error, relative_error
from .dense_functional import HipsDense, JaxDense
from .dense_library import LibraryDense, LibraryDenseJit, LibraryDenseTrainOnBatch
from .dense_numpy import HandDense
from .dense_spec import DenseSpec
from .dense_torch import TorchDense

__all__ = ["build", "dense_workload", "Workload", "PeerFactory", "Unavailable", "DenseSpec",
           "relative_error", "max_relative_error", "W1", "W2", "W3_SIZES"]

W1 = DenseSpec(sizes=(2, 1), activations=("sigmoid",), loss="mse", batch=250, lr=0.5)
W2 = DenseSpec(sizes=(2, 16, 16, 1), activations=("tanh", "tanh", "sigmoid"), loss="bce", batch=100, lr=0.1)
W3_SIZES = (784, 256, 256, 10)


def w3(dtype):
    return DenseSpec(sizes=W3_SIZES, activations=("relu", "relu", "softmax"), loss="cce", batch=128,
                     dtype=dtype, lr=0.01)


def dense_workload(id, group, title, spec, threads, peers=None):
    """A dense workload with the peers named in ``peers`` (all seven by default)."""
    X, Y = dense_spec.make_data(spec)
    params = dense_spec.make_params(spec)
    makers = {
        "hand-numpy": lambda: HandDense(spec, X, Y, params),
        "autograd_mlp": lambda: LibraryDense(spec, X, Y, params),
        "autograd_mlp jit": lambda: LibraryDenseJit(spec, X, Y, params),
        "autograd_mlp train_on_batch": lambda: LibraryDenseTrainOnBatch(spec, X, Y, params),
        "torch": lambda: TorchDense(spec, X, Y, params, threads),
        "jax.jit": lambda: JaxDense(spec, X, Y, params),
        "hips-autograd": lambda: HipsDense(spec, X, Y, params),
    }
    names = list(makers) if peers is None else list(peers)
    return Workload(
        id=id, group=group, title=f"{title}: {spec.describe()}",
        peers=[PeerFactory(name, makers[name]) for name in names],
        tolerance=dense_spec.tolerance(spec),
    )


def scalar_workload(n_points=100):
    X, y = scalar_mlp.make_moons(n_points)
    params = scalar_mlp.make_params()
    peers = [
        PeerFactory("hand-numpy", lambda: scalar_mlp.HandScalarMLP(X, y, params)),
        PeerFactory("autograd_mlp", lambda: scalar_mlp.LibraryNeuronMLP(X, y, params)),
        PeerFactory("autograd_mlp (gc off)", lambda: scalar_mlp.LibraryNeuronMLP(X, y, params, gc_off=True)),
        PeerFactory("autograd_mlp, micrograd-style code",
                    lambda: scalar_mlp.LibraryScalarMLP(X, y, params)),
        PeerFactory("autograd_mlp jit", lambda: scalar_mlp.LibraryNeuronMLP(X, y, params, compiled=True)),
        PeerFactory("autograd_mlp jit, micrograd-style code",
                    lambda: scalar_mlp.LibraryScalarMLP(X, y, params, compiled=True)),
        PeerFactory("micrograd (gc on)", lambda: scalar_mlp.MicrogradMLP(X, y, params)),
        PeerFactory("micrograd (gc off)", lambda: scalar_mlp.MicrogradMLP(X, y, params, gc_off=True)),
    ]
    return Workload(
        id="W4", group="W4",
        title=(f"W4 micrograd's demo: scalar MLP 2-16-16-1 relu/relu/linear, SVM hinge + 1e-4 L2, "
               f"{n_points} two-moons points, float64"),
        peers=peers, baselines=["micrograd (gc on)", "micrograd (gc off)"],
    )


def chain_workload(ops=100_000, peer_ops=20_000, threads=1):
    """W5; the reference of each peer is the hand-written chain of that peer's length."""
    peers = [
        PeerFactory(f"hand (Python floats), {ops:,} ops", lambda: _named(chain.HandChain(ops), ops)),
        PeerFactory(f"autograd_mlp, {ops:,} ops", lambda: _named(chain.LibraryChain(ops), ops)),
        PeerFactory(f"autograd_mlp, {peer_ops:,} ops", lambda: _named(chain.LibraryChain(peer_ops), peer_ops)),
        PeerFactory(f"torch, {peer_ops:,} ops", lambda: _named(chain.TorchChain(peer_ops, threads), peer_ops)),
        PeerFactory(f"hips-autograd, {peer_ops:,} ops", lambda: _named(chain.HipsChain(peer_ops), peer_ops)),
        PeerFactory(f"micrograd, {peer_ops:,} ops", lambda: _named(chain.MicrogradChain(peer_ops), peer_ops)),
    ]
    return Workload(
        id="W5", group="W5",
        title="W5 chain of scalar ops x = c*x + d (2 nodes per iteration), then backward, float64",
        peers=peers, reference=peers[0].name, unit="node",
        reference_for=lambda peer: chain.HandChain(peer.ops),
    )


def _named(peer, ops):
    peer.name = f"{peer.name.split(',')[0]}, {ops:,} ops"
    return peer


def build(threads, chain_ops=100_000, chain_peer_ops=20_000, scalar_points=100):
    """Every workload, in order: W1, W2, W3 float64, W3 float32, W4, W5."""
    return [
        dense_workload("W1", "W1", "W1 perceptron", W1, threads),
        dense_workload("W2", "W2", "W2 MLP", W2, threads),
        dense_workload("W3/float64", "W3", "W3 MLP", w3(np.float64), threads),
        dense_workload("W3/float32", "W3", "W3 MLP", w3(np.float32), threads),
        scalar_workload(scalar_points),
        chain_workload(chain_ops, chain_peer_ops, threads),
    ]
