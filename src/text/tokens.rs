//! Tokens interned to dense `u32` ids, so that sequences of arbitrary elements
//! (words, Python objects) reach the kernels as [`Units::U32`](crate::text::units::Units)
//! and every kernel, lane and band applies unchanged.
//!
//! The table knows only each token's 64-bit hash; whether two tokens of equal
//! hash are the same token is asked of the caller, who keeps one representative
//! per id. This is the lookup rule of a Python dict (equal hash, then equality),
//! with the equality left to the caller: content for plain words, `==` for
//! Python objects. Ids are handed out from 0 in order of first appearance, so
//! short sequences get ids below 256, which the kernels' pattern tables index
//! directly.

/// More distinct tokens than ids: the caller reports it (ids never wrap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooManyTokens;

/// Hash -> id, with linear probing in a table kept at most half full.
pub(crate) struct Interner {
    /// `id + 1` of the token in each slot, 0 for an empty slot; a power of two long.
    slots: Vec<u32>,
    /// The hash of each id's token (for probing and for growing).
    hashes: Vec<u64>,
    /// `64 - log2(slots.len())`: a hash's slot is its top bits after mixing.
    shift: u32,
    /// Ids handed out stay below this.
    limit: usize,
}

impl Default for Interner {
    fn default() -> Self {
        Self::new()
    }
}

impl Interner {
    /// An empty interner handing out ids `0..u32::MAX` (2**32 - 1 of them).
    pub(crate) fn new() -> Self {
        Self::with_limit(u32::MAX as usize)
    }

    /// An empty interner handing out at most `limit` ids (`limit <= u32::MAX`).
    pub(crate) fn with_limit(limit: usize) -> Self {
        let mut interner = Interner {
            slots: Vec::new(),
            hashes: Vec::new(),
            shift: 0,
            limit: limit.min(u32::MAX as usize),
        };
        interner.reset(0);
        interner
    }

    /// Forgets every token and makes room for about `expected` of them (more
    /// still fit: the table grows). Costs O(expected), so a caller interning many
    /// small groups (the pairs of a batch) pays per group, not per largest group.
    pub(crate) fn reset(&mut self, expected: usize) {
        let size = expected
            .min(self.limit)
            .saturating_mul(2)
            .next_power_of_two()
            .max(16);
        self.slots.clear();
        self.slots.resize(size, 0);
        self.hashes.clear();
        self.hashes.reserve(expected.min(self.limit));
        self.shift = 64 - size.trailing_zeros();
    }

    /// The number of distinct tokens seen since the last reset.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.hashes.len()
    }

    #[inline(always)]
    fn slot(&self, hash: u64) -> usize {
        // Fibonacci hashing: the top bits of the product depend on every bit of the hash.
        (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// The id of the token of `hash`: that of an earlier token of equal hash for
    /// which `same(id)` says yes, else a new one; and whether it is new (the
    /// caller then records the token as the new id's representative).
    ///
    /// `same` is asked only about earlier ids of exactly this hash.
    ///
    /// # Errors
    /// `same`'s error, or [`TooManyTokens`] (converted) when a new id would reach the limit.
    #[inline(always)]
    pub(crate) fn intern<E: From<TooManyTokens>>(
        &mut self,
        hash: u64,
        mut same: impl FnMut(u32) -> Result<bool, E>,
    ) -> Result<(u32, bool), E> {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(hash);
        loop {
            // SAFETY: `i <= mask < slots.len()` (`slot` keeps the top
            // log2(len) bits), and a nonzero slot holds `id + 1` for an
            // `id < hashes.len()`. This loop runs once per token of every
            // sequence compared: bounds checks were a tenth of its instructions.
            let s = unsafe { *self.slots.get_unchecked(i) };
            if s == 0 {
                break;
            }
            // SAFETY: as above.
            if unsafe { *self.hashes.get_unchecked((s - 1) as usize) } == hash && same(s - 1)? {
                return Ok((s - 1, false));
            }
            i = (i + 1) & mask;
        }
        self.insert(i, hash)
    }

    /// Gives the next id to the token of `hash`, in the empty slot `i`.
    #[inline]
    fn insert<E: From<TooManyTokens>>(&mut self, i: usize, hash: u64) -> Result<(u32, bool), E> {
        let id = self.hashes.len();
        if id >= self.limit {
            return Err(TooManyTokens.into());
        }
        // id < limit <= u32::MAX, so id + 1 fits.
        // SAFETY: `i` is the empty slot `intern` stopped at, below `slots.len()`.
        unsafe { *self.slots.get_unchecked_mut(i) = id as u32 + 1 };
        self.hashes.push(hash);
        if 2 * self.hashes.len() > self.slots.len() {
            self.grow();
        }
        Ok((id as u32, true))
    }

    /// Doubles the table and puts every id back (by its stored hash: no token is
    /// compared again).
    #[cold]
    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        self.slots.clear();
        self.slots.resize(size, 0);
        self.shift -= 1;
        let mask = size - 1;
        for (id, &hash) in self.hashes.iter().enumerate() {
            let mut i = self.slot(hash);
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = id as u32 + 1;
        }
    }
}

/// A 64-bit hash of a byte string, for tokens compared by content: FxHash's
/// multiply-rotate over 8-byte words, the last word (or, below 8 bytes, the two
/// halves or the first, middle and last bytes) read overlapping rather than
/// copied out, which cost a store-forwarding stall per short word. Every byte
/// and the length count. Not keyed, nor finished: the tables live for one call,
/// and [`Interner`] takes the top bits of a further product.
#[inline]
#[must_use]
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517C_C1B7_2722_0A95;
    let step = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let n = bytes.len();
    let h = (n as u64).wrapping_mul(K);
    if n >= 8 {
        let mut h = h;
        let mut i = 0;
        while i + 8 < n {
            h = step(h, word(bytes, i));
            i += 8;
        }
        step(h, word(bytes, n - 8))
    } else if n >= 4 {
        step(
            h,
            u64::from(half(bytes, 0)) | (u64::from(half(bytes, n - 4)) << 32),
        )
    } else if n > 0 {
        let (a, b, c) = (bytes[0], bytes[n / 2], bytes[n - 1]);
        step(h, u64::from(a) | (u64::from(b) << 8) | (u64::from(c) << 16))
    } else {
        h
    }
}

#[inline(always)]
fn word(bytes: &[u8], i: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&bytes[i..i + 8]);
    u64::from_le_bytes(w)
}

#[inline(always)]
fn half(bytes: &[u8], i: usize) -> u32 {
    let mut w = [0; 4];
    w.copy_from_slice(&bytes[i..i + 4]);
    u32::from_le_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, RandomState};

    fn hash_str(state: &RandomState, s: &str) -> u64 {
        state.hash_one(s)
    }

    fn intern_all(interner: &mut Interner, words: &[&str]) -> Vec<u32> {
        let state = RandomState::new();
        let mut reps: Vec<String> = Vec::new();
        words
            .iter()
            .map(|w| {
                let (id, new) = interner
                    .intern(hash_str(&state, w), |id| {
                        Ok::<_, TooManyTokens>(reps[id as usize] == *w)
                    })
                    .expect("room");
                if new {
                    reps.push((*w).to_owned());
                }
                id
            })
            .collect()
    }

    #[test]
    fn equal_tokens_get_equal_ids_in_order_of_first_appearance() {
        let mut interner = Interner::new();
        let ids = intern_all(&mut interner, &["the", "cat", "the", "hat", "cat", ""]);
        assert_eq!(ids, [0, 1, 0, 2, 1, 3]);
        assert_eq!(interner.len(), 4);
    }

    #[test]
    fn equal_hashes_are_told_apart_by_the_callers_equality() {
        let mut interner = Interner::new();
        let mut seen = Vec::new();
        // Every token has hash 7; the caller says which are the same.
        for token in [1, 2, 1, 3, 2] {
            let (id, new) = interner
                .intern(7, |id| Ok::<_, TooManyTokens>(seen[id as usize] == token))
                .expect("room");
            if new {
                seen.push(token);
            }
            assert_eq!(seen[id as usize], token);
        }
        assert_eq!(seen, [1, 2, 3]);
    }

    #[test]
    fn the_table_grows_and_keeps_every_id() {
        let mut interner = Interner::new();
        let words: Vec<String> = (0..10_000).map(|i| format!("w{}", i % 3_000)).collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let ids = intern_all(&mut interner, &refs);
        assert_eq!(interner.len(), 3_000);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(*id as usize, i % 3_000);
        }
    }

    #[test]
    fn reset_forgets_and_ids_restart_from_zero() {
        let mut interner = Interner::new();
        assert_eq!(intern_all(&mut interner, &["a", "b"]), [0, 1]);
        interner.reset(2);
        assert_eq!(intern_all(&mut interner, &["b", "a", "b"]), [0, 1, 0]);
    }

    #[test]
    fn more_distinct_tokens_than_ids_is_an_error_not_a_wrap() {
        let mut interner = Interner::with_limit(3);
        for token in 0..3u64 {
            assert!(
                interner
                    .intern(token, |_| Ok::<_, TooManyTokens>(false))
                    .is_ok()
            );
        }
        assert_eq!(
            interner.intern(99, |_| Ok::<_, TooManyTokens>(false)),
            Err(TooManyTokens)
        );
        // A token seen before still has its id.
        assert_eq!(
            interner.intern(1, |id| Ok::<_, TooManyTokens>(id == 1)),
            Ok((1, false))
        );
    }

    #[test]
    fn the_callers_error_stops_the_lookup() {
        #[derive(Debug, PartialEq)]
        enum E {
            Caller,
            Full,
        }
        impl From<TooManyTokens> for E {
            fn from(_: TooManyTokens) -> Self {
                E::Full
            }
        }
        let mut interner = Interner::new();
        assert_eq!(interner.intern(5, |_| Ok::<_, E>(false)), Ok((0, true)));
        assert_eq!(interner.intern(5, |_| Err(E::Caller)), Err(E::Caller));
        assert_eq!(interner.len(), 1);
    }

    #[test]
    fn byte_hashes_depend_on_length_and_every_byte() {
        let words: [&[u8]; 16] = [
            b"",
            b"\0",
            b"\0\0",
            b"ab",
            b"ba",
            b"abc",
            b"acb",
            b"abcd",
            b"abce",
            b"abcdefg",
            b"abcdefh",
            b"abcdefgh",
            b"abcdefgi",
            b"abcdefghi",
            b"abcdefghijklmnop",
            b"abcdefghijklmnoq",
        ];
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                assert_ne!(hash_bytes(a), hash_bytes(b), "{a:?} {b:?}");
            }
        }
        assert_eq!(
            hash_bytes(b"same words"),
            hash_bytes(&b"the same words"[4..])
        );
    }
}
