//! The verifier: the exact distance of a query to each of its candidates.
//!
//! A query of 1..=64 units gets its pattern table once, and every candidate
//! is then one run of Hyyrö's kernel (Hyyrö 2003) over the candidate's units:
//! no per-pair set-up. Where there are enough candidates, they run side by side
//! in the lanes of a vector, one candidate per lane and the query the pattern of
//! every lane (`InLanes`, the arrangement of `nearest`'s scan): a join's rows
//! verify dozens of candidates each, and one scalar run per candidate was a
//! fifth of a k = 3 self-join's instructions. Other queries go through the
//! bounded dispatcher.

use super::filters::AHEAD;
use crate::kernels::distance::{Options, levenshtein_with_stop};
use crate::kernels::hyyro2003;
use crate::kernels::lanes::hyyro2003_lanes::{self, Kernel, LaneJob, Width, Word};
use crate::kernels::masks::table::WordTable;
use crate::runtime::stop::Stop;
use crate::text::arena::Arena;
use crate::text::strings::Strings;
use crate::text::units::Units;
use std::sync::atomic::AtomicBool;

/// Distances from one query to candidates, capped at `k + 1`.
pub(crate) struct Verifier<'a> {
    query: Units<'a>,
    k: usize,
    table: Option<&'a WordTable>,
    stop: &'a AtomicBool,
}

impl Verifier<'_> {
    /// Calls `f(id, d)` for each of `ids` within `k` of the query, `d` its
    /// distance; `None` if `stop` was raised. Pipelined (see [`pipelined`]).
    pub(crate) fn each(
        &self,
        strings: &Arena,
        ids: &[u32],
        mut f: impl FnMut(u32, usize),
    ) -> Option<()> {
        if let Some(table) = self.table
            && ids.len() >= LANES_FROM
        {
            let m = self.query.len();
            let job = InLanes {
                m,
                k: self.k,
                table,
                strings,
                ids,
                f,
            };
            hyyro2003_lanes::run(Kernel::best(), Width::for_len(m), job);
            return Some(());
        }
        for id in pipelined(strings, ids) {
            let d = self.distance(strings.get(id as usize))?;
            if d <= self.k {
                f(id, d);
            }
        }
        Some(())
    }

    /// The distance from the query to `b`, or `k + 1` if it exceeds `k`;
    /// `None` if `stop` was raised.
    #[inline]
    pub(crate) fn distance(&self, b: Units<'_>) -> Option<usize> {
        let Some(table) = self.table else {
            let options = Options {
                grapheme_segmentation: false,
                max_distance: Some(self.k),
                ..Options::default()
            };
            return levenshtein_with_stop(self.query, b, options, self.stop);
        };
        let m = self.query.len();
        let cap = self.k.saturating_add(1);
        // The length difference alone rules most far candidates out.
        if b.len().abs_diff(m) > self.k {
            return Some(cap);
        }
        let d = match b {
            Units::U8(t) => hyyro2003::run(m, t, Stop::Never, |c| table.get(c)),
            Units::U16(t) => hyyro2003::run(m, t, Stop::Never, |c| table.get(c)),
            Units::U32(t) => hyyro2003::run(m, t, Stop::Never, |c| table.get(c)),
        };
        d.map(|d| d.min(cap))
    }
}

/// `ids` in order, asking for the place of string i + 2 AHEAD and the units of
/// string i + AHEAD as string i is handed out, so that they have loaded by the
/// time it is compared.
fn pipelined<'a>(strings: &'a Arena, ids: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
    for &id in &ids[..ids.len().min(2 * AHEAD)] {
        strings.prefetch_item(id as usize);
    }
    for &id in &ids[..ids.len().min(AHEAD)] {
        strings.prefetch_units(id as usize);
    }
    ids.iter().enumerate().map(move |(i, &id)| {
        if let Some(&ahead) = ids.get(i + 2 * AHEAD) {
            strings.prefetch_item(ahead as usize);
        }
        if let Some(&ahead) = ids.get(i + AHEAD) {
            strings.prefetch_units(ahead as usize);
        }
        id
    })
}

/// Fewest candidates verified in lanes: below this a vector's lanes would stay
/// mostly empty, and the scalar runs cost less.
const LANES_FROM: usize = 8;

/// Candidates verified a vector's lanes at a time (see the module docs): each
/// lane's masks are looked up from the query's table unit by unit of its
/// candidate, then every lane steps at once, and a lane stops at its own
/// candidate's end.
struct InLanes<'a, F> {
    /// The query's length, every lane's pattern length (1..=64).
    m: usize,
    k: usize,
    table: &'a WordTable,
    strings: &'a Arena,
    ids: &'a [u32],
    f: F,
}

impl<F: FnMut(u32, usize)> LaneJob for InLanes<'_, F> {
    type Output = ();

    #[inline(always)]
    fn run<W: Word, const L: usize>(mut self) {
        let (m, k, strings) = (self.m, self.k, self.strings);
        // The length difference alone rules most far candidates out.
        let mut near = pipelined(strings, self.ids).filter_map(|id| {
            let len = strings.len_of(id as usize);
            (len.abs_diff(m) <= k).then_some((id, len))
        });
        let mut batch: Vec<(u32, usize)> = Vec::with_capacity(L);
        let mut eq: Vec<W> = Vec::new();
        loop {
            batch.clear();
            batch.extend(near.by_ref().take(L));
            if batch.is_empty() {
                return;
            }
            let steps = batch.iter().map(|b| b.1).max().unwrap_or(0);
            let texts = batch.iter().map(|&(id, _)| strings.get(id as usize));
            let lanes = hyyro2003_lanes::one_pattern::<W, L>(m, self.table, texts, steps, &mut eq);
            for (lane, &(id, len)) in batch.iter().enumerate() {
                let d = lanes.distance(lane, len);
                if d <= k {
                    (self.f)(id, d);
                }
            }
        }
    }
}

/// Calls `f` with a verifier for `query` and bound `k`.
pub(crate) fn verifying<R>(
    query: Units<'_>,
    k: usize,
    stop: &AtomicBool,
    f: impl FnOnce(&Verifier<'_>) -> R,
) -> R {
    // Candidates are within k units of the query's length, so the texts stay
    // short; a long text with a long bound goes to the dispatcher instead.
    if (1..=64).contains(&query.len()) && k <= 64 {
        let with = |table: &WordTable| {
            f(&Verifier {
                query,
                k,
                table: Some(table),
                stop,
            })
        };
        return match query {
            Units::U8(q) => WordTable::with(q, with),
            Units::U16(q) => WordTable::with(q, with),
            Units::U32(q) => WordTable::with(q, with),
        };
    }
    f(&Verifier {
        query,
        k,
        table: None,
        stop,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// Units from a small alphabet (so that candidates come near the query),
    /// now and then past Latin-1 or the BMP, so that every width of the arena
    /// and of the query is taken.
    fn unit() -> impl Strategy<Value = u32> {
        prop_oneof![8 => 97u32..101, 1 => Just(0x4E2D), 1 => Just(0x1F600)]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Every candidate within k reported once, in order, with its exact
        /// distance: in lanes (8 candidates or more, every lane width by the
        /// query's length) and one by one.
        #[test]
        fn each_matches_naive(
            query in (1usize..=64).prop_flat_map(|m| vec(unit(), m)),
            candidates in vec(vec(unit(), 0..80), 0..120),
            k in 0usize..6,
        ) {
            let mut arena = Arena::default();
            for c in &candidates {
                arena.push(Units::U32(c));
            }
            let ids: Vec<u32> = (0..candidates.len() as u32).collect();
            let want: Vec<(u32, usize)> = candidates
                .iter()
                .enumerate()
                .map(|(i, c)| (i as u32, naive(&query, c)))
                .filter(|&(_, d)| d <= k)
                .collect();
            let stop = AtomicBool::new(false);
            for count in [ids.len(), ids.len().min(LANES_FROM - 1)] {
                let mut got = Vec::new();
                let done = verifying(Units::U32(&query), k, &stop, |v| {
                    v.each(&arena, &ids[..count], |id, d| got.push((id, d)))
                });
                prop_assert_eq!(done, Some(()));
                let want: Vec<_> = want.iter().copied().filter(|&(id, _)| (id as usize) < count).collect();
                prop_assert_eq!(got, want);
            }
        }
    }
}
