"""An autograd_mlp network inside scikit-learn: a Pipeline, cross-validation and a grid search.

The breast cancer data set (569 tumours, 30 measurements, malignant or benign)
is standardized and classified by ``autograd_mlp.sklearn.MLPClassifier``,
which takes scikit-learn's MLP arguments.  Because the scaler sits inside the
pipeline, each fold of the cross-validation learns its means and standard
deviations from its own training rows only.

Run:  python examples/sklearn_pipeline.py     (a few seconds; needs scikit-learn)
"""

import argparse
import sys

try:
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score, train_test_split
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from autograd_mlp.sklearn import MLPClassifier
except ImportError as error:  # said by main(), after --help has had its chance
    if not (error.name or "").startswith("sklearn"):
        raise
    MLPClassifier = None


def make_pipeline():
    """Standardize, then a one-hidden-layer network trained by Adam.

    Training stops once the training loss has not fallen by ``tol`` for more
    than ``n_iter_no_change`` epochs in a row (scikit-learn's rule).
    """
    mlp = MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01, tol=1e-3, max_iter=100,
                        random_state=0)
    return Pipeline([("scale", StandardScaler()), ("mlp", mlp)])


def main(verbose=True):
    """Cross-validate the pipeline, then tune it on a training split; returns the numbers printed."""
    if MLPClassifier is None:
        raise SystemExit("this example needs scikit-learn: pip install autograd_mlp[sklearn]")
    X, y = load_breast_cancer(return_X_y=True)
    say = print if verbose else (lambda *args: None)

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    scores = cross_val_score(make_pipeline(), X, y, cv=folds)
    say(f"5-fold accuracy: {scores.mean():.3f} ± {scores.std():.3f}  ({', '.join(f'{s:.3f}' for s in scores)})")

    # Tune the L2 penalty and the width on training rows; judge the winner on rows it never saw.
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    grid = GridSearchCV(
        make_pipeline(),
        {"mlp__alpha": [1e-4, 1e-1], "mlp__hidden_layer_sizes": [(8,), (32,)]},
        cv=3,
    )
    grid.fit(X_train, y_train)
    test_accuracy = grid.score(X_test, y_test)
    say(f"best parameters: {grid.best_params_}  (mean cross-validated accuracy {grid.best_score_:.3f})")
    say(f"held-out accuracy of the refitted best pipeline: {test_accuracy:.3f}")
    mlp = grid.best_estimator_.named_steps["mlp"]
    say(f"its network stopped after {mlp.n_iter_} epochs at a training loss of {mlp.loss_:.4f}")
    return {"cv_scores": scores, "best_params": grid.best_params_, "test_accuracy": test_accuracy,
            "n_iter": mlp.n_iter_}


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args(sys.argv[1:])  # --help, or no options
    main()
