"""Benchmarks: run them by hand (`python -m bench.extract`); they are not part of the test suite."""
