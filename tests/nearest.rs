//! nearest() against the naive reference: every lane kernel, bounds, ties, graphemes,
//! pool helpers, deferred long choices and cancellation.

use proptest::collection::vec;
use proptest::prelude::*;
use pyo3_levenshtein::reference::naive;
use pyo3_levenshtein::{Error, Kernel, Options, Parallel, Strings, Units, nearest};

fn unit() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..3, 250u32..258, Just(0xD800), Just(0x1_F600)]
}

fn want(q: &[u32], cs: &[Vec<u32>], k: Option<usize>, max: Option<usize>) -> Vec<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = cs
        .iter()
        .enumerate()
        .map(|(i, c)| (naive(q, c), i))
        .filter(|&(d, _)| max.is_none_or(|m| d <= m))
        .collect();
    all.sort_unstable();
    if let Some(k) = k {
        all.truncate(k);
    }
    all.into_iter().map(|(d, i)| (i, d)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 80, ..ProptestConfig::default() })]

    #[test]
    fn nearest_matches_reference(
        q in prop_oneof![vec(unit(), 0..10), vec(unit(), 0..70), vec(unit(), 60..90)],
        cs in vec(prop_oneof![9 => vec(unit(), 0..40), 1 => vec(unit(), 200..400)], 0..1500),
        k in prop_oneof![Just(None), (1usize..12).prop_map(Some)],
        max in prop_oneof![Just(None), (0usize..8).prop_map(Some)],
    ) {
        let k = if k.is_none() && max.is_none() { Some(3) } else { k };
        let expected = want(&q, &cs, k, max);
        let units: Vec<Units<'_>> = cs.iter().map(|c| Units::U32(c)).collect();
        let options = Options { max_distance: max, ..Options::default() };
        for kernel in Kernel::ALL {
            let parallel = Parallel { threads: Some(3), kernel };
            let got = nearest(Units::U32(&q), &units[..], k, options, parallel, || false);
            prop_assert_eq!(got.as_ref(), Ok(&expected), "{:?}", kernel);
        }
    }
}

/// The clusters of `s` as slices of its code points (the public segmenter).
fn clusters(s: &[u32]) -> Vec<Vec<u32>> {
    let b = pyo3_levenshtein::cluster_bounds(Units::U32(s));
    b.windows(2).map(|w| s[w[0]..w[1]].to_vec()).collect()
}

fn grapheme_unit() -> impl Strategy<Value = u32> {
    // Letters, a combining accent, ZWJ, a skin tone, CR and LF.
    prop_oneof![
        Just(0x61),
        Just(0x62),
        Just(0x301),
        Just(0x200D),
        Just(0x1_F3FD),
        Just(0x0D),
        Just(0x0A),
        Just(0x1_F44D)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20, ..ProptestConfig::default() })]

    /// Enough choices for the parallel segmentation, each against the query's clusters.
    #[test]
    fn grapheme_nearest_matches_reference(
        q in vec(grapheme_unit(), 0..12),
        cs in vec(vec(grapheme_unit(), 0..14), 500..900),
        k in 1usize..12,
    ) {
        let qc = clusters(&q);
        let mut all: Vec<(usize, usize)> =
            cs.iter().enumerate().map(|(i, c)| (naive_clusters(&qc, &clusters(c)), i)).collect();
        all.sort_unstable();
        all.truncate(k);
        let want: Vec<(usize, usize)> = all.into_iter().map(|(d, i)| (i, d)).collect();
        let units: Vec<Units<'_>> = cs.iter().map(|c| Units::U32(c)).collect();
        let options = Options { grapheme_segmentation: true, ..Options::default() };
        let parallel = Parallel { threads: Some(3), kernel: Kernel::best() };
        let got = nearest(Units::U32(&q), &units[..], Some(k), options, parallel, || false);
        prop_assert_eq!(got, Ok(want));
    }
}

/// Levenshtein over clusters compared as whole code point sequences.
fn naive_clusters(a: &[Vec<u32>], b: &[Vec<u32>]) -> usize {
    let ids = |x: &[Vec<u32>], all: &mut Vec<Vec<u32>>| -> Vec<u32> {
        x.iter()
            .map(|c| match all.iter().position(|y| y == c) {
                Some(i) => i as u32,
                None => {
                    all.push(c.clone());
                    all.len() as u32 - 1
                }
            })
            .collect()
    };
    let mut all = Vec::new();
    let (ia, ib) = (ids(a, &mut all), ids(b, &mut all));
    naive(&ia, &ib)
}

/// A million overlapping windows of one buffer.
struct Windows(Vec<u8>);

impl Strings for Windows {
    fn count(&self) -> usize {
        1_000_000
    }
    fn get(&self, i: usize) -> Units<'_> {
        let start = i % 1000;
        Units::U8(&self.0[start..start + 200 + i % 57])
    }
}

/// The calling thread scans too, and still polls: cancelled, on any thread count.
#[test]
fn polling_true_cancels_a_long_scan() {
    let buffer: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 13) as u8).collect();
    let choices = Windows(buffer);
    for threads in [1, 2] {
        let parallel = Parallel {
            threads: Some(threads),
            kernel: Kernel::best(),
        };
        let started = std::time::Instant::now();
        // No k and no bound: nothing is pruned, far more than one poll interval of work.
        let got = nearest(
            Units::U8(b"0123456789"),
            &choices,
            None,
            Options::default(),
            parallel,
            || true,
        );
        assert_eq!(got, Err(Error::Cancelled));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
}

/// Enough units for pool helpers to join the calling thread, long choices
/// (the deferred phase) mixed in.
#[test]
fn helped_scans_match_reference() {
    let buffer: Vec<u8> = (0..5000u32).map(|i| (i * i % 7) as u8).collect();
    let choices: Vec<Units<'_>> = (0..20_000usize)
        .map(|i| {
            let (start, len) = (
                i * 31 % 4000,
                if i % 97 == 0 {
                    300 + i % 400
                } else {
                    100 + i % 60
                },
            );
            Units::U8(&buffer[start..(start + len).min(buffer.len())])
        })
        .collect();
    let query: Vec<u8> = buffer[10..50].to_vec();
    let all: Vec<(usize, usize)> = choices
        .iter()
        .enumerate()
        .map(|(i, c)| match c {
            Units::U8(c) => (naive(&query, c), i),
            _ => unreachable!(),
        })
        .collect();
    for (k, max) in [
        (Some(5), None),
        (Some(1), None),
        (Some(7), Some(95)),
        (None, Some(90)),
    ] {
        let mut want: Vec<(usize, usize)> = all
            .iter()
            .copied()
            .filter(|&(d, _)| max.is_none_or(|m| d <= m))
            .collect();
        want.sort_unstable();
        if let Some(k) = k {
            want.truncate(k);
        }
        let want: Vec<(usize, usize)> = want.into_iter().map(|(d, i)| (i, d)).collect();
        for threads in [2, 3] {
            let parallel = Parallel {
                threads: Some(threads),
                kernel: Kernel::best(),
            };
            let options = Options {
                max_distance: max,
                ..Options::default()
            };
            let got = nearest(
                Units::U8(&query),
                &choices[..],
                k,
                options,
                parallel,
                || false,
            );
            assert_eq!(
                got.as_ref(),
                Ok(&want),
                "k {k:?} max {max:?} threads {threads}"
            );
        }
    }
}

#[test]
fn ties_are_broken_by_index() {
    let cs = [
        Units::U8(b"ab"),
        Units::U8(b"ba"),
        Units::U8(b"aa"),
        Units::U8(b"bb"),
    ];
    let got = nearest(
        Units::U8(b"ac"),
        &cs[..],
        Some(2),
        Options::default(),
        Parallel::default(),
        || false,
    );
    assert_eq!(got, Ok(vec![(0, 1), (2, 1)]));
}
