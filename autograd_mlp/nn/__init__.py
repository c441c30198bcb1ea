"""Modules and layers: ``Module``, ``Dense``, ``Dropout``, ``Sequential`` and the initializers."""

from . import init
from .layers import Dense, Dropout, Layer, Sequential
from .module import Module

__all__ = ["Module", "Layer", "Dense", "Dropout", "Sequential", "init"]
