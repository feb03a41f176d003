"""Benchmarks (`make bench`): bench.py writes BENCHMARKS.md; load.py drives clinicians at once."""
