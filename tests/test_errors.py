"""Argument validation: every bad input raises the documented exception, never crashes."""

from __future__ import annotations

import pytest

NOT_STR = [None, 1, 1.5, b"abc", bytearray(b"abc"), ["a"], ("a",), object()]


# ------------------------------------------------------------------------------------------
# levenshtein and _noop
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fname", ["levenshtein", "_noop"])
@pytest.mark.parametrize("bad", NOT_STR, ids=lambda v: type(v).__name__)
def test_non_str_first_argument_names_s1(lev, fname, bad):
    f = getattr(lev, fname)
    with pytest.raises(TypeError, match="s1"):
        f(bad, "abc")


@pytest.mark.parametrize("fname", ["levenshtein", "_noop"])
@pytest.mark.parametrize("bad", NOT_STR, ids=lambda v: type(v).__name__)
def test_non_str_second_argument_names_s2(lev, fname, bad):
    f = getattr(lev, fname)
    with pytest.raises(TypeError, match="s2"):
        f("abc", bad)


def test_non_str_argument_by_keyword_names_it(lev):
    with pytest.raises(TypeError, match="s1"):
        lev.levenshtein(s1=b"a", s2="b")
    with pytest.raises(TypeError, match="s2"):
        lev.levenshtein(s1="a", s2=b"b")


@pytest.mark.parametrize("fname", ["levenshtein", "_noop"])
@pytest.mark.parametrize("bad", [None, 0, 1, "yes", "", 1.0, [True]], ids=repr)
def test_non_bool_grapheme_segmentation_is_type_error(lev, fname, bad):
    f = getattr(lev, fname)
    with pytest.raises(TypeError):
        f("a", "b", grapheme_segmentation=bad)
    with pytest.raises(TypeError):
        f("a", "b", bad)


@pytest.mark.parametrize("fname", ["levenshtein", "_noop"])
def test_wrong_arity_and_unknown_keywords_are_type_errors(lev, fname):
    f = getattr(lev, fname)
    with pytest.raises(TypeError):
        f()
    with pytest.raises(TypeError):
        f("a")
    with pytest.raises(TypeError):
        f("a", "b", False, "extra")
    with pytest.raises(TypeError):
        f("a", "b", graphemes=True)


# ------------------------------------------------------------------------------------------
# levenshtein_batch: the pairs argument
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, 1, 2.5, object()], ids=lambda v: type(v).__name__)
def test_batch_non_iterable_pairs_is_type_error(lev, bad):
    with pytest.raises(TypeError):
        lev.levenshtein_batch(bad)


def test_batch_missing_pairs_is_type_error(lev):
    with pytest.raises(TypeError):
        lev.levenshtein_batch()


GOOD = ("kitten", "sitting")


@pytest.mark.parametrize(
    "bad",
    ["ab", b"ab", 3, None, {"a", "b"}, {"a": "b"}, frozenset("ab"), iter(["a", "b"])],
    ids=lambda v: type(v).__name__,
)
def test_batch_pair_that_is_not_tuple_or_list_is_type_error_with_index(lev, bad):
    pairs = [GOOD, GOOD, GOOD, bad, GOOD]
    with pytest.raises(TypeError, match=r"pairs\[3\]"):
        lev.levenshtein_batch(pairs)


def test_batch_str_pair_at_index_zero_is_type_error(lev):
    with pytest.raises(TypeError, match=r"pairs\[0\]"):
        lev.levenshtein_batch(["ab"])


@pytest.mark.parametrize(
    "bad",
    [(), ("a",), ("a", "b", "c"), [], ["a"], ["a", "b", "c"]],
    ids=repr,
)
def test_batch_pair_of_wrong_length_is_value_error_with_index(lev, bad):
    pairs = [GOOD, GOOD, GOOD, bad]
    with pytest.raises(ValueError, match=r"pairs\[3\]"):
        lev.levenshtein_batch(pairs)


@pytest.mark.parametrize(
    "bad",
    [(1, "a"), ("a", 1), (None, None), (b"a", "b"), ["a", b"b"], ("a", ["b"])],
    ids=repr,
)
def test_batch_non_str_element_is_type_error_with_index(lev, bad):
    pairs = [GOOD, GOOD, GOOD, bad, GOOD]
    with pytest.raises(TypeError, match=r"pairs\[3\]"):
        lev.levenshtein_batch(pairs)


def test_batch_error_index_counts_from_a_generator(lev):
    def gen():
        for _ in range(12):
            yield GOOD
        yield ("a", 5)

    with pytest.raises(TypeError, match=r"pairs\[12\]"):
        lev.levenshtein_batch(gen())


def test_batch_exception_raised_by_the_iterator_propagates_unchanged(lev):
    class Boom(Exception):
        pass

    def gen():
        yield GOOD
        raise Boom("from the generator")

    with pytest.raises(Boom, match="from the generator"):
        lev.levenshtein_batch(gen())


def test_batch_is_usable_after_errors(lev):
    for bad in (["ab"], [("a",)], [("a", 1)]):
        with pytest.raises((TypeError, ValueError)):
            lev.levenshtein_batch(bad)
    assert lev.levenshtein_batch([GOOD, GOOD], num_threads=2) == [3, 3]


# ------------------------------------------------------------------------------------------
# levenshtein_batch: num_threads and grapheme_segmentation
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pairs", [[GOOD], []], ids=["pairs", "empty"])
@pytest.mark.parametrize("bad", [1.0, 2.5, "2", True, False, b"2", [2]], ids=repr)
def test_batch_num_threads_of_wrong_type_is_type_error_naming_it(lev, pairs, bad):
    with pytest.raises(TypeError, match="num_threads"):
        lev.levenshtein_batch(pairs, num_threads=bad)


@pytest.mark.parametrize("pairs", [[GOOD], []], ids=["pairs", "empty"])
def test_batch_num_threads_out_of_range_is_value_error_naming_it(lev, pairs):
    for bad in (0, -1, -(2**70), 2**40, 2**70, lev.MAX_THREADS + 1):
        with pytest.raises(ValueError, match="num_threads"):
            lev.levenshtein_batch(pairs, num_threads=bad)


@pytest.mark.parametrize("pairs", [[GOOD], []], ids=["pairs", "empty"])
@pytest.mark.parametrize("bad", [None, 0, 1, "yes", 1.0], ids=repr)
def test_batch_non_bool_grapheme_segmentation_is_type_error(lev, pairs, bad):
    with pytest.raises(TypeError):
        lev.levenshtein_batch(pairs, grapheme_segmentation=bad)


def test_batch_unknown_keyword_is_type_error(lev):
    with pytest.raises(TypeError):
        lev.levenshtein_batch([GOOD], threads=2)
