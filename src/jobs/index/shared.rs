//! A self-join's candidates from deletion neighbourhoods: the pairs of
//! strings stored under one variant, found by walking the table instead of
//! probing it.
//!
//! A search looks each variant of its query up, a cache miss apiece, and at
//! k = 3 a word of ten letters has 176 variants. In a self-join each string
//! would probe the very variants it is stored under, so instead the table of
//! every variant is read once, bucket after bucket in memory order, and any
//! two strings under one key make a candidate pair (the join form of FastSS,
//! Bocek, Hunt and Stiller 2007). A pair sharing several variants comes once
//! per variant; the join drops the repeats row by row.
//!
//! Strings are of three kinds here: short ones (1..=`split` units; the join
//! pairs them with each other in vector lanes), those in range (up to `dn`
//! units; all their variants with <= k deletions) and long ones (dn + 1 ..=
//! dn + k units; only their variants of at most dn units, the ones that can
//! meet the variants of a string in range). Every pair has one string in
//! range: two short strings are the lanes' business, two long ones the
//! segment index's.
//!
//! Cost: one table entry per variant to build (as for a search's table), then
//! one step per pair produced. Memory: the table, and the pairs of the rows
//! asked for at a time, which the caller bounds with [`SharedVariants::pairs`]'s
//! row range (the walk then skips, without a step, pairs outside it).

use super::deletions;
use super::table::Table;
use crate::text::arena::Arena;
use crate::text::strings::Strings;
use rayon::prelude::*;
use std::ops::Range;

/// Not in the table.
const NONE: u8 = 0;
/// 1..=split units: paired with strings in range only.
const SHORT: u8 = 1;
/// Up to dn units: paired with every kind.
const IN_RANGE: u8 = 2;
/// dn + 1 ..= dn + k units: paired with strings in range only.
const LONG: u8 = 3;

/// The pairs one slice of the table yields, per bin of rows.
pub(crate) type Bins = Vec<Vec<(u32, u32)>>;

/// The variant table of a self-join's strings, ready to be walked for pairs.
pub(crate) struct SharedVariants {
    table: Table,
    /// The kind of each string.
    kind: Vec<u8>,
}

/// A walk's working memory, per task.
#[derive(Default)]
struct Walk {
    sort: Vec<u64>,
    ids: Vec<u32>,
    /// A group's strings in range, and the others, ascending.
    in_range: Vec<u32>,
    others: Vec<u32>,
}

impl SharedVariants {
    /// The table for bound `k` of the strings up to `dn + k` units; strings of
    /// 1..=`split` units are short (none if `split` is 0).
    pub(crate) fn new(strings: &Arena, k: usize, split: usize, dn: usize) -> Self {
        let kind_of = |l: usize| match l {
            l if (1..=split).contains(&l) => SHORT,
            l if l <= dn => IN_RANGE,
            l if l - dn <= k => LONG,
            _ => NONE,
        };
        let kind = (0..strings.count())
            .map(|i| kind_of(strings.len_of(i)))
            .collect();
        // A long string's variants of at most dn units: l - dn deletions or more.
        let table = deletions::table(strings, k, |l| match kind_of(l) {
            NONE => None,
            _ => Some(l.saturating_sub(dn)),
        });
        SharedVariants { table, kind }
    }

    /// How many pairs [`SharedVariants::pairs`] yields (repeats included) per
    /// bin of `bin` rows, for each of `parts` slices of the table: one pass
    /// over the table, no pair made.
    pub(crate) fn count(&self, bin: usize, parts: usize) -> Vec<Vec<usize>> {
        let bins = self.kind.len().div_ceil(bin.max(1));
        self.walk_parts(parts, |walk, _, range| {
            let mut counts = vec![0usize; bins];
            self.each_row(walk, range, 0..u32::MAX, |a, partners| {
                counts[a as usize / bin] += partners.len();
            });
            counts
        })
    }

    /// The pairs `(a, b)`, `a < b`, of strings under one key (one string in
    /// range, as the module says), for the rows `a` in bins `bins` of `bin`
    /// rows: the pairs of bin c in `[p][c - bins.start]` of slice p, sized by
    /// `counts` (from [`SharedVariants::count`] with the same `bin` and parts).
    pub(crate) fn pairs(&self, bins: Range<usize>, bin: usize, counts: &[Vec<usize>]) -> Vec<Bins> {
        let rows = (bins.start * bin) as u32..(bins.end * bin).min(self.kind.len()) as u32;
        self.walk_parts(counts.len(), |walk, p, range| {
            let mut out: Bins = counts[p][bins.clone()]
                .iter()
                .map(|&n| Vec::with_capacity(n))
                .collect();
            self.each_row(walk, range, rows.clone(), |a, partners| {
                let bin = &mut out[a as usize / bin - bins.start];
                bin.extend(partners.iter().map(|&b| (a, b)));
            });
            out
        })
    }

    /// Calls `f(a, partners)` for the pairs `(a, b)` of buckets `range` with
    /// `a` in `rows`: `b` ranges over `partners` (ascending, after `a`), one
    /// call per group and `a`.
    fn each_row(
        &self,
        walk: &mut Walk,
        range: Range<usize>,
        rows: Range<u32>,
        mut f: impl FnMut(u32, &[u32]),
    ) {
        self.each_group(walk, range, |in_range, others| {
            // In range with in range: each a with those after it.
            let from = in_range.partition_point(|&a| a < rows.start);
            for (x, &a) in in_range.iter().enumerate().skip(from) {
                if a >= rows.end {
                    break;
                }
                f(a, &in_range[x + 1..]);
            }
            // In range with the others: the smaller of the two is the row.
            for (mine, theirs) in [(in_range, others), (others, in_range)] {
                let from = mine.partition_point(|&a| a < rows.start);
                for &a in &mine[from..] {
                    if a >= rows.end {
                        break;
                    }
                    f(a, &theirs[theirs.partition_point(|&b| b <= a)..]);
                }
            }
        });
    }

    /// Runs `f(walk, p, buckets)` on slice p of `parts` slices of the
    /// buckets, in parallel, each with its own working memory; the results
    /// in order.
    fn walk_parts<T: Send>(
        &self,
        parts: usize,
        f: impl Fn(&mut Walk, usize, Range<usize>) -> T + Sync,
    ) -> Vec<T> {
        let (buckets, parts) = (self.table.buckets(), parts.max(1));
        (0..parts)
            .into_par_iter()
            .map(|p| {
                let range = p * buckets / parts..(p + 1) * buckets / parts;
                f(&mut Walk::default(), p, range)
            })
            .collect()
    }

    /// Calls `f(in_range, others)` for each key of buckets `range` that has a
    /// string in range and another string, both lists ascending.
    fn each_group(&self, walk: &mut Walk, range: Range<usize>, mut f: impl FnMut(&[u32], &[u32])) {
        let Walk {
            sort,
            ids,
            in_range,
            others,
        } = walk;
        self.table.groups(range, sort, ids, |group| {
            in_range.clear();
            others.clear();
            for &id in group {
                if self.kind[id as usize] == IN_RANGE {
                    in_range.push(id);
                } else {
                    others.push(id);
                }
            }
            if !in_range.is_empty() {
                f(in_range, others);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive;
    use crate::text::units::Units;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Every pair within k with a string in range and not two short ones
        /// is produced, in its row's bin, whatever the row range's cut.
        #[test]
        fn pairs_within_k_are_produced(
            words in vec(vec(0u8..3, 0..9), 2..40),
            k in 0usize..4,
            split in 0usize..3,
            dn in 2usize..7,
            cut in 0usize..15,
        ) {
            let mut arena = Arena::default();
            for w in &words {
                arena.push(Units::U8(w));
            }
            let shared = SharedVariants::new(&arena, k, split, dn);
            let mut got = BTreeSet::new();
            let counts = shared.count(3, 2);
            let bins = words.len().div_ceil(3);
            let cut = cut.min(bins);
            for window in [0..cut, cut..bins] {
                for (p, part) in shared.pairs(window.clone(), 3, &counts).iter().enumerate() {
                    for (c, pairs) in part.iter().enumerate() {
                        prop_assert_eq!(pairs.len(), counts[p][window.start + c]);
                        for &(a, b) in pairs {
                            prop_assert!(a < b);
                            prop_assert_eq!(a as usize / 3, window.start + c);
                            got.insert((a, b));
                        }
                    }
                }
            }
            let kind = |l: usize| if (1..=split).contains(&l) { SHORT } else if l <= dn { IN_RANGE } else { LONG };
            for a in 0..words.len() {
                for b in a + 1..words.len() {
                    let (x, y) = (kind(words[a].len()), kind(words[b].len()));
                    let wanted = (x == IN_RANGE || y == IN_RANGE)
                        && words[a].len().max(words[b].len()) <= dn + k
                        && naive(&words[a], &words[b]) <= k;
                    if wanted {
                        prop_assert!(got.contains(&(a as u32, b as u32)), "{:?} {:?}", words[a], words[b]);
                    }
                }
            }
        }
    }
}
