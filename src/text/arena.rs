//! Owned copies of many strings in three flat buffers, for structures that
//! outlive the call that gave them their strings (a reusable index).

use crate::text::strings::Strings;
use crate::text::units::Units;

/// Where string `i` lives: which buffer, and its range there.
#[derive(Clone, Copy)]
struct Item {
    start: usize,
    len: u32,
    /// 1, 2 or 4: the width of its units (the buffer it is in).
    width: u8,
}

/// Strings copied out of any [`Strings`], each in the narrowest width that
/// holds its units (Latin-1 as bytes, the BMP as `u16`, the rest as `u32`):
/// units are compared as code points, so a lone surrogate stays one, and the
/// copies of a word list pack into a few cache-friendly buffers.
#[derive(Default)]
pub(crate) struct Arena {
    bytes: Vec<u8>,
    wide: Vec<u16>,
    full: Vec<u32>,
    items: Vec<Item>,
}

impl Arena {
    /// A copy of every string of `source`.
    pub(crate) fn copy<S: Strings + ?Sized>(source: &S) -> Self {
        let mut arena = Arena::default();
        arena.items.reserve(source.count());
        for i in 0..source.count() {
            arena.push(source.get(i));
        }
        arena
    }

    /// Appends `s`.
    ///
    /// # Panics
    /// If `s` has `u32::MAX` units or more (a 16 GiB string).
    pub(crate) fn push(&mut self, s: Units<'_>) {
        let len = u32::try_from(s.len()).expect("a string of fewer than 2^32 units");
        let max = match s {
            Units::U8(_) => 0,
            Units::U16(t) => t.iter().map(|&c| u32::from(c)).max().unwrap_or(0),
            Units::U32(t) => t.iter().copied().max().unwrap_or(0),
        };
        let item = match s {
            Units::U16(t) if max < 0x100 => {
                self.bytes.extend(t.iter().map(|&c| c as u8));
                Item {
                    start: self.bytes.len() - t.len(),
                    len,
                    width: 1,
                }
            }
            Units::U32(t) if max < 0x100 => {
                self.bytes.extend(t.iter().map(|&c| c as u8));
                Item {
                    start: self.bytes.len() - t.len(),
                    len,
                    width: 1,
                }
            }
            Units::U32(t) if max < 0x1_0000 => {
                self.wide.extend(t.iter().map(|&c| c as u16));
                Item {
                    start: self.wide.len() - t.len(),
                    len,
                    width: 2,
                }
            }
            Units::U8(s) => {
                self.bytes.extend_from_slice(s);
                Item {
                    start: self.bytes.len() - s.len(),
                    len,
                    width: 1,
                }
            }
            Units::U16(s) => {
                self.wide.extend_from_slice(s);
                Item {
                    start: self.wide.len() - s.len(),
                    len,
                    width: 2,
                }
            }
            Units::U32(s) => {
                self.full.extend_from_slice(s);
                Item {
                    start: self.full.len() - s.len(),
                    len,
                    width: 4,
                }
            }
        };
        self.items.push(item);
    }

    /// Asks the CPU to load where string `i` is (its entry in the item table).
    #[inline(always)]
    pub(crate) fn prefetch_item(&self, i: usize) {
        prefetch(self.items.as_ptr().wrapping_add(i));
    }

    /// Asks the CPU to load the first units of string `i` (whose item should
    /// be loaded by now: see [`Arena::prefetch_item`]).
    #[inline(always)]
    pub(crate) fn prefetch_units(&self, i: usize) {
        let Item { start, width, .. } = self.items[i];
        match width {
            1 => prefetch(self.bytes.as_ptr().wrapping_add(start)),
            2 => prefetch(self.wide.as_ptr().wrapping_add(start)),
            _ => prefetch(self.full.as_ptr().wrapping_add(start)),
        }
    }

    /// Bytes held (buffers and the item table), for memory reports.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
            + 2 * self.wide.capacity()
            + 4 * self.full.capacity()
            + size_of::<Item>() * self.items.capacity()
    }
}

/// Asks the CPU to bring the cache line at `p` in; never faults.
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

impl Strings for Arena {
    fn count(&self) -> usize {
        self.items.len()
    }

    #[inline]
    fn len_of(&self, i: usize) -> usize {
        self.items[i].len as usize
    }

    #[inline]
    fn get(&self, i: usize) -> Units<'_> {
        let Item { start, len, width } = self.items[i];
        let range = start..start + len as usize;
        match width {
            1 => Units::U8(&self.bytes[range]),
            2 => Units::U16(&self.wide[range]),
            _ => Units::U32(&self.full[range]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_come_back_in_the_narrowest_width() {
        let wide = [0xD800u16, 0x4E2D];
        let full = [0x1_F600u32];
        let latin = [0x61u32, 0xE9];
        let bmp = [0x61u32, 0xD800];
        let narrow = [0x61u16, 0xFF];
        let source = [
            Units::U8(b"ab"),
            Units::U16(&wide),
            Units::U8(b""),
            Units::U32(&full),
            Units::U32(&latin),
            Units::U32(&bmp),
            Units::U16(&narrow),
        ];
        let arena = Arena::copy(&source[..]);
        assert_eq!(arena.count(), source.len());
        let widths = [1, 2, 1, 4, 1, 2, 1];
        for (i, s) in source.iter().enumerate() {
            let got = arena.get(i);
            let mut want = Vec::new();
            s.widen_into(&mut want);
            let mut have = Vec::new();
            got.widen_into(&mut have);
            assert_eq!(have, want);
            assert_eq!(arena.len_of(i), s.len());
            let width = match got {
                Units::U8(_) => 1,
                Units::U16(_) => 2,
                Units::U32(_) => 4,
            };
            assert_eq!(width, widths[i], "string {i}");
        }
    }
}
