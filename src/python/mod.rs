//! The Python module `pyo3_levenshtein.pyo3_levenshtein`: the only place that names pyo3.
//!
//! Each function converts its arguments (`args`, `strings`), releases the GIL for
//! anything but short work, calls one core function, and maps its error (`errors`).
//! Docstrings here are the runtime `__doc__`; the `.pyi` stub repeats them and a
//! test keeps the two equal.

mod alignment;
mod args;
mod arrow;
mod error_counts;
mod errors;
mod fastcall;
mod join;
mod many;
mod pairs;
mod scores;
mod strings;
mod tokens;

use crate::{MAX_THREADS, Options, UNICODE_VERSION, Units};
use pyo3::prelude::*;
use pyo3::types::PyString;
use strings::units;
use tokens::Seq;

/// Pairs whose DP matrix has fewer cells are computed without releasing the GIL,
/// and by the fast entry: releasing and re-taking it (with the full argument
/// parsing that comes with it) cost 150-200 ns, a tenth of a W3 pair, and the
/// bit-parallel kernels cover 2^18 cells in a few microseconds (the weighted
/// dynamic programme in a few tens), well inside CPython's 5 ms switch interval.
const DETACH_CELLS: usize = 1 << 18;
/// Pairs with more cells look for Ctrl-C now and then while they run (GIL released).
const INTERRUPTIBLE_CELLS: usize = 1 << 26;

/// The work a pair of `m` and `n` units is expected to take: the DP matrix, or
/// with a bound outside grapheme mode only its band (the bounded kernels look at
/// (k + 1) diagonals), so that a small bound on long strings is not handed to
/// another thread for ~20 ns of work.
fn work(m: usize, n: usize, options: Options) -> usize {
    let cells = m.saturating_mul(n);
    match (options.max_distance, options.grapheme_segmentation) {
        (Some(k), false) => cells.min(k.saturating_add(1).saturating_mul(m.max(n))),
        _ => cells,
    }
}

/// Levenshtein distance between two strings.
///
/// Counts single-character insertions, deletions and substitutions, where a
/// character is a Unicode code point (astral characters, NUL and lone surrogates
/// included), or an extended grapheme cluster if grapheme_segmentation is true.
/// No normalisation is applied. With max_distance (an int >= 0), a distance above
/// it is returned as max_distance + 1, and found faster. weights (insert, delete,
/// substitute), ints >= 0, give each edit its cost, as in rapidfuzz: (1, 1, 2) is
/// the InDel distance.
///
/// s1 and s2 may also be any sequences of hashable elements (list, tuple,
/// bytes, range, any collections.abc.Sequence), compared element by element.
/// Elements are equal when a dict would take them for the same key (equal hash,
/// then identity or ==): 1, 1.0 and True are one element, a NaN equals only
/// itself. A str is the sequence of its characters (one-character strs), so
/// levenshtein(list("abc"), "abd") == 1; bytes are ints 0..255. An unhashable
/// element is a TypeError naming its index; grapheme_segmentation=True with a
/// sequence that is not a str is a ValueError.
#[pyfunction]
#[pyo3(signature = (s1, s2, grapheme_segmentation = false, *, max_distance = None, weights = None))]
fn levenshtein(
    py: Python<'_>,
    s1: &Bound<'_, PyAny>,
    s2: &Bound<'_, PyAny>,
    grapheme_segmentation: bool,
    max_distance: Option<&Bound<'_, PyAny>>,
    weights: Option<&Bound<'_, PyAny>>,
) -> PyResult<usize> {
    let (Ok(a), Ok(b)) = (s1.cast::<PyString>(), s2.cast::<PyString>()) else {
        return levenshtein_sequences(py, s1, s2, grapheme_segmentation, max_distance, weights);
    };
    let options = Options {
        grapheme_segmentation,
        max_distance: args::max_distance(max_distance)?,
        weights: args::weights(weights)?,
    };
    distance(py, units(a)?, units(b)?, options)
}

/// [`levenshtein`] when an argument is not a str: both read as sequences and
/// interned together (see [`sequence_pair`]).
#[cold]
#[inline(never)]
fn levenshtein_sequences(
    py: Python<'_>,
    s1: &Bound<'_, PyAny>,
    s2: &Bound<'_, PyAny>,
    grapheme_segmentation: bool,
    max_distance: Option<&Bound<'_, PyAny>>,
    weights: Option<&Bound<'_, PyAny>>,
) -> PyResult<usize> {
    sequence_pair(py, (s1, s2), grapheme_segmentation, |a, b| {
        // Parsed once the arguments are known to be sequences: their errors come first.
        let options = Options {
            grapheme_segmentation,
            max_distance: args::max_distance(max_distance)?,
            weights: args::weights(weights)?,
        };
        distance(py, a, b, options)
    })
}

/// Runs `f` on `s1` and `s2` (arguments named so), one of them not a str, read
/// as sequences of hashable elements: two `bytes` as they are, anything else
/// interned together to ids. Grapheme mode needs two str, so it is an error here.
pub(super) fn sequence_pair<R>(
    py: Python<'_>,
    (s1, s2): (&Bound<'_, PyAny>, &Bound<'_, PyAny>),
    grapheme_segmentation: bool,
    f: impl FnOnce(Units<'_>, Units<'_>) -> PyResult<R>,
) -> PyResult<R> {
    let a = tokens::seq(s1, || "s1".to_owned())?;
    let b = tokens::seq(s2, || "s2".to_owned())?;
    if grapheme_segmentation {
        let (name, obj) = if a.is_str() { ("s2", s2) } else { ("s1", s1) };
        return Err(tokens::graphemes_need_str(name, obj));
    }
    if let (Seq::Bytes(a), Seq::Bytes(b)) = (&a, &b) {
        // Bytes are equal elements exactly when they are equal ints.
        return f(Units::U8(a.as_bytes()), Units::U8(b.as_bytes()));
    }
    let sides = [a.side()?, b.side()?];
    tokens::with_scratch(|interning, ids| {
        interning.push_group(py, ids, &sides, &|k| ["s1", "s2"][k].to_owned())?;
        f(ids.get(0), ids.get(1))
    })
}

/// The distance of one pair: short pairs with the GIL held, longer ones without
/// it, very long ones interruptible by Ctrl-C.
fn distance(py: Python<'_>, a: Units<'_>, b: Units<'_>, options: Options) -> PyResult<usize> {
    let cells = work(a.len(), b.len(), options);
    if cells < DETACH_CELLS {
        return Ok(crate::levenshtein(a, b, options));
    }
    if cells < INTERRUPTIBLE_CELLS {
        return Ok(py.detach(|| crate::levenshtein(a, b, options)));
    }
    let mut interrupt = None;
    let result = py.detach(|| {
        crate::levenshtein_interruptible(a, b, options, || errors::poll_signals(&mut interrupt))
    });
    errors::finish(result, interrupt)
}

/// Levenshtein distances of many pairs of strings, computed in parallel.
///
/// pairs is an iterable of (str, str) tuples or lists; the results come in the
/// same order. The work runs on a thread pool with the GIL released: num_threads
/// None uses the default pool (sized by RAYON_NUM_THREADS, else the CPU count),
/// an int from 1 to MAX_THREADS a pool of that size. Ctrl-C interrupts it.
/// max_distance and weights apply to every pair, as in levenshtein. With
/// normalized=True the results are normalized distances (floats, as
/// normalized_distance returns them; max_distance is then not allowed).
///
/// Either side of a pair may also be a sequence of hashable elements, compared
/// as in levenshtein; the elements of such pairs are interned first, each pair
/// on its own (on the thread pool when they are many).
#[pyfunction]
#[pyo3(signature = (pairs, num_threads = None, grapheme_segmentation = false, *, max_distance = None, weights = None, normalized = false))]
#[allow(clippy::too_many_arguments)] // the Python signature
fn levenshtein_batch(
    py: Python<'_>,
    pairs: &Bound<'_, PyAny>,
    num_threads: Option<&Bound<'_, PyAny>>,
    grapheme_segmentation: bool,
    max_distance: Option<&Bound<'_, PyAny>>,
    weights: Option<&Bound<'_, PyAny>>,
    normalized: bool,
) -> PyResult<Py<PyAny>> {
    let threads = args::num_threads(num_threads)?;
    let options = Options {
        grapheme_segmentation,
        max_distance: args::max_distance(max_distance)?,
        weights: args::weights(weights)?,
    };
    args::normalized_without_max_distance(normalized, options)?;
    let pairs = pairs::Pairs::read(pairs, grapheme_segmentation, threads)?;
    let (view, len, tokens) = (pairs.view(), pairs.len(), pairs.tokens());
    let mut interrupt = None;
    let poll = || errors::poll_signals(&mut interrupt);
    if normalized {
        let result = py.detach(|| {
            crate::levenshtein_batch_map_by(
                len,
                |i| match tokens {
                    None => view.get(i),
                    Some(tokens) => tokens.get(i).unwrap_or_else(|| view.get(i)),
                },
                |a, b, stop| {
                    crate::scores::normalized_distance_with_stop(a, b, options, None, stop.into())
                },
                threads,
                poll,
            )
        });
        return Ok(errors::finish(result, interrupt)?
            .into_pyobject(py)?
            .into_any()
            .unbind());
    }
    // Batches of str pairs only run exactly the loop they ran before sequences
    // were accepted; the others look up each pair's ids first.
    let result = py.detach(|| match tokens {
        None => crate::levenshtein_batch_by(len, |i| view.get(i), options, threads, poll),
        Some(tokens) => crate::levenshtein_batch_by(
            len,
            |i| tokens.get(i).unwrap_or_else(|| view.get(i)),
            options,
            threads,
            poll,
        ),
    });
    Ok(errors::finish(result, interrupt)?
        .into_pyobject(py)?
        .into_any()
        .unbind())
}

/// Does nothing and returns 0; takes the arguments of levenshtein.
///
/// Benchmarks time it to show what calling into the extension costs.
#[pyfunction]
#[pyo3(signature = (s1, s2, grapheme_segmentation = false, *, max_distance = None))]
fn _noop(
    s1: &Bound<'_, PyString>,
    s2: &Bound<'_, PyString>,
    grapheme_segmentation: bool,
    max_distance: Option<&Bound<'_, PyAny>>,
) -> usize {
    let _ = (s1, s2, grapheme_segmentation, max_distance);
    0
}

#[pymodule]
fn pyo3_levenshtein(m: &Bound<'_, PyModule>) -> PyResult<()> {
    fastcall::register(m)?;
    m.add_function(wrap_pyfunction!(levenshtein_batch, m)?)?;
    arrow::register(m)?;
    m.add_function(wrap_pyfunction!(many::nearest, m)?)?;
    m.add_function(wrap_pyfunction!(many::levenshtein_matrix, m)?)?;
    m.add_function(wrap_pyfunction!(scores::normalized_distance, m)?)?;
    m.add_function(wrap_pyfunction!(scores::normalized_similarity, m)?)?;
    m.add_function(wrap_pyfunction!(scores::similarity, m)?)?;
    join::register(m)?;
    alignment::register(m)?;
    error_counts::register(m)?;
    let (major, minor, update) = UNICODE_VERSION;
    m.add("UNICODE_VERSION", format!("{major}.{minor}.{update}"))?;
    m.add("MAX_THREADS", MAX_THREADS)?;
    // The package's version, as maturin gives it to the wheel: reading it back
    // through importlib.metadata cost 30 ms of a 35 ms import.
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
