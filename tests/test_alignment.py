"""Alignments (editops, opcodes) and corpus error rates (error_counts).

The properties: applying the operations rebuilds s2 (validity), there are as many as
the distance (optimality), and they are those rapidfuzz's Levenshtein.editops and
opcodes give (agreement), on str of every width up to 1,000 units, and on seeded pairs
long enough for the Hirschberg splits. error_counts is compared with jiwer.
"""

from __future__ import annotations

import difflib
import random
import subprocess
import sys
import textwrap

import pyo3_levenshtein as lev
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyo3_levenshtein import editops, error_counts, levenshtein, opcodes

rf_lev = pytest.importorskip("rapidfuzz.distance.Levenshtein")

# --- strategies --------------------------------------------------------------------------

ALPHABETS = {
    "ascii": "abcdefghij",
    "two letters": "ab",
    "latin-1": "aeé\xff\x00",
    "bmp": "aé中文\ud800\u3000",
    "astral": "a\U0001f600\U0001f44d\U0001f3fd\U00010000",
}


def text(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, max_size=max_size)


@st.composite
def pairs(draw: st.DrawFn, max_size: int = 150) -> tuple[str, str]:
    """Two strings from one alphabet: unrelated, or the second an edited copy, with
    lengths often near the word and block edges (64, 128)."""
    alphabet = draw(st.sampled_from(sorted(ALPHABETS.values())))
    size = draw(st.one_of(st.integers(0, max_size), st.sampled_from([63, 64, 65, 127, 128, 129])))
    a = "".join(draw(st.lists(st.sampled_from(alphabet), min_size=size, max_size=size)))
    if draw(st.booleans()):
        b = draw(text(alphabet, max_size))
    else:
        b = list(a)
        for _ in range(draw(st.integers(0, 12))):
            kind = draw(st.integers(0, 2))
            at = draw(st.integers(0, len(b)))
            if kind == 0 and at < len(b):
                b[at] = draw(st.sampled_from(alphabet))
            elif kind == 1:
                b.insert(at, draw(st.sampled_from(alphabet)))
            elif at < len(b):
                del b[at]
        b = "".join(b)
    return (a, b) if draw(st.booleans()) else (b, a)


def edited(rng: random.Random, s: str, edits: int, alphabet: str) -> str:
    chars = list(s)
    for _ in range(edits):
        kind, at = rng.randrange(3), rng.randrange(len(chars) + 1)
        if kind == 0 and at < len(chars):
            chars[at] = rng.choice(alphabet)
        elif kind == 1:
            chars.insert(at, rng.choice(alphabet))
        elif at < len(chars):
            del chars[at]
    return "".join(chars)


def check_pair(a: str, b: str) -> None:
    ops, blocks = editops(a, b), opcodes(a, b)
    # Optimal and valid.
    assert len(ops) == levenshtein(a, b)
    assert ops.apply(a, b) == b
    assert blocks.apply(a, b) == b
    assert ops.inverse().apply(b, a) == a
    # rapidfuzz's choice, item for item.
    want = rf_lev.editops(a, b)
    assert ops.as_list() == want.as_list()
    assert (ops.src_len, ops.dest_len) == (want.src_len, want.dest_len) == (len(a), len(b))
    assert blocks.as_list() == rf_lev.opcodes(a, b).as_list()
    assert ops.as_matching_blocks() == [tuple(m) for m in want.as_matching_blocks()]
    # Conversions agree.
    assert ops.as_opcodes() == blocks
    assert blocks.as_editops() == ops
    assert blocks.as_matching_blocks() == ops.as_matching_blocks()


# --- agreement with rapidfuzz ---------------------------------------------------------------


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs())
def test_editops_are_optimal_valid_and_rapidfuzz_s(pair: tuple[str, str]) -> None:
    check_pair(*pair)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs(max_size=1000))
def test_up_to_a_thousand_units(pair: tuple[str, str]) -> None:
    check_pair(*pair)


@pytest.mark.parametrize("alphabet", sorted(ALPHABETS), ids=str)
@pytest.mark.parametrize("size", [1, 63, 64, 65, 127, 128, 129, 500, 1000])
def test_sizes_at_the_block_edges(alphabet: str, size: int) -> None:
    rng = random.Random(size)
    letters = ALPHABETS[alphabet]
    a = "".join(rng.choice(letters) for _ in range(size))
    for b in (edited(rng, a, size // 10 + 1, letters), "".join(rng.sample(a, len(a)))):
        check_pair(a, b)
        check_pair(b, a)


@pytest.mark.parametrize("seed", range(6))
def test_split_pairs_agree_with_rapidfuzz_too(seed: int) -> None:
    """Past 2,048 units a side both libraries split the problem (Hirschberg); ours
    splits where rapidfuzz does, so even there the choice is the same."""
    rng = random.Random(seed)
    letters = "abcd" if seed % 2 else "abcdefghijklmnopqrstuvwxyz"
    a = "".join(rng.choice(letters) for _ in range(rng.randint(2_100, 5_000)))
    b = edited(rng, a, rng.choice([10, 300, 2_000]), letters)
    check_pair(a, b)
    c = "".join(rng.choice(letters) for _ in range(rng.randint(2_100, 3_000)))
    check_pair(a, c)


def test_rapidfuzz_s_documented_example() -> None:
    ops = editops("spam", "park")
    assert ops == [("delete", 0, 0), ("insert", 3, 2), ("replace", 3, 3)]
    assert opcodes("spam", "park") == [
        ("delete", 0, 1, 0, 0),
        ("equal", 1, 3, 0, 2),
        ("insert", 3, 3, 2, 3),
        ("replace", 3, 4, 3, 4),
    ]


def test_opcodes_cover_both_strings_like_difflib() -> None:
    a, b = "the quick brown fox", "a quick brown dog jumps"
    blocks = opcodes(a, b)
    assert blocks[0][1] == blocks[0][3] == 0
    assert blocks[-1][2] == len(a) and blocks[-1][4] == len(b)
    for (_, _, i2, _, j2), (_, i1, _, j1, _) in zip(blocks, blocks[1:], strict=False):
        assert (i2, j2) == (i1, j1)
    # The same shape of tuples as difflib's, and the same final matching block.
    assert len(difflib.SequenceMatcher(None, a, b).get_opcodes()[0]) == len(blocks[0])
    assert (
        blocks.as_matching_blocks()[-1]
        == difflib.SequenceMatcher(None, a, b).get_matching_blocks()[-1]
    )


# --- the sequence types ---------------------------------------------------------------------


def test_editops_behave_as_a_sequence_of_tuples() -> None:
    ops = editops("kitten", "sitting")
    assert len(ops) == 3
    assert ops[0] == ("replace", 0, 0) and ops[-1] == ("insert", 6, 6)
    tag, src, dest = ops[1]
    assert (tag, src, dest) == ("replace", 4, 4)
    assert list(ops) == ops.as_list() == [tuple(op) for op in ops]
    assert ("insert", 6, 6) in ops
    part = ops[1:]
    assert isinstance(part, lev.Editops)
    assert (part.src_len, part.dest_len) == (6, 7)
    assert part.as_list() == ops.as_list()[1:]
    assert ops[::2].as_list() == ops.as_list()[::2]
    assert ops[10:].as_list() == []
    assert ops == editops("kitten", "sitting") and ops != editops("kitten", "sittin")
    assert ops != "not editops"
    assert repr(ops) == (
        "Editops([('replace', 0, 0), ('replace', 4, 4), ('insert', 6, 6)], src_len=6, dest_len=7)"
    )
    with pytest.raises(TypeError):
        hash(ops)


def test_opcodes_behave_as_a_sequence_of_tuples() -> None:
    blocks = opcodes("kitten", "sitting")
    assert blocks[0] == ("replace", 0, 1, 0, 1)
    tag, i1, i2, j1, j2 = blocks[-1]
    assert (tag, i1, i2, j1, j2) == ("insert", 6, 6, 6, 7)
    part = blocks[-2:]
    assert isinstance(part, lev.Opcodes) and len(part) == 2
    assert (part.src_len, part.dest_len) == (6, 7)
    assert list(reversed(list(blocks)))[0] == blocks[-1]
    assert repr(opcodes("a", "a")) == "Opcodes([('equal', 0, 1, 0, 1)], src_len=1, dest_len=1)"


def test_indexing_errors() -> None:
    ops = editops("ab", "ba")
    with pytest.raises(IndexError):
        ops[2]
    with pytest.raises(IndexError):
        ops[-3]
    with pytest.raises(TypeError, match="integers or slices"):
        ops["0"]
    with pytest.raises(ValueError, match="negative step"):
        ops[::-1]
    with pytest.raises(ValueError, match="negative step"):
        opcodes("ab", "ba")[::-1]


def test_apply_checks_the_lengths_and_takes_sequences() -> None:
    ops = editops("kitten", "sitting")
    with pytest.raises(ValueError, match="s1 has 5 units, but the alignment is for 6"):
        ops.apply("kitte", "sitting")
    with pytest.raises(ValueError, match="s2"):
        opcodes("kitten", "sitting").apply("kitten", "sittin")
    assert ops.apply(list("kitten"), list("sitting")) == list("sitting")
    words_a, words_b = ["the", "cat"], ["a", "cat", "sat"]
    ops = editops(
        "".join(chr(0x4E00 + i) for i in (0, 1)), "".join(chr(0x4E00 + i) for i in (2, 1, 3))
    )
    assert ops.apply(words_a, words_b) == words_b


def test_inverse_and_empty_strings() -> None:
    assert editops("", "") == [] and opcodes("", "") == []
    assert editops("", "ab") == [("insert", 0, 0), ("insert", 0, 1)]
    assert editops("ab", "").inverse() == editops("", "ab")
    assert opcodes("abc", "") == [("delete", 0, 3, 0, 0)]
    assert opcodes("abc", "").inverse() == opcodes("", "abc")
    assert editops("", "").as_matching_blocks() == [(0, 0, 0)]


def test_grapheme_positions_count_clusters() -> None:
    a, b = "e\u0301\U0001f44d\U0001f3fdx", "\u00e9\U0001f44dx"
    ops = editops(a, b, grapheme_segmentation=True)
    assert (ops.src_len, ops.dest_len) == (3, 3)
    assert ops == [("replace", 0, 0), ("replace", 1, 1)]
    assert ops.apply(a, b) == b
    blocks = opcodes(a, b, grapheme_segmentation=True)
    assert blocks.apply(a, b) == b
    assert blocks[-1] == ("equal", 2, 3, 2, 3)
    assert len(editops(a, b)) == levenshtein(a, b)


def test_arguments_must_be_sequences() -> None:
    with pytest.raises(TypeError, match="s1"):
        editops(1, "a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"s2\[0\]"):
        opcodes(["a"], [["a"]])
    with pytest.raises(ValueError, match="s1"):
        editops(["a"], "a", grapheme_segmentation=True)
    with pytest.raises(TypeError):
        editops("a", "b", grapheme_segmentation="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        editops("a", "b", True)  # type: ignore[misc]


def test_long_inputs_release_the_gil_and_stay_exact() -> None:
    rng = random.Random(7)
    a = "".join(rng.choice("abcdefgh") for _ in range(30_000))
    b = edited(rng, a, 500, "abcdefgh")
    ops = editops(a, b)
    assert len(ops) == levenshtein(a, b)
    assert ops.apply(a, b) == b
    assert opcodes(a, b).apply(a, b) == b


MEMORY_SCRIPT = textwrap.dedent(
    """
    import gc, random, resource, sys
    from pyo3_levenshtein import editops, levenshtein

    def peak_kib():
        # VmHWM, the peak RSS, which clear_refs resets to the current RSS (so that
        # building the strings does not count); ru_maxrss where there is no /proc.
        try:
            with open("/proc/self/status") as f:
                return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
        except (OSError, StopIteration):
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    rng = random.Random(5)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    a = "".join(rng.choice(alphabet) for _ in range(100_000))
    if sys.argv[1] == "related":
        chars = list(a)
        for _ in range(2_000):
            at = rng.randrange(len(chars))
            chars[at] = rng.choice(alphabet)
        b = "".join(chars)
    else:
        b = "".join(rng.choice(alphabet) for _ in range(100_000))
    editops("kitten", "sitting")
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    before = peak_kib()
    ops = editops(a, b)
    after = peak_kib()
    assert len(ops) == levenshtein(a, b)
    print((after - before) / 1024)
    """
)


@pytest.mark.parametrize("case", ["related", "unrelated"])
def test_two_100k_strings_take_at_most_6_mib_more(case: str) -> None:
    """Linear memory, result included: the peak RSS of a fresh process grows by at
    most 6 MiB over the call (VmHWM or ru_maxrss, which see the Rust allocations that
    tracemalloc does not)."""
    proc = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, case],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    extra_mib = float(proc.stdout.strip().splitlines()[-1])
    assert extra_mib <= 6.0, f"{extra_mib:.2f} MiB"


# --- error_counts against jiwer -------------------------------------------------------------

jiwer = pytest.importorskip("jiwer")

WORDS = "the a cat dog sat on mat and ran to be or not é中文 😀".split()


def corpus(seed: int, n: int) -> tuple[list[str], list[str]]:
    """Sentences of 0..30 words and hypotheses with about 15% of the words edited, some
    with doubled, leading or trailing spaces (which jiwer's default transform removes)."""
    rng = random.Random(seed)
    refs, hyps = [], []
    for _ in range(n):
        ref = [rng.choice(WORDS) for _ in range(rng.randint(0, 30))]
        hyp = []
        for word in ref:
            r = rng.random()
            if r < 0.05:
                continue
            if r < 0.10:
                hyp.append(rng.choice(WORDS))
            elif r < 0.15:
                hyp += [word, rng.choice(WORDS)]
            else:
                hyp.append(word)
        spaces = lambda: " " * rng.choice([1, 1, 1, 2])  # noqa: E731
        refs.append(spaces().join(ref) + (" " if rng.random() < 0.1 else ""))
        hyps.append((" " if rng.random() < 0.1 else "") + spaces().join(hyp))
    # jiwer does not accept an empty reference list; keep at least one word overall.
    refs[0] = refs[0] or "the"
    return refs, hyps


def check_against_jiwer(got: lev.ErrorCounts, want: object) -> None:
    for name in ("hits", "substitutions", "deletions", "insertions"):
        assert getattr(got, name) == getattr(want, name), name


@pytest.mark.parametrize("seed", range(4))
def test_word_counts_and_rates_equal_jiwer_s(seed: int) -> None:
    refs, hyps = corpus(seed, 400)
    got = error_counts(refs, hyps)
    want = jiwer.process_words(refs, hyps)
    check_against_jiwer(got, want)
    assert (got.error_rate, got.mer, got.wil, got.wip) == (want.wer, want.mer, want.wil, want.wip)
    assert got.error_rate == jiwer.wer(refs, hyps)
    pairs = got.pairs.to_pydict()
    assert sum(pairs["hits"]) == got.hits and len(got.pairs) == len(refs)


@pytest.mark.parametrize("seed", range(3))
def test_char_counts_equal_jiwer_s_cer(seed: int) -> None:
    refs, hyps = corpus(seed + 10, 300)
    got = error_counts(refs, hyps, unit="char")
    want = jiwer.process_characters(refs, hyps)
    check_against_jiwer(got, want)
    assert got.error_rate == want.cer == jiwer.cer(refs, hyps)


def test_per_pair_counts_equal_jiwer_s_pair_by_pair() -> None:
    refs, hyps = corpus(99, 50)
    pairs = error_counts(refs, hyps).pairs
    for i, (ref, hyp) in enumerate(zip(refs, hyps, strict=True)):
        if not ref.split():
            continue
        want = jiwer.process_words(ref, hyp)
        assert pairs[i] == (want.hits, want.substitutions, want.deletions, want.insertions)


def test_single_strings_and_graphemes() -> None:
    c = error_counts("the cat sat on the mat", "the cat sat on mat now")
    assert (c.hits, c.substitutions, c.deletions, c.insertions) == (4, 2, 0, 0)
    assert c.error_rate == 2 / 6
    g = error_counts(["e\u0301x"], ["\u00e9x"], unit="grapheme")
    assert (g.hits, g.substitutions) == (1, 1)
    assert error_counts(["e\u0301x"], ["\u00e9x"], unit="char").error_rate == 2 / 3


def test_empty_references_follow_jiwer() -> None:
    c = error_counts(["", " "], ["a b", ""])
    want = jiwer.process_words(["", " "], ["a b", ""])
    assert (c.error_rate, c.mer, c.wil, c.wip) == (want.wer, want.mer, want.wil, want.wip)


def test_per_pair_columns_export_to_arrow_and_numpy() -> None:
    pa = pytest.importorskip("pyarrow")
    np = pytest.importorskip("numpy")
    refs, hyps = corpus(3, 20)
    pairs = error_counts(refs, hyps, num_threads=2).pairs
    table = pa.table(pairs)
    assert table.column_names == ["hits", "substitutions", "deletions", "insertions"]
    assert table.column("hits").to_pylist() == pairs.to_pydict()["hits"]
    assert pa.array(pairs).type.num_fields == 4
    arrays = pairs.to_numpy()
    assert arrays["insertions"].dtype == np.uint32
    assert arrays["deletions"].tolist() == pairs.to_pydict()["deletions"]
    assert pairs[-1] == tuple(int(arrays[k][-1]) for k in arrays)
    assert repr(pairs) == "PairCounts(rows=20)"


def test_arrow_columns_in() -> None:
    pa = pytest.importorskip("pyarrow")
    refs, hyps = corpus(5, 100)
    want = error_counts(refs, hyps, unit="char")
    got = error_counts(pa.array(refs), pa.array(hyps, type=pa.large_string()), unit="char")
    assert (got.hits, got.substitutions, got.deletions, got.insertions) == (
        want.hits,
        want.substitutions,
        want.deletions,
        want.insertions,
    )


def test_error_counts_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="same length, got 2 and 1"):
        error_counts(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="unit must be"):
        error_counts("a", "b", unit="sentence")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"hypotheses\[1\] must be str, not int"):
        error_counts(["a", "b"], ["a", 2])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="references must be a list or iterable of str"):
        error_counts(3, ["a"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="num_threads"):
        error_counts(["a"], ["a"], num_threads=0)
    assert "error_rate=0.5" in repr(error_counts("a b", "a c"))


WORDS = ["the", "cat", "sat", "on", "mat", "a", "", "\u00e9t\u00e9", "\U0001f600"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), max_size=90),
    st.lists(st.sampled_from(WORDS), max_size=90),
)
def test_word_lists_align_as_rapidfuzz_aligns_them(a: list[str], b: list[str]) -> None:
    ops = editops(a, b)
    assert ops.as_list() == rf_lev.editops(a, b).as_list()
    assert opcodes(a, b).as_list() == rf_lev.opcodes(a, b).as_list()
    assert ops.apply(a, b) == b
    assert (ops.src_len, ops.dest_len) == (len(a), len(b))


def test_token_sequences_of_ints_and_tuples() -> None:
    assert editops((1, 2, 3), [1, 3]).as_list() == [("delete", 1, 1)]
    assert opcodes(b"abc", b"abd").as_list() == rf_lev.opcodes(b"abc", b"abd").as_list()
