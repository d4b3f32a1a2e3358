//! The decoding paths against a plain element-by-element transpose.

use std::path::PathBuf;

use super::{LoadProgress, decode, parse_npy, read_header, read_npy, slice_reader};
use crate::data::Dataset;

/// The bytes of a version-1 `.npy` file of shape `(n, d)` with dtype
/// `descr` and these data bytes.
fn npy(descr: &str, fortran: bool, n: usize, d: usize, data: &[u8]) -> Vec<u8> {
    let order = if fortran { "True" } else { "False" };
    let mut dict =
        format!("{{'descr': '{descr}', 'fortran_order': {order}, 'shape': ({n}, {d}), }}");
    while (10 + dict.len() + 1) % 64 != 0 {
        dict.push(' ');
    }
    dict.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend(u16::try_from(dict.len()).unwrap_or(0).to_le_bytes());
    bytes.extend(dict.as_bytes());
    bytes.extend(data);
    bytes
}

/// `len` pseudo-random bytes (any bit pattern: NaNs with payloads,
/// infinities, subnormals, negative zeros all occur).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            // xorshift64*
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// The columns, element by element: element (i, j) is at index i·d + j (C
/// order) or j·n + i (Fortran order), converted as its dtype says.
fn reference(
    data: &[u8],
    size: usize,
    big: bool,
    fortran: bool,
    n: usize,
    d: usize,
) -> Vec<Vec<u64>> {
    (0..d)
        .map(|j| {
            (0..n)
                .map(|i| {
                    let k = if fortran { j * n + i } else { i * d + j };
                    let b = &data[k * size..(k + 1) * size];
                    let x = if size == 8 {
                        let b: [u8; 8] = b.try_into().unwrap_or_default();
                        if big {
                            f64::from_be_bytes(b)
                        } else {
                            f64::from_le_bytes(b)
                        }
                    } else {
                        let b: [u8; 4] = b.try_into().unwrap_or_default();
                        f64::from(if big {
                            f32::from_be_bytes(b)
                        } else {
                            f32::from_le_bytes(b)
                        })
                    };
                    x.to_bits()
                })
                .collect()
        })
        .collect()
}

/// The bits of a dataset's columns.
fn bits(ds: &Dataset) -> Vec<Vec<u64>> {
    ds.columns
        .iter()
        .map(|c| c.values.iter().map(|x| x.to_bits()).collect())
        .collect()
}

/// Decodes `file` on `threads` threads through the in-memory positional reader.
fn decode_on(file: &[u8], threads: usize) -> Dataset {
    let path = PathBuf::from("t.npy");
    let mut rest = file;
    let mut read = |buf: &mut [u8]| Ok(super::read_full(&mut rest, buf).unwrap_or(0));
    let layout = read_header(&mut read, &path, file.len() as u64).expect("header");
    let data = &file[usize::try_from(layout.data_at).unwrap_or(0)..];
    decode::decode(
        &slice_reader(data),
        &layout,
        &path,
        &LoadProgress::new(),
        threads,
    )
    .expect("decodes")
}

/// Every way in: on 1, 2 and 3 threads from memory, [`parse_npy`], a stream
/// of known and of unknown length, and a file read at its offsets.
fn every_path(file: &[u8]) -> Vec<(&'static str, Dataset)> {
    let known = LoadProgress::new();
    known.set_total(file.len() as u64);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.npy");
    std::fs::write(&path, file).expect("written");
    vec![
        ("1 thread", decode_on(file, 1)),
        ("2 threads", decode_on(file, 2)),
        ("3 threads", decode_on(file, 3)),
        ("parse_npy", parse_npy(file, "t.npy").expect("parses")),
        (
            "stream, known length",
            read_npy(file, "t.npy", &known).expect("reads"),
        ),
        (
            "stream, unknown length",
            read_npy(file, "t.npy", &LoadProgress::new()).expect("reads"),
        ),
        ("file", crate::data::load_dataset(&path).expect("loads")),
    ]
}

/// Odd shapes of over 16 MB in f8 (four parts, over 8 MB in f4: two), so
/// parts, 256 KB chunks and 16 KB blocks all end mid-way through the data,
/// in both byte orders and both memory orders: every path gives the very
/// bits a plain transpose gives.
#[test]
fn decoding_on_threads_in_chunks_equals_a_plain_transpose() {
    let (n, d) = (40_009, 53);
    for (descr, size, big) in [
        ("<f8", 8, false),
        (">f8", 8, true),
        ("<f4", 4, false),
        (">f4", 4, true),
    ] {
        for fortran in [false, true] {
            let data = noise(n * d * size, 7 + size as u64);
            let file = npy(descr, fortran, n, d, &data);
            let want = reference(&data, size, big, fortran, n, d);
            for (how, ds) in every_path(&file) {
                assert_eq!(ds.n_rows, n, "{descr}, fortran {fortran}, {how}");
                assert!(
                    bits(&ds) == want,
                    "{descr}, fortran {fortran}, {how}: columns differ from the plain transpose"
                );
            }
        }
    }
}

/// A single row wider than a chunk, and a single column: the edges of the split.
#[test]
fn one_wide_row_and_one_long_column_decode() {
    for (n, d) in [(1, 40_000), (3, 40_000), (1_000_003, 1)] {
        let data = noise(n * d * 8, 11);
        let file = npy("<f8", false, n, d, &data);
        let want = reference(&data, 8, false, false, n, d);
        for (how, ds) in every_path(&file) {
            assert!(bits(&ds) == want, "({n}, {d}), {how}: columns differ");
        }
    }
}

/// A file whose header promises more rows than it holds is refused before
/// anything is sized by the promise, naming the file and both lengths.
#[test]
fn a_short_file_is_refused_with_both_lengths() {
    let data = noise(100 * 3 * 8, 3);
    let file = npy("<f8", false, 1_000_000_000, 3, &data);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("short.npy");
    std::fs::write(&path, &file).expect("written");
    let err = crate::data::load_dataset(&path).expect_err("refused");
    let msg = err.to_string();
    assert!(
        matches!(
            err,
            crate::data::LoadError::NpyTruncated {
                expected: 24_000_000_000,
                found: 2400,
                ..
            }
        ),
        "{msg}"
    );
    assert!(msg.contains("short.npy"), "{msg}");
}
