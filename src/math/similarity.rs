//! Similarity among embedding vectors: exact k nearest neighbours by cosine,
//! Euclidean distance or dot product, and analogies a − b + c, always in the
//! original space (never in a projection).
//!
//! A [`VectorIndex`] holds the n × d vectors row-major as f32 (half the memory
//! traffic of f64; the scores are still exact to about 1e-6 relative, far below
//! any difference that matters for ranking embeddings) with each row's
//! Euclidean norm precomputed. A query is one pass over the rows: a dot
//! product or a squared difference per row, unrolled over 16 independent
//! accumulators so the compiler turns it into SIMD, and a bounded heap that
//! keeps the k best. It is exact: every row is scored. Single-threaded; a
//! query over 100,000 × 384 reads 150 MB and is bound by memory bandwidth.
//!
//! Scores, and which way is closer:
//! - cosine: cos θ = x·q / (‖x‖ ‖q‖), higher is closer (a zero vector scores 0);
//! - Euclidean: ‖x − q‖, lower is closer;
//! - dot: x·q, higher is closer (long vectors win: popularity, frequency).
//!
//! Ties are broken by the lower row index, so results are deterministic.
//!
//! [`projection`] places the vectors in a picture (PCA onto chosen
//! components); the Embeddings view and the command line both use it.

pub mod projection;

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Rows per block when columns are transposed into rows (128 rows × 384
/// dimensions of f32 is 192 KiB: it stays in L2 while it is written).
const TRANSPOSE_BLOCK: usize = 128;

/// How closeness is measured (named in lower case in scenes and on the
/// command line).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    /// cos θ = x·q / (‖x‖ ‖q‖): direction only, −1..=1, higher is closer.
    #[default]
    Cosine,
    /// ‖x − q‖: distance, lower is closer.
    Euclidean,
    /// x·q: direction and length, higher is closer.
    Dot,
}

impl Metric {
    /// Every metric, in menu order.
    pub const ALL: [Self; 3] = [Self::Cosine, Self::Euclidean, Self::Dot];

    /// The name used in scenes and on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Cosine => "cosine",
            Self::Euclidean => "euclidean",
            Self::Dot => "dot",
        }
    }

    /// The metric with this name (as [`name`](Self::name) gives it).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether a higher score means closer (cosine, dot) or a lower one (Euclidean).
    #[must_use]
    pub fn higher_is_closer(self) -> bool {
        !matches!(self, Self::Euclidean)
    }

    /// The score of `b` seen from `a`, in f64 (for ranking a few vectors, such
    /// as a model's factors; [`VectorIndex`] ranks many, in f32):
    /// - cosine: a·b / (‖a‖ ‖b‖), 0 when either vector is zero;
    /// - Euclidean: ‖a − b‖;
    /// - dot: a·b.
    ///
    /// Slices of different lengths are compared over the shorter.
    #[must_use]
    pub fn score(self, a: &[f64], b: &[f64]) -> f64 {
        let dot = || a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        match self {
            Self::Dot => dot(),
            Self::Euclidean => a
                .iter()
                .zip(b)
                .map(|(x, y)| (x - y) * (x - y))
                .sum::<f64>()
                .sqrt(),
            Self::Cosine => {
                let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
                let denominator = norm(a) * norm(b);
                if denominator > 0.0 {
                    dot() / denominator
                } else {
                    0.0
                }
            }
        }
    }

    /// Orders two scores closest first (for `sort_by`): descending for cosine
    /// and dot, ascending for Euclidean; NaN last either way.
    #[must_use]
    pub fn closest_first(self, x: f64, y: f64) -> Ordering {
        match (x.is_nan(), y.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) if self.higher_is_closer() => y.total_cmp(&x),
            (false, false) => x.total_cmp(&y),
        }
    }

    /// What a score is, as a column header: `cos θ`, `‖x − q‖` or `x · q`.
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Cosine => "cos θ",
            Self::Euclidean => "‖x − q‖",
            Self::Dot => "x · q",
        }
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One neighbour: a row and its score (see [`Metric`] for what it means).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbor {
    /// 0-based row index.
    pub index: usize,
    /// Cosine similarity, Euclidean distance or dot product.
    pub score: f64,
}

/// Why vectors could not be indexed or queried. Rows are 0-based in the
/// fields and 1-based in the messages.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum SimilarityError {
    /// No rows.
    #[error("there are no vectors")]
    Empty,

    /// No columns.
    #[error("the vectors have no dimensions")]
    NoDimensions,

    /// A column has a different number of rows than the first.
    #[error("dimension {dim} has {found} values, expected {expected} like the first")]
    LengthMismatch {
        /// 0-based dimension.
        dim: usize,
        expected: usize,
        found: usize,
    },

    /// A value that is NaN or infinite.
    #[error("row {}, dimension {dim}: {value} is not a finite number", row + 1)]
    NotFinite { row: usize, dim: usize, value: f64 },

    /// A row index past the end.
    #[error("row {} does not exist: there are {n} vectors", row + 1)]
    RowOutOfRange { row: usize, n: usize },

    /// A query vector of the wrong length.
    #[error("the query has {found} dimensions, the vectors have {expected}")]
    DimensionMismatch { expected: usize, found: usize },
}

/// n vectors of d dimensions, row-major f32, with their norms: ready for
/// nearest-neighbour queries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VectorIndex {
    n: usize,
    d: usize,
    /// Row i is `x[i·d .. (i+1)·d]`.
    x: Vec<f32>,
    /// ‖xᵢ‖, computed in f64 and stored as f32.
    norms: Vec<f32>,
}

impl VectorIndex {
    /// Builds the index from d columns of n values each (a [`Dataset`]'s
    /// numeric columns; see [`crate::data`]).
    ///
    /// # Errors
    /// [`Empty`](SimilarityError::Empty), [`NoDimensions`](SimilarityError::NoDimensions),
    /// [`LengthMismatch`](SimilarityError::LengthMismatch) or
    /// [`NotFinite`](SimilarityError::NotFinite) (NaN, a missing value, or ∞).
    ///
    /// [`Dataset`]: crate::data::Dataset
    pub fn from_columns(columns: &[&[f64]]) -> Result<Self, SimilarityError> {
        let Some(first) = columns.first() else {
            return Err(SimilarityError::NoDimensions);
        };
        let (n, d) = (first.len(), columns.len());
        for (dim, c) in columns.iter().enumerate() {
            if c.len() != n {
                return Err(SimilarityError::LengthMismatch {
                    dim,
                    expected: n,
                    found: c.len(),
                });
            }
        }
        // Transposed in blocks of rows so that both the reads (down each
        // column) and the writes (along each row) stay in cache.
        let mut x = vec![0.0f32; n * d];
        for start in (0..n).step_by(TRANSPOSE_BLOCK) {
            let end = (start + TRANSPOSE_BLOCK).min(n);
            let out = x.get_mut(start * d..end * d).unwrap_or_default();
            for (j, c) in columns.iter().enumerate() {
                let values = c.get(start..end).unwrap_or_default();
                for (i, (&v, row)) in values.iter().zip(out.chunks_exact_mut(d)).enumerate() {
                    if !v.is_finite() {
                        return Err(SimilarityError::NotFinite {
                            row: start + i,
                            dim: j,
                            value: v,
                        });
                    }
                    if let Some(slot) = row.get_mut(j) {
                        *slot = v as f32;
                    }
                }
            }
        }
        Self::from_rows(x, d)
    }

    /// Builds the index from row-major values: row i is `x[i·d .. (i+1)·d]`.
    ///
    /// # Errors
    /// [`Empty`](SimilarityError::Empty), [`NoDimensions`](SimilarityError::NoDimensions),
    /// [`LengthMismatch`](SimilarityError::LengthMismatch) (a length not a
    /// multiple of d) or [`NotFinite`](SimilarityError::NotFinite).
    pub fn from_rows(x: Vec<f32>, d: usize) -> Result<Self, SimilarityError> {
        if d == 0 {
            return Err(SimilarityError::NoDimensions);
        }
        if x.is_empty() {
            return Err(SimilarityError::Empty);
        }
        if !x.len().is_multiple_of(d) {
            return Err(SimilarityError::LengthMismatch {
                dim: d - 1,
                expected: x.len().div_ceil(d),
                found: x.len() / d,
            });
        }
        if let Some(k) = x.iter().position(|v| !v.is_finite()) {
            return Err(SimilarityError::NotFinite {
                row: k / d,
                dim: k % d,
                value: x.get(k).map_or(f64::NAN, |&v| f64::from(v)),
            });
        }
        let n = x.len() / d;
        let norms = x
            .chunks_exact(d)
            .map(|row| {
                row.iter()
                    .map(|&v| f64::from(v).powi(2))
                    .sum::<f64>()
                    .sqrt() as f32
            })
            .collect();
        Ok(Self { n, d, x, norms })
    }

    /// The index of a subset of the rows, in the order given (row k of the
    /// result is row `rows[k]` here). Rows out of range are left out.
    #[must_use]
    pub fn subset(&self, rows: &[usize]) -> Self {
        let rows: Vec<usize> = rows.iter().copied().filter(|&r| r < self.n).collect();
        let mut x = Vec::with_capacity(rows.len() * self.d);
        let mut norms = Vec::with_capacity(rows.len());
        for &r in &rows {
            x.extend_from_slice(self.row(r));
            norms.push(self.norms.get(r).copied().unwrap_or(0.0));
        }
        Self {
            n: rows.len(),
            d: self.d,
            x,
            norms,
        }
    }

    /// Number of vectors (n).
    #[must_use]
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no vectors.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Dimensions per vector (d).
    #[must_use]
    pub fn dim(&self) -> usize {
        self.d
    }

    /// Row i (empty if out of range).
    #[must_use]
    pub fn row(&self, i: usize) -> &[f32] {
        self.x.get(i * self.d..(i + 1) * self.d).unwrap_or_default()
    }

    /// Rows `first .. first + count`, row-major (fewer past the end).
    #[must_use]
    pub(crate) fn rows(&self, first: usize, count: usize) -> &[f32] {
        let end = (first + count).min(self.n);
        self.x
            .get(first.min(end) * self.d..end * self.d)
            .unwrap_or_default()
    }

    /// ‖xᵢ‖ (0 if out of range).
    #[must_use]
    pub fn norm(&self, i: usize) -> f64 {
        self.norms.get(i).map_or(0.0, |&v| f64::from(v))
    }

    /// Whether every vector has length 1 to within 0.5%: then cosine, dot
    /// and Euclidean distance rank alike (‖x − q‖² = 2 − 2 cos θ).
    #[must_use]
    pub fn is_unit_length(&self) -> bool {
        (0..self.n).all(|i| (self.norm(i) - 1.0).abs() < 5e-3)
    }

    /// xₐ − x_b + x_c of the raw vectors (not normalized, unlike
    /// [`analogy`](Self::analogy)'s query for cosine): where an analogy is
    /// drawn, since a projection is affine and this lands at pₐ − p_b + p_c.
    /// Empty if a row is out of range.
    #[must_use]
    pub fn offset(&self, a: usize, b: usize, c: usize) -> Vec<f32> {
        if [a, b, c].iter().any(|&r| r >= self.n) {
            return Vec::new();
        }
        self.row(a)
            .iter()
            .zip(self.row(b))
            .zip(self.row(c))
            .map(|((&x, &y), &z)| x - y + z)
            .collect()
    }

    /// The score of row j seen from row i (see [`Metric`]); `None` if either
    /// is out of range.
    #[must_use]
    pub fn score(&self, i: usize, j: usize, metric: Metric) -> Option<f64> {
        if i >= self.n || j >= self.n {
            return None;
        }
        let q = Query::new(self.row(i), metric);
        Some(q.finish(q.raw(self.row(j)), self.norm(j)))
    }

    fn check_row(&self, row: usize) -> Result<(), SimilarityError> {
        if row < self.n {
            Ok(())
        } else {
            Err(SimilarityError::RowOutOfRange { row, n: self.n })
        }
    }

    /// The k nearest neighbours of row `row` (itself excluded), closest first.
    /// Fewer if there are fewer other rows.
    ///
    /// # Errors
    /// [`RowOutOfRange`](SimilarityError::RowOutOfRange).
    pub fn neighbors(
        &self,
        row: usize,
        k: usize,
        metric: Metric,
    ) -> Result<Vec<Neighbor>, SimilarityError> {
        self.check_row(row)?;
        Ok(self.search(self.row(row), k, metric, &[row]))
    }

    /// The k nearest neighbours of any vector `q`, closest first, leaving out
    /// the rows in `exclude`.
    ///
    /// # Errors
    /// [`DimensionMismatch`](SimilarityError::DimensionMismatch) or
    /// [`NotFinite`](SimilarityError::NotFinite) (row 0 means the query).
    pub fn neighbors_of(
        &self,
        q: &[f32],
        k: usize,
        metric: Metric,
        exclude: &[usize],
    ) -> Result<Vec<Neighbor>, SimilarityError> {
        if q.len() != self.d {
            return Err(SimilarityError::DimensionMismatch {
                expected: self.d,
                found: q.len(),
            });
        }
        if let Some(dim) = q.iter().position(|v| !v.is_finite()) {
            return Err(SimilarityError::NotFinite {
                row: 0,
                dim,
                value: q.get(dim).map_or(f64::NAN, |&v| f64::from(v)),
            });
        }
        Ok(self.search(q, k, metric, exclude))
    }

    /// The analogy a − b + c ("king − man + woman"): the vector and its k
    /// nearest rows, leaving out a, b and c themselves. For cosine, the three
    /// are normalized to unit length first, as word2vec's 3CosAdd does, so no
    /// word weighs more for being longer; for Euclidean and dot the raw vectors
    /// are used.
    ///
    /// # Errors
    /// [`RowOutOfRange`](SimilarityError::RowOutOfRange) for a, b or c.
    pub fn analogy(
        &self,
        a: usize,
        b: usize,
        c: usize,
        k: usize,
        metric: Metric,
    ) -> Result<Analogy, SimilarityError> {
        for r in [a, b, c] {
            self.check_row(r)?;
        }
        let unit = |r: usize| -> f32 {
            let norm = self.norm(r);
            if metric == Metric::Cosine && norm > 0.0 {
                (1.0 / norm) as f32
            } else {
                1.0
            }
        };
        let (sa, sb, sc) = (unit(a), unit(b), unit(c));
        let vector: Vec<f32> = self
            .row(a)
            .iter()
            .zip(self.row(b))
            .zip(self.row(c))
            .map(|((&xa, &xb), &xc)| sa * xa - sb * xb + sc * xc)
            .collect();
        let neighbors = self.search(&vector, k, metric, &[a, b, c]);
        Ok(Analogy { vector, neighbors })
    }

    /// One exact pass over every row.
    fn search(&self, q: &[f32], k: usize, metric: Metric, exclude: &[usize]) -> Vec<Neighbor> {
        if k == 0 {
            return Vec::new();
        }
        let query = Query::new(q, metric);
        // A max-heap of the k best so far by `key` (lower is closer): its top
        // is the worst kept, the one a better candidate replaces.
        let mut heap: BinaryHeap<Candidate> = BinaryHeap::with_capacity(k + 1);
        for (i, (row, &norm)) in self.x.chunks_exact(self.d).zip(&self.norms).enumerate() {
            if exclude.contains(&i) {
                continue;
            }
            let key = query.key(query.raw(row), norm);
            let candidate = Candidate { key, index: i };
            if heap.len() < k {
                heap.push(candidate);
            } else if heap.peek().is_some_and(|worst| candidate < *worst) {
                heap.pop();
                heap.push(candidate);
            }
        }
        let mut best = heap.into_vec();
        best.sort_unstable();
        best.into_iter()
            .map(|c| Neighbor {
                index: c.index,
                score: query.finish(query.raw(self.row(c.index)), self.norm(c.index)),
            })
            .collect()
    }
}

/// The result of [`VectorIndex::analogy`].
#[derive(Clone, Debug, PartialEq)]
pub struct Analogy {
    /// a − b + c (of unit vectors for cosine).
    pub vector: Vec<f32>,
    /// Its nearest rows, a, b and c excluded, closest first.
    pub neighbors: Vec<Neighbor>,
}

/// A query vector prepared for one metric.
struct Query<'a> {
    q: &'a [f32],
    metric: Metric,
    /// ‖q‖ (for cosine).
    norm: f32,
}

impl<'a> Query<'a> {
    fn new(q: &'a [f32], metric: Metric) -> Self {
        let norm = q.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>().sqrt() as f32;
        Self { q, metric, norm }
    }

    /// The raw kernel: x·q for cosine and dot, ‖x − q‖² for Euclidean.
    fn raw(&self, x: &[f32]) -> f32 {
        match self.metric {
            Metric::Cosine | Metric::Dot => dot(x, self.q),
            Metric::Euclidean => squared_distance(x, self.q),
        }
    }

    /// The ranking key from the raw kernel: lower is closer.
    fn key(&self, raw: f32, norm: f32) -> f32 {
        match self.metric {
            Metric::Dot => -raw,
            Metric::Euclidean => raw,
            Metric::Cosine => -cosine(raw, norm, self.norm),
        }
    }

    /// The reported score from the raw kernel.
    fn finish(&self, raw: f32, norm: f64) -> f64 {
        match self.metric {
            Metric::Dot => f64::from(raw),
            Metric::Euclidean => f64::from(raw).max(0.0).sqrt(),
            Metric::Cosine => f64::from(cosine(raw, norm as f32, self.norm)),
        }
    }
}

/// x·q / (‖x‖ ‖q‖), 0 when either vector is zero.
fn cosine(dot: f32, norm_x: f32, norm_q: f32) -> f32 {
    let denominator = norm_x * norm_q;
    if denominator > 0.0 {
        dot / denominator
    } else {
        0.0
    }
}

/// A row kept by the search: ordered by key, then by index (lower first), so
/// that ties resolve the same way every time.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    key: f32,
    index: usize,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .total_cmp(&other.key)
            .then(self.index.cmp(&other.index))
    }
}

/// Lanes of the unrolled kernels: 16 independent partial sums (four SSE or
/// two AVX registers) hide the latency of the adds.
const LANES: usize = 16;

/// Σ xⱼ qⱼ.
fn dot(x: &[f32], q: &[f32]) -> f32 {
    let (xc, xr) = x.as_chunks::<LANES>();
    let (qc, qr) = q.as_chunks::<LANES>();
    let mut acc = [0.0f32; LANES];
    for (a, b) in xc.iter().zip(qc) {
        for ((s, &a), &b) in acc.iter_mut().zip(a).zip(b) {
            *s += a * b;
        }
    }
    let tail: f32 = xr.iter().zip(qr).map(|(a, b)| a * b).sum();
    acc.iter().sum::<f32>() + tail
}

/// Σ (xⱼ − qⱼ)², computed directly (not as ‖x‖² + ‖q‖² − 2x·q, which loses
/// the small distances between near neighbours to cancellation).
fn squared_distance(x: &[f32], q: &[f32]) -> f32 {
    let (xc, xr) = x.as_chunks::<LANES>();
    let (qc, qr) = q.as_chunks::<LANES>();
    let mut acc = [0.0f32; LANES];
    for (a, b) in xc.iter().zip(qc) {
        for ((s, &a), &b) in acc.iter_mut().zip(a).zip(b) {
            let diff = a - b;
            *s += diff * diff;
        }
    }
    let tail: f32 = xr.iter().zip(qr).map(|(a, b)| (a - b) * (a - b)).sum();
    acc.iter().sum::<f32>() + tail
}
