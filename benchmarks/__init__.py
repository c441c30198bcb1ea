"""Benchmarks of autograd_mlp against hand-written numpy and other frameworks.

Run ``python benchmarks/run.py --help``.  Nothing here is imported by the
library; the tests only use the workload builders to check that every peer
still computes the same gradients.
"""
