//! Property tests: the weighted entry point against the naive weighted
//! Wagner-Fischer, in every width a pair fits, with and without bounds.

use proptest::collection::vec;
use proptest::prelude::*;
use pyo3_levenshtein::reference::naive_weighted;
use pyo3_levenshtein::{Units, Weights, levenshtein_weighted, levenshtein_weighted_with_stop};
use std::sync::atomic::AtomicBool;

/// Alphabets of one and two letters (long runs, many ties), ASCII letters and
/// digits, and units that need two or four bytes.
fn alphabet() -> impl Strategy<Value = (u32, u32)> {
    prop::sample::select(vec![
        (0u32, 1u32),
        (0, 2),
        (b'0'.into(), b'z'.into()),
        (0xD7FE, 0xD802),
        (0x1_F600, 0x1_F603),
    ])
}

/// Lengths on both sides of the word and two-word edges, and up to ~300.
fn length() -> impl Strategy<Value = usize> {
    prop_oneof![
        2 => 0usize..40,
        1 => 0usize..300,
        2 => prop::sample::select(vec![0usize, 1, 63, 64, 65, 127, 128, 129]),
    ]
}

fn seq_over((lo, hi): (u32, u32)) -> impl Strategy<Value = Vec<u32>> {
    length().prop_flat_map(move |n| vec(lo..hi, n))
}

/// Two strings over one alphabet, unrelated or the second an edit of the first.
fn pair() -> impl Strategy<Value = (Vec<u32>, Vec<u32>)> {
    alphabet().prop_flat_map(|abc| {
        prop_oneof![
            (seq_over(abc), seq_over(abc)),
            (
                seq_over(abc),
                vec((any::<prop::sample::Index>(), abc.0..abc.1, 0u8..3), 0..10)
            )
                .prop_map(|(a, edits)| {
                    let mut b = a.clone();
                    for (at, c, op) in edits {
                        match op {
                            0 if !b.is_empty() => {
                                let i = at.index(b.len());
                                b[i] = c;
                            }
                            1 => b.insert(at.index(b.len() + 1), c),
                            _ if !b.is_empty() => {
                                b.remove(at.index(b.len()));
                            }
                            _ => {}
                        }
                    }
                    (a, b)
                }),
        ]
    })
}

/// Weights 0..=4 each, with the InDel (1, 1, 2) and (1, 2, 3) cases and their
/// mirror images often.
fn weights() -> impl Strategy<Value = Weights> {
    let w = |(insert, delete, substitute)| Weights {
        insert,
        delete,
        substitute,
    };
    prop_oneof![
        3 => (0usize..=4, 0usize..=4, 0usize..=4).prop_map(w),
        1 => prop::sample::select(vec![(1, 1, 2), (1, 2, 3), (2, 1, 3), (1, 1, 1), (2, 2, 3), (1, 2, 2)])
            .prop_map(w),
    ]
}

fn narrow<T: TryFrom<u32>>(s: &[u32]) -> Option<Vec<T>> {
    s.iter().map(|&c| T::try_from(c).ok()).collect()
}

/// A string in the narrowest width that holds it, as CPython stores it, and as u32.
enum Stored {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl Stored {
    fn narrowest(s: &[u32]) -> Self {
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

/// The distance (bounded by `k`) in the narrowest widths and as u32 on either side.
fn check(a: &[u32], b: &[u32], w: Weights, k: Option<usize>) -> Result<(), TestCaseError> {
    let d = naive_weighted(a, b, w.insert, w.delete, w.substitute);
    let want = k.map_or(d, |k| d.min(k.saturating_add(1)));
    let (sa, sb) = (Stored::narrowest(a), Stored::narrowest(b));
    for (x, y) in [
        (sa.units(), sb.units()),
        (Units::U32(a), sb.units()),
        (sa.units(), Units::U32(b)),
    ] {
        prop_assert_eq!(
            levenshtein_weighted(x, y, w, k),
            want,
            "{:?} k = {:?}",
            w,
            k
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn unbounded_matches_reference((a, b) in pair(), w in weights()) {
        check(&a, &b, w, None)?;
        // Swapping the strings swaps insertions and deletions.
        let mirrored = Weights { insert: w.delete, delete: w.insert, ..w };
        check(&b, &a, mirrored, None)?;
    }

    /// Bounds around the distance and small ones: above the bound is k + 1.
    #[test]
    fn bounded_is_min_of_distance_and_bound_plus_one((a, b) in pair(), w in weights(), extra in 0usize..20) {
        let d = naive_weighted(&a, &b, w.insert, w.delete, w.substitute);
        for k in [0, 1, 2, 3, d.saturating_sub(1), d, d + 1, d / 2, d + extra, d.saturating_sub(extra)] {
            check(&a, &b, w, Some(k))?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    /// Weights near the top of the range: sums saturate at usize::MAX as the
    /// reference's do, and nothing overflows or panics.
    #[test]
    fn huge_weights_saturate_like_the_reference(
        (a, b) in pair(),
        w in (0usize..=4, 0usize..=4, 0usize..=4),
        scale in prop::sample::select(vec![u32::MAX as usize, 1 << 40, usize::MAX / 3, usize::MAX]),
    ) {
        let w = Weights {
            insert: w.0.saturating_mul(scale),
            delete: w.1.saturating_mul(scale),
            substitute: w.2.saturating_mul(scale),
        };
        check(&a, &b, w, None)?;
        check(&a, &b, w, Some(usize::MAX))?;
        check(&a, &b, w, Some(scale))?;
    }
}

#[test]
fn empty_strings() {
    let w = Weights {
        insert: 2,
        delete: 3,
        substitute: 4,
    };
    let (e, abc) = (Units::U8(b""), Units::U8(b"abc"));
    assert_eq!(levenshtein_weighted(e, e, w, None), 0);
    assert_eq!(levenshtein_weighted(e, abc, w, None), 6);
    assert_eq!(levenshtein_weighted(abc, e, w, None), 9);
    assert_eq!(levenshtein_weighted(abc, e, w, Some(8)), 9);
    assert_eq!(levenshtein_weighted(abc, e, w, Some(4)), 5);
}

#[test]
fn unit_weights_are_the_plain_distance() {
    let (a, b) = (Units::U8(b"kitten"), Units::U8(b"sitting"));
    assert_eq!(levenshtein_weighted(a, b, Weights::default(), None), 3);
    let triple = Weights {
        insert: 3,
        delete: 3,
        substitute: 3,
    };
    assert_eq!(levenshtein_weighted(a, b, triple, None), 9);
    assert_eq!(levenshtein_weighted(a, b, triple, Some(8)), 9);
    assert_eq!(levenshtein_weighted(a, b, triple, Some(9)), 9);
}

#[test]
fn free_insertions_and_deletions_cost_nothing() {
    let w = Weights {
        insert: 0,
        delete: 0,
        substitute: 7,
    };
    let (a, b) = (Units::U8(b"abc"), Units::U32(&[0x1_F600, 1, 2, 3]));
    assert_eq!(levenshtein_weighted(a, b, w, Some(0)), 0);
}

#[test]
fn a_raised_stop_returns_none_on_a_long_pair() {
    let raised = AtomicBool::new(true);
    let a: Vec<u8> = (0..1_000u32).map(|i| (i * 7 % 13) as u8).collect();
    let b: Vec<u8> = (0..30_000u32).map(|i| (i * 5 % 11) as u8).collect();
    for (insert, delete, substitute) in [(1, 1, 1), (1, 1, 2), (1, 2, 3), (2, 2, 3), (1, 3, 2)] {
        let w = Weights {
            insert,
            delete,
            substitute,
        };
        let (x, y) = (Units::U8(&a), Units::U8(&b));
        assert_eq!(
            levenshtein_weighted_with_stop(x, y, w, None, &raised),
            None,
            "{w:?}"
        );
        assert_eq!(
            levenshtein_weighted_with_stop(x, y, w, None, &AtomicBool::new(false)),
            Some(levenshtein_weighted(x, y, w, None)),
            "{w:?}"
        );
    }
}
