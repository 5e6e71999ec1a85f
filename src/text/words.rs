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

/// `str.isspace()` for one code point.
#[inline]
#[must_use]
pub fn is_space(c: u32) -> bool {
    matches!(
        c,
        0x09..=0x0D
            | 0x1C..=0x20
            | 0x85
            | 0xA0
            | 0x1680
            | 0x2000..=0x200A
            | 0x2028
            | 0x2029
            | 0x202F
            | 0x205F
            | 0x3000
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

/// Appends the spans `(start, end)` of the words of `s` (`str.split()`).
fn split<U: Unit>(s: &[U], spans: &mut Vec<(u32, u32)>) {
    let mut start = None;
    for (i, &c) in s.iter().enumerate() {
        match (is_space(c.into()), start) {
            (true, Some(from)) => {
                spans.push((from, i as u32));
                start = None;
            }
            (false, None) => start = Some(i as u32),
            _ => {}
        }
    }
    if let Some(from) = start {
        spans.push((from, s.len() as u32));
    }
}

#[inline]
fn hash<U: Unit>(word: &[U]) -> u64 {
    // FxHash's step: words are short, and the table only needs a spread.
    word.iter().fold(0u64, |h, &c| {
        (h.rotate_left(5) ^ u64::from(c.into())).wrapping_mul(0x517c_c1b7_2722_0a95)
    })
}

fn same<A: Unit, B: Unit>(x: &[A], y: &[B]) -> bool {
    x.len() == y.len() && x.iter().zip(y).all(|(&p, &q)| p.into() == q.into())
}

/// Buffers for interning pairs, reused from pair to pair.
#[derive(Default)]
pub struct Words {
    spans: [Vec<(u32, u32)>; 2],
    ids: [Vec<u32>; 2],
    /// Open addressing: 0 for empty, else 1 + an index into `first`.
    slots: Vec<u32>,
    /// Each id's first occurrence: which string, its span and its hash.
    first: Vec<(usize, (u32, u32), u64)>,
}

impl Words {
    /// The words of `a` and of `b` as ids, equal words (same code points)
    /// getting equal ids.
    pub fn intern(&mut self, a: Units<'_>, b: Units<'_>) -> (&[u32], &[u32]) {
        crate::with_slices!(a, b, |x, y| self.intern_slices(x, y));
        (&self.ids[0], &self.ids[1])
    }

    fn intern_slices<A: Unit, B: Unit>(&mut self, a: &[A], b: &[B]) {
        for (spans, ids) in self.spans.iter_mut().zip(&mut self.ids) {
            spans.clear();
            ids.clear();
        }
        split(a, &mut self.spans[0]);
        split(b, &mut self.spans[1]);
        let words = self.spans[0].len() + self.spans[1].len();
        let size = (2 * words).next_power_of_two().max(16);
        self.slots.clear();
        self.slots.resize(size, 0);
        self.first.clear();
        let mask = size - 1;
        for side in 0..2 {
            for k in 0..self.spans[side].len() {
                let span = self.spans[side][k];
                let word = word_of(a, b, side, span);
                let h = word.hash();
                let mut slot = (h as usize) & mask;
                let id = loop {
                    match self.slots[slot] {
                        0 => {
                            let id = self.first.len() as u32;
                            self.first.push((side, span, h));
                            self.slots[slot] = id + 1;
                            break id;
                        }
                        taken => {
                            let (other_side, other_span, other_hash) =
                                self.first[(taken - 1) as usize];
                            if other_hash == h && word.same(&word_of(a, b, other_side, other_span))
                            {
                                break taken - 1;
                            }
                            slot = (slot + 1) & mask;
                        }
                    }
                };
                self.ids[side].push(id);
            }
        }
    }
}

/// Word `span` of `a` (side 0) or `b` (side 1).
fn word_of<'s, A, B>(a: &'s [A], b: &'s [B], side: usize, (s, e): (u32, u32)) -> Either<'s, A, B> {
    if side == 0 {
        Either::A(&a[s as usize..e as usize])
    } else {
        Either::B(&b[s as usize..e as usize])
    }
}

/// A word of `a` or of `b`.
enum Either<'s, A, B> {
    A(&'s [A]),
    B(&'s [B]),
}

impl<A: Unit, B: Unit> Either<'_, A, B> {
    fn hash(&self) -> u64 {
        match self {
            Either::A(w) => hash(w),
            Either::B(w) => hash(w),
        }
    }

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
        let mut spans = Vec::new();
        split(&s, &mut spans);
        assert_eq!(spans, [(2, 5), (6, 9), (12, 15)]);
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
