//! `similarity`, `normalized_distance` and `normalized_similarity`: one pair,
//! scored as rapidfuzz scores it (see `crate::scores`).

use super::strings::units;
use super::{DETACH_CELLS, INTERRUPTIBLE_CELLS, args, errors, sequence_pair, work};
use crate::Options;
use crate::runtime::stop::{Stop, asking, unstoppable};
use pyo3::prelude::*;
use pyo3::types::PyString;

/// Converts the pair and the options, then runs `score` under the GIL for
/// short work, with the GIL released for longer, and asking for Ctrl-C for long.
fn scored<T: Send>(
    py: Python<'_>,
    (s1, s2): (&Bound<'_, PyAny>, &Bound<'_, PyAny>),
    weights: Option<&Bound<'_, PyAny>>,
    grapheme_segmentation: bool,
    score: impl Fn(crate::Units<'_>, crate::Units<'_>, Options, Stop<'_>) -> Option<T> + Send + Sync,
) -> PyResult<T> {
    let options = Options {
        grapheme_segmentation,
        weights: args::weights(weights)?,
        ..Options::default()
    };
    let (Ok(a), Ok(b)) = (s1.cast::<PyString>(), s2.cast::<PyString>()) else {
        return sequence_pair(py, (s1, s2), grapheme_segmentation, |a, b| {
            run(py, a, b, options, &score)
        });
    };
    run(py, units(a)?, units(b)?, options, &score)
}

/// `score` of one pair of units, with or without the GIL as [`scored`] says.
fn run<T: Send>(
    py: Python<'_>,
    a: crate::Units<'_>,
    b: crate::Units<'_>,
    options: Options,
    score: &(impl Fn(crate::Units<'_>, crate::Units<'_>, Options, Stop<'_>) -> Option<T> + Sync),
) -> PyResult<T> {
    let cells = work(a.len(), b.len(), options);
    let run = || unstoppable(|stop| score(a, b, options, stop));
    if cells < DETACH_CELLS {
        return Ok(run());
    }
    if cells < INTERRUPTIBLE_CELLS {
        return Ok(py.detach(run));
    }
    let mut interrupt = None;
    let result = py.detach(|| {
        asking(
            || errors::poll_signals(&mut interrupt),
            |stop| score(a, b, options, stop),
        )
    });
    errors::finish(result, interrupt)
}

/// Levenshtein distance divided by the largest distance the two lengths allow.
///
/// The result is in [0, 1]: 0.0 for equal strings (and for two empty ones), 1.0
/// when nothing is shared. With weights (insert, delete, substitute), the
/// distance and the maximum are weighted. With score_cutoff (a float in [0, 1]),
/// a result above it is returned as 1.0, and found faster.
///
/// s1 and s2 may also be sequences of hashable elements, as in levenshtein.
#[pyfunction]
#[pyo3(signature = (s1, s2, *, weights = None, grapheme_segmentation = false, score_cutoff = None))]
pub(super) fn normalized_distance(
    py: Python<'_>,
    s1: &Bound<'_, PyAny>,
    s2: &Bound<'_, PyAny>,
    weights: Option<&Bound<'_, PyAny>>,
    grapheme_segmentation: bool,
    score_cutoff: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    let cutoff = args::unit_cutoff(score_cutoff)?;
    scored(
        py,
        (s1, s2),
        weights,
        grapheme_segmentation,
        |a, b, o, stop| crate::scores::normalized_distance_with_stop(a, b, o, cutoff, stop),
    )
}

/// One minus normalized_distance: 1.0 for equal strings, 0.0 when nothing is shared.
///
/// With score_cutoff (a float in [0, 1]), a result below it is returned as 0.0,
/// and found faster. weights and grapheme_segmentation as in normalized_distance.
#[pyfunction]
#[pyo3(signature = (s1, s2, *, weights = None, grapheme_segmentation = false, score_cutoff = None))]
pub(super) fn normalized_similarity(
    py: Python<'_>,
    s1: &Bound<'_, PyAny>,
    s2: &Bound<'_, PyAny>,
    weights: Option<&Bound<'_, PyAny>>,
    grapheme_segmentation: bool,
    score_cutoff: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    let cutoff = args::unit_cutoff(score_cutoff)?;
    scored(
        py,
        (s1, s2),
        weights,
        grapheme_segmentation,
        |a, b, o, stop| crate::scores::normalized_similarity_with_stop(a, b, o, cutoff, stop),
    )
}

/// The largest distance the two lengths allow minus the Levenshtein distance.
///
/// With score_cutoff (an int >= 0), a result below it is returned as 0, and
/// found faster. weights and grapheme_segmentation as in normalized_distance.
#[pyfunction]
#[pyo3(signature = (s1, s2, *, weights = None, grapheme_segmentation = false, score_cutoff = None))]
pub(super) fn similarity(
    py: Python<'_>,
    s1: &Bound<'_, PyAny>,
    s2: &Bound<'_, PyAny>,
    weights: Option<&Bound<'_, PyAny>>,
    grapheme_segmentation: bool,
    score_cutoff: Option<&Bound<'_, PyAny>>,
) -> PyResult<usize> {
    let cutoff = args::int_cutoff(score_cutoff)?;
    scored(
        py,
        (s1, s2),
        weights,
        grapheme_segmentation,
        |a, b, o, stop| crate::scores::similarity_with_stop(a, b, o, cutoff, stop),
    )
}
