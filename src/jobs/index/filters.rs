//! Which filter covers which strings for a bound k, the filters built lazily,
//! and the candidates a query gets from them.
//!
//! For a bound k, the strings of each length l take one of three routes:
//!
//! | route | when | a query of m units looks at |
//! |---|---|---|
//! | deletion neighbourhoods | l <= [`dn_len`]`(k)`: k <= 3 and at most [`DN_VARIANTS`] variants | its variants with <= k deletions, in the levels 0..=k |
//! | Pass-Join segments | l / (k + 1) >= [`MIN_SEGMENT`] units | <= k + 1 substrings per segment of each length m - k ..= m + k |
//! | all | neither (short strings, large k) | every string of that length |
//!
//! Deletion neighbourhoods win on short strings and small k (a probe per
//! variant, few false candidates); their size grows as l^k, so long strings
//! take Pass-Join, whose segments get selective once they are a few units long
//! (Jiang, Li, Feng and Li, PVLDB 2014, found the same split). k = 0 is one
//! hash lookup of the whole string, whatever its length.

use super::deletions::{self, variants};
use super::segments::{self, probes};
use super::table::{Prefixes, Table};
use crate::text::strings::Strings;
use crate::text::units::Units;
use std::sync::OnceLock;

/// The largest bound for which deletion neighbourhoods are built.
pub(crate) const DN_MAX_K: usize = 3;
/// A string gets deletion neighbourhoods for bound k while it has at most this
/// many variants with <= k deletions (sum of C(l, d) for d <= k).
pub(crate) const DN_VARIANTS: usize = 180;
/// Nor longer than this: beyond it, Pass-Join's k + 1 segments are selective
/// and a handful of probes, where a query would hash hundreds of variants.
pub(crate) const DN_MAX_LEN: usize = 32;
/// Pass-Join is used where its segments are at least this long.
pub(crate) const MIN_SEGMENT: usize = 2;
/// The largest bound for which a segment index is built; above it, every
/// string within the length bound is a candidate.
pub(crate) const MAX_K: usize = 255;

/// How the strings of one length are found for one bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    Deletions,
    Segments,
    All,
}

/// Sum of C(l, d) for d <= k, saturating.
const fn neighbourhood(l: usize, k: usize) -> usize {
    let (mut total, mut c, mut d) = (1usize, 1usize, 1usize);
    while d <= k && d <= l {
        c = c.saturating_mul(l - d + 1) / d;
        total = total.saturating_add(c);
        d += 1;
    }
    total
}

/// The longest strings (up to [`DN_MAX_LEN`]) with at most `variants`
/// variants for bound `k`, for 1..=DN_MAX_K; `usize::MAX` for k = 0.
const fn dn_lens(variants: usize) -> [usize; DN_MAX_K + 1] {
    let mut lens = [usize::MAX; DN_MAX_K + 1];
    let mut k = 1;
    while k <= DN_MAX_K {
        let mut l = 0;
        while l < DN_MAX_LEN && neighbourhood(l + 1, k) <= variants {
            l += 1;
        }
        lens[k] = l;
        k += 1;
    }
    lens
}

/// [`dn_len`] for 0..=DN_MAX_K, worked out at compile time.
const DN_LENS: [usize; DN_MAX_K + 1] = dn_lens(DN_VARIANTS);

/// A self-join's strings get deletion neighbourhoods while they have at most
/// this many variants: it walks their table ([`super::shared`]), a variant
/// costing a table entry and no look-up, so they pay for longer strings than
/// a search's, whose 2-unit Pass-Join segments (11 units at k = 3) let
/// through a hundred candidates per pair found.
pub(crate) const JOIN_DN_VARIANTS: usize = 471;

/// [`join_dn_len`] for 0..=DN_MAX_K.
const JOIN_DN_LENS: [usize; DN_MAX_K + 1] = dn_lens(JOIN_DN_VARIANTS);

/// The longest strings that take deletion neighbourhoods for bound `k`.
#[inline]
pub(crate) fn dn_len(k: usize) -> Option<usize> {
    DN_LENS.get(k).copied()
}

/// The longest strings that take deletion neighbourhoods for bound `k` in a
/// self-join: at least [`dn_len`].
#[inline]
pub(crate) fn join_dn_len(k: usize) -> Option<usize> {
    JOIN_DN_LENS.get(k).copied()
}

/// The route of strings of length `l` for bound `k`.
pub(crate) fn route(l: usize, k: usize) -> Route {
    if dn_len(k).is_some_and(|max| l <= max) {
        Route::Deletions
    } else if k <= MAX_K && l / (k + 1) >= MIN_SEGMENT {
        Route::Segments
    } else {
        Route::All
    }
}

/// The filters over one collection of strings, built as bounds ask for them.
/// Every call must pass the same strings.
pub(crate) struct Filters {
    /// String ids grouped by length, ascending lengths, ids ascending within one.
    by_len: Vec<u32>,
    /// (length, start in `by_len`) per length present, then (usize::MAX, len).
    lengths: Vec<(usize, usize)>,
    /// Strings of 1..=split units are "short" (none if it is 0): a join
    /// compares short strings with each other itself (in vector lanes), so the
    /// filters here never propose a short string to a short query. 0 for an
    /// index: no string is short. Empty strings are never short.
    split: usize,
    /// Per bound k <= DN_MAX_K: every string not short and at most dn_len(k)
    /// long, under each of its variants with <= k deletions.
    neighbourhoods: [OnceLock<Table>; DN_MAX_K + 1],
    /// The same for the short strings (for queries that are not short).
    short_neighbourhoods: [OnceLock<Table>; DN_MAX_K + 1],
    /// Per bound k: the segment index of the strings routed to Pass-Join.
    segments: Vec<OnceLock<Table>>,
}

impl Filters {
    /// The length groups of `strings`; no filter is built yet. Short strings
    /// (1..=`split` units) are never candidates of short queries.
    ///
    /// # Panics
    /// If there are more than `u32::MAX` strings (callers check first).
    pub(crate) fn new<S: Strings + ?Sized>(strings: &S, split: usize) -> Self {
        let n = strings.count();
        assert!(u32::try_from(n).is_ok(), "at most u32::MAX strings");
        let mut order: Vec<(usize, u32)> = (0..n).map(|i| (strings.len_of(i), i as u32)).collect();
        order.sort_unstable();
        let mut lengths = Vec::new();
        for (at, &(l, _)) in order.iter().enumerate() {
            if lengths.last().is_none_or(|&(last, _)| last != l) {
                lengths.push((l, at));
            }
        }
        lengths.push((usize::MAX, n));
        Filters {
            by_len: order.into_iter().map(|(_, i)| i).collect(),
            lengths,
            split,
            neighbourhoods: Default::default(),
            short_neighbourhoods: Default::default(),
            segments: (0..=MAX_K).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The length of the longest string (0 if none).
    pub(crate) fn max_len(&self) -> usize {
        self.lengths.iter().rev().nth(1).map_or(0, |&(l, _)| l)
    }

    /// The ids of the strings whose length is in `lo..=hi`, one group per length.
    pub(crate) fn lengths_in(&self, lo: usize, hi: usize) -> impl Iterator<Item = (usize, &[u32])> {
        let first = self.lengths.partition_point(|&(l, _)| l < lo);
        self.lengths[first..]
            .windows(2)
            .take_while(move |w| w[0].0 <= hi)
            .map(|w| (w[0].0, &self.by_len[w[0].1..w[1].1]))
    }

    /// How many strings have a length in `lo..=hi` and the route [`Route::All`] for `k`.
    pub(crate) fn unfiltered(&self, lo: usize, hi: usize, k: usize) -> usize {
        self.lengths_in(lo, hi)
            .filter(|&(l, _)| route(l, k) == Route::All)
            .map(|(_, ids)| ids.len())
            .sum()
    }

    /// The filters for bound `k`, built now if they were not; `build` runs each
    /// build (on a pool, say). Must not be called from a task that a build of
    /// these same filters could be waiting on (a `OnceLock` is not re-entrant).
    pub(crate) fn probe<'a, S: Strings + ?Sized>(
        &'a self,
        strings: &S,
        k: usize,
        build: impl Fn(&mut (dyn FnMut() + Send)),
    ) -> Probe<'a> {
        let split = self.split;
        let short = |l: usize| (1..=split).contains(&l);
        let dn = dn_len(k).map(|max| {
            let table = get_or_build(&self.neighbourhoods[k], &build, || {
                deletions::table(strings, |l| (!short(l) && l <= max).then_some(0..=k))
            });
            (table, max)
        });
        let short_dn = (dn.is_some() && split > 0).then(|| {
            get_or_build(&self.short_neighbourhoods[k], &build, || {
                deletions::table(strings, |l| short(l).then_some(0..=k))
            })
        });
        Probe {
            k,
            dn,
            short_dn,
            segments: self.segment_table(strings, k, 0, &build),
            filters: self,
            from_len: 0,
        }
    }

    /// The filters for bound `k` of the strings longer than `beyond` (at
    /// least [`dn_len`]`(k)`) only: their segment index, built now if it was
    /// not. For a self-join, which finds the pairs with a shorter string in
    /// [`super::shared`]; the same filters then take no [`Filters::probe`]
    /// for `k`.
    pub(crate) fn probe_beyond<S: Strings + ?Sized>(
        &self,
        strings: &S,
        k: usize,
        beyond: usize,
        build: impl Fn(&mut (dyn FnMut() + Send)),
    ) -> Probe<'_> {
        debug_assert!(dn_len(k).is_none_or(|dn| dn <= beyond));
        Probe {
            k,
            dn: None,
            short_dn: None,
            segments: self.segment_table(strings, k, beyond, &build),
            filters: self,
            from_len: beyond.saturating_add(1),
        }
    }

    /// The segment index for bound `k` of the strings longer than `beyond`
    /// routed to Pass-Join, if there are any.
    fn segment_table<S: Strings + ?Sized>(
        &self,
        strings: &S,
        k: usize,
        beyond: usize,
        build: &impl Fn(&mut (dyn FnMut() + Send)),
    ) -> Option<&Table> {
        let take = |l: usize| l > beyond && route(l, k) == Route::Segments;
        let any = self.lengths[..self.lengths.len() - 1]
            .iter()
            .any(|&(l, _)| take(l));
        any.then(|| {
            get_or_build(&self.segments[k], build, || {
                segments::build(strings, k, take)
            })
        })
    }

    /// Bytes held by the filters built so far.
    pub(crate) fn heap_bytes(&self) -> usize {
        let tables = self.neighbourhoods.iter().chain(&self.short_neighbourhoods);
        let tables = tables.chain(&self.segments);
        tables
            .filter_map(OnceLock::get)
            .map(Table::heap_bytes)
            .sum::<usize>()
            + 4 * self.by_len.capacity()
            + 16 * self.lengths.capacity()
    }
}

fn get_or_build<'a>(
    lock: &'a OnceLock<Table>,
    build: &impl Fn(&mut (dyn FnMut() + Send)),
    make: impl FnOnce() -> Table + Send,
) -> &'a Table {
    lock.get_or_init(|| {
        let mut make = Some(make);
        let mut table = None;
        build(&mut || table = make.take().map(|m| m()));
        table.unwrap_or_else(|| unreachable!("build runs its argument"))
    })
}

/// The built filters for one bound: gives a query its candidates.
pub(crate) struct Probe<'a> {
    k: usize,
    /// The neighbourhood table and the longest strings in it.
    dn: Option<(&'a Table, usize)>,
    /// The neighbourhood table of the short strings.
    short_dn: Option<&'a Table>,
    segments: Option<&'a Table>,
    filters: &'a Filters,
    /// Strings shorter than this are never candidates.
    from_len: usize,
}

/// A query's working memory, kept by each thread across queries.
#[derive(Default)]
pub(crate) struct Scratch {
    seen: Seen,
    keys: Vec<u64>,
    short_keys: Vec<u64>,
    ranges: Vec<(usize, usize)>,
    /// Ids as found, repeats included.
    found: Vec<u32>,
    /// Each id once.
    unique: Vec<u32>,
}

impl Probe<'_> {
    /// The bound.
    pub(crate) fn k(&self) -> usize {
        self.k
    }

    /// The id of every string that may be within `k` of `q` (and of some
    /// that are not), among those numbered `first` or more, each once; if `q`
    /// is short (1..=split units), none of the short strings.
    ///
    /// Memory here is far (a random access misses every cache, hundreds of
    /// nanoseconds on a busy machine), so each step runs over all the keys or
    /// ids at once, asking for the next step's memory ahead: the misses then
    /// overlap instead of following one another.
    pub(crate) fn candidates<'s>(
        &self,
        q: Units<'_>,
        first: u32,
        scratch: &'s mut Scratch,
    ) -> &'s [u32] {
        let (m, k) = (q.len(), self.k);
        let Scratch {
            seen,
            keys,
            short_keys,
            ranges,
            found,
            unique,
        } = scratch;
        let split = self.filters.split;
        let short = (1..=split).contains(&m);
        found.clear();
        keys.clear();
        short_keys.clear();
        if let Some((table, dn)) = self.dn
            && m <= dn.saturating_add(k)
        {
            // A variant of v = m - j units matches strings of v + d units with
            // d deletions: of at most dn units when j >= m - dn; longer than
            // `split` or none (the main table) when v + k > split or v = 0,
            // of 1..=split (the short table, for queries not short) when v <=
            // split.
            variants(q, m.saturating_sub(dn), k, &mut |key, j| {
                let v = m - j;
                if split == 0 || v.saturating_add(k) > split || v == 0 {
                    keys.push(key);
                }
                if split > 0 && !short && v <= split {
                    short_keys.push(key);
                }
            });
            lookup(table, keys, ranges, first, found);
            if let Some(table) = self.short_dn {
                lookup(table, short_keys, ranges, first, found);
            }
        }
        keys.clear();
        let mut prefixes = None;
        for (l, ids) in self
            .filters
            .lengths_in(m.saturating_sub(k), m.saturating_add(k))
        {
            if (short && (1..=split).contains(&l)) || l < self.from_len {
                continue;
            }
            match route(l, k) {
                Route::Deletions => {}
                Route::All => found.extend(ids.iter().filter(|&&id| id >= first)),
                Route::Segments => {
                    let pre = prefixes.get_or_insert_with(|| match q {
                        Units::U8(s) => Prefixes::new(s),
                        Units::U16(s) => Prefixes::new(s),
                        Units::U32(s) => Prefixes::new(s),
                    });
                    probes(pre, m, l, k, |key| keys.push(key));
                }
            }
        }
        if let Some(table) = self.segments {
            lookup(table, keys, ranges, first, found);
        }
        seen.clear(self.filters.by_len.len());
        unique.clear();
        for (i, &id) in found.iter().enumerate() {
            if let Some(&ahead) = found.get(i + AHEAD) {
                seen.prefetch(ahead);
            }
            if seen.first(id) {
                unique.push(id);
            }
        }
        unique
    }
}

/// How far ahead a pipelined loop asks for memory: enough misses in flight
/// to overlap their latency, few enough that the CPU keeps track of them all.
pub(crate) const AHEAD: usize = 24;
/// [`AHEAD`] for table look-ups, whose steps are shorter.
const LOOKUP_AHEAD: usize = 32;

/// Appends to `found` every id numbered `first` or more stored under one of
/// `keys` in `table`. Pipelined: while key i is read, the entries of key
/// i + AHEAD and the bucket start of key i + 2 AHEAD are on their way.
fn lookup(
    table: &Table,
    keys: &[u64],
    ranges: &mut Vec<(usize, usize)>,
    first: u32,
    found: &mut Vec<u32>,
) {
    let n = keys.len();
    ranges.clear();
    ranges.resize(n, (0, 0));
    for &key in &keys[..n.min(2 * LOOKUP_AHEAD)] {
        table.prefetch_start(table.bucket(key));
    }
    for i in 0..n.min(LOOKUP_AHEAD) {
        ranges[i] = table.range(table.bucket(keys[i]));
    }
    for i in 0..n {
        if let Some(&key) = keys.get(i + 2 * LOOKUP_AHEAD) {
            table.prefetch_start(table.bucket(key));
        }
        if let Some(&key) = keys.get(i + LOOKUP_AHEAD) {
            ranges[i + LOOKUP_AHEAD] = table.range(table.bucket(key));
        }
        table.scan(keys[i], ranges[i], first, |id| found.push(id));
    }
}

/// Which strings a query has seen: a stamp per string, so that clearing is one
/// increment.
#[derive(Default)]
pub(crate) struct Seen {
    stamps: Vec<u32>,
    now: u32,
}

impl Seen {
    /// Forgets every string, for a collection of `n`.
    pub(crate) fn clear(&mut self, n: usize) {
        if self.stamps.len() != n || self.now == u32::MAX {
            self.stamps.clear();
            self.stamps.resize(n, 0);
            self.now = 0;
        }
        self.now += 1;
    }

    /// Asks the CPU to load the stamp of `id`.
    #[inline(always)]
    pub(crate) fn prefetch(&self, id: u32) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is a hint; it never faults, whatever the address.
        unsafe {
            let p = self.stamps.as_ptr().wrapping_add(id as usize);
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = id;
    }

    /// True the first time `id` is seen since the last [`Seen::clear`].
    #[inline]
    pub(crate) fn first(&mut self, id: u32) -> bool {
        let stamp = &mut self.stamps[id as usize];
        let first = *stamp != self.now;
        *stamp = self.now;
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_length_and_bound() {
        assert_eq!(dn_len(0), Some(usize::MAX));
        assert_eq!(dn_len(DN_MAX_K + 1), None);
        for k in 1..=DN_MAX_K {
            let max = dn_len(k).expect("deletions for small k");
            assert!(neighbourhood(max, k) <= DN_VARIANTS);
            assert!(max == DN_MAX_LEN || neighbourhood(max + 1, k) > DN_VARIANTS);
        }
        assert_eq!(neighbourhood(8, 3), 1 + 8 + 28 + 56);
        assert_eq!(route(1000, 1), Route::Segments);
        assert_eq!(route(3, 5), Route::All);
    }
}
