//! Hashing unit sequences, and the multimap from hash keys to string ids that
//! both filters (deletion neighbourhoods and Pass-Join segments) are stored in.
//!
//! A key is a 64-bit hash; the map keeps its top bits as a bucket number and 32
//! of the rest as a fingerprint, so two different keys can share a posting.
//! That costs a candidate that the verifier then rejects, never a result: the
//! filters may return too much, never too little.

use crate::text::strings::SharedOut;
use crate::text::units::Unit;
use rayon::prelude::*;

/// Top bits of a key that split a table's build into partitions.
const PARTITION_BITS: u32 = 10;

/// The same for [`groups`], whose partitions are bucketed in a buffer of
/// their own (which a cache holds whatever their number), so a narrower
/// split (fewer streams to write at once) costs nothing there.
const GROUP_PARTITION_BITS: u32 = 8;

/// The multiplier of the polynomial hash (odd; from splitmix64).
const BASE: u64 = 0x9E37_79B9_7F4A_7C15;

/// `BASE^j` for `j` in `0..=64`: what a hash is multiplied by when `j` units
/// are appended to its sequence.
pub(super) const POWERS: [u64; 65] = {
    let mut powers = [1u64; 65];
    let mut j = 1;
    while j < 65 {
        powers[j] = powers[j - 1].wrapping_mul(BASE);
        j += 1;
    }
    powers
};

/// One step of the polynomial (Horner) hash: appending unit `c` to a sequence of hash `h`.
#[inline(always)]
pub(super) fn step(h: u64, c: u32) -> u64 {
    h.wrapping_mul(BASE).wrapping_add(u64::from(c) + 1)
}

/// The hash of a whole sequence.
#[inline]
pub(super) fn hash<T: Unit>(s: &[T]) -> u64 {
    s.iter().fold(0, |h, &c| step(h, c.into()))
}

/// Asks the CPU to bring the cache line at `p` in; never faults.
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Hashes of every prefix of a sequence, so that any substring's hash takes two
/// multiplications ([`Prefixes::range`]), as the Pass-Join probe needs.
pub(super) struct Prefixes {
    pre: Vec<u64>,
    pow: Vec<u64>,
}

impl Prefixes {
    pub(super) fn new<T: Unit>(s: &[T]) -> Self {
        let mut pre = Vec::with_capacity(s.len() + 1);
        let mut pow = Vec::with_capacity(s.len() + 1);
        let (mut h, mut p) = (0u64, 1u64);
        pre.push(h);
        pow.push(p);
        for &c in s {
            h = step(h, c.into());
            p = p.wrapping_mul(BASE);
            pre.push(h);
            pow.push(p);
        }
        Prefixes { pre, pow }
    }

    /// The hash of units `start..end`, equal to [`hash`] of that slice.
    #[inline]
    pub(super) fn range(&self, start: usize, end: usize) -> u64 {
        self.pre[end].wrapping_sub(self.pre[start].wrapping_mul(self.pow[end - start]))
    }
}

/// Finishes a hash into a key, mixing in what else tells entries apart (a
/// length, a segment number): splitmix64's finaliser.
#[inline(always)]
pub(super) fn key(h: u64, tag: u64) -> u64 {
    let mut z = h ^ tag.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One posting: the low half of its key (to tell keys of one bucket apart)
/// and a string id.
#[derive(Clone, Copy, Default)]
struct Entry {
    fingerprint: u32,
    id: u32,
}

/// Keys to string ids, as buckets of postings in one array (compressed sparse
/// rows). Within a key, ids come in the order they were added.
pub(super) struct Table {
    /// 64 minus the number of bucket bits.
    shift: u32,
    /// Bucket `b` holds `entries[starts[b]..starts[b + 1]]`.
    starts: Starts,
    entries: Vec<Entry>,
}

/// Keys generated for a run of strings: `keys`, of which the first
/// `owners[0].1` belong to string `owners[0].0`, the next `owners[1].1` to
/// `owners[1].0`, and so on.
#[derive(Default)]
pub(super) struct Run {
    pub(super) keys: Vec<u64>,
    pub(super) owners: Vec<(u32, u32)>,
    /// Keys already given an owner.
    closed: usize,
}

impl Run {
    /// Records that the keys pushed since the last call belong to string `id`.
    pub(super) fn close(&mut self, id: u32) {
        let count = self.keys.len() - self.closed;
        if count > 0 {
            self.owners.push((id, count as u32));
            self.closed = self.keys.len();
        }
    }
}

/// Bucket offsets: `u32` (a third less memory to miss in) unless a table has
/// 2^32 entries or more.
enum Starts {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl Starts {
    #[inline(always)]
    fn get(&self, b: usize) -> usize {
        match self {
            Starts::Narrow(s) => s[b] as usize,
            Starts::Wide(s) => s[b],
        }
    }

    #[inline(always)]
    fn prefetch(&self, b: usize) {
        match self {
            Starts::Narrow(s) => prefetch(s.as_ptr().wrapping_add(b)),
            Starts::Wide(s) => prefetch(s.as_ptr().wrapping_add(b)),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Starts::Narrow(s) => s.capacity() * size_of::<u32>(),
            Starts::Wide(s) => s.capacity() * size_of::<usize>(),
        }
    }
}

/// A bucket offset as stored (see [`Starts`]).
trait Offset: Copy + Send {
    fn at(offset: usize) -> Self;
}

impl Offset for u32 {
    #[inline(always)]
    fn at(offset: usize) -> Self {
        offset as u32
    }
}

impl Offset for usize {
    #[inline(always)]
    fn at(offset: usize) -> Self {
        offset
    }
}

/// The second step of [`Table::build`]: each partition's keys sorted into
/// its buckets.
struct Sort<'a> {
    shift: u32,
    /// Buckets per partition.
    per_part: usize,
    part_start: &'a [usize],
    keys: &'a [u64],
    ids: &'a [u32],
}

impl Sort<'_> {
    /// Fills `starts` (one more than the buckets) and each partition's entries.
    fn run<T: Offset>(&self, starts: &mut [T], entry_parts: Vec<&mut [Entry]>) {
        let (shift, per_part) = (self.shift, self.per_part);
        let buckets = starts.len() - 1;
        starts[buckets] = T::at(self.keys.len());
        starts[..buckets]
            .par_chunks_mut(per_part)
            .zip(entry_parts)
            .enumerate()
            .for_each(|(p, (starts, entries))| {
                let base = self.part_start[p];
                let range = base..self.part_start[p + 1];
                let (keys, ids) = (&self.keys[range.clone()], &self.ids[range]);
                let mut fill = Vec::new();
                bucket_sort(keys, ids, shift, per_part, &mut fill, entries);
                for (s, &f) in starts.iter_mut().zip(&fill) {
                    *s = T::at(base + f);
                }
            });
    }
}

impl Table {
    /// The table of every run's keys. Runs are added in order, so within a
    /// bucket entries keep the order of the runs: increasing ids, when the
    /// runs list strings in order (as every builder does).
    pub(super) fn build(runs: &[Run]) -> Table {
        let total: usize = runs.iter().map(|r| r.keys.len()).sum();
        let bits = bucket_bits(total);
        let shift = 64 - bits;
        // A counting sort straight into buckets touches `starts` and `entries`
        // at random, a cache miss per key (most of a 12-million-key build). So
        // keys are first split by their top bits into partitions, in order,
        // then each partition is sorted into its buckets on its own: its part
        // of `starts` fits in the cache, and partitions run in parallel.
        let part_bits = bits.min(PARTITION_BITS);
        let parts = 1usize << part_bits;
        let (part_start, keys, ids) = Self::partition(runs, total, part_bits);
        let per_part = 1usize << (bits - part_bits);
        let mut entries = vec![Entry::default(); total];
        let mut entry_parts = Vec::with_capacity(parts);
        let mut rest = &mut entries[..];
        for p in 0..parts {
            let (head, tail) = rest.split_at_mut(part_start[p + 1] - part_start[p]);
            entry_parts.push(head);
            rest = tail;
        }
        let sort = Sort {
            shift,
            per_part,
            part_start: &part_start,
            keys: &keys,
            ids: &ids,
        };
        // Offsets are written in their final width: no second copy.
        let buckets = 1usize << bits;
        let starts = if u32::try_from(total).is_ok() {
            let mut starts = vec![0u32; buckets + 1];
            sort.run(&mut starts, entry_parts);
            Starts::Narrow(starts)
        } else {
            let mut starts = vec![0usize; buckets + 1];
            sort.run(&mut starts, entry_parts);
            Starts::Wide(starts)
        };
        Table {
            shift,
            starts,
            entries,
        }
    }

    /// The bucket of `key`.
    #[inline(always)]
    pub(super) fn bucket(&self, key: u64) -> usize {
        (key >> self.shift) as usize
    }

    /// Asks the CPU to load where bucket `b` starts (a probe issues these for
    /// all its keys first, so that the misses overlap).
    #[inline(always)]
    pub(super) fn prefetch_start(&self, b: usize) {
        self.starts.prefetch(b);
    }

    /// The entries of bucket `b`, as a range, asking the CPU to load the first.
    #[inline(always)]
    pub(super) fn range(&self, b: usize) -> (usize, usize) {
        let (start, end) = (self.starts.get(b), self.starts.get(b + 1));
        prefetch(self.entries.as_ptr().wrapping_add(start));
        (start, end)
    }

    /// Calls `f(id)` for each entry of `range` stored under `key` (and,
    /// rarely, under another key of its bucket and fingerprint) whose id is
    /// `first` or more. Ids increase along a bucket, so the scan runs from its
    /// end and stops at the first smaller id.
    #[inline(always)]
    pub(super) fn scan(&self, key: u64, range: (usize, usize), first: u32, mut f: impl FnMut(u32)) {
        let fingerprint = key as u32;
        for e in self.entries[range.0..range.1].iter().rev() {
            if e.id < first {
                break;
            }
            if e.fingerprint == fingerprint {
                f(e.id);
            }
        }
    }

    /// The keys and ids of all runs, stably split into `2^part_bits` partitions
    /// by their top bits: partition p is `part_start[p]..part_start[p + 1]`.
    fn partition(runs: &[Run], total: usize, part_bits: u32) -> (Vec<usize>, Vec<u64>, Vec<u32>) {
        let parts = 1usize << part_bits;
        let part_of = |k: u64| (k >> (64 - part_bits)) as usize;
        let counts: Vec<Vec<usize>> = runs
            .par_iter()
            .map(|run| {
                let mut c = vec![0usize; parts];
                for &k in &run.keys {
                    c[part_of(k)] += 1;
                }
                c
            })
            .collect();
        // Within partition p, run r's keys start at offsets[r][p].
        let mut part_start = vec![0usize; parts + 1];
        for c in &counts {
            for (p, &n) in c.iter().enumerate() {
                part_start[p + 1] += n;
            }
        }
        for p in 1..=parts {
            part_start[p] += part_start[p - 1];
        }
        let mut next = part_start.clone();
        let offsets: Vec<Vec<usize>> = counts
            .iter()
            .map(|c| {
                let o = next[..parts].to_vec();
                for (p, &n) in c.iter().enumerate() {
                    next[p] += n;
                }
                o
            })
            .collect();
        let mut keys = vec![0u64; total];
        let mut ids = vec![0u32; total];
        let (key_out, id_out) = (SharedOut::new(&mut keys), SharedOut::new(&mut ids));
        runs.par_iter().zip(offsets).for_each(|(run, mut at)| {
            let mut keys = run.keys.iter();
            for &(id, count) in &run.owners {
                for &k in keys.by_ref().take(count as usize) {
                    let slot = &mut at[part_of(k)];
                    // SAFETY: the slots of run r in partition p are
                    // offsets[r][p]..offsets[r][p] + counts[r][p], below `total`,
                    // and no other run writes them.
                    unsafe {
                        key_out.write(*slot, k);
                        id_out.write(*slot, id);
                    }
                    *slot += 1;
                }
            }
        });
        (part_start, keys, ids)
    }

    /// Calls `f(id)` with each id stored under `key`, largest first.
    #[cfg(test)]
    pub(super) fn get(&self, key: u64, f: impl FnMut(u32)) {
        let b = self.bucket(key);
        let range = (self.starts.get(b), self.starts.get(b + 1));
        self.scan(key, range, 0, f);
    }

    /// Bytes held, for memory reports.
    pub(super) fn heap_bytes(&self) -> usize {
        self.starts.heap_bytes() + self.entries.capacity() * size_of::<Entry>()
    }
}

/// The bucket bits of a table of `total` entries: about two entries per
/// bucket (one cache line of `starts` and one of `entries` per lookup, and a
/// third of the memory in `starts`).
fn bucket_bits(total: usize) -> u32 {
    (total / 2)
        .max(1)
        .next_power_of_two()
        .trailing_zeros()
        .max(1)
}

/// The ids stored under each key of all `runs`, as a [`Table`] of them would
/// hold them, without building one: for each of `parts` slices of the keys
/// (in parallel), `visit(&mut state, ids)` is called on a fresh `init()` with
/// the ids (ascending) under each key with two or more; keys that would share
/// a bucket and fingerprint (rare) come as one. The states come back in order.
///
/// A self-join reads each group once, so the table's arrays (the entries and
/// bucket starts, fresh memory a page fault apiece) and a second, cache-cold
/// pass over them are not needed: each partition of the keys is bucketed in
/// a small buffer of its own and walked while it is in the cache.
pub(super) fn groups<T: Send>(
    runs: &[Run],
    parts: usize,
    init: impl Fn() -> T + Sync,
    visit: impl Fn(&mut T, &[u32]) + Sync,
) -> Vec<T> {
    let total: usize = runs.iter().map(|r| r.keys.len()).sum();
    let bits = bucket_bits(total);
    let part_bits = bits.min(GROUP_PARTITION_BITS);
    let (part_start, keys, ids) = Table::partition(runs, total, part_bits);
    let (shift, per_part, count) = (64 - bits, 1usize << (bits - part_bits), 1usize << part_bits);
    let parts = parts.max(1);
    (0..parts)
        .into_par_iter()
        .map(|p| {
            let mut state = init();
            let (mut fill, mut entries) = (Vec::new(), Vec::new());
            let (mut sort, mut group) = (Vec::new(), Vec::new());
            for q in p * count / parts..(p + 1) * count / parts {
                let range = part_start[q]..part_start[q + 1];
                entries.clear();
                entries.resize(range.len(), Entry::default());
                bucket_sort(
                    &keys[range.clone()],
                    &ids[range],
                    shift,
                    per_part,
                    &mut fill,
                    &mut entries,
                );
                for b in 0..per_part {
                    let bucket = &entries[fill[b]..fill[b + 1]];
                    bucket_groups(bucket, &mut sort, &mut group, |g| visit(&mut state, g));
                }
            }
            state
        })
        .collect()
}

/// A counting sort of one partition's `keys` and `ids` into `entries` by
/// their bucket (bits `shift..` of the key, of which the partition's own are
/// ignored): bucket b ends up in `entries[fill[b]..fill[b + 1]]`, in the
/// order it came.
fn bucket_sort(
    keys: &[u64],
    ids: &[u32],
    shift: u32,
    per_part: usize,
    fill: &mut Vec<usize>,
    entries: &mut [Entry],
) {
    let local = |k: u64| ((k >> shift) as usize) & (per_part - 1);
    fill.clear();
    fill.resize(per_part + 1, 0);
    for &k in keys {
        fill[local(k) + 1] += 1;
    }
    for b in 1..=per_part {
        fill[b] += fill[b - 1];
    }
    for (&k, &id) in keys.iter().zip(ids) {
        let slot = &mut fill[local(k)];
        entries[*slot] = Entry {
            fingerprint: k as u32,
            id,
        };
        *slot += 1;
    }
    // Each slot has moved to its bucket's end: shift them back to the starts.
    fill.copy_within(..per_part, 1);
    fill[0] = 0;
}

/// Calls `f` with the ids of each key in one bucket's `entries` (with two or
/// more ids), ascending; keys that share the fingerprint come as one. `sort`
/// and `ids` are working memory.
fn bucket_groups(
    entries: &[Entry],
    sort: &mut Vec<u64>,
    ids: &mut Vec<u32>,
    mut f: impl FnMut(&[u32]),
) {
    let Some(head) = entries.first() else {
        return;
    };
    if entries.len() < 2 {
        return;
    }
    ids.clear();
    if entries.iter().all(|e| e.fingerprint == head.fingerprint) {
        ids.extend(entries.iter().map(|e| e.id));
        f(ids);
        return;
    }
    // Several keys: group by fingerprint, ids ascending within one.
    sort.clear();
    sort.extend(
        entries
            .iter()
            .map(|e| (u64::from(e.fingerprint) << 32) | u64::from(e.id)),
    );
    sort.sort_unstable();
    for run in sort.chunk_by(|a, b| a >> 32 == b >> 32) {
        if run.len() > 1 {
            ids.clear();
            ids.extend(run.iter().map(|&e| e as u32));
            f(ids);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_hashes_equal_whole_hashes() {
        let s: Vec<u32> = (0..40).map(|i| (i * 7919) % 13).collect();
        let p = Prefixes::new(&s);
        for a in 0..=s.len() {
            for b in a..=s.len() {
                assert_eq!(p.range(a, b), hash(&s[a..b]));
            }
        }
        let bytes = [1u8, 2, 3];
        let wide = [1u32, 2, 3];
        assert_eq!(
            hash(&bytes),
            hash(&wide),
            "a unit's width does not change its hash"
        );
    }

    #[test]
    fn groups_are_the_ids_of_each_shared_key() {
        // String i has keys 0..20 and the keys 100 + i, 200 + i / 2: the first
        // twenty are shared by all, the 200s by pairs, the 100s by none.
        let mut runs = vec![Run::default(), Run::default(), Run::default()];
        for id in 0..30u32 {
            let run = &mut runs[id as usize / 10];
            run.keys.extend((0..20u64).map(|h| key(h, 3)));
            run.keys.push(key(100 + u64::from(id), 3));
            run.keys.push(key(200 + u64::from(id / 2), 3));
            run.close(id);
        }
        for parts in [1, 3, 8] {
            let found = groups(&runs, parts, Vec::new, |out: &mut Vec<Vec<u32>>, g| {
                out.push(g.to_vec());
            });
            let mut all: Vec<Vec<u32>> = found.into_iter().flatten().collect();
            all.sort();
            let mut want: Vec<Vec<u32>> = (0..20).map(|_| (0..30).collect()).collect();
            want.extend((0..15).map(|i| vec![2 * i, 2 * i + 1]));
            want.sort();
            assert_eq!(all, want, "parts = {parts}");
        }
    }

    #[test]
    fn every_key_finds_its_ids_in_order() {
        // Strings 0..10 each have the keys of 0..100; strings 0..5 in one run.
        let mut runs = vec![Run::default(), Run::default()];
        for id in 0..10u32 {
            let run = &mut runs[usize::from(id >= 5)];
            run.keys.extend((0..100u64).map(|h| key(h, 7)));
            run.close(id);
        }
        let table = Table::build(&runs);
        for h in 0..100u64 {
            let mut got = Vec::new();
            table.get(key(h, 7), |id| got.push(id));
            assert_eq!(got, (0..10).rev().collect::<Vec<u32>>());
        }
    }
}
