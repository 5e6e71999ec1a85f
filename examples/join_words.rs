//! Times the self-join and index searches on a word list without Python, for
//! profiling: `cargo run --release --example join_words -- FILE K [threads]`
//! (FILE: one word per line, the first whitespace-separated field is taken).

use pyo3_levenshtein::{Units, levenshtein_self_join};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = std::fs::read_to_string(&args[0]).expect("a readable word list");
    let k: usize = args.get(1).map_or(1, |a| a.parse().expect("a bound"));
    let threads = args.get(2).map(|a| a.parse().expect("a thread count"));
    let mut seen = std::collections::HashSet::new();
    let words: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| seen.insert(w.to_string()))
        .collect();
    // As Python passes them: bytes when every character fits one, else code points.
    let wide: Vec<Vec<u32>> = words
        .iter()
        .map(|w| w.chars().map(u32::from).collect())
        .collect();
    let units: Vec<Units<'_>> = if words.iter().all(|w| w.is_ascii()) {
        words.iter().map(|w| Units::U8(w.as_bytes())).collect()
    } else {
        wide.iter().map(|w| Units::U32(w)).collect()
    };
    let start = Instant::now();
    let pairs = levenshtein_self_join(&units[..], k, false, threads, |_| false).expect("a join");
    println!(
        "{} words, k = {k}: {} pairs in {:.3} s",
        words.len(),
        pairs.len(),
        start.elapsed().as_secs_f64()
    );
}
