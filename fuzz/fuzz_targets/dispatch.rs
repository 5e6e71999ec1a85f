//! Fuzz target: the dispatching entry point against the naive reference, on
//! strings of every storage width, with and without a bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pyo3_levenshtein::reference::naive;
use pyo3_levenshtein::{Options, Units, levenshtein};

fuzz_target!(|data: &[u8]| {
    // Byte 0 picks the bound and widths; the rest splits at the first 0xFF into
    // two strings whose units are one byte each, widened to the chosen width
    // (with high bits mixed in so wide kernels see non-Latin-1 symbols).
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let split = rest.iter().position(|&b| b == 0xFF).unwrap_or(rest.len());
    let (a, b) = (&rest[..split], rest.get(split + 1..).unwrap_or(&[]));
    if a.len() * b.len() > 1 << 20 {
        return;
    }
    let widen = |s: &[u8], shift: u32| -> Vec<u32> {
        s.iter().map(|&c| u32::from(c % 8) << shift).collect()
    };
    let (wa, wb) = (
        widen(a, u32::from(control & 3) * 5),
        widen(b, u32::from(control >> 2 & 3) * 5),
    );
    // Small bounds (mbleven), and bounds at the edges of the one- and two-word
    // diagonal bands (64 and 128 diagonals at k = 63 / 64 and 127 / 128, by the
    // parity of the length difference).
    let bound = (control & 0x80 != 0)
        .then_some([0, 1, 2, 3, 63, 64, 127, 128][usize::from(control >> 4 & 7)]);
    let want = naive(&wa, &wb);
    let want = bound.map_or(want, |k| want.min(k + 1));
    let options = Options {
        grapheme_segmentation: false,
        max_distance: bound,
        ..Options::default()
    };
    assert_eq!(levenshtein(Units::U32(&wa), Units::U32(&wb), options), want);
    let narrow: Vec<u8> = wa.iter().map(|&c| c as u8).collect();
    if wa.iter().all(|&c| c < 256) {
        assert_eq!(
            levenshtein(Units::U8(&narrow), Units::U32(&wb), options),
            want
        );
    }
});
