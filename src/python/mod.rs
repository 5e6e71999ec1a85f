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
mod many;
mod pairs;
mod strings;

use crate::{MAX_THREADS, Options, UNICODE_VERSION};
use pyo3::prelude::*;
use pyo3::types::PyString;
use strings::units;

/// Pairs whose DP matrix has fewer cells are computed without releasing the GIL:
/// releasing and re-taking it costs more than the work.
const DETACH_CELLS: usize = 1 << 16;
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
/// it is returned as max_distance + 1, and found faster.
#[pyfunction]
#[pyo3(signature = (s1, s2, grapheme_segmentation = false, *, max_distance = None))]
fn levenshtein(
    py: Python<'_>,
    s1: &Bound<'_, PyAny>,
    s2: &Bound<'_, PyAny>,
    grapheme_segmentation: bool,
    max_distance: Option<&Bound<'_, PyAny>>,
) -> PyResult<usize> {
    let (s1, s2) = (args::str_arg("s1", s1)?, args::str_arg("s2", s2)?);
    let options = Options {
        grapheme_segmentation,
        max_distance: args::max_distance(max_distance)?,
    };
    let (a, b) = (units(s1)?, units(s2)?);
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
/// max_distance applies to every pair, as in levenshtein.
#[pyfunction]
#[pyo3(signature = (pairs, num_threads = None, grapheme_segmentation = false, *, max_distance = None))]
fn levenshtein_batch(
    py: Python<'_>,
    pairs: &Bound<'_, PyAny>,
    num_threads: Option<&Bound<'_, PyAny>>,
    grapheme_segmentation: bool,
    max_distance: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<usize>> {
    let threads = args::num_threads(num_threads)?;
    let options = Options {
        grapheme_segmentation,
        max_distance: args::max_distance(max_distance)?,
    };
    let pairs = pairs::Pairs::read(pairs)?;
    let (view, len) = (pairs.view(), pairs.len());
    let mut interrupt = None;
    let result = py.detach(|| {
        crate::levenshtein_batch_by(
            len,
            |i| view.get(i),
            options,
            threads,
            || errors::poll_signals(&mut interrupt),
        )
    });
    errors::finish(result, interrupt)
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
