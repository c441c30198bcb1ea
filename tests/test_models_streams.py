import numpy as np
import pytest

from autograd_mlp.keras import Sequential, layers


def _model():
    from autograd_mlp import set_seed
    set_seed(0)
    m = Sequential([layers.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    return m


def _data(n=64):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 3))
    return x, x @ np.array([[1.0], [-2.0], [0.5]])


def test_generator_history_equals_array_history():
    x, y = _data()
    a = _model().fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history

    def gen():
        while True:
            for i in range(0, 64, 16):
                yield x[i:i + 16], y[i:i + 16]

    b = _model().fit(gen(), epochs=2, steps_per_epoch=4, verbose=0).history
    assert a == b


def test_bad_batch_names_batch_and_keeps_weights():
    x, y = _data()
    m = _model()

    def gen():
        yield x[:16], y[:16]
        yield x[:16, :2], y[:16]

    with pytest.raises(ValueError, match="epoch 1, batch 2"):
        m.fit(gen(), epochs=1, steps_per_epoch=2, verbose=0)
    after_first = [p.data.copy() for p in m.parameters()] if hasattr(m, "parameters") else None
    ref = _model()
    ref.fit(iter([(x[:16], y[:16])]), epochs=1, verbose=0)
    if after_first is not None:
        for p, q in zip(after_first, ref.parameters()):
            np.testing.assert_array_equal(p, q.data)


def test_exhausted_stream_names_batch():
    x, y = _data()
    with pytest.raises(ValueError, match="exhausted at epoch 1, batch 2"):
        _model().fit(iter([(x, y)]), epochs=1, steps_per_epoch=3, verbose=0)


def test_nan_batch_refused():
    x, y = _data()
    bad = x[:16].copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="epoch 1, batch 1"):
        _model().fit(iter([(bad, y[:16])]), epochs=1, verbose=0)


def test_memory_independent_of_rows():
    import tracemalloc

    def gen(rows=2_000_000, size=20_000):
        rng = np.random.default_rng(0)
        for _ in range(rows // size):
            xb = rng.normal(size=(size, 3))
            yield xb, xb[:, :1]

    m = _model()
    tracemalloc.start()
    m.fit(gen(), epochs=1, verbose=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 40e6, peak


def test_sequence_history_equals_array_history_and_on_epoch_end():
    from autograd_mlp.keras.utils import PyDataset

    x, y = _data()

    class Batches(PyDataset):
        ends = 0

        def __len__(self):
            return 4

        def __getitem__(self, i):
            return x[16 * i:16 * i + 16], y[16 * i:16 * i + 16]

        def on_epoch_end(self):
            self.ends += 1

    a = _model().fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    seq = Batches()
    b = _model().fit(seq, epochs=3, shuffle=False, verbose=0).history
    assert a == b and seq.ends == 3
    c = _model().fit(Batches(), epochs=3, shuffle=True, verbose=0).history
    assert len(c["loss"]) == 3


def test_evaluate_predict_and_validation_streams():
    x, y = _data()
    m = _model()
    m.fit(x, y, batch_size=16, epochs=1, verbose=0)
    chunks = [(x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)]
    assert m.evaluate(iter(chunks)) == pytest.approx(m.evaluate(x, y), rel=1e-12)
    np.testing.assert_allclose(m.predict(iter(c[0] for c in chunks)), m.predict(x), rtol=1e-12)
    h = _model().fit(iter(chunks * 2), epochs=2, steps_per_epoch=2,
                     validation_data=iter(chunks * 2), validation_steps=2, verbose=0).history
    assert len(h["val_loss"]) == 2
    h = _model().fit(iter(chunks), epochs=1, validation_data=(x, y), verbose=0).history
    assert len(h["val_loss"]) == 1
    with pytest.raises(ValueError, match="validation_split"):
        _model().fit(iter(chunks), validation_split=0.2, verbose=0)


def test_memmap_fit_reads_batch_by_batch(tmp_path):
    import tracemalloc

    rows = 2_000_000
    x = np.lib.format.open_memmap(tmp_path / "x.npy", mode="w+", dtype=np.float32, shape=(rows, 3))
    y = np.lib.format.open_memmap(tmp_path / "y.npy", mode="w+", dtype=np.float32, shape=(rows, 1))
    for i in range(0, rows, 500_000):
        x[i:i + 500_000] = 1.0
        y[i:i + 500_000] = 0.5
    x.flush(); y.flush()
    del x, y
    xm = np.load(tmp_path / "x.npy", mmap_mode="r")
    ym = np.load(tmp_path / "y.npy", mmap_mode="r")
    m = _model()
    tracemalloc.start()
    h = m.fit(xm, ym, batch_size=50_000, epochs=1, verbose=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(h.history["loss"]) == 1 and peak < 40e6, peak
