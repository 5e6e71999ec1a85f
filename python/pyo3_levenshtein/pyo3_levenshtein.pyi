from collections.abc import Iterable, Sequence

__all__ = ["levenshtein", "levenshtein_batch", "_noop", "UNICODE_VERSION", "MAX_THREADS"]

UNICODE_VERSION: str
MAX_THREADS: int

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

def _noop(
    s1: str, s2: str, grapheme_segmentation: bool = False, *, max_distance: int | None = None
) -> int:
    """Does nothing and returns 0; takes the arguments of levenshtein.

    Benchmarks time it to show what calling into the extension costs.
    """
