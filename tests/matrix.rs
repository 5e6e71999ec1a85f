//! levenshtein_matrix() against the naive reference: every lane kernel and width,
//! bounds, all string widths, graphemes and cancellation.

use proptest::collection::vec;
use proptest::prelude::*;
use pyo3_levenshtein::reference::naive;
use pyo3_levenshtein::{
    Error, Kernel, Options, Parallel, Units, available_memory, levenshtein_matrix,
};

fn unit() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..3, 250u32..258, 0xD800u32..0xD802, Just(0x1_F600)]
}

/// Strings of every width class, each stored in the narrowest width (as CPython does).
fn stored(cps: &[Vec<u32>]) -> Vec<Storage> {
    cps.iter()
        .map(|s| match s.iter().max().copied().unwrap_or(0) {
            0..=255 => Storage::U8(s.iter().map(|&c| c as u8).collect()),
            256..=0xFFFF => Storage::U16(s.iter().map(|&c| c as u16).collect()),
            _ => Storage::U32(s.clone()),
        })
        .collect()
}

enum Storage {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

fn units(s: &[Storage]) -> Vec<Units<'_>> {
    s.iter()
        .map(|x| match x {
            Storage::U8(v) => Units::U8(v),
            Storage::U16(v) => Units::U16(v),
            Storage::U32(v) => Units::U32(v),
        })
        .collect()
}

fn lengths() -> impl Strategy<Value = std::ops::Range<usize>> {
    prop_oneof![
        Just(0..10),
        Just(0..20),
        Just(0..40),
        Just(0..70),
        Just(60..140)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    #[test]
    fn matrix_matches_reference(
        (queries, choices) in lengths().prop_flat_map(|r| (
            vec(vec(unit(), r.clone()), 0..150),
            vec(vec(unit(), 0..90), 0..12),
        )),
        bound in prop_oneof![Just(None), (0usize..6).prop_map(Some)],
    ) {
        let (qs, cs) = (stored(&queries), stored(&choices));
        let (qu, cu) = (units(&qs), units(&cs));
        let cap = bound.map_or(usize::MAX, |k| k + 1);
        let want: Vec<usize> = queries
            .iter()
            .flat_map(|q| choices.iter().map(move |c| naive(q, c).min(cap)))
            .collect();
        let options = Options { max_distance: bound, ..Options::default() };
        for kernel in Kernel::ALL {
            let mut got = vec![0usize; want.len()];
            let parallel = Parallel { threads: Some(2), kernel };
            levenshtein_matrix(&qu[..], &cu[..], options, parallel, &mut got, |d| d, || false)
                .expect("matrix");
            prop_assert_eq!(&got, &want, "{:?}", kernel);
        }
    }
}

#[test]
fn available_memory_is_known_on_linux() {
    if cfg!(target_os = "linux") {
        assert!(available_memory().is_some_and(|b| b > 0));
    }
}

#[test]
fn grapheme_mode_interns_clusters_across_strings() {
    let q: Vec<u32> = "e\u{301}x".chars().map(u32::from).collect();
    let c1: Vec<u32> = "xe\u{301}".chars().map(u32::from).collect();
    let c2: Vec<u32> = "ex".chars().map(u32::from).collect();
    let qs = [Units::U32(&q)];
    let cs = [Units::U32(&c1), Units::U32(&c2), Units::U8(b"")];
    let options = Options {
        grapheme_segmentation: true,
        ..Options::default()
    };
    let mut out = [0usize; 3];
    levenshtein_matrix(
        &qs[..],
        &cs[..],
        options,
        Parallel::default(),
        &mut out,
        |d| d,
        || false,
    )
    .expect("matrix");
    assert_eq!(out, [2, 1, 2]);
}

#[test]
fn polling_true_cancels() {
    let long: Vec<u8> = (0..200_000u32).map(|i| (i % 7) as u8).collect();
    let qs = vec![Units::U8(&long[..60]); 64];
    let cs = vec![Units::U8(&long); 64];
    let mut out = vec![0usize; 64 * 64];
    let mut polls = 0;
    let r = levenshtein_matrix(
        &qs[..],
        &cs[..],
        Options::default(),
        Parallel::default(),
        &mut out,
        |d| d,
        || {
            polls += 1;
            polls > 1
        },
    );
    assert_eq!(r, Err(Error::Cancelled));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Weighted and bounded: queries past a word go pairwise, where the
    /// lengths alone settle most cells (each unit of length difference costs
    /// an insertion or a deletion, free ones included).
    #[test]
    fn weighted_bounded_matrix_matches_reference(
        queries in vec(vec(0u32..3, 0..110), 0..6),
        choices in vec(vec(0u32..3, 0..110), 0..12),
        (insert, delete, substitute) in (0usize..=3, 0usize..=3, 0usize..=3),
        bound in 0usize..12,
    ) {
        use pyo3_levenshtein::Weights;
        use pyo3_levenshtein::reference::naive_weighted;
        let weights = Weights { insert, delete, substitute };
        let (qs, cs) = (stored(&queries), stored(&choices));
        let (qu, cu) = (units(&qs), units(&cs));
        let want: Vec<usize> = queries
            .iter()
            .flat_map(|q| choices.iter().map(move |c| naive_weighted(q, c, insert, delete, substitute).min(bound + 1)))
            .collect();
        let options = Options { max_distance: Some(bound), weights, ..Options::default() };
        let mut got = vec![0usize; want.len()];
        let parallel = Parallel { threads: Some(2), ..Parallel::default() };
        levenshtein_matrix(&qu[..], &cu[..], options, parallel, &mut got, |d| d, || false)
            .expect("matrix");
        prop_assert_eq!(got, want);
    }
}
