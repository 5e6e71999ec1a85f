//! The plain full-matrix Wagner–Fischer algorithm (unit and weighted costs) and
//! the LCS table, kept as the test oracles.
//!
//! Wagner & Fischer, "The String-to-String Correction Problem", JACM 21(1), 1974.
//! Cost: O(m·n) time and O(m·n) memory. Deliberately naive (no stripping, no
//! bit tricks, no early exits) so that it shares no mistake with the fast kernels.

/// Levenshtein distance between two code point sequences, by the full DP matrix.
///
/// ```
/// use pyo3_levenshtein::reference::naive;
/// assert_eq!(naive(&[1u32, 2, 3], &[1u32, 3]), 1);
/// ```
#[must_use]
pub fn naive<A: Copy + Into<u32>, B: Copy + Into<u32>>(a: &[A], b: &[B]) -> usize {
    let (m, n) = (a.len(), b.len());
    let mut d = vec![vec![0usize; n + 1]; m + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=m {
        for j in 1..=n {
            let sub = usize::from(a[i - 1].into() != b[j - 1].into());
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + sub);
        }
    }
    d[m][n]
}

/// Weighted Levenshtein distance by the full DP matrix: `insert` for each unit
/// of `b` missing from `a`, `delete` for each unit of `a` missing from `b`,
/// `substitute` for a unit of `a` replaced by a different one of `b` (rapidfuzz's
/// meaning). Sums saturate at `usize::MAX`.
///
/// ```
/// use pyo3_levenshtein::reference::naive_weighted;
/// let (a, b) = (b"kitten", b"sitting");
/// assert_eq!(naive_weighted(a, b, 1, 1, 1), 3);
/// // The LCS "ittn" kept: 2 deletions and 3 insertions.
/// assert_eq!(naive_weighted(a, b, 1, 1, 2), 5);
/// assert_eq!(naive_weighted(a, b, 1, 2, 3), 7);
/// assert_eq!(naive_weighted(b"ab", b"", 1, 2, 3), 4);
/// ```
#[must_use]
pub fn naive_weighted<A: Copy + Into<u32>, B: Copy + Into<u32>>(
    a: &[A],
    b: &[B],
    insert: usize,
    delete: usize,
    substitute: usize,
) -> usize {
    let (m, n) = (a.len(), b.len());
    let mut d = vec![vec![0usize; n + 1]; m + 1];
    for i in 1..=m {
        d[i][0] = d[i - 1][0].saturating_add(delete);
    }
    for j in 1..=n {
        d[0][j] = d[0][j - 1].saturating_add(insert);
    }
    for i in 1..=m {
        for j in 1..=n {
            let sub = if a[i - 1].into() == b[j - 1].into() {
                0
            } else {
                substitute
            };
            d[i][j] = d[i - 1][j]
                .saturating_add(delete)
                .min(d[i][j - 1].saturating_add(insert))
                .min(d[i - 1][j - 1].saturating_add(sub));
        }
    }
    d[m][n]
}

/// Length of the longest common subsequence, by the full DP matrix.
///
/// ```
/// use pyo3_levenshtein::reference::naive_lcs;
/// assert_eq!(naive_lcs(b"kitten", b"sitting"), 4);
/// ```
#[must_use]
pub fn naive_lcs<A: Copy + Into<u32>, B: Copy + Into<u32>>(a: &[A], b: &[B]) -> usize {
    let (m, n) = (a.len(), b.len());
    let mut d = vec![vec![0usize; n + 1]; m + 1];
    for i in 1..=m {
        for j in 1..=n {
            d[i][j] = if a[i - 1].into() == b[j - 1].into() {
                d[i - 1][j - 1] + 1
            } else {
                d[i - 1][j].max(d[i][j - 1])
            };
        }
    }
    d[m][n]
}

/// `s` after `edits` in order: (where, symbol, 0 = substitute, 1 = insert,
/// else delete), positions taken modulo the current length; for the kernels'
/// property tests of similar strings.
#[cfg(test)]
pub(crate) fn edited(
    s: &[u32],
    edits: impl IntoIterator<Item = (proptest::sample::Index, u32, u8)>,
) -> Vec<u32> {
    let mut t = s.to_vec();
    for (at, c, op) in edits {
        match op {
            0 if !t.is_empty() => {
                let k = at.index(t.len());
                t[k] = c;
            }
            1 => t.insert(at.index(t.len() + 1), c),
            _ if !t.is_empty() => {
                t.remove(at.index(t.len()));
            }
            _ => {}
        }
    }
    t
}

/// `m` and `n` units drawn from `0..alphabet` by a xorshift generator
/// seeded with `seed`; for the kernels' property tests of unrelated strings.
#[cfg(test)]
pub(crate) fn xorshift_pair(seed: u64, alphabet: u32, m: usize, n: usize) -> (Vec<u32>, Vec<u32>) {
    let mut x = seed | 1;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % u64::from(alphabet)) as u32
    };
    let a = (0..m).map(|_| next()).collect();
    let b = (0..n).map(|_| next()).collect();
    (a, b)
}
