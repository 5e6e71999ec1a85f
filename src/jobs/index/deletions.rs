//! Deletion neighbourhoods (FastSS: Bocek, Hunt and Stiller 2007; SymSpell's
//! idea): if `ed(a, b) <= k`, deleting at most k units from each side gives a
//! common string (a substitution is a deletion on both sides, an insertion one
//! on the other). So every string is stored under each of its variants with d
//! deletions in the table of level d, and a query looks each of its variants
//! with j <= k deletions up in the levels 0..=k.
//!
//! Each distinct variant is produced once: a deletion set is generated only if
//! its kept units are the variant's leftmost embedding in the string (a unit is
//! kept only if no equal unit was deleted since the last one kept), so "hello"
//! yields "helo" once, not twice.

use super::table::{POWERS, Run, Table, key, step};
use crate::text::strings::Strings;
use crate::text::units::{Unit, Units};
use rayon::prelude::*;
use std::ops::RangeInclusive;

/// Strings per task when a level is built.
const CHUNK: usize = 1024;

/// The key of a variant of hash `h` and `len` units.
#[inline(always)]
pub(super) fn variant_key(h: u64, len: usize) -> u64 {
    key(h, len as u64)
}

/// Calls `emit(key, deletions)` once for each distinct string obtained from `s`
/// by deleting between `min` and `max` units.
pub(super) fn variants(s: Units<'_>, min: usize, max: usize, emit: &mut impl FnMut(u64, usize)) {
    match s {
        Units::U8(s) => walk(s, min, max, emit),
        Units::U16(s) => walk(s, min, max, emit),
        Units::U32(s) => walk(s, min, max, emit),
    }
}

fn walk<T: Unit>(s: &[T], min: usize, max: usize, emit: &mut impl FnMut(u64, usize)) {
    if min > max || min > s.len() {
        return;
    }
    if s.len() < POWERS.len() && max <= MAX_RUN {
        by_deletions(s, min, max, emit);
    } else {
        by_units(s, min, max, emit);
    }
}

/// [`walk`] one recursive step per unit: any length, any number of deletions.
fn by_units<T: Unit>(s: &[T], min: usize, max: usize, emit: &mut impl FnMut(u64, usize)) {
    let mut walk = Walk {
        s,
        deleted: Vec::with_capacity(max.min(s.len())),
        min,
        max,
        emit,
    };
    walk.from(0, 0, 0);
}

struct Walk<'a, T, F> {
    s: &'a [T],
    /// The units deleted so far, in order.
    deleted: Vec<u32>,
    min: usize,
    max: usize,
    emit: &'a mut F,
}

impl<T: Unit, F: FnMut(u64, usize)> Walk<'_, T, F> {
    /// The variants of `s[pos..]` after a prefix of hash `h`, the units deleted
    /// since the last kept one being `deleted[since..]`.
    fn from(&mut self, pos: usize, h: u64, since: usize) {
        let del = self.deleted.len();
        if pos == self.s.len() {
            if del >= self.min {
                (self.emit)(variant_key(h, self.s.len() - del), del);
            }
            return;
        }
        // Deleting everything left must still reach `min`.
        if del + (self.s.len() - pos) < self.min {
            return;
        }
        let c: u32 = self.s[pos].into();
        if del == self.max {
            // No deletion left: the rest is kept, which is canonical unless its
            // first unit was just deleted.
            if !self.deleted[since..].contains(&c) && del >= self.min {
                let h = self.s[pos..].iter().fold(h, |h, &c| step(h, c.into()));
                (self.emit)(variant_key(h, self.s.len() - del), del);
            }
            return;
        }
        if !self.deleted[since..].contains(&c) {
            self.from(pos + 1, step(h, c), del);
        }
        if del < self.max {
            self.deleted.push(c);
            self.from(pos + 1, h, since);
            self.deleted.pop();
        }
    }
}

/// The most deletions [`by_deletions`] takes (a run of deleted units is
/// kept in an array of this size).
const MAX_RUN: usize = 8;

/// [`walk`] for strings of at most 64 units, one step per deletion instead
/// of one per unit: a kept stretch `s[pos..p]` joins the hash at once through
/// the prefix hashes (`(h - pre[pos]) * BASE^(p - pos) + pre[p]`, Horner's
/// rule over a concatenation). The variants and the rule that makes each
/// come once are [`walk`]'s: a unit is kept only if no equal unit was deleted
/// since the last kept one. The walk was a seventh of a k = 3 self-join.
fn by_deletions<T: Unit>(s: &[T], min: usize, max: usize, emit: &mut impl FnMut(u64, usize)) {
    let mut pre = [0u64; POWERS.len()];
    for (i, &c) in s.iter().enumerate() {
        pre[i + 1] = step(pre[i], c.into());
    }
    let mut by = ByDeletions {
        s,
        pre,
        min,
        max,
        emit,
    };
    by.from(0, 0, 0, &mut [0; MAX_RUN], 0);
}

struct ByDeletions<'a, T, F> {
    s: &'a [T],
    /// `pre[i]`: the hash of `s[..i]`.
    pre: [u64; POWERS.len()],
    min: usize,
    max: usize,
    emit: &'a mut F,
}

impl<T: Unit, F: FnMut(u64, usize)> ByDeletions<'_, T, F> {
    /// `h` (the hash of the kept units before `pos`) with `s[pos..end]` appended.
    #[inline(always)]
    fn extend(&self, h: u64, pos: usize, end: usize) -> u64 {
        h.wrapping_sub(self.pre[pos])
            .wrapping_mul(POWERS[end - pos])
            .wrapping_add(self.pre[end])
    }

    /// The variants with `del` deletions before `pos` (kept units hashing to
    /// `h`), the units deleted since the last kept one being `run[..run_len]`.
    fn from(&mut self, pos: usize, h: u64, del: usize, run: &mut [u32; MAX_RUN], run_len: usize) {
        let l = self.s.len();
        // Deleting everything left must still reach `min`.
        if del + (l - pos) < self.min {
            return;
        }
        // Whether s[pos], the next unit kept if any is, may be kept.
        let keep = pos == l || !run[..run_len].contains(&self.s[pos].into());
        if keep && del >= self.min {
            let variant = variant_key(self.extend(h, pos, l), l - del);
            (self.emit)(variant, del);
        }
        if del == self.max || pos == l {
            return;
        }
        // The next deletion right here: the run grows.
        run[run_len] = self.s[pos].into();
        self.from(pos + 1, h, del + 1, run, run_len + 1);
        // Or further on, after s[pos..p] is kept: a new run (the callee reads
        // `run` before it writes it, so the sibling calls may share it).
        if keep {
            for p in pos + 1..l {
                run[0] = self.s[p].into();
                let kept = self.extend(h, pos, p);
                self.from(p + 1, kept, del + 1, run, 1);
            }
        }
    }
}

/// The table of every string of `strings` for whose length `deletions`
/// gives a range of deletion counts, under each of its variants with a count
/// in that range.
pub(super) fn table<S: Strings + ?Sized>(
    strings: &S,
    deletions: impl Fn(usize) -> Option<RangeInclusive<usize>> + Sync,
) -> Table {
    Table::build(&runs(strings, deletions))
}

/// The keys of [`table`]'s entries, in runs of [`CHUNK`] strings.
pub(super) fn runs<S: Strings + ?Sized>(
    strings: &S,
    deletions: impl Fn(usize) -> Option<RangeInclusive<usize>> + Sync,
) -> Vec<Run> {
    let n = strings.count();
    (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut run = Run::default();
            for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                let s = strings.get(i);
                if let Some(range) = deletions(s.len()) {
                    let (min, max) = range.into_inner();
                    variants(s, min, max, &mut |key, _| run.keys.push(key));
                    run.close(i as u32);
                }
            }
            run
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use std::collections::{HashMap, HashSet};

    fn all(s: &[u32], min: usize, max: usize) -> Vec<(u64, usize)> {
        let mut out = Vec::new();
        variants(Units::U32(s), min, max, &mut |k, j| out.push((k, j)));
        out
    }

    /// Every subsequence with `min..=max` deletions, by brute force over deletion masks.
    fn subsequences(s: &[u32], min: usize, max: usize) -> HashSet<Vec<u32>> {
        (0u32..1 << s.len())
            .filter(|m| (min..=max).contains(&(m.count_ones() as usize)))
            .map(|m| {
                (0..s.len())
                    .filter(|i| m >> i & 1 == 0)
                    .map(|i| s[i])
                    .collect()
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        #[test]
        fn each_distinct_variant_comes_once(s in vec(0u32..3, 0..12), min in 0usize..4, extra in 0usize..3) {
            let max = min + extra;
            let got = all(&s, min, max);
            let want = subsequences(&s, min, max);
            let keys: HashSet<u64> = got.iter().map(|v| v.0).collect();
            prop_assert_eq!(keys.len(), got.len(), "a variant came twice");
            let want_keys: HashSet<u64> = want
                .iter()
                .map(|v| variant_key(super::super::table::hash(v), v.len()))
                .collect();
            prop_assert_eq!(keys, want_keys);
        }

        /// Both walks emit the same variants with the same deletion counts
        /// (short strings take the per-deletion one, so the per-unit one is
        /// checked here against it).
        #[test]
        fn both_walks_agree(s in vec(0u32..3, 0..14), min in 0usize..4, extra in 0usize..3) {
            let max = min + extra;
            prop_assume!(min <= s.len());
            let (mut by_unit, mut by_deletion) = (Vec::new(), Vec::new());
            by_units(&s, min, max, &mut |k, j| by_unit.push((k, j)));
            by_deletions(&s, min, max, &mut |k, j| by_deletion.push((k, j)));
            by_unit.sort_unstable();
            by_deletion.sort_unstable();
            prop_assert_eq!(by_unit, by_deletion);
        }

        /// The filter's promise: strings within k share a variant with <= k deletions on each side.
        #[test]
        fn strings_within_k_share_a_variant(
            a in vec(0u32..3, 0..10),
            b in vec(0u32..3, 0..10),
            extra in 0usize..2,
        ) {
            let k = naive(&a, &b) + extra;
            if k > 4 {
                return Ok(());
            }
            let ours: HashMap<u64, usize> = all(&a, 0, k).into_iter().collect();
            prop_assert!(all(&b, 0, k).iter().any(|(key, _)| ours.contains_key(key)));
        }
    }
}
