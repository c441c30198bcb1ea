"""The library's main demo: the course's backpropagation example by hand and by autodiff,
then a perceptron and a multi-layer perceptron on a straight and a circular boundary.

    python examples/demo.py                 # about a minute; pictures in ./demo_output
    python examples/demo.py --quick         # a few seconds
    python examples/demo.py --out DIR       # pictures elsewhere

It is the same program as ``autograd-mlp demo`` (see ``autograd_mlp/cli/demo.py``).
"""

import sys

from autograd_mlp.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", *sys.argv[1:]]))
