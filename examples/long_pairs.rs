//! Times `levenshtein` on seeded unrelated (or edited) ASCII-alphanumeric pairs
//! without Python, for the long-pair kernels:
//! `cargo run --release --example long_pairs -- M N [PAIRS] [ROUNDS] [EDITS] [THREADS]`
//! prints the median time per pair over the rounds (each round computes every
//! pair once) and the checksum of the distances. With EDITS > 0 the second
//! string of a pair is the first (length M) after that many random edits. With
//! THREADS > 0 a round is one `levenshtein_batch` call on that many threads,
//! else a loop of `levenshtein` calls.
//! Instruction counts, repeatable on a shared machine: run the binary under
//! `valgrind --tool=callgrind` (which hides AVX-512, so the AVX2 paths run).

use pyo3_levenshtein::{Options, Units, levenshtein, levenshtein_batch};
use std::time::Instant;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let m = args.first().copied().unwrap_or(300);
    let n = args.get(1).copied().unwrap_or(m);
    let pairs = args.get(2).copied().unwrap_or(100);
    let rounds = args.get(3).copied().unwrap_or(11);
    let edits = args.get(4).copied().unwrap_or(0);
    let threads = args.get(5).copied().unwrap_or(0);
    let alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |k: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % k as u64) as usize
    };
    let data: Vec<(Vec<u8>, Vec<u8>)> = (0..pairs)
        .map(|_| {
            let a: Vec<u8> = (0..m).map(|_| alphabet[next(62)]).collect();
            let b = if edits > 0 {
                let mut b = a.clone();
                for _ in 0..edits {
                    let at = next(b.len().max(1));
                    match next(3) {
                        0 if !b.is_empty() => b[at] = alphabet[next(62)],
                        1 => b.insert(at, alphabet[next(62)]),
                        _ if !b.is_empty() => {
                            b.remove(at);
                        }
                        _ => {}
                    }
                }
                b
            } else {
                (0..n).map(|_| alphabet[next(62)]).collect()
            };
            (a, b)
        })
        .collect();
    let mut times = Vec::with_capacity(rounds);
    let mut sum = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        sum = 0;
        if threads > 0 {
            let units: Vec<_> = data
                .iter()
                .map(|(a, b)| (Units::U8(a), Units::U8(b)))
                .collect();
            let d = levenshtein_batch(&units, Options::default(), Some(threads), || false);
            sum = d.expect("not cancelled").iter().sum();
        } else {
            for (a, b) in &data {
                sum += levenshtein(Units::U8(a), Units::U8(b), Options::default());
            }
        }
        times.push(
            start.elapsed().as_secs_f64() / f64::from(u32::try_from(pairs).expect("< 2^32 pairs")),
        );
    }
    times.sort_by(f64::total_cmp);
    println!(
        "m {m} n {n} edits {edits} threads {threads}: median {:.2} us per pair (min {:.2}), checksum {sum}",
        times[rounds / 2] * 1e6,
        times[0] * 1e6
    );
}
