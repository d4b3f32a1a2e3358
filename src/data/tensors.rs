//! safetensors files (Hugging Face's format for model weights): one 2-D
//! tensor opens as an embedding — a language model's token embedding matrix,
//! one row per token — with the rows named from the vocabulary beside the
//! file (`vocab.txt`, one token per line, or `tokenizer.json`'s
//! `model.vocab`) when it has as many entries as the tensor has rows.
//!
//! The tensor is the one the caller names, else the only 2-D tensor, else
//! the token embeddings by their usual names (BERT's `word_embeddings`,
//! Llama's `embed_tokens`, GPT-2's `wte`, T5's `shared`); anything else is
//! an error listing the 2-D tensors. The header is checked by the
//! `safetensors` crate against the file's length before any tensor is read.

use std::path::Path;

use safetensors::{Dtype, SafeTensors};

use super::embeddings::LabelBuilder;
use super::{Dataset, LoadError, NumericColumn, dim_name};

/// The label column naming the rows.
pub const TOKEN_COLUMN: &str = "token";

/// Tensor names (suffixes) of token embedding matrices.
const TOKEN_EMBEDDINGS: [&str; 5] = [
    "word_embeddings.weight",
    "embed_tokens.weight",
    "wte.weight",
    "shared.weight",
    "token_embedding.weight",
];

/// Does `bytes` begin like a safetensors file: a little-endian header
/// length, then a JSON object?
#[must_use]
pub fn looks_like_safetensors(bytes: &[u8]) -> bool {
    let Some(len) = bytes.first_chunk::<8>().map(|b| u64::from_le_bytes(*b)) else {
        return false;
    };
    len >= 2 && bytes.get(8) == Some(&b'{')
}

fn bad(path: &Path, reason: impl Into<String>) -> LoadError {
    LoadError::Safetensors {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Opens one tensor of the safetensors file `path`, whose bytes are
/// `bytes`, as `dim_0..dim_{d−1}` (1-D tensors as one column), named by the
/// vocabulary beside it when the counts agree.
///
/// # Errors
/// [`LoadError::Safetensors`] for a header the crate refuses, an unknown
/// name, a tensor of more than two dimensions or a dtype that is not a
/// number; [`LoadError::NpzChoose`] when several 2-D tensors could be meant;
/// [`LoadError::TooWide`] past the column limit.
pub fn parse_safetensors(
    bytes: &[u8],
    path: &Path,
    wanted: Option<&str>,
) -> Result<Dataset, LoadError> {
    let file = SafeTensors::deserialize(bytes).map_err(|e| bad(path, e.to_string()))?;
    let mut names: Vec<String> = file.names().into_iter().map(str::to_owned).collect();
    names.sort();
    let shape_of = |name: &str| file.tensor(name).map(|t| t.shape().to_vec()).ok();
    let matrices: Vec<&String> = names
        .iter()
        .filter(|n| shape_of(n).is_some_and(|s| s.len() == 2))
        .collect();
    let name = match wanted {
        Some(w) if names.iter().any(|n| n == w) => w.to_owned(),
        Some(w) => {
            return Err(bad(
                path,
                format!(
                    "no tensor named {w:?}; its 2-D tensors: {}",
                    listing(&matrices, &shape_of)
                ),
            ));
        }
        None => match matrices.as_slice() {
            [] => return Err(bad(path, "it holds no 2-D tensor")),
            [one] => (*one).clone(),
            _ => {
                let tokens: Vec<&&String> = matrices
                    .iter()
                    .filter(|n| TOKEN_EMBEDDINGS.iter().any(|s| n.ends_with(s)))
                    .collect();
                match tokens.as_slice() {
                    [one] => (**one).clone(),
                    _ => {
                        return Err(LoadError::NpzChoose {
                            path: path.to_path_buf(),
                            arrays: listing(&matrices, &shape_of),
                            names: matrices.iter().map(|n| (*n).clone()).collect(),
                        });
                    }
                }
            }
        },
    };
    let tensor = file.tensor(&name).map_err(|e| bad(path, e.to_string()))?;
    let (n, d) = match *tensor.shape() {
        [n] => (n, 1),
        [n, d] => (n, d),
        ref s => {
            return Err(bad(
                path,
                format!("tensor {name:?} has shape {s:?}; only 1-D and 2-D tensors open"),
            ));
        }
    };
    if n == 0 || d == 0 {
        return Err(bad(path, format!("tensor {name:?} is empty")));
    }
    super::check_width(d as u64, path)?;
    let decode = decoder(tensor.dtype())
        .ok_or_else(|| bad(path, format!("tensor {name:?} has dtype {:?}, not a number eigenlens reads (F64, F32, F16, BF16, integers)", tensor.dtype())))?;
    let size = tensor.dtype().bitsize() / 8;
    let mut columns: Vec<NumericColumn> = (0..d)
        .map(|j| NumericColumn {
            name: dim_name(j),
            values: Vec::with_capacity(n),
        })
        .collect();
    // The crate checked that the data is n × d values long.
    for (k, chunk) in tensor.data().chunks_exact(size).enumerate() {
        let x = decode(chunk);
        if !x.is_finite() {
            return Err(bad(
                path,
                format!(
                    "tensor {name:?}, row {}, column {}: {x}; values must be finite",
                    k / d,
                    k % d
                ),
            ));
        }
        if let Some(c) = columns.get_mut(k % d) {
            c.values.push(x);
        }
    }
    let labels = vocabulary(path, n).into_iter().collect();
    Ok(Dataset {
        name: format!("{}[{name}]", super::file_label(path)),
        source: Some(path.to_path_buf()),
        n_rows: n,
        columns,
        labels,
    })
}

fn listing(names: &[&String], shape_of: &dyn Fn(&str) -> Option<Vec<usize>>) -> String {
    let mut out: Vec<String> = names
        .iter()
        .take(20)
        .map(|n| {
            let dims: Vec<String> = shape_of(n)
                .unwrap_or_default()
                .iter()
                .map(ToString::to_string)
                .collect();
            format!("{n} ({})", dims.join(", "))
        })
        .collect();
    if names.len() > 20 {
        out.push(format!("… {} more", names.len() - 20));
    }
    out.join(", ")
}

/// How to read one little-endian value of `dtype` as f64.
fn decoder(dtype: Dtype) -> Option<fn(&[u8]) -> f64> {
    fn le<const N: usize>(b: &[u8]) -> [u8; N] {
        b.first_chunk::<N>().copied().unwrap_or([0; N])
    }
    Some(match dtype {
        Dtype::F64 => |b| f64::from_le_bytes(le(b)),
        Dtype::F32 => |b| f64::from(f32::from_le_bytes(le(b))),
        Dtype::F16 => |b| half::f16::from_le_bytes(le(b)).to_f64(),
        Dtype::BF16 => |b| half::bf16::from_le_bytes(le(b)).to_f64(),
        Dtype::I8 => |b| f64::from(i8::from_le_bytes(le(b))),
        Dtype::U8 => |b| f64::from(u8::from_le_bytes(le(b))),
        Dtype::I16 => |b| f64::from(i16::from_le_bytes(le(b))),
        Dtype::U16 => |b| f64::from(u16::from_le_bytes(le(b))),
        Dtype::I32 => |b| f64::from(i32::from_le_bytes(le(b))),
        Dtype::U32 => |b| f64::from(u32::from_le_bytes(le(b))),
        Dtype::I64 => |b| i64::from_le_bytes(le(b)) as f64,
        Dtype::U64 => |b| u64::from_le_bytes(le(b)) as f64,
        _ => return None,
    })
}

/// The tokens naming `rows` rows, from `vocab.txt` or `tokenizer.json`
/// beside `path`, when one has exactly that many.
fn vocabulary(path: &Path, rows: usize) -> Option<super::LabelColumn> {
    let dir = path.parent()?;
    let limit = crate::files::memory_available();
    let read = |name: &str| crate::files::read_limited(&dir.join(name), limit).ok();
    let tokens: Vec<String> = if let Some(bytes) = read("vocab.txt") {
        String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::to_owned)
            .collect()
    } else {
        let bytes = read("tokenizer.json")?;
        let json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        match json.get("model")?.get("vocab")? {
            // WordPiece and BPE: token → id.
            serde_json::Value::Object(map) => {
                let mut by_id = vec![String::new(); map.len()];
                for (token, id) in map {
                    let slot = by_id.get_mut(usize::try_from(id.as_u64()?).ok()?)?;
                    token.clone_into(slot);
                }
                by_id
            }
            // Unigram: [[token, score], …] in id order.
            serde_json::Value::Array(list) => list
                .iter()
                .map(|e| e.get(0).and_then(|t| t.as_str()).map(str::to_owned))
                .collect::<Option<_>>()?,
            _ => return None,
        }
    };
    if tokens.len() != rows {
        return None;
    }
    let mut labels = LabelBuilder::new(TOKEN_COLUMN);
    for t in &tokens {
        labels.push(t);
    }
    Some(labels.finish())
}
