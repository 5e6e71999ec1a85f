//! Myers 1999 blocks of one long pair stepped side by side in vector lanes,
//! skewed along the anti-diagonal.
//!
//! G. Myers, "A fast bit-vector algorithm for approximate string matching based on
//! dynamic programming", JACM 46(3), 1999, §4 (blocks), with the boundary
//! condition of H. Hyyrö 2003 for the distance between whole strings, as in
//! [`crate::kernels::myers1999`]; the schedule is the anti-diagonal one of
//! A. Wozniak, "Using video-oriented instructions to speed up sequence
//! comparison", CABIOS 13(2), 1997 (the cells of an anti-diagonal do not depend
//! on each other, so they fill the lanes of a vector), applied to whole 64-row
//! blocks instead of single cells.
//!
//! Block b of column j needs block b of column j - 1 (its vertical deltas) and
//! the horizontal delta (+1, 0, -1) leaving the last row of block b - 1 in column
//! j: down a column the blocks form a serial chain of one-bit carries, which is
//! what bounds the scalar kernel. Blocks b, b + 1, ..., b + W - 1 at columns j,
//! j - 1, ..., j - W + 1 depend on none of each other, so they make one vector
//! step of W 64-bit lanes (4 per AVX2 register, 8 per AVX-512 register, one or
//! two registers). Lane l holds block `first + l` of a strip of W blocks, and
//! each step moves the carries one lane up: lane l takes what lane l - 1 produced
//! in the previous step (the same column, one block up), and lane 0 takes the
//! carry that left the bottom block of the strip above at that column, or +1 for
//! the first strip (row 0 gains 1 per column).
//!
//! Lane l at time t reads the masks of text unit t - first - l. Rather than
//! gathering W words from W table rows per step (which on Zen 4 cost as much as
//! the rest of the step), each text unit's W masks are loaded once, as one
//! vector, when the unit enters lane 0, and a blend tree assembles the
//! diagonal: with V_s the vector of unit s, P1_s takes its odd lanes from
//! V_{s-1}, P2_s its lanes 2-3 mod 4 from P1_{s-2}, P3_s its upper four from
//! P2_{s-4}, so that P3_s holds lane l of V_{s-l}: three blends per step.
//!
//! Block b of column j runs at time j + b. Time advances in chunks; within a
//! chunk the strips run one after the other, each handing the carries of its
//! bottom block, one per time step, to the next through a buffer of the
//! chunk's length, and keeping its registers in a small record between chunks.
//! Only the first and last W - 1 steps of a strip have lanes outside columns
//! 1..=n; those lanes keep their state (a blend), and their carries are only
//! ever read by other lanes outside the matrix. The distance is read from the
//! last column: D[m][n] = n + the vertical deltas of rows 1..=m.
//!
//! Cost: ⌈m/64⌉·n / W vector steps of about 25 instructions (W - 1 more per
//! strip), i.e. 1.6 (AVX-512, 16 lanes) to 6 (AVX2, 4 lanes) instructions per
//! block and column against the scalar kernel's 17; memory: the pattern table
//! plus O(m/64 + chunk) words.

use crate::kernels::masks::table::{BlockTable, LATIN1_ROWS_MAX, ROW_PADDING, with_latin1_rows};
use crate::runtime::stop::Stop;
use crate::text::units::Unit;
#[cfg(target_arch = "x86_64")]
use x86::AnyBand;

/// Without x86-64 there are no widths, so no plans and no bands.
#[cfg(not(target_arch = "x86_64"))]
enum AnyBand {}

#[cfg(not(target_arch = "x86_64"))]
impl AnyBand {
    fn new(_: Width, _: &Job<'_>, _: std::ops::Range<usize>) -> Self {
        unreachable!("widths only run on x86-64")
    }
    fn advance(
        &mut self,
        _: &Job<'_>,
        _: usize,
        _: Option<&[[u64; 2]]>,
        _: Option<&mut [[u64; 2]]>,
    ) {
        match *self {}
    }
    fn vertical_deltas(&self, _: &Job<'_>) -> isize {
        match *self {}
    }
}

/// Time steps per chunk: a strip's carry buffer (16 bytes a step) and the
/// strip's masks of the text units in the chunk stay in the L1 cache.
const CHUNK: usize = 256;
/// Cells (pattern units × text units) between two looks at the stop flag.
const STOP_CHECK_CELLS: usize = 1 << 22;

/// The vectors the lanes live in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Width {
    /// Four lanes: one AVX2 register.
    Avx2,
    /// Eight lanes: two AVX2 registers.
    Avx2x2,
    /// Eight lanes: one AVX-512 register.
    Avx512,
    /// Sixteen lanes: two AVX-512 registers.
    Avx512x2,
}

const _: () = assert!(16 <= ROW_PADDING, "a strip loads up to 16 words from a row");

impl Width {
    /// Lanes, i.e. blocks per strip.
    fn lanes(self) -> usize {
        match self {
            Width::Avx2 => 4,
            Width::Avx2x2 | Width::Avx512 => 8,
            Width::Avx512x2 => 16,
        }
    }

    /// Whether this CPU runs it (`is_x86_feature_detected!` caches its answer).
    pub(crate) fn available(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            match self {
                Width::Avx2 | Width::Avx2x2 => std::arch::is_x86_feature_detected!("avx2"),
                Width::Avx512 | Width::Avx512x2 => {
                    std::arch::is_x86_feature_detected!("avx512f")
                        && std::arch::is_x86_feature_detected!("avx512vbmi2")
                        && std::arch::is_x86_feature_detected!("avx2")
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }

    /// The best width for a pattern of `blocks` blocks on this CPU, if any.
    fn best(blocks: usize) -> Option<Width> {
        let prefer: &[Width] = match blocks {
            0..=4 => &[Width::Avx2],
            5..=8 => &[Width::Avx512, Width::Avx2x2],
            _ => &[Width::Avx512x2, Width::Avx2x2],
        };
        prefer.iter().copied().find(|w| w.available())
    }
}

/// The best vector width for a pattern of `blocks` blocks on this CPU, if it
/// has any (AVX2 at least).
pub(crate) fn width(blocks: usize) -> Option<Width> {
    Width::best(blocks)
}

/// What the wavefront needs from a long pattern: its dense table and a vector width.
pub(crate) struct Plan<'t> {
    table: &'t BlockTable,
    rows: &'t [u64],
    width: Width,
}

impl<'t> Plan<'t> {
    /// The plan for `table` on this CPU, or `None` without AVX2 or for a table
    /// kept as position lists (large alphabets), which has no rows to load.
    pub(crate) fn new(table: &'t BlockTable) -> Option<Self> {
        Self::with_width(table, Width::best(table.blocks())?)
    }

    /// The plan with a given width, if this CPU runs it.
    pub(crate) fn with_width(table: &'t BlockTable, width: Width) -> Option<Self> {
        let rows = table.dense_rows()?;
        // Window entries are u32 row offsets.
        (width.available() && u32::try_from(rows.len()).is_ok()).then_some(Plan {
            table,
            rows,
            width,
        })
    }
}

/// Distance between the pattern of `m` units that `plan` was made for and
/// `text` (at least one unit), or `None` if `stop` was raised.
pub(crate) fn distance<T: Unit>(
    plan: &Plan<'_>,
    m: usize,
    text: &[T],
    stop: Stop<'_>,
) -> Option<usize> {
    let blocks = plan.table.blocks();
    debug_assert!(m > 0 && blocks == m.div_ceil(64) && !text.is_empty());
    let units = |from: usize, out: &mut [u32]| {
        let text = &text[from..from + out.len()];
        plan.table.row_offsets(text, blocks as u32, out);
    };
    let job = Job {
        m,
        n: text.len(),
        blocks,
        rows: plan.rows,
        units: UnitsFn::Borrowed(&units),
        chunk: CHUNK,
    };
    run_width(plan.width, &job, stop)
}

/// Distance between a Latin-1 `pattern` of 1..=[`LATIN1_ROWS_MAX`] units and
/// `text` (at least one unit) on lanes of `width` (which this CPU runs), or
/// `None` if `stop` was raised. The masks come from a per-thread table indexed
/// by the byte itself ([`with_latin1_rows`]), which costs far less to set up
/// than a [`BlockTable`] on patterns this short.
pub(crate) fn distance_latin1<T: Unit>(
    width: Width,
    pattern: &[u8],
    text: &[T],
    stop: Stop<'_>,
) -> Option<usize> {
    let (m, n) = (pattern.len(), text.len());
    debug_assert!(m > 0 && m <= LATIN1_ROWS_MAX && n > 0 && width.available());
    let blocks = m.div_ceil(64);
    let scale = blocks as u32;
    let units = |from: usize, out: &mut [u32]| {
        let text = &text[from..from + out.len()];
        if let Some(bytes) = T::as_bytes(text) {
            for (o, &c) in out.iter_mut().zip(bytes) {
                *o = u32::from(c) * scale;
            }
        } else {
            // Units past Latin-1 match nothing: row 256 is empty.
            for (o, &c) in out.iter_mut().zip(text) {
                *o = Into::<u32>::into(c).min(256) * scale;
            }
        }
    };
    with_latin1_rows(pattern, |rows| {
        let job = Job {
            m,
            n,
            blocks,
            rows,
            units: UnitsFn::Borrowed(&units),
            chunk: CHUNK,
        };
        run_width(width, &job, stop)
    })
}

/// Time steps per chunk in a [`Pipeline`]: each of its steps ends when every
/// band is done (and a thread pool's sleeping workers take tens of
/// microseconds to wake), so a step should last about a millisecond; the
/// pipeline's ramp, one step per band, stays short against the n / 2,048
/// steps of a long text.
const PIPELINE_CHUNK: usize = 8 * CHUNK;

/// One long pair's matrix split into bands of consecutive strips, run as a
/// pipeline: band i takes chunk c at step c + i, reading the carries that band
/// i - 1 wrote in the previous step (the horizontal deltas entering its top
/// row at each column) and writing its own for band i + 1. The bands of one
/// step depend on none of each other, so they may run on as many threads.
/// Memory: the single run's per band, plus two carry buffers between
/// neighbouring bands.
pub(crate) struct Pipeline<'a> {
    job: Job<'a>,
    bands: Vec<AnyBand>,
    /// Carry buffers: link i (between bands i and i + 1) at chunk c is
    /// `links[2 · i + c % 2]`.
    links: Vec<Vec<[u64; 2]>>,
    chunks: usize,
}

/// One band's work in a pipeline step: call [`Task::run`] (on any thread).
pub(crate) struct Task<'p> {
    job: &'p Job<'p>,
    band: &'p mut AnyBand,
    chunk: usize,
    incoming: Option<&'p [[u64; 2]]>,
    outgoing: Option<&'p mut [[u64; 2]]>,
}

impl Task<'_> {
    pub(crate) fn run(self) {
        self.band
            .advance(self.job, self.chunk, self.incoming, self.outgoing);
    }
}

impl<'a> Pipeline<'a> {
    /// The pipeline for the pattern of `m` units `plan` was made for and
    /// `text` (at least one unit), in up to `parts` bands.
    pub(crate) fn new<T: Unit>(plan: &Plan<'a>, m: usize, text: &'a [T], parts: usize) -> Self {
        Self::with_chunk(plan, m, text, parts, PIPELINE_CHUNK)
    }

    /// [`Pipeline::new`] with chunks of at most `chunk` steps.
    fn with_chunk<T: Unit>(
        plan: &Plan<'a>,
        m: usize,
        text: &'a [T],
        parts: usize,
        chunk: usize,
    ) -> Self {
        let (table, blocks) = (plan.table, plan.table.blocks());
        let units = move |from: usize, out: &mut [u32]| {
            let text = &text[from..from + out.len()];
            table.row_offsets(text, blocks as u32, out);
        };
        let job = Job {
            m,
            n: text.len(),
            blocks,
            rows: plan.rows,
            units: UnitsFn::Owned(Box::new(units)),
            chunk,
        };
        let w = plan.width.lanes();
        let strips = job.strips(w);
        let parts = parts.clamp(1, strips);
        let bands: Vec<AnyBand> = (0..parts)
            .map(|i| {
                AnyBand::new(
                    plan.width,
                    &job,
                    i * strips / parts..(i + 1) * strips / parts,
                )
            })
            .collect();
        let link = job.chunk(w) + 1;
        Pipeline {
            links: vec![vec![TOP; link]; 2 * (parts - 1)],
            chunks: job.chunks(w),
            bands,
            job,
        }
    }

    /// Steps from first to last: one per chunk, plus one per band after the first.
    pub(crate) fn steps(&self) -> usize {
        self.chunks + self.bands.len() - 1
    }

    /// The work of step `s` (steps run in order, each after the last is done).
    pub(crate) fn tasks(&mut self, s: usize) -> Vec<Task<'_>> {
        let mut links: Vec<Option<&mut Vec<[u64; 2]>>> = self.links.iter_mut().map(Some).collect();
        let mut tasks = Vec::with_capacity(self.bands.len());
        for (i, band) in self.bands.iter_mut().enumerate() {
            let Some(c) = s.checked_sub(i).filter(|&c| c < self.chunks) else {
                continue;
            };
            // Band i writes link i at chunk c while band i + 1 reads link i at
            // chunk c - 1: the other buffer.
            let incoming = i
                .checked_sub(1)
                .and_then(|l| links[2 * l + c % 2].take())
                .map(|v| &v[..]);
            let outgoing = links
                .get_mut(2 * i + c % 2)
                .and_then(Option::take)
                .map(|v| &mut v[..]);
            tasks.push(Task {
                job: &self.job,
                band,
                chunk: c,
                incoming,
                outgoing,
            });
        }
        tasks
    }

    /// The distance, once every step ran.
    pub(crate) fn distance(&self) -> usize {
        let deltas: isize = self
            .bands
            .iter()
            .map(|b| b.vertical_deltas(&self.job))
            .sum();
        (self.job.n as isize + deltas) as usize
    }
}

/// Runs `job` on lanes of `width`, which this CPU runs.
fn run_width(width: Width, job: &Job<'_>, stop: Stop<'_>) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        debug_assert!(width.available());
        // SAFETY: callers only pass widths this CPU runs (Plan, width()).
        unsafe {
            match width {
                Width::Avx2 => x86::avx2::<1>(job, stop),
                Width::Avx2x2 => x86::avx2::<2>(job, stop),
                Width::Avx512 => x86::avx512::<1>(job, stop),
                Width::Avx512x2 => x86::avx512::<2>(job, stop),
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (width, job, stop);
        unreachable!("widths only run on x86-64")
    }
}

/// One run's inputs.
struct Job<'a> {
    m: usize,
    /// Text units.
    n: usize,
    blocks: usize,
    /// The table's dense rows: `blocks` masks per symbol id, then [`ROW_PADDING`] zeros.
    rows: &'a [u64],
    /// `units(from, out)` sets `out[i]` to the row offset (id · blocks) of
    /// text unit `from + i`. Not generic over the unit type, so that the
    /// kernel is compiled once per vector width, not once per width and type.
    units: UnitsFn<'a>,
    /// Time steps per chunk, at most (small in tests, to cross many chunk edges).
    chunk: usize,
}

/// A [`Job`]'s text units: a single run borrows its caller's closure, a
/// [`Pipeline`] owns one.
enum UnitsFn<'a> {
    Borrowed(&'a RowOffsets<'a>),
    Owned(Box<RowOffsets<'a>>),
}

/// `f(from, out)` sets `out[i]` to the row offset of text unit `from + i`.
type RowOffsets<'a> = dyn Fn(usize, &mut [u32]) + Send + Sync + 'a;

impl UnitsFn<'_> {
    fn get(&self) -> &RowOffsets<'_> {
        match self {
            UnitsFn::Borrowed(f) => *f,
            UnitsFn::Owned(f) => f.as_ref(),
        }
    }
}

impl Job<'_> {
    /// Strips of `w` blocks.
    fn strips(&self, w: usize) -> usize {
        self.blocks.div_ceil(w)
    }

    /// Time steps per chunk with strips of `w` blocks.
    fn chunk(&self, w: usize) -> usize {
        self.chunk.min(self.strips(w) * w - 1 + self.n)
    }

    /// Chunks of time steps: block b of column j runs at time j + b, from 1 to
    /// the last block's n + (strips · w - 1).
    fn chunks(&self, w: usize) -> usize {
        (self.strips(w) * w - 1 + self.n).div_ceil(self.chunk(w))
    }
}

/// One vector register of `L` (1, 2, 4 or 8) 64-bit lanes. Every method is
/// inlined into the target-feature function that runs the kernel; none may
/// take a closure that calls an intrinsic (closures are compiled outside that
/// function, without its features, and their intrinsics are then calls).
trait Reg: Copy {
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
const TOP: [u64; 2] = [0, 0];

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
fn run<G: Reg, const R: usize>(job: &Job<'_>, stop: Stop<'_>) -> Option<usize> {
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

/// A band of consecutive strips between chunks: their registers, the text
/// window and the carry buffers between them.
struct BandState<G, const R: usize> {
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
    fn new(job: &Job<'_>, strips: std::ops::Range<usize>) -> Self {
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
    fn advance(
        &mut self,
        job: &Job<'_>,
        c: usize,
        incoming: Option<&[[u64; 2]]>,
        mut outgoing: Option<&mut [[u64; 2]]>,
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
            match (ring_in, ring_out) {
                (None, None) => strip::<G, R, false>(st, &at, rows, None, &mut []),
                (Some(ring_in), None) => {
                    strip::<G, R, false>(st, &at, rows, Some(ring_in), &mut []);
                }
                (ring_in, Some(ring_out)) => {
                    ring_out[0] = st.boundary;
                    if let Some(ring_in) = ring_in {
                        strip::<G, R, true>(st, &at, rows, Some(ring_in), ring_out);
                    } else {
                        strip::<G, R, true>(st, &at, rows, None, ring_out);
                    }
                    st.boundary = ring_out[t1 - t0];
                }
            }
        }
    }

    /// Once every chunk ran: the sum of the vertical deltas of the band's
    /// rows (up to row m) in the last column.
    fn vertical_deltas(&self, job: &Job<'_>) -> isize {
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
/// `ring_out[t - t0 + 1]` if `OUT`.
#[inline(always)]
fn strip<G: Reg, const R: usize, const OUT: bool>(
    st: &mut Strip<G, R>,
    at: &Span<'_>,
    rows: &[u64],
    ring_in: Option<&[[u64; 2]]>,
    ring_out: &mut [[u64; 2]],
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
        ramp::<G, R, OUT>(&mut s, &mut diag, t, at, ring_in, ring_out);
    }
    // The plain steps, four at a time once the window position is a
    // multiple of 4 (see Diagonal::push_at).
    let (mut k, k_end) = (full_from - t0, full_to - t0);
    while k < k_end && !(k + w - 1).is_multiple_of(4) {
        let eq = diag.push(k + w - 1);
        plain::<G, R, OUT>(&mut s, ring_in, k, eq, ring_out);
        k += 1;
    }
    while k + 4 <= k_end {
        let x = k + w - 1;
        let eq = diag.push_at::<0>(x);
        plain::<G, R, OUT>(&mut s, ring_in, k, eq, ring_out);
        let eq = diag.push_at::<1>(x + 1);
        plain::<G, R, OUT>(&mut s, ring_in, k + 1, eq, ring_out);
        let eq = diag.push_at::<2>(x + 2);
        plain::<G, R, OUT>(&mut s, ring_in, k + 2, eq, ring_out);
        let eq = diag.push_at::<3>(x + 3);
        plain::<G, R, OUT>(&mut s, ring_in, k + 3, eq, ring_out);
        k += 4;
    }
    while k < k_end {
        let eq = diag.push(k + w - 1);
        plain::<G, R, OUT>(&mut s, ring_in, k, eq, ring_out);
        k += 1;
    }
    for t in full_to..end {
        ramp::<G, R, OUT>(&mut s, &mut diag, t, at, ring_in, ring_out);
    }
    *st = s;
}

/// The step at `k = t - t0` with every lane inside the matrix. (A function, not
/// a closure: a closure is compiled without the caller's target features.)
#[inline(always)]
fn plain<G: Reg, const R: usize, const OUT: bool>(
    s: &mut Strip<G, R>,
    ring_in: Option<&[[u64; 2]]>,
    k: usize,
    eq: [G; R],
    ring_out: &mut [[u64; 2]],
) {
    debug_assert!(ring_in.is_none_or(|r| k < r.len()) && (!OUT || k + 1 < ring_out.len()));
    // SAFETY: `strip` checked both buffers for every k it steps through.
    let top = ring_in.map_or(TOP, |r| unsafe { *r.get_unchecked(k) });
    step(s, eq, top, None);
    if OUT {
        // SAFETY: as above.
        unsafe { *ring_out.get_unchecked_mut(k + 1) = G::top_pair(s.not_hp[R - 1], s.hn[R - 1]) };
    }
}

/// The step at time `t` with lanes outside columns 1..=n left as they were.
#[inline(always)]
fn ramp<G: Reg, const R: usize, const OUT: bool>(
    s: &mut Strip<G, R>,
    diag: &mut Diagonal<'_, G, R>,
    t: usize,
    at: &Span<'_>,
    ring_in: Option<&[[u64; 2]]>,
    ring_out: &mut [[u64; 2]],
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
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use crate::kernels::myers1999_wavefront::{BandState, Job, Reg, Width, run};
    use crate::runtime::stop::Stop;
    use std::arch::x86_64::{
        __m256i, __m512i, _mm_storeu_si128, _mm256_add_epi64, _mm256_and_si256,
        _mm256_andnot_si256, _mm256_blend_epi32, _mm256_extracti128_si256, _mm256_loadu_si256,
        _mm256_or_si256, _mm256_permute4x64_epi64, _mm256_set1_epi64x, _mm256_setr_epi64x,
        _mm256_slli_epi64, _mm256_srli_epi64, _mm256_storeu_si256, _mm256_unpackhi_epi64,
        _mm512_add_epi64, _mm512_alignr_epi64, _mm512_and_si512, _mm512_andnot_si512,
        _mm512_extracti32x4_epi32, _mm512_loadu_si512, _mm512_mask_blend_epi64, _mm512_or_si512,
        _mm512_set1_epi64, _mm512_setr_epi64, _mm512_slli_epi64, _mm512_srli_epi64,
        _mm512_storeu_si512, _mm512_unpackhi_epi64,
    };
    use std::ops::Range;

    /// The kernel on `R` AVX2 registers.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn avx2<const R: usize>(job: &Job<'_>, stop: Stop<'_>) -> Option<usize> {
        run::<Avx2, R>(job, stop)
    }

    /// The kernel on `R` AVX-512 registers; VBMI2's double shift (vpshldq)
    /// takes the carry into row 1 in one instruction instead of three.
    ///
    /// # Safety
    /// The CPU must have AVX-512F, AVX-512 VBMI2 and AVX2.
    #[target_feature(enable = "avx512f,avx512vbmi2,avx2")]
    pub(super) unsafe fn avx512<const R: usize>(job: &Job<'_>, stop: Stop<'_>) -> Option<usize> {
        run::<Avx512, R>(job, stop)
    }

    /// A band of a [`super::Pipeline`] on one of the vector widths.
    pub(in crate::kernels::myers1999_wavefront) struct AnyBand(Band);

    enum Band {
        Avx2(BandState<Avx2, 1>),
        Avx2x2(BandState<Avx2, 2>),
        Avx512(BandState<Avx512, 1>),
        Avx512x2(BandState<Avx512, 2>),
    }

    impl AnyBand {
        /// A fresh band of `strips` on `width`, which this CPU runs.
        pub(in crate::kernels::myers1999_wavefront) fn new(
            width: Width,
            job: &Job<'_>,
            strips: Range<usize>,
        ) -> Self {
            debug_assert!(width.available());
            // SAFETY: bands are only made for the width of a Plan, which this CPU runs.
            unsafe {
                AnyBand(match width {
                    Width::Avx2 => Band::Avx2(new_avx2(job, strips)),
                    Width::Avx2x2 => Band::Avx2x2(new_avx2(job, strips)),
                    Width::Avx512 => Band::Avx512(new_avx512(job, strips)),
                    Width::Avx512x2 => Band::Avx512x2(new_avx512(job, strips)),
                })
            }
        }

        /// [`BandState::advance`].
        pub(in crate::kernels::myers1999_wavefront) fn advance(
            &mut self,
            job: &Job<'_>,
            c: usize,
            incoming: Option<&[[u64; 2]]>,
            outgoing: Option<&mut [[u64; 2]]>,
        ) {
            // SAFETY: as in `new`, the band's width runs on this CPU.
            unsafe {
                match &mut self.0 {
                    Band::Avx2(b) => advance_avx2(b, job, c, incoming, outgoing),
                    Band::Avx2x2(b) => advance_avx2(b, job, c, incoming, outgoing),
                    Band::Avx512(b) => advance_avx512(b, job, c, incoming, outgoing),
                    Band::Avx512x2(b) => advance_avx512(b, job, c, incoming, outgoing),
                }
            }
        }

        /// [`BandState::vertical_deltas`].
        pub(in crate::kernels::myers1999_wavefront) fn vertical_deltas(
            &self,
            job: &Job<'_>,
        ) -> isize {
            // SAFETY: as in `new`, the band's width runs on this CPU.
            unsafe {
                match &self.0 {
                    Band::Avx2(b) => deltas_avx2(b, job),
                    Band::Avx2x2(b) => deltas_avx2(b, job),
                    Band::Avx512(b) => deltas_avx512(b, job),
                    Band::Avx512x2(b) => deltas_avx512(b, job),
                }
            }
        }
    }

    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn new_avx2<const R: usize>(job: &Job<'_>, strips: Range<usize>) -> BandState<Avx2, R> {
        BandState::new(job, strips)
    }

    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn advance_avx2<const R: usize>(
        band: &mut BandState<Avx2, R>,
        job: &Job<'_>,
        c: usize,
        incoming: Option<&[[u64; 2]]>,
        outgoing: Option<&mut [[u64; 2]]>,
    ) {
        band.advance(job, c, incoming, outgoing);
    }

    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn deltas_avx2<const R: usize>(band: &BandState<Avx2, R>, job: &Job<'_>) -> isize {
        band.vertical_deltas(job)
    }

    /// # Safety
    /// As for [`avx512`].
    #[target_feature(enable = "avx512f,avx512vbmi2,avx2")]
    unsafe fn new_avx512<const R: usize>(
        job: &Job<'_>,
        strips: Range<usize>,
    ) -> BandState<Avx512, R> {
        BandState::new(job, strips)
    }

    /// # Safety
    /// As for [`avx512`].
    #[target_feature(enable = "avx512f,avx512vbmi2,avx2")]
    unsafe fn advance_avx512<const R: usize>(
        band: &mut BandState<Avx512, R>,
        job: &Job<'_>,
        c: usize,
        incoming: Option<&[[u64; 2]]>,
        outgoing: Option<&mut [[u64; 2]]>,
    ) {
        band.advance(job, c, incoming, outgoing);
    }

    /// # Safety
    /// As for [`avx512`].
    #[target_feature(enable = "avx512f,avx512vbmi2,avx2")]
    unsafe fn deltas_avx512<const R: usize>(band: &BandState<Avx512, R>, job: &Job<'_>) -> isize {
        band.vertical_deltas(job)
    }

    /// An AVX2 register. Values of this type exist only inside the
    /// target-feature functions of this module, so every intrinsic below runs
    /// on a CPU with AVX2.
    #[derive(Clone, Copy)]
    struct Avx2(__m256i);

    impl Reg for Avx2 {
        const L: usize = 4;
        #[inline(always)]
        fn splat(x: u64) -> Self {
            // SAFETY: see the type's docs.
            Avx2(unsafe { _mm256_set1_epi64x(x as i64) })
        }
        #[inline(always)]
        fn from_fn(f: impl Fn(usize) -> u64) -> Self {
            let (a, b, c, d) = (f(0) as i64, f(1) as i64, f(2) as i64, f(3) as i64);
            // SAFETY: see the type's docs.
            Avx2(unsafe { _mm256_setr_epi64x(a, b, c, d) })
        }
        #[inline(always)]
        fn lane(self, l: usize) -> u64 {
            let mut out = [0u64; 4];
            // SAFETY: writes the four u64 of `out`.
            unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), self.0) };
            out[l]
        }
        #[inline(always)]
        fn and(self, o: Self) -> Self {
            // SAFETY: see the type's docs.
            Avx2(unsafe { _mm256_and_si256(self.0, o.0) })
        }
        #[inline(always)]
        fn or(self, o: Self) -> Self {
            // SAFETY: see the type's docs.
            Avx2(unsafe { _mm256_or_si256(self.0, o.0) })
        }
        #[inline(always)]
        fn andnot(self, o: Self) -> Self {
            // SAFETY: see the type's docs.
            Avx2(unsafe { _mm256_andnot_si256(self.0, o.0) })
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            // SAFETY: see the type's docs.
            Avx2(unsafe { _mm256_add_epi64(self.0, o.0) })
        }
        #[inline(always)]
        fn shl1(self) -> Self {
            // SAFETY: see the type's docs.
            Avx2(unsafe { _mm256_slli_epi64::<1>(self.0) })
        }
        #[inline(always)]
        fn shr63(self) -> Self {
            // SAFETY: see the type's docs.
            Avx2(unsafe { _mm256_srli_epi64::<63>(self.0) })
        }
        #[inline(always)]
        fn shift_up(self, prev: Self) -> Self {
            // Rotate both up a lane (lane 0 then holds the top lane), and take
            // lane 0 (dwords 0-1) from `prev`.
            const UP: i32 = 0b10_01_00_11;
            // SAFETY: see the type's docs.
            Avx2(unsafe {
                _mm256_blend_epi32::<0b0000_0011>(
                    _mm256_permute4x64_epi64::<UP>(self.0),
                    _mm256_permute4x64_epi64::<UP>(prev.0),
                )
            })
        }
        #[inline(always)]
        fn load(rows: &[u64], at: usize) -> Self {
            // SAFETY: the caller guarantees that rows[at..at + 4] exists.
            Avx2(unsafe { _mm256_loadu_si256(rows.as_ptr().add(at).cast()) })
        }
        #[inline(always)]
        fn blend(k: u32, new: Self, old: Self) -> Self {
            // SAFETY: see the type's docs.
            Avx2(unsafe {
                match k {
                    0 => _mm256_blend_epi32::<0b1100_1100>(new.0, old.0),
                    _ => _mm256_blend_epi32::<0b1111_0000>(new.0, old.0),
                }
            })
        }
        #[inline(always)]
        fn top_pair(a: Self, b: Self) -> [u64; 2] {
            let mut out = [0u64; 2];
            // SAFETY: see the type's docs; writes the two u64 of `out`.
            unsafe {
                let pairs = _mm256_unpackhi_epi64(a.0, b.0);
                _mm_storeu_si128(
                    out.as_mut_ptr().cast(),
                    _mm256_extracti128_si256::<1>(pairs),
                );
            }
            out
        }
    }

    /// An AVX-512 register. Values of this type exist only inside the
    /// AVX-512 target-feature functions of this module, so every intrinsic
    /// below runs on a CPU with AVX-512F.
    #[derive(Clone, Copy)]
    struct Avx512(__m512i);

    impl Reg for Avx512 {
        const L: usize = 8;
        #[inline(always)]
        fn splat(x: u64) -> Self {
            // SAFETY: see the type's docs.
            Avx512(unsafe { _mm512_set1_epi64(x as i64) })
        }
        #[inline(always)]
        fn from_fn(f: impl Fn(usize) -> u64) -> Self {
            let v: [i64; 8] = [0, 1, 2, 3, 4, 5, 6, 7].map(|l| f(l) as i64);
            // SAFETY: see the type's docs.
            Avx512(unsafe { _mm512_setr_epi64(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]) })
        }
        #[inline(always)]
        fn lane(self, l: usize) -> u64 {
            let mut out = [0u64; 8];
            // SAFETY: writes the eight u64 of `out`.
            unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), self.0) };
            out[l]
        }
        #[inline(always)]
        fn and(self, o: Self) -> Self {
            // SAFETY: see the type's docs.
            Avx512(unsafe { _mm512_and_si512(self.0, o.0) })
        }
        #[inline(always)]
        fn or(self, o: Self) -> Self {
            // SAFETY: see the type's docs.
            Avx512(unsafe { _mm512_or_si512(self.0, o.0) })
        }
        #[inline(always)]
        fn andnot(self, o: Self) -> Self {
            // SAFETY: see the type's docs.
            Avx512(unsafe { _mm512_andnot_si512(self.0, o.0) })
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            // SAFETY: see the type's docs.
            Avx512(unsafe { _mm512_add_epi64(self.0, o.0) })
        }
        #[inline(always)]
        fn shl1(self) -> Self {
            // SAFETY: see the type's docs.
            Avx512(unsafe { _mm512_slli_epi64::<1>(self.0) })
        }
        #[inline(always)]
        fn shr63(self) -> Self {
            // SAFETY: see the type's docs.
            Avx512(unsafe { _mm512_srli_epi64::<63>(self.0) })
        }
        #[inline(always)]
        fn shift_up(self, prev: Self) -> Self {
            // valignq over prev:self, seven lanes down: prev's top lane, then
            // self's lanes 0..7.
            // SAFETY: see the type's docs.
            Avx512(unsafe { _mm512_alignr_epi64::<7>(self.0, prev.0) })
        }
        #[inline(always)]
        fn load(rows: &[u64], at: usize) -> Self {
            // SAFETY: the caller guarantees that rows[at..at + 8] exists.
            Avx512(unsafe { _mm512_loadu_si512(rows.as_ptr().add(at).cast()) })
        }
        #[inline(always)]
        fn blend(k: u32, new: Self, old: Self) -> Self {
            let mask = [0xAA, 0xCC, 0xF0][k as usize];
            // SAFETY: see the type's docs.
            Avx512(unsafe { _mm512_mask_blend_epi64(mask, new.0, old.0) })
        }
        #[inline(always)]
        fn top_pair(a: Self, b: Self) -> [u64; 2] {
            let mut out = [0u64; 2];
            // SAFETY: see the type's docs; writes the two u64 of `out`.
            unsafe {
                let pairs = _mm512_unpackhi_epi64(a.0, b.0);
                _mm_storeu_si128(
                    out.as_mut_ptr().cast(),
                    _mm512_extracti32x4_epi32::<3>(pairs),
                );
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::reference::naive;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// A register as a plain array, for running the schedule on any CPU and
    /// with any lane count.
    #[derive(Clone, Copy)]
    struct Portable<const L: usize>([u64; L]);

    impl<const L: usize> Reg for Portable<L> {
        const L: usize = L;
        fn splat(x: u64) -> Self {
            Portable([x; L])
        }
        fn from_fn(f: impl Fn(usize) -> u64) -> Self {
            Portable(std::array::from_fn(f))
        }
        fn lane(self, l: usize) -> u64 {
            self.0[l]
        }
        fn and(self, o: Self) -> Self {
            Portable(std::array::from_fn(|l| self.0[l] & o.0[l]))
        }
        fn or(self, o: Self) -> Self {
            Portable(std::array::from_fn(|l| self.0[l] | o.0[l]))
        }
        fn andnot(self, o: Self) -> Self {
            Portable(std::array::from_fn(|l| !self.0[l] & o.0[l]))
        }
        fn add(self, o: Self) -> Self {
            Portable(std::array::from_fn(|l| self.0[l].wrapping_add(o.0[l])))
        }
        fn shl1(self) -> Self {
            Portable(self.0.map(|x| x << 1))
        }
        fn shr63(self) -> Self {
            Portable(self.0.map(|x| x >> 63))
        }
        fn shift_up(self, prev: Self) -> Self {
            Portable(std::array::from_fn(|l| {
                if l == 0 { prev.0[L - 1] } else { self.0[l - 1] }
            }))
        }
        fn load(rows: &[u64], at: usize) -> Self {
            Portable(rows[at..at + L].try_into().expect("L words"))
        }
        fn blend(k: u32, new: Self, old: Self) -> Self {
            Portable(std::array::from_fn(|l| {
                if l >> k & 1 == 1 { old.0[l] } else { new.0[l] }
            }))
        }
        fn top_pair(a: Self, b: Self) -> [u64; 2] {
            [a.0[L - 1], b.0[L - 1]]
        }
    }

    /// Runs `kernel` on a job for `p` and `t` with chunks of `chunk` steps.
    fn with_job<P: Unit, T: Unit, R>(
        p: &[P],
        t: &[T],
        chunk: usize,
        stop: Stop<'_>,
        kernel: impl FnOnce(&Job<'_>, Stop<'_>) -> R,
    ) -> R {
        let table = BlockTable::new(p);
        let blocks = table.blocks() as u32;
        let units = |from: usize, out: &mut [u32]| {
            table.row_offsets(&t[from..from + out.len()], blocks, out);
        };
        kernel(
            &Job {
                m: p.len(),
                n: t.len(),
                blocks: table.blocks(),
                rows: table.dense_rows().expect("a dense table"),
                units: UnitsFn::Borrowed(&units),
                chunk,
            },
            stop,
        )
    }

    fn portable<const L: usize, const R: usize, P: Unit, T: Unit>(
        p: &[P],
        t: &[T],
        chunk: usize,
    ) -> usize {
        with_job(p, t, chunk, Stop::Never, run::<Portable<L>, R>).expect("never stopped")
    }

    const WIDTHS: [Width; 4] = [Width::Avx2, Width::Avx2x2, Width::Avx512, Width::Avx512x2];

    /// The kernel of `width` on `p` and `t`, if this CPU runs it.
    fn simd<P: Unit, T: Unit>(p: &[P], t: &[T], width: Width, chunk: usize) -> Option<usize> {
        if !width.available() {
            return None;
        }
        with_job(p, t, chunk, Stop::Never, |job, stop| {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: this CPU runs the width.
            unsafe {
                match width {
                    Width::Avx2 => x86::avx2::<1>(job, stop),
                    Width::Avx2x2 => x86::avx2::<2>(job, stop),
                    Width::Avx512 => x86::avx512::<1>(job, stop),
                    Width::Avx512x2 => x86::avx512::<2>(job, stop),
                }
            }
            #[cfg(not(target_arch = "x86_64"))]
            None
        })
    }

    /// Every way the kernel can run: portable lanes of 1, 2, 4 and 8 words in 1
    /// to 3 registers (any CPU), and each vector width this CPU has. Each
    /// returns `None` when it cannot run here.
    fn kernels<P: Unit, T: Unit>(p: &[P], t: &[T], chunk: usize) -> Vec<(String, Option<usize>)> {
        let mut out = vec![
            ("1x1".to_string(), Some(portable::<1, 1, _, _>(p, t, chunk))),
            ("1x3".to_string(), Some(portable::<1, 3, _, _>(p, t, chunk))),
            ("2x1".to_string(), Some(portable::<2, 1, _, _>(p, t, chunk))),
            ("4x2".to_string(), Some(portable::<4, 2, _, _>(p, t, chunk))),
            ("8x1".to_string(), Some(portable::<8, 1, _, _>(p, t, chunk))),
            ("8x2".to_string(), Some(portable::<8, 2, _, _>(p, t, chunk))),
        ];
        for width in WIDTHS {
            out.push((format!("{width:?}"), simd(p, t, width, chunk)));
            if let Some(bytes) = P::as_bytes(p)
                && p.len() <= LATIN1_ROWS_MAX
                && width.available()
            {
                let d = distance_latin1(width, bytes, t, Stop::Never);
                out.push((format!("{width:?} Latin-1 rows"), d));
            }
        }
        out
    }

    /// Checks every kernel on `p` and `t` (and `t` against `p`), with the
    /// units in every width they fit.
    fn check(p: &[u32], t: &[u32], chunk: usize) -> Result<(), TestCaseError> {
        let want = naive(p, t);
        let narrow8 = |s: &[u32]| {
            s.iter()
                .map(|&c| u8::try_from(c).ok())
                .collect::<Option<Vec<u8>>>()
        };
        let narrow16 = |s: &[u32]| {
            s.iter()
                .map(|&c| u16::try_from(c).ok())
                .collect::<Option<Vec<u16>>>()
        };
        let mut runs = kernels(p, t, chunk);
        runs.extend(kernels(t, p, chunk));
        if let (Some(p8), Some(t16)) = (narrow8(p), narrow16(t)) {
            runs.extend(kernels(&p8, &t16, chunk));
        }
        if let (Some(p16), Some(t8)) = (narrow16(p), narrow8(t)) {
            runs.extend(kernels(&p16, &t8, chunk));
            runs.extend(kernels(&p16, t, chunk));
        }
        if let Some(t8) = narrow8(t) {
            runs.extend(kernels(p, &t8, chunk));
        }
        for (name, d) in runs {
            if let Some(d) = d {
                prop_assert_eq!(
                    d,
                    want,
                    "{} m {} n {} chunk {}",
                    name,
                    p.len(),
                    t.len(),
                    chunk
                );
            }
        }
        Ok(())
    }

    #[test]
    fn every_vector_width_of_this_cpu_is_tested() {
        #[cfg(target_arch = "x86_64")]
        {
            assert_eq!(
                Width::Avx2.available(),
                std::arch::is_x86_feature_detected!("avx2")
            );
            let avx512 = std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512vbmi2");
            assert_eq!(Width::Avx512x2.available(), avx512);
        }
        let p: Vec<u8> = (0..300u32).map(|i| (i * 7 % 5) as u8).collect();
        let ran = kernels(&p, &p[..200], 7);
        let widths = ran.iter().filter(|(_, d)| d.is_some()).count();
        // Six portable layouts, and each width over a BlockTable and over the
        // per-thread Latin-1 rows.
        let expected = 6 + 2 * WIDTHS.iter().filter(|w| w.available()).count();
        assert_eq!(widths, expected);
    }

    /// Every pattern and text length around the block, strip and lane edges,
    /// against a fixed text and pattern of two letters.
    #[test]
    fn lengths_across_block_and_strip_edges() {
        let p: Vec<u32> = (0..1100u32)
            .map(|i| i.wrapping_mul(2_654_435_761) >> 31)
            .collect();
        let t: Vec<u32> = (0..1100u32).map(|i| (i * 7 + i / 5) % 2).collect();
        let edges = [
            1usize, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512,
            513, 1025,
        ];
        for &m in &edges {
            for &n in &edges {
                check(&p[..m], &t[..n], 64).expect("matches the reference");
            }
        }
    }

    #[test]
    fn a_raised_stop_flag_ends_a_long_run() {
        let p: Vec<u8> = (0..300u32).map(|i| (i % 7) as u8).collect();
        let t: Vec<u8> = (0..300_000u32).map(|i| (i % 5) as u8).collect();
        let raised = std::sync::atomic::AtomicBool::new(true);
        let table = BlockTable::new(&p);
        for width in WIDTHS {
            let Some(plan) = Plan::with_width(&table, width) else {
                continue;
            };
            assert_eq!(
                distance(&plan, p.len(), &t, Stop::Flag(&raised)),
                None,
                "{width:?}"
            );
            assert_eq!(
                distance(&plan, p.len(), &t[..500], Stop::Flag(&raised)),
                Some(naive(&p, &t[..500])),
                "{width:?}: too short to look at the flag"
            );
        }
        let stopped = with_job(&p, &t, 256, Stop::Flag(&raised), run::<Portable<4>, 1>);
        assert_eq!(stopped, None);
    }

    /// Units from a one- or two-letter alphabet (long runs, many ties), a few
    /// letters, Latin-1, a wide range, or astral ones.
    fn unit() -> impl Strategy<Value = u32> {
        prop_oneof![
            3 => 0u32..2,
            2 => 0u32..4,
            1 => 0u32..256,
            1 => 250u32..1000,
            1 => 0x1_F600u32..0x1_F640,
        ]
    }

    /// Lengths on and around the block edges, short texts (fewer units than
    /// lanes), and anything up to 1,100.
    fn length() -> impl Strategy<Value = usize> {
        prop_oneof![
            2 => prop::sample::select(vec![
                1usize, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255, 256,
                257, 511, 512, 513, 1023, 1024, 1025,
            ]),
            2 => 1usize..1100,
        ]
    }

    fn side() -> impl Strategy<Value = Vec<u32>> {
        prop_oneof![
            2 => length().prop_flat_map(|n| vec(unit(), n)),
            1 => length().prop_flat_map(|n| vec(0u32..1, n)),
            1 => length().prop_flat_map(|n| vec(0u32..2, n)),
        ]
    }

    fn chunk() -> impl Strategy<Value = usize> {
        prop::sample::select(vec![1usize, 2, 3, 7, 64, CHUNK])
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

        /// Unrelated strings of any lengths (the text much shorter or longer
        /// than the pattern included), every kernel and unit width.
        #[test]
        fn unrelated_strings_match_reference(p in side(), t in side(), chunk in chunk()) {
            check(&p, &t, chunk)?;
        }

        /// Texts that are edited copies of the pattern: small distances, long
        /// runs of matches.
        #[test]
        fn similar_strings_match_reference(
            p in side(),
            edits in vec((any::<prop::sample::Index>(), unit(), 0u8..3), 0..30),
            chunk in chunk(),
        ) {
            let t = crate::kernels::reference::edited(&p, edits);
            prop_assume!(!t.is_empty());
            check(&p, &t, chunk)?;
        }
    }

    /// Runs a pipeline of `parts` bands to the end, each step's tasks in
    /// reverse order (any order must do).
    fn through_pipeline<T: Unit>(
        plan: &Plan<'_>,
        m: usize,
        t: &[T],
        parts: usize,
        chunk: usize,
    ) -> usize {
        let mut pipeline = Pipeline::with_chunk(plan, m, t, parts, chunk);
        for s in 0..pipeline.steps() {
            let mut tasks = pipeline.tasks(s);
            assert!(tasks.len() <= parts);
            while let Some(task) = tasks.pop() {
                task.run();
            }
        }
        pipeline.distance()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

        /// The pattern's strips split into 1 to 5 bands, run step by step,
        /// on every width this CPU has.
        #[test]
        fn pipelines_match_reference(
            p in side(),
            t in side(),
            parts in 1usize..=5,
            chunk in chunk(),
        ) {
            let want = naive(&p, &t);
            let table = BlockTable::new(&p);
            for width in WIDTHS {
                let Some(plan) = Plan::with_width(&table, width) else { continue };
                prop_assert_eq!(through_pipeline(&plan, p.len(), &t, parts, chunk), want, "{:?}", width);
            }
        }
    }

    #[test]
    fn a_pipeline_of_many_strips_and_chunks_matches_the_single_run() {
        let p: Vec<u16> = (0..3_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 29) as u16 + 250)
            .collect();
        let t: Vec<u8> = (0..5_000u32)
            .map(|i| (i.wrapping_mul(40_503) >> 13) as u8)
            .collect();
        let table = BlockTable::new(&p);
        for width in WIDTHS {
            let Some(plan) = Plan::with_width(&table, width) else {
                continue;
            };
            let want = distance(&plan, p.len(), &t, Stop::Never);
            for parts in [2, 3, 7] {
                assert_eq!(
                    Some(through_pipeline(&plan, p.len(), &t, parts, 300)),
                    want,
                    "{width:?} {parts}"
                );
            }
        }
    }

    /// Times every width against the scalar kernels:
    /// `cargo test --release --lib wavefront_timing -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing, not a test"]
    #[allow(
        clippy::cast_precision_loss,
        reason = "timings of sizes far below 2^52"
    )]
    fn wavefront_timing() {
        use std::fmt::Write;
        use std::time::Instant;
        let sizes: Vec<usize> = std::env::var("WAVE_SIZES").ok().map_or_else(
            || vec![128, 192, 256, 320, 384, 448, 512, 1000, 5000],
            |s| s.split(',').map(|x| x.parse().expect("a size")).collect(),
        );
        let alnum = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            alnum[(state % 62) as usize]
        };
        // The clock, from a chain of dependent adds (one cycle each): the best
        // of 300 samples of a millisecond or so, to miss the other tenants.
        #[cfg(target_arch = "x86_64")]
        let ghz = (0..300)
            .map(|_| {
                let (mut x, mut n) = (0u64, 1_000_000u64);
                let start = Instant::now();
                // SAFETY: register arithmetic only.
                unsafe {
                    std::arch::asm!(
                        "2:", "add {x}, 1", "add {x}, 1", "add {x}, 1", "add {x}, 1",
                        "dec {n}", "jnz 2b", x = inout(reg) x, n = inout(reg) n,
                    );
                }
                std::hint::black_box((x, n));
                4e6 / start.elapsed().as_secs_f64() / 1e9
            })
            .fold(0f64, f64::max);
        #[cfg(not(target_arch = "x86_64"))]
        let ghz = f64::NAN;
        println!("clock ~{ghz:.2} GHz");
        for m in sizes {
            let p: Vec<u8> = (0..m).map(|_| next()).collect();
            let n: usize = std::env::var("WAVE_N").map_or(m, |v| v.parse().expect("a length"));
            let t: Vec<u8> = (0..n).map(|_| next()).collect();
            let reps = (20_000_000 / (m * n)).max(1);
            let time = |f: &dyn Fn() -> usize| {
                let mut best = f64::MAX;
                let mut d = 0;
                for _ in 0..7 {
                    let start = Instant::now();
                    for _ in 0..reps {
                        d = std::hint::black_box(f());
                    }
                    best = best.min(start.elapsed().as_secs_f64() / reps as f64);
                }
                (best, d)
            };
            let table = BlockTable::new(&p);
            let (scalar, want) = if m <= 512 {
                time(&|| {
                    crate::kernels::myers1999_fixed::distance(&p, &t, Stop::Never).unwrap_or(0)
                })
            } else {
                time(&|| {
                    crate::kernels::myers1999::distance(
                        &p,
                        &t,
                        usize::MAX,
                        Some(&table),
                        Stop::Never,
                    )
                    .unwrap_or(0)
                })
            };
            let cells = (m * n) as f64;
            let mut line = format!(
                "m={m:6} n={n:6} scalar {:8.2} us ({:.2} Gcells/s)",
                scalar * 1e6,
                cells / scalar / 1e9
            );
            let only = std::env::var("WAVE_WIDTH").ok();
            for width in WIDTHS {
                if only.as_ref().is_some_and(|o| *o != format!("{width:?}")) {
                    continue;
                }
                let Some(plan) = Plan::with_width(&table, width) else {
                    continue;
                };
                let (secs, d) = time(&|| distance(&plan, m, &t, Stop::Never).unwrap_or(0));
                assert_eq!(d, want);
                let lanes = width.lanes();
                let steps = (m.div_ceil(64).div_ceil(lanes) * (n + lanes)) as f64;
                let (ratio, per_step) = (secs / scalar, secs / steps * 1e9);
                let cycles = per_step * ghz / (lanes as f64);
                write!(
                    line,
                    " | {width:?} {ratio:.2}x {per_step:.2}ns/step {cycles:.2}cyc/block"
                )
                .expect("a String");
            }
            println!("{line}");
        }
    }
}
