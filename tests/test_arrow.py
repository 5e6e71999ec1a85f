"""levenshtein_arrow against per-pair levenshtein, over every Arrow string layout."""

from __future__ import annotations

import ctypes
import random
import struct
import sys

import pytest
from conftest import run_python_json
from hypothesis import given
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")

LAYOUTS = [pa.string(), pa.large_string(), pa.string_view()]
LAYOUT_IDS = ["utf8", "large_utf8", "utf8_view"]

WORDS = [
    "kitten",
    "sitting",
    "",
    None,
    "Käse",
    "ÿÿÿ",
    "日本語のテキスト",
    "a😀b",
    "nul\x00here",
    "exactly twelve",  # views: longer than 12 bytes, stored out of line
    "twelve bytes",  # views: 12 bytes, inline
    "x" * 70,
    "é" * 65,
    None,
]


def expected(lev, a, b, **kwargs):
    return [
        None if x is None or y is None else lev.levenshtein(x, y, **kwargs)
        for x, y in zip(a, b, strict=True)
    ]


def column(values, layout):
    return pa.array(values, type=pa.string()).cast(layout)


@pytest.mark.parametrize("layout_a", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize("layout_b", LAYOUTS, ids=LAYOUT_IDS)
def test_every_layout_pair_matches_levenshtein(lev, layout_a, layout_b):
    a = WORDS
    b = WORDS[::-1]
    got = lev.levenshtein_arrow(column(a, layout_a), column(b, layout_b))
    assert isinstance(got, lev.DistanceArray)
    assert got.to_pylist() == expected(lev, a, b)
    assert got.null_count == 4  # two nulls on each side, at different places
    assert len(got) == len(a)


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUT_IDS)
def test_str_as_b_is_compared_with_every_element(lev, layout):
    got = lev.levenshtein_arrow(column(WORDS, layout), "Kätzchen")
    assert got.to_pylist() == expected(lev, WORDS, ["Kätzchen"] * len(WORDS))


def test_result_is_a_uint32_arrow_array_taken_by_pyarrow(lev):
    got = pa.array(lev.levenshtein_arrow(pa.array(["ab", None, "abc"]), "abc"))
    assert got.type == pa.uint32()
    assert got.to_pylist() == [1, None, 0]
    assert got.null_count == 1
    # No nulls: no validity buffer is exported.
    clean = pa.array(lev.levenshtein_arrow(pa.array(["ab", "b"]), "abc"))
    assert clean.buffers()[0] is None and clean.to_pylist() == [1, 2]


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUT_IDS)
def test_sliced_arrays_with_offsets(lev, layout):
    rng = random.Random(7)
    values = [
        None if rng.random() < 0.2 else "".join(rng.choices("abcé日😀", k=rng.randrange(20)))
        for _ in range(300)
    ]
    a = column(values, layout).slice(13, 200)
    b = column(values[::-1], layout).slice(5, 200)
    assert a.offset == 13
    want = expected(lev, values[13:213], values[::-1][5:205])
    assert lev.levenshtein_arrow(a, b).to_pylist() == want


def test_chunked_inputs_with_different_boundaries_give_one_array(lev):
    rng = random.Random(3)
    values = [
        None if rng.random() < 0.1 else "".join(rng.choices("ab", k=rng.randrange(8)))
        for _ in range(5000)
    ]
    other = values[1:] + values[:1]
    a = pa.chunked_array([column(values[:1234], pa.string()), column(values[1234:], pa.string())])
    b = pa.chunked_array(
        [
            column(other[:10], pa.large_string()),
            column([], pa.large_string()),
            column(other[10:4099], pa.large_string()),
            column(other[4099:], pa.large_string()),
        ]
    )
    got = pa.array(lev.levenshtein_arrow(a, b))
    assert got.type == pa.uint32()
    assert got.to_pylist() == expected(lev, values, other)


def test_options_are_passed_to_every_pair(lev):
    a = ["e\u0301te\u0301", "abcdefgh", None]
    b = ["ete", "hgfedcba", "x"]
    arrow_a, arrow_b = pa.array(a), pa.array(b)
    assert lev.levenshtein_arrow(arrow_a, arrow_b, grapheme_segmentation=True).to_pylist() == (
        expected(lev, a, b, grapheme_segmentation=True)
    )
    assert lev.levenshtein_arrow(arrow_a, arrow_b, max_distance=1).to_pylist() == [2, 2, None]
    assert lev.levenshtein_arrow(arrow_a, arrow_b, num_threads=1).to_pylist() == expected(lev, a, b)


def test_empty_columns(lev):
    assert lev.levenshtein_arrow(pa.array([], pa.string()), "x").to_pylist() == []
    assert pa.array(lev.levenshtein_arrow(pa.chunked_array([], pa.string()), "x")).type == (
        pa.uint32()
    )


text = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=80),
    st.text("ab", max_size=70),
)


@given(st.lists(st.tuples(text, text), max_size=60), st.sampled_from(range(3)))
def test_matches_levenshtein_per_pair(lev, pairs, layout):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    got = lev.levenshtein_arrow(column(a, LAYOUTS[layout]), column(b, LAYOUTS[2 - layout]))
    assert got.to_pylist() == expected(lev, a, b)


# --- bad input ------------------------------------------------------------------


class ArrowArray(ctypes.Structure):
    """The C Data Interface's ArrowArray, to hand over buffers pyarrow would not build."""


RELEASE = ctypes.CFUNCTYPE(None, ctypes.POINTER(ArrowArray))
ArrowArray._fields_ = [
    ("length", ctypes.c_int64),
    ("null_count", ctypes.c_int64),
    ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)),
    ("children", ctypes.c_void_p),
    ("dictionary", ctypes.c_void_p),
    ("release", RELEASE),
    ("private_data", ctypes.c_void_p),
]


class RawStringArray:
    """A utf8 array exported from raw, unchecked offsets (kept alive by this object)."""

    def __init__(self, offsets, data):
        self.offsets = (ctypes.c_int32 * len(offsets))(*offsets)
        self.data = ctypes.create_string_buffer(data, len(data))
        self.pointers = (ctypes.c_void_p * 3)(
            None, ctypes.addressof(self.offsets), ctypes.addressof(self.data)
        )
        self.released = False

        def release(array):
            array.contents.release = RELEASE()
            self.released = True

        self.release = RELEASE(release)
        self.array = ArrowArray(len(offsets) - 1, 0, 0, 3, 0, self.pointers, None, None)
        self.array.release = self.release

    def __arrow_c_array__(self, requested_schema=None):
        new_capsule = ctypes.pythonapi.PyCapsule_New
        new_capsule.restype = ctypes.py_object
        new_capsule.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
        capsule = new_capsule(ctypes.addressof(self.array), b"arrow_array", None)
        return pa.string().__arrow_c_schema__(), capsule


def offsets(*values, fmt="i"):
    return pa.py_buffer(struct.pack(f"<{len(values)}{fmt}", *values))


def test_invalid_utf8_in_a_foreign_buffer_is_a_value_error(lev):
    bad = pa.Array.from_buffers(pa.string(), 2, [None, offsets(0, 1, 3), pa.py_buffer(b"a\xc3(")])
    with pytest.raises(ValueError, match=r"a\[1\] is not valid UTF-8"):
        lev.levenshtein_arrow(bad, "x")
    with pytest.raises(ValueError, match=r"b\[1\] is not valid UTF-8"):
        lev.levenshtein_arrow(pa.array(["a", "b"]), bad)


def test_offsets_outside_the_data_are_a_value_error(lev):
    # Offsets that decrease, or point past the data the last offset declares.
    # (pyarrow refuses to build some of these itself; they then come from raw structs.)
    for offs in [(0, 3, 1, 3), (0, -1, 3, 3), (0, 1, 9, 3), (0, 1, 100, 3)]:
        bad = RawStringArray(offs, b"abcdefghijkl")
        with pytest.raises(ValueError, match=r"a\[\d\] lies outside its Arrow buffers"):
            lev.levenshtein_arrow(bad, "x")
    with pytest.raises(ValueError, match="the last Arrow offset is negative"):
        lev.levenshtein_arrow(RawStringArray((0, 100, -5), b"ab"), "x")
    ok = RawStringArray((0, 2, 3), b"abc")
    assert lev.levenshtein_arrow(ok, "ab").to_pylist() == [0, 2]
    assert ok.released, "the imported array was not released"
    bad = pa.Array.from_buffers(
        pa.large_string(), 2, [None, offsets(0, 2, 1, fmt="q"), pa.py_buffer(b"abc")]
    )
    with pytest.raises(ValueError, match="outside its Arrow buffers"):
        lev.levenshtein_arrow(bad, "x")


def test_views_pointing_outside_their_buffers_are_a_value_error(lev):
    # A 20-byte string said to live at offset 10 of a 16-byte buffer, then in buffer 3
    # of 1.
    for buffer_index, offset in [(0, 10), (3, 0)]:
        view = struct.pack("<I4sII", 20, b"abcd", buffer_index, offset)
        bad = pa.Array.from_buffers(
            pa.string_view(), 1, [None, pa.py_buffer(view), pa.py_buffer(b"a" * 16)]
        )
        with pytest.raises(ValueError, match=r"a\[0\] lies outside its Arrow buffers"):
            lev.levenshtein_arrow(bad, "x")


def test_different_lengths_are_a_value_error(lev):
    with pytest.raises(ValueError, match="same length, got 2 and 3"):
        lev.levenshtein_arrow(pa.array(["a", "b"]), pa.array(["a", "b", "c"]))


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (pa.array([1, 2]), "x", r"a must be a string column .* got Arrow type Int64"),
        (pa.array(["a"]), pa.array([b"a"]), r"b must be a string column .* Binary"),
        (["a", "b"], "x", "a must export the Arrow PyCapsule interface"),
        (pa.array(["a"]), b"a", "b must export the Arrow PyCapsule interface"),
        ("abc", "x", "a must be a string column, not str"),
        (pa.array(["a"]).dictionary_encode(), "x", "a must be a string column"),
    ],
)
def test_non_string_columns_and_other_objects_are_type_errors(lev, a, b, message):
    with pytest.raises(TypeError, match=message):
        lev.levenshtein_arrow(a, b)


def test_a_wrong_capsule_is_a_type_or_value_error(lev):
    class Liar:
        def __arrow_c_array__(self, requested_schema=None):
            return ("not", "capsules")

    class WrongName:
        def __arrow_c_array__(self, requested_schema=None):
            schema, array = pa.array(["a"]).__arrow_c_array__()
            return (array, schema)

    with pytest.raises(TypeError, match="instead of a capsule"):
        lev.levenshtein_arrow(Liar(), "x")
    with pytest.raises(ValueError):
        lev.levenshtein_arrow(WrongName(), "x")


def test_bad_options_name_the_argument(lev):
    a = pa.array(["a"])
    with pytest.raises(ValueError, match="num_threads"):
        lev.levenshtein_arrow(a, "x", num_threads=0)
    with pytest.raises(TypeError, match="max_distance"):
        lev.levenshtein_arrow(a, "x", max_distance="1")


def test_a_table_of_one_string_column_is_that_column(lev):
    batch = pa.record_batch({"a": pa.array(["x", "kitten", "flaw", None])})
    assert lev.levenshtein_arrow(batch, "flaw").to_pylist() == [4, 6, 0, None]
    assert lev.levenshtein_arrow(batch.slice(1, 2), "flaw").to_pylist() == [6, 0]
    table = pa.Table.from_batches([batch.slice(2), batch.slice(0, 2)])
    assert lev.levenshtein_arrow(table, "flaw").to_pylist() == [0, None, 4, 6]
    with pytest.raises(TypeError, match="must be a string column"):
        lev.levenshtein_arrow(pa.table({"a": ["x"], "b": ["y"]}), "x")
    nullable = pa.StructArray.from_arrays(
        [pa.array(["x", "y"])], names=["a"], mask=pa.array([False, True])
    )
    with pytest.raises(ValueError, match="null rows"):
        lev.levenshtein_arrow(nullable, "x")


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc/self, calls glibc's malloc_trim"
)
def test_one_million_pairs_add_at_most_16_bytes_per_pair():
    result = run_python_json(
        """
        import ctypes, gc, json, re
        import pyarrow as pa
        import pyo3_levenshtein as lev

        n = 1_000_000
        words = pa.array([f"w{i % 977}x{i % 13}" for i in range(n)], type=pa.string_view())
        other = pa.array([f"{i % 31}v{i % 7}" for i in range(n)])
        lev.levenshtein_arrow(words[:100], other[:100])  # warm up the pool
        # Hand the freed Python strings back to the system, so that the output cannot
        # hide in heap pages that are already resident (the check would be blind).
        gc.collect()
        ctypes.CDLL(None).malloc_trim(0)

        def hwm():
            text = open("/proc/self/status").read()
            return int(re.search(r"VmHWM:\\s+(\\d+)", text).group(1))

        open("/proc/self/clear_refs", "w").write("5")
        before = hwm()
        out = lev.levenshtein_arrow(words, other)
        print(json.dumps({"extra": (hwm() - before) * 1024 / n, "len": len(out)}))
        """
    )
    assert result["len"] == 1_000_000
    # The output alone is 4 bytes per pair; seeing it proves the measurement is not blind.
    assert 3.5 <= result["extra"] <= 16, result
