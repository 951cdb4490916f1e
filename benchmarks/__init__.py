"""Benchmarks of milia-kg: a scaled-graph generator and a runner (``python -m benchmarks.run``)."""
