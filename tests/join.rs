//! The join and the index against brute force: both join forms, every route of
//! the filters (deletion neighbourhoods, Pass-Join segments, all), graphemes,
//! and searches equal to `nearest` for every count and bound.

use proptest::collection::vec;
use proptest::prelude::*;
use pyo3_levenshtein::reference::naive;
use pyo3_levenshtein::{
    Index, Options, Parallel, Units, levenshtein, levenshtein_join, levenshtein_self_join, nearest,
};

/// Few symbols (many near and exact duplicates), a lone surrogate and an astral one.
fn unit() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..3, 1 => Just(0xD800), 1 => Just(0x1_F600), 1 => 250u32..258]
}

/// Strings in clusters: a few seeds, each copied with a few edits.
fn clustered(max_len: usize, max_count: usize) -> impl Strategy<Value = Vec<Vec<u32>>> {
    let seeds = vec(vec(unit(), 0..max_len), 1..6);
    let edits = vec((0usize..3, any::<prop::sample::Index>(), unit()), 0..4);
    let copies = vec((any::<prop::sample::Index>(), edits), 0..max_count);
    (seeds, copies).prop_map(|(seeds, copies)| {
        let mut out = seeds.clone();
        for (seed, edits) in copies {
            let mut s = seed.get(&seeds).clone();
            for (op, at, c) in edits {
                let i = at.index(s.len() + 1);
                match op {
                    0 => s.insert(i, c),
                    1 if i < s.len() => {
                        s.remove(i);
                    }
                    _ if i < s.len() => s[i] = c,
                    _ => s.push(c),
                }
            }
            out.push(s);
        }
        out
    })
}

fn units(strings: &[Vec<u32>]) -> Vec<Units<'_>> {
    strings.iter().map(|s| Units::U32(s)).collect()
}

type Triples = Vec<(u32, u32, u32)>;

fn brute(left: &[Vec<u32>], right: &[Vec<u32>], k: usize, upper: bool) -> Triples {
    let mut out = Vec::new();
    for (i, a) in left.iter().enumerate() {
        for (j, b) in right.iter().enumerate() {
            if upper && j <= i {
                continue;
            }
            let d = naive(a, b);
            if d <= k {
                out.push((i as u32, j as u32, d as u32));
            }
        }
    }
    out
}

fn triples(p: &pyo3_levenshtein::JoinPairs) -> Triples {
    (0..p.len())
        .map(|r| (p.left[r], p.right[r], p.distance[r]))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn self_join_of_short_strings_matches_brute_force(
        strings in clustered(12, 60),
        k in 0usize..5,
        threads in prop_oneof![Just(None), Just(Some(1)), Just(Some(3))],
    ) {
        let got = levenshtein_self_join(&units(&strings)[..], k, false, threads, |_| false);
        prop_assert_eq!(triples(&got.unwrap()), brute(&strings, &strings, k, true));
    }

    #[test]
    fn join_of_long_strings_matches_brute_force(
        left in clustered(90, 25),
        right in clustered(90, 25),
        k in 0usize..13,
    ) {
        let got = levenshtein_join(&units(&left)[..], &units(&right)[..], k, false, Some(2), |_| false);
        prop_assert_eq!(triples(&got.unwrap()), brute(&left, &right, k, false));
    }

    #[test]
    fn search_equals_nearest(
        choices in clustered(30, 80),
        queries in clustered(30, 6),
        k in prop_oneof![Just(None), (1usize..6).prop_map(Some)],
        max in prop_oneof![Just(None), (0usize..9).prop_map(Some)],
    ) {
        let k = if k.is_none() && max.is_none() { Some(2) } else { k };
        let c = units(&choices);
        let index = Index::new(&c[..], false).unwrap();
        let options = Options { max_distance: max, ..Options::default() };
        let q = units(&queries);
        let batch = index.search_batch(&q[..], k, max, Some(2), || false).unwrap();
        for (i, query) in q.iter().enumerate() {
            let want = nearest(*query, &c[..], k, options, Parallel::default(), || false).unwrap();
            let got = index.search(*query, k, max, Parallel::default(), || false).unwrap();
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(&batch[i], &want);
        }
    }
}

/// Graphemes: ids shared between the two sides, and queries whose clusters no choice holds.
#[test]
fn grapheme_mode_counts_clusters() {
    let text = |s: &str| s.chars().map(u32::from).collect::<Vec<u32>>();
    let strings: Vec<Vec<u32>> = ["e\u{301}a", "ea", "\u{e9}a", "e\u{301}", "x\r\ny", "xy", ""]
        .iter()
        .map(|s| text(s))
        .collect();
    let u = units(&strings);
    let graphemes = Options {
        grapheme_segmentation: true,
        ..Options::default()
    };
    for k in 0..4 {
        let mut want = Vec::new();
        for i in 0..u.len() {
            for j in i + 1..u.len() {
                let d = levenshtein(u[i], u[j], graphemes);
                if d <= k {
                    want.push((i as u32, j as u32, d as u32));
                }
            }
        }
        let got = levenshtein_self_join(&u[..], k, true, None, |_| false).unwrap();
        assert_eq!(triples(&got), want, "k = {k}");
        let index = Index::new(&u[..], true).unwrap();
        for q in ["e\u{301}", "a\u{300}", "x\r\n", "\u{e9}a"] {
            let q = text(q);
            let options = Options {
                max_distance: Some(k),
                ..graphemes
            };
            let want = nearest(
                Units::U32(&q),
                &u[..],
                None,
                options,
                Parallel::default(),
                || false,
            );
            let got = index.search(Units::U32(&q), None, Some(k), Parallel::default(), || false);
            assert_eq!(got, want);
        }
    }
}

#[test]
fn empty_sides_and_exact_duplicates() {
    let none: [Units<'_>; 0] = [];
    let some = [Units::U8(b"a"), Units::U8(b"a"), Units::U8(b"")];
    let join =
        |l: &[Units<'_>], r: &[Units<'_>], k| levenshtein_join(l, r, k, false, None, |_| false);
    assert!(join(&none, &some, 3).unwrap().is_empty());
    assert!(join(&some, &none, 3).unwrap().is_empty());
    let pairs = levenshtein_self_join(&some[..], 0, false, None, |_| false).unwrap();
    assert_eq!(triples(&pairs), vec![(0, 1, 0)]);
    let pairs = levenshtein_self_join(&some[..], 1, false, None, |_| false).unwrap();
    assert_eq!(triples(&pairs), vec![(0, 1, 0), (0, 2, 1), (1, 2, 1)]);
}

#[test]
fn cancelled_join_stops() {
    let strings: Vec<Vec<u8>> = (0..3000u32)
        .map(|i| (0..40).map(|j| (i.wrapping_mul(j + 7) % 3) as u8).collect())
        .collect();
    let u: Vec<Units<'_>> = strings.iter().map(|s| Units::U8(s)).collect();
    let got = levenshtein_self_join(&u[..], 30, false, Some(2), |_| true);
    assert_eq!(got, Err(pyo3_levenshtein::Error::Cancelled));
}
