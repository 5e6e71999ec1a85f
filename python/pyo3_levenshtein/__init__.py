"""Exact Levenshtein distance on code points or grapheme clusters, computed in Rust."""

from .pyo3_levenshtein import (
    MAX_THREADS,
    UNICODE_VERSION,
    DistanceArray,
    Editops,
    ErrorCounts,
    JoinResult,
    LevenshteinIndex,
    Opcodes,
    PairCounts,
    editops,
    error_counts,
    levenshtein,
    levenshtein_arrow,
    levenshtein_batch,
    levenshtein_join,
    levenshtein_matrix,
    nearest,
    normalized_distance,
    normalized_similarity,
    opcodes,
    similarity,
)
from .pyo3_levenshtein import (
    __version__ as __version__,
)
from .pyo3_levenshtein import (
    _noop as _noop,
)

__all__ = [
    "MAX_THREADS",
    "UNICODE_VERSION",
    "DistanceArray",
    "JoinResult",
    "LevenshteinIndex",
    "Editops",
    "ErrorCounts",
    "Opcodes",
    "PairCounts",
    "__version__",
    "editops",
    "error_counts",
    "levenshtein",
    "levenshtein_arrow",
    "levenshtein_batch",
    "levenshtein_join",
    "levenshtein_matrix",
    "nearest",
    "normalized_distance",
    "normalized_similarity",
    "similarity",
    "opcodes",
]
