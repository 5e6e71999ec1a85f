"""Golden cases from tests/data/golden.tsv (shared with the Rust tests)."""

from __future__ import annotations

import sys

import pytest
from rapidfuzz.distance import Levenshtein as RFLevenshtein
from reference import (
    GOLDEN_PATH,
    escape,
    graphemes,
    read_golden,
    regex_follows_unicode_17,
    regex_version,
    unescape,
)

CASES = read_golden()
IDS = [f"line{c.line}" for c in CASES]


def test_golden_file_has_a_sensible_number_of_cases():
    assert 150 <= len(CASES) <= 300


def test_golden_file_is_ascii_with_four_fields_per_case_line():
    raw = GOLDEN_PATH.read_bytes()
    assert raw.isascii()
    assert b"\r" not in raw, "golden.tsv must use LF line endings"
    assert raw.endswith(b"\n")
    for line in raw.decode("ascii").splitlines():
        if line.startswith("#"):
            continue
        assert line != "", "no blank lines"
        assert line.count("\t") == 3, line


def test_golden_file_covers_the_required_kinds_of_text():
    def any_case(pred):
        return any(pred(c.s1) or pred(c.s2) for c in CASES)

    assert any_case(lambda s: s == "")
    assert any_case(lambda s: "\x00" in s)
    assert any_case(lambda s: any(0x80 <= ord(ch) <= 0xFF for ch in s))
    assert any_case(lambda s: any(0x100 <= ord(ch) <= 0xFFFF for ch in s))
    assert any_case(lambda s: any(ord(ch) > 0xFFFF for ch in s))
    assert any_case(lambda s: any(0xD800 <= ord(ch) <= 0xDBFF for ch in s))
    assert any_case(lambda s: any(0xDC00 <= ord(ch) <= 0xDFFF for ch in s))
    assert any_case(lambda s: "\r\n" in s)
    assert any_case(lambda s: "\u200d" in s)
    for n in (63, 64, 65, 127, 128, 129):
        assert any_case(lambda s, n=n: len(s) == n), n
    assert any_case(lambda s: len(s) >= 1000)
    assert any((c.s1, c.s2) == ("é", "e\u0301") for c in CASES)
    assert any(c.codepoint_distance != c.grapheme_distance for c in CASES)


def test_golden_first_field_never_starts_with_comment_marker():
    for c in CASES:
        assert not c.s1.startswith("#"), c.line


def test_escape_round_trips_every_golden_string():
    for c in CASES:
        for s in (c.s1, c.s2):
            assert unescape(escape(s)) == s
            assert escape(s).isascii()


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("\\\\", "\\"),
        ("\\t\\n\\r", "\t\n\r"),
        ("\\x00\\x7f\\xff\\xFF", "\x00\x7f\xff\xff"),
        ("\\ud800\\uDC00", "\ud800\udc00"),
        ("\\U0001f600\\U0010FFFF", "\U0001f600\U0010ffff"),
        ("a b#~", "a b#~"),
    ],
)
def test_unescape_follows_the_documented_rules(field, text):
    assert unescape(field) == text


@pytest.mark.parametrize(
    "bad", ["\\", "\\q", "\\x4", "\\x41", "\\uD80", "\\U00110000", "é", "\x00"]
)
def test_unescape_rejects_malformed_fields(bad):
    with pytest.raises(ValueError):
        unescape(bad)


def test_golden_expected_values_agree_with_rapidfuzz_today():
    # Guards against the file and the installed oracles drifting apart (e.g. a regex whose \X
    # follows another Unicode version).
    assert regex_follows_unicode_17(), f"regex {regex_version()} does not follow Unicode 17"
    for c in CASES:
        assert RFLevenshtein.distance(c.s1, c.s2) == c.codepoint_distance, c.line
        assert RFLevenshtein.distance(graphemes(c.s1), graphemes(c.s2)) == c.grapheme_distance, (
            c.line
        )


def test_golden_file_is_what_make_golden_generates():
    sys.path.insert(0, str(GOLDEN_PATH.parent))
    try:
        import make_golden
    finally:
        sys.path.remove(str(GOLDEN_PATH.parent))

    # Compare the cases (strings) only; values are checked against the oracles above.
    generated = make_golden.render(compute=lambda s1, s2: (0, 0))
    on_disk = GOLDEN_PATH.read_text(encoding="ascii")

    def strings_only(text):
        out = []
        for line in text.splitlines():
            if line.startswith("#"):
                out.append(line)
            else:
                out.append("\t".join(line.split("\t")[:2]))
        return out

    assert strings_only(generated) == strings_only(on_disk), (
        "golden.tsv is stale: run .venv/bin/python tests/data/make_golden.py"
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_golden_codepoint_distance(lev, case):
    assert lev.levenshtein(case.s1, case.s2) == case.codepoint_distance


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_golden_grapheme_distance(lev, case):
    got = lev.levenshtein(case.s1, case.s2, grapheme_segmentation=True)
    assert got == case.grapheme_distance


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_golden_distances_are_symmetric(lev, case):
    assert lev.levenshtein(case.s2, case.s1) == case.codepoint_distance
    assert lev.levenshtein(case.s2, case.s1, grapheme_segmentation=True) == case.grapheme_distance


@pytest.mark.parametrize("num_threads", [None, 1, 2, 3])
def test_golden_batch_codepoints(lev, num_threads):
    pairs = [(c.s1, c.s2) for c in CASES]
    got = lev.levenshtein_batch(pairs, num_threads=num_threads)
    assert got == [c.codepoint_distance for c in CASES]


@pytest.mark.parametrize("num_threads", [None, 1, 2, 3])
def test_golden_batch_graphemes(lev, num_threads):
    pairs = [[c.s1, c.s2] for c in CASES]
    got = lev.levenshtein_batch(pairs, num_threads=num_threads, grapheme_segmentation=True)
    assert got == [c.grapheme_distance for c in CASES]
