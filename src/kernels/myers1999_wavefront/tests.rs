use super::band::{KEEP_HORIZONTAL, KEEP_VERTICAL, Reg, run, run_keeping};
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
    fn store(self, out: &mut [u64], at: usize) {
        out[at..at + L].copy_from_slice(&self.0);
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
                Width::Avx2 => x86_64::avx2::<1>(job, stop),
                Width::Avx2x2 => x86_64::avx2::<2>(job, stop),
                Width::Avx512 => x86_64::avx512::<1>(job, stop),
                Width::Avx512x2 => x86_64::avx512::<2>(job, stop),
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
        1usize, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512, 513,
        1025,
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

/// Runs a pipeline of `parts` bands to the end on this thread.
fn through_pipeline<T: Unit>(
    plan: &Plan<'_>,
    m: usize,
    t: &[T],
    parts: usize,
    chunk: usize,
) -> usize {
    let mut pipeline = Pipeline::with_chunk(plan, m, t, parts, chunk);
    while pipeline.work() == Work::Ran {}
    assert_eq!(pipeline.work(), Work::Done, "one thread never waits");
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
            let single = through_pipeline(&plan, p.len(), &t, parts, 300);
            assert_eq!(Some(single), want, "{width:?} {parts}");
            // Four threads on the same pipeline, racing for its bands.
            let mut pipeline = Pipeline::with_chunk(&plan, p.len(), &t, parts, 300);
            std::thread::scope(|s| {
                for _ in 0..4 {
                    s.spawn(|| {
                        while pipeline.work() != Work::Done {
                            std::thread::yield_now();
                        }
                    });
                }
            });
            assert_eq!(
                Some(pipeline.distance()),
                want,
                "{width:?} {parts} on threads"
            );
        }
    }
}

/// The words `run_keeping` kept for portable lanes of `L` × `R`, as
/// `(vertical, horizontal)`, or `None` when the pattern needs more than one strip.
fn kept_words<const L: usize, const R: usize>(
    p: &[u32],
    t: &[u32],
    chunk: usize,
) -> Option<(Vec<u64>, Vec<u64>)> {
    let w = L * R;
    if p.len().div_ceil(64) > w {
        return None;
    }
    let mut runs = [KEEP_VERTICAL, KEEP_HORIZONTAL].map(|keep| {
        let mut kept = vec![0u64; 2 * w * (w - 1 + t.len())];
        let d = with_job(p, t, chunk, Stop::Never, |job, stop| {
            if keep == KEEP_VERTICAL {
                run_keeping::<Portable<L>, R, KEEP_VERTICAL>(job, &mut kept, stop)
            } else {
                run_keeping::<Portable<L>, R, KEEP_HORIZONTAL>(job, &mut kept, stop)
            }
        });
        assert_eq!(d, Some(naive(p, t)));
        kept
    });
    let horizontal = std::mem::take(&mut runs[1]);
    Some((std::mem::take(&mut runs[0]), horizontal))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    /// What a one-strip run keeps is every block of every column, read at
    /// lane b of time j + b: the vertical deltas, or !HP and HN, bit for bit
    /// against the full matrix (rows up to m), for lanes of 1 to 16 words.
    #[test]
    fn kept_steps_are_the_full_matrix_s_deltas(
        m in prop_oneof![1usize..=130, 1usize..=520],
        n in 1usize..150,
        alphabet in prop_oneof![Just(2u32), Just(5), Just(300)],
        chunk in prop_oneof![Just(5usize), Just(CHUNK)],
        seed in any::<u64>(),
    ) {
        let (p, t) = crate::kernels::reference::xorshift_pair(seed, alphabet, m, n);
        let d = crate::kernels::traceback::tests::full_matrix(&p, &t);
        let runs = [
            (1, kept_words::<1, 1>(&p, &t, chunk)),
            (2, kept_words::<2, 1>(&p, &t, chunk)),
            (4, kept_words::<4, 1>(&p, &t, chunk)),
            (8, kept_words::<4, 2>(&p, &t, chunk)),
            (16, kept_words::<8, 2>(&p, &t, chunk)),
        ];
        for (w, run) in runs {
            let Some((vertical, horizontal)) = run else { continue };
            for j in 1..=n {
                for i in 1..=m {
                    let (b, bit) = ((i - 1) / 64, (i - 1) % 64);
                    let at = 2 * w * (j + b - 1) + b;
                    let get = |words: &[u64], k: usize| (words[at + k * w] >> bit) & 1 == 1;
                    let (up, left) = (d[i][j] as isize - d[i - 1][j] as isize, d[i][j] as isize - d[i][j - 1] as isize);
                    prop_assert_eq!((get(&vertical, 0), get(&vertical, 1)), (up == 1, up == -1), "vertical w {} i {} j {}", w, i, j);
                    prop_assert_eq!((!get(&horizontal, 0), get(&horizontal, 1)), (left == 1, left == -1), "horizontal w {} i {} j {}", w, i, j);
                }
            }
        }
    }
}
