"""Argument validation: every bad input raises the documented exception, never crashes."""

from __future__ import annotations

import pytest

# Neither str nor a sequence: a TypeError for levenshtein (which takes sequences too).
NOT_SEQUENCE = [
    None,
    1,
    1.5,
    object(),
    {"a", "b"},
    frozenset("ab"),
    {"a": 1},
    iter(["a"]),
    (c for c in "ab"),
]
# _noop, the benchmarks' call floor, takes str only.
NOT_STR = [None, 1, 1.5, b"abc", bytearray(b"abc"), ["a"], ("a",), object()]


# ------------------------------------------------------------------------------------------
# levenshtein and _noop
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fname", "bad"),
    [("levenshtein", v) for v in NOT_SEQUENCE] + [("_noop", v) for v in NOT_STR],
    ids=lambda v: v if isinstance(v, str) else type(v).__name__,
)
def test_non_str_first_argument_names_s1(lev, fname, bad):
    f = getattr(lev, fname)
    with pytest.raises(TypeError, match="s1"):
        f(bad, "abc")


@pytest.mark.parametrize(
    ("fname", "bad"),
    [("levenshtein", v) for v in NOT_SEQUENCE] + [("_noop", v) for v in NOT_STR],
    ids=lambda v: v if isinstance(v, str) else type(v).__name__,
)
def test_non_str_second_argument_names_s2(lev, fname, bad):
    f = getattr(lev, fname)
    with pytest.raises(TypeError, match="s2"):
        f("abc", bad)


@pytest.mark.parametrize("bad", NOT_SEQUENCE, ids=lambda v: type(v).__name__)
def test_a_non_sequence_is_a_type_error_saying_what_is_taken(lev, bad):
    with pytest.raises(TypeError, match=r"^s1 must be str or a sequence, not \w+$"):
        lev.levenshtein(bad, ["a"])
    with pytest.raises(TypeError, match=r"^s2 must be str or a sequence, not \w+$"):
        lev.levenshtein([1, 2], bad)


def test_non_str_argument_by_keyword_names_it(lev):
    with pytest.raises(TypeError, match="s1"):
        lev.levenshtein(s1=None, s2="b")
    with pytest.raises(TypeError, match="s2"):
        lev.levenshtein(s1="a", s2={"b"})


def test_a_non_sequence_is_named_before_a_bad_max_distance(lev):
    with pytest.raises(TypeError, match="s2"):
        lev.levenshtein(["a"], 5, max_distance=-1)
    with pytest.raises(ValueError, match="max_distance"):
        lev.levenshtein(["a"], ["b"], max_distance=-1)
    with pytest.raises(TypeError, match="max_distance"):
        lev.levenshtein(["a"], ["b"], max_distance=1.0)


# ------------------------------------------------------------------------------------------
# levenshtein: sequences
# ------------------------------------------------------------------------------------------


class _Unhashable:
    __hash__ = None  # type: ignore[assignment]


@pytest.mark.parametrize(
    ("element", "type_name"),
    [([1], "list"), ({"a": 1}, "dict"), ({1}, "set"), (_Unhashable(), "_Unhashable")],
    ids=["list", "dict", "set", "class"],
)
def test_an_unhashable_element_is_a_type_error_naming_argument_and_index(lev, element, type_name):
    with pytest.raises(TypeError, match=rf"^s1\[3\]: unhashable type: '{type_name}'$") as info:
        lev.levenshtein([1, 2, 3, element], [1])
    assert isinstance(info.value.__cause__, TypeError)
    with pytest.raises(TypeError, match=rf"^s2\[0\]: unhashable type: '{type_name}'$"):
        lev.levenshtein("abc", (element, "a"))


def test_an_unhashable_element_is_found_whatever_the_other_elements(lev):
    # The first unhashable element, after plain ones and after Python objects.
    with pytest.raises(TypeError, match=r"^s2\[2\]: "):
        lev.levenshtein(["a", "b"], ["a", 1.5, [], []])
    with pytest.raises(TypeError, match=r"^s1\[1\]: "):
        lev.levenshtein([None, []], [[]])


def test_an_unhashable_element_in_a_tuple_element_is_a_type_error(lev):
    with pytest.raises(TypeError, match=r"^s1\[0\]: unhashable type: 'list'$"):
        lev.levenshtein([(1, [2])], [(1, 2)])


def test_an_exception_from_hash_or_eq_propagates_unchanged(lev):
    class Boom(Exception):
        pass

    class BadHash:
        def __hash__(self):
            raise Boom("from __hash__")

    class BadEq:
        def __hash__(self):
            return 1

        def __eq__(self, other):
            raise Boom("from __eq__")

    with pytest.raises(Boom, match="from __hash__"):
        lev.levenshtein([BadHash()], [1])
    with pytest.raises(Boom, match="from __eq__"):
        lev.levenshtein([BadEq()], [BadEq()])


def test_an_exception_from_a_sequence_propagates_unchanged(lev):
    from collections.abc import Sequence

    class Boom(Exception):
        pass

    class Broken(Sequence):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            raise Boom("from __getitem__")

    with pytest.raises(Boom, match="from __getitem__"):
        lev.levenshtein(Broken(), [1])


@pytest.mark.parametrize(
    "args",
    [(["a"], "a"), ("a", ["a"]), (b"a", "a"), ("a", (1,)), ([1], [2])],
    ids=repr,
)
def test_grapheme_mode_with_a_non_str_sequence_is_a_value_error_naming_it(lev, args):
    name = "s1" if not isinstance(args[0], str) else "s2"
    with pytest.raises(ValueError, match=rf"^grapheme_segmentation=True needs str, but {name} is"):
        lev.levenshtein(*args, grapheme_segmentation=True)
    with pytest.raises(ValueError, match=name):
        lev.levenshtein(*args, True)


def test_errors_leave_the_module_usable(lev):
    for bad in ([[1]], [{}], [set()]):
        with pytest.raises(TypeError):
            lev.levenshtein(bad, ["a"])
    assert lev.levenshtein(["a", "b"], ["a", "c"]) == 1
    assert lev.levenshtein("kitten", "sitting") == 3


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
    [(1, "a"), ("a", 1), (None, None), ("a", {"b"}), [iter("a"), "b"], ("a", 1.5)],
    ids=repr,
)
def test_batch_non_sequence_element_is_type_error_with_index(lev, bad):
    pairs = [GOOD, GOOD, GOOD, bad, GOOD]
    with pytest.raises(TypeError, match=r"pairs\[3\]"):
        lev.levenshtein_batch(pairs)


def test_batch_non_sequence_element_names_the_side(lev):
    with pytest.raises(TypeError, match=r"^pairs\[1\]\[1\] must be str or a sequence, not int$"):
        lev.levenshtein_batch([GOOD, (["a"], 5)])
    with pytest.raises(
        TypeError, match=r"^pairs\[0\]\[0\] must be str or a sequence, not NoneType$"
    ):
        lev.levenshtein_batch([(None, ["a"])])


def test_batch_unhashable_element_names_pair_side_and_index(lev):
    pairs = [GOOD, (["a"], ["b"]), (["a", "b"], ("a", {}, "c"))]
    with pytest.raises(TypeError, match=r"^pairs\[2\]\[1\]\[1\]: unhashable type: 'dict'$"):
        lev.levenshtein_batch(pairs)


def test_batch_grapheme_mode_with_a_non_str_sequence_is_a_value_error_naming_it(lev):
    with pytest.raises(ValueError, match=r"pairs\[1\]\[0\] is list"):
        lev.levenshtein_batch([GOOD, (["a"], "b")], grapheme_segmentation=True)
    with pytest.raises(ValueError, match=r"pairs\[0\]\[1\] is bytes"):
        lev.levenshtein_batch([("a", b"b")], None, True)
    # The same pairs without grapheme mode are fine.
    assert lev.levenshtein_batch([GOOD, (["a"], "b"), ("a", b"b")]) == [3, 1, 1]


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
    for bad in (["ab"], [("a",)], [("a", 1)], [([[]], "a")]):
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
