"""``python -m autograd_mlp``: the ``autograd-mlp`` command line."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
