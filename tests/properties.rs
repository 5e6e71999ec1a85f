//! Property tests: the dispatching entry point against the naive reference.

use proptest::collection::vec;
use proptest::prelude::*;
use pyo3_levenshtein::reference::naive;
use pyo3_levenshtein::{Options, Units, Weights, levenshtein, levenshtein_batch};

const CP: Options = Options {
    grapheme_segmentation: false,
    max_distance: None,
    weights: Weights {
        insert: 1,
        delete: 1,
        substitute: 1,
    },
};

/// Symbols from a tiny alphabet (long runs, many ties) or anywhere in `max`.
fn symbols(max: u32) -> impl Strategy<Value = u32> {
    prop_oneof![
        2 => 0u32..2,
        1 => 0u32..4,
        2 => 0u32..=max,
    ]
}

/// Lengths that straddle the word and block edges more often than uniform sampling would.
fn length(max: usize) -> impl Strategy<Value = usize> {
    prop_oneof![
        3 => 0..max,
        2 => prop::sample::select(vec![0usize, 1, 2, 63, 64, 65, 127, 128, 129, 191, 192, 193]),
    ]
}

fn seq(max_sym: u32, max_len: usize) -> impl Strategy<Value = Vec<u32>> {
    length(max_len).prop_flat_map(move |n| vec(symbols(max_sym), n))
}

/// `b` derived from `a` by a few edits, so distances are small and affixes long.
fn related(max_sym: u32, max_len: usize) -> impl Strategy<Value = (Vec<u32>, Vec<u32>)> {
    (
        seq(max_sym, max_len),
        vec(
            (0usize..3, any::<prop::sample::Index>(), symbols(max_sym)),
            0..8,
        ),
    )
        .prop_map(|(a, edits)| {
            let mut b = a.clone();
            for (op, at, sym) in edits {
                match op {
                    0 if !b.is_empty() => {
                        let i = at.index(b.len());
                        b[i] = sym;
                    }
                    1 => {
                        let i = at.index(b.len() + 1);
                        b.insert(i, sym);
                    }
                    _ if !b.is_empty() => {
                        let i = at.index(b.len());
                        b.remove(i);
                    }
                    _ => {}
                }
            }
            (a, b)
        })
}

fn narrow<T: TryFrom<u32>>(s: &[u32]) -> Option<Vec<T>> {
    s.iter().map(|&c| T::try_from(c).ok()).collect()
}

/// Checks every width the pair fits in, in both argument orders.
/// Up to a word and a bit, with symbols of every width (tiny alphabets, Latin-1,
/// surrogates, astral).
fn seq_up_to_word() -> impl Strategy<Value = Vec<u32>> {
    let symbol = prop_oneof![
        3 => 0u32..3,
        2 => 0u32..256,
        1 => 0xD7F0u32..0xD810,
        1 => 0x1_F600u32..0x1_F603,
    ];
    let width = prop_oneof![Just(0x1_F603u32), Just(0xFFFF), Just(0xFF)];
    (width, 0usize..=66)
        .prop_flat_map(move |(max, n)| vec(symbol.clone().prop_map(move |c| c.min(max)), n))
}

/// A string kept in the narrowest width that holds it, as CPython stores it.
enum Stored {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl Stored {
    fn new(s: &[u32]) -> Self {
        if let Some(v) = narrow::<u8>(s) {
            Stored::U8(v)
        } else if let Some(v) = narrow::<u16>(s) {
            Stored::U16(v)
        } else {
            Stored::U32(s.to_vec())
        }
    }

    fn units(&self) -> Units<'_> {
        match self {
            Stored::U8(v) => Units::U8(v),
            Stored::U16(v) => Units::U16(v),
            Stored::U32(v) => Units::U32(v),
        }
    }
}

fn check_all_widths(a: &[u32], b: &[u32]) -> Result<(), TestCaseError> {
    let want = naive(a, b);
    prop_assert_eq!(levenshtein(Units::U32(a), Units::U32(b), CP), want);
    prop_assert_eq!(levenshtein(Units::U32(b), Units::U32(a), CP), want);
    if let (Some(a8), Some(b16)) = (narrow::<u8>(a), narrow::<u16>(b)) {
        prop_assert_eq!(levenshtein(Units::U8(&a8), Units::U16(&b16), CP), want);
        prop_assert_eq!(levenshtein(Units::U16(&b16), Units::U8(&a8), CP), want);
    }
    if let (Some(a16), Some(b8)) = (narrow::<u16>(a), narrow::<u8>(b)) {
        prop_assert_eq!(levenshtein(Units::U16(&a16), Units::U32(b), CP), want);
        prop_assert_eq!(levenshtein(Units::U8(&b8), Units::U32(a), CP), want);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn latin1_matches_reference(a in seq(255, 200), b in seq(255, 200)) {
        check_all_widths(&a, &b)?;
    }

    #[test]
    fn bmp_and_surrogates_match_reference(a in seq(0xFFFF, 150), b in seq(0xFFFF, 150)) {
        check_all_widths(&a, &b)?;
    }

    #[test]
    fn astral_matches_reference(a in seq(0x10_FFFF, 150), b in seq(0x10_FFFF, 150)) {
        check_all_widths(&a, &b)?;
    }

    #[test]
    fn related_strings_match_reference((a, b) in related(255, 300)) {
        check_all_widths(&a, &b)?;
    }

    #[test]
    fn related_non_latin_match_reference((a, b) in related(0x10_FFFF, 300)) {
        check_all_widths(&a, &b)?;
    }

    /// Batches long enough to fill several chunks (and groups of four lanes with
    /// a remainder), of strings stored in their narrowest width as CPython would,
    /// mostly within one word so that the four-lane path takes them.
    #[test]
    fn batch_of_narrowest_widths_equals_reference(
        pairs in vec((seq_up_to_word(), seq_up_to_word()), 0..300),
        threads in 1usize..4,
        k in prop_oneof![Just(None), (0usize..70).prop_map(Some)],
    ) {
        let stored: Vec<_> = pairs.iter().map(|(a, b)| (Stored::new(a), Stored::new(b))).collect();
        let units: Vec<_> = stored.iter().map(|(a, b)| (a.units(), b.units())).collect();
        let want: Vec<usize> = pairs
            .iter()
            .map(|(a, b)| naive(a, b).min(k.map_or(usize::MAX, |k| k + 1)))
            .collect();
        let options = Options { max_distance: k, ..CP };
        prop_assert_eq!(levenshtein_batch(&units, options, Some(threads), || false), Ok(want));
    }

    #[test]
    fn batch_equals_single_calls(pairs in vec((seq(300, 150), seq(300, 150)), 0..40), threads in 1usize..5) {
        let units: Vec<_> = pairs.iter().map(|(a, b)| (Units::U32(a), Units::U32(b))).collect();
        let want: Vec<usize> = pairs.iter().map(|(a, b)| naive(a, b)).collect();
        prop_assert_eq!(levenshtein_batch(&units, CP, Some(threads), || false), Ok(want));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn long_strings_match_reference((a, b) in related(3, 2_000), c in seq(0x10_FFFF, 1_500)) {
        prop_assert_eq!(levenshtein(Units::U32(&a), Units::U32(&b), CP), naive(&a, &b));
        prop_assert_eq!(levenshtein(Units::U32(&a), Units::U32(&c), CP), naive(&a, &c));
    }
}

fn bounded(k: usize) -> Options {
    Options {
        grapheme_segmentation: false,
        max_distance: Some(k),
        ..Options::default()
    }
}

/// Bounds around the true distance and at the word and band edges.
fn bounds_for(d: usize) -> Vec<usize> {
    let mut ks: Vec<usize> = (0..=5).collect();
    ks.extend([
        d.saturating_sub(1),
        d,
        d + 1,
        31,
        32,
        63,
        64,
        65,
        127,
        128,
        129,
        1_000,
    ]);
    ks
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn bounded_distance_is_min_of_distance_and_bound_plus_one((a, b) in related(300, 400)) {
        let d = naive(&a, &b);
        for k in bounds_for(d) {
            prop_assert_eq!(levenshtein(Units::U32(&a), Units::U32(&b), bounded(k)), d.min(k + 1), "k = {}", k);
        }
    }

    #[test]
    fn unrelated_small_alphabet_long_strings(a in length(400).prop_flat_map(|n| vec(0u32..5, n.max(65))), extra in 0usize..100, seed in 0u32..5) {
        let b: Vec<u32> = (0..a.len() + extra).map(|i| (i as u32).wrapping_mul(2_654_435_761).wrapping_add(seed) >> 29 & 3).collect();
        let d = naive(&a, &b);
        prop_assert_eq!(levenshtein(Units::U32(&a), Units::U32(&b), CP), d);
        for k in bounds_for(d) {
            prop_assert_eq!(levenshtein(Units::U32(&a), Units::U32(&b), bounded(k)), d.min(k + 1), "k = {}", k);
        }
    }

    #[test]
    fn bounded_unrelated_strings(a in seq(3, 400), b in seq(0x10_FFFF, 400)) {
        let d = naive(&a, &b);
        for k in bounds_for(d) {
            prop_assert_eq!(levenshtein(Units::U32(&a), Units::U32(&b), bounded(k)), d.min(k + 1), "k = {}", k);
        }
    }

    #[test]
    fn bounded_batch_equals_bounded_single_calls(pairs in vec((seq(300, 150), seq(300, 150)), 0..30), k in 0usize..80) {
        let units: Vec<_> = pairs.iter().map(|(a, b)| (Units::U32(a), Units::U32(b))).collect();
        let want: Vec<usize> = pairs.iter().map(|(a, b)| naive(a, b).min(k + 1)).collect();
        prop_assert_eq!(levenshtein_batch(&units, bounded(k), Some(2), || false), Ok(want));
    }
}

/// Bounds on both sides of the one- and two-word bands' edges (A + B + 1 = 63,
/// 64, 65 diagonals, i.e. k = 61..=66 depending on the parity of the length
/// difference, and 127, 128, 129), small bounds, and the distance itself and
/// its neighbours.
fn band_bounds(d: usize) -> Vec<usize> {
    let mut ks: Vec<usize> = (0..=6)
        .chain(29..=34)
        .chain(60..=67)
        .chain([100])
        .chain(124..=131)
        .collect();
    ks.extend([d.saturating_sub(1), d, d + 1]);
    ks
}

/// The bounded distance in every width the pair fits in, in both argument orders.
fn check_bounded_widths(a: &[u32], b: &[u32], d: usize, k: usize) -> Result<(), TestCaseError> {
    let want = d.min(k + 1);
    let o = bounded(k);
    prop_assert_eq!(
        levenshtein(Units::U32(a), Units::U32(b), o),
        want,
        "k = {}",
        k
    );
    prop_assert_eq!(
        levenshtein(Units::U32(b), Units::U32(a), o),
        want,
        "k = {}",
        k
    );
    if let (Some(a16), Some(b16)) = (narrow::<u16>(a), narrow::<u16>(b)) {
        prop_assert_eq!(levenshtein(Units::U16(&a16), Units::U16(&b16), o), want);
        prop_assert_eq!(levenshtein(Units::U16(&b16), Units::U32(a), o), want);
    }
    if let Some(a8) = narrow::<u8>(a) {
        prop_assert_eq!(levenshtein(Units::U8(&a8), Units::U32(b), o), want);
        prop_assert_eq!(levenshtein(Units::U32(b), Units::U8(&a8), o), want);
        if let Some(b16) = narrow::<u16>(b) {
            prop_assert_eq!(levenshtein(Units::U16(&b16), Units::U8(&a8), o), want);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 250, ..ProptestConfig::default() })]

    /// The diagonal band kernel (m > 64, k < 128) and its neighbours in the dispatch.
    #[test]
    fn bounded_band_edges_latin1((a, b) in related(255, 300)) {
        let d = naive(&a, &b);
        for k in band_bounds(d) {
            check_bounded_widths(&a, &b, d, k)?;
        }
    }

    #[test]
    fn bounded_band_edges_wide((a, b) in related(0x10_FFFF, 300)) {
        let d = naive(&a, &b);
        for k in band_bounds(d) {
            check_bounded_widths(&a, &b, d, k)?;
        }
    }

    /// Surrogates and units whose low bytes collide with Latin-1 ones.
    #[test]
    fn bounded_band_colliding_units(
        (a, b) in related(3, 300),
        lift in prop::sample::select(vec![0u32, 0x100, 0xD800, 0x1_0000, 0x11_0000]),
    ) {
        let b: Vec<u32> = b.iter().enumerate().map(|(i, &c)| if i % 3 == 0 { c | lift } else { c }).collect();
        let d = naive(&a, &b);
        for k in band_bounds(d) {
            check_bounded_widths(&a, &b, d, k)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Long enough for the unbounded path to try doubling bands before the full one.
    #[test]
    fn band_doubling_finds_exact_distances((a, b) in related(4, 3_000), edits in 0usize..400) {
        let mut c = b.clone();
        for i in 0..edits.min(c.len()) {
            let at = (i * 7_919) % c.len();
            c[at] = c[at].wrapping_add(1) % 5;
        }
        prop_assert_eq!(levenshtein(Units::U32(&a), Units::U32(&c), CP), naive(&a, &c));
    }
}

/// A bound equal to the distance, where the only optimal paths run along row 0
/// (leading insertions) before reaching the pattern's rows.
#[test]
fn bound_equal_to_leading_insertions() {
    for (m, extra) in [(150usize, 216usize), (140, 10), (300, 64)] {
        let p: Vec<u32> = (0..m as u32)
            .map(|i| i.wrapping_mul(2_654_435_761) >> 30)
            .collect();
        // Text: insertions, the first half of p, insertions, the second half (which
        // the suffix strip removes), so no common prefix hides the leading run.
        let mut t = vec![9u32; extra / 2];
        t.extend(&p[..m / 2]);
        t.extend(vec![9u32; extra - extra / 2]);
        t.extend(&p[m / 2..]);
        let d = naive(&p, &t);
        assert_eq!(d, extra);
        for k in [d.saturating_sub(1), d, d + 1] {
            assert_eq!(
                levenshtein(Units::U32(&p), Units::U32(&t), bounded(k)),
                d.min(k + 1),
                "m {m} extra {extra} k {k}"
            );
        }
    }
}

/// Lengths where the wavefront kernel runs (more than 128 units), on and
/// around the edges of blocks (64), AVX2 strips (256 and 512) and AVX-512
/// strips (512 and 1,024).
fn wavefront_length() -> impl Strategy<Value = usize> {
    prop_oneof![
        1 => prop::sample::select(vec![
            129usize, 191, 192, 193, 255, 256, 257, 319, 320, 321, 511, 512, 513, 1023, 1024, 1025,
        ]),
        1 => 129usize..1_100,
    ]
}

/// A string of `n` units from a one- or two-letter alphabet or a wider one.
fn wavefront_seq() -> impl Strategy<Value = Vec<u32>> {
    (
        wavefront_length(),
        prop_oneof![Just(1u32), Just(2), Just(62), Just(0x10_FFFF)],
    )
        .prop_flat_map(|(n, sigma)| vec(0..sigma, n))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Unrelated long strings, also against a much shorter or longer other
    /// side, unbounded and with bounds of half the pattern or more.
    #[test]
    fn wavefront_unrelated_strings_match_reference(a in wavefront_seq(), b in prop_oneof![wavefront_seq(), seq(300, 140)]) {
        check_all_widths(&a, &b)?;
        let d = naive(&a, &b);
        let m = a.len().min(b.len());
        for k in [m / 2, m, d.saturating_sub(1), d, d + 1] {
            prop_assert_eq!(levenshtein(Units::U32(&a), Units::U32(&b), bounded(k)), d.min(k + 1), "k = {}", k);
        }
    }

    /// An edited copy: small distances, long runs of matches.
    #[test]
    fn wavefront_similar_strings_match_reference(
        a in wavefront_seq(),
        edits in vec((0usize..3, any::<prop::sample::Index>(), 0u32..4), 0..40),
    ) {
        let mut b = a.clone();
        for (op, at, sym) in edits {
            match op {
                0 if !b.is_empty() => {
                    let i = at.index(b.len());
                    b[i] = sym;
                }
                1 => b.insert(at.index(b.len() + 1), sym),
                _ if !b.is_empty() => {
                    b.remove(at.index(b.len()));
                }
                _ => {}
            }
        }
        check_all_widths(&a, &b)?;
    }
}
