//! A self-join's candidates from deletion neighbourhoods: the pairs of
//! strings stored under one variant, found by grouping the variants instead
//! of probing a table of them.
//!
//! A search looks each variant of its query up, a cache miss apiece, and at
//! k = 3 a word of ten letters has 176 variants. In a self-join each string
//! would probe the very variants it is stored under, so instead every
//! variant's key is sorted with the others, partition by partition in the
//! cache ([`super::table::groups`]), and any two strings under one key make a
//! candidate pair (the join form of FastSS, Bocek, Hunt and Stiller 2007). A
//! pair sharing several variants comes once per variant; the join drops the
//! repeats row by row.
//!
//! Strings are of three kinds here: short ones (1..=`split` units; the join
//! pairs them with each other in vector lanes), those in range (up to `dn`
//! units; all their variants with <= k deletions) and long ones (dn + 1 ..=
//! dn + k units; only their variants of at most dn units, the ones that can
//! meet the variants of a string in range). Every pair has one string in
//! range: two short strings are the lanes' business, two long ones the
//! segment index's. A short string, too, is stored only under the variants
//! that a string in range can have.
//!
//! The groups of strings under one key that have a string in range are kept
//! flat, and counting the pairs per row and making them read those in
//! memory order (a table of the variants, walked twice, cost more: its
//! arrays were fresh memory, and each walk sorted every bucket of several
//! keys).
//!
//! Cost: one key per variant, partitioned and bucketed once, then one step
//! per pair produced. Memory: the keys while they are grouped, the groups
//! (at most one id per key), and the pairs of the rows asked for at a time,
//! which the caller bounds with [`SharedVariants::pairs`]'s row range (the
//! walk then skips, without a step, pairs outside it).

use super::{deletions, table};
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

/// The groups of a self-join's strings that share a variant, ready to be
/// walked for pairs.
pub(crate) struct SharedVariants {
    /// Per slice of the table's buckets, its groups one after another, each
    /// as `[r, o, r ids in range.., o other ids..]`, both lists ascending:
    /// the table is walked once (a sort per bucket of several keys) and
    /// dropped, and every later pass reads these in memory order.
    groups: Vec<Vec<u32>>,
    /// The number of strings.
    count: usize,
}

impl SharedVariants {
    /// The groups for bound `k` of the strings up to `dn + k` units, in
    /// `parts` slices; strings of 1..=`split` units are short (none if
    /// `split` is 0).
    pub(crate) fn new(strings: &Arena, k: usize, split: usize, dn: usize, parts: usize) -> Self {
        let kind_of = |l: usize| match l {
            l if (1..=split).contains(&l) => SHORT,
            l if l <= dn => IN_RANGE,
            l if l - dn <= k => LONG,
            _ => NONE,
        };
        let kind: Vec<u8> = (0..strings.count())
            .map(|i| kind_of(strings.len_of(i)))
            .collect();
        // Only variants a partner can share. A long string's partners are in
        // range, at most dn units: its variants of at most dn units, l - dn
        // deletions or more. A short string's partners are in range too:
        // empty (met at "", l deletions, only if l <= k) or over `split`
        // units, whose variants keep more than split - k: so at most
        // l + k - split - 1 deletions (at k = 3 a 4-letter word keeps one
        // variant of its 15, a 6-letter one 22 of 42; the rest, 3 letters
        // and fewer, no in-range string has).
        let runs = deletions::runs(strings, |l| match kind_of(l) {
            NONE => None,
            SHORT if l > k => (l + k).checked_sub(split + 1).map(|max| 0..=max),
            _ => Some(l.saturating_sub(dn)..=k),
        });
        let groups = table::groups(runs.as_slice(), parts, Vec::new, |out, group| {
            // [r, o, the r ids in range.., the o others..]
            let at = out.len();
            out.extend([0, 0]);
            out.extend(group.iter().filter(|&&id| kind[id as usize] == IN_RANGE));
            let r = out.len() - at - 2;
            if r == 0 {
                out.truncate(at);
                return;
            }
            out.extend(group.iter().filter(|&&id| kind[id as usize] != IN_RANGE));
            (out[at], out[at + 1]) = (r as u32, (group.len() - r) as u32);
        });
        SharedVariants {
            groups,
            count: strings.count(),
        }
    }

    /// How many pairs [`SharedVariants::pairs`] yields (repeats included) per
    /// bin of `bin` rows, for each slice: one pass over the groups, no pair
    /// made.
    pub(crate) fn count(&self, bin: usize) -> Vec<Vec<usize>> {
        let bins = self.count.div_ceil(bin.max(1));
        self.groups
            .par_iter()
            .map(|groups| {
                let mut counts = vec![0usize; bins];
                each_row(groups, 0..u32::MAX, |a, partners| {
                    counts[a as usize / bin] += partners.len();
                });
                counts
            })
            .collect()
    }

    /// The pairs `(a, b)`, `a < b`, of strings under one key (one string in
    /// range, as the module says), for the rows `a` in bins `bins` of `bin`
    /// rows: the pairs of bin c in `[p][c - bins.start]` of slice p, sized by
    /// `counts` (from [`SharedVariants::count`] with the same `bin`).
    pub(crate) fn pairs(&self, bins: Range<usize>, bin: usize, counts: &[Vec<usize>]) -> Vec<Bins> {
        let rows = (bins.start * bin) as u32..(bins.end * bin).min(self.count) as u32;
        self.groups
            .par_iter()
            .zip(counts)
            .map(|(groups, counts)| {
                let mut out: Bins = counts[bins.clone()]
                    .iter()
                    .map(|&n| Vec::with_capacity(n))
                    .collect();
                each_row(groups, rows.clone(), |a, partners| {
                    let bin = &mut out[a as usize / bin - bins.start];
                    bin.extend(partners.iter().map(|&b| (a, b)));
                });
                out
            })
            .collect()
    }
}

/// Calls `f(a, partners)` for the pairs `(a, b)` of `groups` (one slice's,
/// as [`SharedVariants`] keeps them) with `a` in `rows`: `b` ranges over
/// `partners` (ascending, after `a`), one call per group and `a`.
fn each_row(groups: &[u32], rows: Range<u32>, mut f: impl FnMut(u32, &[u32])) {
    let mut at = 0;
    while at < groups.len() {
        let (r, o) = (groups[at] as usize, groups[at + 1] as usize);
        let in_range = &groups[at + 2..at + 2 + r];
        let others = &groups[at + 2 + r..at + 2 + r + o];
        at += 2 + r + o;
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
            split in 0usize..6,
            dn in 2usize..7,
            cut in 0usize..15,
        ) {
            let mut arena = Arena::default();
            for w in &words {
                arena.push(Units::U8(w));
            }
            let shared = SharedVariants::new(&arena, k, split, dn, 2);
            let mut got = BTreeSet::new();
            let counts = shared.count(3);
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
