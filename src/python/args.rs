//! Argument checks that PyO3's own extraction does not make.

use super::strings::{tuple_item_units, units};
use crate::MAX_THREADS;
use crate::Units;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyInt, PyList, PyString, PyTuple};

fn type_name(obj: &Bound<'_, PyAny>) -> String {
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

/// A materialised pair, holding references that keep both strings alive: the
/// tuple itself (a tuple cannot change, so its items live as long as it does:
/// one reference per pair instead of two), or, for a list, each string.
pub(super) enum HeldPair<'py> {
    Tuple(Bound<'py, PyTuple>),
    Strings(Bound<'py, PyString>, Bound<'py, PyString>),
}

impl HeldPair<'_> {
    /// The code units of both strings, borrowed for as long as `self` is.
    pub(super) fn units(&self) -> PyResult<(Units<'_>, Units<'_>)> {
        match self {
            HeldPair::Tuple(t) => {
                // Checked to be two str when the pair was read.
                let a = t.get_borrowed_item(0)?;
                let b = t.get_borrowed_item(1)?;
                Ok((
                    tuple_item_units(t, &*a.cast::<PyString>()?)?,
                    tuple_item_units(t, &*b.cast::<PyString>()?)?,
                ))
            }
            HeldPair::Strings(a, b) => Ok((units(a)?, units(b)?)),
        }
    }
}

/// Reads `pairs` once into held `(str, str)` pairs, naming the index of the
/// first malformed pair.
pub(super) fn pairs<'py>(pairs: &Bound<'py, PyAny>) -> PyResult<Vec<HeldPair<'py>>> {
    if pairs.is_instance_of::<PyString>() || pairs.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "pairs must be an iterable of (str, str) pairs, not {}",
            type_name(pairs)
        )));
    }
    if let Ok(list) = pairs.cast::<PyList>() {
        let mut out = Vec::with_capacity(list.len());
        for (i, item) in list.iter().enumerate() {
            out.push(pair(i, item)?);
        }
        return Ok(out);
    }
    let iter = pairs.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "pairs must be an iterable of (str, str) pairs, not {}",
            type_name(pairs)
        ))
    })?;
    let mut out = Vec::with_capacity(pairs.len().unwrap_or(0));
    for (i, item) in iter.enumerate() {
        out.push(pair(i, item?)?);
    }
    Ok(out)
}

fn pair(i: usize, item: Bound<'_, PyAny>) -> PyResult<HeldPair<'_>> {
    let item = match item.cast_into::<PyTuple>() {
        Ok(t) => {
            check_len(i, t.len())?;
            for j in 0..2 {
                let element = t.get_borrowed_item(j)?;
                if !element.is_instance_of::<PyString>() {
                    return Err(not_str(i, j, &element));
                }
            }
            return Ok(HeldPair::Tuple(t));
        }
        Err(e) => e.into_inner(),
    };
    if let Ok(l) = item.cast::<PyList>() {
        check_len(i, l.len())?;
        let (first, second) = (l.get_item(0)?, l.get_item(1)?);
        return Ok(HeldPair::Strings(
            element(i, 0, first)?,
            element(i, 1, second)?,
        ));
    }
    Err(PyTypeError::new_err(format!(
        "pairs[{i}] must be a tuple or list of two str, not {}",
        type_name(&item)
    )))
}

fn check_len(i: usize, len: usize) -> PyResult<()> {
    if len == 2 {
        Ok(())
    } else {
        Err(PyValueError::new_err(format!(
            "pairs[{i}] must hold exactly two str, got {len} items"
        )))
    }
}

fn not_str(i: usize, j: usize, obj: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!(
        "pairs[{i}][{j}] must be str, not {}",
        type_name(obj)
    ))
}

fn element(i: usize, j: usize, obj: Bound<'_, PyAny>) -> PyResult<Bound<'_, PyString>> {
    obj.cast_into::<PyString>()
        .map_err(|e| not_str(i, j, &e.into_inner()))
}
