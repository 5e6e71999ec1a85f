//! The golden cases shared with the Python tests (tests/data/golden.tsv).

use pyo3_levenshtein::{Options, Units, levenshtein};

/// Decodes the file's escapes (`\\ \t \n \r \xHH \uHHHH \UHHHHHHHH`) into code points.
fn unescape(field: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(u32::from(c));
            continue;
        }
        let hex = |chars: &mut std::str::Chars<'_>, n: usize| {
            let digits: String = chars.by_ref().take(n).collect();
            u32::from_str_radix(&digits, 16).unwrap_or_else(|_| panic!("bad escape in {field:?}"))
        };
        let cp = match chars.next() {
            Some('\\') => u32::from('\\'),
            Some('t') => u32::from('\t'),
            Some('n') => u32::from('\n'),
            Some('r') => u32::from('\r'),
            Some('x') => hex(&mut chars, 2),
            Some('u') => hex(&mut chars, 4),
            Some('U') => hex(&mut chars, 8),
            other => panic!("unknown escape {other:?} in {field:?}"),
        };
        out.push(cp);
    }
    out
}

/// The narrowest width CPython would store `s` in.
fn stored<'a>(s: &'a [u32], u8s: &'a mut Vec<u8>, u16s: &'a mut Vec<u16>) -> Units<'a> {
    if let Ok(v) = s
        .iter()
        .map(|&c| u8::try_from(c))
        .collect::<Result<Vec<_>, _>>()
    {
        *u8s = v;
        Units::U8(u8s)
    } else if let Ok(v) = s
        .iter()
        .map(|&c| u16::try_from(c))
        .collect::<Result<Vec<_>, _>>()
    {
        *u16s = v;
        Units::U16(u16s)
    } else {
        Units::U32(s)
    }
}

#[test]
fn golden_cases_match_in_both_modes_and_all_widths() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/golden.tsv");
    let text = std::fs::read_to_string(path).expect("golden file");
    let mut cases = 0;
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 4, "malformed golden line {line:?}");
        let (a, b) = (unescape(fields[0]), unescape(fields[1]));
        let want_cp: usize = fields[2].parse().expect("code point distance");
        let want_gc: usize = fields[3].parse().expect("grapheme distance");
        let (mut a8, mut a16, mut b8, mut b16) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (sa, sb) = (stored(&a, &mut a8, &mut a16), stored(&b, &mut b8, &mut b16));
        for (x, y) in [(sa, sb), (Units::U32(&a), Units::U32(&b)), (sb, sa)] {
            let cp = Options {
                grapheme_segmentation: false,
                max_distance: None,
                ..Options::default()
            };
            let gc = Options {
                grapheme_segmentation: true,
                max_distance: None,
                ..Options::default()
            };
            assert_eq!(levenshtein(x, y, cp), want_cp, "code points: {line:?}");
            assert_eq!(levenshtein(x, y, gc), want_gc, "graphemes: {line:?}");
        }
        cases += 1;
    }
    assert!(cases >= 100, "only {cases} golden cases");
}
