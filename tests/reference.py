"""Test oracles for pyo3-levenshtein, written to share no idea with the fast kernels.

* :func:`naive` is the textbook full-matrix Wagner–Fischer algorithm (Wagner & Fischer,
  "The String-to-String Correction Problem", JACM 21(1), 1974): O(m*n) time *and* memory,
  no prefix stripping, no banding, no bit tricks, no early exit.
* :func:`naive_sequences` is :func:`naive` over sequences of hashable elements compared as
  dict keys, the ids coming from a real Python dict (:func:`as_keys`).
* :func:`graphemes` splits a str into extended grapheme clusters with the third-party
  ``regex`` module's ``\\X``, an implementation of UAX #29 independent of Rust's
  unicode-segmentation. ``regex`` >= 2025.10.20 and < 2026.9.29 follows Unicode 17.0.
* :func:`escape` / :func:`unescape` / :func:`read_golden` implement the escaping used by
  ``tests/data/golden.tsv`` (shared with the Rust test that reads the same file).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import regex

# regex versions whose \X follows Unicode 17.0 (the version unicode-segmentation 1.13 follows).
REGEX_MIN_VERSION = (2025, 10, 20)
REGEX_MAX_VERSION_EXCLUSIVE = (2026, 9, 29)

GOLDEN_PATH = Path(__file__).resolve().parent / "data" / "golden.tsv"

_GRAPHEME = regex.compile(r"\X")


def naive(a: Sequence[Any], b: Sequence[Any]) -> int:
    """Levenshtein distance by the full (len(a)+1) x (len(b)+1) dynamic-programming matrix.

    Works on any sequences whose items compare with ``==``: str (one item per code point),
    lists of code points, lists of grapheme-cluster strings.
    """
    m, n = len(a), len(b)
    d = [[0] * (n + 1) for _ in range(m + 1)]
    for i in range(m + 1):
        d[i][0] = i
    for j in range(n + 1):
        d[0][j] = j
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            substitution = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(
                d[i - 1][j] + 1,  # deletion
                d[i][j - 1] + 1,  # insertion
                d[i - 1][j - 1] + substitution,
            )
    return d[m][n]


def as_keys(*seqs: Sequence[Any]) -> list[list[int]]:
    """Each sequence's elements replaced by ids from one Python dict shared by all of them.

    Two elements get the same id exactly when a dict takes them for the same key: equal
    hashes, then identity or ``==``. So ``1``, ``1.0`` and ``True`` share an id, ``-1`` and
    ``-2`` do not (their hashes are equal in CPython), and a NaN only matches itself. A str
    contributes its one-character strs, bytes their ints.
    """
    ids: dict[Any, int] = {}
    return [[ids.setdefault(x, len(ids)) for x in seq] for seq in seqs]


def naive_sequences(a: Sequence[Any], b: Sequence[Any]) -> int:
    """:func:`naive` on elements compared as dict keys (see :func:`as_keys`)."""
    x, y = as_keys(a, b)
    return naive(x, y)


def graphemes(s: str) -> list[str]:
    """The extended grapheme clusters of ``s`` (UAX #29), as ``regex`` finds them with ``\\X``."""
    return _GRAPHEME.findall(s)


def regex_version() -> tuple[int, ...]:
    return tuple(int(part) for part in regex.__version__.split(".")[:3])


def regex_follows_unicode_17() -> bool:
    return REGEX_MIN_VERSION <= regex_version() < REGEX_MAX_VERSION_EXCLUSIVE


# ---------------------------------------------------------------------------------------------
# golden.tsv escaping
#
# Every field is plain ASCII. Escapes:
#   \\  \t  \n  \r           backslash, tab, line feed, carriage return
#   \xHH                     a code point below U+0100 that is not printable ASCII
#   \uHHHH                   a code point in the BMP (lone surrogates included)
#   \UHHHHHHHH               any code point
# Hex digits may be lower or upper case on reading; escape() writes lower case.
# Printable ASCII (U+0020..U+007E) other than the backslash stands for itself.
# "\ud83d\ude00" is two code points (two lone surrogates), never U+1F600.
# ---------------------------------------------------------------------------------------------

_SIMPLE_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPE = re.compile(
    r"\\(?:(?P<simple>[\\tnr])|x(?P<x>[0-9a-fA-F]{2})|u(?P<u>[0-9a-fA-F]{4})"
    r"|U(?P<U>[0-9a-fA-F]{8}))"
)
_SIMPLE_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def escape(s: str) -> str:
    out = []
    for ch in s:
        cp = ord(ch)
        if ch in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[ch])
        elif 0x20 <= cp <= 0x7E:
            out.append(ch)
        elif cp < 0x100:
            out.append(f"\\x{cp:02x}")
        elif cp < 0x10000:
            out.append(f"\\u{cp:04x}")
        else:
            out.append(f"\\U{cp:08x}")
    return "".join(out)


def unescape(field: str) -> str:
    """Inverse of :func:`escape`; raises ValueError on anything outside the format."""
    out = []
    pos = 0
    while pos < len(field):
        ch = field[pos]
        if ch == "\\":
            m = _UNESCAPE.match(field, pos)
            if m is None:
                raise ValueError(f"bad escape at column {pos}: {field[pos : pos + 10]!r}")
            if m.group("simple") is not None:
                out.append(_SIMPLE_UNESCAPES[m.group("simple")])
            else:
                digits = m.group("x") or m.group("u") or m.group("U")
                cp = int(digits, 16)
                if cp > 0x10FFFF:
                    raise ValueError(f"code point out of range at column {pos}: {m.group(0)}")
                if m.group("x") is not None and 0x20 <= cp <= 0x7E:
                    raise ValueError(f"printable ASCII must be literal, column {pos}")
                out.append(chr(cp))
            pos = m.end()
        elif 0x20 <= ord(ch) <= 0x7E:
            out.append(ch)
            pos += 1
        else:
            raise ValueError(f"unescaped non-printable-ASCII {ch!r} at column {pos}")
    return "".join(out)


class GoldenCase(NamedTuple):
    line: int
    s1: str
    s2: str
    codepoint_distance: int
    grapheme_distance: int


def parse_golden(text: str) -> Iterator[GoldenCase]:
    for lineno, line in enumerate(text.split("\n"), start=1):
        if line == "" or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4:
            raise ValueError(f"golden.tsv:{lineno}: expected 4 tab-separated fields")
        s1, s2, cp, gd = fields
        if not (cp.isascii() and cp.isdigit() and gd.isascii() and gd.isdigit()):
            raise ValueError(f"golden.tsv:{lineno}: distances must be decimal integers")
        yield GoldenCase(lineno, unescape(s1), unescape(s2), int(cp), int(gd))


def read_golden(path: Path = GOLDEN_PATH) -> list[GoldenCase]:
    return list(parse_golden(path.read_text(encoding="ascii")))
