//! Seeded differential test: many random cases through the dispatching entry
//! point against the naive reference, with and without bounds. This is what CI
//! runs in place of the fuzzer (`fuzz/`, see its README), which explores the same
//! comparison open-endedly.

use pyo3_levenshtein::reference::naive;
use pyo3_levenshtein::{Options, Units, levenshtein};

/// xorshift64*: a fixed, dependency-free stream so every run checks the same cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random string, often a mutated copy of `base` so that distances are small.
fn string(rng: &mut Rng, base: &[u32]) -> Vec<u32> {
    let alphabet: u64 = [2, 4, 26, 300, 0x11_0000][rng.below(5) as usize];
    let sym = |rng: &mut Rng| rng.below(alphabet) as u32;
    if !base.is_empty() && rng.below(2) == 0 {
        let mut s = base.to_vec();
        for _ in 0..rng.below(12) {
            let at = rng.below(s.len() as u64 + 1) as usize;
            match rng.below(3) {
                0 if at < s.len() => s[at] = sym(rng),
                1 => s.insert(at, sym(rng)),
                _ if at < s.len() => {
                    s.remove(at);
                }
                _ => {}
            }
        }
        return s;
    }
    let len = match rng.below(4) {
        0 => rng.below(8),
        1 => 60 + rng.below(10),
        2 => 120 + rng.below(20),
        _ => rng.below(400),
    };
    (0..len).map(|_| sym(rng)).collect()
}

fn stored(s: &[u32]) -> (Option<Vec<u8>>, Option<Vec<u16>>) {
    (
        s.iter().map(|&c| u8::try_from(c).ok()).collect(),
        s.iter().map(|&c| u16::try_from(c).ok()).collect(),
    )
}

#[test]
fn random_cases_match_the_reference_with_and_without_bounds() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..8_000 {
        let a = string(&mut rng, &[]);
        let b = string(&mut rng, &a);
        let d = naive(&a, &b);
        let (a8, a16) = stored(&a);
        let (_, b16) = stored(&b);
        let ua = match (&a8, &a16) {
            (Some(v), _) => Units::U8(v),
            (None, Some(v)) => Units::U16(v),
            _ => Units::U32(&a),
        };
        let ub = b16.as_deref().map_or(Units::U32(&b), Units::U16);
        let bound = match rng.below(4) {
            0 => None,
            1 => Some(rng.below(8) as usize),
            // Around the one- and two-word bands' edges (64 or 128 diagonals
            // at k = 63 or 64, 127 or 128, by parity).
            2 => Some([58, 122][rng.below(2) as usize] + rng.below(10) as usize),
            _ => Some(d.saturating_sub(2) + rng.below(5) as usize),
        };
        let options = Options {
            grapheme_segmentation: false,
            max_distance: bound,
            ..Options::default()
        };
        let want = bound.map_or(d, |k| d.min(k + 1));
        assert_eq!(
            levenshtein(ua, ub, options),
            want,
            "case {case}: {a:?} {b:?} {bound:?}"
        );
        assert_eq!(levenshtein(ub, ua, options), want, "case {case} swapped");
    }
}
