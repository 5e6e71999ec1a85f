//! Grapheme mode: the shortcut segmentation against the plain segmenter, and
//! grapheme distances against the naive reference over cluster sequences.

use proptest::collection::vec;
use proptest::prelude::*;
use pyo3_levenshtein::reference::naive;
use pyo3_levenshtein::{Options, Units, cluster_bounds, cluster_bounds_unoptimised, levenshtein};

/// Characters that exercise every UAX #29 rule: CR/LF, controls, Extend, ZWJ,
/// SpacingMark, Prepend, Hangul L/V/T/LV/LVT, Regional_Indicator, emoji and skin
/// tones, Indic consonants and virama (GB9c), lone surrogates, plus plain letters.
const HARD: &[u32] = &[
    0x61, 0x62, 0x0D, 0x0A, 0x01, 0xAD, 0xE9, 0x301, 0x308, 0x200D, 0x200C, 0x903, 0x600, 0x1100,
    0x1161, 0x11A8, 0xAC00, 0xAC01, 0x1F1E6, 0x1F1EB, 0x1F600, 0x1F44D, 0x1F3FD, 0x2764, 0xFE0F,
    0x915, 0x937, 0x94D, 0x93F, 0xD800, 0xDC00, 0x4E2D, 0xE0061, 0xE007F, 0x1F3F4, 0x16D63,
    0x16D67,
];

fn hard_string(max: usize) -> impl Strategy<Value = Vec<u32>> {
    vec(prop::sample::select(HARD), 0..max)
}

fn clusters(s: &[u32]) -> Vec<&[u32]> {
    cluster_bounds_unoptimised(Units::U32(s))
        .windows(2)
        .map(|w| &s[w[0]..w[1]])
        .collect()
}

fn naive_clusters(a: &[u32], b: &[u32]) -> usize {
    // Number the distinct clusters so the naive reference compares integers.
    let (ca, cb) = (clusters(a), clusters(b));
    let mut seen: Vec<Vec<u32>> = Vec::new();
    let mut id = |c: &[u32]| -> u32 {
        let i = seen.iter().position(|s| s == c).unwrap_or_else(|| {
            seen.push(c.to_vec());
            seen.len() - 1
        });
        i as u32
    };
    let ia: Vec<u32> = ca.into_iter().map(&mut id).collect();
    let ib: Vec<u32> = cb.into_iter().map(&mut id).collect();
    naive(&ia, &ib)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn shortcut_segmentation_equals_the_segmenter(s in hard_string(40)) {
        prop_assert_eq!(cluster_bounds(Units::U32(&s)), cluster_bounds_unoptimised(Units::U32(&s)));
    }

    #[test]
    fn grapheme_distance_matches_reference_over_clusters(a in hard_string(30), b in hard_string(30)) {
        let want = naive_clusters(&a, &b);
        let gc = Options { grapheme_segmentation: true, max_distance: None, ..Options::default() };
        prop_assert_eq!(levenshtein(Units::U32(&a), Units::U32(&b), gc), want);
        prop_assert_eq!(levenshtein(Units::U32(&b), Units::U32(&a), gc), want);
    }
}

#[test]
fn long_grapheme_strings_cross_the_word_boundary() {
    // 70 and 130 clusters of two code points each: the block kernel on cluster ids.
    let a: Vec<u32> = (0..70).flat_map(|i| [0x61 + i % 3, 0x301]).collect();
    let b: Vec<u32> = (0..130).flat_map(|i| [0x61 + i % 4, 0x301]).collect();
    let gc = Options {
        grapheme_segmentation: true,
        max_distance: None,
        ..Options::default()
    };
    assert_eq!(
        levenshtein(Units::U32(&a), Units::U32(&b), gc),
        naive_clusters(&a, &b)
    );
}
