"""Benchmarks of the protocol library against the battery simulator (`scripts/bench`).

Every figure is measured and printed, never asserted: timing on a shared machine is a
measurement, not a test. See docs/benchmarks.md for what each benchmark measures.
"""
