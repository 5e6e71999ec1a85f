//! Corpus error counts: word or character error rates (WER, CER) of many
//! reference / hypothesis pairs, as jiwer computes them, on a pool.
//!
//! Each pair is aligned as [`crate::jobs::alignment`] aligns it, which is the
//! alignment rapidfuzz's `Levenshtein.opcodes` gives; jiwer counts its hits,
//! substitutions, deletions and insertions from exactly those opcodes
//! (`process_words`), so the counts, and the rates made from them, are
//! jiwer's. Words are interned to ids per pair ([`crate::text::words`]): no
//! string is made per word.

use crate::error::Error;
use crate::jobs::alignment::counts;
use crate::runtime::pool::{pool, run_interruptible};
use crate::runtime::stop::Stop;
use crate::text::strings::Strings;
use crate::text::units::Units;
use crate::text::words::{Words, strip};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// What the error rate counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tokens {
    /// Words, split on whitespace as `str.split()` splits (WER).
    Word,
    /// Code points of each string with the whitespace at its ends removed, as
    /// `str.strip()` removes it (CER, jiwer's `cer` default).
    Char,
    /// Extended grapheme clusters of each string stripped as for `Char`.
    Grapheme,
}

/// The counts of one pair.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PairCounts {
    /// Reference units matched unchanged.
    pub hits: u32,
    /// Reference units replaced by a hypothesis unit.
    pub substitutions: u32,
    /// Reference units missing from the hypothesis.
    pub deletions: u32,
    /// Hypothesis units not in the reference.
    pub insertions: u32,
}

/// The counts of a corpus, pair by pair and in total.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorCounts {
    /// One entry per pair, in input order.
    pub pairs: Vec<PairCounts>,
    pub hits: u64,
    pub substitutions: u64,
    pub deletions: u64,
    pub insertions: u64,
}

// Counts become floats as jiwer's `float(...)` makes them: exact below 2^53 units.
#[allow(clippy::cast_precision_loss)]
impl ErrorCounts {
    /// Units in the references: hits + substitutions + deletions.
    #[must_use]
    pub fn reference_len(&self) -> u64 {
        self.hits + self.substitutions + self.deletions
    }

    /// Units in the hypotheses: hits + substitutions + insertions.
    #[must_use]
    pub fn hypothesis_len(&self) -> u64 {
        self.hits + self.substitutions + self.insertions
    }

    fn errors(&self) -> u64 {
        self.substitutions + self.deletions + self.insertions
    }

    /// (S + D + I) / (H + S + D): the WER or CER. With no reference unit at
    /// all, jiwer's convention: the number of insertions.
    #[must_use]
    pub fn error_rate(&self) -> f64 {
        if self.reference_len() == 0 {
            return self.insertions as f64;
        }
        self.errors() as f64 / self.reference_len() as f64
    }

    /// The match error rate, (S + D + I) / (H + S + D + I); with no reference
    /// unit, 0 if there is no hypothesis unit either, else 1 (jiwer's convention).
    #[must_use]
    pub fn mer(&self) -> f64 {
        if self.reference_len() == 0 {
            return if self.hypothesis_len() == 0 { 0.0 } else { 1.0 };
        }
        self.errors() as f64 / (self.reference_len() + self.insertions) as f64
    }

    /// Word information preserved, (H / reference units) · (H / hypothesis
    /// units), with jiwer's conventions for empty sides.
    #[must_use]
    pub fn wip(&self) -> f64 {
        let (reference, hypothesis) = (self.reference_len(), self.hypothesis_len());
        match (reference, hypothesis) {
            (0, 0) => 1.0,
            (0, _) | (_, 0) => 0.0,
            _ => (self.hits as f64 / reference as f64) * (self.hits as f64 / hypothesis as f64),
        }
    }

    /// Word information lost: 1 - [`wip`](Self::wip).
    #[must_use]
    pub fn wil(&self) -> f64 {
        1.0 - self.wip()
    }
}

/// The counts of one pair, `None` if `stop` was raised.
fn pair(
    reference: Units<'_>,
    hypothesis: Units<'_>,
    tokens: Tokens,
    words: &mut Words,
    stop: Stop<'_>,
) -> Option<PairCounts> {
    let (ops, (len, _)) = match tokens {
        Tokens::Word => {
            let (r, h) = words.intern(reference, hypothesis);
            counts(Units::U32(r), Units::U32(h), false, stop)?
        }
        Tokens::Char => counts(strip(reference), strip(hypothesis), false, stop)?,
        Tokens::Grapheme => counts(strip(reference), strip(hypothesis), true, stop)?,
    };
    // Lengths were checked to fit in u32.
    Some(PairCounts {
        hits: (len - ops.replace - ops.delete) as u32,
        substitutions: ops.replace as u32,
        deletions: ops.delete as u32,
        insertions: ops.insert as u32,
    })
}

/// Pairs handed to a worker at a time.
const CHUNK: usize = 256;

/// The error counts of `references[i]` against `hypotheses[i]` for every `i`,
/// on `threads` threads (see [`crate::levenshtein_batch`] for the policy);
/// `poll` runs on the calling thread while it waits, and returning true
/// cancels.
///
/// ```
/// use pyo3_levenshtein::{error_counts, Tokens, Units};
/// let references = [Units::U8(b"the cat sat on the mat")];
/// let hypotheses = [Units::U8(b"the cat sat on mat now")];
/// let c = error_counts(&references[..], &hypotheses[..], Tokens::Word, Some(1), || false).unwrap();
/// // As jiwer.process_words counts them: "the mat" -> "mat now" is two substitutions.
/// assert_eq!((c.hits, c.substitutions, c.deletions, c.insertions), (4, 2, 0, 0));
/// assert_eq!(c.error_rate(), 2.0 / 6.0);
/// ```
///
/// # Errors
/// Collections of different lengths, a string longer than `u32::MAX` units,
/// an invalid thread count, a pool that could not start, or cancellation.
pub fn error_counts<R: Strings + ?Sized, H: Strings + ?Sized>(
    references: &R,
    hypotheses: &H,
    tokens: Tokens,
    threads: Option<usize>,
    poll: impl FnMut() -> bool,
) -> Result<ErrorCounts, Error> {
    let n = references.count();
    if hypotheses.count() != n {
        return Err(Error::Lengths {
            references: n,
            hypotheses: hypotheses.count(),
        });
    }
    for i in 0..n {
        let longest = references.len_of(i).max(hypotheses.len_of(i));
        if u32::try_from(longest).is_err() {
            return Err(Error::TooLong { len: longest });
        }
    }
    let pool = pool(threads)?;
    let mut pairs = vec![PairCounts::default(); n];
    let stop = AtomicBool::new(false);
    run_interruptible(
        &pool,
        &stop,
        || {
            let size = (n / (8 * pool.current_num_threads())).clamp(1, CHUNK);
            pairs.par_chunks_mut(size).enumerate().try_for_each_init(
                Words::default,
                |words, (c, chunk)| {
                    for (k, out) in chunk.iter_mut().enumerate() {
                        if stop.load(Ordering::Relaxed) {
                            return None;
                        }
                        let i = c * size + k;
                        let (r, h) = (references.get(i), hypotheses.get(i));
                        *out = pair(r, h, tokens, words, (&stop).into())?;
                    }
                    Some(())
                },
            )
        },
        poll,
    )?;
    let mut total = ErrorCounts::default();
    for p in &pairs {
        total.hits += u64::from(p.hits);
        total.substitutions += u64::from(p.substitutions);
        total.deletions += u64::from(p.deletions);
        total.insertions += u64::from(p.insertions);
    }
    total.pairs = pairs;
    Ok(total)
}

#[allow(clippy::float_cmp)] // the rates are compared with jiwer's exactly
#[cfg(test)]
mod tests {
    use super::*;

    fn run(references: &[&str], hypotheses: &[&str], tokens: Tokens) -> ErrorCounts {
        let r: Vec<Vec<u32>> = references.iter().map(|s| crate::code_points(s)).collect();
        let h: Vec<Vec<u32>> = hypotheses.iter().map(|s| crate::code_points(s)).collect();
        let r: Vec<Units<'_>> = r.iter().map(|s| Units::U32(s)).collect();
        let h: Vec<Units<'_>> = h.iter().map(|s| Units::U32(s)).collect();
        error_counts(&r[..], &h[..], tokens, Some(2), || false).unwrap()
    }

    #[test]
    fn words_chars_and_graphemes() {
        let c = run(&["a b  c", " x "], &["a c d", "x"], Tokens::Word);
        let pairs: Vec<_> = c
            .pairs
            .iter()
            .map(|p| (p.hits, p.substitutions, p.deletions, p.insertions))
            .collect();
        // jiwer.process_words gives the same (two substitutions rather than a
        // deletion and an insertion).
        assert_eq!(pairs, [(1, 2, 0, 0), (1, 0, 0, 0)]);
        assert_eq!(c.error_rate(), 2.0 / 4.0);
        let c = run(&[" ab "], &["abc"], Tokens::Char);
        assert_eq!((c.hits, c.insertions), (2, 1));
        let c = run(&["e\u{301}x"], &["\u{e9}x"], Tokens::Grapheme);
        assert_eq!((c.hits, c.substitutions), (1, 1));
    }

    #[test]
    fn empty_references_follow_jiwer() {
        let c = run(&["", " "], &["a b", ""], Tokens::Word);
        assert_eq!(
            (c.error_rate(), c.mer(), c.wip(), c.wil()),
            (2.0, 1.0, 0.0, 1.0)
        );
        let c = run(&[""], &[""], Tokens::Char);
        assert_eq!(
            (c.error_rate(), c.mer(), c.wip(), c.wil()),
            (0.0, 0.0, 1.0, 0.0)
        );
    }

    #[test]
    fn collections_of_different_lengths_are_an_error() {
        let r = [Units::U8(b"a")];
        let got = error_counts(&r[..], &r[..0], Tokens::Word, None, || false);
        assert_eq!(
            got,
            Err(Error::Lengths {
                references: 1,
                hypotheses: 0
            })
        );
    }
}
