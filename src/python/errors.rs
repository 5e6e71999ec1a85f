//! The error boundary: core errors and signals to Python exceptions.

use crate::Error;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

/// Run by the waiting thread every few milliseconds: runs Python's signal
/// handlers (a no-op off the main thread) and keeps the exception they raise.
pub(super) fn poll_signals(interrupt: &mut Option<PyErr>) -> bool {
    #[allow(clippy::redundant_closure_for_method_calls)] // the method is not general over 'py
    match Python::attach(|py| py.check_signals()) {
        Ok(()) => false,
        Err(e) => {
            *interrupt = Some(e);
            true
        }
    }
}

/// The exception a signal handler raised wins over the core's `Cancelled`.
pub(super) fn finish<T>(result: Result<T, Error>, interrupt: Option<PyErr>) -> PyResult<T> {
    match (result, interrupt) {
        (Ok(v), _) => Ok(v),
        (Err(_), Some(e)) => Err(e),
        (Err(e), None) => Err(to_py(&e)),
    }
}

pub(super) fn to_py(e: &Error) -> PyErr {
    match e {
        Error::InvalidThreadCount { .. }
        | Error::TooManyStrings { .. }
        | Error::TooLong { .. }
        | Error::Lengths { .. } => PyValueError::new_err(e.to_string()),
        Error::Cancelled | Error::ThreadPool(_) => PyRuntimeError::new_err(e.to_string()),
    }
}
