//! Weights through every job: batch, matrix and nearest against the naive
//! weighted Wagner-Fischer, including the weights that switch off the lanes and
//! the length-difference pruning (a free insertion or deletion).

use proptest::prelude::*;
use pyo3_levenshtein::reference::naive_weighted;
use pyo3_levenshtein::{
    Options, Parallel, Units, Weights, levenshtein, levenshtein_batch, levenshtein_matrix, nearest,
    normalized_matrix, scores,
};

fn words() -> impl Strategy<Value = Vec<Vec<u32>>> {
    let symbol = prop_oneof![0u32..3, 0u32..0x11_0000];
    proptest::collection::vec(proptest::collection::vec(symbol, 0..90), 1..12)
}

fn weights() -> impl Strategy<Value = Weights> {
    (0usize..4, 0usize..4, 0usize..5).prop_map(|(insert, delete, substitute)| Weights {
        insert,
        delete,
        substitute,
    })
}

fn naive(a: &[u32], b: &[u32], w: Weights) -> usize {
    naive_weighted(a, b, w.insert, w.delete, w.substitute)
}

fn capped(d: usize, k: Option<usize>) -> usize {
    k.map_or(d, |k| d.min(k + 1))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn batch_matrix_and_nearest_agree_with_the_naive_weighted_distance(
        queries in words(),
        choices in words(),
        w in weights(),
        k in proptest::option::of(0usize..40),
        top in proptest::option::of(1usize..5),
    ) {
        let options = Options { max_distance: k, weights: w, ..Options::default() };
        let q: Vec<Units> = queries.iter().map(|s| Units::U32(s)).collect();
        let c: Vec<Units> = choices.iter().map(|s| Units::U32(s)).collect();

        let pairs: Vec<(Units, Units)> = q.iter().zip(c.iter().cycle()).map(|(a, b)| (*a, *b)).collect();
        let got = levenshtein_batch(&pairs, options, Some(2), || false).expect("batch");
        for ((a, b), d) in queries.iter().zip(choices.iter().cycle()).zip(&got) {
            prop_assert_eq!(*d, capped(naive(a, b, w), k));
        }

        let mut out = vec![0u64; q.len() * c.len()];
        levenshtein_matrix(&q[..], &c[..], options, Parallel::default(), &mut out, |d| d as u64, || false)
            .expect("matrix");
        for (i, a) in queries.iter().enumerate() {
            for (j, b) in choices.iter().enumerate() {
                prop_assert_eq!(out[i * c.len() + j], capped(naive(a, b, w), k) as u64);
                prop_assert_eq!(levenshtein(q[i], c[j], options), capped(naive(a, b, w), k));
            }
        }

        let mut want: Vec<(usize, usize)> = choices
            .iter()
            .enumerate()
            .map(|(j, b)| (naive(&queries[0], b, w), j))
            .filter(|&(d, _)| k.is_none_or(|k| d <= k))
            .collect();
        want.sort_unstable();
        if let Some(top) = top {
            want.truncate(top);
        }
        let want: Vec<(usize, usize)> = want.into_iter().map(|(d, j)| (j, d)).collect();
        let found = nearest(q[0], &c[..], top, options, Parallel::default(), || false).expect("nearest");
        prop_assert_eq!(found, want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The normalized matrix divides the lanes' and the pairwise distances by the
    /// maximum as it writes them: the same bits as the per-pair score.
    #[test]
    fn the_normalized_matrix_is_the_per_pair_normalized_distance(
        queries in words(),
        choices in words(),
        w in weights(),
        grapheme_segmentation in any::<bool>(),
    ) {
        let options = Options { weights: w, grapheme_segmentation, ..Options::default() };
        let q: Vec<Units> = queries.iter().map(|s| Units::U32(s)).collect();
        let c: Vec<Units> = choices.iter().map(|s| Units::U32(s)).collect();
        let mut out = vec![0.0f64; q.len() * c.len()];
        normalized_matrix(&q[..], &c[..], options, Parallel::default(), &mut out, || false)
            .expect("matrix");
        for (i, a) in q.iter().enumerate() {
            for (j, b) in c.iter().enumerate() {
                let want = scores::normalized_distance(*a, *b, options, None);
                prop_assert_eq!(out[i * c.len() + j].to_bits(), want.to_bits());
            }
        }
    }
}
