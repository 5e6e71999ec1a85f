"""Exact Levenshtein distance on code points or grapheme clusters, computed in Rust."""

from importlib import metadata

from .pyo3_levenshtein import (
    MAX_THREADS,
    UNICODE_VERSION,
    DistanceArray,
    levenshtein,
    levenshtein_arrow,
    levenshtein_batch,
    levenshtein_matrix,
    nearest,
)
from .pyo3_levenshtein import (
    _noop as _noop,
)

try:
    __version__ = metadata.version("pyo3-levenshtein")
except metadata.PackageNotFoundError:  # imported from a source tree, not installed
    __version__ = "unknown"

__all__ = [
    "MAX_THREADS",
    "UNICODE_VERSION",
    "DistanceArray",
    "__version__",
    "levenshtein",
    "levenshtein_arrow",
    "levenshtein_batch",
    "levenshtein_matrix",
    "nearest",
]
