//! Argument checks that PyO3's own extraction does not make.

use crate::MAX_THREADS;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};

pub(super) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

/// `num_threads`: None, or an int (not a bool) in `1..=MAX_THREADS`, checked as a
/// Python int so that huge or negative values never reach a `usize`.
pub(super) fn num_threads(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<usize>> {
    let Some(value) = value else { return Ok(None) };
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "num_threads must be an int or None, not {}",
            type_name(value)
        )));
    }
    match value.extract::<i64>() {
        Ok(n) if (1..=MAX_THREADS as i64).contains(&n) => Ok(Some(n as usize)),
        _ => Err(PyValueError::new_err(format!(
            "num_threads must be between 1 and {MAX_THREADS}, got {value}"
        ))),
    }
}

/// `max_distance`: None, or an int (not a bool) >= 0. Values beyond `usize` are no
/// bound at all, like any value larger than both strings.
pub(super) fn max_distance(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<usize>> {
    let Some(value) = value else { return Ok(None) };
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "max_distance must be an int or None, not {}",
            type_name(value)
        )));
    }
    if let Ok(n) = value.extract::<usize>() {
        return Ok(Some(n));
    }
    if value.lt(0)? {
        return Err(PyValueError::new_err(format!(
            "max_distance must be >= 0, got {value}"
        )));
    }
    Ok(None)
}
