//! A reusable index over a collection of strings: the choices within a bound
//! of a query, or the k nearest, without comparing the query with every choice.
//!
//! Filters return candidates, a superset of the strings within the bound, and
//! the bounded dispatcher ([`crate::kernels::dispatch`]) verifies each one, so
//! results are exact whatever the filters let through. Which filter covers
//! which strings is decided per length and bound ([`filters`]): deletion
//! neighbourhoods ([`deletions`], FastSS) for short strings and k <= 3,
//! Pass-Join segment indexes ([`segments`]) for longer ones, every string of a
//! length where neither pays. Each is built the first time a bound needs it,
//! so any bound can be asked at query time.
//!
//! - `table`: hashing unit sequences, and the key -> ids multimap both filters use.
//! - `deletions`, `segments`: the two filters.
//! - `filters`: the routes, the lazily built filters, candidate generation.
//! - `verify`: the exact distance of a query to each candidate.
//! - `search`: one query, or many in parallel: bounded, or the k nearest by
//!   raising the bound until k are found (or scanning, once filters no longer
//!   pay).
//!
//! - `shared`: a self-join's pairs from deletion neighbourhoods, by grouping
//!   their keys instead of probing a table of them.
//!
//! The join ([`crate::jobs::join`]) uses the filters directly.

mod deletions;
pub(crate) mod filters;
mod search;
mod segments;
pub(crate) mod shared;
mod table;
pub(crate) mod verify;

use crate::error::Error;
use crate::text::arena::Arena;
use crate::text::graphemes::{KnownClusters, ids_against, interned_cluster_ids};
use crate::text::strings::Strings;
use crate::text::units::Units;
use filters::Filters;

/// The most strings an index or a join takes (ids are `u32`).
pub const MAX_STRINGS: usize = u32::MAX as usize;

/// Choices prepared for repeated searches by Levenshtein distance.
///
/// ```
/// use pyo3_levenshtein::{Index, Parallel, Units};
/// let choices = [Units::U8(b"kitten"), Units::U8(b"sitting"), Units::U8(b"mitten")];
/// let index = Index::new(&choices[..], false).unwrap();
/// let found = index.search(Units::U8(b"smitten"), None, Some(1), Parallel::default(), || false);
/// assert_eq!(found, Ok(vec![(2, 1)]));
/// ```
pub struct Index {
    /// The choices as given.
    text: Arena,
    /// In grapheme mode, the choices as cluster ids, and the clusters that have ids.
    clusters: Option<(Arena, KnownClusters)>,
    filters: Filters,
}

impl Index {
    /// An index over `choices` (copied), comparing code points, or extended
    /// grapheme clusters if `grapheme_segmentation`. Filters are built on first use.
    ///
    /// # Errors
    /// [`Error::TooManyStrings`] beyond [`MAX_STRINGS`] choices.
    pub fn new<S: Strings + ?Sized>(
        choices: &S,
        grapheme_segmentation: bool,
    ) -> Result<Self, Error> {
        check_count(choices.count())?;
        let text = Arena::copy(choices);
        let clusters = grapheme_segmentation.then(|| {
            let (ids, known) = interned_cluster_ids(text.count(), |i| text.get(i));
            let mut arena = Arena::default();
            for (i, ids) in ids.iter().enumerate() {
                arena.push(ids.as_deref().map_or_else(|| text.get(i), Units::U32));
            }
            (arena, known)
        });
        let filters = Filters::new(clusters.as_ref().map_or(&text, |c| &c.0), 0);
        Ok(Index {
            text,
            clusters,
            filters,
        })
    }

    /// The number of choices.
    #[must_use]
    pub fn len(&self) -> usize {
        self.text.count()
    }

    /// Whether there are no choices.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether distances count grapheme clusters.
    #[must_use]
    pub fn grapheme_segmentation(&self) -> bool {
        self.clusters.is_some()
    }

    /// Choice `i` as given (`i < len()`).
    #[must_use]
    pub fn choice(&self, i: usize) -> Units<'_> {
        self.text.get(i)
    }

    /// Bytes of memory the index holds (its copy of the choices and the filters built so far).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.text.heap_bytes()
            + self.clusters.as_ref().map_or(0, |c| c.0.heap_bytes())
            + self.filters.heap_bytes()
    }

    /// The choices as the filters and kernels compare them.
    fn units(&self) -> &Arena {
        self.clusters.as_ref().map_or(&self.text, |c| &c.0)
    }

    /// Calls `f` with `query` as the choices are stored: itself, or in grapheme
    /// mode its cluster ids (a cluster no choice holds gets an id none has).
    fn with_query<R>(&self, query: Units<'_>, f: impl FnOnce(Units<'_>) -> R) -> R {
        match &self.clusters {
            Some((_, known)) => match ids_against(query, known) {
                Some(ids) => f(Units::U32(&ids)),
                None => f(query),
            },
            None => f(query),
        }
    }
}

/// [`Error::TooManyStrings`] beyond [`MAX_STRINGS`].
pub(crate) fn check_count(count: usize) -> Result<(), Error> {
    if count > MAX_STRINGS {
        return Err(Error::TooManyStrings {
            count,
            max: MAX_STRINGS,
        });
    }
    Ok(())
}
