//! Alignments: the edit operations that turn one string into another, as
//! rapidfuzz's `Levenshtein.editops` and `opcodes` choose them, in linear memory.
//!
//! The kernels ([`crate::kernels::hirschberg`], walking pieces back with
//! [`crate::kernels::hyyro2003_traceback`]) produce the operations; this module
//! stores them compactly (12 bytes each), converts between edit operations and
//! opcodes (difflib's blocks), inverts them and applies them.
//!
//! - `blocks`: opcodes merged from the operations while a short pair's walk
//!   runs, for results that outlive the call (Python's `Opcodes`).

use crate::error::Error;
use crate::kernels::dispatch::code_points;
use crate::kernels::hirschberg;
pub use crate::kernels::traceback::EditKind;
use crate::kernels::traceback::Sink;
use crate::runtime::pooled::Pooled;
use crate::runtime::stop::{Asker, Stop};
use crate::text::graphemes::with_cluster_ids;
use crate::text::units::Units;

mod blocks;

#[cfg_attr(not(feature = "python"), allow(unused_imports))]
pub(crate) use blocks::opcodes_pooled;

/// One edit operation: `kind` applied at `src` in the source, taking `dest` of
/// the destination (rapidfuzz's `Editop`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EditOp {
    pub kind: EditKind,
    pub src: u32,
    pub dest: u32,
}

/// The operations turning a source of `src_len` units into a destination of
/// `dest_len`, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Editops {
    pub ops: Vec<EditOp>,
    pub src_len: usize,
    pub dest_len: usize,
}

/// A block of the alignment: `src[src_start..src_end]` and
/// `dest[dest_start..dest_end]` are equal, replaced, inserted or deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Opcode {
    pub kind: EditKind,
    pub src_start: u32,
    pub src_end: u32,
    pub dest_start: u32,
    pub dest_end: u32,
}

/// Blocks covering both strings from start to end, as difflib's `get_opcodes`
/// gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Opcodes {
    pub ops: Vec<Opcode>,
    pub src_len: usize,
    pub dest_len: usize,
}

/// What a sink's slots hold before the walk puts every one.
const BLANK: EditOp = EditOp {
    kind: EditKind::Equal,
    src: 0,
    dest: 0,
};

impl EditOp {
    #[inline(always)]
    fn at(kind: EditKind, src: usize, dest: usize) -> EditOp {
        // Lengths were checked to fit in u32 (see `check_lengths`).
        EditOp {
            kind,
            src: src as u32,
            dest: dest as u32,
        }
    }
}

/// Fills a vector of operations from the back.
struct Fill<'v>(&'v mut Vec<EditOp>);

impl Sink for Fill<'_> {
    fn reserve(&mut self, count: usize) {
        // Every slot is put once, so what a reused buffer holds needs no
        // clearing: only a longer alignment writes the new slots.
        self.0.truncate(count);
        self.0.resize(count, BLANK);
    }

    #[inline(always)]
    fn put(&mut self, index: usize, kind: EditKind, src: usize, dest: usize) {
        self.0[index] = EditOp::at(kind, src, dest);
    }
}

/// Fills a pooled slice of exactly the distance's length from the back: a
/// result made without copying from a buffer.
struct FillPooled(Pooled<EditOp>);

impl Sink for FillPooled {
    fn reserve(&mut self, count: usize) {
        self.0 = Pooled::filled(count, BLANK);
    }

    #[inline(always)]
    fn put(&mut self, index: usize, kind: EditKind, src: usize, dest: usize) {
        self.0[index] = EditOp::at(kind, src, dest);
    }
}

/// The numbers of operations of each kind in an alignment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub replace: usize,
    pub insert: usize,
    pub delete: usize,
}

impl Sink for Counts {
    fn reserve(&mut self, _count: usize) {}

    #[inline(always)]
    fn put(&mut self, _index: usize, kind: EditKind, _src: usize, _dest: usize) {
        match kind {
            EditKind::Replace => self.replace += 1,
            EditKind::Insert => self.insert += 1,
            EditKind::Delete => self.delete += 1,
            EditKind::Equal => {}
        }
    }
}

fn check_lengths(a: Units<'_>, b: Units<'_>) -> Result<(), Error> {
    let longest = a.len().max(b.len());
    if u32::try_from(longest).is_err() {
        return Err(Error::TooLong { len: longest });
    }
    Ok(())
}

/// `f` of the units of `a` and `b`: their code points, or their grapheme
/// clusters' ids.
fn on_units<R>(
    a: Units<'_>,
    b: Units<'_>,
    grapheme_segmentation: bool,
    f: impl FnOnce(Units<'_>, Units<'_>) -> R,
) -> R {
    if grapheme_segmentation {
        with_cluster_ids(a, b, f)
    } else {
        f(a, b)
    }
}

/// The alignment into `sink`, in code points or grapheme clusters; the units'
/// counts; `None` if `stop` was raised.
pub(crate) fn align_into<S: Sink>(
    a: Units<'_>,
    b: Units<'_>,
    grapheme_segmentation: bool,
    sink: &mut S,
    stop: Stop<'_>,
) -> Option<(usize, usize)> {
    on_units(a, b, grapheme_segmentation, |a, b| {
        align_units(a, b, sink, stop)
    })
}

/// The alignment of units (code points or cluster ids) into `sink`; their
/// counts; `None` if `stop` was raised.
fn align_units<S: Sink>(
    a: Units<'_>,
    b: Units<'_>,
    sink: &mut S,
    stop: Stop<'_>,
) -> Option<(usize, usize)> {
    let distance = |x: Units<'_>, y: Units<'_>, k| code_points(x, y, k, stop);
    hirschberg::align(a, b, distance, sink, stop).map(|_| (a.len(), b.len()))
}

/// The edit operations turning `a` into `b`: as many as their Levenshtein
/// distance, chosen among the shortest as rapidfuzz's `Levenshtein.editops`
/// chooses (see [`crate::kernels::hirschberg`]). With `grapheme_segmentation`
/// the units, and so the positions, are extended grapheme clusters.
///
/// ```
/// use pyo3_levenshtein::{editops, EditKind, Units};
/// let ops = editops(Units::U8(b"spam"), Units::U8(b"park"), false).unwrap();
/// let kinds: Vec<_> = ops.ops.iter().map(|op| (op.kind, op.src, op.dest)).collect();
/// assert_eq!(kinds, [(EditKind::Delete, 0, 0), (EditKind::Insert, 3, 2), (EditKind::Replace, 3, 3)]);
/// ```
///
/// # Errors
/// A string longer than `u32::MAX` units.
pub fn editops(a: Units<'_>, b: Units<'_>, grapheme_segmentation: bool) -> Result<Editops, Error> {
    let mut ops = Vec::new();
    let (src_len, dest_len) = editops_into(a, b, grapheme_segmentation, &mut ops)?;
    Ok(Editops {
        ops,
        src_len,
        dest_len,
    })
}

/// [`editops`] into `ops` (replacing what it held), a buffer the caller reuses; returns
/// the lengths in units.
///
/// # Errors
/// As [`editops`].
pub fn editops_into(
    a: Units<'_>,
    b: Units<'_>,
    grapheme_segmentation: bool,
    ops: &mut Vec<EditOp>,
) -> Result<(usize, usize), Error> {
    check_lengths(a, b)?;
    // Not cleared: the sink sizes it (see `Fill::reserve`) and fills it whole.
    align_into(a, b, grapheme_segmentation, &mut Fill(ops), Stop::Never).ok_or(Error::Cancelled)
}

/// [`editops`] into a pooled slice of their exact number, with the lengths
/// in units (for results that outlive the call, as Python's `Editops`).
///
/// # Errors
/// As [`editops`].
#[cfg_attr(not(feature = "python"), allow(dead_code))]
pub(crate) fn editops_pooled(
    a: Units<'_>,
    b: Units<'_>,
    grapheme_segmentation: bool,
) -> Result<(Pooled<EditOp>, (usize, usize)), Error> {
    check_lengths(a, b)?;
    let mut fill = FillPooled(Pooled::filled(0, BLANK));
    let lengths = align_into(a, b, grapheme_segmentation, &mut fill, Stop::Never);
    Ok((fill.0, lengths.ok_or(Error::Cancelled)?))
}

/// [`editops`] on the calling thread, which calls `poll` about every
/// [`POLL_INTERVAL`](crate::runtime::stop::POLL_INTERVAL) and gives up when it
/// returns true.
///
/// # Errors
/// As [`editops`], and cancellation by `poll`.
pub fn editops_interruptible(
    a: Units<'_>,
    b: Units<'_>,
    grapheme_segmentation: bool,
    mut poll: impl FnMut() -> bool,
) -> Result<Editops, Error> {
    check_lengths(a, b)?;
    let asker = Asker::new(&mut poll);
    let mut ops = Vec::new();
    match align_into(
        a,
        b,
        grapheme_segmentation,
        &mut Fill(&mut ops),
        Stop::Ask(&asker),
    ) {
        Some((src_len, dest_len)) if !asker.said_yes() => Ok(Editops {
            ops,
            src_len,
            dest_len,
        }),
        _ => Err(Error::Cancelled),
    }
}

/// The position after `op` in the source and in the destination.
#[inline]
fn after(op: EditOp) -> (u32, u32) {
    match op.kind {
        EditKind::Replace => (op.src + 1, op.dest + 1),
        EditKind::Insert => (op.src, op.dest + 1),
        EditKind::Delete => (op.src + 1, op.dest),
        EditKind::Equal => (op.src, op.dest),
    }
}

impl Editops {
    /// The same alignment as blocks, with `Equal` blocks between the operations
    /// (rapidfuzz's `Editops.as_opcodes`): runs of one kind at consecutive
    /// positions become one block.
    #[must_use]
    pub fn to_opcodes(&self) -> Opcodes {
        let lengths = (self.src_len, self.dest_len);
        let mut count = 0;
        opcode_blocks(&self.ops, lengths, |_| count += 1);
        let mut ops = Vec::with_capacity(count);
        opcode_blocks(&self.ops, lengths, |op| ops.push(op));
        Opcodes {
            ops,
            src_len: self.src_len,
            dest_len: self.dest_len,
        }
    }

    /// The operations turning the destination back into the source.
    #[must_use]
    pub fn inverse(&self) -> Editops {
        Editops {
            ops: self.ops.iter().map(|op| op.inverse()).collect(),
            src_len: self.dest_len,
            dest_len: self.src_len,
        }
    }

    /// The runs of units left unchanged, `(src, dest, len)`, then
    /// `(src_len, dest_len, 0)` (difflib's `get_matching_blocks`).
    #[must_use]
    pub fn matching_blocks(&self) -> Vec<(usize, usize, usize)> {
        editops_matching_blocks(&self.ops, (self.src_len, self.dest_len))
    }
}

/// The runs of units that `ops` (of an alignment of `src_len` and `dest_len`
/// units) leave unchanged, `(src, dest, len)`, then `(src_len, dest_len, 0)`.
#[must_use]
pub fn editops_matching_blocks(
    ops: &[EditOp],
    (src_len, dest_len): (usize, usize),
) -> Vec<(usize, usize, usize)> {
    let mut blocks = Vec::new();
    let (mut src, mut dest) = (0usize, 0usize);
    for &op in ops {
        let (s, d) = (op.src as usize, op.dest as usize);
        if src < s || dest < d {
            let len = s.saturating_sub(src).min(d.saturating_sub(dest));
            if len > 0 {
                blocks.push((src, dest, len));
            }
        }
        let (s, d) = after(op);
        (src, dest) = (s as usize, d as usize);
    }
    let len = src_len
        .saturating_sub(src)
        .min(dest_len.saturating_sub(dest));
    if len > 0 {
        blocks.push((src, dest, len));
    }
    blocks.push((src_len, dest_len, 0));
    blocks
}

/// Calls `push` with each block of the opcodes of `ops` (the operations of
/// an alignment of `src_len` and `dest_len` units) in order: `Equal` blocks
/// between the operations, and runs of one kind at consecutive positions as
/// one block (rapidfuzz's `Editops.as_opcodes`).
#[inline(always)]
pub fn opcode_blocks(
    ops: &[EditOp],
    (src_len, dest_len): (usize, usize),
    mut push: impl FnMut(Opcode),
) {
    let (mut src, mut dest) = (0u32, 0u32);
    let mut k = 0;
    while k < ops.len() {
        let op = ops[k];
        if src < op.src || dest < op.dest {
            push(Opcode {
                kind: EditKind::Equal,
                src_start: src,
                src_end: op.src,
                dest_start: dest,
                dest_end: op.dest,
            });
        }
        // The run of operations of this kind, each where the last one left off.
        let (step_src, step_dest) = match op.kind {
            EditKind::Replace => (1, 1),
            EditKind::Insert => (0, 1),
            EditKind::Delete => (1, 0),
            EditKind::Equal => (0, 0),
        };
        let (mut end_src, mut end_dest) = (op.src + step_src, op.dest + step_dest);
        k += 1;
        while let Some(next) = ops.get(k)
            && next.kind == op.kind
            && (next.src, next.dest) == (end_src, end_dest)
        {
            (end_src, end_dest) = (end_src + step_src, end_dest + step_dest);
            k += 1;
        }
        push(Opcode {
            kind: op.kind,
            src_start: op.src,
            src_end: end_src,
            dest_start: op.dest,
            dest_end: end_dest,
        });
        (src, dest) = (end_src, end_dest);
    }
    let (src_len, dest_len) = (src_len as u32, dest_len as u32);
    if src < src_len || dest < dest_len {
        push(Opcode {
            kind: EditKind::Equal,
            src_start: src,
            src_end: src_len,
            dest_start: dest,
            dest_end: dest_len,
        });
    }
}

fn invert(kind: EditKind) -> EditKind {
    match kind {
        EditKind::Insert => EditKind::Delete,
        EditKind::Delete => EditKind::Insert,
        other => other,
    }
}

impl Opcodes {
    /// One edit operation per unit of each non-`Equal` block (rapidfuzz's
    /// `Opcodes.as_editops`).
    #[must_use]
    pub fn to_editops(&self) -> Editops {
        let mut ops = Vec::new();
        opcode_units(&self.ops, |op| ops.push(op));
        Editops {
            ops,
            src_len: self.src_len,
            dest_len: self.dest_len,
        }
    }

    /// The blocks turning the destination back into the source.
    #[must_use]
    pub fn inverse(&self) -> Opcodes {
        Opcodes {
            ops: self.ops.iter().map(|op| op.inverse()).collect(),
            src_len: self.dest_len,
            dest_len: self.src_len,
        }
    }

    /// The `Equal` blocks as `(src, dest, len)`, then `(src_len, dest_len, 0)`.
    #[must_use]
    pub fn matching_blocks(&self) -> Vec<(usize, usize, usize)> {
        opcodes_matching_blocks(&self.ops, (self.src_len, self.dest_len))
    }
}

impl EditOp {
    /// The operation that undoes this one (source and destination swapped).
    #[must_use]
    pub fn inverse(self) -> EditOp {
        EditOp {
            kind: invert(self.kind),
            src: self.dest,
            dest: self.src,
        }
    }
}

impl Opcode {
    /// The block that undoes this one (source and destination swapped).
    #[must_use]
    pub fn inverse(self) -> Opcode {
        Opcode {
            kind: invert(self.kind),
            src_start: self.dest_start,
            src_end: self.dest_end,
            dest_start: self.src_start,
            dest_end: self.src_end,
        }
    }
}

/// Calls `push` with the edit operations of `ops` in order: one per unit of
/// each block but the `Equal` ones.
pub fn opcode_units(ops: &[Opcode], mut push: impl FnMut(EditOp)) {
    for op in ops {
        let kind = op.kind;
        match kind {
            EditKind::Equal => {}
            EditKind::Replace => (0..op.src_end - op.src_start).for_each(|k| {
                push(EditOp {
                    kind,
                    src: op.src_start + k,
                    dest: op.dest_start + k,
                });
            }),
            EditKind::Insert => (op.dest_start..op.dest_end).for_each(|dest| {
                push(EditOp {
                    kind,
                    src: op.src_start,
                    dest,
                });
            }),
            EditKind::Delete => (op.src_start..op.src_end).for_each(|src| {
                push(EditOp {
                    kind,
                    src,
                    dest: op.dest_start,
                });
            }),
        }
    }
}

/// The `Equal` blocks of `ops` as `(src, dest, len)`, then `(src_len, dest_len, 0)`.
#[must_use]
pub fn opcodes_matching_blocks(
    ops: &[Opcode],
    (src_len, dest_len): (usize, usize),
) -> Vec<(usize, usize, usize)> {
    let mut blocks: Vec<_> = ops
        .iter()
        .filter(|op| op.kind == EditKind::Equal)
        .map(|op| {
            let len = (op.src_end - op.src_start).min(op.dest_end - op.dest_start);
            (op.src_start as usize, op.dest_start as usize, len as usize)
        })
        .filter(|&(_, _, len)| len > 0)
        .collect();
    blocks.push((src_len, dest_len, 0));
    blocks
}

/// The numbers of substitutions, insertions and deletions of the alignment
/// [`editops`] gives, without storing it, and the lengths in units.
pub(crate) fn counts(
    a: Units<'_>,
    b: Units<'_>,
    grapheme_segmentation: bool,
    stop: Stop<'_>,
) -> Option<(Counts, (usize, usize))> {
    let mut counts = Counts::default();
    let lengths = align_into(a, b, grapheme_segmentation, &mut counts, stop)?;
    Some((counts, lengths))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(s: &[(EditKind, u32, u32)]) -> Vec<EditOp> {
        s.iter()
            .map(|&(kind, src, dest)| EditOp { kind, src, dest })
            .collect()
    }

    #[test]
    fn spam_park_as_rapidfuzz_gives_it() {
        let e = editops(Units::U8(b"spam"), Units::U8(b"park"), false).unwrap();
        assert_eq!(
            e.ops,
            ops(&[
                (EditKind::Delete, 0, 0),
                (EditKind::Insert, 3, 2),
                (EditKind::Replace, 3, 3)
            ])
        );
        let o = e.to_opcodes();
        let blocks: Vec<_> = o
            .ops
            .iter()
            .map(|op| {
                (
                    op.kind,
                    op.src_start,
                    op.src_end,
                    op.dest_start,
                    op.dest_end,
                )
            })
            .collect();
        assert_eq!(
            blocks,
            [
                (EditKind::Delete, 0, 1, 0, 0),
                (EditKind::Equal, 1, 3, 0, 2),
                (EditKind::Insert, 3, 3, 2, 3),
                (EditKind::Replace, 3, 4, 3, 4)
            ]
        );
        assert_eq!(o.to_editops(), e);
        assert_eq!(e.matching_blocks(), [(1, 0, 2), (4, 4, 0)]);
        assert_eq!(o.matching_blocks(), e.matching_blocks());
        assert_eq!(e.inverse().inverse(), e);
        assert_eq!(o.inverse().to_editops(), e.inverse());
    }

    #[test]
    fn equal_strings_are_one_equal_block() {
        let e = editops(Units::U8(b"abc"), Units::U32(&[97, 98, 99]), false).unwrap();
        assert!(e.ops.is_empty());
        let o = e.to_opcodes();
        assert_eq!(o.ops.len(), 1);
        assert_eq!(o.ops[0].kind, EditKind::Equal);
        assert_eq!(e.matching_blocks(), [(0, 0, 3), (3, 3, 0)]);
        let empty = editops(Units::U8(b""), Units::U8(b""), false).unwrap();
        assert!(empty.to_opcodes().ops.is_empty());
        assert_eq!(empty.matching_blocks(), [(0, 0, 0)]);
    }

    #[test]
    fn grapheme_positions_count_clusters() {
        let a: Vec<u32> = "e\u{301}x".chars().map(u32::from).collect();
        let b: Vec<u32> = "\u{e9}x".chars().map(u32::from).collect();
        let e = editops(Units::U32(&a), Units::U32(&b), true).unwrap();
        assert_eq!((e.src_len, e.dest_len), (2, 2));
        assert_eq!(e.ops, ops(&[(EditKind::Replace, 0, 0)]));
    }

    #[test]
    fn counts_match_the_operations() {
        let a = b"the quick brown fox jumps over the lazy dog";
        let b = b"a quick brown fax jumped over lazy dogs";
        let e = editops(Units::U8(a), Units::U8(b), false).unwrap();
        let (c, _) = counts(Units::U8(a), Units::U8(b), false, Stop::Never).unwrap();
        let count = |k| e.ops.iter().filter(|op| op.kind == k).count();
        assert_eq!(
            (c.replace, c.insert, c.delete),
            (
                count(EditKind::Replace),
                count(EditKind::Insert),
                count(EditKind::Delete)
            )
        );
    }

    proptest::proptest! {
        /// The pooled result is the buffered one: every slot is put, on
        /// short pairs, pairs past a word, equal and empty strings.
        #[test]
        fn pooled_operations_are_the_buffered_ones(
            a in proptest::collection::vec(b'a'..b'e', 0..150),
            b in proptest::collection::vec(b'a'..b'e', 0..150),
        ) {
            for (x, y) in [(&a, &b), (&a, &a), (&b, &a)] {
                let want = editops(Units::U8(x), Units::U8(y), false).unwrap();
                let (ops, lengths) = editops_pooled(Units::U8(x), Units::U8(y), false).unwrap();
                proptest::prop_assert_eq!(&ops[..], &want.ops[..]);
                proptest::prop_assert_eq!(lengths, (want.src_len, want.dest_len));
            }
        }
    }
}
