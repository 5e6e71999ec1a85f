"""Peak memory: a distance between two long strings needs O(n) memory, not O(n*m).

Each case runs in a fresh interpreter because ru_maxrss is a high-water mark: the strings
are built and the module warmed up before the first reading, so the difference between the
two readings is what the distance computation itself added to the peak.
"""

from __future__ import annotations

import random
import sys

import pytest
from conftest import run_python_json
from rapidfuzz.distance import Levenshtein as RFLevenshtein

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="ru_maxrss is in KiB only on Linux"
)

LIMIT_KIB = 4 * 1024

# Shared by the subprocess (exec'd there) and the parent (to check the distance).
MAKE_STRINGS = """
def make_strings(case):
    rng = random.Random(case)
    n = 100_000
    if case == "random-ascii":
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 "
        return "".join(rng.choices(alphabet, k=n)), "".join(rng.choices(alphabet, k=n))
    if case == "similar-ascii-2000-edits":
        alphabet = "abcdefghijklmnopqrstuvwxyz"
    elif case == "similar-ucs4-2000-edits":
        alphabet = "ab\\U0001f600\\U0001f601\\U00010000\\u4e2d\\ud800"
    elif case == "random-ucs4":
        alphabet = "ab\\U0001f600\\U0001f601\\U00010000\\u4e2d\\ud800"
        return "".join(rng.choices(alphabet, k=n)), "".join(rng.choices(alphabet, k=n))
    a = "".join(rng.choices(alphabet, k=n))
    chars = list(a)
    for _ in range(2000):
        op, pos = rng.choice("ids"), rng.randrange(len(chars))
        if op == "i":
            chars.insert(pos, rng.choice(alphabet))
        elif op == "d":
            del chars[pos]
        else:
            chars[pos] = rng.choice(alphabet)
    return a, "".join(chars)
"""

SCRIPT = (
    "import gc, json, random, re\n"
    + MAKE_STRINGS
    + """
def status():
    text = open("/proc/self/status").read()
    return {{k: int(re.search(k + r":\\s+(\\d+)", text).group(1)) for k in ("VmRSS", "VmHWM")}}

import pyo3_levenshtein as m
a, b = make_strings({case!r})
del make_strings
gc.collect()
m.levenshtein("kitten", "sitting", grapheme_segmentation={grapheme!r})  # warm up
m.levenshtein(a[:64], b[:64], grapheme_segmentation={grapheme!r})
# ru_maxrss is useless here: after exec it keeps the high-water mark of the process that
# spawned us (the whole pytest process). VmHWM is this process's own peak; writing 5 to
# clear_refs resets it to the current RSS, so transient peaks from building the strings
# cannot hide what the distance computation allocates.
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = status()
d = {work}
after = status()
print(json.dumps({{"distance": d, "added_kib": after["VmHWM"] - before["VmRSS"],
                  "before": before, "after": after}}))
"""
)

DISTANCE = "m.levenshtein(a, b, grapheme_segmentation={grapheme!r})"

CASES = ["random-ascii", "similar-ascii-2000-edits", "similar-ucs4-2000-edits", "random-ucs4"]


def _strings(case):
    namespace = {"random": random}
    exec(MAKE_STRINGS, namespace)
    return namespace["make_strings"](case)


@pytest.mark.parametrize("case", CASES)
def test_100k_distance_adds_at_most_4_mib_to_peak_rss(case):
    work = DISTANCE.format(grapheme=False)
    result = run_python_json(SCRIPT.format(case=case, grapheme=False, work=work), timeout=120)
    a, b = _strings(case)
    assert result["distance"] == RFLevenshtein.distance(a, b)
    assert result["added_kib"] <= LIMIT_KIB, f"peak RSS grew by {result['added_kib']} KiB"


def test_the_measurement_sees_an_8_mib_allocation():
    # Guards the harness itself: the same script, with the distance replaced by touching
    # 8 MiB, must report more than the limit.
    work = "len(bytearray(8 * 1024 * 1024))"
    result = run_python_json(
        SCRIPT.format(case="random-ascii", grapheme=False, work=work), timeout=120
    )
    assert result["added_kib"] > LIMIT_KIB, result


# ------------------------------------------------------------------------------------------
# A batch of many short pairs: a few pointers per pair, not copies of the strings
# ------------------------------------------------------------------------------------------

BATCH_PAIRS = 300_000

MAKE_PAIRS = """
def make_pairs(count):
    rng = random.Random(5)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    def one():
        return "".join(rng.choices(alphabet, k=rng.randint(1, 50)))
    return [(one(), one()) for _ in range(count)]
"""

BATCH_SCRIPT = (
    "import gc, json, random, re\n"
    + MAKE_PAIRS
    + """
def status():
    text = open("/proc/self/status").read()
    return {{k: int(re.search(k + r":\\s+(\\d+)", text).group(1)) for k in ("VmRSS", "VmHWM")}}

import pyo3_levenshtein as m
pairs = make_pairs({count})
gc.collect()
m.levenshtein_batch(pairs[:1000], num_threads=2)  # warm up the pool
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = status()
result = m.levenshtein_batch(pairs, num_threads=2)  # the result list stays alive
after = status()
print(json.dumps({{"sum": sum(result), "count": len(result),
                  "added_kib": after["VmHWM"] - before["VmRSS"]}}))
"""
)


def test_batch_of_short_pairs_adds_at_most_40_bytes_per_pair_result_included():
    # The private copy of the list (8 bytes per pair), the results in Rust (8) and the
    # result list (8), plus allocator slack; the seed's batch spent ~150 bytes per pair.
    result = run_python_json(BATCH_SCRIPT.format(count=BATCH_PAIRS), timeout=120)
    namespace = {"random": random}
    exec(MAKE_PAIRS, namespace)
    pairs = namespace["make_pairs"](BATCH_PAIRS)
    assert result["count"] == BATCH_PAIRS
    assert result["sum"] == sum(RFLevenshtein.distance(a, b) for a, b in pairs)
    per_pair = result["added_kib"] * 1024 / BATCH_PAIRS
    assert per_pair <= 40, f"peak RSS grew by {per_pair:.1f} bytes per pair"
