//! Distances between two string columns laid out as Apache Arrow stores them.
//!
//! The Arrow C Data Interface hands over raw buffers from another library; this
//! module reads them as plain byte slices and trusts nothing in them: every offset,
//! view and buffer index is checked before use and every string is checked to be
//! UTF-8, so a malformed buffer gives an [`ColumnError`], never a panic or an
//! out-of-bounds read. Knowing nothing of Arrow's Rust crates or of Python, it is
//! tested with hand-built buffers (see the tests below and `tests/columns.rs`).
//!
//! Strings are not copied: an ASCII string is already the one-byte (Latin-1)
//! [`Units`] the kernels take. Only a non-ASCII string is decoded, into a scratch
//! buffer reused by the thread (to bytes if every code point is below 256, else to
//! `u32`). Memory beyond the output is the scratch of each thread, not per pair:
//! the output (4 bytes per pair, 8 for normalized distances, plus a validity bit)
//! is written in place by blocks of [`BLOCK`] pairs, each located by index.

use crate::error::Error;
use crate::kernels::lanes::hyyro2003_pairs::{self, Pushed, Queue};
use crate::kernels::scores::normalized_distance_with_stop;
use crate::kernels::{Options, levenshtein_with_stop};
use crate::runtime::pool::{pool, run_interruptible};
use crate::runtime::stop::Stop;
use crate::text::units::Units;
use rayon::prelude::*;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// Pairs per parallel task; a multiple of 8 so each task owns whole validity bytes.
pub const BLOCK: usize = 2048;

/// The string buffers of one Arrow array, starting at its first element (the
/// array's own offset already applied by the caller), in native byte order.
#[derive(Clone, Debug)]
pub enum Strings<'a> {
    /// `utf8`: `len + 1` 32-bit offsets into `values`.
    Utf8 { offsets: &'a [u8], values: &'a [u8] },
    /// `large_utf8`: `len + 1` 64-bit offsets into `values`.
    LargeUtf8 { offsets: &'a [u8], values: &'a [u8] },
    /// `utf8_view`: `len` 16-byte views, each inline (12 bytes or fewer) or
    /// pointing into one of `buffers`.
    Utf8View {
        views: &'a [u8],
        buffers: Vec<&'a [u8]>,
    },
}

/// A validity bitmap: bit `offset + i` (least significant bit first) is set when
/// element `i` is present.
#[derive(Clone, Copy, Debug)]
pub struct Bitmap<'a> {
    pub bits: &'a [u8],
    pub offset: usize,
}

/// One contiguous Arrow string array.
#[derive(Clone, Debug)]
pub struct Chunk<'a> {
    strings: Strings<'a>,
    validity: Option<Bitmap<'a>>,
    len: usize,
}

impl<'a> Chunk<'a> {
    /// Checks that the buffers hold `len` elements (their contents are checked
    /// as they are read).
    ///
    /// # Errors
    /// A message naming the buffer that is too short.
    pub fn new(
        strings: Strings<'a>,
        validity: Option<Bitmap<'a>>,
        len: usize,
    ) -> Result<Self, &'static str> {
        let fits = |buffer: &[u8], width: usize, count: usize| {
            count
                .checked_mul(width)
                .is_some_and(|need| buffer.len() >= need)
        };
        let ok = match &strings {
            Strings::Utf8 { offsets, .. } => fits(offsets, 4, len + 1),
            Strings::LargeUtf8 { offsets, .. } => fits(offsets, 8, len + 1),
            Strings::Utf8View { views, .. } => fits(views, 16, len),
        };
        if !ok {
            return Err("the offsets or views buffer is shorter than the array");
        }
        if let Some(v) = validity
            && v.offset
                .checked_add(len)
                .is_none_or(|bits| v.bits.len() < bits.div_ceil(8))
        {
            return Err("the validity bitmap is shorter than the array");
        }
        Ok(Chunk {
            strings,
            validity,
            len,
        })
    }

    /// Number of elements.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the chunk has no element.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn is_null(&self, i: usize) -> bool {
        self.validity.is_some_and(|v| {
            let bit = v.offset + i;
            v.bits[bit / 8] & (1 << (bit % 8)) == 0
        })
    }

    /// The bytes of element `i` (< len), checked against the buffers.
    fn bytes(&self, i: usize) -> Result<&'a [u8], Invalid> {
        match &self.strings {
            Strings::Utf8 { offsets, values } => {
                let at = |j: usize| {
                    let b = &offsets[4 * j..4 * j + 4];
                    i32::from_ne_bytes([b[0], b[1], b[2], b[3]])
                };
                let (start, end) = (usize::try_from(at(i)), usize::try_from(at(i + 1)));
                match (start, end) {
                    (Ok(s), Ok(e)) if s <= e => values.get(s..e).ok_or(Invalid::Offsets),
                    _ => Err(Invalid::Offsets),
                }
            }
            Strings::LargeUtf8 { offsets, values } => {
                let at = |j: usize| {
                    let b: [u8; 8] = offsets[8 * j..8 * j + 8].try_into().unwrap_or([0xff; 8]);
                    i64::from_ne_bytes(b)
                };
                let (start, end) = (usize::try_from(at(i)), usize::try_from(at(i + 1)));
                match (start, end) {
                    (Ok(s), Ok(e)) if s <= e => values.get(s..e).ok_or(Invalid::Offsets),
                    _ => Err(Invalid::Offsets),
                }
            }
            Strings::Utf8View { views, buffers } => {
                let view = &views[16 * i..16 * i + 16];
                let word = |k: usize| {
                    u32::from_ne_bytes([view[k], view[k + 1], view[k + 2], view[k + 3]]) as usize
                };
                let len = word(0);
                if len <= 12 {
                    // Short strings live in the view itself, after the length.
                    return Ok(&view[4..4 + len]);
                }
                let (buffer, offset) = (word(8), word(12));
                let data = buffers.get(buffer).ok_or(Invalid::Offsets)?;
                data.get(offset..offset + len).ok_or(Invalid::Offsets)
            }
        }
    }
}

/// A column: its chunks, one after the other.
#[derive(Clone, Debug, Default)]
pub struct Column<'a> {
    chunks: Vec<Chunk<'a>>,
    /// `starts[c]` is the index of chunk `c`'s first element.
    starts: Vec<usize>,
    len: usize,
}

impl<'a> Column<'a> {
    /// The column made of `chunks` in order; empty chunks are dropped.
    #[must_use]
    pub fn new(chunks: impl IntoIterator<Item = Chunk<'a>>) -> Self {
        let mut column = Column::default();
        for chunk in chunks.into_iter().filter(|c| !c.is_empty()) {
            column.starts.push(column.len);
            column.len += chunk.len;
            column.chunks.push(chunk);
        }
        column
    }

    /// Number of elements.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the column has no element.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn locate(&self, i: usize) -> (&Chunk<'a>, usize) {
        let c = self.starts.partition_point(|&s| s <= i) - 1;
        (&self.chunks[c], i - self.starts[c])
    }

    /// Element `i` (< len) as text, `Ok(None)` when null, its buffers and UTF-8
    /// checked; the error completes "element i ..." (for callers that read a
    /// column by index rather than pair by pair).
    ///
    /// # Errors
    /// Offsets or a view outside the buffers, or invalid UTF-8.
    pub fn text(&self, i: usize) -> Result<Option<&'a str>, &'static str> {
        let (chunk, j) = self.locate(i);
        if chunk.is_null(j) {
            return Ok(None);
        }
        let bytes = chunk
            .bytes(j)
            .map_err(|_| "lies outside its Arrow buffers (invalid offsets or view)")?;
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| "is not valid UTF-8")
    }
}

/// One side of a comparison: a column, or one string compared with every element.
#[derive(Clone, Copy, Debug)]
pub enum Side<'s, 'a> {
    Column(&'s Column<'a>),
    Scalar(Units<'a>),
}

/// Which argument a data error was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    A,
    B,
}

impl fmt::Display for Which {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Which::A => "a",
            Which::B => "b",
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Invalid {
    Offsets,
    Utf8,
    TooLong,
}

/// Why two columns could not be compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnError {
    /// The two columns differ in length.
    Lengths { a: usize, b: usize },
    /// Element `index` of column `which` has offsets or a view outside its buffers.
    Offsets { which: Which, index: usize },
    /// Element `index` of column `which` is not valid UTF-8.
    Utf8 { which: Which, index: usize },
    /// Element `index` of column `which` is too long for a UInt32 distance.
    TooLong { which: Which, index: usize },
    /// The weighted distance of pair `index` does not fit a UInt32.
    Overflow { index: usize },
    /// A thread-count, pool or cancellation error from the batch machinery.
    Core(Error),
}

impl fmt::Display for ColumnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnError::Lengths { a, b } => write!(
                f,
                "a and b must have the same length, got {a} and {b} elements"
            ),
            ColumnError::Offsets { which, index } => write!(
                f,
                "{which}[{index}] lies outside its Arrow buffers (invalid offsets or view)"
            ),
            ColumnError::Utf8 { which, index } => {
                write!(f, "{which}[{index}] is not valid UTF-8")
            }
            ColumnError::TooLong { which, index } => write!(
                f,
                "{which}[{index}] is longer than 4294967295 bytes, too long for a UInt32 distance"
            ),
            ColumnError::Overflow { index } => write!(
                f,
                "the weighted distance of pair {index} exceeds 4294967295, too large for a UInt32 \
                 distance: smaller weights, or normalized distances, fit"
            ),
            ColumnError::Core(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ColumnError {}

impl From<Error> for ColumnError {
    fn from(e: Error) -> Self {
        ColumnError::Core(e)
    }
}

/// The results, as the buffers of an Arrow array: UInt32 distances, or Float64
/// normalized distances.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distances<T = u32> {
    /// One result per pair; 0 where the result is null.
    pub values: Vec<T>,
    /// Validity bits (least significant first), or `None` when nothing is null.
    pub validity: Option<Vec<u8>>,
    pub null_count: usize,
}

/// Decoding space of one thread for one side.
#[derive(Default)]
struct Scratch {
    latin1: Vec<u8>,
    wide: Vec<u32>,
}

impl Scratch {
    /// `bytes` as code points: in place when ASCII, else decoded here.
    fn units<'s>(&'s mut self, bytes: &'s [u8]) -> Result<Units<'s>, Invalid> {
        if u32::try_from(bytes.len()).is_err() {
            return Err(Invalid::TooLong);
        }
        if bytes.is_ascii() {
            return Ok(Units::U8(bytes));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| Invalid::Utf8)?;
        self.latin1.clear();
        let mut chars = text.chars();
        // Most non-ASCII Western text stays below U+0100 and keeps the byte kernels.
        for c in chars.by_ref() {
            if let Ok(byte) = u8::try_from(c) {
                self.latin1.push(byte);
            } else {
                self.wide.clear();
                self.wide.extend(self.latin1.iter().map(|&b| u32::from(b)));
                self.wide.push(u32::from(c));
                self.wide.extend(chars.map(u32::from));
                return Ok(Units::U32(&self.wide));
            }
        }
        Ok(Units::U8(&self.latin1))
    }
}

/// The element of one side for pair `i`: `None` when null.
fn element<'s>(
    side: Side<'_, 's>,
    which: Which,
    i: usize,
    scratch: &'s mut Scratch,
) -> Result<Option<Units<'s>>, ColumnError> {
    match side {
        Side::Scalar(u) => Ok(Some(u)),
        Side::Column(column) => {
            let (chunk, j) = column.locate(i);
            if chunk.is_null(j) {
                return Ok(None);
            }
            let located = |e: Invalid| match e {
                Invalid::Offsets => ColumnError::Offsets { which, index: i },
                Invalid::Utf8 => ColumnError::Utf8 { which, index: i },
                Invalid::TooLong => ColumnError::TooLong { which, index: i },
            };
            let bytes = chunk.bytes(j).map_err(located)?;
            scratch.units(bytes).map(Some).map_err(located)
        }
    }
}

/// The element of one side for pair `i` when it needs no decoding (a scalar, or a
/// present ASCII string, borrowed from the column's own buffer for as long as the
/// column lives); `None` when it is null, not ASCII, or malformed, all of which
/// [`element`] handles.
fn borrowed<'a>(side: Side<'_, 'a>, i: usize) -> Option<Units<'a>> {
    match side {
        Side::Scalar(u) => Some(u),
        Side::Column(column) => {
            let (chunk, j) = column.locate(i);
            if chunk.is_null(j) {
                return None;
            }
            let bytes = chunk.bytes(j).ok()?;
            (bytes.is_ascii() && u32::try_from(bytes.len()).is_ok()).then_some(Units::U8(bytes))
        }
    }
}

fn side_len(side: Side<'_, '_>) -> Option<usize> {
    match side {
        Side::Column(c) => Some(c.len()),
        Side::Scalar(_) => None,
    }
}

/// Distances between `a[i]` and `b[i]` for every `i` (or between `a[i]` and the
/// scalar `b`), null where either element is null, computed on `threads` threads
/// (see [`crate::jobs::batch`] for the policy). `poll` runs on the calling thread while
/// it waits; returning true cancels.
///
/// ```
/// use pyo3_levenshtein::columns::{Chunk, Column, Side, Strings, levenshtein_columns};
/// use pyo3_levenshtein::{Options, Units};
/// // ["kitten", "flaw"] as an Arrow utf8 array: offsets 0, 6, 10.
/// let offsets: Vec<u8> = [0i32, 6, 10].iter().flat_map(|o| o.to_ne_bytes()).collect();
/// let strings = Strings::Utf8 { offsets: &offsets, values: b"kittenflaw" };
/// let a = Column::new([Chunk::new(strings, None, 2).unwrap()]);
/// let b = Units::U8(b"sitting");
/// let d = levenshtein_columns(Side::Column(&a), Side::Scalar(b), Options::default(), Some(1), || false);
/// assert_eq!(d.unwrap().values, vec![3, 7]);
/// ```
///
/// # Errors
/// Columns of different lengths, an element outside its buffers, not UTF-8 or
/// too long (the error names the lowest such index found), a weighted distance
/// beyond `u32::MAX`, an invalid thread count, a pool that could not start, or
/// cancellation.
pub fn levenshtein_columns(
    a: Side<'_, '_>,
    b: Side<'_, '_>,
    options: Options,
    threads: Option<usize>,
    poll: impl FnMut() -> bool,
) -> Result<Distances, ColumnError> {
    let cap = options
        .max_distance
        .map_or(usize::MAX, |k| k.saturating_add(1));
    // Grapheme mode segments pair by pair first; the lanes compute unit costs.
    let lanes = (!options.grapheme_segmentation
        && options.unit_weights()
        && hyyro2003_pairs::lanes_for(options.max_distance))
    .then_some(move |d: usize| d.min(cap) as u32);
    // Unit-cost distances never exceed the longer length, which was checked to
    // fit in u32; weighted ones may not fit.
    let pair = |x: Units<'_>, y: Units<'_>, index: usize, stop: &AtomicBool| {
        let d = levenshtein_with_stop(x, y, options, stop)?;
        Some(u32::try_from(d).map_err(|_| ColumnError::Overflow { index }))
    };
    run_columns(a, b, threads, poll, lanes.as_ref(), pair)
}

/// Normalized distances (as [`crate::scores::normalized_distance`] computes
/// them, `options.max_distance` ignored) between `a[i]` and `b[i]`, or `a[i]` and
/// the scalar `b`, null where either element is null; threads and `poll` as in
/// [`levenshtein_columns`]. Each pair goes through the scores on its own: the
/// batch lanes report no lengths to divide by.
///
/// ```
/// use pyo3_levenshtein::columns::{Chunk, Column, Side, Strings, normalized_columns};
/// use pyo3_levenshtein::{Options, Units};
/// let offsets: Vec<u8> = [0i32, 6, 6].iter().flat_map(|o| o.to_ne_bytes()).collect();
/// let strings = Strings::Utf8 { offsets: &offsets, values: b"kitten" };
/// let a = Column::new([Chunk::new(strings, None, 2).unwrap()]);
/// let b = Units::U8(b"sitting");
/// let d = normalized_columns(Side::Column(&a), Side::Scalar(b), Options::default(), Some(1), || false);
/// assert_eq!(d.unwrap().values, vec![3.0 / 7.0, 1.0]);
/// ```
///
/// # Errors
/// As [`levenshtein_columns`], but no overflow: a normalized distance always fits.
pub fn normalized_columns(
    a: Side<'_, '_>,
    b: Side<'_, '_>,
    options: Options,
    threads: Option<usize>,
    poll: impl FnMut() -> bool,
) -> Result<Distances<f64>, ColumnError> {
    let pair = |x: Units<'_>, y: Units<'_>, _: usize, stop: &AtomicBool| {
        normalized_distance_with_stop(x, y, options, None, Stop::Flag(stop)).map(Ok)
    };
    run_columns(a, b, threads, poll, None::<&fn(usize) -> f64>, pair)
}

/// The first data error found, by lowest pair index, and whether any was found.
struct FirstError {
    failed: AtomicBool,
    first: Mutex<Option<(usize, ColumnError)>>,
}

impl FirstError {
    fn report(&self, index: usize, e: ColumnError) {
        self.failed.store(true, Ordering::Relaxed);
        let mut slot = self.first.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.as_ref().is_none_or(|(i, _)| index < *i) {
            *slot = Some((index, e));
        }
    }

    fn into_inner(self) -> Option<ColumnError> {
        let slot = self
            .first
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        slot.map(|(_, e)| e)
    }
}

/// The machinery of [`levenshtein_columns`] and [`normalized_columns`]: `pair`
/// computes one present pair (`None` once the stop flag is raised, an error for a
/// result that does not fit the output); with `lanes`, plain pairs borrowed as
/// they are go several at a time through the unit-cost batch lanes, their
/// distances converted by it.
fn run_columns<T: Copy + Default + Send>(
    a: Side<'_, '_>,
    b: Side<'_, '_>,
    threads: Option<usize>,
    poll: impl FnMut() -> bool,
    lanes: Option<&(impl Fn(usize) -> T + Sync)>,
    pair: impl Fn(Units<'_>, Units<'_>, usize, &AtomicBool) -> Option<Result<T, ColumnError>> + Sync,
) -> Result<Distances<T>, ColumnError> {
    let pool = pool(threads)?;
    let len = match (side_len(a), side_len(b)) {
        (Some(x), Some(y)) if x != y => return Err(ColumnError::Lengths { a: x, b: y }),
        (Some(n), _) | (None, Some(n)) => n,
        (None, None) => 1,
    };
    let mut values = vec![T::default(); len];
    let mut validity = vec![0u8; len.div_ceil(8)];
    let stop = AtomicBool::new(false);
    let errors = FirstError {
        failed: AtomicBool::new(false),
        first: Mutex::new(None),
    };
    let compute = |x: Units<'_>, y: Units<'_>, i: usize| match pair(x, y, i, &stop)? {
        Ok(v) => Some(v),
        Err(e) => {
            errors.report(i, e);
            None
        }
    };
    let nulls = run_interruptible(
        &pool,
        &stop,
        || {
            values
                .par_chunks_mut(BLOCK)
                .zip(validity.par_chunks_mut(BLOCK / 8))
                .enumerate()
                .map(|(block, (out, valid))| {
                    let (mut sa, mut sb) = (Scratch::default(), Scratch::default());
                    let mut queue = Queue::new();
                    let mut nulls = 0;
                    for k in 0..out.len() {
                        if stop.load(Ordering::Relaxed) || errors.failed.load(Ordering::Relaxed) {
                            return None;
                        }
                        let i = block * BLOCK + k;
                        // Plain pairs borrowed as they are (ASCII, or a scalar) go
                        // several at a time through the batch lanes; the queued
                        // distances land in `out` at the next flush.
                        if let Some(convert) = lanes
                            && let (Some(x), Some(y)) = (borrowed(a, i), borrowed(b, i))
                        {
                            valid[k / 8] |= 1 << (k % 8);
                            match queue.push(k, x, y) {
                                Pushed::Done(d) => out[k] = convert(d),
                                Pushed::Queued => {
                                    if queue.is_full() {
                                        queue.flush_with(|slot, d| out[slot] = convert(d));
                                    }
                                }
                                Pushed::No => out[k] = compute(x, y, i)?,
                            }
                            continue;
                        }
                        let elements = element(a, Which::A, i, &mut sa)
                            .and_then(|x| element(b, Which::B, i, &mut sb).map(|y| x.zip(y)));
                        match elements {
                            Ok(Some((x, y))) => {
                                out[k] = compute(x, y, i)?;
                                valid[k / 8] |= 1 << (k % 8);
                            }
                            Ok(None) => nulls += 1,
                            Err(e) => {
                                errors.report(i, e);
                                return None;
                            }
                        }
                    }
                    if let Some(convert) = lanes {
                        queue.flush_with(|slot, d| out[slot] = convert(d));
                    }
                    Some(nulls)
                })
                .sum::<Option<usize>>()
        },
        poll,
    );
    if let Some(e) = errors.into_inner() {
        return Err(e);
    }
    let null_count = nulls?;
    Ok(Distances {
        values,
        validity: (null_count > 0).then_some(validity),
        null_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf8_offsets(strings: &[&str]) -> (Vec<u8>, Vec<u8>) {
        let mut offsets = vec![0i32];
        let mut values = Vec::new();
        for s in strings {
            values.extend_from_slice(s.as_bytes());
            offsets.push(values.len() as i32);
        }
        (
            offsets.iter().flat_map(|o| o.to_ne_bytes()).collect(),
            values,
        )
    }

    fn run(a: &Column<'_>, b: Side<'_, '_>) -> Result<Distances, ColumnError> {
        levenshtein_columns(Side::Column(a), b, Options::default(), Some(2), || false)
    }

    #[test]
    fn decodes_ascii_latin1_and_wide_text() {
        let words = ["kitten", "Käse", "日本語", "", "a😀b"];
        let (offsets, values) = utf8_offsets(&words);
        let strings = Strings::Utf8 {
            offsets: &offsets,
            values: &values,
        };
        let a = Column::new([Chunk::new(strings, None, words.len()).unwrap()]);
        let b: Vec<u32> = crate::code_points("Kase");
        let got = run(&a, Side::Scalar(Units::U32(&b))).unwrap();
        let want: Vec<u32> = words
            .iter()
            .map(|w| crate::kernels::reference::naive(&crate::code_points(w), &b) as u32)
            .collect();
        assert_eq!(got.values, want);
        assert_eq!(got.validity, None);
    }

    #[test]
    fn bad_offsets_and_bad_utf8_are_errors_naming_the_index() {
        let offsets: Vec<u8> = [0i32, 1, 9].iter().flat_map(|o| o.to_ne_bytes()).collect();
        let strings = Strings::Utf8 {
            offsets: &offsets,
            values: b"ab",
        };
        let a = Column::new([Chunk::new(strings, None, 2).unwrap()]);
        assert_eq!(
            run(&a, Side::Scalar(Units::U8(b"x"))),
            Err(ColumnError::Offsets {
                which: Which::A,
                index: 1
            })
        );
        let offsets: Vec<u8> = [0i32, 1, 2].iter().flat_map(|o| o.to_ne_bytes()).collect();
        let strings = Strings::Utf8 {
            offsets: &offsets,
            values: b"a\xff",
        };
        let b = Column::new([Chunk::new(strings, None, 2).unwrap()]);
        let a2 = b.clone();
        assert_eq!(
            levenshtein_columns(
                Side::Column(&a2),
                Side::Column(&b),
                Options::default(),
                None,
                || false
            ),
            Err(ColumnError::Utf8 {
                which: Which::A,
                index: 1
            })
        );
    }

    #[test]
    fn short_buffers_are_rejected_up_front() {
        let strings = Strings::Utf8View {
            views: &[0; 16],
            buffers: vec![],
        };
        assert!(Chunk::new(strings.clone(), None, 2).is_err());
        let bitmap = Bitmap {
            bits: &[0xff],
            offset: 3,
        };
        assert!(Chunk::new(strings, Some(bitmap), 1).is_ok());
        let strings = Strings::Utf8View {
            views: &[0; 160],
            buffers: vec![],
        };
        assert!(Chunk::new(strings, Some(bitmap), 6).is_err());
    }
}
