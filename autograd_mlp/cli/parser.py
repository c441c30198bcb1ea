"""The command line's grammar: ``autograd-mlp COMMAND [options]``, one argparse subparser per command.

Option values are checked here, when they are parsed: a bad one ends the
program with exit status 2 and one line on stderr naming the option, before
any file is read.
"""

from __future__ import annotations

import argparse
import sys

from .. import activations, losses, optim
from .._checks import probability, real_number, whole_number
from .csvdata import CHUNK_ROWS
from .errors import one_line

__all__ = ["build_parser", "PROG"]

PROG = "autograd-mlp"


class _Parser(argparse.ArgumentParser):
    """argparse, except that an error is one line on stderr (no usage block) and exit status 2."""

    def error(self, message):
        sys.stderr.write(f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")
        raise SystemExit(2)


# ------------------------------------------------------------ value types
# Text becomes a number here; its range is checked by the library's shared checks, so an option
# accepts exactly what the function it feeds accepts.
def _checked(check, text, number, *args, **kwargs):
    try:
        value = number(text)
    except ValueError:
        kind = "a whole number" if number is int else "a number"
        raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}") from None
    try:
        return check("VALUE", value, *args, **kwargs)
    except (TypeError, ValueError) as exc:
        message = str(exc).replace("expected VALUE as ", "expected ").replace("expected VALUE ", "expected a number ")
        raise argparse.ArgumentTypeError(message) from None


def positive_int(text):
    return _checked(whole_number, text, int, minimum=1)


def seed(text):
    return _checked(whole_number, text, int, minimum=0)


def positive_float(text):
    return _checked(real_number, text, float, minimum=0, low_open=True)


def fraction(text):
    return _checked(probability, text, float, include_one=False)


def layer_sizes(text):
    """``"16,16"`` -> [16, 16]; ``""`` or ``"none"`` -> [] (no hidden layer: a perceptron)."""
    if text.strip().lower() in ("", "none"):
        return []
    sizes = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            raise argparse.ArgumentTypeError(
                f"expected hidden layer sizes as positive whole numbers separated by commas (like 16,16, "
                f"or 'none' for no hidden layer), got {text!r}")
        sizes.append(int(part))
    return sizes


def _named(kind, lookup, allow_auto=False):
    """A type that accepts a name the library knows (``lookup(name)`` succeeds), and ``auto`` when allowed."""

    def parse(text):
        if allow_auto and text == "auto":
            return text
        try:
            lookup(text)
        except (TypeError, ValueError) as exc:
            raise argparse.ArgumentTypeError(f"{exc}" + (" or 'auto'" if allow_auto else "")) from None
        return text.lower()

    parse.__name__ = kind
    return parse


activation_name = _named("activation", activations.get)
output_activation_name = _named("output activation", activations.get, allow_auto=True)
loss_name = _named("loss", losses.get, allow_auto=True)
optimizer_name = _named("optimizer", optim.get)


# ---------------------------------------------------------------- parser
def _chunk_rows(command, memory):
    command.add_argument("--chunk-rows", type=positive_int, default=CHUNK_ROWS, metavar="N",
                         help=f"rows of DATA.csv read at a time (default %(default)s; {memory})")


def build_parser():
    """The parser of ``autograd-mlp``; each subcommand's ``handler`` is filled in by the caller's table."""
    parser = _Parser(
        prog=PROG,
        description="Train, evaluate, apply, draw and explain multi-layer perceptrons on CSV files, "
                    "or run the course's demo. Exit status: 0 success, 1 bad data or files, 2 bad command line.",
    )
    from .._version import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    demo = sub.add_parser("demo", help="the course in about a minute: backprop by hand and by autodiff, "
                                       "a perceptron and an MLP on two data sets, with plots")
    demo.add_argument("--out", default="demo_output", metavar="DIR",
                      help="folder for the plots and drawings (created if needed; default %(default)s)")
    demo.add_argument("--quick", action="store_true", help="smaller data sets and fewer epochs: a few seconds")
    demo.add_argument("--seed", type=seed, default=0, help="random seed of the data and the weights (default 0)")

    train = sub.add_parser("train", help="train a network on a CSV file and save it",
                           description="Train a network on DATA.csv (a header row, then numbers) and save it to "
                                       "MODEL, with the column names, task and standardization in MODEL.json. "
                                       "The task comes from the target column unless --task says: 0/1 -> binary "
                                       "(sigmoid, binary_crossentropy); a few whole numbers -> multiclass (softmax, "
                                       "sparse_categorical_crossentropy); anything else -> regression (linear, mse). "
                                       "A training that diverges (NaN or infinite weights or loss, or a final "
                                       "training loss more than 10 times the untrained model's) writes nothing "
                                       "and exits with status 1.")
    train.add_argument("data", metavar="DATA.csv")
    train.add_argument("--target", required=True, metavar="COLUMN", help="the column to predict")
    train.add_argument("--out", required=True, metavar="MODEL", help="file to save the model to")
    train.add_argument("--task", choices=("auto", "binary", "multiclass", "regression"), default="auto",
                       help="default: from the target column")
    train.add_argument("--layers", type=layer_sizes, default=[16, 16], metavar="N,N,...",
                       help="hidden layer sizes (default 16,16; 'none' for a single-layer perceptron)")
    train.add_argument("--activation", type=activation_name, default="relu", help="hidden activation (default relu)")
    train.add_argument("--output-activation", type=output_activation_name, default="auto",
                       help="default: from the task")
    train.add_argument("--loss", type=loss_name, default="auto", help="a Keras loss name; default: from the task")
    train.add_argument("--optimizer", type=optimizer_name, default="adam", help="sgd, adam, rmsprop, adagrad, adamw or nadam, with Keras' update rules (default adam)")
    train.add_argument("--learning-rate", type=positive_float, default=None, metavar="RATE",
                       help="default: the optimizer's (Keras') default")
    train.add_argument("--epochs", type=positive_int, default=100, help="default 100")
    train.add_argument("--batch-size", type=positive_int, default=32, help="rows per update (default 32)")
    train.add_argument("--validation-split", type=fraction, default=0.2, metavar="FRACTION",
                       help="share of the rows held out to validate (default 0.2), chosen row by row without "
                            "reading the file first: the data rows, numbered i = 0, 1, ... in file order, form "
                            "runs of about 1/FRACTION rows (run k: the rows with floor(i*FRACTION) = k), and one "
                            "row of each run, at a place picked by a hash of (--seed, k), validates; n rows give "
                            "floor(n*FRACTION) or ceil(n*FRACTION) validation rows, the same ones for the same "
                            "seed")
    train.add_argument("--standardize", action="store_true",
                       help="scale every feature to mean 0 and std 1 with the training rows' statistics, "
                            "measured chunk by chunk (the validation rows left out; stored in MODEL.json and "
                            "applied by the other commands)")
    train.add_argument("--seed", type=seed, default=None,
                       help="random seed: same seed, same validation rows and same model")
    train.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                       help="0 silent, 1 progress bar (default), 2 one line per epoch")
    _chunk_rows(train, "the rows themselves are kept for the fit")

    evaluate = sub.add_parser("evaluate", help="loss and metrics of a saved model on a CSV file")
    evaluate.add_argument("model", metavar="MODEL")
    evaluate.add_argument("data", metavar="DATA.csv")
    evaluate.add_argument("--target", metavar="COLUMN", help="the target column, for a model without MODEL.json")
    _chunk_rows(evaluate, "memory holds one chunk")

    predict = sub.add_parser("predict", help="a saved model's predictions for the rows of a CSV file")
    predict.add_argument("model", metavar="MODEL")
    predict.add_argument("data", metavar="DATA.csv")
    predict.add_argument("--out", metavar="FILE",
                         help="CSV file to write, through a temporary file renamed over it at the end (default: "
                              "standard output, chunk by chunk)")
    predict.add_argument("--target", metavar="COLUMN", help="a column to ignore, for a model without MODEL.json")
    predict.add_argument("--predictions-only", action="store_true",
                         help="write only the predictions (by default each line starts with the row's feature "
                              "columns, as read)")
    _chunk_rows(predict, "memory holds one chunk")

    summary = sub.add_parser("summary", help="the layers, parameters and columns of a saved model")
    summary.add_argument("model", metavar="MODEL")

    draw = sub.add_parser("draw", help="draw a saved model (layer boxes, or every neuron with --neurons)")
    draw.add_argument("model", metavar="MODEL")
    draw.add_argument("--out", required=True, metavar="FILE",
                      help="FILE.svg, .png or .pdf (needs Graphviz's dot), or .gv for the DOT source")
    draw.add_argument("--neurons", action="store_true",
                      help="draw every neuron with its weights (draw_network) instead of one box per layer")

    explain = sub.add_parser("explain", help="which columns drive a saved model's output (Shapley values ...)")
    explain.add_argument("model", metavar="MODEL")
    explain.add_argument("data", metavar="DATA.csv")
    explain.add_argument("--out", required=True, metavar="DIR", help="folder for importance.csv and the plots")
    explain.add_argument("--method", choices=("shapley", "permutation", "integrated_gradients"), default="shapley",
                         help="default shapley (exact up to 12 features)")
    explain.add_argument("--background", type=positive_int, default=50, metavar="N",
                         help="rows drawn from DATA.csv to stand for an unknown feature (default 50)")
    explain.add_argument("--rows", type=positive_int, default=200, metavar="N",
                         help="rows of DATA.csv to explain, drawn at random if there are more (default 200)")
    explain.add_argument("--seed", type=seed, default=0, help="seed of the row draws (default 0)")
    explain.add_argument("--target", metavar="COLUMN", help="a column to ignore, for a model without MODEL.json")
    return parser
