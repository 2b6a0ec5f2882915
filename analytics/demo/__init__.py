"""Demo region generator: a synthetic North Ossetia-Alania (or a whole country) with known truths.

Everything is deterministic for a seed and goes into the warehouse through the same
loader that imports files (:func:`analytics.ingest.load_batch`).
"""
from .build import build_demo

__all__ = ["build_demo"]
