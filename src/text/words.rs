//! Words as units: whitespace as Python sees it, and the words of two strings
//! interned to ids, so that a word error rate aligns integer sequences.
//!
//! Whitespace is what `str.isspace()` accepts (the characters `str.split()` and
//! `str.strip()` use): the ASCII controls 9-13 and 28-31, space, U+0085, U+00A0,
//! U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and U+3000. Rust's
//! `char::is_whitespace` differs (it has no 28-31), so the set is spelled out.
//!
//! Ids are given per pair: an alignment compares the words of one reference
//! only with those of its hypothesis, so equal ids within the pair are all it
//! needs, and pairs can be interned on any thread without sharing a table.

use crate::text::units::{Unit, Units};

/// `str.isspace()` for the code points below 256.
static LATIN1_SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = matches!(c, 0x09..=0x0D | 0x1C..=0x20 | 0x85 | 0xA0);
        c += 1;
    }
    table
};

/// `str.isspace()` for one code point.
#[inline]
#[must_use]
pub fn is_space(c: u32) -> bool {
    if c < 256 {
        return LATIN1_SPACE[c as usize];
    }
    c >= 0x1680
        && matches!(
            c,
            0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000
        )
}

/// `s` without the whitespace at either end (`str.strip()`).
#[must_use]
pub fn strip(s: Units<'_>) -> Units<'_> {
    let n = s.len();
    let start = (0..n).find(|&i| !is_space(s.get(i))).unwrap_or(n);
    let end = (start..n)
        .rev()
        .find(|&i| !is_space(s.get(i)))
        .map_or(start, |i| i + 1);
    s.slice(start, end)
}

/// FxHash's step: words are short, and the table only needs a spread.
#[inline(always)]
fn step(h: u64, c: u32) -> u64 {
    (h.rotate_left(5) ^ u64::from(c)).wrapping_mul(0x517c_c1b7_2722_0a95)
}

fn same<A: Unit, B: Unit>(x: &[A], y: &[B]) -> bool {
    x.len() == y.len() && x.iter().zip(y).all(|(&p, &q)| p.into() == q.into())
}

/// One word's first occurrence: its string (0 or 1), its span and its hash.
#[derive(Clone, Copy)]
struct First {
    side: u32,
    start: u32,
    end: u32,
    hash: u64,
}

/// Buffers for interning pairs, reused from pair to pair.
#[derive(Default)]
pub struct Words {
    ids: [Vec<u32>; 2],
    /// Open addressing: `(stamp, id)`, a slot being empty unless its stamp is
    /// the current pair's, so that no pair clears the table.
    slots: Vec<(u32, u32)>,
    stamp: u32,
    first: Vec<First>,
}

/// A table never shrinks below this many slots.
const MIN_SLOTS: usize = 256;

impl Words {
    /// The words of `a` and of `b` (split as `str.split()` splits) as ids, equal
    /// words (same code points) getting equal ids.
    pub fn intern(&mut self, a: Units<'_>, b: Units<'_>) -> (&[u32], &[u32]) {
        crate::with_slices!(a, b, |x, y| self.intern_slices(x, y));
        (&self.ids[0], &self.ids[1])
    }

    fn intern_slices<A: Unit, B: Unit>(&mut self, a: &[A], b: &[B]) {
        self.ids[0].clear();
        self.ids[1].clear();
        self.first.clear();
        // At most one word per two units (and one more), at most half full.
        let words = a.len().div_ceil(2) + b.len().div_ceil(2);
        let size = (2 * words).next_power_of_two().max(MIN_SLOTS);
        if self.slots.len() < size || self.slots.len() > 8 * size.max(1 << 14) {
            self.slots = vec![(0, 0); size];
            self.stamp = 0;
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.slots.fill((0, 0));
            self.stamp = 1;
        }
        self.scan(a, b, 0);
        self.scan(a, b, 1);
    }

    /// Splits string `side` (`a` or `b`) and interns its words in one pass.
    fn scan<A: Unit, B: Unit>(&mut self, a: &[A], b: &[B], side: u32) {
        macro_rules! words_of {
            ($s:expr) => {{
                let s = $s;
                let n = s.len();
                let mut i = 0;
                loop {
                    while i < n && is_space(s[i].into()) {
                        i += 1;
                    }
                    if i == n {
                        break;
                    }
                    let start = i;
                    let mut h = 0u64;
                    while i < n {
                        let c: u32 = s[i].into();
                        if is_space(c) {
                            break;
                        }
                        h = step(h, c);
                        i += 1;
                    }
                    let id = self.id(a, b, side, start as u32, i as u32, h);
                    self.ids[side as usize].push(id);
                }
            }};
        }
        if side == 0 {
            words_of!(a);
        } else {
            words_of!(b);
        }
    }

    /// The id of word `start..end` of string `side`, whose hash is `hash`.
    #[inline]
    fn id<A: Unit, B: Unit>(
        &mut self,
        a: &[A],
        b: &[B],
        side: u32,
        start: u32,
        end: u32,
        hash: u64,
    ) -> u32 {
        let mask = self.slots.len() - 1;
        let mut slot = (hash as usize) & mask;
        loop {
            let (stamp, id) = self.slots[slot];
            if stamp != self.stamp {
                let id = self.first.len() as u32;
                self.first.push(First {
                    side,
                    start,
                    end,
                    hash,
                });
                self.slots[slot] = (self.stamp, id);
                return id;
            }
            let other = self.first[id as usize];
            if other.hash == hash {
                let word = |side: u32, start: u32, end: u32| {
                    let range = start as usize..end as usize;
                    if side == 0 {
                        Either::A(&a[range])
                    } else {
                        Either::B(&b[range])
                    }
                };
                if word(side, start, end).same(&word(other.side, other.start, other.end)) {
                    return id;
                }
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// A word of `a` or of `b`.
enum Either<'s, A, B> {
    A(&'s [A]),
    B(&'s [B]),
}

impl<A: Unit, B: Unit> Either<'_, A, B> {
    fn same(&self, other: &Self) -> bool {
        match (self, other) {
            (Either::A(x), Either::A(y)) => same(x, y),
            (Either::A(x), Either::B(y)) | (Either::B(y), Either::A(x)) => same(x, y),
            (Either::B(x), Either::B(y)) => same(x, y),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::units::code_points;

    #[test]
    fn whitespace_is_python_s() {
        let python = [
            0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000,
            0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028,
            0x2029, 0x202f, 0x205f, 0x3000,
        ];
        let ours: Vec<u32> = (0..0x11_0000).filter(|&c| is_space(c)).collect();
        assert_eq!(ours, python);
    }

    #[test]
    fn strip_and_split_as_python_does() {
        let s = code_points("\u{3000} the\u{a0}cat\t\x1c sat \n");
        assert_eq!(strip(Units::U32(&s)), Units::U32(&s[2..s.len() - 2]));
        assert_eq!(strip(Units::U8(b" \t ")), Units::U8(b""));
        let mut words = Words::default();
        let (ids, none) = words.intern(Units::U32(&s), Units::U8(b""));
        assert_eq!((ids, none), (&[0, 1, 2][..], &[][..]));
        assert_eq!(words.first.len(), 3);
        let spans: Vec<_> = words.first.iter().map(|f| (f.start, f.end)).collect();
        assert_eq!(spans, [(2, 5), (6, 9), (12, 15)]);
    }

    #[test]
    fn many_pairs_reuse_the_table_without_clearing_it() {
        let mut words = Words::default();
        for round in 0..1_000u32 {
            let a = format!("w{round} x y w{round}");
            let b = format!("y w{} w{round}", round + 1);
            let (x, y) = words.intern(Units::U8(a.as_bytes()), Units::U8(b.as_bytes()));
            assert_eq!((x, y), (&[0, 1, 2, 0][..], &[2, 3, 0][..]), "{round}");
        }
        // A long pair grows the table, a short one after it still works.
        let long = (0..5_000).fold(String::new(), |mut s, i| {
            s.push_str(&i.to_string());
            s.push(' ');
            s
        });
        let (x, _) = words.intern(Units::U8(long.as_bytes()), Units::U8(b""));
        assert_eq!(x.len(), 5_000);
        let (x, y) = words.intern(Units::U8(b"a b"), Units::U8(b"b"));
        assert_eq!((x, y), (&[0, 1][..], &[1][..]));
    }

    #[test]
    fn equal_words_get_equal_ids_across_widths() {
        let mut words = Words::default();
        let b: Vec<u16> = "sat the mat the".encode_utf16().collect();
        let (x, y) = words.intern(Units::U8(b"the cat  sat"), Units::U16(&b));
        assert_eq!((x, y), (&[0, 1, 2][..], &[2, 0, 3, 0][..]));
        let (x, y) = words.intern(Units::U8(b""), Units::U8(b"  "));
        assert!(x.is_empty() && y.is_empty());
    }
}
