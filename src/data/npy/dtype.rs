//! The element types of a `.npy` array that load, and their conversion to `f64`.

/// The element types that load.
#[derive(Clone, Copy)]
enum Kind {
    Float,
    Signed,
    Unsigned,
}

/// An element type: kind, size in bytes and byte order.
#[derive(Clone, Copy)]
pub(super) struct Dtype {
    kind: Kind,
    /// Bytes per element.
    pub(super) size: usize,
    big_endian: bool,
}

impl Dtype {
    /// Reads a dtype string such as `<f8`, `>i4` or `|u1`; the error says in
    /// words what an unsupported one is.
    pub(super) fn parse(descr: &str) -> Result<Self, String> {
        let (order, rest) = match descr.as_bytes().first() {
            Some(&c @ (b'<' | b'>' | b'|' | b'=')) => (c, descr.get(1..).unwrap_or_default()),
            _ => (b'=', descr),
        };
        let big_endian = match order {
            b'>' => true,
            b'=' => cfg!(target_endian = "big"),
            _ => false,
        };
        let mut chars = rest.chars();
        let code = chars.next().unwrap_or(' ');
        let size: Option<usize> = chars.as_str().parse().ok();
        let kind = match (code, size) {
            ('f', Some(4 | 8)) => Kind::Float,
            ('i', Some(1 | 2 | 4 | 8)) => Kind::Signed,
            ('u', Some(1 | 2 | 4 | 8)) => Kind::Unsigned,
            ('f', Some(2)) => return Err("16-bit floats".to_owned()),
            ('f', _) => return Err("extended-precision floats".to_owned()),
            ('b' | '?', _) => return Err("booleans".to_owned()),
            ('c', _) => return Err("complex numbers".to_owned()),
            ('S' | 'a', _) => return Err("byte strings".to_owned()),
            ('U', _) => return Err("Unicode strings".to_owned()),
            ('O', _) => return Err("Python objects".to_owned()),
            ('M', _) => return Err("datetimes".to_owned()),
            ('m', _) => return Err("timedeltas".to_owned()),
            ('V', _) => return Err("raw bytes".to_owned()),
            ('[', _) => return Err("a structured (record) array".to_owned()),
            _ => return Err("an unknown type".to_owned()),
        };
        Ok(Self {
            kind,
            size: size.unwrap_or(8),
            big_endian,
        })
    }

    /// Writes to `out[i]` the element at byte `offset` of the `i`th
    /// `stride`-byte record of `bytes`, as `f64` (`out` as long as the records
    /// it takes; a record cut short reads as `NaN`, which the callers never
    /// give it).
    pub(super) fn fill(self, bytes: &[u8], stride: usize, offset: usize, out: &mut [f64]) {
        match (self.kind, self.size, self.big_endian) {
            (Kind::Float, 4, false) => gather(bytes, stride, offset, out, |b| {
                f64::from(f32::from_le_bytes(b))
            }),
            (Kind::Float, 4, true) => gather(bytes, stride, offset, out, |b| {
                f64::from(f32::from_be_bytes(b))
            }),
            (Kind::Float, _, false) => gather(bytes, stride, offset, out, f64::from_le_bytes),
            (Kind::Float, _, true) => gather(bytes, stride, offset, out, f64::from_be_bytes),
            (Kind::Signed, 1, _) => gather(bytes, stride, offset, out, |b| {
                f64::from(i8::from_le_bytes(b))
            }),
            (Kind::Signed, 2, false) => gather(bytes, stride, offset, out, |b| {
                f64::from(i16::from_le_bytes(b))
            }),
            (Kind::Signed, 2, true) => gather(bytes, stride, offset, out, |b| {
                f64::from(i16::from_be_bytes(b))
            }),
            (Kind::Signed, 4, false) => gather(bytes, stride, offset, out, |b| {
                f64::from(i32::from_le_bytes(b))
            }),
            (Kind::Signed, 4, true) => gather(bytes, stride, offset, out, |b| {
                f64::from(i32::from_be_bytes(b))
            }),
            (Kind::Signed, _, false) => {
                gather(bytes, stride, offset, out, |b| i64::from_le_bytes(b) as f64);
            }
            (Kind::Signed, _, true) => {
                gather(bytes, stride, offset, out, |b| i64::from_be_bytes(b) as f64);
            }
            (Kind::Unsigned, 1, _) => gather(bytes, stride, offset, out, |b| {
                f64::from(u8::from_le_bytes(b))
            }),
            (Kind::Unsigned, 2, false) => gather(bytes, stride, offset, out, |b| {
                f64::from(u16::from_le_bytes(b))
            }),
            (Kind::Unsigned, 2, true) => gather(bytes, stride, offset, out, |b| {
                f64::from(u16::from_be_bytes(b))
            }),
            (Kind::Unsigned, 4, false) => gather(bytes, stride, offset, out, |b| {
                f64::from(u32::from_le_bytes(b))
            }),
            (Kind::Unsigned, 4, true) => gather(bytes, stride, offset, out, |b| {
                f64::from(u32::from_be_bytes(b))
            }),
            (Kind::Unsigned, _, false) => {
                gather(bytes, stride, offset, out, |b| u64::from_le_bytes(b) as f64);
            }
            (Kind::Unsigned, _, true) => {
                gather(bytes, stride, offset, out, |b| u64::from_be_bytes(b) as f64);
            }
        }
    }
}

/// Writes `convert` of the `N` bytes at `offset` of each `stride`-byte record
/// of `bytes` to `out`, in order (one loop per element type, so it compiles
/// tight).
fn gather<const N: usize>(
    bytes: &[u8],
    stride: usize,
    offset: usize,
    out: &mut [f64],
    convert: impl Fn([u8; N]) -> f64,
) {
    let records = bytes.get(offset..).unwrap_or_default().chunks(stride);
    for (x, record) in out.iter_mut().zip(records) {
        *x = record.first_chunk::<N>().map_or(f64::NAN, |b| convert(*b));
    }
}
