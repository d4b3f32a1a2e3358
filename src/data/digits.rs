//! `builtin:digits`: the 1,797 8×8 handwritten digits scikit-learn ships
//! (`sklearn/datasets/data/digits.csv.gz`, the test set of the UCI "Optical
//! Recognition of Handwritten Digits" data, E. Alpaydin and C. Kaynak, 1998;
//! licence CC BY 4.0), embedded as that gzip file (57 KB) and decoded here.
//!
//! Each line of the file is 64 pixel counts 0…16, row by row, then the digit.
//! They become the numeric columns `pix_0` … `pix_63` (pixel (r, c) is
//! `pix_{8r+c}`) and the label column `label` with categories `"0"` … `"9"`.

use std::io::Read;
use std::path::PathBuf;

use super::{Dataset, LabelColumn, LoadError, NumericColumn};

/// Pixels per digit (8 × 8).
pub const DIGIT_PIXELS: usize = 64;

const GZ: &[u8] = include_bytes!("../../assets/datasets/digits.csv.gz");

/// Decodes the embedded digits.
///
/// # Errors
/// [`LoadError::Io`] if the gzip stream is broken, [`LoadError::Csv`] naming
/// the line if a line is not 65 integers with a digit last.
pub fn digits() -> Result<Dataset, LoadError> {
    let path = || PathBuf::from("builtin:digits");
    let mut text = String::new();
    flate2::read::GzDecoder::new(GZ)
        .read_to_string(&mut text)
        .map_err(|source| LoadError::Io {
            path: path(),
            source,
        })?;
    let mut pixels: Vec<Vec<f64>> = (0..DIGIT_PIXELS)
        .map(|_| Vec::with_capacity(1800))
        .collect();
    let mut codes = Vec::with_capacity(1800);
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let bad = |message: String| LoadError::Csv {
            path: path(),
            line: Some(i + 1),
            message,
        };
        let mut fields = line.split(',');
        for column in &mut pixels {
            let cell = fields.next().unwrap_or("").trim();
            let v: f64 = cell
                .parse()
                .map_err(|_| bad(format!("expected a pixel count, found {cell:?}")))?;
            column.push(v);
        }
        let cell = fields.next().unwrap_or("").trim();
        let digit: u32 = cell
            .parse()
            .ok()
            .filter(|d| *d < 10)
            .ok_or_else(|| bad(format!("expected a digit 0-9, found {cell:?}")))?;
        if fields.next().is_some() {
            return Err(bad(format!("expected {} fields", DIGIT_PIXELS + 1)));
        }
        codes.push(digit);
    }
    Ok(Dataset {
        name: "digits".to_owned(),
        source: None,
        n_rows: codes.len(),
        columns: pixels
            .into_iter()
            .enumerate()
            .map(|(j, values)| NumericColumn {
                name: format!("pix_{j}"),
                values,
            })
            .collect(),
        labels: vec![LabelColumn {
            name: "label".to_owned(),
            categories: (0..10).map(|d| d.to_string()).collect(),
            codes,
        }],
    })
}
