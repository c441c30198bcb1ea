"""What both estimators share: the hyper-parameters, the network, the training loop (see the package docstring)."""

from __future__ import annotations

import re
import warnings

import numpy as np

from ..models import Sequential
from ..nn import Dense
from ._api import (BaseEstimator, ConvergenceWarning, check_array, check_is_fitted, check_random_state, column_or_1d, gen_batches,
                   shuffle as shuffled, train_test_split, validate_data)
from .settings import AUTO_BATCH, MIN_ADAPTIVE_RATE, Settings

__all__ = ["BaseMLP"]


def _culprit(X, y, dtype, y_numeric):
    """Which of ``X`` and ``y`` cannot be converted on its own ("X", "y"), or None when both can."""
    try:
        check_array(X, dtype=dtype)
    except (TypeError, ValueError):
        return "X"
    try:
        check_array(y, dtype=np.float64 if y_numeric else None, ensure_2d=False)
    except (TypeError, ValueError):
        return "y"
    return None


def _named(validate, estimator, X, y, **kwargs):
    """scikit-learn's ``validate_data``, with its message saying whether ``X`` or ``y`` failed.

    Its conversion errors ("could not convert string to float: 'a'") do not
    say which argument held the value; the argument is found by converting
    each alone, and named in front of the message when the message does not
    name it already.
    """
    try:
        return validate(estimator, X, y, **kwargs)
    except (TypeError, ValueError) as error:
        message = str(error)
        if y is None or isinstance(y, str):  # scikit-learn's own "requires y" messages
            raise
        try:
            which = _culprit(X, y, kwargs.get("dtype"), kwargs.get("y_numeric", False))
        except Exception:  # noqa: BLE001 - naming the culprit must never hide the original error
            which = None
        if which is None or re.search(rf"\b{which}\b", message):
            raise
        raise type(error)(f"{which}: {message}") from error


class BaseMLP(BaseEstimator):
    """What both estimators share: hyper-parameters, the network, the training loop."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate="constant", learning_rate_init=0.001, power_t=0.5,
                 max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False,
                 warm_start=False, momentum=0.9, nesterovs_momentum=True, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10, dtype=np.float64):
        # scikit-learn's convention: store the arguments as given; fit checks them.
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.dtype = dtype

    # Subclasses define: _validate_targets(y, reset, classes), _output_activation(),
    # _data_loss(y, out), _score_rows(X, y) and _split_labels(y).

    # ---------------------------------------------------------- attributes
    @property
    def coefs_(self):
        """The weight matrices, layer by layer, shape (inputs, units) (the model's own arrays)."""
        return [layer.weight.data for layer in self.model_.layers]

    @property
    def intercepts_(self):
        """The bias vectors, layer by layer (the model's own arrays)."""
        return [layer.bias.data for layer in self.model_.layers]

    @property
    def n_layers_(self):
        """Layers counted as scikit-learn does: input, hidden and output."""
        return len(self.model_.layers) + 1

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    # ------------------------------------------------------------- fitting
    def fit(self, X, y):
        """Train on ``(X, y)`` from new initial weights (or the current ones with ``warm_start=True``).

        Returns ``self``.
        """
        return self._fit(X, y, incremental=False, classes=None)

    def _fit(self, X, y, incremental, classes):
        settings = Settings(self)
        if incremental and settings.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True; use fit, or early_stopping=False")
        rng = check_random_state(self.random_state)
        first = not hasattr(self, "model_") or (not settings.warm_start and not incremental)
        X, Y, labels = self._validate_fit_data(X, y, settings, first, incremental, classes)
        if first:
            self._initialize(X.shape[1], Y.shape[1], settings, rng)
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = settings.optimizer().bind(self.model_.parameters())
        self._train(X, Y, labels, settings, rng, incremental)
        return self

    def _validate_fit_data(self, X, y, settings, reset, incremental, classes):
        """Checked ``X`` (floats of ``dtype``), 2-D float targets ``Y``, and the targets as given.

        If a check fails, the attributes that scikit-learn's validation sets
        early (the input width and feature names) are put back as they were.
        """
        saved = {name: vars(self)[name] for name in ("n_features_in_", "feature_names_in_") if name in vars(self)}
        try:
            X, y = _named(validate_data, self, X, y, multi_output=True, dtype=settings.dtype, reset=reset,
                          y_numeric=not self._is_classifier)
            if y.ndim == 2 and y.shape[1] == 1:
                y = column_or_1d(y, warn=True)
            Y = self._validate_targets(y, reset=reset, classes=classes if incremental else None)
            if not reset and Y.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"the model has {self.n_outputs_} outputs, y has {Y.shape[1]} columns; "
                    f"continuing a fit needs targets of the same width"
                )
        except Exception:
            for name in ("n_features_in_", "feature_names_in_"):
                vars(self).pop(name, None)
            vars(self).update(saved)
            raise
        if not reset and X.shape[1] != self.model_.input_dim:  # pragma: no cover - validate_data checks it
            raise ValueError(f"X has {X.shape[1]} features, the model expects {self.model_.input_dim}")
        return X, Y.astype(settings.dtype, copy=False), y

    def _initialize(self, n_features, n_outputs, settings, rng):
        """A new network with scikit-learn's initial weights, and the fit history reset."""
        units = [n_features, *settings.hidden, n_outputs]
        # Glorot's bound: factor 6, or 2 for logistic units (as scikit-learn does).
        factor = 2.0 if settings.activation == "sigmoid" else 6.0
        layers = []
        for i, (fan_in, fan_out) in enumerate(zip(units[:-1], units[1:])):
            last = i == len(units) - 2
            layer = Dense(fan_out, input_dim=fan_in, name="output" if last else f"hidden_{i + 1}",
                          activation=self._output_activation() if last else settings.activation,
                          kernel_initializer="zeros", dtype=settings.dtype)
            bound = np.sqrt(factor / (fan_in + fan_out))
            # scikit-learn's order of draws: each layer's weights, then its biases.
            weight = rng.uniform(-bound, bound, (fan_in, fan_out))
            bias = rng.uniform(-bound, bound, fan_out)
            layer.set_weights([weight, bias])
            layers.append(layer)
        self.model_ = Sequential(layers, name="mlp")
        self.n_outputs_ = n_outputs
        self.out_activation_ = {"linear": "identity", "sigmoid": "logistic"}.get(
            self._output_activation(), self._output_activation())
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self._reset_best(settings)
        vars(self).pop("_optimizer", None)

    def _reset_best(self, settings):
        """What the stopping rule compares with: the best validation score, or the best loss."""
        if settings.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
            self._best_weights = self.model_.get_weights()
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf

    def _validation_split(self, X, Y, labels, settings, rng):
        """Training and validation rows for early stopping (stratified by class when it can be)."""
        rows = np.arange(X.shape[0])
        stratify = self._split_labels(labels)
        try:
            train, val = train_test_split(rows, test_size=settings.validation_fraction, random_state=rng,
                                          stratify=stratify)
        except ValueError:
            if stratify is None:
                raise
            # A class with a single row, or fewer validation rows than classes: a plain split.
            train, val = train_test_split(rows, test_size=settings.validation_fraction, random_state=rng)
        if val.shape[0] < 2:
            raise ValueError(
                f"early stopping needs at least 2 validation rows; validation_fraction="
                f"{settings.validation_fraction} of {X.shape[0]} rows gives {val.shape[0]}. "
                f"Increase validation_fraction or give more rows"
            )
        return (X[train], Y[train]), (X[val], labels[val])

    def _batch_size(self, settings, n):
        if settings.batch_size == "auto":
            return min(AUTO_BATCH, n)
        if settings.batch_size > n:
            warnings.warn(f"batch_size={settings.batch_size} is larger than the {n} training rows; "
                          f"using batches of {n}", UserWarning, stacklevel=5)
        return min(int(settings.batch_size), n)

    def _train(self, X, Y, labels, settings, rng, incremental):
        """The epochs of one fit (one epoch for partial_fit); see the module docstring."""
        validation = None
        if settings.early_stopping != (self.validation_scores_ is not None):
            # a warm start that switches early stopping on or off
            self._reset_best(settings)
        if settings.early_stopping:
            (X, Y), validation = self._validation_split(X, Y, labels, settings, rng)
        n = X.shape[0]
        batch_size = self._batch_size(settings, n)
        optimizer = self._optimizer
        kernels = [layer.weight for layer in self.model_.layers]
        order = np.arange(n)
        self.n_iter_ = 0
        try:
            for _ in range(settings.max_iter):
                if settings.shuffle:
                    # scikit-learn permutes the previous order, drawing from the same generator.
                    order = shuffled(order, random_state=rng)
                total = 0.0
                for rows in gen_batches(n, batch_size):
                    total += self._step(X, Y, order[rows], kernels, settings.alpha, optimizer) * (rows.stop - rows.start)
                self.n_iter_ += 1
                self.t_ += n
                self.loss_ = total / n
                self.loss_curve_.append(self.loss_)
                if settings.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
                self._update_no_improvement_count(settings, validation)
                if settings.solver == "sgd" and settings.schedule == "invscaling":
                    optimizer.learning_rate = settings.learning_rate / (self.t_ + 1) ** settings.power_t
                if self._no_improvement_count > settings.patience:
                    if self._stops(settings, optimizer):
                        break
                    self._no_improvement_count = 0
                if incremental:
                    break
                if self.n_iter_ == settings.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({settings.max_iter}) reached and "
                        f"the optimization hasn't converged yet.", ConvergenceWarning, stacklevel=4)
        except KeyboardInterrupt:
            # scikit-learn's behaviour: an interrupted fit keeps the weights reached so far.
            warnings.warn("Training interrupted by user.", stacklevel=4)
        if settings.early_stopping:
            self.model_.set_weights(self._best_weights)

    def _step(self, X, Y, rows, kernels, alpha, optimizer):
        """One update on the rows ``rows``; returns the batch loss L_B (penalty included)."""
        x, y = X[rows], Y[rows]
        count = x.shape[0]
        optimizer.zero_grad()
        loss = self._data_loss(y, self.model_(x))
        value = float(loss.data)
        if not np.isfinite(value):
            raise ValueError(
                f"the training loss became {value} at epoch {self.n_iter_ + 1} (the weights are those "
                f"before this batch); scale the inputs (StandardScaler) or lower learning_rate_init"
            )
        loss.backward()
        if alpha > 0:
            # d/dW of α/(2 n_B) ||W||² is α W / n_B.
            value += 0.5 * alpha * sum(float(np.vdot(w.data, w.data)) for w in kernels) / count
            for w in kernels:
                w.grad = w.grad + (alpha / count) * w.data
        optimizer.step()
        return value

    def _update_no_improvement_count(self, settings, validation):
        if validation is not None:
            score = self._score_rows(*validation)
            self.validation_scores_.append(score)
            if settings.verbose:
                print(f"Validation score: {score:.6f}")
            if score < self.best_validation_score_ + settings.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_weights = self.model_.get_weights()
        else:
            if self.loss_ > self.best_loss_ - settings.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            self.best_loss_ = min(self.best_loss_, self.loss_)

    @staticmethod
    def _stops(settings, optimizer):
        """After too many epochs without improvement: stop, or (adaptive sgd) divide the rate by 5."""
        what = "Validation score" if settings.early_stopping else "Training loss"
        message = (f"{what} did not improve more than tol={settings.tol:f} for "
                   f"{settings.patience} consecutive epochs.")
        if settings.solver != "sgd" or settings.schedule != "adaptive":
            if settings.verbose:
                print(message + " Stopping.")
            return True
        if optimizer.learning_rate <= MIN_ADAPTIVE_RATE:
            if settings.verbose:
                print(message + " Learning rate too small. Stopping.")
            return True
        optimizer.learning_rate /= 5.0
        if settings.verbose:
            print(message + f" Setting learning rate to {optimizer.learning_rate:f}")
        return False

    # ----------------------------------------------------------- inference
    def _forward(self, X):
        """The network's outputs (rows, outputs) for checked ``X``."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.dtype(self.model_.layers[0].dtype))
        return self.model_.predict(X)

    # ------------------------------------------------------------- pickling
    def __getstate__(self):
        # The optimizer keys its moment arrays by id() of the parameters, which a
        # copy does not keep: save them by parameter position instead.
        state = super().__getstate__()
        optimizer = state.get("_optimizer")
        if optimizer is not None:
            state = dict(state, _optimizer_slots=optimizer.get_state())
        return state

    def __setstate__(self, state):
        state = dict(state)
        slots = state.pop("_optimizer_slots", None)
        super().__setstate__(state)
        if slots is not None:
            self._optimizer.set_state(slots)
