//! Pass-Join's segment index (Li, Deng, Wang and Feng, PVLDB 2011).
//!
//! A string of length l is cut into k + 1 segments (the first ones
//! floor(l / (k + 1)) units long, the last l mod (k + 1) of them one longer).
//! k edits cannot touch all k + 1 segments, so a string within k edits holds
//! one of them unchanged, shifted by at most the edits before it. Which shifts
//! are possible is narrowed three ways at once (the paper's multi-match-aware
//! selection with its position-aware bound), for segment i at shift s of a
//! query Δ units longer than the string:
//!
//! - |s| <= i and |Δ - s| <= k - i: take the first segment i whose edits
//!   before it number at most i and after it at most k - i (one exists: with
//!   c_j the edits charged to segment j and P_i = sum over j < i of (c_j - 1),
//!   P_0 = 0 and P_(k+1) <= -1, the first i with P_(i+1) < 0 has c_i = 0 and
//!   P_i = 0); it is unchanged;
//! - |s| + |Δ - s| <= k: the edits before and after it together.
//!
//! So a query probes at most k + 1 positions per segment and length, instead
//! of every substring.

use super::table::{Prefixes, Run, Table, hash, key};
use crate::text::strings::Strings;
use crate::text::units::Units;
use rayon::prelude::*;

/// Strings per task when the index is built.
const CHUNK: usize = 1024;

/// Start and length of segment `i` of a string of `len` units cut for bound `k`.
#[inline]
pub(super) fn segment(len: usize, k: usize, i: usize) -> (usize, usize) {
    let parts = k + 1;
    let (short, longer) = (len / parts, len % parts);
    // The first `parts - longer` segments are `short` long, the others one more.
    let shorts = parts - longer;
    if i < shorts {
        (i * short, short)
    } else {
        (shorts * short + (i - shorts) * (short + 1), short + 1)
    }
}

/// The key of segment `i` (hash `h`) of a string of `len` units.
#[inline(always)]
fn segment_key(h: u64, len: usize, i: usize) -> u64 {
    key(h, (len as u64) | ((i as u64) << 32) | (1 << 63))
}

/// The index for bound `k` of every string of `strings` whose length passes `take`.
pub(super) fn build<S: Strings + ?Sized>(
    strings: &S,
    k: usize,
    take: impl Fn(usize) -> bool + Sync,
) -> Table {
    let n = strings.count();
    let runs: Vec<Run> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut run = Run::default();
            for id in c * CHUNK..((c + 1) * CHUNK).min(n) {
                let s = strings.get(id);
                let len = s.len();
                if !take(len) {
                    continue;
                }
                for i in 0..=k {
                    let (start, seg) = segment(len, k, i);
                    let h = match s.slice(start, start + seg) {
                        Units::U8(t) => hash(t),
                        Units::U16(t) => hash(t),
                        Units::U32(t) => hash(t),
                    };
                    run.keys.push(segment_key(h, len, i));
                }
                run.close(id as u32);
            }
            run
        })
        .collect();
    Table::build(&runs)
}

/// Calls `f` with the key of every substring of a query of `m` units (prefix
/// hashes `pre`) that may equal segment i of a string of `len` units within `k`
/// edits of it.
pub(super) fn probes(pre: &Prefixes, m: usize, len: usize, k: usize, mut f: impl FnMut(u64)) {
    let delta = m as isize - len as isize;
    let k = k as isize;
    for i in 0..=k {
        let (start, seg) = segment(len, k as usize, i as usize);
        // ceil((Δ - k) / 2) = -floor((k - Δ) / 2).
        let lo = (-i).max(delta - (k - i)).max(-(k - delta).div_euclid(2));
        let hi = i.min(delta + (k - i)).min((delta + k).div_euclid(2));
        // The substring must lie inside the query.
        let lo = lo.max(-(start as isize));
        let hi = hi.min(m as isize - (start + seg) as isize);
        for shift in lo..=hi {
            let from = (start as isize + shift) as usize;
            f(segment_key(pre.range(from, from + seg), len, i as usize));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// The keys of `s`'s segments for bound `k`.
    fn segment_keys(s: &[u32], k: usize) -> Vec<u64> {
        (0..=k)
            .map(|i| {
                let (start, seg) = segment(s.len(), k, i);
                segment_key(hash(&s[start..start + seg]), s.len(), i)
            })
            .collect()
    }

    /// `a` with `edits` applied (insert, delete or substitute at a position).
    fn edited(a: &[u32], edits: &[(u8, prop::sample::Index, u32)]) -> Vec<u32> {
        let mut b = a.to_vec();
        for (op, at, c) in edits {
            let i = at.index(b.len() + 1);
            match op {
                0 => b.insert(i, *c),
                1 if i < b.len() => {
                    b.remove(i);
                }
                _ if i < b.len() => b[i] = *c,
                _ => b.push(*c),
            }
        }
        b
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// The filter's promise: a query within k of a string probes one of its segments.
        #[test]
        fn a_query_within_k_probes_one_of_the_segments(
            a in vec(0u32..3, 0..60),
            edits in vec((0u8..3, any::<prop::sample::Index>(), 0u32..3), 0..10),
            extra in 0usize..3,
        ) {
            let b = edited(&a, &edits);
            // The bound at or just above the distance, where the filter is tightest.
            let k = naive(&a, &b) + extra;
            if a.len() / (k + 1) == 0 {
                return Ok(());
            }
            let keys = segment_keys(&a, k);
            let mut hit = false;
            probes(&Prefixes::new(&b), b.len(), a.len(), k, |key| hit |= keys.contains(&key));
            prop_assert!(hit);
        }
    }

    #[test]
    fn segments_tile_the_string_shortest_first() {
        for len in 0..40 {
            for k in 0..8 {
                let mut end = 0;
                let mut last = 0;
                for i in 0..=k {
                    let (start, seg) = segment(len, k, i);
                    assert_eq!(start, end);
                    assert!(seg >= last && seg - len / (k + 1) <= 1);
                    end = start + seg;
                    last = seg;
                }
                assert_eq!(end, len);
            }
        }
    }
}
