//! Times the weighted distance per pair, without Python, on W1-like pairs (ASCII
//! letters and digits, 1..=50 units) and W3-like pairs (100..=500, unrelated):
//! `cargo run --release --example weighted_timing -- [rounds] [W1|W3] [i,d,s]`.
//! Inputs are seeded; every result is checked against the naive reference first.

use pyo3_levenshtein::reference::naive_weighted;
use pyo3_levenshtein::{Units, Weights, levenshtein_weighted};
use std::hint::black_box;
use std::time::Instant;

const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// `count` pairs of ASCII strings of `lo..=hi` units, xorshift-seeded.
fn pairs(count: usize, lo: usize, hi: usize, seed: u64) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut state = seed;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut string = || -> Vec<u8> {
        let len = lo + next(hi - lo + 1);
        (0..len).map(|_| ALNUM[next(ALNUM.len())]).collect()
    };
    (0..count).map(|_| (string(), string())).collect()
}

/// The median and the minimum over `rounds` of the time per pair, in ns (the
/// minimum is the steadier figure on a shared machine).
fn time(set: &[(Vec<u8>, Vec<u8>)], w: Weights, k: Option<usize>, rounds: usize) -> (f64, f64) {
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            let mut sum = 0usize;
            for (a, b) in set {
                sum = sum.wrapping_add(levenshtein_weighted(
                    black_box(Units::U8(a)),
                    black_box(Units::U8(b)),
                    w,
                    k,
                ));
            }
            black_box(sum);
            let pairs = u32::try_from(set.len()).expect("fewer than 2^32 pairs");
            t.elapsed().as_secs_f64() * 1e9 / f64::from(pairs)
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[0])
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: usize = args
        .first()
        .map_or(21, |r| r.parse().expect("a number of rounds"));
    // Optional filters, for profiling one row: a set name, then weights as "1,2,3".
    let only_set = args.get(1).map(String::as_str);
    let only_weights = args.get(2).map(String::as_str);
    let w1 = pairs(1 << 14, 1, 50, 0x2545_f491_4f6c_dd1d);
    let w3 = pairs(200, 100, 500, 0x9e37_79b9_7f4a_7c15);
    let weights = [(1, 1, 2), (1, 2, 3), (2, 2, 3), (1, 2, 2)];
    println!(
        "{:<6} {:<10} {:>6} {:>12} {:>12}",
        "set", "weights", "bound", "median ns", "min ns"
    );
    for (name, set) in [("W1", &w1), ("W3", &w3)] {
        if only_set.is_some_and(|s| s != name) {
            continue;
        }
        for (insert, delete, substitute) in weights {
            if only_weights.is_some_and(|w| w != format!("{insert},{delete},{substitute}")) {
                continue;
            }
            let w = Weights {
                insert,
                delete,
                substitute,
            };
            for (a, b) in set.iter().take(200) {
                let want = naive_weighted(a, b, insert, delete, substitute);
                assert_eq!(
                    levenshtein_weighted(Units::U8(a), Units::U8(b), w, None),
                    want
                );
            }
            for k in [None, Some(10)] {
                let (median, min) = time(set, w, k, rounds);
                let bound = k.map_or("-".to_string(), |k| k.to_string());
                let w = format!("({insert},{delete},{substitute})");
                println!("{name:<6} {w:<10} {bound:>6} {median:>12.1} {min:>12.1}");
            }
        }
    }
}
