"""The library's main demo: the course's backpropagation example by hand and by autodiff,
then a perceptron and a multi-layer perceptron on a straight and a circular boundary.

    python examples/demo.py                 # about a minute; pictures in examples/output/demo/
    python examples/demo.py --quick         # a few seconds
    python examples/demo.py --out DIR       # pictures elsewhere

It is the same program as ``autograd-mlp demo`` (see ``autograd_mlp/cli/demo.py``),
which writes to ./demo_output unless given ``--out``; this file gives it
examples/output/demo/ instead, next to the other examples' pictures.
"""

import os
import sys

from autograd_mlp.cli import main as cli_main

OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output", "demo")


def main(argv=None):
    """``autograd-mlp demo`` with ``argv``, and ``--out examples/output/demo`` unless ``argv`` names a folder."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(arg == "--out" or arg.startswith("--out=") for arg in argv):
        argv = ["--out", OUTPUT, *argv]
    try:
        return cli_main(["demo", *argv])
    finally:
        if "-h" in argv or "--help" in argv:  # after the command's own help, which names its default
            print("\nexamples/demo.py runs this command with --out examples/output/demo unless given --out.")


if __name__ == "__main__":
    sys.exit(main())
