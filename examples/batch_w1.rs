//! Times the batch runner on W1-like pairs without Python, for profiling:
//! `cargo run --release --example batch_w1 -- [threads] [pairs] [rounds]`
//! (repeatable instruction counts: run the binary under `valgrind --tool=callgrind`).

use pyo3_levenshtein::{Options, Units, levenshtein_batch};
use std::time::Instant;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let threads = args.first().copied().unwrap_or(1);
    let count = args.get(1).copied().unwrap_or(1 << 14);
    let rounds = args.get(2).copied().unwrap_or(50);
    let alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let strings: Vec<Vec<u8>> = (0..2 * count)
        .map(|_| {
            (0..=next(50))
                .map(|_| alphabet[next(alphabet.len())])
                .collect()
        })
        .collect();
    let pairs: Vec<_> = strings
        .chunks(2)
        .map(|p| (Units::U8(&p[0]), Units::U8(&p[1])))
        .collect();
    let mut times = Vec::new();
    let mut checksum = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        let d = levenshtein_batch(&pairs, Options::default(), Some(threads), || false).expect("ok");
        times.push(t.elapsed().as_secs_f64());
        checksum += d.iter().sum::<usize>();
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "{threads} threads: {:.1} ns/pair (checksum {checksum})",
        median / f64::from(u32::try_from(count).expect("fewer than 2^32 pairs")) * 1e9
    );
}
