from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar, Literal, Protocol, SupportsIndex, TypeAlias, final, overload

import numpy as np
import numpy.typing as npt

__all__ = [
    "levenshtein",
    "levenshtein_batch",
    "levenshtein_arrow",
    "DistanceArray",
    "levenshtein_matrix",
    "nearest",
    "editops",
    "opcodes",
    "Editops",
    "Opcodes",
    "error_counts",
    "ErrorCounts",
    "PairCounts",
    "_noop",
    "UNICODE_VERSION",
    "MAX_THREADS",
    "__version__",
]

class _ArrowArray(Protocol):
    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[Any, Any]: ...

class _ArrowStream(Protocol):
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> Any: ...

# An Arrow string column: anything exporting the Arrow PyCapsule interface.
_ArrowStrings: TypeAlias = _ArrowArray | _ArrowStream

UNICODE_VERSION: str
MAX_THREADS: int
__version__: str

def levenshtein(
    s1: str, s2: str, grapheme_segmentation: bool = False, *, max_distance: int | None = None
) -> int:
    """Levenshtein distance between two strings.

    Counts single-character insertions, deletions and substitutions, where a
    character is a Unicode code point (astral characters, NUL and lone surrogates
    included), or an extended grapheme cluster if grapheme_segmentation is true.
    No normalisation is applied. With max_distance (an int >= 0), a distance above
    it is returned as max_distance + 1, and found faster.
    """

def levenshtein_batch(
    pairs: Iterable[tuple[str, str] | Sequence[str]],
    num_threads: int | None = None,
    grapheme_segmentation: bool = False,
    *,
    max_distance: int | None = None,
) -> list[int]:
    """Levenshtein distances of many pairs of strings, computed in parallel.

    pairs is an iterable of (str, str) tuples or lists; the results come in the
    same order. The work runs on a thread pool with the GIL released: num_threads
    None uses the default pool (sized by RAYON_NUM_THREADS, else the CPU count),
    an int from 1 to MAX_THREADS a pool of that size. Ctrl-C interrupts it.
    max_distance applies to every pair, as in levenshtein.
    """

@final
class DistanceArray:
    """An Arrow UInt32 array of distances, null where either input was null.

    Exports the Arrow PyCapsule interface, so pyarrow.array(r) and
    polars.Series(r) take it without a copy; to_pylist() needs neither.
    """

    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[Any, Any]:
        """The array as (schema, array) PyCapsules (Arrow PyCapsule interface)."""
    def __len__(self) -> int: ...
    @property
    def null_count(self) -> int:
        """The number of null distances."""
    def to_pylist(self) -> list[int | None]:
        """The distances as a list of int (None where null)."""

def levenshtein_arrow(
    a: object,
    b: object,
    *,
    grapheme_segmentation: bool = False,
    max_distance: int | None = None,
    num_threads: int | None = None,
) -> DistanceArray:
    """Levenshtein distances between two Arrow string columns, element by element.

    a and b are objects exporting the Arrow PyCapsule interface
    (__arrow_c_array__ or __arrow_c_stream__): pyarrow Array or ChunkedArray,
    Polars Series, pandas Series with Arrow strings, a column of a DuckDB result,
    or a table of one string column (a one-column DuckDB relation). b may also
    be a str, compared with every element of a. The utf8, large_utf8
    and utf8_view layouts are read in place; a null on either side gives null.
    Returns a DistanceArray (Arrow UInt32) of len(a) distances, computed in
    parallel with the GIL released (num_threads and max_distance as in
    levenshtein_batch). Raises ValueError for columns of different lengths or
    malformed Arrow data (bad offsets, invalid UTF-8), TypeError for anything
    but a string column.
    """

def nearest(
    query: str,
    choices: Iterable[str] | _ArrowStrings,
    *,
    k: int | None = None,
    max_distance: int | None = None,
    grapheme_segmentation: bool = False,
    num_threads: int | None = None,
) -> list[tuple[int, int]]:
    """The choices nearest to a query, best first.

    Returns (index, distance) for the choices (a list or iterable of str, or an
    Arrow string column without nulls) within max_distance of query, sorted by
    distance, ties by index; at most k of them when k is given. At least one
    of k and max_distance is required. The query is
    prepared once and the choices are scanned in parallel with the GIL released,
    skipping those whose length alone rules them out; num_threads and
    grapheme_segmentation are as in levenshtein_batch, and Ctrl-C interrupts.
    """

def levenshtein_matrix(
    queries: Iterable[str] | _ArrowStrings,
    choices: Iterable[str] | _ArrowStrings,
    *,
    max_distance: int | None = None,
    grapheme_segmentation: bool = False,
    num_threads: int | None = None,
    dtype: str | npt.DTypeLike = "uint32",
) -> npt.NDArray[np.integer[Any]]:
    """Levenshtein distances between every query and every choice, as a NumPy array.

    Returns an array of shape (len(queries), len(choices)) whose [i, j] is the
    distance between queries[i] and choices[j] (each a list or iterable of str,
    or an Arrow string column without nulls), with distances above
    max_distance given as max_distance + 1. dtype is one of
    "uint8", "uint16", "uint32" (the default), "uint64", "int32" and "int64"; a
    dtype too narrow for the possible distances is a ValueError, and a matrix
    larger than the available memory a MemoryError, raised before allocating.
    Needs NumPy. Computed in parallel with the GIL released; num_threads and
    grapheme_segmentation are as in levenshtein_batch, and Ctrl-C interrupts.
    """

@final
class Editops:
    """A sequence of edit operations (tag, src_pos, dest_pos), from editops.

    Supports len, indexing, slicing (an Editops with the same src_len and
    dest_len), iteration and == (with another Editops, or with a list of
    tuples); items are tuples. as_opcodes converts to Opcodes,
    as_matching_blocks to difflib's (a, b, size) triples, inverse describes the
    way back, and apply(s1, s2) rebuilds s2 from s1.
    """

    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, index: SupportsIndex, /) -> tuple[str, int, int]: ...
    @overload
    def __getitem__(self, index: slice, /) -> Editops: ...
    def __iter__(self) -> Iterator[tuple[str, int, int]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    @property
    def src_len(self) -> int:
        """The length of the source string s1, in units."""
    @property
    def dest_len(self) -> int:
        """The length of the destination string s2, in units."""
    def as_list(self) -> list[tuple[str, int, int]]:
        """The operations as a list of (tag, src_pos, dest_pos) tuples."""
    def as_opcodes(self) -> Opcodes:
        """The same alignment as Opcodes, with "equal" blocks between the operations."""
    def as_editops(self) -> Editops:
        """Itself (for code that takes Editops or Opcodes)."""
    def as_matching_blocks(self) -> list[tuple[int, int, int]]:
        """The unchanged runs as (a, b, size) triples, ending with (src_len, dest_len, 0)."""
    def inverse(self) -> Editops:
        """The operations that turn s2 back into s1."""
    @overload
    def apply(self, s1: str, s2: str) -> str: ...
    @overload
    def apply(self, s1: Sequence[Any], s2: Sequence[Any]) -> list[Any]: ...

@final
class Opcodes:
    """A sequence of blocks (tag, i1, i2, j1, j2) covering both strings, from opcodes.

    Supports len, indexing, slicing (an Opcodes with the same src_len and
    dest_len), iteration and == (with another Opcodes, or with a list of
    tuples); items are tuples, as difflib's get_opcodes gives them. as_editops
    converts to Editops, as_matching_blocks to (a, b, size) triples, inverse
    describes the way back, and apply(s1, s2) rebuilds s2 from s1.
    """

    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, index: SupportsIndex, /) -> tuple[str, int, int, int, int]: ...
    @overload
    def __getitem__(self, index: slice, /) -> Opcodes: ...
    def __iter__(self) -> Iterator[tuple[str, int, int, int, int]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    @property
    def src_len(self) -> int:
        """The length of the source string s1, in units."""
    @property
    def dest_len(self) -> int:
        """The length of the destination string s2, in units."""
    def as_list(self) -> list[tuple[str, int, int, int, int]]:
        """The blocks as a list of (tag, i1, i2, j1, j2) tuples."""
    def as_editops(self) -> Editops:
        """The same alignment as Editops, one operation per unit of each block but "equal"."""
    def as_opcodes(self) -> Opcodes:
        """Itself (for code that takes Editops or Opcodes)."""
    def as_matching_blocks(self) -> list[tuple[int, int, int]]:
        """The "equal" blocks as (a, b, size) triples, ending with (src_len, dest_len, 0)."""
    def inverse(self) -> Opcodes:
        """The blocks that turn s2 back into s1."""
    @overload
    def apply(self, s1: str, s2: str) -> str: ...
    @overload
    def apply(self, s1: Sequence[Any], s2: Sequence[Any]) -> list[Any]: ...

def editops(s1: str, s2: str, *, grapheme_segmentation: bool = False) -> Editops:
    """The edit operations that turn s1 into s2, as an Editops sequence.

    Each item is a tuple (tag, src_pos, dest_pos): tag "replace" (s1[src_pos]
    becomes s2[dest_pos]), "insert" (s2[dest_pos] goes before s1[src_pos]) or
    "delete" (s1[src_pos] goes). There are exactly levenshtein(s1, s2) of them,
    and among the equally short alignments the one rapidfuzz's
    Levenshtein.editops returns is chosen. Positions count code points, or
    extended grapheme clusters if grapheme_segmentation is true. Memory stays
    linear in the lengths (Hirschberg's method); the GIL is released for long
    strings and Ctrl-C interrupts them.
    """

def opcodes(s1: str, s2: str, *, grapheme_segmentation: bool = False) -> Opcodes:
    """The alignment of s1 and s2 as blocks, an Opcodes sequence.

    Each item is a tuple (tag, i1, i2, j1, j2) saying that s1[i1:i2] is
    "equal" to s2[j1:j2], or is "replace"d by it, or that s2[j1:j2] is
    "insert"ed (i1 == i2) or s1[i1:i2] "delete"d (j1 == j2). The blocks cover
    both strings from start to end, as difflib's get_opcodes does, and are
    those of rapidfuzz's Levenshtein.opcodes. Arguments as for editops.
    """

@final
class PairCounts:
    """Per-pair counts as four UInt32 columns: hits, substitutions, deletions,
    insertions.

    Exports the Arrow PyCapsule interface as a struct array (and as a stream
    of one record batch), so pyarrow.table(p), pyarrow.array(p) and
    polars.DataFrame(p) take it; to_numpy() gives a dict of NumPy arrays and
    to_pydict() one of lists. p[i] is pair i's (hits, substitutions,
    deletions, insertions).
    """

    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> tuple[int, int, int, int]: ...
    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[Any, Any]:
        """The columns as a struct array: (schema, array) PyCapsules (Arrow PyCapsule interface)."""
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> Any:
        """The columns as a stream of one record batch (Arrow PyCapsule interface)."""
    def to_pydict(self) -> dict[str, list[int]]:
        """The columns as a dict of lists of int."""
    def to_numpy(self) -> dict[str, npt.NDArray[np.uint32]]:
        """The columns as a dict of NumPy uint32 arrays (needs NumPy)."""

@final
class ErrorCounts:
    """Corpus error counts: hits, substitutions, deletions and insertions, the
    rates made from them (error_rate, mer, wil, wip, as jiwer defines them),
    and the same counts per pair in pairs.
    """

    @property
    def hits(self) -> int:
        """Reference units matched unchanged."""
    @property
    def substitutions(self) -> int:
        """Reference units replaced by a hypothesis unit."""
    @property
    def deletions(self) -> int:
        """Reference units missing from the hypotheses."""
    @property
    def insertions(self) -> int:
        """Hypothesis units not in the references."""
    @property
    def error_rate(self) -> float:
        """(S + D + I) / (H + S + D): the WER (unit "word") or CER; with no
        reference unit at all, the number of insertions (as jiwer)."""
    @property
    def mer(self) -> float:
        """Match error rate: (S + D + I) / (H + S + D + I)."""
    @property
    def wil(self) -> float:
        """Word information lost: 1 - wip."""
    @property
    def wip(self) -> float:
        """Word information preserved: (H / reference units) * (H / hypothesis units)."""
    @property
    def reference_length(self) -> int:
        """Units in the references: hits + substitutions + deletions."""
    @property
    def hypothesis_length(self) -> int:
        """Units in the hypotheses: hits + substitutions + insertions."""
    @property
    def pairs(self) -> PairCounts:
        """The counts of each pair, in input order, as PairCounts columns."""

def error_counts(
    references: str | Sequence[str] | _ArrowStrings,
    hypotheses: str | Sequence[str] | _ArrowStrings,
    *,
    unit: Literal["word", "char", "grapheme"] = "word",
    num_threads: int | None = None,
) -> ErrorCounts:
    """Corpus error counts and rates (WER, CER) of hypotheses against references.

    references and hypotheses are one str each, or equal-length sequences of
    str, or Arrow string columns without nulls (objects exporting the Arrow
    PyCapsule interface). unit "word" splits each string on whitespace as
    str.split() does; "char" counts the code points of each string with its
    leading and trailing whitespace removed (str.strip()), as jiwer's cer does
    by default; "grapheme" counts extended grapheme clusters of the stripped
    strings. Each pair is aligned as opcodes aligns it, which is the alignment
    jiwer's process_words and process_characters count, so hits, substitutions,
    deletions and insertions, and the rates, equal jiwer's. Pairs are aligned in
    parallel with the GIL released (num_threads as in levenshtein_batch), and
    Ctrl-C interrupts. Raises ValueError for collections of different lengths
    or an unknown unit.
    """

def _noop(
    s1: str, s2: str, grapheme_segmentation: bool = False, *, max_distance: int | None = None
) -> int:
    """Does nothing and returns 0; takes the arguments of levenshtein.

    Benchmarks time it to show what calling into the extension costs.
    """
