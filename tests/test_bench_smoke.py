"""Smoke tests of the benchmark harness (benchmarks/): every peer still computes what hand-written numpy does.

Nothing here measures or asserts a time.  Each workload is built small where
its size is a parameter, every available peer's gradients are compared with
the hand-written reference, and a few steps are run; peers whose package is
not installed are skipped.
"""

import gc
import json
import pathlib
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import checks, report, run, timing  # noqa: E402
from benchmarks import workloads as wl  # noqa: E402
from benchmarks.workloads import chain, scalar_mlp  # noqa: E402
from benchmarks.workloads.base import Peer  # noqa: E402

THREADS = 1
DENSE = {
    "W1": wl.W1,
    "W2": wl.W2,
    "W3/float64": wl.w3(np.float64),
    "W3/float32": wl.w3(np.float32),
}
# The other frameworks run on W1, W2 and a narrow W3 (same code paths: every
# activation, loss and dtype), which keeps their compile and import cost small.
SMALL_W3 = wl.DenseSpec(sizes=(20, 8, 8, 10), activations=("relu", "relu", "softmax"), loss="cce", batch=16,
                        dtype=np.float32, lr=0.01)
FOREIGN = {"W1": wl.W1, "W2": wl.W2, "W3-narrow/float32": SMALL_W3}
FOREIGN_PEERS = ["torch", "jax.jit", "hips-autograd"]


def build_or_skip(factory):
    try:
        return factory.build()
    except wl.Unavailable as exc:
        pytest.skip(str(exc))


def assert_agrees(workload, peer, reference, steps=2):
    loss, grads = peer.gradients()
    ref_loss, ref_grads = reference.gradients()
    assert len(grads) == len(ref_grads)
    assert wl.max_relative_error(grads, ref_grads) <= workload.tolerance
    assert wl.relative_error(loss, ref_loss) <= workload.tolerance
    for _ in range(steps):
        peer.step()
        reference.step()
    peer.sync()
    params, ref_params = peer.parameters(), reference.parameters()
    if ref_params is not None:
        assert all(np.all(np.isfinite(p)) for p in params)
        assert wl.max_relative_error(params, ref_params) <= 10 * workload.tolerance


@pytest.mark.parametrize("workload_id", list(DENSE))
def test_library_dense_step_matches_hand_numpy(workload_id):
    workload = wl.dense_workload(workload_id, workload_id[:2], workload_id, DENSE[workload_id], THREADS)
    peer = workload.factory("autograd_mlp").build()
    assert_agrees(workload, peer, workload.factory("hand-numpy").build())


@pytest.mark.parametrize(
    "workload_id, peer_name",
    # JAX compiles twice per workload, so it runs on the two that differ most.
    [(w, p) for w in FOREIGN for p in FOREIGN_PEERS if not (p == "jax.jit" and w == "W1")],
)
def test_other_frameworks_match_hand_numpy(workload_id, peer_name):
    workload = wl.dense_workload(workload_id, workload_id[:2], workload_id, FOREIGN[workload_id], THREADS)
    peer = build_or_skip(workload.factory(peer_name))
    assert_agrees(workload, peer, workload.factory("hand-numpy").build())


def test_hand_numpy_dense_step_matches_finite_differences():
    # The reference itself is checked independently: central differences of its loss.
    spec = wl.DenseSpec(sizes=(3, 4, 2), activations=("tanh", "softmax"), loss="cce", batch=5)
    X, Y = wl.dense_spec.make_data(spec)
    params = wl.dense_spec.make_params(spec)
    hand = wl.dense_numpy.HandDense(spec, X, Y, params)
    _, grads = hand.gradients()
    h = 1e-6
    for i, p in enumerate(params):
        k = p.size // 2
        up, down = [q.copy() for q in params], [q.copy() for q in params]
        up[i].reshape(-1)[k] += h
        down[i].reshape(-1)[k] -= h
        l_up = wl.dense_numpy.HandDense(spec, X, Y, up).gradients()[0]
        l_down = wl.dense_numpy.HandDense(spec, X, Y, down).gradients()[0]
        assert grads[i].reshape(-1)[k] == pytest.approx((l_up - l_down) / (2 * h), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("peer_name", ["autograd_mlp", "autograd_mlp (gc off)", "micrograd (gc on)"])
def test_scalar_mlp_peers_match_hand_numpy(peer_name):
    workload = wl.scalar_workload(n_points=8)
    peer = build_or_skip(workload.factory(peer_name))
    assert_agrees(workload, peer, workload.factory("hand-numpy").build())


def test_chain_peers_match_the_exact_derivative():
    workload = wl.chain_workload(ops=400, peer_ops=200, threads=THREADS)
    statuses = checks.verify(workload, checks.build_peers(workload))
    by_name = {s.name: s for s in statuses}
    assert by_name["autograd_mlp, 400 ops"].ok
    assert by_name["autograd_mlp, 200 ops"].ok
    hand = chain.HandChain(400)
    assert hand.gradients()[1][0] == pytest.approx(chain.expected(400), rel=1e-12)
    for s in statuses:
        assert s.ok or s.note.startswith(("skipped", "failed")), s.note


def test_micrograd_recursion_error_is_reported_not_raised():
    workload = wl.chain_workload(ops=200, peer_ops=1_500, threads=THREADS)
    statuses = checks.verify(workload, checks.build_peers(workload))
    micro = next(s for s in statuses if s.name.startswith("micrograd"))
    if micro.note.startswith("skipped"):
        pytest.skip(micro.note)
    assert not micro.ok
    assert "RecursionError" in micro.note


class WrongPeer(Peer):
    """A hand-numpy peer whose gradients are off by a relative 1e-9: it must be refused."""

    def __init__(self, inner):
        self.inner = inner
        self.name = "wrong"

    def gradients(self):
        loss, grads = self.inner.gradients()
        return loss, [g * (1 + 1e-9) for g in grads]

    def step(self):
        self.inner.step()

    def parameters(self):
        return self.inner.parameters()


def test_a_peer_with_different_gradients_is_refused():
    workload = wl.dense_workload("W2", "W2", "W2", wl.W2, THREADS, peers=["hand-numpy", "autograd_mlp"])
    hand = workload.factory("hand-numpy")
    workload.peers.append(wl.PeerFactory("wrong", lambda: WrongPeer(hand.build())))
    statuses = {s.name: s for s in checks.verify(workload, checks.build_peers(workload))}
    assert statuses["hand-numpy"].ok and statuses["autograd_mlp"].ok
    assert not statuses["wrong"].ok
    assert statuses["wrong"].note.startswith("refused: gradients differ")


def test_a_peer_with_a_different_update_is_refused():
    workload = wl.dense_workload("W1", "W1", "W1", wl.W1, THREADS, peers=["hand-numpy"])
    other = wl.dense_spec.DenseSpec(**{**wl.W1.__dict__, "lr": wl.W1.lr * 2})
    X, Y = wl.dense_spec.make_data(wl.W1)
    params = wl.dense_spec.make_params(wl.W1)
    fast = wl.dense_numpy.HandDense(other, X, Y, params)
    fast.name = "double lr"
    workload.peers.append(wl.PeerFactory("double lr", lambda: fast))
    statuses = {s.name: s for s in checks.verify(workload, checks.build_peers(workload))}
    assert not statuses["double lr"].ok
    assert "parameters after one step" in statuses["double lr"].note


def test_missing_package_becomes_a_skip_note():
    def unavailable():
        raise wl.Unavailable("nothing is installed")

    workload = wl.dense_workload("W1", "W1", "W1", wl.W1, THREADS, peers=["hand-numpy"])
    workload.peers.append(wl.PeerFactory("absent", unavailable))
    statuses = {s.name: s for s in checks.verify(workload, checks.build_peers(workload))}
    assert statuses["absent"].note == "skipped: nothing is installed"
    assert not statuses["absent"].ok


def test_cycle_count_sees_cycles_and_their_absence():
    hand = wl.scalar_workload(n_points=4).factory("hand-numpy").build()
    assert checks.count_cycles(hand) == (0, 0)

    class Cyclic(Peer):
        def step(self):
            a, b = [], []
            a.append(b)
            b.append(a)

    collected, _ = checks.count_cycles(Cyclic())
    assert collected >= 2
    assert gc.isenabled()


def test_memory_profile_reports_peak_and_growth():
    workload = wl.dense_workload("W1", "W1", "W1", wl.W1, THREADS, peers=["hand-numpy", "autograd_mlp"])
    m = checks.memory_profile(workload.factory("autograd_mlp"), growth_steps=5, warmup=1)
    assert m.peak >= m.transient > 0
    assert m.steps == 5 and m.growth is not None


def test_round_robin_gives_one_sample_per_repeat_and_restores_gc():
    class Counter(Peer):
        name = "counter"
        gc_off = True

        def __init__(self):
            self.count = 0

        def step(self):
            self.count += 1

    peer = Counter()
    results = timing.round_robin([peer], repeats=3, target=0.001)
    assert len(results["counter"].per_unit) == 3
    assert peer.count >= 3 + 2  # warm-up steps, then at least one per block
    assert gc.isenabled()


def fake_results():
    def peer(name, median, **extra):
        return {"name": name, "note": "", "grad_error": 0.0, "median": median, "low": median, "high": median,
                **extra}

    workloads = [
        {"id": "W1", "group": "W1", "title": "W1 test", "unit": "step", "reference": "hand-numpy",
         "baselines": [], "peers": [peer("hand-numpy", 10e-6), peer("autograd_mlp", 12e-6), peer("torch", 48e-6)]},
        {"id": "W4", "group": "W4", "title": "W4 test", "unit": "step", "reference": "hand-numpy",
         "baselines": ["micrograd (gc on)", "micrograd (gc off)"],
         "peers": [peer("hand-numpy", 1e-3), peer("autograd_mlp", 50e-3, cycles=0, garbage=0),
                   peer("autograd_mlp, micrograd-style code", 90e-3),
                   peer("micrograd (gc on)", 400e-3), peer("micrograd (gc off)", 100e-3),
                   {"name": "absent", "note": "skipped: not installed", "grad_error": None}]},
        {"id": "W5", "group": "W5", "title": "W5 test", "unit": "node", "reference": "hand",
         "baselines": [], "peers": [peer("autograd_mlp, 100,000 ops", 1e-6), peer("autograd_mlp, 20,000 ops", 2e-6),
                                    peer("torch, 20,000 ops", 3e-6)]},
    ]
    machine = {"date": "d", "command": "c", "cpu": "cpu", "cores": 2, "usable_cores": 2, "os": "os",
               "python": "py", "packages": {}, "blas": {}, "blas_environment": {}, "load_average": None}
    return {"workloads": workloads, "machine": machine, "settings": "s",
            "memory": [{"workload": "W3/float64", "name": "hand-numpy", "peak": 100, "transient": 10,
                        "growth": None, "steps": 0},
                       {"workload": "W3/float64", "name": "autograd_mlp", "peak": 200, "transient": 110,
                        "growth": 0, "steps": 1000}]}


def test_targets_are_judged_from_the_measured_figures():
    targets = {t: (m, ok) for t, m, ok in report.evaluate_targets(fake_results())}
    assert targets["W1: ≤ 2.0× hand-numpy"] == ("1.20×", True)
    assert targets["W1: ≥ 3× faster than PyTorch"] == ("4.00× faster", True)
    assert targets["W4: ≥ 3× faster than micrograd (gc off)"] == ("2.00× faster", False)
    assert targets["W4: ≥ 10× faster than micrograd (gc on)"] == ("8.00× faster", False)
    assert targets["W3/float64: peak memory ≤ 1.5× hand-numpy"] == ("2.00×", False)
    assert targets["W4: a training step leaves no reference cycles"][1] is True
    assert targets["W4: micrograd's own code on this library at least as fast as micrograd (gc off)"] == \
        ("1.11× faster", True)
    assert targets["W5: less time per node than PyTorch's 20,000-node chain"] == ("3.00× PyTorch's speed per node", True)
    assert targets["W5: the 20,000-op chain in under half PyTorch's time"] == ("1.50× faster", False)


def test_reports_show_every_peer_and_the_ratios():
    results = fake_results()
    text = report.text_report(results)
    markdown = report.markdown_report(results)
    for name in ("hand-numpy", "autograd_mlp", "torch", "micrograd (gc off)", "absent"):
        assert name in text and name in markdown
    assert "skipped: not installed" in text
    header, rows = report.workload_rows(results["workloads"][1])
    assert header[4:6] == ["speed-up vs micrograd (gc on)", "speed-up vs micrograd (gc off)"]
    lib = next(r for r in rows if r[0] == "autograd_mlp")
    assert lib[1] == "50,000" and lib[3] == "50.0" and lib[4:6] == ["8.00×", "2.00×"]
    assert markdown.startswith("# Benchmark results")


def test_only_selects_by_group_or_id():
    workloads = wl.build(THREADS, chain_ops=20, chain_peer_ops=20, scalar_points=4)
    assert [w.id for w in run.select(workloads, "W3")] == ["W3/float64", "W3/float32"]
    assert [w.id for w in run.select(workloads, "W1,W3/float32")] == ["W1", "W3/float32"]
    with pytest.raises(SystemExit, match="unknown workload"):
        run.select(workloads, "W9")


def test_command_line_defaults_and_the_shown_command():
    args = run.parse_args(["--quick"])
    assert (args.repeats, args.seconds) == (3, 0.2)
    args = run.parse_args([])
    assert (args.repeats, args.seconds) == (5, 1.0)
    assert run.shown_arguments(["--quick", "--unset-record", "OPENBLAS_CORETYPE=Haswell"]) == ["--quick"]


def test_unmet_targets_get_their_reason_and_met_ones_none():
    results = fake_results()
    unmet = dict(report.unmet_rows(results))
    assert set(unmet) == {"W4: ≥ 3× faster than micrograd (gc off)", "W4: ≥ 10× faster than micrograd (gc on)",
                          "W3/float64: peak memory ≤ 1.5× hand-numpy",
                          "W5: the 20,000-op chain in under half PyTorch's time"}
    assert "links" in unmet["W4: ≥ 3× faster than micrograd (gc off)"]
    assert unmet["W3/float64: peak memory ≤ 1.5× hand-numpy"] == "no analysis yet"
    markdown = report.markdown_report(results)
    assert "Why the targets marked NOT met are missed" in markdown
    assert "W1: ≤ 2.0× hand-numpy**" not in markdown


def test_the_markdown_report_can_be_rewritten_from_a_json_run(tmp_path):
    source, target = tmp_path / "run.json", tmp_path / "RESULTS.md"
    source.write_text(json.dumps(fake_results()))
    run.main(["--from-json", str(source), "--markdown", str(target)])
    assert target.read_text() == report.markdown_report(fake_results())
    with pytest.raises(SystemExit, match="needs --markdown"):
        run.main(["--from-json", str(source)])


def test_a_json_run_with_a_sweep_draws_its_plot_again(tmp_path):
    results = fake_results()
    times = {"hand-numpy": 1e-4, "autograd_mlp": 2e-4, "autograd_mlp jit": 1e-4}
    results["sweep"] = {"inputs": 32, "fixed_width": 64, "fixed_batch": 128,
                        "batch": [(1, times), (4, times)], "width": [(4, times), (16, times)]}
    source, plot = tmp_path / "run.json", tmp_path / "scaling.png"
    source.write_text(json.dumps(results))
    run.main(["--from-json", str(source), "--markdown", str(tmp_path / "RESULTS.md"), "--sweep-plot", str(plot)])
    assert plot.read_bytes().startswith(b"\x89PNG")
