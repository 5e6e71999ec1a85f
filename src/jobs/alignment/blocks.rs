//! Opcodes built while the walk runs, for results made with the GIL held.
//!
//! Building them afterwards ([`super::opcode_blocks`] over buffered
//! operations) stored every operation, read it back in a second loop and
//! copied the blocks out of another buffer: about a sixth of a W1 `opcodes`
//! call (perf). Here each operation is merged into the block being grown as it
//! comes, and the blocks are copied once, into the pooled result.

use super::{EditKind, EditOp, Opcode, after, align_units, check_lengths, on_units};
use crate::error::Error;
use crate::kernels::traceback::Sink;
use crate::runtime::pooled::Pooled;
use crate::runtime::stop::Stop;
use crate::text::units::Units;
use std::cell::RefCell;

/// Blocks kept on a thread between calls (80 KiB).
const KEPT_SLOTS: usize = 1 << 12;

thread_local! {
    static SLOTS: RefCell<Vec<Opcode>> = const { RefCell::new(Vec::new()) };
}

/// A sink that merges the operations of one walk into blocks, last first.
///
/// A walk puts its operations from the last to the first: each one either
/// extends the block being grown (`run`) at its start, when it is of the same
/// kind and ends where the block starts, or closes it, with the `Equal` block
/// between them if they do not touch. The blocks fill `slots` from the back.
/// The order holds for a pair walked back whole (every pair short enough to
/// align with the GIL held); the pieces of a Hirschberg split come in another,
/// which the sink notices, and the caller then builds the blocks from the
/// operations.
struct Blocks<'s> {
    slots: &'s mut Vec<Opcode>,
    /// The blocks are `slots[free..]`.
    free: usize,
    /// The index of the last operation put (the count at first).
    last: usize,
    /// The block being grown; an empty `Equal` block at the lengths before the
    /// first operation, so that closing it writes only the trailing `Equal`.
    run: Opcode,
    in_order: bool,
    reserved: bool,
}

impl<'s> Blocks<'s> {
    fn new(slots: &'s mut Vec<Opcode>, (src_len, dest_len): (u32, u32)) -> Self {
        Blocks {
            slots,
            free: 0,
            last: 0,
            run: Opcode {
                kind: EditKind::Equal,
                src_start: src_len,
                src_end: src_len,
                dest_start: dest_len,
                dest_end: dest_len,
            },
            in_order: true,
            reserved: false,
        }
    }

    /// Writes the run (unless it is the placeholder before the first
    /// operation) and the `Equal` block from `(src, dest)` up to it, if any.
    /// Both are written unconditionally and kept by moving `free`, which a
    /// mispredicted branch on random pairs cost more than.
    #[inline(always)]
    fn close(&mut self, src: u32, dest: u32) {
        let run = self.run;
        self.slots[self.free - 1] = run;
        self.free -= usize::from(run.kind != EditKind::Equal);
        self.slots[self.free - 1] = Opcode {
            kind: EditKind::Equal,
            src_start: src,
            src_end: run.src_start,
            dest_start: dest,
            dest_end: run.dest_start,
        };
        self.free -= usize::from((src, dest) != (run.src_start, run.dest_start));
    }

    /// The blocks, if every operation came in order.
    fn finish(mut self) -> Option<&'s [Opcode]> {
        if !(self.in_order && self.reserved && self.last == 0) {
            return None;
        }
        self.close(0, 0);
        Some(&self.slots[self.free..])
    }
}

impl Sink for Blocks<'_> {
    fn reserve(&mut self, count: usize) {
        self.in_order &= !self.reserved;
        self.reserved = true;
        // Each operation closes at most a run and an `Equal` block, the end
        // one more of each, and `close` writes one slot below the last block.
        let slots = 2 * count + 3;
        self.slots.truncate(slots);
        self.slots.resize(slots, self.run);
        self.free = slots;
        self.last = count;
    }

    #[inline(always)]
    fn put(&mut self, index: usize, kind: EditKind, src: usize, dest: usize) {
        if !self.in_order || index + 1 != self.last {
            self.in_order = false;
            return;
        }
        self.last = index;
        // Lengths were checked to fit in u32 (see `check_lengths`).
        let op = EditOp {
            kind,
            src: src as u32,
            dest: dest as u32,
        };
        let (end_src, end_dest) = after(op);
        if kind == self.run.kind && (end_src, end_dest) == (self.run.src_start, self.run.dest_start)
        {
            self.run.src_start = op.src;
            self.run.dest_start = op.dest;
            return;
        }
        self.close(end_src, end_dest);
        self.run = Opcode {
            kind,
            src_start: op.src,
            src_end: end_src,
            dest_start: op.dest,
            dest_end: end_dest,
        };
    }
}

/// The opcodes of `a` and `b` (as [`super::Editops::to_opcodes`] gives them)
/// in a pooled slice of their exact number, with the lengths in units.
///
/// # Errors
/// As [`super::editops`].
#[cfg_attr(not(feature = "python"), allow(dead_code))]
pub(crate) fn opcodes_pooled(
    a: Units<'_>,
    b: Units<'_>,
    grapheme_segmentation: bool,
) -> Result<(Pooled<Opcode>, (usize, usize)), Error> {
    check_lengths(a, b)?;
    let build = |slots: &mut Vec<Opcode>| {
        let merged = on_units(a, b, grapheme_segmentation, |x, y| {
            let mut sink = Blocks::new(slots, (x.len() as u32, y.len() as u32));
            let lengths = align_units(x, y, &mut sink, Stop::Never)?;
            Some((Pooled::from(sink.finish()?), lengths))
        });
        let made = match merged {
            Some(made) => made,
            None => {
                let editops = super::editops(a, b, grapheme_segmentation)?;
                let blocks = Pooled::from(&editops.to_opcodes().ops[..]);
                (blocks, (editops.src_len, editops.dest_len))
            }
        };
        if slots.len() > KEPT_SLOTS {
            *slots = Vec::new();
        }
        Ok(made)
    };
    SLOTS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slots) => build(&mut slots),
        Err(_) => build(&mut Vec::new()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn want(a: Units<'_>, b: Units<'_>, graphemes: bool) -> (Vec<Opcode>, (usize, usize)) {
        let e = super::super::editops(a, b, graphemes).unwrap();
        (e.to_opcodes().ops, (e.src_len, e.dest_len))
    }

    fn got(a: Units<'_>, b: Units<'_>, graphemes: bool) -> (Vec<Opcode>, (usize, usize)) {
        let (ops, lengths) = opcodes_pooled(a, b, graphemes).unwrap();
        (ops.to_vec(), lengths)
    }

    #[test]
    fn empty_and_equal_strings() {
        for (a, b) in [("", ""), ("abc", "abc"), ("", "ab"), ("ab", ""), ("a", "b")] {
            let (a, b) = (Units::U8(a.as_bytes()), Units::U8(b.as_bytes()));
            assert_eq!(got(a, b, false), want(a, b, false));
        }
    }

    #[test]
    fn split_pairs_fall_back_on_the_operations() {
        // Long and similar: the Hirschberg split walks pieces out of order.
        let a: Vec<u8> = (0..30_000u32)
            .map(|i| b"acgt"[(i * i % 7 % 4) as usize])
            .collect();
        let mut b = a.clone();
        b[100] = b'x';
        b.remove(20_000);
        b.insert(5, b'y');
        let (a, b) = (Units::U8(&a), Units::U8(&b));
        let mut slots = Vec::new();
        let mut sink = Blocks::new(&mut slots, (a.len() as u32, b.len() as u32));
        align_units(a, b, &mut sink, Stop::Never).unwrap();
        assert!(sink.finish().is_none(), "the pieces came out of order");
        assert_eq!(got(a, b, false), want(a, b, false));
    }

    proptest! {
        /// The blocks are those built from the buffered operations: one- and
        /// two-letter alphabets (long runs, gaps), past a word, both orders.
        #[test]
        fn blocks_are_those_of_the_operations(
            a in prop_oneof![vec(b'a'..b'c', 0..150), vec(b'a'..b'h', 0..300)],
            b in prop_oneof![vec(b'a'..b'c', 0..150), vec(b'a'..b'h', 0..300)],
            cut in 0usize..40,
        ) {
            let shared = [&a[..cut.min(a.len())], &b[..]].concat();
            for (x, y) in [(&a, &b), (&b, &a), (&a, &a), (&a, &shared)] {
                let (x, y) = (Units::U8(x), Units::U8(y));
                prop_assert_eq!(got(x, y, false), want(x, y, false));
            }
        }

        /// Grapheme clusters: positions count clusters, as the operations' do.
        #[test]
        fn grapheme_blocks_are_those_of_the_operations(
            a in vec(prop_oneof![Just(0x65u32), Just(0x301), Just(0x1F1EA), Just(0x78)], 0..60),
            b in vec(prop_oneof![Just(0x65u32), Just(0x301), Just(0x1F1EA), Just(0x78)], 0..60),
        ) {
            let (x, y) = (Units::U32(&a), Units::U32(&b));
            prop_assert_eq!(got(x, y, true), want(x, y, true));
        }
    }
}
