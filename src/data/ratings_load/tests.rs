//! The streaming parse against the whole-buffer one it replaced: whatever
//! the chunking, the same ratings or the same error (with the same line).

use std::fmt::Write as _;

use super::RatingsLayout;
use super::read::read_ratings;
use super::whole_buffer;
use crate::data::delimited::Tuning;
use crate::data::{LoadError, LoadProgress, Ratings};

/// Everything in one chunk, on one thread.
const WHOLE: Tuning = Tuning {
    head: 1 << 30,
    chunk: 1 << 30,
    workers: 1,
};

/// Chunkings with odd sizes (down to a byte a chunk) and several threads.
const TUNINGS: [Tuning; 5] = [
    Tuning {
        head: 1,
        chunk: 1,
        workers: 1,
    },
    Tuning {
        head: 7,
        chunk: 13,
        workers: 2,
    },
    Tuning {
        head: 16,
        chunk: 5,
        workers: 3,
    },
    Tuning {
        head: 64,
        chunk: 41,
        workers: 2,
    },
    Tuning {
        head: 3,
        chunk: 97,
        workers: 1,
    },
];

fn stream(bytes: &[u8], layout: Option<RatingsLayout>, tuning: Tuning) -> String {
    show(read_ratings(
        bytes,
        "t.csv",
        layout,
        &LoadProgress::new(),
        tuning,
    ))
}

fn show(r: Result<Ratings, LoadError>) -> String {
    match r {
        Ok(r) => format!("{r:?}"),
        Err(e) => format!("error: {e} ({e:?})"),
    }
}

/// A random small ratings file with everything that could straddle a chunk
/// seam: a header (or none), a byte-order mark, CRLF, blank lines, quoted
/// ids holding delimiters, quotes and newlines, `::` separators, extra
/// fields, and now and then a bad line (a rating that is not a number, too
/// few fields, an empty id, a pair rated twice, a ragged row, a byte that is
/// not UTF-8).
fn random_file(rng: &mut fastrand::Rng) -> Vec<u8> {
    let delimiter = rng.choice([",", "\t", ";", "|", "::", ","]).unwrap_or(",");
    let eol = if rng.bool() { "\n" } else { "\r\n" };
    let wide = rng.u8(0..4) == 0 && delimiter != "::";
    let mut out = String::new();
    if rng.u8(0..8) == 0 {
        out.push('\u{feff}');
    }
    let id = |rng: &mut fastrand::Rng, kind: &str, n: usize| -> String {
        let k = rng.usize(0..n);
        match rng.u8(0..30) {
            0 => format!("\"{kind}{k}{delimiter}x\""),
            1 => format!("\"{kind}{k}\nsecond line\""),
            2 => format!("\"{kind} \"\"{k}\"\"\""),
            3 => format!("\"{kind}{k}\""),
            _ => format!("{kind}{k}"),
        }
    };
    let rating = |rng: &mut fastrand::Rng| -> String {
        match rng.u16(0..300) {
            0 => "four".to_owned(),
            1 => String::new(),
            2 => "NA".to_owned(),
            _ => format!("{}", f32::from(rng.u8(1..11)) / 2.0),
        }
    };
    let blank = |rng: &mut fastrand::Rng, out: &mut String| match rng.u8(0..30) {
        0 => out.push_str(eol),
        1 => {
            out.push_str("  ");
            out.push_str(eol);
        }
        _ => {}
    };
    if wide {
        let items = rng.usize(1..6);
        let mut header = vec![rng.choice(["", "user"]).unwrap_or("").to_owned()];
        header.extend((0..items).map(|j| format!("m{j}")));
        out.push_str(&header.join(delimiter));
        out.push_str(eol);
        for _ in 0..rng.usize(0..25) {
            blank(rng, &mut out);
            let mut row = vec![id(rng, "u", 1000)];
            row.extend((0..items).map(|_| rating(rng)));
            if rng.u8(0..40) == 0 {
                row.pop();
            }
            out.push_str(&row.join(delimiter));
            out.push_str(eol);
        }
    } else {
        if rng.bool() {
            let header = ["userId", "movieId", "rating", "timestamp"];
            out.push_str(&header.join(delimiter));
            out.push_str(eol);
        }
        for _ in 0..rng.usize(0..60) {
            blank(rng, &mut out);
            let mut fields = vec![id(rng, "u", 8), id(rng, "m", 400), rating(rng)];
            match rng.u8(0..200) {
                0 => {
                    fields.pop();
                }
                1 => fields[0] = " ".to_owned(),
                2..=80 => fields.push(format!("{}", rng.u32(..))),
                _ => {}
            }
            out.push_str(&fields.join(delimiter));
            out.push_str(eol);
        }
    }
    let mut bytes = out.into_bytes();
    if rng.u8(0..30) == 0 && !bytes.is_empty() {
        let at = rng.usize(0..bytes.len());
        bytes.insert(at, 0xff);
    }
    bytes
}

/// Cutting a ratings file into chunks (of any size, down to a byte, parsed
/// on any number of threads) gives exactly what the whole-buffer parse
/// gives: the same users, items and triples, or the same error naming the
/// same line — across CRLF, headers, quoted fields and `::`.
#[test]
fn streaming_equals_the_whole_buffer_parse() {
    let mut rng = fastrand::Rng::with_seed(20);
    let mut errors = 0;
    for case in 0..1500 {
        let bytes = random_file(&mut rng);
        let layout = match rng.u8(0..10) {
            0 => Some(RatingsLayout::Long),
            1 => Some(RatingsLayout::Wide),
            _ => None,
        };
        let expected = show(whole_buffer::parse(&bytes, "t.csv", layout));
        errors += usize::from(expected.starts_with("error"));
        assert_eq!(
            stream(&bytes, layout, WHOLE),
            expected,
            "case {case}, whole, file {:?}",
            String::from_utf8_lossy(&bytes)
        );
        for tuning in TUNINGS {
            assert_eq!(
                stream(&bytes, layout, tuning),
                expected,
                "case {case}, {tuning:?}, file {:?}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }
    // Both outcomes are exercised.
    assert!(
        (300..1200).contains(&errors),
        "{errors} errors in 1500 files"
    );
}

/// A long MovieLens-style file of `n` lines after a header, CRLF, with a
/// quoted title-like id now and then; `bad` replaces lines by number.
fn long_file(n: usize, bad: &[(usize, &str)]) -> Vec<u8> {
    let mut out = String::from("userId,movieId,rating,timestamp\r\n");
    for line in 2..=n + 1 {
        if let Some((_, text)) = bad.iter().find(|(l, _)| *l == line) {
            out.push_str(text);
        } else if line % 97 == 0 {
            let _ = write!(out, "{},\"m{line}, the\",3.5,0", line / 10);
        } else {
            let _ = write!(out, "{},m{line},{}", line / 10, line % 5 + 1);
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// Chunks of 1,000 bytes on two threads: line 4,000 is far past the first.
const SMALL_CHUNKS: Tuning = Tuning {
    head: 512,
    chunk: 1000,
    workers: 2,
};

/// A bad line deep in the file (many chunks in) is reported with its own
/// line number, as the whole-buffer parse reports it.
#[test]
fn a_bad_line_in_a_later_chunk_names_its_line() {
    let bytes = long_file(5000, &[(4000, "400,m4000,four"), (4500, "1,2")]);
    let e = read_ratings(
        bytes.as_slice(),
        "t.csv",
        None,
        &LoadProgress::new(),
        SMALL_CHUNKS,
    )
    .unwrap_err();
    assert!(
        matches!(&e, LoadError::NotANumber { line: 4000, column: 3, value, .. } if value == "four"),
        "{e:?}"
    );
    assert_eq!(
        show(whole_buffer::parse(&bytes, "t.csv", None)),
        show(Err(e))
    );

    let bytes = long_file(5000, &[(3001, ",m1,4")]);
    let e = read_ratings(
        &bytes[..],
        "t.csv",
        None,
        &LoadProgress::new(),
        SMALL_CHUNKS,
    );
    assert!(
        matches!(
            e,
            Err(LoadError::EmptyField {
                line: 3001,
                column: 1,
                ..
            })
        ),
        "{e:?}"
    );
}

/// A pair rated twice, the two ratings chunks apart, names both lines.
#[test]
fn a_duplicate_across_chunks_names_both_lines() {
    let bytes = long_file(5000, &[(4321, "1,m10,2")]);
    let e = read_ratings(
        &bytes[..],
        "t.csv",
        None,
        &LoadProgress::new(),
        SMALL_CHUNKS,
    );
    assert!(
        matches!(
            &e,
            Err(LoadError::DuplicateRating { line: 4321, first_line: 10, user, item, .. })
                if user == "1" && item == "m10"
        ),
        "{e:?}"
    );
}

/// Bytes that are not UTF-8 are reported even when a bad line comes first,
/// as the whole-buffer parse (which checked the whole text first) did.
#[test]
fn bytes_not_utf8_anywhere_come_first() {
    let mut bytes = long_file(5000, &[(20, "1,m1")]);
    // In the last line, `500,m5001,2`.
    let at = bytes.len() - 5;
    bytes.insert(at, 0xff);
    let e = read_ratings(
        &bytes[..],
        "t.csv",
        None,
        &LoadProgress::new(),
        SMALL_CHUNKS,
    );
    assert!(
        matches!(e, Err(LoadError::NotUtf8 { line: 5001, .. })),
        "{e:?}"
    );
    assert_eq!(show(whole_buffer::parse(&bytes, "t.csv", None)), show(e));
}

/// The chunked parse of a file that spans many chunks is the whole-buffer
/// parse's, ratings and ids alike; and a cancel stops it.
#[test]
fn many_chunks_give_the_same_ratings() {
    let bytes = long_file(5000, &[]);
    let expected = show(whole_buffer::parse(&bytes, "t.csv", None));
    assert!(expected.starts_with("Ratings"), "{expected}");
    assert_eq!(stream(&bytes, None, SMALL_CHUNKS), expected);

    let progress = LoadProgress::new();
    progress.cancel();
    let e = read_ratings(&bytes[..], "t.csv", None, &progress, SMALL_CHUNKS);
    assert!(matches!(e, Err(LoadError::Cancelled { .. })), "{e:?}");
}
