//! Property tests of the Arrow column reader: hand-built utf8, large_utf8 and
//! utf8_view buffers (chunked, sliced, with nulls) against the naive reference, and
//! corrupted buffers giving errors, never panics.

use proptest::collection::vec;
use proptest::prelude::*;
use pyo3_levenshtein::columns::{
    Bitmap, Chunk, Column, ColumnError, Distances, Side, Strings, levenshtein_columns,
    normalized_columns,
};
use pyo3_levenshtein::reference::{naive, naive_weighted};
use pyo3_levenshtein::{Options, Units, Weights, code_points, scores};

/// Owned Arrow buffers for some optional strings, in one layout, with `skip`
/// leading elements that the chunk slices away (as an Arrow array offset does).
struct Owned {
    layout: u8,
    offsets: Vec<u8>,
    values: Vec<u8>,
    validity: Vec<u8>,
    skip: usize,
    len: usize,
}

impl Owned {
    fn new(layout: u8, strings: &[Option<String>], skip: usize) -> Self {
        let mut padded: Vec<Option<String>> = vec![Some("skipped".into()); skip];
        padded.extend_from_slice(strings);
        let mut offsets = Vec::new();
        let mut values = Vec::new();
        let mut validity = vec![0u8; padded.len().div_ceil(8)];
        match layout {
            0 | 1 => {
                let push = |offsets: &mut Vec<u8>, o: usize| {
                    if layout == 0 {
                        offsets.extend((o as i32).to_ne_bytes());
                    } else {
                        offsets.extend((o as i64).to_ne_bytes());
                    }
                };
                push(&mut offsets, 0);
                for s in &padded {
                    values.extend(s.as_deref().unwrap_or("").as_bytes());
                    push(&mut offsets, values.len());
                }
            }
            _ => {
                for s in &padded {
                    let bytes = s.as_deref().unwrap_or("").as_bytes();
                    let mut view = [0u8; 16];
                    view[..4].copy_from_slice(&(bytes.len() as u32).to_ne_bytes());
                    if bytes.len() <= 12 {
                        view[4..4 + bytes.len()].copy_from_slice(bytes);
                    } else {
                        view[4..8].copy_from_slice(&bytes[..4]);
                        view[8..12].copy_from_slice(&0u32.to_ne_bytes());
                        view[12..16].copy_from_slice(&(values.len() as u32).to_ne_bytes());
                        values.extend(bytes);
                    }
                    offsets.extend(view);
                }
            }
        }
        for (i, s) in padded.iter().enumerate() {
            if s.is_some() {
                validity[i / 8] |= 1 << (i % 8);
            }
        }
        Owned {
            layout,
            offsets,
            values,
            validity,
            skip,
            len: strings.len(),
        }
    }

    fn chunk(&self) -> Chunk<'_> {
        let width = [4, 8, 16][self.layout as usize];
        let offsets = &self.offsets[self.skip * width..];
        let strings = match self.layout {
            0 => Strings::Utf8 {
                offsets,
                values: &self.values,
            },
            1 => Strings::LargeUtf8 {
                offsets,
                values: &self.values,
            },
            _ => Strings::Utf8View {
                views: offsets,
                buffers: vec![&self.values],
            },
        };
        let validity = Bitmap {
            bits: &self.validity,
            offset: self.skip,
        };
        Chunk::new(strings, Some(validity), self.len).expect("buffers fit")
    }
}

fn text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        3 => "[ab]{0,70}".prop_map(Some),
        3 => "[a-zé日😀\u{0}]{0,30}".prop_map(Some),
        2 => any::<String>().prop_map(Some),
    ]
}

fn expected(a: &[Option<String>], b: &[Option<String>]) -> Vec<Option<u32>> {
    a.iter()
        .zip(b)
        .map(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => Some(naive(&code_points(x), &code_points(y)) as u32),
            _ => None,
        })
        .collect()
}

fn as_options<T: Copy>(d: &Distances<T>) -> Vec<Option<T>> {
    d.values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let valid = d
                .validity
                .as_ref()
                .is_none_or(|bits| bits[i / 8] & (1 << (i % 8)) != 0);
            valid.then_some(v)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn chunked_sliced_columns_match_the_reference(
        pairs in vec((text(), text()), 0..3000),
        layouts in (0u8..3, 0u8..3),
        split in any::<prop::sample::Index>(),
        skips in (0usize..20, 0usize..20),
    ) {
        let a: Vec<Option<String>> = pairs.iter().map(|p| p.0.clone()).collect();
        let b: Vec<Option<String>> = pairs.iter().map(|p| p.1.clone()).collect();
        let cut = split.index(a.len() + 1);
        let a1 = Owned::new(layouts.0, &a[..cut], skips.0);
        let a2 = Owned::new(layouts.0, &a[cut..], skips.1);
        let b1 = Owned::new(layouts.1, &b, skips.1);
        let column_a = Column::new([a1.chunk(), a2.chunk()]);
        let column_b = Column::new([b1.chunk()]);
        let got = levenshtein_columns(
            Side::Column(&column_a), Side::Column(&column_b), Options::default(), Some(2), || false,
        ).expect("valid columns");
        let want = expected(&a, &b);
        prop_assert_eq!(got.null_count, want.iter().filter(|d| d.is_none()).count());
        prop_assert_eq!(as_options(&got), want);
    }

    #[test]
    fn a_scalar_b_is_compared_with_every_element(
        a in vec(text(), 0..200), b in "[a-zé日😀]{0,20}", layout in 0u8..3,
    ) {
        let owned = Owned::new(layout, &a, 3);
        let column = Column::new([owned.chunk()]);
        let units = code_points(&b);
        let got = levenshtein_columns(
            Side::Column(&column), Side::Scalar(Units::U32(&units)), Options::default(), None, || false,
        ).expect("valid column");
        let bs = vec![Some(b); a.len()];
        prop_assert_eq!(as_options(&got), expected(&a, &bs));
    }

    /// Weighted distances and normalized ones, over chunked and sliced columns of
    /// every layout, against the naive weighted distance and the per-pair score.
    #[test]
    fn weighted_and_normalized_columns_match_the_per_pair_results(
        pairs in vec((text(), text()), 0..300),
        layouts in (0u8..3, 0u8..3),
        skips in (0usize..20, 0usize..20),
        (insert, delete, substitute) in (0usize..4, 0usize..4, 0usize..5),
        grapheme_segmentation in any::<bool>(),
    ) {
        let a: Vec<Option<String>> = pairs.iter().map(|p| p.0.clone()).collect();
        let b: Vec<Option<String>> = pairs.iter().map(|p| p.1.clone()).collect();
        let cut = a.len() / 2;
        let (a1, a2) = (Owned::new(layouts.0, &a[..cut], skips.0), Owned::new(layouts.0, &a[cut..], skips.1));
        let b1 = Owned::new(layouts.1, &b, skips.1);
        let column_a = Column::new([a1.chunk(), a2.chunk()]);
        let column_b = Column::new([b1.chunk()]);
        let weights = Weights { insert, delete, substitute };
        let options = Options { weights, grapheme_segmentation, ..Options::default() };
        let (sa, sb) = (Side::Column(&column_a), Side::Column(&column_b));
        let got = levenshtein_columns(sa, sb, options, Some(2), || false).expect("valid columns");
        let normalized = normalized_columns(sa, sb, options, Some(2), || false).expect("valid columns");
        let (got, normalized) = (as_options(&got), as_options(&normalized));
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            let (Some(x), Some(y)) = (x, y) else {
                prop_assert!(got[i].is_none() && normalized[i].is_none());
                continue;
            };
            let (x, y) = (code_points(x), code_points(y));
            let (ux, uy) = (Units::U32(&x), Units::U32(&y));
            if !grapheme_segmentation {
                prop_assert_eq!(got[i], Some(naive_weighted(&x, &y, insert, delete, substitute) as u32));
            }
            prop_assert_eq!(got[i], Some(pyo3_levenshtein::levenshtein(ux, uy, options) as u32));
            let want = scores::normalized_distance(ux, uy, options, None);
            prop_assert_eq!(normalized[i].map(f64::to_bits), Some(want.to_bits()));
        }
    }

    /// Any corruption of the buffers gives a result or an error, never a panic.
    #[test]
    fn corrupted_buffers_never_panic(
        a in vec(text(), 1..50),
        layout in 0u8..3,
        flips in vec((any::<prop::sample::Index>(), any::<u8>(), any::<bool>()), 1..8),
    ) {
        let mut owned = Owned::new(layout, &a, 0);
        for (at, byte, in_offsets) in flips {
            let target = if in_offsets || owned.values.is_empty() {
                &mut owned.offsets
            } else {
                &mut owned.values
            };
            let i = at.index(target.len());
            target[i] = byte;
        }
        let column = Column::new([owned.chunk()]);
        let result = levenshtein_columns(
            Side::Column(&column), Side::Scalar(Units::U8(b"abc")), Options::default(), Some(1), || false,
        );
        if let Err(e) = result {
            prop_assert!(matches!(
                e,
                ColumnError::Offsets { .. } | ColumnError::Utf8 { .. } | ColumnError::TooLong { .. }
            ), "{e}");
        }
    }
}

#[test]
fn different_lengths_are_an_error() {
    let a = Owned::new(0, &[Some("a".into())], 0);
    let b = Owned::new(2, &[Some("a".into()), None], 0);
    let (ca, cb) = (Column::new([a.chunk()]), Column::new([b.chunk()]));
    assert_eq!(
        levenshtein_columns(
            Side::Column(&ca),
            Side::Column(&cb),
            Options::default(),
            None,
            || false
        ),
        Err(ColumnError::Lengths { a: 1, b: 2 })
    );
}

#[test]
fn polling_true_cancels() {
    let words: Vec<Option<String>> = (0..200_000).map(|i| Some(format!("{i}x"))).collect();
    let a = Owned::new(0, &words, 0);
    let column = Column::new([a.chunk()]);
    let result = levenshtein_columns(
        Side::Column(&column),
        Side::Scalar(Units::U8(&[b'y'; 3000])),
        Options::default(),
        Some(1),
        || true,
    );
    assert!(matches!(result, Err(ColumnError::Core(_))), "{result:?}");
}
