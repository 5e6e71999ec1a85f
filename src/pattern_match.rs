//! Pattern-match tables: for each symbol of the pattern, the bit mask of the
//! positions where it occurs (the `Peq` of Myers 1999 / Hyyrö 2003).
//!
//! Only symbols present in the pattern are stored. Code points below 256 index a
//! dense array; the rest go to a small open-addressing map, so a table never costs
//! more than a few bytes per pattern character (rapidfuzz's block table spends
//! 2 KiB per 64 pattern characters whatever the alphabet).

use crate::units::Unit;
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

/// Symbol -> small integer id for the symbols of a long pattern (id 0 = absent).
struct SymbolIds {
    low: [u32; 256],
    keys: Vec<u32>,
    ids: Vec<u32>,
    mask: usize,
}

impl SymbolIds {
    fn new(capacity: usize) -> Self {
        let slots = (capacity * 2).next_power_of_two().max(16);
        SymbolIds {
            low: [0; 256],
            keys: vec![0; slots],
            ids: vec![0; slots],
            mask: slots - 1,
        }
    }

    /// Returns the id of `sym`, giving it `next` if it is new.
    fn intern(&mut self, sym: u32, next: u32) -> u32 {
        if sym < 256 {
            let slot = &mut self.low[sym as usize];
            if *slot == 0 {
                *slot = next;
            }
            return *slot;
        }
        let mut i = hash(sym) & self.mask;
        while self.ids[i] != 0 && self.keys[i] != sym {
            i = (i + 1) & self.mask;
        }
        if self.ids[i] == 0 {
            self.keys[i] = sym;
            self.ids[i] = next;
        }
        self.ids[i]
    }

    #[inline(always)]
    fn get(&self, sym: u32) -> u32 {
        if sym < 256 {
            return self.low[sym as usize];
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
    Sparse { offsets: Vec<u32>, positions: Vec<u32> },
}

/// Symbol -> one 64-bit mask per 64-unit block of a pattern of any length.
pub(crate) struct BlockTable {
    blocks: usize,
    ids: SymbolIds,
    masks: Masks,
}

/// Above this many bytes a dense table gives way to position lists.
const DENSE_LIMIT_BYTES: usize = 1 << 20;

impl BlockTable {
    pub(crate) fn new<P: Unit>(pattern: &[P]) -> Self {
        let blocks = pattern.len().div_ceil(64);
        let mut ids = SymbolIds::new(pattern.len().min(1 << 16));
        let mut sigma = 0u32;
        let mut symbol_ids = Vec::with_capacity(pattern.len());
        for &c in pattern {
            let id = ids.intern(c.into(), sigma + 1);
            if id == sigma + 1 {
                sigma += 1;
            }
            symbol_ids.push(id);
        }
        let dense_bytes = (sigma as usize + 1) * blocks * 8;
        let masks = if dense_bytes <= DENSE_LIMIT_BYTES.max(pattern.len() * 8) {
            let mut rows = vec![0u64; (sigma as usize + 1) * blocks];
            for (pos, &id) in symbol_ids.iter().enumerate() {
                rows[id as usize * blocks + pos / 64] |= 1u64 << (pos % 64);
            }
            Masks::Dense(rows)
        } else {
            // Counting sort of positions by symbol id: id's run is
            // positions[offsets[id]..offsets[id + 1]].
            let mut offsets = vec![0u32; sigma as usize + 2];
            for &id in &symbol_ids {
                offsets[id as usize + 1] += 1;
            }
            for i in 1..offsets.len() {
                offsets[i] += offsets[i - 1];
            }
            let mut cursor = offsets.clone();
            let mut positions = vec![0u32; pattern.len()];
            for (pos, &id) in symbol_ids.iter().enumerate() {
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

    /// Bytes held by the table (for the memory tests).
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        let masks = match &self.masks {
            Masks::Dense(rows) => rows.len() * 8,
            Masks::Sparse { offsets, positions } => (offsets.len() + positions.len()) * 4,
        };
        masks + self.ids.keys.len() * 8
    }
}
