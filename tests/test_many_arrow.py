"""nearest() and levenshtein_matrix() reading Arrow string columns.

Arrow strings are UTF-8, so the alphabet has no lone surrogates; the results must
equal those for the same strings given as a list of str.
"""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ALPHABET = "ab\x00\xe9\u4e2d\U0001f600"
GRAPHEMES = ["a", "e\u0301", "\U0001f44d\U0001f3fd", "\r\n", "\u4e2d"]

LAYOUTS = [pa.string(), pa.large_string(), pa.string_view()]


def text(alphabet=ALPHABET, max_size=12):
    return st.text(alphabet=alphabet, max_size=max_size)


@settings(max_examples=60)
@given(
    text(),
    st.lists(text(), max_size=30),
    st.sampled_from(LAYOUTS),
    st.integers(1, 5),
    st.sampled_from([None, 0, 2, 5]),
)
def test_nearest_over_arrow_equals_over_a_list(lev, query, choices, layout, k, max_distance):
    column = pa.array(choices, type=layout)
    want = lev.nearest(query, choices, k=k, max_distance=max_distance)
    assert lev.nearest(query, column, k=k, max_distance=max_distance) == want


@settings(max_examples=40)
@given(st.lists(text(), max_size=8), st.lists(text(), max_size=8), st.booleans())
def test_matrix_over_arrow_equals_over_lists(lev, queries, choices, chunked):
    q = pa.array(queries, type=pa.large_string())
    # Typed explicitly: pyarrow infers the null type for an empty list.
    c = (
        pa.chunked_array([choices[:3], choices[3:]], type=pa.string())
        if chunked
        else pa.array(choices, type=pa.string())
    )
    want = lev.levenshtein_matrix(queries, choices)
    assert lev.levenshtein_matrix(q, c).tolist() == want.tolist()
    assert lev.levenshtein_matrix(queries, c).tolist() == want.tolist()


def test_grapheme_mode_and_slices(lev):
    words = ["".join(GRAPHEMES[(i * j) % len(GRAPHEMES)] for j in range(i % 6)) for i in range(40)]
    column = pa.array(words).slice(5, 30)
    query = GRAPHEMES[1] + GRAPHEMES[2]
    want = lev.nearest(query, words[5:35], k=7, grapheme_segmentation=True)
    assert lev.nearest(query, column, k=7, grapheme_segmentation=True) == want


def test_polars_series_as_choices(lev):
    pl = pytest.importorskip("polars")
    choices = ["kitten", "sitting", "mitten", "smitten"]
    assert lev.nearest("kitten", pl.Series(choices), k=2) == [(0, 0), (2, 1)]


def test_a_null_choice_is_a_value_error_naming_it(lev):
    with pytest.raises(ValueError, match=r"choices\[1\] is null"):
        lev.nearest("a", pa.array(["a", None, "b"]), k=1)
    with pytest.raises(ValueError, match=r"queries\[0\] is null"):
        lev.levenshtein_matrix(pa.array([None], type=pa.string()), ["a"])


def test_a_non_string_column_is_a_type_error(lev):
    with pytest.raises(TypeError, match="choices"):
        lev.nearest("a", pa.array([1, 2, 3]), k=1)


def test_invalid_utf8_is_a_value_error_naming_the_element(lev):
    offsets = pa.py_buffer(pa.array([0, 1, 2], type=pa.int32()).buffers()[1])
    values = pa.py_buffer(b"a\xff")
    bad = pa.Array.from_buffers(pa.string(), 2, [None, offsets, values])
    with pytest.raises(ValueError, match=r"choices\[1\] is not valid UTF-8"):
        lev.nearest("a", bad, k=1)
