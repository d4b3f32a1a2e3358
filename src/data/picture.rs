//! Pictures for the Image view: PNG and JPEG files through the image crate,
//! and the built-in pictures (a public-domain photo and generated ones of
//! known rank). A picture is kept as RGB8; the view makes matrices of it.

use std::io::Cursor;
use std::path::Path;

use image::{ImageReader, Limits, imageops::FilterType};
use nalgebra::DMatrix;

use super::LoadError;
use crate::math::svd::{MAX_SIDE, to_rgb8};

/// Files larger than this are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// A side longer than this (in the file's header) is refused before decoding.
pub const MAX_DECODE_SIDE: u32 = 20_000;

/// The most bytes the decoder may allocate (an 8-bit RGBA 10 000 × 10 000
/// picture is 400 MB).
const MAX_DECODE_BYTES: u64 = 512 << 20;

/// A picture: `height` rows of `width` RGB8 pixels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// The file's name, or `builtin:ID`.
    pub name: String,
    pub width: usize,
    pub height: usize,
    /// Row-major RGB8, `width × height × 3` bytes.
    pub rgb: Vec<u8>,
    /// Whether every pixel has R = G = B (a grayscale file).
    pub gray: bool,
    /// What was done to it on the way in ("downscaled from 6000 × 4000 ...").
    pub note: Option<String>,
}

impl Picture {
    /// A picture from RGB8 pixels (`rgb.len() == width * height * 3`).
    ///
    /// # Panics
    /// If the buffer's length does not match.
    #[must_use]
    pub fn from_rgb(name: impl Into<String>, width: usize, height: usize, rgb: Vec<u8>) -> Self {
        assert_eq!(rgb.len(), width * height * 3, "RGB buffer size");
        let gray = rgb.chunks_exact(3).all(|p| p[0] == p[1] && p[1] == p[2]);
        Self {
            name: name.into(),
            width,
            height,
            rgb,
            gray,
            note: None,
        }
    }

    /// A grayscale picture from a function of (row, column) giving 0..=255.
    #[must_use]
    pub fn from_fn(
        name: impl Into<String>,
        width: usize,
        height: usize,
        f: impl Fn(usize, usize) -> f64,
    ) -> Self {
        let mut rgb = Vec::with_capacity(width * height * 3);
        for r in 0..height {
            for c in 0..width {
                let v = f(r, c).round().clamp(0.0, 255.0) as u8;
                rgb.extend_from_slice(&[v, v, v]);
            }
        }
        Self::from_rgb(name, width, height, rgb)
    }
}

/// Whether `path` names a PNG or JPEG by its extension.
#[must_use]
pub fn looks_like_picture(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["png", "jpg", "jpeg"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Reads a PNG or JPEG file. Sides over [`MAX_SIDE`] are downscaled to fit
/// (the picture's `note` says from what); sides over [`MAX_DECODE_SIDE`],
/// files over [`MAX_FILE_BYTES`] and anything that is not a PNG or JPEG are
/// refused with a message naming the file.
///
/// # Errors
/// [`LoadError::Io`] when it cannot be read, [`LoadError::Picture`] otherwise.
pub fn load_picture(path: &Path) -> Result<Picture, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(LoadError::Picture {
            path: path.to_path_buf(),
            reason: "not a regular file".into(),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(LoadError::Picture {
            path: path.to_path_buf(),
            reason: format!(
                "the file is {}, more than the {} a picture may be",
                crate::files::fmt_bytes(meta.len()),
                crate::files::fmt_bytes(MAX_FILE_BYTES)
            ),
        });
    }
    let bytes =
        crate::files::read_limited(path, Some(MAX_FILE_BYTES * 4)).map_err(|e| match e {
            crate::files::ReadError::Io(source) => io(source),
            crate::files::ReadError::TooLarge { size, .. } => LoadError::Picture {
                path: path.to_path_buf(),
                reason: format!(
                    "the file grew to {} while read",
                    crate::files::fmt_bytes(size)
                ),
            },
        })?;
    parse_picture(&bytes, &super::file_label(path)).map_err(|e| e.with_path(path))
}

/// Decodes PNG or JPEG bytes; `name` names the picture and its errors.
///
/// # Errors
/// [`LoadError::Picture`]: not a PNG or JPEG, damaged, or too large.
pub fn parse_picture(bytes: &[u8], name: &str) -> Result<Picture, LoadError> {
    let fail = |reason: String| LoadError::Picture {
        path: name.into(),
        reason,
    };
    if bytes.is_empty() {
        return Err(LoadError::Empty { path: name.into() });
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| fail(e.to_string()))?;
    match reader.format() {
        Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => {}
        Some(other) => {
            return Err(fail(format!(
                "a {other:?} image; the Image view opens PNG and JPEG"
            )));
        }
        None => return Err(fail("neither a PNG nor a JPEG file".into())),
    }
    // The header's size is checked first, and the decoder's allocations are
    // capped: a header that promises a huge picture costs nothing.
    let (w, h) = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| fail(e.to_string()))?
        .into_dimensions()
        .map_err(|e| fail(format!("cannot read its size: {e}")))?;
    if w == 0 || h == 0 {
        return Err(fail(format!("the picture is {w} × {h} pixels")));
    }
    if w > MAX_DECODE_SIDE || h > MAX_DECODE_SIDE {
        return Err(fail(format!(
            "the picture is {w} × {h} pixels; the largest side opened is {MAX_DECODE_SIDE}"
        )));
    }
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| fail(e.to_string()))?;
    let (mut width, mut height) = (w as usize, h as usize);
    let mut note = None;
    let img = if width > MAX_SIDE || height > MAX_SIDE {
        let scale = MAX_SIDE as f64 / width.max(height) as f64;
        let nw = ((width as f64 * scale).round() as u32).clamp(1, MAX_SIDE as u32);
        let nh = ((height as f64 * scale).round() as u32).clamp(1, MAX_SIDE as u32);
        note = Some(format!(
            "downscaled from {width} × {height} to {nw} × {nh} pixels (the SVD takes sides up to {MAX_SIDE})"
        ));
        width = nw as usize;
        height = nh as usize;
        img.resize_exact(nw, nh, FilterType::Triangle)
    } else {
        img
    };
    let rgb = img.into_rgb8().into_raw();
    let mut picture = Picture::from_rgb(name, width, height, rgb);
    picture.note = note;
    Ok(picture)
}

/// One built-in picture.
#[derive(Debug)]
pub struct BuiltinPicture {
    /// As in a scene's `picture = "builtin:ID"`.
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    make: fn() -> Result<Picture, LoadError>,
}

impl BuiltinPicture {
    /// Decodes or generates the picture.
    ///
    /// # Errors
    /// The decoder's error if the embedded file is broken.
    pub fn load(&self) -> Result<Picture, LoadError> {
        (self.make)()
    }
}

fn astronaut() -> Result<Picture, LoadError> {
    parse_picture(
        include_bytes!("../../assets/pictures/astronaut.jpg"),
        "builtin:astronaut",
    )
}

/// Rank 3: stripes, a checkerboard and a gradient, each a product of a
/// column pattern and a row pattern, in whole grey levels (no rounding).
fn lowrank() -> Picture {
    Picture::from_fn("builtin:lowrank", 384, 256, |r, c| {
        let stripes = if (c / 24) % 2 == 0 { 60.0 } else { -20.0 };
        let checker = if (r / 32 + c / 32) % 2 == 0 {
            35.0
        } else {
            -35.0
        };
        let gradient = (r / 4) as f64 - 32.0;
        110.0 + stripes + checker + gradient
    })
}

/// Full rank and a flat spectrum: independent noise in every pixel.
fn noise() -> Picture {
    let mut rng = fastrand::Rng::with_seed(18);
    let values: Vec<f64> = (0..256 * 256).map(|_| rng.f64() * 255.0).collect();
    Picture::from_fn("builtin:noise", 256, 256, |r, c| values[r * 256 + c])
}

/// Every built-in picture, in menu order.
pub static PICTURE_BUILTINS: &[BuiltinPicture] = &[
    BuiltinPicture {
        id: "astronaut",
        title: "Astronaut (photo)",
        description: "Eileen Collins, NASA (public domain), 512 × 512 in colour: a photo \
                      whose spectrum falls fast, so 50 of 512 layers keep most of it.",
        make: astronaut,
    },
    BuiltinPicture {
        id: "lowrank",
        title: "Stripes, checkerboard, gradient (rank 3)",
        description: "384 × 256, generated: each pattern is one column pattern times one row \
                      pattern, so three layers rebuild it exactly.",
        make: || Ok(lowrank()),
    },
    BuiltinPicture {
        id: "noise",
        title: "Noise (full rank)",
        description: "256 × 256 independent random pixels, generated: no layer matters more \
                      than another, and the spectrum is nearly flat.",
        make: || Ok(noise()),
    },
];

/// The built-in picture with this id.
#[must_use]
pub fn builtin_picture(id: &str) -> Option<&'static BuiltinPicture> {
    PICTURE_BUILTINS.iter().find(|b| b.id == id)
}

/// Loads `builtin:ID` or a file path.
///
/// # Errors
/// An unknown built-in (listing those there are) or the file's error.
pub fn load_picture_ref(source: &str) -> Result<Picture, LoadError> {
    if let Some(id) = source.strip_prefix("builtin:") {
        match builtin_picture(id) {
            Some(b) => b.load(),
            None => Err(LoadError::Picture {
                path: source.into(),
                reason: format!(
                    "no such built-in picture (available: {})",
                    PICTURE_BUILTINS
                        .iter()
                        .map(|b| b.id)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    } else {
        load_picture(Path::new(source))
    }
}

/// Writes one matrix per channel (one: grey, three: R, G, B; values
/// 0..=255, rounded and clamped) as a PNG, or a JPEG for a `.jpg` or `.jpeg`
/// name, through [`crate::files::write_bytes_atomic`]. The Image view's
/// export and `eigenlens svd -o` both write through this.
///
/// # Errors
/// The encoder's or the file's error, naming `path`.
pub fn save_picture(path: &Path, matrices: &[&DMatrix<f64>]) -> Result<(), String> {
    let (rows, cols) = matrices.first().map_or((0, 0), |m| m.shape());
    let rgb = to_rgb8(matrices, 1.0, 0.0);
    let img = u32::try_from(cols)
        .ok()
        .zip(u32::try_from(rows).ok())
        .and_then(|(w, h)| image::RgbImage::from_raw(w, h, rgb))
        .ok_or_else(|| format!("{}: cannot write a {cols} × {rows} picture", path.display()))?;
    let jpeg = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg"));
    let format = if jpeg {
        image::ImageFormat::Jpeg
    } else {
        image::ImageFormat::Png
    };
    let mut bytes = Cursor::new(Vec::new());
    let encoded = if matrices.len() == 1 {
        image::DynamicImage::ImageRgb8(img)
            .into_luma8()
            .write_to(&mut bytes, format)
    } else {
        img.write_to(&mut bytes, format)
    };
    encoded.map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    crate::files::write_bytes_atomic(path, bytes.get_ref()).map_err(|e| e.to_string())
}
