"""Deterministic benchmark workloads for ``benchmarks/compare.py``.

The definitions (seeds, lengths, alphabets and the order in which the random
generator is consumed) follow the project's external yardstick,
``../shared/bench/peers.py``, so that both scripts time byte-for-byte the same
strings and their figures can be compared.  ``fingerprint()`` gives a short hash
of a workload for checking that claim.

Workloads (all pairs are ``(a, b)`` tuples of ``str``):

* ``W1``: 2**14 pairs, each string of length U(1, 50), ASCII letters and digits.
* ``W2``: as W1 with lengths U(1, 20).
* ``W3``: 1,000 pairs of unrelated strings, lengths U(100, 500).
* ``W4sim``: 20 pairs of length 5,000; ``b`` is ``a`` after 250 random edits (~5 %).
* ``W4rand``: 20 pairs of unrelated strings of length 5,000.
* ``W6``: 2**14 pairs of 1..50 *grapheme clusters* drawn from ASCII letters and
  digits plus ``a é ß Ω Ж 中 文 字 😀 👍🏽`` (the last is two code points, one
  cluster), so code-point and grapheme distances differ on many pairs.
* ``W5``: one pair of 100,000-character ASCII alnum strings per case (see
  ``make_w5``): ``mut`` (``b`` is ``a`` after 2,000 random edits) and ``rand``
  (unrelated).  ``compare.py`` times it in a fresh process per library and case.

``make_many_pairs`` (not in peers.py) builds W1-like data in bulk for
``batch.py``'s million-pair row: fresh random strings, so no cache sees the
same pair twice.
"""

from __future__ import annotations

import hashlib
import random
import string
from dataclasses import dataclass

SEED = 20240601

ALNUM = string.ascii_letters + string.digits

# One grapheme cluster per entry.  The order matters: it must match peers.py so
# that rng.choice() picks the same units.  "a" appears here and again in ALNUM,
# as in peers.py.
UNICODE_UNITS: list[str] = [
    "a",
    "\u00e9",  # é (precomposed)
    "\u00df",  # ß
    "\u03a9",  # Ω
    "\u0416",  # Ж
    "\u4e2d",  # 中
    "\u6587",  # 文
    "\u5b57",  # 字
    "\U0001f600",  # 😀
    "\U0001f44d\U0001f3fd",  # 👍🏽 thumbs up + skin tone: 2 code points, 1 cluster
    *ALNUM,
]


@dataclass
class Workload:
    name: str
    description: str
    pairs: list[tuple[str, str]]
    # For W6: the grapheme clusters each string was built from (a ground truth
    # for the grapheme-mode check that does not depend on any segmenter).
    units: list[tuple[list[str], list[str]]] | None = None

    def __len__(self) -> int:
        return len(self.pairs)


def _random_string(rng: random.Random, length: int, alphabet: str | list[str] = ALNUM) -> str:
    return "".join([rng.choice(alphabet) for _ in range(length)])


def _apply_random_edits(rng: random.Random, s: str, count: int, alphabet: str = ALNUM) -> str:
    """Apply ``count`` random single-character edits, each a substitution (by a
    different character), an insertion or a deletion with equal probability.
    An edit drawn as a substitution or deletion on an empty string inserts."""
    chars = list(s)
    for _ in range(count):
        kind = rng.randrange(3)
        if kind == 0 and chars:
            pos = rng.randrange(len(chars))
            new = rng.choice(alphabet)
            while new == chars[pos]:
                new = rng.choice(alphabet)
            chars[pos] = new
        elif kind == 1 or not chars:
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(alphabet))
        else:
            del chars[rng.randrange(len(chars))]
    return "".join(chars)


def _short_pairs(seed: int, max_len: int, count: int = 2**14) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        # Evaluation order (length of a, chars of a, length of b, chars of b)
        # is part of the workload definition.
        a = _random_string(rng, rng.randint(1, max_len))
        b = _random_string(rng, rng.randint(1, max_len))
        pairs.append((a, b))
    return pairs


def make_workload(name: str) -> Workload:
    if name == "W1":
        return Workload(
            name, "2**14 pairs, lengths U(1,50), ASCII letters+digits", _short_pairs(SEED + 1, 50)
        )
    if name == "W2":
        return Workload(
            name, "2**14 pairs, lengths U(1,20), ASCII letters+digits", _short_pairs(SEED + 2, 20)
        )
    if name == "W3":
        rng = random.Random(SEED + 3)
        pairs = []
        for _ in range(1000):
            a = _random_string(rng, rng.randint(100, 500))
            b = _random_string(rng, rng.randint(100, 500))
            pairs.append((a, b))
        return Workload(name, "1,000 unrelated pairs, lengths U(100,500), ASCII alnum", pairs)
    if name == "W4sim":
        rng = random.Random(SEED + 41)
        pairs = []
        for _ in range(20):
            a = _random_string(rng, 5000)
            pairs.append((a, _apply_random_edits(rng, a, 250)))
        return Workload(name, "20 pairs, length 5,000, b = a + 250 random edits (~5%)", pairs)
    if name == "W4rand":
        rng = random.Random(SEED + 42)
        pairs = [(_random_string(rng, 5000), _random_string(rng, 5000)) for _ in range(20)]
        return Workload(name, "20 unrelated pairs, length 5,000, ASCII alnum", pairs)
    if name == "W6":
        rng = random.Random(SEED + 6)
        units = []
        for _ in range(2**14):
            ua = [rng.choice(UNICODE_UNITS) for _ in range(rng.randint(1, 50))]
            ub = [rng.choice(UNICODE_UNITS) for _ in range(rng.randint(1, 50))]
            units.append((ua, ub))
        pairs = [("".join(ua), "".join(ub)) for ua, ub in units]
        return Workload(
            name,
            "2**14 pairs, 1..50 grapheme clusters from ASCII alnum + 'aéßΩЖ中文字😀👍🏽'",
            pairs,
            units=units,
        )
    raise ValueError(f"unknown workload {name!r}; known: {', '.join(WORKLOADS)}")


WORKLOADS = ("W1", "W2", "W3", "W4sim", "W4rand", "W6")

W5_CASES = ("mut", "rand")
W5_LENGTH = 100_000
W5_EDITS = 2000
W5_DESCRIPTION = (
    "one pair of 100,000-char strings, ASCII alnum; mut: b = a + 2,000 random edits, "
    "rand: unrelated"
)


def make_w5(case: str) -> tuple[str, str]:
    """The W5 pair for ``case`` ("mut" or "rand"), as peers.py's ``gen_w5``:
    the same seed for both cases, ``a`` drawn first, then either the edits of
    ``a`` or a second, unrelated string."""
    if case not in W5_CASES:
        raise ValueError(f"unknown W5 case {case!r}; known: {', '.join(W5_CASES)}")
    rng = random.Random(SEED + 5)
    a = _random_string(rng, W5_LENGTH)
    if case == "mut":
        return a, _apply_random_edits(rng, a, W5_EDITS)
    return a, _random_string(rng, W5_LENGTH)


MANY_PAIRS_SEED = SEED + 1_000_000
# Bytes below 248 = 4 * 62 map onto ALNUM uniformly (b % 62); the rest are dropped.
_ALNUM_BYTES = bytes(ord(ALNUM[i % len(ALNUM)]) for i in range(256))
_DROP_BYTES = bytes(range(4 * len(ALNUM), 256))


def make_many_pairs(count: int, seed: int = MANY_PAIRS_SEED) -> list[tuple[str, str]]:
    """``count`` W1-like pairs (lengths U(1, 50), ASCII letters and digits),
    deterministic for a given seed.

    Not drawn character by character as W1 is (50 million ``rng.choice`` calls
    would take half a minute): random bytes are mapped onto the alphabet in one
    ``bytes.translate`` and the text is cut into strings of random lengths.
    """
    rng = random.Random(seed)
    lengths = rng.choices(range(1, 51), k=2 * count)
    total = sum(lengths)
    chunks: list[bytes] = []
    have = 0
    while have < total:
        # 248/256 of the bytes survive; ask for a little more than is missing.
        raw = rng.randbytes((total - have) * 33 // 32 + 64)
        chunk = raw.translate(_ALNUM_BYTES, _DROP_BYTES)
        chunks.append(chunk)
        have += len(chunk)
    text = b"".join(chunks)[:total].decode("ascii")
    pairs = []
    pos = 0
    for i in range(0, 2 * count, 2):
        mid = pos + lengths[i]
        end = mid + lengths[i + 1]
        pairs.append((text[pos:mid], text[mid:end]))
        pos = end
    return pairs


def fingerprint(pairs: list[tuple[str, str]]) -> str:
    """Short, order-sensitive hash of a list of pairs (to confirm two scripts
    generated the same data)."""
    h = hashlib.sha256()
    for a, b in pairs:
        h.update(a.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
        h.update(b.encode("utf-8", "surrogatepass"))
        h.update(b"\x01")
    return h.hexdigest()[:12]
