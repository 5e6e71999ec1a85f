from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import (
    Any,
    ClassVar,
    Generic,
    Literal,
    Protocol,
    SupportsIndex,
    TypeAlias,
    TypeVar,
    final,
    overload,
)

import numpy as np
import numpy.typing as npt

__all__ = [
    "levenshtein",
    "levenshtein_batch",
    "levenshtein_arrow",
    "DistanceArray",
    "levenshtein_matrix",
    "nearest",
    "normalized_distance",
    "normalized_similarity",
    "similarity",
    "LevenshteinIndex",
    "levenshtein_join",
    "JoinResult",
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

# What the distance functions compare: a str (its code points), or any sequence of
# hashable elements (list, tuple, bytes, range, any collections.abc.Sequence).
# A str is itself a Sequence[Hashable]; it is named for the reader.
_Seq: TypeAlias = str | Sequence[Hashable]

UNICODE_VERSION: str
MAX_THREADS: int
__version__: str

# (insert, delete, substitute): the cost of each edit, ints >= 0.
_Weights: TypeAlias = tuple[int, int, int] | Sequence[int]

# What a DistanceArray holds: int distances, or float normalized ones.
_D = TypeVar("_D", int, float)

def levenshtein(
    s1: _Seq,
    s2: _Seq,
    grapheme_segmentation: bool = False,
    *,
    max_distance: int | None = None,
    weights: _Weights | None = None,
) -> int:
    """Levenshtein distance between two strings.

    Counts single-character insertions, deletions and substitutions, where a
    character is a Unicode code point (astral characters, NUL and lone surrogates
    included), or an extended grapheme cluster if grapheme_segmentation is true.
    No normalisation is applied. With max_distance (an int >= 0), a distance above
    it is returned as max_distance + 1, and found faster. weights (insert, delete,
    substitute), ints >= 0, give each edit its cost, as in rapidfuzz: (1, 1, 2) is
    the InDel distance.

    s1 and s2 may also be any sequences of hashable elements (list, tuple,
    bytes, range, any collections.abc.Sequence), compared element by element.
    Elements are equal when a dict would take them for the same key (equal hash,
    then identity or ==): 1, 1.0 and True are one element, a NaN equals only
    itself. A str is the sequence of its characters (one-character strs), so
    levenshtein(list("abc"), "abd") == 1; bytes are ints 0..255. An unhashable
    element is a TypeError naming its index; grapheme_segmentation=True with a
    sequence that is not a str is a ValueError.
    """

@overload
def levenshtein_batch(
    pairs: Iterable[tuple[_Seq, _Seq] | Sequence[_Seq]],
    num_threads: int | None = None,
    grapheme_segmentation: bool = False,
    *,
    max_distance: int | None = None,
    weights: _Weights | None = None,
    normalized: Literal[False] = False,
) -> list[int]: ...
@overload
def levenshtein_batch(
    pairs: Iterable[tuple[_Seq, _Seq] | Sequence[_Seq]],
    num_threads: int | None = None,
    grapheme_segmentation: bool = False,
    *,
    max_distance: None = None,
    weights: _Weights | None = None,
    normalized: Literal[True],
) -> list[float]: ...
@overload
def levenshtein_batch(
    pairs: Iterable[tuple[_Seq, _Seq] | Sequence[_Seq]],
    num_threads: int | None = None,
    grapheme_segmentation: bool = False,
    *,
    max_distance: int | None = None,
    weights: _Weights | None = None,
    normalized: bool = False,
) -> list[int] | list[float]:
    """Levenshtein distances of many pairs of strings, computed in parallel.

    pairs is an iterable of (str, str) tuples or lists; the results come in the
    same order. The work runs on a thread pool with the GIL released: num_threads
    None uses the default pool (sized by RAYON_NUM_THREADS, else the CPU count),
    an int from 1 to MAX_THREADS a pool of that size. Ctrl-C interrupts it.
    max_distance and weights apply to every pair, as in levenshtein. With
    normalized=True the results are normalized distances (floats, as
    normalized_distance returns them; max_distance is then not allowed).

    Either side of a pair may also be a sequence of hashable elements, compared
    as in levenshtein; the elements of such pairs are interned first, each pair
    on its own (on the thread pool when they are many).
    """

def normalized_distance(
    s1: _Seq,
    s2: _Seq,
    *,
    weights: _Weights | None = None,
    grapheme_segmentation: bool = False,
    score_cutoff: float | None = None,
) -> float:
    """Levenshtein distance divided by the largest distance the two lengths allow.

    The result is in [0, 1]: 0.0 for equal strings (and for two empty ones), 1.0
    when nothing is shared. With weights (insert, delete, substitute), the
    distance and the maximum are weighted. With score_cutoff (a float in [0, 1]),
    a result above it is returned as 1.0, and found faster.

    s1 and s2 may also be sequences of hashable elements, as in levenshtein.
    """

def normalized_similarity(
    s1: _Seq,
    s2: _Seq,
    *,
    weights: _Weights | None = None,
    grapheme_segmentation: bool = False,
    score_cutoff: float | None = None,
) -> float:
    """One minus normalized_distance: 1.0 for equal strings, 0.0 when nothing is shared.

    With score_cutoff (a float in [0, 1]), a result below it is returned as 0.0,
    and found faster. weights and grapheme_segmentation as in normalized_distance.
    """

def similarity(
    s1: _Seq,
    s2: _Seq,
    *,
    weights: _Weights | None = None,
    grapheme_segmentation: bool = False,
    score_cutoff: int | None = None,
) -> int:
    """The largest distance the two lengths allow minus the Levenshtein distance.

    With score_cutoff (an int >= 0), a result below it is returned as 0, and
    found faster. weights and grapheme_segmentation as in normalized_distance.
    """

@final
class DistanceArray(Generic[_D]):
    """An Arrow array of distances (UInt32, or Float64 for normalized distances),
    null where either input was null.

    Exports the Arrow PyCapsule interface, so pyarrow.array(r) and
    polars.Series(r) take it without a copy; to_pylist() needs neither.
    """

    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[Any, Any]:
        """The array as (schema, array) PyCapsules (Arrow PyCapsule interface)."""
    def __len__(self) -> int: ...
    @property
    def null_count(self) -> int:
        """The number of null distances."""
    def to_pylist(self) -> list[_D | None]:
        """The distances as a list of int, or of float when normalized (None where null)."""

@overload
def levenshtein_arrow(
    a: object,
    b: object,
    *,
    grapheme_segmentation: bool = False,
    max_distance: int | None = None,
    num_threads: int | None = None,
    weights: _Weights | None = None,
    normalized: Literal[False] = False,
) -> DistanceArray[int]: ...
@overload
def levenshtein_arrow(
    a: object,
    b: object,
    *,
    grapheme_segmentation: bool = False,
    max_distance: None = None,
    num_threads: int | None = None,
    weights: _Weights | None = None,
    normalized: Literal[True],
) -> DistanceArray[float]: ...
@overload
def levenshtein_arrow(
    a: object,
    b: object,
    *,
    grapheme_segmentation: bool = False,
    max_distance: int | None = None,
    num_threads: int | None = None,
    weights: _Weights | None = None,
    normalized: bool = False,
) -> DistanceArray[int] | DistanceArray[float]:
    """Levenshtein distances between two Arrow string columns, element by element.

    a and b are objects exporting the Arrow PyCapsule interface
    (__arrow_c_array__ or __arrow_c_stream__): pyarrow Array or ChunkedArray,
    Polars Series, pandas Series with Arrow strings, a column of a DuckDB result,
    or a table of one string column (a one-column DuckDB relation). b may also
    be a str, compared with every element of a. The utf8, large_utf8
    and utf8_view layouts are read in place; a null on either side gives null.
    Returns a DistanceArray (Arrow UInt32) of len(a) distances, computed in
    parallel with the GIL released (num_threads, max_distance and weights as in
    levenshtein_batch; a weighted distance beyond the UInt32 range is a
    ValueError). With normalized=True the DistanceArray is Arrow Float64 and
    holds normalized distances, as normalized_distance computes them
    (max_distance is then not allowed). Raises ValueError for columns of
    different lengths or malformed Arrow data (bad offsets, invalid UTF-8),
    TypeError for anything but a string column.
    """

def nearest(
    query: _Seq,
    choices: Iterable[_Seq] | _ArrowStrings,
    *,
    k: int | None = None,
    max_distance: int | None = None,
    grapheme_segmentation: bool = False,
    num_threads: int | None = None,
    weights: _Weights | None = None,
) -> list[tuple[int, int]]:
    """The choices nearest to a query, best first.

    Returns (index, distance) for the choices (a list or iterable of str, or an
    Arrow string column without nulls) within max_distance of query, sorted by
    distance, ties by index; at most k of them when k is given. At least one
    of k and max_distance is required. The query is
    prepared once and the choices are scanned in parallel with the GIL released,
    skipping those whose length alone rules them out; num_threads and
    grapheme_segmentation are as in levenshtein_batch, and Ctrl-C interrupts.
    The query and the choices may also be sequences of hashable elements,
    compared as in levenshtein (all of them interned together first).
    """

@overload
def levenshtein_matrix(
    queries: Iterable[_Seq] | _ArrowStrings,
    choices: Iterable[_Seq] | _ArrowStrings,
    *,
    max_distance: int | None = None,
    grapheme_segmentation: bool = False,
    num_threads: int | None = None,
    dtype: str | npt.DTypeLike | None = None,
    weights: _Weights | None = None,
    normalized: Literal[False] = False,
) -> npt.NDArray[np.integer[Any]]: ...
@overload
def levenshtein_matrix(
    queries: Iterable[_Seq] | _ArrowStrings,
    choices: Iterable[_Seq] | _ArrowStrings,
    *,
    max_distance: None = None,
    grapheme_segmentation: bool = False,
    num_threads: int | None = None,
    dtype: Literal["float64"] | type[np.float64] | np.dtype[np.float64] | None = None,
    weights: _Weights | None = None,
    normalized: Literal[True],
) -> npt.NDArray[np.float64]: ...
@overload
def levenshtein_matrix(
    queries: Iterable[_Seq] | _ArrowStrings,
    choices: Iterable[_Seq] | _ArrowStrings,
    *,
    max_distance: int | None = None,
    grapheme_segmentation: bool = False,
    num_threads: int | None = None,
    dtype: str | npt.DTypeLike | None = None,
    weights: _Weights | None = None,
    normalized: bool = False,
) -> npt.NDArray[np.integer[Any]] | npt.NDArray[np.float64]:
    """Levenshtein distances between every query and every choice, as a NumPy array.

    Returns an array of shape (len(queries), len(choices)) whose [i, j] is the
    distance between queries[i] and choices[j] (each a list or iterable of str,
    or an Arrow string column without nulls), with distances above
    max_distance given as max_distance + 1. dtype is one of
    "uint8", "uint16", "uint32" (the default), "uint64", "int32" and "int64"; a
    dtype too narrow for the possible distances is a ValueError, and a matrix
    larger than the available memory a MemoryError, raised before allocating.
    With normalized=True the array is float64 and holds normalized distances,
    as normalized_distance computes them (dtype must then be None or float64,
    and max_distance is not allowed). weights are as in levenshtein.
    Needs NumPy. Computed in parallel with the GIL released; num_threads and
    grapheme_segmentation are as in levenshtein_batch, and Ctrl-C interrupts.
    Queries and choices may also be sequences of hashable elements, compared
    as in levenshtein (all of them interned together first).
    """

@final
class LevenshteinIndex:
    """An index over a fixed list of strings for repeated nearest-neighbour searches.

    choices is a list or iterable of str, or an Arrow string column without
    nulls; it is copied, so later changes to it do not reach the index.
    grapheme_segmentation compares extended grapheme clusters instead of code
    points. search and search_batch return exactly what nearest returns for the
    same choices, but look only at candidates found by filters (deletion
    neighbourhoods for short strings and small bounds, Pass-Join segments for
    long ones), each built the first time a bound needs it. len(index) is the
    number of choices; an index pickles (as its choices) for other processes.
    """

    def __new__(
        cls, choices: Iterable[str] | _ArrowStrings, *, grapheme_segmentation: bool = False
    ) -> LevenshteinIndex: ...
    def search(
        self, query: str, *, k: int | None = None, max_distance: int | None = None
    ) -> list[tuple[int, int]]:
        """The choices nearest to query, best first, as nearest(query, choices, ...) returns them.

        Returns (index, distance) for the choices within max_distance of query,
        sorted by distance, ties by index; at most k of them when k is given. At
        least one of k and max_distance is required.
        """
    def search_batch(
        self,
        queries: Iterable[str] | _ArrowStrings,
        *,
        k: int | None = None,
        max_distance: int | None = None,
        num_threads: int | None = None,
    ) -> list[list[tuple[int, int]]]:
        """search for each query, in parallel with the GIL released; results in query order.

        queries is a list or iterable of str, or an Arrow string column without
        nulls; k and max_distance are as in search, num_threads as in
        levenshtein_batch. Ctrl-C interrupts it.
        """
    def __len__(self) -> int: ...
    @property
    def grapheme_segmentation(self) -> bool:
        """Whether distances count extended grapheme clusters."""
    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles as the class and its choices: unpickling builds the index anew."""
    @classmethod
    def _restore(cls, choices: Iterable[str], grapheme_segmentation: bool) -> LevenshteinIndex:
        """Rebuilds a pickled index (see __reduce__)."""

@final
class JoinResult:
    """The pairs of a join as three UInt32 columns: left, right and distance.

    len(r) is the number of pairs; iterating gives (left, right, distance)
    tuples in (left, right) order, and r[i] the i-th. It exports the Arrow
    PyCapsule stream interface (__arrow_c_stream__), so pyarrow.table(r) and
    polars.DataFrame(r) take the columns without a copy.
    """

    def __len__(self) -> int: ...
    def __getitem__(self, i: int, /) -> tuple[int, int, int]: ...
    def __iter__(self) -> Iterator[tuple[int, int, int]]: ...
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> Any:
        """The pairs as an Arrow stream of one record batch (Arrow PyCapsule interface)."""

def levenshtein_join(
    left: Iterable[str] | _ArrowStrings,
    right: Iterable[str] | _ArrowStrings | None = None,
    *,
    max_distance: int,
    grapheme_segmentation: bool = False,
    num_threads: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> JoinResult:
    """Every pair of strings within max_distance of each other, without comparing every pair.

    Returns a JoinResult of (i, j, distance) for every left[i] and right[j]
    whose distance is at most max_distance, sorted by (i, j); with right None,
    the pairs of left with itself, each unordered pair once, with i < j. left
    and right are lists or iterables of str, or Arrow string columns without
    nulls. Exact for every max_distance: filters (deletion neighbourhoods for
    short strings, Pass-Join segments for long ones) propose candidates and each
    is verified. Runs in parallel with the GIL released; num_threads and
    grapheme_segmentation are as in levenshtein_batch, and Ctrl-C interrupts
    it. progress, if given, is called on the calling thread about every 20 ms
    with (left rows done, left rows in all).
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

def editops(s1: _Seq, s2: _Seq, *, grapheme_segmentation: bool = False) -> Editops:
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

def opcodes(s1: _Seq, s2: _Seq, *, grapheme_segmentation: bool = False) -> Opcodes:
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
