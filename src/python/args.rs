//! Argument checks that PyO3's own extraction does not make.

use crate::MAX_THREADS;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};

pub(super) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

/// Argument `name` as a str, or a `TypeError` naming it.
pub(super) fn str_arg<'a, 'py>(
    name: &str,
    value: &'a Bound<'py, PyAny>,
) -> PyResult<&'a Bound<'py, PyString>> {
    value
        .cast::<PyString>()
        .map_err(|_| PyTypeError::new_err(format!("{name} must be str, not {}", type_name(value))))
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

/// `weights`: None (unit costs), or a sequence of three ints >= 0,
/// `(insert, delete, substitute)`. A wrong length or a negative value is a
/// `ValueError` naming `weights`, anything but an int (a bool included) a `TypeError`.
pub(super) fn weights(value: Option<&Bound<'_, PyAny>>) -> PyResult<crate::Weights> {
    let Some(value) = value else {
        return Ok(crate::Weights::default());
    };
    if value.is_instance_of::<PyString>() || value.len().is_err() {
        return Err(PyTypeError::new_err(format!(
            "weights must be a tuple of three ints (insert, delete, substitute) or None, not {}",
            type_name(value)
        )));
    }
    let len = value.len()?;
    if len != 3 {
        return Err(PyValueError::new_err(format!(
            "weights must hold three ints (insert, delete, substitute), got {len} items"
        )));
    }
    let mut w = [0usize; 3];
    for (i, slot) in w.iter_mut().enumerate() {
        let item = value.get_item(i)?;
        if item.is_instance_of::<PyBool>() || !item.is_instance_of::<PyInt>() {
            return Err(PyTypeError::new_err(format!(
                "weights[{i}] must be an int, not {}",
                type_name(&item)
            )));
        }
        *slot = match item.extract::<usize>() {
            Ok(n) => n,
            Err(_) if item.lt(0)? => {
                return Err(PyValueError::new_err(format!(
                    "weights[{i}] must be >= 0, got {item}"
                )));
            }
            Err(_) => {
                return Err(PyValueError::new_err(format!(
                    "weights[{i}] must be at most {}, got {item}",
                    usize::MAX
                )));
            }
        };
    }
    let [insert, delete, substitute] = w;
    Ok(crate::Weights {
        insert,
        delete,
        substitute,
    })
}

/// `normalized=True` gives floats, which `max_distance` (an int cap) cannot
/// bound: the two together are a `ValueError` naming both.
pub(super) fn normalized_without_max_distance(
    normalized: bool,
    options: crate::Options,
) -> PyResult<()> {
    if normalized && options.max_distance.is_some() {
        return Err(PyValueError::new_err(
            "max_distance cannot be combined with normalized=True",
        ));
    }
    Ok(())
}

/// A normalized `score_cutoff`: None, or a real number in [0, 1].
pub(super) fn unit_cutoff(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<f64>> {
    let Some(value) = value else { return Ok(None) };
    if value.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(
            "score_cutoff must be a float or None, not bool",
        ));
    }
    let c: f64 = value.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "score_cutoff must be a float or None, not {}",
            type_name(value)
        ))
    })?;
    if !(0.0..=1.0).contains(&c) {
        return Err(PyValueError::new_err(format!(
            "score_cutoff must be between 0.0 and 1.0, got {c}"
        )));
    }
    Ok(Some(c))
}

/// An integer `score_cutoff`: None, or an int >= 0 (beyond `usize` nothing passes).
pub(super) fn int_cutoff(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<usize>> {
    let Some(value) = value else { return Ok(None) };
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "score_cutoff must be an int or None, not {}",
            type_name(value)
        )));
    }
    if let Ok(n) = value.extract::<usize>() {
        return Ok(Some(n));
    }
    if value.lt(0)? {
        return Err(PyValueError::new_err(format!(
            "score_cutoff must be >= 0, got {value}"
        )));
    }
    Ok(Some(usize::MAX))
}
