//! Where embedding vectors land in a picture: PCA fitted to every vector (or
//! to a chosen few, "isolated"), each vector's scores on two or three chosen
//! components, and the radius that fits them to a unit sphere.
//!
//! The scores are those of [`Pca::transform_point`], tᵢ = vᵢ · ((x − μ) / s),
//! computed only for the chosen components (PC9 costs no more than PC1).
//! Neighbours are never measured here: see [`VectorIndex`].

use crate::data::Dataset;
use crate::math::pca::{Pca, PcaError, PcaOptions};

use super::{SimilarityError, VectorIndex};

/// Why a set of columns cannot be used as embeddings.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum EmbeddingError {
    /// A chosen dimension that is not a numeric column.
    #[error("no column {0:?}")]
    NoColumn(String),
    /// Fewer than two dimensions.
    #[error("embeddings need at least two numeric columns")]
    TooFewDimensions,
    /// The values cannot be indexed (non-finite, no rows).
    #[error(transparent)]
    Index(#[from] SimilarityError),
}

/// The vectors ready for queries, and PCA fitted to all of them.
#[derive(Clone, Debug)]
pub struct EmbeddingSpace {
    /// The dimensions (column names), in order.
    pub dims: Vec<String>,
    /// The vectors, for neighbours and analogies.
    pub index: VectorIndex,
    /// PCA of every vector (its error is shown instead of the picture).
    pub pca: Result<Pca, PcaError>,
    /// [`VectorIndex::is_unit_length`], computed once.
    pub unit_length: bool,
    /// How many vectors the PCA was fitted to: all of them, or above
    /// [`PCA_SAMPLE_ABOVE`] an evenly spaced [`PCA_SAMPLE`] of them.
    pub pca_rows: usize,
}

/// Above this many vectors the PCA of all is fitted to a sample: its
/// covariance costs n·d² (3,000,000 × 300² is 30 s here), and a sample of
/// [`PCA_SAMPLE`] pins the leading directions down to well under a pixel.
pub const PCA_SAMPLE_ABOVE: usize = 1_000_000;

/// The vectors a sampled PCA is fitted to (every n / PCA_SAMPLE-th row, so
/// the sample follows the file's order: a frequency-sorted vocabulary is
/// sampled at every frequency).
pub const PCA_SAMPLE: usize = 250_000;

impl EmbeddingSpace {
    /// The vectors made of the numeric columns `dims` of `ds`.
    ///
    /// # Errors
    /// [`NoColumn`](EmbeddingError::NoColumn), then
    /// [`TooFewDimensions`](EmbeddingError::TooFewDimensions), then the
    /// index's error (a value that is not finite, no rows).
    pub fn from_dataset(ds: &Dataset, dims: &[String]) -> Result<Self, EmbeddingError> {
        let columns: Vec<&[f64]> = dims
            .iter()
            .map(|c| {
                ds.column(c)
                    .map(|c| c.values.as_slice())
                    .ok_or_else(|| EmbeddingError::NoColumn(c.clone()))
            })
            .collect::<Result<_, _>>()?;
        Self::from_columns(&columns, dims)
    }

    /// The vectors made of `columns` (d slices of n values) named `dims`.
    ///
    /// # Errors
    /// As [`from_dataset`](Self::from_dataset).
    pub fn from_columns(columns: &[&[f64]], dims: &[String]) -> Result<Self, EmbeddingError> {
        if columns.len() < 2 {
            return Err(EmbeddingError::TooFewDimensions);
        }
        let index = VectorIndex::from_columns(columns)?;
        let n = index.len();
        let (pca, pca_rows) = if n > PCA_SAMPLE_ABOVE {
            let rows: Vec<usize> = (0..PCA_SAMPLE).map(|k| k * n / PCA_SAMPLE).collect();
            (fit_rows(&index, &rows, dims), rows.len())
        } else {
            (Pca::fit(columns, dims, &PcaOptions::default()), n)
        };
        Ok(Self {
            dims: dims.to_vec(),
            unit_length: index.is_unit_length(),
            index,
            pca,
            pca_rows,
        })
    }
}

/// What a [`Projection`] shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProjectionSpec {
    /// `None`: every row, with the PCA of all; else these rows only, with
    /// PCA fitted to them alone.
    pub isolated: Option<Vec<usize>>,
    /// The components on x, y and z, 1-based.
    pub components: [usize; 3],
    /// Whether z is shown (3D): the radius then counts it.
    pub three: bool,
}

/// Points placed by PCA: one per shown row.
#[derive(Clone, Debug)]
pub struct Projection {
    /// Rows shown, in drawing order.
    pub rows: Vec<usize>,
    /// Their scores on the chosen components (z is 0 past the last component).
    pub points: Vec<[f64; 3]>,
    /// The PCA used.
    pub pca: Pca,
    /// The chosen components, 0-based.
    pub components: [usize; 3],
    /// The explained variance ratio of each chosen component.
    pub ratios: [f64; 3],
    /// The points divided by this fit a unit sphere (see [`display_radius`]).
    pub radius: f64,
}

impl Projection {
    /// Projects the rows `spec` asks for of `space`.
    ///
    /// # Errors
    /// The PCA of all rows failed, or the PCA of the isolated rows does.
    pub fn compute(space: &EmbeddingSpace, spec: &ProjectionSpec) -> Result<Self, PcaError> {
        let (rows, pca) = match &spec.isolated {
            None => ((0..space.index.len()).collect(), space.pca.clone()?),
            Some(rows) => (rows.clone(), fit_rows(&space.index, rows, &space.dims)?),
        };
        let components = spec.components.map(|c| c.saturating_sub(1));
        let points: Vec<[f64; 3]> = rows
            .iter()
            .map(|&r| project(&pca, space.index.row(r), components))
            .collect();
        Ok(Self::new(rows, points, pca, components, spec.three))
    }

    /// The rows `spec` asks for placed by `place` (row → point: a t-SNE or
    /// UMAP map), not by PCA; `pca` and the ratios stay those of all rows
    /// (an isolated selection is not refitted: the map already placed it).
    ///
    /// # Errors
    /// The PCA of all rows failed.
    pub fn placed(
        space: &EmbeddingSpace,
        spec: &ProjectionSpec,
        place: impl Fn(usize) -> [f64; 3],
    ) -> Result<Self, PcaError> {
        let rows: Vec<usize> = match &spec.isolated {
            None => (0..space.index.len()).collect(),
            Some(rows) => rows.clone(),
        };
        let points = rows.iter().map(|&r| place(r)).collect();
        let components = spec.components.map(|c| c.saturating_sub(1));
        Ok(Self::new(
            rows,
            points,
            space.pca.clone()?,
            components,
            spec.three,
        ))
    }

    fn new(
        rows: Vec<usize>,
        points: Vec<[f64; 3]>,
        pca: Pca,
        components: [usize; 3],
        three: bool,
    ) -> Self {
        let ratios =
            components.map(|c| pca.explained_variance_ratio.get(c).copied().unwrap_or(0.0));
        let radius = display_radius(&points, three);
        Self {
            rows,
            points,
            pca,
            components,
            ratios,
            radius,
        }
    }

    /// Where vector `x` (of the original space) lands: its scores on the
    /// chosen components.
    #[must_use]
    pub fn place(&self, x: &[f32]) -> [f64; 3] {
        project(&self.pca, x, self.components)
    }
}

/// PCA fitted to the rows `rows` of `index` alone (isolating a selection
/// and its neighbours), the dimensions named `names`.
///
/// # Errors
/// As [`Pca::fit`]: fewer than two rows, for one.
pub fn fit_rows(index: &VectorIndex, rows: &[usize], names: &[String]) -> Result<Pca, PcaError> {
    let columns: Vec<Vec<f64>> = (0..index.dim())
        .map(|j| {
            rows.iter()
                .map(|&r| f64::from(index.row(r).get(j).copied().unwrap_or(0.0)))
                .collect()
        })
        .collect();
    let slices: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
    Pca::fit(&slices, names, &PcaOptions::default())
}

/// The scores of vector `x` on the components `components` (0-based) of
/// `pca`: entries of [`Pca::transform_point`], 0 for a component past the
/// last. A missing entry of `x` counts as 0.
#[must_use]
pub fn project(pca: &Pca, x: &[f32], components: [usize; 3]) -> [f64; 3] {
    let d = pca.n_features();
    components.map(|c| {
        if c >= pca.components.nrows() {
            return 0.0;
        }
        (0..d)
            .map(|j| {
                let z = (f64::from(x.get(j).copied().unwrap_or(0.0)) - pca.mean[j]) / pca.scale[j];
                z * pca.components[(c, j)]
            })
            .sum()
    })
}

/// The 99th percentile of the points' distances from the origin (over x, y
/// and, when `three`, z), at least 1e-12; 1 without points. Dividing by it
/// fits all but the farthest 1% in a unit sphere, so one outlier does not
/// shrink the rest to a dot.
#[must_use]
pub fn display_radius(points: &[[f64; 3]], three: bool) -> f64 {
    let mut norms: Vec<f64> = points
        .iter()
        .map(|p| (p[0].powi(2) + p[1].powi(2) + if three { p[2].powi(2) } else { 0.0 }).sqrt())
        .collect();
    if norms.is_empty() {
        return 1.0;
    }
    let q = ((norms.len() - 1) as f64 * 0.99).round() as usize;
    let (_, v, _) = norms.select_nth_unstable_by(q, f64::total_cmp);
    v.max(1e-12)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_and_more_vectors_fit_pca_to_an_even_sample_that_finds_the_same_axes() {
        // 1,200,000 points stretched along (3, 1) and noisy across it.
        let n = PCA_SAMPLE_ABOVE + 200_000;
        let (mut x, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in 0..n {
            let t = ((i * 7_919) % 10_007) as f64 / 10_007.0 - 0.5;
            let e = ((i * 104_729) % 9_973) as f64 / 9_973.0 - 0.5;
            x.push(3.0 * t - 0.1 * e);
            y.push(t + 0.3 * e);
        }
        let dims = ["a".to_owned(), "b".to_owned()];
        let space = EmbeddingSpace::from_columns(&[&x, &y], &dims).expect("finite");
        assert_eq!(space.pca_rows, PCA_SAMPLE, "fitted to the sample");
        let sampled = space.pca.expect("a fit");
        let full = Pca::fit(&[&x, &y], &dims, &PcaOptions::default()).expect("a fit");
        for j in 0..2 {
            let dot: f64 = (0..2)
                .map(|k| sampled.components[(0, k)] * full.components[(0, k)])
                .sum();
            assert!(dot.abs() > 0.9999, "PC1 direction differs: {dot}");
            let ratio = sampled.explained_variance_ratio[j] - full.explained_variance_ratio[j];
            assert!(ratio.abs() < 1e-3, "ratio {j} differs by {ratio}");
        }
    }
}
