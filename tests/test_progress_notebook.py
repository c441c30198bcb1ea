"""progress.notebook: the HTML of a state, and a real notebook where a fit leaves one output updated in place."""

import textwrap
from pathlib import Path

import pytest

from autograd_mlp.progress.notebook import progress_html

ROOT = Path(__file__).resolve().parents[1]


def test_the_html_has_a_progress_element_and_every_metric_whole():
    page = progress_html("Epoch 3/10", ["loss: 0.1234", "val_loss: 0.2345"], fraction=0.3, timing=["1.2s", "ETA 3.4s"])
    assert '<progress value="0.3000" max="1"' in page
    assert "<b>Epoch 3/10</b>" in page and "1.2s - ETA 3.4s" in page
    assert '<span style="white-space: nowrap">val_loss: 0.2345</span>' in page


def test_a_stream_has_an_indeterminate_bar_while_running_and_none_at_the_end():
    running = progress_html("Epoch 1/2", [], count=["12 batches", "3.4 batches/s"])
    assert "<progress style" in running and "value=" not in running and "12 batches - 3.4 batches/s" in running
    assert "<progress" not in progress_html("Epoch 2/2", [], count=["12 batches"], running=False)


def test_names_are_escaped():
    assert "&lt;b&gt;: 1.0000" in progress_html("Epoch 1/1", ["<b>: 1.0000"], fraction=1.0)


FIT_CELL = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    import numpy as np
    from autograd_mlp import SGD, Dense, Sequential
    from autograd_mlp.callbacks import LambdaCallback
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    y = (x[:, :1] > 0).astype(float)
    net = Sequential([Dense(4, input_dim=3, activation="relu"), Dense(1, activation="sigmoid")])
    net.compile(loss="binary_crossentropy", optimizer=SGD(0.1), metrics=["binary_accuracy"])
    # Each epoch ends 0.15 s after the last, longer than the display's 0.1 s
    # between redraws: every epoch is drawn.
    slow = LambdaCallback(on_epoch_end=lambda epoch, logs: time.sleep(0.15))
    history = net.fit(x, y, epochs=5, batch_size=10, validation_split=0.25, verbose=1, callbacks=[slow])
""")


def test_a_fit_in_a_notebook_updates_one_display_in_place():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import NoSuchKernel

    messages = []

    class Recording(nbclient.NotebookClient):
        def process_message(self, msg, cell, cell_index):
            messages.append((msg["msg_type"], msg["content"].get("transient", {}).get("display_id")))
            return super().process_message(msg, cell, cell_index)

    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell(FIT_CELL.format(root=str(ROOT))))
    try:
        Recording(notebook, timeout=120, kernel_name="python3",
                  resources={"metadata": {"path": str(ROOT)}}).execute()
    except NoSuchKernel:
        pytest.skip("no python3 Jupyter kernel")
    kinds = [kind for kind, _ in messages if kind in ("display_data", "update_display_data", "stream")]
    ids = {display_id for kind, display_id in messages if kind in ("display_data", "update_display_data")}
    assert kinds.count("display_data") == 1 and "stream" not in kinds
    assert kinds.count("update_display_data") >= 3  # about one per epoch, each replacing the last
    assert len(ids) == 1 and None not in ids
    (output,) = notebook.cells[0].outputs
    assert output.output_type == "display_data"
    page, text = output.data["text/html"], output.data["text/plain"]
    assert '<progress value="1.0000" max="1"' in page
    for name in ("Epoch 5/5", "loss: ", "binary_accuracy: ", "val_loss: ", "val_binary_accuracy: "):
        assert name in page and name in text
