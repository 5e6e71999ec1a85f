//! The wavefront's schedule, generic over a vector register: a band of
//! consecutive strips of W blocks stepped through one chunk of time at a time
//! (see the module docs above for the layout of lanes, times and carries).

use super::Job;
use crate::runtime::stop::Stop;

/// Cells (pattern units × text units) between two looks at the stop flag.
const STOP_CHECK_CELLS: usize = 1 << 22;

/// One vector register of `L` (1, 2, 4 or 8) 64-bit lanes. Every method is
/// inlined into the target-feature function that runs the kernel; none may
/// take a closure that calls an intrinsic (closures are compiled outside that
/// function, without its features, and their intrinsics are then calls).
pub(super) trait Reg: Copy {
    const L: usize;
    fn splat(x: u64) -> Self;
    fn from_fn(f: impl Fn(usize) -> u64) -> Self;
    fn lane(self, l: usize) -> u64;
    fn and(self, o: Self) -> Self;
    fn or(self, o: Self) -> Self;
    /// `!self & o`.
    fn andnot(self, o: Self) -> Self;
    fn add(self, o: Self) -> Self;
    fn shl1(self) -> Self;
    fn shr63(self) -> Self;
    /// Lane i gets lane i - 1; lane 0 gets the top lane of `prev`.
    fn shift_up(self, prev: Self) -> Self;
    /// `rows[at..at + L]`; the caller guarantees `at + L <= rows.len()`.
    fn load(rows: &[u64], at: usize) -> Self;
    /// `old` in the lanes whose index has bit `k` set, `new` in the others.
    fn blend(k: u32, new: Self, old: Self) -> Self;
    /// The top lanes of `a` and `b`.
    fn top_pair(a: Self, b: Self) -> [u64; 2];
    /// Writes the lanes to `out[at..at + L]` (checked: it panics past the end).
    fn store(self, out: &mut [u64], at: usize);

    /// `a` where `mask` is set, else `b`.
    #[inline(always)]
    fn select(mask: Self, a: Self, b: Self) -> Self {
        a.and(mask).or(mask.andnot(b))
    }
}

/// A strip's registers: vertical deltas, and the horizontal carries its lanes
/// produced in the last step, kept as !HP and HN words (only their top bit is
/// read). !HP rather than HP saves an operation per step, as in
/// [`crate::kernels::hyyro2003`]; a +1 carry is then a clear top bit.
#[derive(Clone, Copy)]
struct Strip<G, const R: usize> {
    vp: [G; R],
    vn: [G; R],
    not_hp: [G; R],
    hn: [G; R],
    /// The carry that left the bottom lane at the last time of the previous chunk.
    boundary: [u64; 2],
}

/// The carry words entering the first block of every column: a +1 (no -1).
pub(super) const TOP: [u64; 2] = [0, 0];

/// What a run keeps of each time step (the `KEEP` parameter below): nothing,
/// the new vertical deltas `[vp, vn]`, or the step's horizontal deltas
/// `[!hp, hn]` (unshifted), each as `W` lanes of the first word then `W` of
/// the second, time step t at words `2·W·(t - 1)..` (see [`run_keeping`]).
pub(super) const KEEP_NOTHING: u8 = 0;
pub(super) const KEEP_VERTICAL: u8 = 1;
pub(super) const KEEP_HORIZONTAL: u8 = 2;

/// Advances a strip by one time step given the lanes' masks `eq` and the carry
/// words `top` entering its top block; `active` keeps lanes outside the matrix
/// as they were.
#[inline(always)]
fn step<G: Reg, const R: usize>(
    st: &mut Strip<G, R>,
    eq: [G; R],
    top: [u64; 2],
    active: Option<[G; R]>,
) {
    let (mut not_hp_up, mut hn_up) = (st.not_hp, st.hn);
    for r in 0..R {
        let (prev_not_hp, prev_hn) = if r == 0 {
            (G::splat(top[0]), G::splat(top[1]))
        } else {
            (st.not_hp[r - 1], st.hn[r - 1])
        };
        not_hp_up[r] = st.not_hp[r].shift_up(prev_not_hp);
        hn_up[r] = st.hn[r].shift_up(prev_hn);
    }
    for r in 0..R {
        let (vp, vn, eq) = (st.vp[r], st.vn[r], eq[r]);
        let hn_in = hn_up[r].shr63();
        let x = eq.or(vn);
        // A -1 carry from above acts as a match in the block's first row.
        let eq_in = eq.or(hn_in);
        let s = eq_in.and(vp).add(vp);
        // !HP = !(VN | !(s | VP | Eq)); HN = VP & !(s & !Eq).
        let not_hp = vn.andnot(s.or(vp).or(eq_in));
        let hn = eq_in.andnot(s).andnot(vp);
        // The shifted deltas take the carries in at row 1: !HP << 1 | !hp_in.
        let not_hp_s = not_hp.shl1().or(not_hp_up[r].shr63());
        let hn_s = hn.shl1().or(hn_in);
        let new_vp = hn_s.or(x.andnot(not_hp_s));
        let new_vn = not_hp_s.andnot(x);
        match active {
            None => (st.vp[r], st.vn[r]) = (new_vp, new_vn),
            Some(mask) => {
                st.vp[r] = G::select(mask[r], new_vp, vp);
                st.vn[r] = G::select(mask[r], new_vn, vn);
            }
        }
        st.not_hp[r] = not_hp;
        st.hn[r] = hn;
    }
}

/// The masks of a strip's lanes, step by step: register r's lane i reads text
/// unit s - L·r - i where lane 0 reads unit s. Each register pushes the vector
/// of its unit s - L·r through its own blend tree (see the module docs).
#[derive(Clone, Copy)]
struct Diagonal<'a, G, const R: usize> {
    rows: &'a [u64],
    /// From the strip's first read of the chunk: `window[x - L·r]` is the row
    /// offset (id · blocks) of register r's newest unit at window position x.
    window: &'a [u32],
    /// The strip's first block.
    first: usize,
    h1: [G; R],
    h2: [[G; 2]; R],
    h3: [[G; 4]; R],
}

impl<G: Reg, const R: usize> Diagonal<'_, G, R> {
    /// The lanes' masks once the unit at window position `x` entered.
    #[inline(always)]
    fn push(&mut self, x: usize) -> [G; R] {
        match x % 4 {
            0 => self.push_at::<0>(x),
            1 => self.push_at::<1>(x),
            2 => self.push_at::<2>(x),
            _ => self.push_at::<3>(x),
        }
    }

    /// [`Self::push`] for an `x` of `x % 4 == U`: the trees' histories are rings
    /// indexed by U, so that an unrolled loop keeps them in registers without
    /// moving them along.
    #[inline(always)]
    fn push_at<const U: usize>(&mut self, x: usize) -> [G; R] {
        debug_assert_eq!(x % 4, U);
        let mut eq = self.h1;
        for (r, eq) in eq.iter_mut().enumerate() {
            debug_assert!(G::L * r <= x && x < self.window.len());
            // SAFETY: `strip` checked that its window covers every x it pushes,
            // and x >= L·r (see Span::window).
            let row = unsafe { *self.window.get_unchecked(x - G::L * r) } as usize;
            let at = row + self.first + G::L * r;
            debug_assert!(at + G::L <= self.rows.len());
            // The window holds id · blocks <= the last row's offset, and a strip
            // reads at most ROW_PADDING words past a row: in bounds.
            let v = G::load(self.rows, at);
            // h1: V of the previous unit; h2[U % 2]: P1 of two units back;
            // h3[U]: P2 of four units back.
            let p1 = if G::L > 1 {
                G::blend(0, v, self.h1[r])
            } else {
                v
            };
            let p2 = if G::L > 2 {
                G::blend(1, p1, self.h2[r][U % 2])
            } else {
                p1
            };
            let p3 = if G::L > 4 {
                G::blend(2, p2, self.h3[r][U])
            } else {
                p2
            };
            self.h1[r] = v;
            self.h2[r][U % 2] = p1;
            self.h3[r][U] = p2;
            *eq = p3;
        }
        eq
    }
}

/// The kernel for `R` registers of type `G`: every strip in one band.
#[inline(always)]
pub(super) fn run<G: Reg, const R: usize>(job: &Job<'_>, stop: Stop<'_>) -> Option<usize> {
    let mut band = BandState::<G, R>::new(job, 0..job.strips(G::L * R));
    let chunks = job.chunks(G::L * R);
    let chunks_per_check = (STOP_CHECK_CELLS / (job.chunk(G::L * R) * band.span * 64)).max(1);
    for c in 0..chunks {
        if c % chunks_per_check == chunks_per_check - 1 && stop.raised() {
            return None;
        }
        band.advance(job, c, None, None);
    }
    Some((job.n as isize + band.vertical_deltas(job)) as usize)
}

/// [`run`] for a pattern of one strip (at most W blocks), keeping every time
/// step's deltas (`KEEP`, not [`KEEP_NOTHING`]) in `kept`, which holds
/// `2·W·(W - 1 + n)` words: block b of column j runs at time j + b, so its
/// words are lane b of time step j + b. Two or four vector stores per step;
/// the lanes of blocks past the pattern, and of columns outside 1..=n on the
/// ramps, are kept too, but nothing reads them.
#[inline(always)]
pub(super) fn run_keeping<G: Reg, const R: usize, const KEEP: u8>(
    job: &Job<'_>,
    kept: &mut [u64],
    stop: Stop<'_>,
) -> Option<usize> {
    let w = G::L * R;
    assert!(job.strips(w) == 1 && kept.len() >= 2 * w * (w - 1 + job.n));
    let mut band = BandState::<G, R>::new(job, 0..1);
    let (chunks, chunk) = (job.chunks(w), job.chunk(w));
    let chunks_per_check = (STOP_CHECK_CELLS / (chunk * band.span * 64)).max(1);
    for c in 0..chunks {
        if c % chunks_per_check == chunks_per_check - 1 && stop.raised() {
            return None;
        }
        let from = 2 * w * c * chunk;
        band.advance_keeping::<KEEP>(job, c, None, None, &mut kept[from..]);
    }
    Some((job.n as isize + band.vertical_deltas(job)) as usize)
}

/// A band of consecutive strips between chunks: their registers, the text
/// window and the carry buffers between them.
pub(super) struct BandState<G, const R: usize> {
    /// Strip indices (strip g holds blocks g·W..(g + 1)·W).
    strips: std::ops::Range<usize>,
    /// Lanes in all strips of the pattern: blocks rounded up to W.
    span: usize,
    state: Vec<Strip<G, R>>,
    /// window[x]: the row offset (id · blocks) of column wlo + x's text unit, 0
    /// (the empty row) outside 1..=n; the chunk of times [t0, t0 + chunk)
    /// reads columns t0 + 1 - span ..= t0 + chunk - 1.
    window: Vec<u32>,
    /// Carry buffers between the band's strips: entry k holds the bottom
    /// lane's carry at time t0 - 1 + k. Strip g writes rings[g % 2] and reads
    /// the other.
    rings: [Vec<[u64; 2]>; 2],
}

impl<G: Reg, const R: usize> BandState<G, R> {
    pub(super) fn new(job: &Job<'_>, strips: std::ops::Range<usize>) -> Self {
        let w = G::L * R;
        let span = job.strips(w) * w;
        let chunk = job.chunk(w);
        let fresh = Strip {
            vp: [G::splat(u64::MAX); R],
            vn: [G::splat(0); R],
            not_hp: [G::splat(0); R],
            hn: [G::splat(0); R],
            boundary: TOP,
        };
        let ring_len = if strips.len() > 1 { chunk + 1 } else { 0 };
        BandState {
            state: vec![fresh; strips.len()],
            strips,
            span,
            window: vec![0; chunk + span - 1],
            rings: [vec![TOP; ring_len], vec![TOP; ring_len]],
        }
    }

    /// Runs the band's strips through chunk `c` (after chunks 0..c). The top
    /// strip reads `incoming` (entry k: the carry entering it at time
    /// t0 - 1 + k, from the band above), or the top row's carries without
    /// one; the bottom strip writes its carries to `outgoing` (same layout) if
    /// given.
    #[inline(always)]
    pub(super) fn advance(
        &mut self,
        job: &Job<'_>,
        c: usize,
        incoming: Option<&[[u64; 2]]>,
        outgoing: Option<&mut [[u64; 2]]>,
    ) {
        self.advance_keeping::<KEEP_NOTHING>(job, c, incoming, outgoing, &mut []);
    }

    /// [`Self::advance`], keeping the chunk's time steps in `kept` from its
    /// start (see [`run_keeping`]).
    #[inline(always)]
    fn advance_keeping<const KEEP: u8>(
        &mut self,
        job: &Job<'_>,
        c: usize,
        incoming: Option<&[[u64; 2]]>,
        mut outgoing: Option<&mut [[u64; 2]]>,
        kept: &mut [u64],
    ) {
        let (n, w, span) = (job.n, G::L * R, self.span);
        let chunk = job.chunk(w);
        let last_time = span - 1 + n;
        let t0 = 1 + c * chunk;
        let t1 = (t0 + chunk).min(last_time + 1);
        // Columns c of the window at x = c - wlo hold the row offset of text
        // unit c - 1; columns outside 1..=n hold 0, the empty row.
        let wlo = t0 as isize + 1 - span as isize;
        let fill = |window: &mut [u32], wlo: isize| {
            let lo = (1 - wlo).clamp(0, window.len() as isize) as usize;
            let hi = (n as isize + 1 - wlo).clamp(lo as isize, window.len() as isize) as usize;
            window[..lo].fill(0);
            window[hi..].fill(0);
            if lo < hi {
                let from = (wlo + lo as isize - 1) as usize;
                job.units.get()(from, &mut window[lo..hi]);
            }
        };
        if c == 0 {
            fill(&mut self.window, wlo);
        } else {
            self.window.copy_within(chunk.., 0);
            let keep = self.window.len() - chunk;
            fill(&mut self.window[keep..], wlo + keep as isize);
        }
        let (top, bottom) = (self.strips.start, self.strips.end - 1);
        for (g, st) in self.strips.clone().zip(self.state.iter_mut()) {
            let first = g * w;
            if first + 1 >= t1 {
                break; // this strip, and those below it, start later
            }
            // A strip that is done still passes on the carry of its last time,
            // which the strip below reads at the start of this chunk.
            let (even, odd) = self.rings.split_at_mut(1);
            let (ring_in, ring_out): (&[[u64; 2]], &mut [[u64; 2]]) = if g % 2 == 0 {
                (&odd[0], &mut even[0])
            } else {
                (&even[0], &mut odd[0])
            };
            let ring_in = if g == top { incoming } else { Some(ring_in) };
            let ring_out = if g == bottom {
                outgoing.as_deref_mut()
            } else {
                Some(ring_out)
            };
            let at = Span {
                first,
                t0,
                t1,
                n,
                window: &self.window[span - first - w..],
            };
            // The top row's carries and a strip with no one below: each case
            // is a copy of `strip` of its own.
            let rows = job.rows;
            let kept = &mut *kept;
            match (ring_in, ring_out) {
                (None, None) => strip::<G, R, false, KEEP>(st, &at, rows, None, &mut [], kept),
                (Some(ring_in), None) => {
                    strip::<G, R, false, KEEP>(st, &at, rows, Some(ring_in), &mut [], kept);
                }
                (ring_in, Some(ring_out)) => {
                    ring_out[0] = st.boundary;
                    if let Some(ring_in) = ring_in {
                        strip::<G, R, true, KEEP>(st, &at, rows, Some(ring_in), ring_out, kept);
                    } else {
                        strip::<G, R, true, KEEP>(st, &at, rows, None, ring_out, kept);
                    }
                    st.boundary = ring_out[t1 - t0];
                }
            }
        }
    }

    /// Once every chunk ran: the sum of the vertical deltas of the band's
    /// rows (up to row m) in the last column.
    /// Appends the vertical deltas `[vp, vn]` of each of the band's blocks in
    /// the last column, top block first (the last block's rows past the
    /// pattern left as they are: callers read rows up to `m` only).
    pub(super) fn last_blocks(&self, job: &Job<'_>, out: &mut Vec<[u64; 2]>) {
        let (blocks, w) = (job.blocks, G::L * R);
        for (g, st) in self.strips.clone().zip(&self.state) {
            for r in 0..R {
                for l in 0..G::L {
                    if g * w + G::L * r + l < blocks {
                        out.push([st.vp[r].lane(l), st.vn[r].lane(l)]);
                    }
                }
            }
        }
    }

    pub(super) fn vertical_deltas(&self, job: &Job<'_>) -> isize {
        let (m, blocks, w) = (job.m, job.blocks, G::L * R);
        let mut d = 0isize;
        for (g, st) in self.strips.clone().zip(&self.state) {
            for r in 0..R {
                for l in 0..G::L {
                    let b = g * w + G::L * r + l;
                    if b >= blocks {
                        continue;
                    }
                    let rows = if b + 1 == blocks {
                        u64::MAX >> (63 - (m - 1) % 64)
                    } else {
                        u64::MAX
                    };
                    d += (st.vp[r].lane(l) & rows).count_ones() as isize;
                    d -= (st.vn[r].lane(l) & rows).count_ones() as isize;
                }
            }
        }
        d
    }
}

/// Where a strip runs in a chunk.
struct Span<'a> {
    /// The strip's top block.
    first: usize,
    /// The chunk's times.
    t0: usize,
    t1: usize,
    n: usize,
    /// The chunk's window from the strip's earliest read on: at time t
    /// register r reads unit `window[t - t0 + W - 1 - L·r]`.
    window: &'a [u32],
}

/// Runs strip `st` through the times of the chunk where it has work: the
/// ramps (lanes outside columns 1..=n) blended, the rest plain. Reads carries
/// from `ring_in[t - t0]` (the top row's without one), writes its own to
/// `ring_out[t - t0 + 1]` if `OUT`, and keeps its deltas at words
/// `2·W·(t - t0)..` of `kept` if `KEEP` says so.
#[inline(always)]
fn strip<G: Reg, const R: usize, const OUT: bool, const KEEP: u8>(
    st: &mut Strip<G, R>,
    at: &Span<'_>,
    rows: &[u64],
    ring_in: Option<&[[u64; 2]]>,
    ring_out: &mut [[u64; 2]],
    kept: &mut [u64],
) {
    let w = G::L * R;
    let (first, t0, n) = (at.first, at.t0, at.n);
    // Lane i of register r is at column t - first - L·r - i; all lanes are
    // inside the matrix for t in first + w ..= first + n.
    let start = t0.max(first + 1);
    let end = at.t1.min(first + w + n).max(start);
    let full_from = (first + w).clamp(start, end);
    let full_to = (first + n + 1).clamp(full_from, end);
    // Every window position, carry and buffer entry read below, checked once.
    assert!(end - t0 + w - 1 <= at.window.len());
    assert!(ring_in.is_none_or(|r| end - t0 <= r.len()));
    assert!(!OUT || end - t0 < ring_out.len());
    assert!(KEEP == KEEP_NOTHING || 2 * w * (end - t0) <= kept.len());
    let mut diag = Diagonal {
        rows,
        window: at.window,
        first,
        h1: [G::splat(0); R],
        h2: [[G::splat(0); 2]; R],
        h3: [[G::splat(0); 4]; R],
    };
    // Fill the blend trees with the units that entered before `start`.
    let x0 = start - t0 + w - 1;
    for x in x0 + 1 - G::L..x0 {
        diag.push(x);
    }
    let mut s = *st;
    for t in start..full_from {
        ramp::<G, R, OUT, KEEP>(&mut s, &mut diag, t, at, ring_in, ring_out, kept);
    }
    // The plain steps, four at a time once the window position is a
    // multiple of 4 (see Diagonal::push_at).
    let (mut k, k_end) = (full_from - t0, full_to - t0);
    while k < k_end && !(k + w - 1).is_multiple_of(4) {
        let eq = diag.push(k + w - 1);
        plain::<G, R, OUT, KEEP>(&mut s, ring_in, k, eq, ring_out, kept);
        k += 1;
    }
    while k + 4 <= k_end {
        let x = k + w - 1;
        let eq = diag.push_at::<0>(x);
        plain::<G, R, OUT, KEEP>(&mut s, ring_in, k, eq, ring_out, kept);
        let eq = diag.push_at::<1>(x + 1);
        plain::<G, R, OUT, KEEP>(&mut s, ring_in, k + 1, eq, ring_out, kept);
        let eq = diag.push_at::<2>(x + 2);
        plain::<G, R, OUT, KEEP>(&mut s, ring_in, k + 2, eq, ring_out, kept);
        let eq = diag.push_at::<3>(x + 3);
        plain::<G, R, OUT, KEEP>(&mut s, ring_in, k + 3, eq, ring_out, kept);
        k += 4;
    }
    while k < k_end {
        let eq = diag.push(k + w - 1);
        plain::<G, R, OUT, KEEP>(&mut s, ring_in, k, eq, ring_out, kept);
        k += 1;
    }
    for t in full_to..end {
        ramp::<G, R, OUT, KEEP>(&mut s, &mut diag, t, at, ring_in, ring_out, kept);
    }
    *st = s;
}

/// The step at `k = t - t0` with every lane inside the matrix. (A function, not
/// a closure: a closure is compiled without the caller's target features.)
#[inline(always)]
fn plain<G: Reg, const R: usize, const OUT: bool, const KEEP: u8>(
    s: &mut Strip<G, R>,
    ring_in: Option<&[[u64; 2]]>,
    k: usize,
    eq: [G; R],
    ring_out: &mut [[u64; 2]],
    kept: &mut [u64],
) {
    debug_assert!(ring_in.is_none_or(|r| k < r.len()) && (!OUT || k + 1 < ring_out.len()));
    // SAFETY: `strip` checked both buffers for every k it steps through.
    let top = ring_in.map_or(TOP, |r| unsafe { *r.get_unchecked(k) });
    step(s, eq, top, None);
    if OUT {
        // SAFETY: as above.
        unsafe { *ring_out.get_unchecked_mut(k + 1) = G::top_pair(s.not_hp[R - 1], s.hn[R - 1]) };
    }
    keep::<G, R, KEEP>(s, k, kept);
}

/// Keeps the deltas of the step at `k = t - t0` (see [`run_keeping`]).
#[inline(always)]
fn keep<G: Reg, const R: usize, const KEEP: u8>(s: &Strip<G, R>, k: usize, kept: &mut [u64]) {
    let (first, second) = match KEEP {
        KEEP_VERTICAL => (s.vp, s.vn),
        KEEP_HORIZONTAL => (s.not_hp, s.hn),
        _ => return,
    };
    let w = G::L * R;
    let at = 2 * w * k;
    debug_assert!(at + 2 * w <= kept.len());
    for r in 0..R {
        first[r].store(kept, at + G::L * r);
        second[r].store(kept, at + w + G::L * r);
    }
}

/// The step at time `t` with lanes outside columns 1..=n left as they were.
#[inline(always)]
fn ramp<G: Reg, const R: usize, const OUT: bool, const KEEP: u8>(
    s: &mut Strip<G, R>,
    diag: &mut Diagonal<'_, G, R>,
    t: usize,
    at: &Span<'_>,
    ring_in: Option<&[[u64; 2]]>,
    ring_out: &mut [[u64; 2]],
    kept: &mut [u64],
) {
    let w = G::L * R;
    let k = t - at.t0;
    let eq = diag.push(k + w - 1);
    let mut active = [G::splat(0); R];
    for (r, a) in active.iter_mut().enumerate() {
        let column_0 = t as isize - (at.first + G::L * r) as isize;
        *a = G::from_fn(|l| {
            if (1..=at.n as isize).contains(&(column_0 - l as isize)) {
                u64::MAX
            } else {
                0
            }
        });
    }
    step(s, eq, ring_in.map_or(TOP, |r| r[k]), Some(active));
    if OUT {
        ring_out[k + 1] = G::top_pair(s.not_hp[R - 1], s.hn[R - 1]);
    }
    keep::<G, R, KEEP>(s, k, kept);
}
