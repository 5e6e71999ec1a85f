//! The plain full-matrix Wagner–Fischer algorithm, kept as the test oracle.
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
