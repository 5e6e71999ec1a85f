//! The core's one error type. It imports nothing from the crate, so every layer
//! may return it.

use std::fmt;

/// Why a distance computation did not produce a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The caller raised the stop flag (e.g. on Ctrl-C) before the work finished.
    Cancelled,
    /// A thread count outside `1..=max`.
    InvalidThreadCount {
        /// The count asked for.
        requested: usize,
        /// The largest count accepted.
        max: usize,
    },
    /// The operating system refused to start the pool's threads.
    ThreadPool(String),
    /// More strings than an index or a join numbers (their ids are `u32`).
    TooManyStrings {
        /// The strings given.
        count: usize,
        /// The most accepted.
        max: usize,
    },
    /// Two collections to compare pair by pair have different lengths.
    Lengths {
        /// Strings in the references.
        references: usize,
        /// Strings in the hypotheses.
        hypotheses: usize,
    },
    /// A string too long for the 32-bit positions of an alignment.
    TooLong {
        /// Its length in units.
        len: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Cancelled => f.write_str("computation cancelled"),
            Error::InvalidThreadCount { requested, max } => write!(
                f,
                "num_threads must be between 1 and {max}, got {requested}"
            ),
            Error::ThreadPool(msg) => write!(f, "could not start worker threads: {msg}"),
            Error::TooManyStrings { count, max } => {
                write!(
                    f,
                    "at most {max} strings can be indexed or joined, got {count}"
                )
            }
            Error::Lengths {
                references,
                hypotheses,
            } => write!(
                f,
                "references and hypotheses must have the same length, got {references} and {hypotheses}"
            ),
            Error::TooLong { len } => write!(
                f,
                "a string of {len} units is too long for an alignment (at most {})",
                u32::MAX
            ),
        }
    }
}

impl std::error::Error for Error {}
