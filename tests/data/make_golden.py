#!/usr/bin/env python3
"""Generates tests/data/golden.tsv, the golden cases shared by the Python and Rust tests.

Usage (from the repository root, in the test virtualenv):

    .venv/bin/python tests/data/make_golden.py            # rewrite golden.tsv
    .venv/bin/python tests/data/make_golden.py --check    # exit 1 if golden.tsv is stale

Expected distances come from the naive full-matrix reference (tests/reference.py): code-point
distances over the str itself, grapheme distances over ``regex``'s ``\\X`` clusters. Every
value is cross-checked with rapidfuzz (an independent C++ implementation) before writing.
The cases are fixed or drawn from a seeded generator, so the output is reproducible.

File format: one case per line, ``s1<TAB>s2<TAB>codepoint_distance<TAB>grapheme_distance``;
lines starting with ``#`` are comments. Fields are escaped as described in reference.py
(``\\\\ \\t \\n \\r \\xHH \\uHHHH \\UHHHHHHHH``, hex in either case, printable ASCII literal).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from reference import (  # noqa: E402
    escape,
    graphemes,
    naive,
    regex_follows_unicode_17,
    regex_version,
)

GOLDEN = HERE / "golden.tsv"
SEED = 20251124

# Lines written verbatim (after the generated ones) to exercise upper-case hex on reading.
# They must mean exactly what their lower-case twins mean; distances are computed like the rest.
UPPERCASE_HEX_LINES = [
    ("\\u00E9", "e\\u0301"),
    ("\\uD800\\uDC00", "\\U0001F600"),
    ("\\U0001F1FA\\U0001F1F8", "\\U0001f1fa\\U0001F1F8"),
    ("caf\\xE9", "caf\\xe9"),
]


def _edit(rng: random.Random, s: str, n_edits: int, alphabet: str) -> str:
    """``s`` after ``n_edits`` random insertions, deletions and substitutions."""
    chars = list(s)
    for _ in range(n_edits):
        op = rng.choice("ids")
        if op == "i" or not chars:
            chars.insert(rng.randint(0, len(chars)), rng.choice(alphabet))
        elif op == "d":
            del chars[rng.randrange(len(chars))]
        else:
            chars[rng.randrange(len(chars))] = rng.choice(alphabet)
    return "".join(chars)


def _rand(rng: random.Random, n: int, alphabet: str) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


ASCII = "".join(chr(c) for c in range(0x20, 0x7F))
LATIN1 = "".join(chr(c) for c in range(0xA0, 0x100)) + "abc\x00\x7f\x80\x9f"
BMP = "abcé\u03b1\u03b2\u0416\u4e2d\u6587\uac00\uffff\ufeff\u20ac\u0301"
ASTRAL = "a\U0001f600\U0001f468\U00010000\U0010ffff\U0001d400\U00020000\u4e2d"
SURROGATES = "ab\ud800\udbff\udc00\udfff\ud83d\ude00"
GRAPHEMEY = (
    "ae\u0301\u0308\u200d\U0001f468\U0001f469\U0001f467\U0001f1fa\U0001f1f8\U0001f3fd"
    "\r\n\u1100\u1161\u11a8\uac00\u0915\u094d\u0937\u093f\u0903\u0600\ufe0f\ud800\udc00"
)


def fixed_cases() -> list[tuple[str, str, str]]:
    """(comment, s1, s2); a non-empty comment starts a new section."""
    c: list[tuple[str, str, str]] = []

    def section(title: str, pairs: list[tuple[str, str]]) -> None:
        for i, (a, b) in enumerate(pairs):
            c.append((title if i == 0 else "", a, b))

    section(
        "classic examples and trivial cases",
        [
            ("kitten", "sitting"),
            ("sitting", "kitten"),
            ("flaw", "lawn"),
            ("saturday", "sunday"),
            ("intention", "execution"),
            ("", ""),
            ("", "abc"),
            ("abc", ""),
            ("a", "a"),
            ("a", "b"),
            ("abc", "abc"),
            ("abc", "acb"),
            ("abcdef", "azced"),
            ("a b", "ab"),
            (" ", ""),
            ("a#b", "#"),
            ("x", "#x"),
        ],
    )
    section(
        "escaped ASCII: backslash, tab, newline, carriage return, DEL, controls",
        [
            ("a\\b", "a/b"),
            ("\\", "\\\\"),
            ("a\tb", "a b"),
            ("\t\t", "\t"),
            ("line1\nline2", "line1 line2"),
            ("\r", "\n"),
            ("\x7f", "\x7e"),
            ("\x01\x02\x03", "\x03\x02\x01"),
            ("\x1b[0m", "[0m"),
        ],
    )
    section(
        "NUL",
        [
            ("\x00", ""),
            ("\x00", "\x00"),
            ("a\x00b", "ab"),
            ("\x00" * 5, "\x00" * 3),
            ("\x00a\x00", "a"),
            ("\x00", "\U0001f600"),
            ("\x00", "\ud800"),
        ],
    )
    section(
        "Latin-1",
        [
            ("café", "cafe"),
            ("ÿ", "y"),
            ("\x80\x81", "\x81\x80"),
            ("\xa0", " "),
            ("naïve résumé", "naive resume"),
            ("Straße", "Strasse"),
            ("ÀÉÎÕÜ", "àéîõü"),
        ],
    )
    section(
        "BMP",
        [
            ("\u4e2d\u6587", "\u4e2d\u6587\u5b57"),
            ("αβγ", "αγ"),
            ("Привет", "привет"),
            ("\uffff", "\ufffe"),
            ("\ufeffabc", "abc"),
            ("€100", "E100"),
            ("日本語テキスト", "日本語のテキスト"),
        ],
    )
    section(
        "astral",
        [
            ("\U0001f600", "\U0001f601"),
            ("\U0001f600", ""),
            ("a\U0001f600b", "ab"),
            ("\U00010000", "\uffff"),
            ("\U0010ffff", "\U0010fffe"),
            ("\U0001d400\U0001d401\U0001d402", "\U0001d400\U0001d402"),
            ("\U00020000\U00020001", "\U00020001\U00020000"),
            ("abc", "a\U0001f600c"),
        ],
    )
    section(
        "lone surrogates: each is one code point and one grapheme cluster (GCB=Other)",
        [
            ("\ud800", "\udc00"),
            ("\ud800", "a"),
            ("\ud800", ""),
            ("\udfff", "\udfff"),
            ("\ud800\udc00", "\udc00\ud800"),
            ("\udc00\ud800", "\ud800\udc00"),
            ("\ud83d\ude00", "\U0001f600"),
            ("\ud83d\ude00", "\ud83d"),
            ("a\udfffb", "ab"),
            ("\ud800\u0301", "\udc00\u0301"),
            ("\ud800\u0301", "\ud800"),
            ("\ud800\u0301", "\u0301"),
            ("\ud800\u200d\ud800", "\ud800\ud800"),
            ("\udbff\udfff", "\U0010ffff"),
            ("x\ud800y\udc00z", "xyz"),
        ],
    )
    section(
        "combining marks (no normalisation)",
        [
            ("é", "e\u0301"),
            ("e\u0301", "e"),
            ("e\u0301\u0301", "e"),
            ("a\u0301\u0302", "a\u0302\u0301"),
            ("\u0301", ""),
            ("\u0301a", "a"),
            ("Ame\u0301lie", "Amélie"),
            ("o\u0308\u0304", "ö\u0304"),
        ],
    )
    fam = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    section(
        "emoji: ZWJ sequences, flags, skin tones, variation selectors",
        [
            (fam, "\U0001f468\u200d\U0001f469\u200d\U0001f467"),
            (fam, fam + fam),
            (fam, "\U0001f468\U0001f469\U0001f467\U0001f466"),
            ("\U0001f1fa\U0001f1f8", "\U0001f1f8\U0001f1fa"),
            ("\U0001f1fa\U0001f1f8\U0001f1eb\U0001f1f7", "\U0001f1eb\U0001f1f7"),
            ("\U0001f1fa\U0001f1f8\U0001f1eb", "\U0001f1fa\U0001f1f8"),
            ("\U0001f1fa\U0001f1f8\U0001f1eb", "\U0001f1f8\U0001f1eb"),
            ("\U0001f44d\U0001f3fd", "\U0001f44d\U0001f3ff"),
            ("\U0001f44d\U0001f3fd", "\U0001f44d"),
            ("\u2764\ufe0f", "\u2764"),
            ("\U0001f3f3\ufe0f\u200d\U0001f308", "\U0001f3f3\ufe0f"),
            ("a\u200db", "ab"),
        ],
    )
    section(
        "CR LF",
        [
            ("\r\n", "\n"),
            ("\r\n", "\n\r"),
            ("a\r\nb", "a\nb"),
            ("a\r\nb", "a\n\rb"),
            ("\r\n\r\n", "\r\n"),
            ("\r\u0301", "\r"),
        ],
    )
    section(
        "Hangul syllables and conjoining jamo",
        [
            ("한국어", "한국"),
            ("한국어", "한글"),
            ("\u1100\u1161\u11a8", "\u1100\u1161"),
            ("\uac01", "\u1100\u1161\u11a8"),
            ("\uac00\u11a8", "\uac01"),
            ("\u1100\u1100\u1161", "\u1100\u1161"),
        ],
    )
    section(
        "Devanagari, Thai, Arabic prepend",
        [
            ("नमस्ते", "नमस्कार"),
            ("क्षि", "क्ष"),
            ("क्\u200dष", "क्ष"),
            ("हिन्दी", "हिंदी"),
            ("स्त्री", "स्त्र"),
            ("คำ", "ค"),
            ("\u0600\u0661", "\u0661"),
            ("\u0915\u0903", "\u0915"),
        ],
    )
    section(
        "one-letter alphabet",
        [("a" * m, "a" * n) for m, n in [(0, 1), (1, 2), (63, 64), (64, 65), (64, 128), (1, 1000)]],
    )
    return c


def random_cases() -> list[tuple[str, str, str]]:
    rng = random.Random(SEED)
    c: list[tuple[str, str, str]] = []

    def add(title: str, pairs: list[tuple[str, str]]) -> None:
        for i, (a, b) in enumerate(pairs):
            c.append((title if i == 0 else "", a, b))

    alphabets: list[tuple[str, str]] = [
        ("ascii", ASCII),
        ("two-letter", "ab"),
        ("latin1", LATIN1),
        ("bmp", BMP),
        ("astral", ASTRAL),
        ("surrogates", SURROGATES),
    ]
    for name, alphabet in alphabets:
        pairs = []
        for n in (63, 64, 65, 127, 128, 129):
            base = _rand(rng, n, alphabet)
            pairs.append((base, _edit(rng, base, rng.randint(1, 8), alphabet)))
        for n in (64, 128):
            pairs.append((_rand(rng, n, alphabet), _rand(rng, n + rng.randint(-1, 1), alphabet)))
        add(f"random {name}, lengths around 64 and 128 (similar pairs, then unrelated)", pairs)

    pairs = []
    for w1, w2 in [(ASCII, ASTRAL), (LATIN1, SURROGATES), (BMP, ASTRAL), (ASCII, BMP)]:
        for n in (64, 129):
            base = _rand(rng, n, "abcdef")
            pairs.append((_edit(rng, base, 3, w1), _edit(rng, base, 3, w2)))
    add("mixed widths: one narrow, one wide", pairs)

    pairs = []
    for alphabet in (ASCII, "ab", ASTRAL, SURROGATES):
        base = _rand(rng, 1000, alphabet)
        pairs.append((base, _edit(rng, base, 40, alphabet)))
    pairs.append((_rand(rng, 1000, ASCII), _rand(rng, 990, ASCII)))
    pairs.append((_rand(rng, 1000, "ab"), _rand(rng, 1003, "ab")))
    base = _rand(rng, 1000, "abcdefgh")
    pairs.append((base, _edit(rng, base, 30, ASTRAL)))
    add("about 1000 code points", pairs)

    pairs = []
    for n in (5, 10, 20, 40, 70, 130):
        base = _rand(rng, n, GRAPHEMEY)
        pairs.append((base, _edit(rng, base, rng.randint(1, 5), GRAPHEMEY)))
        pairs.append((_rand(rng, n, GRAPHEMEY), _rand(rng, n, GRAPHEMEY)))
    add("random grapheme-rich text (marks, ZWJ, RI, CR LF, jamo, virama, surrogates)", pairs)
    return c


def all_pairs() -> list[tuple[str, str, str]]:
    """Every (comment, s1, s2) in file order, uppercase-hex lines excluded."""
    return fixed_cases() + random_cases()


def expected(s1: str, s2: str) -> tuple[int, int]:
    from rapidfuzz.distance import Levenshtein

    cp = naive(s1, s2)
    g1, g2 = graphemes(s1), graphemes(s2)
    gd = naive(g1, g2)
    if cp != Levenshtein.distance(s1, s2):
        raise AssertionError(f"naive and rapidfuzz disagree on {s1!r}, {s2!r}")
    if gd != Levenshtein.distance(g1, g2):
        raise AssertionError(f"naive and rapidfuzz disagree on clusters of {s1!r}, {s2!r}")
    return cp, gd


def render(compute: Callable[[str, str], tuple[int, int]] = expected) -> str:
    from reference import unescape

    if not regex_follows_unicode_17():
        raise SystemExit(
            f"regex {'.'.join(map(str, regex_version()))} does not follow Unicode 17; "
            "install regex>=2025.10.20,<2026.9.29"
        )
    out = [
        "# Golden cases for pyo3-levenshtein. Generated by tests/data/make_golden.py; do not edit.",
        "# Format: s1<TAB>s2<TAB>codepoint_distance<TAB>grapheme_distance",
        "# Escapes: \\\\ \\t \\n \\r \\xHH (< U+0100, not printable ASCII) \\uHHHH \\UHHHHHHHH;",
        "# hex digits in either case; printable ASCII other than backslash is literal.",
        "# Each \\u escape is one code point: \\ud83d\\ude00 is two lone surrogates, not U+1F600.",
        "# Grapheme clusters: UAX #29, Unicode 17.0 (lone surrogates are GCB=Other).",
    ]
    for comment, s1, s2 in all_pairs():
        if comment:
            out.append(f"# {comment}")
        if s1.startswith("#"):
            raise AssertionError(f"s1 may not start with '#': {s1!r}")
        cp, gd = compute(s1, s2)
        out.append(f"{escape(s1)}\t{escape(s2)}\t{cp}\t{gd}")
    out.append("# upper-case hex digits (same meaning as lower case)")
    for e1, e2 in UPPERCASE_HEX_LINES:
        cp, gd = compute(unescape(e1), unescape(e2))
        out.append(f"{e1}\t{e2}\t{cp}\t{gd}")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if GOLDEN.read_text(encoding="ascii") != text:
            print(f"{GOLDEN} is stale: run tests/data/make_golden.py", file=sys.stderr)
            return 1
        return 0
    GOLDEN.write_text(text, encoding="ascii", newline="\n")
    n = sum(1 for line in text.splitlines() if not line.startswith("#"))
    print(f"wrote {n} cases to {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
