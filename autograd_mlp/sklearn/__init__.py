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

This package needs scikit-learn (``pip install autograd_mlp[sklearn]``);
``import autograd_mlp`` does not import it.  Its modules: ``settings`` (the
hyper-parameters and their checks), ``base`` (the network and the training
loop both estimators share), ``classifier`` and ``regressor``.

Wrong hyper-parameters and data are refused by ``fit`` (not by the
constructor, scikit-learn's rule): a parameter of the wrong kind with a
:class:`~autograd_mlp.sklearn.settings.ParameterTypeError` (a TypeError and
a ValueError), a wrong value with a ValueError; a value of ``X`` or ``y``
that cannot be converted to a number with a message that starts with the
argument's name (``y: could not convert string to float: 'tall'``).

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
optimizers in their Keras form, which add ε to √s (the second moment
before bias correction) as scikit-learn does.
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

from .classifier import MLPClassifier
from .regressor import MLPRegressor
from .settings import AUTO_BATCH, MIN_ADAPTIVE_RATE, ParameterTypeError  # noqa: F401 - reachable from the package

__all__ = ["MLPClassifier", "MLPRegressor"]
