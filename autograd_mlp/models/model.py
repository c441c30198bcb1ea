"""The Keras training workflow: ``compile``, ``fit``, ``evaluate``, ``predict``, ``summary``.

:class:`Model` is a mixin: ``Sequential`` inherits it, and so may any module
that provides the module API (``self(x)``, ``parameters()``, ``train()`` /
``eval()``, ``get_weights()`` / ``set_weights()``, and ``layers`` for
``summary``); :class:`autograd_mlp.models.Sequential` is the stack of
layers with it.  The course's program runs as written::

    my_network.compile(loss="binary_crossentropy", optimizer=SGD(0.1, 0.9),
                       metrics=["binary_accuracy"])
    my_history = my_network.fit(Inputs, Outputs, epochs=1500, batch_size=250,
                                validation_split=0.2)
    my_history.history.keys()   # loss, binary_accuracy, val_loss, val_binary_accuracy

What one epoch of ``fit`` does, for the training rows in a fresh random order
cut into batches B of ``batch_size`` rows (the last one may be smaller)::

    for each batch B:   optimizer.zero_grad()
                        L_B = loss(y_B, model(x_B)); L_B.backward()
                        optimizer.step()
    loss   = Σ_B |B| L_B / Σ_B |B|          (Keras' running mean over the epoch)
    metric = Σ_B |B| m(y_B, ŷ_B) / Σ_B |B|  (on the predictions made for the update)

so ``batch_size = len(x)`` is batch gradient descent (one update per epoch),
``batch_size = n`` mini-batch and ``batch_size = 1`` stochastic gradient
descent.  Then ``val_loss`` and ``val_<metric>`` are computed on the
validation rows with the updated weights, in evaluation mode (Dropout off).

Every argument and every data array is checked before the first update; bad
input raises ``ValueError`` (``TypeError`` for a wrong kind of object) naming
what was expected and what came, and leaves the weights as they were.
"""

from __future__ import annotations

import math
import numbers
import sys

import numpy as np

from .. import losses, metrics as metrics_module, optim
from ..callbacks import CallbackList, History, ProgbarLogger
from ..nn.init import generator as _library_generator
from ..progress import format_logs
from . import arguments
from .arguments import check_batch_size, check_verbose, row_slices
from .checks import DataChecks
from .compiled import CompiledSteps, evaluate_batches, predict_batches, train_batch
from .saving import load_weights, save_model, save_weights
from .streams import MemmapBatches, evaluate_stream, fit_stream, is_stream, predict_stream
from .summary import print_summary
from .weighting import check_sample_weight, class_weight_rows

__all__ = ["Model", "History", "INFERENCE_CHUNK"]

#: Rows per forward pass in predict / evaluate / validation when no batch size is given.
#: Results do not depend on it (the loss and metrics are means over rows); it only bounds memory.
INFERENCE_CHUNK = 4096


_LOSS_NAMES = {
    "mean_squared_error", "mse", "mean_absolute_error", "mae", "binary_crossentropy", "bce",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "hinge",
}


def _loss_name(loss):
    return losses.name_of(loss)


# ------------------------------------------------------------------- Model
class Model(DataChecks):
    """compile / fit / evaluate / predict / summary for a module (mixin; ``Sequential`` has it).

    Attributes set by :meth:`compile`: ``loss`` (the loss function),
    ``optimizer`` and ``metrics_names`` (the metric names as given, in order:
    the keys they get in the History and the order of :meth:`evaluate`'s
    results after the loss).  ``history`` is the :class:`History` of the last
    fit and ``stop_training`` the flag a callback sets to end a fit.
    """

    loss = None
    optimizer = None
    history = None
    stop_training = False
    run_eagerly = False
    jit_compile = True
    _compiled_steps = None
    _metric_names = ()
    _metric_functions = ()

    # ------------------------------------------------------------- compile
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, run_eagerly=False, jit_compile="auto"):
        """Choose the loss, the optimizer and the metrics to report (Keras' argument order).

        Parameters
        ----------
        optimizer : str or Optimizer
            ``"sgd"``, ``"adam"``, ``"rmsprop"`` (Keras' default settings), or an
            optimizer object such as ``SGD(0.1, 0.9)``.
        loss : str or function
            A Keras loss name (``"binary_crossentropy"``, ``"mean_squared_error"`` ...)
            or a function ``loss(y_true, y_pred)`` returning a scalar Value.
        metrics : list of str or functions, optional
            Keras metric names (``"accuracy"``, ``"binary_accuracy"``, ``"mae"`` ...)
            or functions ``metric(y_true, y_pred) -> float`` on numpy arrays.
            ``"accuracy"`` (or ``"acc"``) becomes binary, categorical or sparse
            categorical accuracy from the loss, or from the output width when the
            loss is none of the cross-entropies.

        run_eagerly, jit_compile : bool (``jit_compile`` also ``"auto"``)
            Keras' switches.  By default ``fit``, ``train_on_batch``, ``evaluate``
            and ``predict`` record their step once per batch shape and replay it
            (:mod:`autograd_mlp.models.compiled`), with results equal to the eager
            steps bit for bit; ``run_eagerly=True`` or ``jit_compile=False`` runs
            every step as written (to step through it, or to draw its graph).
            Both are also attributes, which can be changed at any time.

        The optimizer is bound to the model's parameters now when the model is
        built (its input width known), or at the start of the first fit.
        """
        try:
            opt = optim.get(optimizer)
        except ValueError as error:
            if isinstance(optimizer, str) and optimizer.lower() in _LOSS_NAMES:
                raise ValueError(
                    f"{error}. {optimizer!r} is a loss: compile's first argument is the optimizer "
                    f"(Keras' order); write compile(optimizer=..., loss={optimizer!r})"
                ) from None
            raise
        if loss is None:
            raise ValueError("compile() needs a loss, e.g. loss='binary_crossentropy' or 'mean_squared_error'")
        loss_fn = losses.get(loss)
        names, functions = arguments.check_metrics(metrics)
        run_eagerly, jit_compile = arguments.check_run_modes(run_eagerly, jit_compile)
        # Every argument is valid: only now change the model.
        self.loss = loss_fn
        self.optimizer = opt
        self._metric_names = tuple(names)
        self._metric_functions = tuple(functions)
        self.run_eagerly, self.jit_compile = run_eagerly, jit_compile
        self._compiled_steps = CompiledSteps(self)
        if getattr(self, "built", True) and self.trainable_parameters():
            opt.bind(self.trainable_parameters())
        return None

    @property
    def metrics_names(self):
        """The names given to ``compile(metrics=...)``, in order (History keys; evaluate order after the loss)."""
        return list(self._metric_names)

    @property
    def compiled(self):
        return self.loss is not None and self.optimizer is not None

    def get_compile_config(self):
        """``{"loss": name, "optimizer": optimizer config, "metrics": [names]}`` (JSON-able), or None before compile."""
        if not self.compiled:
            return None
        return {
            "loss": _loss_name(self.loss),
            "optimizer": self.optimizer.get_config(),
            "metrics": list(self._metric_names),
        }

    def compile_from_config(self, config):
        """Compile with a dict from :meth:`get_compile_config` (as loading a saved model does)."""
        if not isinstance(config, dict):
            raise TypeError(f"compile_from_config expects a dict, got {type(config).__name__}")
        missing = [key for key in ("optimizer", "loss") if key not in config]
        if missing:
            raise ValueError(f"compile_from_config needs the keys 'optimizer' and 'loss'; missing {missing}")
        self.compile(
            optimizer=optim.from_config(config["optimizer"]),
            loss=config["loss"],
            metrics=config.get("metrics"),
        )

    def _require_compiled(self, who):
        if not self.compiled:
            raise ValueError(
                f"{who}() needs a compiled model: call compile() first, e.g. "
                f"model.compile(loss='binary_crossentropy', optimizer='sgd')"
            )

    # ------------------------------------------------------------ weights
    def trainable_parameters(self):
        """The parameters ``fit`` updates: those of trainable layers (requiring gradients), in order."""
        return [p for p in self.parameters() if p.requires_grad]

    def _bind_optimizer(self):
        """Bind the optimizer to the trainable parameters, unless it already holds exactly these.

        Frozen parameters (``layer.trainable = False``) are never given to it.
        A model with nothing to train leaves the optimizer as it is.
        """
        params = self.trainable_parameters()
        if not params:
            return
        bound = self.optimizer.params
        if len(bound) != len(params) or any(a is not b for a, b in zip(bound, params)):
            self.optimizer.bind(params)

    def _resolved_metrics(self, n_out):
        """(name, function) pairs, with "accuracy" made binary, categorical or sparse as Keras does."""
        resolved = []
        loss = _loss_name(self.loss)
        for name, fn in zip(self._metric_names, self._metric_functions):
            if fn is metrics_module.accuracy:
                # Chosen once from the loss, not batch by batch from the data: a batch of
                # multi-label rows that happen to be one-hot must not switch the rule.
                if loss == "binary_crossentropy":
                    fn = metrics_module.binary_accuracy
                elif loss == "categorical_crossentropy":
                    fn = metrics_module.categorical_accuracy
                elif loss == "sparse_categorical_crossentropy":
                    fn = metrics_module.sparse_categorical_accuracy
                elif n_out == 1:
                    fn = metrics_module.binary_accuracy
                else:
                    fn = metrics_module.categorical_accuracy
            resolved.append((name, fn))
        return resolved

    # ----------------------------------------------------------------- fit
    def _check_weights(self, x, y, n_out, sample_weight, class_weight, what="sample_weight"):
        """Row weights from ``sample_weight`` or ``class_weight`` (not both), or None (see :mod:`.weighting`)."""
        if class_weight is not None and sample_weight is not None:
            raise ValueError("give fit either sample_weight or class_weight, not both (as Keras)")
        if sample_weight is not None:
            return check_sample_weight(sample_weight, x.shape[0], what)
        if class_weight is not None:
            sparse = _loss_name(self.loss) == "sparse_categorical_crossentropy"
            return class_weight_rows(class_weight, y, n_out, sparse)
        return None

    def _validation_rows(self, x, y, weights, n_out, validation_data, validation_split):
        """``(x, y, weights, validation)``: the training rows and the checked validation triple (or None).

        ``validation_data`` is ``(x_val, y_val)`` or ``(x_val, y_val,
        val_sample_weight)`` and wins over ``validation_split``, which holds
        out the last rows (see :func:`~autograd_mlp.models.arguments.training_rows`)
        with their sample weights, as Keras does (class weights apply to the
        training rows only).
        """
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise ValueError(
                    f"validation_data must be a pair (x_val, y_val) or a triple (x_val, y_val, sample_weight_val), "
                    f"got {type(validation_data).__name__}"
                    + (f" of length {len(validation_data)}" if isinstance(validation_data, (tuple, list)) else "")
                )
            x_val = self._check_x(validation_data[0], "x_val")
            if x_val.shape[1:] != x.shape[1:]:  # an unbuilt model does not know its width yet
                raise ValueError(
                    f"x_val must have cases of the shape of x's, {x.shape[1:]}, got x_val of shape {x_val.shape}"
                )
            y_val = self._check_y(validation_data[1], x_val.shape[0], n_out, "y_val", "x_val")
            w_val = None
            if len(validation_data) == 3 and validation_data[2] is not None:
                w_val = check_sample_weight(validation_data[2], x_val.shape[0], "the validation sample weights")
            return x, y, weights, (x_val, y_val, w_val)
        if validation_split > 0:
            split_at = arguments.training_rows(x.shape[0], validation_split)
            w_train = w_val = None
            if weights is not None:
                w_train, w_val = weights[:split_at], weights[split_at:]
            return x[:split_at], y[:split_at], w_train, (x[split_at:], y[split_at:], w_val)
        return x, y, weights, None

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, seed=None, steps_per_epoch=None, validation_steps=None):
        """Train for ``epochs`` epochs and return the :class:`History` (Keras' arguments and order).

        Parameters
        ----------
        x : array or list of lists, shape (rows, features); or a stream
            A generator / iterable of ``(x, y[, sample_weight])`` batches, a
            ``PyDataset`` (``keras.utils``), or a memory-mapped array: each
            batch is checked just before use (a stream cannot be checked whole
            first); a bad one raises naming epoch and batch, the weights as the
            previous batch left them.  ``steps_per_epoch`` / ``validation_steps``.
            (rows, d1, d2, ...) when the first layer takes such cases (a
            ``Flatten``, or an ``Input`` of that shape).
        y : array or list of lists, shape (rows, outputs); (rows,) for one output
        batch_size : int, optional
            Rows per update, 32 by default: ``len(x)`` for batch gradient
            descent, ``1`` for stochastic gradient descent.
        epochs : int
            Train until epoch index ``epochs`` (counting from ``initial_epoch``).
        verbose : 0, 1, 2 or "auto"
            0 silent, 1 one progress bar (the default), 2 one line per epoch.
        callbacks : list of Callback
        validation_split : float in [0, 1)
            Hold out the LAST fraction of the rows (before shuffling, as Keras
            does) to compute ``val_loss`` and ``val_<metric>`` after each epoch.
        validation_data : (x_val, y_val) or (x_val, y_val, sample_weight_val), optional
            Validation rows given explicitly (then ``validation_split`` is ignored).
        shuffle : bool
            Visit the training rows in a new random order every epoch.
        class_weight : dict, optional
            ``{class index: weight}``: each training row weighs its class's weight (1 if unnamed).
        sample_weight : array (rows,), optional
            One weight >= 0 per row: the loss is Σ w_i l_i / |B| per batch (Keras 3).
        initial_epoch : int
            Epoch to start from (to resume a previous fit).
        seed : int, optional
            Seed of the shuffling order; by default the library's generator
            (``set_seed``) is used.

        The loss minimised and reported adds the layers' regularization
        penalties (see :mod:`autograd_mlp.models.steps`).  Frozen layers
        (``trainable=False``) keep their weights: the optimizer never sees them.

        A batch whose loss is NaN or infinite is not applied: ``fit`` raises
        ``FloatingPointError`` naming the epoch and the batch, unless a callback
        (such as :class:`~autograd_mlp.callbacks.TerminateOnNaN`) sets
        ``stop_training`` on that batch, in which case the fit ends there.

        The model trains in training mode (Dropout active) and is put back in
        the mode it had before.
        """
        self._require_compiled("fit")
        options = arguments.fit_options(batch_size, epochs, verbose, callbacks, validation_split,
                                        shuffle, initial_epoch, seed)
        batch_size, epochs, initial_epoch, verbose = (
            options.batch_size, options.epochs, options.initial_epoch, options.verbose)
        if isinstance(x, np.memmap):  # read, cast and checked batch by batch, never whole
            x = MemmapBatches(x, y, sample_weight, batch_size)
        if is_stream(x):  # a generator of batches: see models.streams (checked batch by batch)
            return fit_stream(self, x, epochs, steps_per_epoch, initial_epoch, verbose, options.callbacks,
                              _library_generator() if options.shuffle else None,
                              validation_data, validation_steps, options.validation_split)
        x, y, n_out = self._check_xy(x, y)
        weights = self._check_weights(x, y, n_out, sample_weight, class_weight)
        x, y, weights, validation = self._validation_rows(
            x, y, weights, n_out, validation_data, options.validation_split)

        # All checks passed; from here on the model may change.
        self._build_for(x)
        self._bind_optimizer()
        metric_fns = self._resolved_metrics(n_out)
        n = x.shape[0]
        steps = math.ceil(n / batch_size)
        history = History()
        default = [ProgbarLogger(verbose)] if verbose else []
        callback_list = CallbackList(
            default + options.callbacks + [history],
            self,
            {"epochs": epochs, "initial_epoch": initial_epoch, "steps": steps,
             "samples": n, "batch_size": batch_size, "verbose": verbose},
        )
        rng = np.random.default_rng(options.seed) if options.seed is not None else _library_generator()
        was_training = getattr(self, "training", True)
        self.stop_training = False
        self.train()
        try:
            callback_list.on_train_begin({})
            for epoch in range(initial_epoch, epochs):
                callback_list.on_epoch_begin(epoch, {})
                order = rng.permutation(n) if options.shuffle else None
                logs = self._train_epoch(x, y, weights, order, batch_size, metric_fns, callback_list, epoch)
                if validation is not None:
                    self.eval()
                    try:
                        val = self._evaluate_arrays(*validation, INFERENCE_CHUNK, metric_fns)
                    finally:
                        self.train()
                    logs.update({f"val_{key}": value for key, value in val.items()})
                callback_list.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
            callback_list.on_train_end({})
        finally:
            self.train(was_training)
        return history

    def _train_step(self, x_b, y_b, w_b, metric_fns):
        """One update on a batch: ``(loss value, [metric values])`` from before the update.

        The update is not applied when the loss is not finite (the caller decides what follows).
        """
        return train_batch(self, x_b, y_b, w_b, metric_fns)

    def _train_epoch(self, x, y, weights, order, batch_size, metric_fns, callback_list, epoch):
        """One pass over the training rows; returns the epoch logs (running means)."""
        n = x.shape[0]
        wants_logs = callback_list.wants_batch_logs
        seen = 0
        loss_sum = 0.0
        metric_sums = [0.0] * len(metric_fns)

        def running():
            logs = {"loss": loss_sum / seen}
            logs.update((name, total / seen) for (name, _), total in zip(metric_fns, metric_sums))
            return logs

        for batch, rows in enumerate(row_slices(n, batch_size)):
            if order is not None:
                rows = order[rows]
            x_b, y_b = x[rows], y[rows]
            w_b = None if weights is None else weights[rows]
            count = x_b.shape[0]
            if wants_logs:
                callback_list.on_train_batch_begin(batch, {})
            value, metric_values = self._train_step(x_b, y_b, w_b, metric_fns)
            seen += count
            loss_sum += value * count
            for i, metric in enumerate(metric_values):
                metric_sums[i] += metric * count
            if not math.isfinite(value):
                # The update was not applied: the weights stay those that gave a finite loss.
                callback_list.on_train_batch_end(batch, running())
                if self.stop_training:
                    break
                raise FloatingPointError(
                    f"the loss became {value} at epoch {epoch + 1}, batch {batch + 1} "
                    f"(batch_size={batch_size}); the weights are those from before this batch. "
                    f"Try a smaller learning rate, standardized inputs, or the TerminateOnNaN callback "
                    f"to stop instead of raising"
                )
            if wants_logs:
                callback_list.on_train_batch_end(batch, running())
                if self.stop_training:
                    break
        return running()

    # ------------------------------------------------------------ batches
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One update on the rows given (Keras' ``train_on_batch``): the loss (and metrics) from before it.

        Returns the loss alone without metrics, else ``[loss, metric_1, ...]``,
        or a dict with ``return_dict=True``; no callbacks run.  A non-finite
        loss raises ``FloatingPointError`` and leaves the weights unchanged.
        """
        self._require_compiled("train_on_batch")
        x, y, n_out = self._check_xy(x, y)
        weights = self._check_weights(x, y, n_out, sample_weight, class_weight)
        self._build_for(x)
        self._bind_optimizer()
        metric_fns = self._resolved_metrics(n_out)
        was_training = getattr(self, "training", True)
        self.train()
        try:
            value, metric_values = self._train_step(x, y, weights, metric_fns)
        finally:
            self.train(was_training)
        if not math.isfinite(value):
            raise FloatingPointError(f"train_on_batch: the loss is {value}; the update was not applied")
        logs = {"loss": value}
        logs.update((name, metric) for (name, _), metric in zip(metric_fns, metric_values))
        return self._results(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """The loss (and metrics) on the rows given, in evaluation mode, without an update (Keras' ``test_on_batch``)."""
        return self.evaluate(x, y, batch_size=None, sample_weight=sample_weight, return_dict=return_dict)

    def predict_on_batch(self, x):
        """The outputs for the rows given, as one array (Keras' ``predict_on_batch``)."""
        return self.predict(x)

    def _results(self, logs, return_dict):
        if return_dict:
            return logs
        if len(logs) == 1:
            return logs["loss"]
        return list(logs.values())

    # ---------------------------------------------------------- inference
    def _evaluate_arrays(self, x, y, weights, chunk, metric_fns):
        """Mean loss and metrics over checked arrays, chunk by chunk, weighted by rows (see models.compiled)."""
        return evaluate_batches(self, x, y, weights, chunk, metric_fns)

    def evaluate(self, x=None, y=None, batch_size=None, verbose=0, sample_weight=None, return_dict=False,
                 steps=None):
        """The loss (and metrics) on ``(x, y)`` in evaluation mode.

        Returns the loss alone when the model has no metrics, else
        ``[loss, metric_1, ...]`` in ``compile``'s order, or a dict
        ``{"loss": ..., name: ...}`` with ``return_dict=True``.  ``batch_size``
        only bounds the rows per forward pass (default 4096); the result is the
        same mean over all rows.  ``sample_weight`` weighs the rows' losses as
        in ``fit`` (Σ w_i l_i / n); the loss includes the regularization penalties.
        """
        self._require_compiled("evaluate")
        chunk = check_batch_size(batch_size, default=INFERENCE_CHUNK)
        verbose = check_verbose(verbose)
        if is_stream(x):  # batches checked one by one: see models.streams
            return self._results(evaluate_stream(self, x, steps), return_dict)
        x, y, n_out = self._check_xy(x, y)
        weights = None if sample_weight is None else check_sample_weight(sample_weight, x.shape[0])
        metric_fns = self._resolved_metrics(n_out)
        was_training = getattr(self, "training", False)
        self.eval()
        try:
            logs = self._evaluate_arrays(x, y, weights, chunk, metric_fns)
        finally:
            self.train(was_training)
        if verbose:
            sys.stdout.write(format_logs(logs) + "\n")
        return self._results(logs, return_dict)

    def predict(self, x, batch_size=None, verbose=0, steps=None):
        """The network's outputs for the rows of ``x``, as a numpy array (rows, outputs).

        Runs in evaluation mode (Dropout off) without recording a graph.
        """
        chunk = check_batch_size(batch_size, default=INFERENCE_CHUNK)
        check_verbose(verbose)
        if is_stream(x):
            return predict_stream(self, x, steps)
        x = self._check_x(x)
        was_training = getattr(self, "training", False)
        self.eval()
        try:
            return predict_batches(self, x, chunk)
        finally:
            self.train(was_training)

    def predict_classes(self, x, batch_size=None, verbose=0):
        """Class predictions, by the rule of the output layer:

        * one output: ``1`` where the output is > 0.5, else ``0``; shape (rows, 1)
          (Keras' former ``predict_classes`` for a sigmoid output);
        * several outputs of a sigmoid layer (multi-label, like the course's four
          sigmoid outputs): 0.5 per output; shape (rows, outputs);
        * several outputs otherwise (softmax): the index of the largest
          output; shape (rows,).
        """
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[1] == 1 or self._output_activation() == "sigmoid":
            return (proba > 0.5).astype(np.int32)
        return np.argmax(proba, axis=1).astype(np.int32)

    def _output_activation(self):
        """The name of the last layer's activation (layers without one, like Dropout, are skipped)."""
        for layer in reversed(list(getattr(self, "layers", []))):
            name = getattr(layer, "activation_name", None)
            if name is not None:
                return name
        return None

    # ------------------------------------------------------------ summary
    def summary(self, print_fn=None):
        """Print a table of the layers: name (type), output shape, parameters, then the totals.

        ``print_fn`` receives one line at a time (``print`` by default).
        """
        print_summary(self, self._known_input_width(), print_fn)

    def get_layer(self, name=None, index=None):
        """A layer by its name or its position (Keras' ``get_layer``)."""
        layers = list(getattr(self, "layers", []))
        if (name is None) == (index is None):
            raise ValueError("get_layer needs exactly one of name or index")
        if index is not None:
            if isinstance(index, bool) or not isinstance(index, numbers.Integral) or not -len(layers) <= index < len(layers):
                raise ValueError(f"layer index must be an integer in [0, {len(layers)}), got {index!r}")
            return layers[index]
        for layer in layers:
            if getattr(layer, "name", None) == name:
                return layer
        raise ValueError(f"no layer named {name!r}; the layers are {[getattr(l, 'name', None) for l in layers]}")

    # --------------------------------------------------------------- files
    def save(self, filepath, include_optimizer=True):
        """Write the whole model (architecture, weights, compile settings, optimizer state) to one file."""
        save_model(self, filepath, include_optimizer=include_optimizer)

    def save_weights(self, filepath):
        """Write only the weights to one file, atomically (see :func:`autograd_mlp.models.save_weights`)."""
        save_weights(self, filepath)

    def load_weights(self, filepath):
        """Set the weights from a file of :meth:`save_weights` or :meth:`save`, checking every shape first."""
        load_weights(self, filepath)
