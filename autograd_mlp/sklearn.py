"""scikit-learn estimators trained by this library: ``MLPClassifier`` and ``MLPRegressor``.

They take scikit-learn's own MLP hyper-parameters (same names, same defaults),
so they drop into ``Pipeline``, ``cross_val_score``, ``GridSearchCV`` and
``clone``; the network inside is a :class:`autograd_mlp.Sequential` of
:class:`autograd_mlp.Dense` layers, fitted attribute ``model_``::

    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from autograd_mlp.sklearn import MLPClassifier

    clf = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(64,), random_state=0))
    clf.fit(X_train, y_train).score(X_test, y_test)

This module needs scikit-learn (``pip install autograd_mlp[sklearn]``);
``import autograd_mlp`` does not import it.

What ``fit`` minimizes
----------------------
For a batch B of n_B rows, outputs ŷ and targets y (k output columns), the
loss of one update is scikit-learn's::

    L_B = data term + α/(2 n_B) Σ_layers ||W||²_F      (weights only, not the biases)

    data term:  multiclass   -1/n_B Σ_rows Σ_k y_k log ŷ_k         (softmax output)
                binary       -1/n_B Σ_rows Σ_k [y log ŷ + (1-y) log(1-ŷ)]
                multilabel      (sigmoid outputs, one per label; k = 1 for binary)
                regression   1/(2 n_B) Σ_rows Σ_k (ŷ - y)²          (linear output)

The cross-entropies are computed from the logits, so they stay finite where
scikit-learn clips probabilities.  For a regression with k > 1 outputs
scikit-learn *reports* the mean over the k columns but *differentiates* the
sum; here both are the sum (the same number for one output).

The penalty's gradient α W / n_B is added to the weight gradients after the
backward pass rather than recorded in the graph: the same derivative, without
a graph node per weight matrix.

Training, epoch by epoch (``max_iter`` epochs at most)
------------------------------------------------------
* Rows are reshuffled every epoch (``shuffle=True``) and cut into batches of
  ``batch_size`` (``"auto"``: min(200, n)); ``loss_`` is the row-weighted mean
  of the batch losses L_B, appended to ``loss_curve_``.
* Stopping (scikit-learn's rule): an epoch does not improve when
  ``loss_ > best_loss_ - tol`` (or, with ``early_stopping=True``, when the
  validation score ``< best_validation_score_ + tol``; accuracy for the
  classifier, R² for the regressor, on ``validation_fraction`` of the rows).
  Once more than ``n_iter_no_change`` epochs in a row do not improve,
  training stops; with ``solver="sgd"`` and ``learning_rate="adaptive"`` the
  rate is divided by 5 instead, until it falls below 1e-6.  Running all
  ``max_iter`` epochs issues a :class:`sklearn.exceptions.ConvergenceWarning`.
  Early stopping puts back the weights of the best validation score.
* Initial weights and biases: U(-b, b) with b = √(6 / (fan_in + fan_out))
  (factor 2 instead of 6 for ``activation="logistic"``), drawn from
  ``random_state`` in scikit-learn's order; shuffling and the validation split
  draw from the same generator.  So with ``solver="sgd"`` and a constant
  learning rate the weights follow scikit-learn's to rounding error.

Solvers: ``"sgd"`` (momentum, Nesterov's by default, schedules ``constant`` /
``invscaling`` λ_t = λ₀ / (t + 1)^power_t with t the rows seen / ``adaptive``),
``"adam"`` (β₁, β₂, ε) and ``"rmsprop"`` (ρ = 0.9, ε), the library's
optimizers.  The library's Adam adds ε to √ŝ (bias-corrected) where
scikit-learn adds it to √s, a difference of a factor √(1-β₂ᵗ) on ε only.
There is no ``"lbfgs"``.  ``dtype`` (float64, or float32 for speed) is the
type of the weights and of the data inside.

Not supported: ``sample_weight``, sparse input, scikit-learn's ``loss`` and
``max_fun`` arguments.

scikit-learn's estimator checks
-------------------------------
Both estimators pass every check ``parametrize_with_checks`` of scikit-learn
1.9 runs on them; none is skipped or marked as an expected failure here.
scikit-learn itself leaves out the ``sample_weight`` checks (``fit`` takes no
weights) and the decision-function checks (there is no ``decision_function``),
and skips the pandas and array-API checks when pandas is missing or
``SCIPY_ARRAY_API`` is unset.  The sparse-input checks run and pass: sparse
matrices are refused with scikit-learn's standard message.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import LabelBinarizer
    from sklearn.utils import check_random_state, column_or_1d, gen_batches, shuffle as _shuffled
    from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
    from sklearn.utils.validation import check_is_fitted
except ImportError as error:  # pragma: no cover - exercised in a subprocess without scikit-learn
    raise ImportError(
        "autograd_mlp.sklearn needs scikit-learn; install it with: pip install autograd_mlp[sklearn]"
    ) from error

try:
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # scikit-learn < 1.6: the same checks are a method of BaseEstimator
    def _validate_data(estimator, X="no_validation", y="no_validation", **kwargs):
        return estimator._validate_data(X, y, **kwargs)

from . import losses
from .models import Sequential
from .nn import Dense
from .optim import SGD, Adam, RMSprop

__all__ = ["MLPClassifier", "MLPRegressor"]

#: scikit-learn's activation names and the library's.
_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}
_SOLVERS = ("sgd", "adam", "rmsprop")
_SCHEDULES = ("constant", "invscaling", "adaptive")
_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))
#: scikit-learn's "auto" batch size: min(AUTO_BATCH, rows).
AUTO_BATCH = 200
#: The adaptive schedule stops once the learning rate falls to this (scikit-learn's value).
MIN_ADAPTIVE_RATE = 1e-6


# --------------------------------------------------------------- checks
def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _real(value, name, low, high=None, low_open=False, high_open=False):
    """``value`` as a float in the interval, or ValueError naming the interval and the value."""
    lower = "(" if low_open else "["
    upper = ")" if high_open else "]"
    interval = f"{lower}{low}, {'inf' if high is None else high}{upper}"
    if not _is_real(value) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number in {interval}, got {value!r}")
    ok = (value > low if low_open else value >= low)
    if high is not None:
        ok = ok and (value < high if high_open else value <= high)
    if not ok:
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return float(value)


def _flag(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _choice(value, name, options):
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(repr(o) for o in options)}, got {value!r}")
    return value


def _hidden_sizes(value):
    """``hidden_layer_sizes`` as a tuple of positive ints (an int means one hidden layer)."""
    sizes = (value,) if _is_int(value) else value
    try:
        sizes = tuple(sizes)
    except TypeError:
        raise ValueError(
            f"hidden_layer_sizes must be a positive int or a sequence of them, got {value!r}"
        ) from None
    if isinstance(value, str) or not all(_is_int(s) and s >= 1 for s in sizes):
        raise ValueError(f"hidden_layer_sizes must be a positive int or a sequence of them, got {value!r}")
    return tuple(int(s) for s in sizes)


class _Settings:
    """The hyper-parameters, checked once at the start of a fit (an estimator's own stay as given)."""

    def __init__(self, est):
        self.hidden = _hidden_sizes(est.hidden_layer_sizes)
        self.activation = _ACTIVATIONS[_choice(est.activation, "activation", tuple(_ACTIVATIONS))]
        if est.solver == "lbfgs":
            raise ValueError("solver='lbfgs' is not available here; use 'adam', 'sgd' or 'rmsprop'")
        self.solver = _choice(est.solver, "solver", _SOLVERS)
        self.alpha = _real(est.alpha, "alpha", 0)
        auto = isinstance(est.batch_size, str) and est.batch_size == "auto"
        if not auto and not (_is_int(est.batch_size) and est.batch_size >= 1):
            raise ValueError(f"batch_size must be 'auto' or a positive int, got {est.batch_size!r}")
        self.batch_size = est.batch_size
        self.schedule = _choice(est.learning_rate, "learning_rate", _SCHEDULES)
        self.learning_rate = _real(est.learning_rate_init, "learning_rate_init", 0, low_open=True)
        self.power_t = _real(est.power_t, "power_t", 0)
        if not _is_int(est.max_iter) or est.max_iter < 1:
            raise ValueError(f"max_iter must be a positive int (epochs), got {est.max_iter!r}")
        self.max_iter = int(est.max_iter)
        self.shuffle = _flag(est.shuffle, "shuffle")
        self.tol = _real(est.tol, "tol", 0)
        if not (_is_real(est.verbose) or isinstance(est.verbose, (bool, np.bool_))):
            raise ValueError(f"verbose must be True, False or an int, got {est.verbose!r}")
        self.verbose = bool(est.verbose)
        self.warm_start = _flag(est.warm_start, "warm_start")
        # The library's momentum lives in [0, 1): at 1 the velocity never decays.
        self.momentum = _real(est.momentum, "momentum", 0, 1, high_open=True)
        self.nesterov = _flag(est.nesterovs_momentum, "nesterovs_momentum")
        self.early_stopping = _flag(est.early_stopping, "early_stopping")
        self.validation_fraction = _real(est.validation_fraction, "validation_fraction", 0, 1, high_open=True)
        if self.early_stopping and self.validation_fraction == 0:
            raise ValueError("validation_fraction must be > 0 with early_stopping=True (the rows it holds out), got 0")
        self.beta_1 = _real(est.beta_1, "beta_1", 0, 1, high_open=True)
        self.beta_2 = _real(est.beta_2, "beta_2", 0, 1, high_open=True)
        self.epsilon = _real(est.epsilon, "epsilon", 0, low_open=True)
        patience = est.n_iter_no_change
        if not ((_is_int(patience) and patience >= 1) or (_is_real(patience) and patience == np.inf)):
            raise ValueError(f"n_iter_no_change must be a positive int or numpy.inf, got {patience!r}")
        self.patience = patience
        try:
            dtype = np.dtype(est.dtype)  # None is numpy's default, float64
        except TypeError:
            raise ValueError(f"dtype must be numpy.float64 or numpy.float32, got {est.dtype!r}") from None
        if dtype not in _DTYPES:
            raise ValueError(f"dtype must be numpy.float64 or numpy.float32, got {est.dtype!r}")
        self.dtype = dtype

    def optimizer(self):
        if self.solver == "sgd":
            return SGD(learning_rate=self.learning_rate, momentum=self.momentum,
                       nesterov=self.nesterov and self.momentum > 0)
        if self.solver == "adam":
            return Adam(learning_rate=self.learning_rate, beta_1=self.beta_1, beta_2=self.beta_2,
                        epsilon=self.epsilon)
        return RMSprop(learning_rate=self.learning_rate, epsilon=self.epsilon)


# ------------------------------------------------------------- base class
class _BaseMLP(BaseEstimator):
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
        settings = _Settings(self)
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
            X, y = _validate_data(self, X, y, multi_output=True, dtype=settings.dtype, reset=reset,
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
                    order = _shuffled(order, random_state=rng)
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
        X = _validate_data(self, X, reset=False, dtype=np.dtype(self.model_.layers[0].dtype))
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



# ------------------------------------------------------------- classifier
class MLPClassifier(ClassifierMixin, _BaseMLP):
    """A multi-layer perceptron classifier with scikit-learn's ``MLPClassifier`` interface.

    Binary targets get one sigmoid output (``predict_proba`` returns the two
    columns 1 - p and p), more classes a softmax output, multilabel indicator
    matrices one sigmoid output per label.  Labels may be any values
    scikit-learn accepts (strings, ints ...); ``classes_`` lists them in order.
    See the module docstring for the loss, the training loop and the stopping
    rule.

    Parameters
    ----------
    (scikit-learn's names and defaults; stored as given, checked by ``fit``)

    hidden_layer_sizes : tuple of int, default (100,)
        Units of each hidden layer (an int is one layer, ``()`` none).
    activation : {"relu", "tanh", "logistic", "identity"}, default "relu"
        The hidden layers' activation.
    solver : {"adam", "sgd", "rmsprop"}, default "adam"
    alpha : float >= 0, default 1e-4
        L2 penalty α of the loss α/(2 n_B) Σ ||W||².
    batch_size : int or "auto", default "auto" (min(200, rows))
    learning_rate : {"constant", "invscaling", "adaptive"}, default "constant" (sgd only)
    learning_rate_init : float > 0, default 0.001
    power_t : float >= 0, default 0.5 (invscaling's exponent)
    max_iter : int >= 1, default 200
        Epochs at most (one for ``partial_fit``).
    shuffle : bool, default True
    random_state : None, int or numpy RandomState
        Initial weights, shuffling and the validation split.
    tol : float >= 0, default 1e-4; n_iter_no_change : int >= 1 or inf, default 10
        The stopping rule.
    verbose : bool, default False
        Print the loss of each epoch.
    warm_start : bool, default False
        Continue from the current weights on the next ``fit``.
    momentum : float in [0, 1), default 0.9; nesterovs_momentum : bool, default True (sgd)
    early_stopping : bool, default False; validation_fraction : float in [0, 1), default 0.1
    beta_1, beta_2 : float in [0, 1), default 0.9, 0.999 (adam); epsilon : float > 0, default 1e-8
    dtype : numpy.float64 (default) or numpy.float32
        The type of the weights and of the computation.

    Attributes
    ----------
    classes_ : array of the class labels
    model_ : Sequential, the trained network (its output layer is ``sigmoid`` or ``softmax``)
    coefs_, intercepts_ : lists of the weight matrices and bias vectors
    loss_, loss_curve_, best_loss_, n_iter_, t_ : the training record
    validation_scores_, best_validation_score_ : accuracies with ``early_stopping=True``, else None
    n_features_in_, feature_names_in_ : the input's width (and column names when it has them)
    n_outputs_, n_layers_, out_activation_ : as in scikit-learn
    """

    _is_classifier = True

    def partial_fit(self, X, y, classes=None):
        """One epoch over ``(X, y)``, continuing from the current weights.

        ``classes`` (every label that will ever be seen) is required on the
        first call, unless ``y`` is a multilabel indicator matrix.
        """
        if not hasattr(self, "model_") and classes is None and not _is_multilabel(y):
            raise ValueError("classes must be passed on the first call to partial_fit (all the labels, e.g. np.unique(y_all))")
        return self._fit(X, y, incremental=True, classes=classes)

    def _validate_targets(self, y, reset, classes):
        check_classification_targets(y)
        if reset:
            binarizer = LabelBinarizer()
            if classes is not None and not _is_multilabel(y):
                classes = np.asarray(classes)
                check_classification_targets(classes)
                binarizer.fit(classes)
            else:
                binarizer.fit(y)
            if binarizer.classes_.shape[0] < 2:
                raise ValueError(
                    f"MLPClassifier needs samples of at least 2 classes, got only one class: {binarizer.classes_}"
                )
            known = binarizer.classes_
        else:
            binarizer, known = self._binarizer, self.classes_
        if binarizer.y_type_ != "multilabel-indicator":
            seen = unique_labels(y)
            if len(np.setdiff1d(seen, known, assume_unique=True)):
                raise ValueError(f"y has classes not in the model's classes {known}: y has {seen}")
        Y = binarizer.transform(y)
        if reset:
            self._binarizer = binarizer
            self.classes_ = binarizer.classes_
        return Y

    def _output_activation(self):
        return "softmax" if self._binarizer.y_type_ == "multiclass" else "sigmoid"

    def _data_loss(self, y, out):
        if out.shape[1] > 1 and self.out_activation_ == "softmax":
            return losses.categorical_crossentropy(y, out)
        # binary_crossentropy averages over rows × labels; scikit-learn sums over labels.
        return losses.binary_crossentropy(y, out) * float(out.shape[1])

    def _split_labels(self, labels):
        return labels if self._binarizer.y_type_ in ("binary", "multiclass") else None

    def _score_rows(self, X, labels):
        return accuracy_score(labels, self._labels(self.model_.predict(X)))

    def _labels(self, out):
        return self._binarizer.inverse_transform(out.ravel() if out.shape[1] == 1 else out)

    def predict(self, X):
        """The predicted labels: threshold 0.5 for sigmoid outputs, the most probable class for softmax."""
        return self._labels(self._forward(X))

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_`` (two columns for a binary problem)."""
        out = self._forward(X)
        if out.shape[1] == 1:
            return np.hstack([1.0 - out, out])
        return out

    def predict_log_proba(self, X):
        """log of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def _more_tags(self):  # scikit-learn < 1.6
        return {"multilabel": True}


def _is_multilabel(y):
    return type_of_target(y).startswith("multilabel")


# -------------------------------------------------------------- regressor
class MLPRegressor(RegressorMixin, _BaseMLP):
    """A multi-layer perceptron regressor (linear output) with scikit-learn's ``MLPRegressor`` interface.

    ``y`` may have one column (``predict`` returns shape (rows,)) or several.
    See the module docstring for the loss, the training loop and the stopping
    rule; the parameters and attributes are those of :class:`MLPClassifier`
    (without ``classes_``), and ``validation_scores_`` holds R² scores.
    """

    _is_classifier = False

    def partial_fit(self, X, y):
        """One epoch over ``(X, y)``, continuing from the current weights."""
        return self._fit(X, y, incremental=True, classes=None)

    def _validate_targets(self, y, reset, classes):
        y = np.asarray(y)
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def _output_activation(self):
        return "linear"

    def _data_loss(self, y, out):
        # mean_squared_error averages over rows × outputs; scikit-learn's half squared
        # error is differentiated as a sum over outputs, halved.
        return losses.mean_squared_error(y, out) * (0.5 * out.shape[1])

    def _split_labels(self, labels):
        return None

    def _score_rows(self, X, y):
        return r2_score(y, self._values(self.model_.predict(X)))

    @staticmethod
    def _values(out):
        return out.ravel() if out.shape[1] == 1 else out

    def predict(self, X):
        """The network's outputs: shape (rows,) for one target, (rows, outputs) for several."""
        return self._values(self._forward(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _more_tags(self):  # scikit-learn < 1.6
        return {"multioutput": True}
