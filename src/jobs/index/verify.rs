//! The verifier: the exact distance of a query to each of its candidates.
//!
//! A query of 1..=64 units gets its pattern table once, and every candidate
//! is then one run of Hyyrö's kernel (Hyyrö 2003) over the candidate's units:
//! no per-pair set-up. Other queries go through the bounded dispatcher.

use super::filters::AHEAD;
use crate::kernels::distance::{Options, levenshtein_with_stop};
use crate::kernels::hyyro2003;
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
    /// distance; `None` if `stop` was raised. Pipelined: the place of string
    /// i + 2 AHEAD and the units of string i + AHEAD are asked for while
    /// string i is compared.
    pub(crate) fn each(
        &self,
        strings: &Arena,
        ids: &[u32],
        mut f: impl FnMut(u32, usize),
    ) -> Option<()> {
        for &id in &ids[..ids.len().min(2 * AHEAD)] {
            strings.prefetch_item(id as usize);
        }
        for &id in &ids[..ids.len().min(AHEAD)] {
            strings.prefetch_units(id as usize);
        }
        for (i, &id) in ids.iter().enumerate() {
            if let Some(&ahead) = ids.get(i + 2 * AHEAD) {
                strings.prefetch_item(ahead as usize);
            }
            if let Some(&ahead) = ids.get(i + AHEAD) {
                strings.prefetch_units(ahead as usize);
            }
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
