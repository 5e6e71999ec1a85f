//! Pattern-match tables: for each symbol of the pattern, the bit mask of the
//! positions where it occurs (the `Peq` of Myers 1999 / Hyyrö 2003).
//!
//! Only symbols present in the pattern are stored. Code points below 256 index a
//! dense array; the rest go to a small open-addressing map, so a table never costs
//! more than a few bytes per pattern character (rapidfuzz's block table spends
//! 2 KiB per 64 pattern characters whatever the alphabet).

use crate::text::units::Unit;
use std::cell::RefCell;

/// Slots in the map of one-word tables: a pattern of at most 64 symbols keeps
/// it at most half full, so linear probing stays short and always terminates.
const WORD_MAP_SLOTS: usize = 128;

#[inline]
fn hash(sym: u32) -> usize {
    // Fibonacci hashing: code points of one script are dense, multiplication spreads them.
    (sym.wrapping_mul(0x9E37_79B1) >> 16) as usize
}

/// Symbol -> 64-bit mask for patterns of at most 64 units.
pub(crate) struct WordTable {
    low: [u64; 256],
    keys: [u32; WORD_MAP_SLOTS],
    vals: [u64; WORD_MAP_SLOTS],
    map_used: bool,
}

thread_local! {
    // One table per thread, kept zeroed between uses: clearing only the entries a
    // pattern set is much cheaper for short strings than zeroing 2 KiB per call.
    static WORD_TABLE: RefCell<WordTable> = const { RefCell::new(WordTable::new()) };
}

impl WordTable {
    const fn new() -> Self {
        WordTable {
            low: [0; 256],
            keys: [0; WORD_MAP_SLOTS],
            vals: [0; WORD_MAP_SLOTS],
            map_used: false,
        }
    }

    /// Runs `f` with the table filled for `pattern` (length 1..=64), then clears it.
    pub(crate) fn with<P: Unit, R>(pattern: &[P], f: impl FnOnce(&WordTable) -> R) -> R {
        debug_assert!(!pattern.is_empty() && pattern.len() <= 64);
        WORD_TABLE.with(|cell| match cell.try_borrow_mut() {
            Ok(mut table) => {
                table.fill(pattern);
                let r = f(&table);
                table.clear(pattern);
                r
            }
            // Re-entrant use on one thread cannot happen today; stay correct if it ever does.
            Err(_) => {
                let mut table = Box::new(WordTable::new());
                table.fill(pattern);
                f(&table)
            }
        })
    }

    fn fill<P: Unit>(&mut self, pattern: &[P]) {
        let mut bit = 1u64;
        for &c in pattern {
            let c: u32 = c.into();
            if c < 256 {
                self.low[c as usize] |= bit;
            } else {
                self.map_used = true;
                let mut i = hash(c) & (WORD_MAP_SLOTS - 1);
                while self.vals[i] != 0 && self.keys[i] != c {
                    i = (i + 1) & (WORD_MAP_SLOTS - 1);
                }
                self.keys[i] = c;
                self.vals[i] |= bit;
            }
            bit <<= 1;
        }
    }

    fn clear<P: Unit>(&mut self, pattern: &[P]) {
        for &c in pattern {
            let c: u32 = c.into();
            if c < 256 {
                self.low[c as usize] = 0;
            }
        }
        if self.map_used {
            self.vals = [0; WORD_MAP_SLOTS];
            self.map_used = false;
        }
    }

    /// The mask of the pattern positions holding `sym`.
    #[inline(always)]
    pub(crate) fn get(&self, sym: u32) -> u64 {
        if sym < 256 {
            return self.low[sym as usize];
        }
        if !self.map_used {
            return 0;
        }
        let mut i = hash(sym) & (WORD_MAP_SLOTS - 1);
        loop {
            let v = self.vals[i];
            if v == 0 || self.keys[i] == sym {
                return v;
            }
            i = (i + 1) & (WORD_MAP_SLOTS - 1);
        }
    }
}

/// Longest pattern [`with_latin1_rows`] takes: eight blocks.
pub(crate) const LATIN1_ROWS_MAX: usize = 512;

thread_local! {
    // Rows of the Latin-1 table below, kept zeroed between uses (257 rows of
    // up to 8 blocks and the padding: 16.5 KiB per thread).
    static LATIN1_ROWS: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f(rows)` where `rows[c · blocks + b]` is the mask of byte `c` in block
/// b of `pattern` (1..=[`LATIN1_ROWS_MAX`] units, `blocks` = ⌈m/64⌉), row 256
/// is empty, and [`ROW_PADDING`] zeros follow: the layout of
/// [`BlockTable::dense_rows`] with the byte as its own id. The rows come from a
/// per-thread buffer, kept zeroed between uses: a [`BlockTable`] costs a few
/// hundred nanoseconds more to build and zero, as much as the wavefront kernel
/// spends on a pair of 300 units.
///
/// Setting and clearing cost per pattern unit what a column of the kernels
/// costs per block, which is a third of the time where the texts are as long
/// as the patterns (W3). So the fill sets the bits with no bounds check, and
/// the clear zeroes the rows from the smallest byte to the largest with wide
/// stores, a few per row (the 62 letters and digits span 75 rows), instead of
/// one store per unit. The zeroing is done after the kernel, so the next
/// fill's narrow loads never wait on these wide stores (a store cannot
/// forward to a narrower load, and zeroing right before the fill made each
/// load wait).
pub(crate) fn with_latin1_rows<R>(pattern: &[u8], f: impl FnOnce(&[u64]) -> R) -> R {
    assert!(!pattern.is_empty() && pattern.len() <= LATIN1_ROWS_MAX);
    let blocks = pattern.len().div_ceil(64);
    let fill = |rows: &mut [u64]| {
        assert!(rows.len() >= 256 * blocks);
        for (b, block) in pattern.chunks(64).enumerate() {
            // The bit moves up by an addition: a shift by a variable count is
            // two or three micro-operations on Intel cores, and the fill is a
            // fifth of a W3 pair's time.
            let mut bit = 1u64;
            for &c in block {
                // SAFETY: c · blocks + b < 256 · blocks <= rows.len() (asserted above).
                unsafe { *rows.get_unchecked_mut(usize::from(c) * blocks + b) |= bit };
                bit = bit.wrapping_add(bit);
            }
        }
    };
    LATIN1_ROWS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut rows) => {
            let len = 257 * LATIN1_ROWS_MAX.div_ceil(64) + ROW_PADDING;
            if rows.len() < len {
                rows.resize(len, 0);
            }
            fill(&mut rows);
            let r = f(&rows[..257 * blocks + ROW_PADDING]);
            let (low, high) = byte_range(pattern);
            rows[usize::from(low) * blocks..(usize::from(high) + 1) * blocks].fill(0);
            r
        }
        // Re-entrant use on one thread cannot happen today; stay correct if it ever does.
        Err(_) => {
            let mut rows = vec![0; 257 * blocks + ROW_PADDING];
            fill(&mut rows);
            f(&rows)
        }
    })
}

/// The smallest and the largest byte of `bytes` (`(255, 0)` if empty), 16
/// at a time with SSE2 on x86-64: `Iterator::min` and `max` stay scalar there,
/// and for a 182-byte pattern took as long as all the stores they save.
fn byte_range(bytes: &[u8]) -> (u8, u8) {
    #[cfg(target_arch = "x86_64")]
    let (low, high, rest) = {
        use std::arch::x86_64::{
            _mm_loadu_si128, _mm_max_epu8, _mm_min_epu8, _mm_set1_epi8, _mm_setzero_si128,
            _mm_storeu_si128,
        };
        let chunks = bytes.chunks_exact(16);
        let rest = chunks.remainder();
        // SAFETY: SSE2 is part of the x86-64 baseline; each load reads one
        // 16-byte chunk and each store writes a 16-byte array.
        unsafe {
            let (mut low, mut high) = (_mm_set1_epi8(-1), _mm_setzero_si128());
            for chunk in chunks {
                let v = _mm_loadu_si128(chunk.as_ptr().cast());
                low = _mm_min_epu8(low, v);
                high = _mm_max_epu8(high, v);
            }
            let (mut lows, mut highs) = ([0u8; 16], [0u8; 16]);
            _mm_storeu_si128(lows.as_mut_ptr().cast(), low);
            _mm_storeu_si128(highs.as_mut_ptr().cast(), high);
            (lows.into_iter().min(), highs.into_iter().max(), rest)
        }
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (low, high, rest) = (Some(u8::MAX), Some(0), bytes);
    let low = rest.iter().copied().chain(low).min().unwrap_or(u8::MAX);
    let high = rest.iter().copied().chain(high).max().unwrap_or(0);
    (low, high)
}

/// Symbol -> small integer id for the symbols of a long pattern (id 0 = absent).
/// Symbols below 256 use an array; the others an open-addressing map that doubles
/// when half full, so it stays proportional to the number of distinct symbols.
struct SymbolIds {
    low: [u32; 256],
    keys: Vec<u32>,
    ids: Vec<u32>,
    mask: usize,
    len: usize,
}

impl SymbolIds {
    fn new() -> Self {
        // The map starts empty (no allocation) and only Latin-1 patterns never grow it.
        SymbolIds {
            low: [0; 256],
            keys: Vec::new(),
            ids: Vec::new(),
            mask: 0,
            len: 0,
        }
    }

    fn slot(&self, sym: u32) -> usize {
        let mut i = hash(sym) & self.mask;
        while self.ids[i] != 0 && self.keys[i] != sym {
            i = (i + 1) & self.mask;
        }
        i
    }

    fn grow(&mut self) {
        let slots = (self.keys.len() * 2).max(16);
        let old_keys = std::mem::replace(&mut self.keys, vec![0; slots]);
        let old_ids = std::mem::replace(&mut self.ids, vec![0; slots]);
        self.mask = slots - 1;
        for (k, id) in old_keys.into_iter().zip(old_ids).filter(|&(_, id)| id != 0) {
            let i = self.slot(k);
            self.keys[i] = k;
            self.ids[i] = id;
        }
    }

    /// Returns the id of `sym`, giving it `next` if it is new.
    #[inline]
    fn intern(&mut self, sym: u32, next: u32) -> u32 {
        if sym < 256 {
            let slot = &mut self.low[sym as usize];
            if *slot == 0 {
                *slot = next;
            }
            return *slot;
        }
        if self.keys.is_empty() {
            self.grow();
        }
        let mut i = self.slot(sym);
        if self.ids[i] == 0 {
            if 2 * (self.len + 1) > self.keys.len() {
                self.grow();
                i = self.slot(sym);
            }
            self.keys[i] = sym;
            self.ids[i] = next;
            self.len += 1;
        }
        self.ids[i]
    }

    #[inline(always)]
    fn get(&self, sym: u32) -> u32 {
        if sym < 256 {
            return self.low[sym as usize];
        }
        if self.keys.is_empty() {
            return 0;
        }
        let mut i = hash(sym) & self.mask;
        loop {
            let id = self.ids[i];
            if id == 0 || self.keys[i] == sym {
                return id;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// How a [`BlockTable`] stores its masks.
enum Masks {
    /// `rows[id * blocks + b]`: the mask of symbol `id` in block `b` (row 0 all zero).
    Dense(Vec<u64>),
    /// For large alphabets: the pattern positions of each symbol, grouped by id
    /// (`positions[offsets[id]..offsets[id + 1]]`), turned into masks per column.
    Sparse {
        offsets: Vec<u32>,
        positions: Vec<u32>,
    },
}

/// Symbol -> one 64-bit mask per 64-unit block of a pattern of any length.
pub(crate) struct BlockTable {
    blocks: usize,
    ids: SymbolIds,
    masks: Masks,
}

/// Zero words after the last row of a dense table: the wavefront kernel loads a
/// whole strip of up to this many blocks at once, past the last block too.
pub(crate) const ROW_PADDING: usize = 16;

/// Above this many bytes a dense table gives way to position lists.
const DENSE_LIMIT_BYTES: usize = 1 << 20;

impl BlockTable {
    pub(crate) fn new<P: Unit>(pattern: &[P]) -> Self {
        Self::with_dense_limit(pattern, DENSE_LIMIT_BYTES.max(pattern.len() * 8))
    }

    /// The table of `pattern` read backwards (for the reverse pass of a
    /// Hirschberg split), without a reversed copy of the pattern.
    pub(crate) fn reversed<P: Unit>(pattern: &[P]) -> Self {
        let units = pattern.iter().rev().map(|&c| c.into());
        Self::build(units, None, DENSE_LIMIT_BYTES.max(pattern.len() * 8))
    }

    /// Like [`BlockTable::new`], choosing position lists above `dense_limit` bytes.
    pub(crate) fn with_dense_limit<P: Unit>(pattern: &[P], dense_limit: usize) -> Self {
        let units = pattern.iter().map(|&c| c.into());
        Self::build(units, P::as_bytes(pattern), dense_limit)
    }

    /// The table of the pattern `units`, which are `latin1` when the pattern is
    /// a byte slice (interned without the per-unit width test).
    fn build(
        units: impl ExactSizeIterator<Item = u32> + Clone,
        latin1: Option<&[u8]>,
        dense_limit: usize,
    ) -> Self {
        let len = units.len();
        let blocks = len.div_ceil(64);
        let mut ids = SymbolIds::new();
        let mut sigma = 0u32;
        if let Some(bytes) = latin1 {
            // Latin-1: the dense array alone, without the per-unit width test.
            for &c in bytes {
                let slot = &mut ids.low[usize::from(c)];
                if *slot == 0 {
                    sigma += 1;
                    *slot = sigma;
                }
            }
        } else {
            for c in units.clone() {
                if ids.intern(c, sigma + 1) == sigma + 1 {
                    sigma += 1;
                }
            }
        }
        let symbol_ids = units.map(|c| ids.get(c));
        let dense_bytes = (sigma as usize + 1) * blocks * 8;
        let masks = if dense_bytes <= dense_limit {
            let mut rows = vec![0u64; (sigma as usize + 1) * blocks + ROW_PADDING];
            for (pos, id) in symbol_ids.enumerate() {
                rows[id as usize * blocks + pos / 64] |= 1u64 << (pos % 64);
            }
            Masks::Dense(rows)
        } else {
            // Counting sort of positions by symbol id: id's run is
            // positions[offsets[id]..offsets[id + 1]].
            let mut offsets = vec![0u32; sigma as usize + 2];
            for id in symbol_ids.clone() {
                offsets[id as usize + 1] += 1;
            }
            for i in 1..offsets.len() {
                offsets[i] += offsets[i - 1];
            }
            let mut cursor = offsets.clone();
            let mut positions = vec![0u32; len];
            for (pos, id) in symbol_ids.enumerate() {
                positions[cursor[id as usize] as usize] = pos as u32;
                cursor[id as usize] += 1;
            }
            Masks::Sparse { offsets, positions }
        };
        BlockTable { blocks, ids, masks }
    }

    /// Number of 64-unit blocks.
    pub(crate) fn blocks(&self) -> usize {
        self.blocks
    }

    /// `out[i] = id(text[i]) · scale`, where a symbol's masks are
    /// `dense_rows()[id · blocks..(id + 1) · blocks]` (id 0 for symbols the
    /// pattern does not hold).
    pub(crate) fn row_offsets<T: Unit>(&self, text: &[T], scale: u32, out: &mut [u32]) {
        debug_assert_eq!(text.len(), out.len());
        if let Some(bytes) = T::as_bytes(text) {
            for (o, &c) in out.iter_mut().zip(bytes) {
                *o = self.ids.low[usize::from(c)] * scale;
            }
        } else {
            for (o, &c) in out.iter_mut().zip(text) {
                *o = self.ids.get(c.into()) * scale;
            }
        }
    }

    /// Every symbol's masks, `blocks` words per id (id 0 all zero) and then
    /// [`ROW_PADDING`] zeros, unless the table keeps position lists.
    pub(crate) fn dense_rows(&self) -> Option<&[u64]> {
        match &self.masks {
            Masks::Dense(rows) => Some(rows),
            Masks::Sparse { .. } => None,
        }
    }

    /// The masks of `sym` for every block; `scratch` (`blocks` long) may be used to build them.
    #[inline(always)]
    pub(crate) fn row<'s>(&'s self, sym: u32, scratch: &'s mut [u64]) -> &'s [u64] {
        let id = self.ids.get(sym) as usize;
        match &self.masks {
            Masks::Dense(rows) => &rows[id * self.blocks..(id + 1) * self.blocks],
            Masks::Sparse { offsets, positions } => {
                scratch.fill(0);
                for &p in &positions[offsets[id] as usize..offsets[id + 1] as usize] {
                    scratch[p as usize / 64] |= 1u64 << (p % 64);
                }
                scratch
            }
        }
    }

    /// Bytes held by the table.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        let masks = match &self.masks {
            Masks::Dense(rows) => rows.len() * 8,
            Masks::Sparse { offsets, positions } => (offsets.len() + positions.len()) * 4,
        };
        masks + self.ids.keys.len() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_small_alphabet_pattern_costs_under_8_bytes_per_unit() {
        let pattern: Vec<u8> = (0..100_000u32)
            .map(|i| {
                b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    [(i * 7919 % 62) as usize]
            })
            .collect();
        let table = BlockTable::new(&pattern);
        assert!(
            table.heap_bytes() < 8 * pattern.len(),
            "{} bytes",
            table.heap_bytes()
        );
    }

    #[test]
    fn large_alphabet_pattern_switches_to_position_lists() {
        let pattern: Vec<u32> = (0..100_000u32).map(|i| 0x4E00 + i % 20_000).collect();
        let table = BlockTable::new(&pattern);
        assert!(matches!(table.masks, Masks::Sparse { .. }));
        assert!(
            table.heap_bytes() < 16 * pattern.len(),
            "{} bytes",
            table.heap_bytes()
        );
    }

    #[test]
    fn dense_and_sparse_rows_agree() {
        let pattern: Vec<u16> = (0..1_000u16).map(|i| (i * 31) % 97 + 250).collect();
        let dense = BlockTable::with_dense_limit(&pattern, usize::MAX);
        let sparse = BlockTable::with_dense_limit(&pattern, 0);
        assert!(matches!(sparse.masks, Masks::Sparse { .. }));
        let mut s1 = vec![0; dense.blocks()];
        let mut s2 = vec![0; dense.blocks()];
        for sym in 0..400u32 {
            assert_eq!(
                dense.row(sym, &mut s1),
                sparse.row(sym, &mut s2),
                "symbol {sym}"
            );
        }
    }
}

#[cfg(test)]
mod latin1_rows_tests {
    use super::*;

    #[test]
    fn latin1_rows_equal_a_block_tables_and_are_cleared_after() {
        for m in [1usize, 63, 64, 65, 300, 512] {
            let pattern: Vec<u8> = (0..m).map(|i| (i * 37 % 251) as u8).collect();
            let table = BlockTable::new(&pattern);
            let mut scratch = vec![0; table.blocks()];
            with_latin1_rows(&pattern, |rows| {
                let blocks = m.div_ceil(64);
                assert_eq!(rows.len(), 257 * blocks + ROW_PADDING);
                for c in 0..=255u8 {
                    assert_eq!(
                        &rows[usize::from(c) * blocks..][..blocks],
                        table.row(c.into(), &mut scratch)
                    );
                }
                assert!(rows[256 * blocks..].iter().all(|&w| w == 0));
            });
        }
        LATIN1_ROWS.with(|cell| assert!(cell.borrow().iter().all(|&w| w == 0)));
    }

    proptest::proptest! {
        /// The clear zeroes the rows between the smallest and the largest
        /// byte, so both must be exact: one row too few leaves bits set for
        /// the next pattern, which this catches on the same thread.
        #[test]
        fn byte_ranges_are_exact_and_every_pattern_leaves_the_rows_clear(
            patterns in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::prop_oneof![0u8..3, 253u8..=255, proptest::num::u8::ANY],
                    1..=LATIN1_ROWS_MAX,
                ),
                1..4,
            ),
        ) {
            for pattern in &patterns {
                let want = (*pattern.iter().min().unwrap(), *pattern.iter().max().unwrap());
                proptest::prop_assert_eq!(byte_range(pattern), want);
                let ones = with_latin1_rows(pattern, |rows| {
                    rows.iter().map(|w| w.count_ones() as usize).sum::<usize>()
                });
                proptest::prop_assert_eq!(ones, pattern.len());
            }
            proptest::prop_assert_eq!(byte_range(&[]), (u8::MAX, 0));
            LATIN1_ROWS.with(|cell| assert!(cell.borrow().iter().all(|&w| w == 0)));
        }
    }
}
