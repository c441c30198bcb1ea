"""The version of autograd_mlp, in one place: the package, the file headers and the command line read it here."""

__version__ = "0.1.0"
