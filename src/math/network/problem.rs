//! What to learn: raw input rows and their classes or targets, taken from a
//! table; and the seeded train/test split.

use crate::data::Dataset;

use super::NetError;

/// What each row should produce.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A class per row: an index into `names`.
    Classes { codes: Vec<u32>, names: Vec<String> },
    /// A number per row (regression).
    Values(Vec<f64>),
}

impl Target {
    /// Rows.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::Classes { codes, .. } => codes.len(),
            Self::Values(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Raw input rows and their targets.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Names of the input columns.
    pub inputs: Vec<String>,
    /// Row-major n × inputs, every value finite.
    pub x: Vec<f64>,
    pub target: Target,
    /// The label or target column's name.
    pub target_name: String,
    /// For each row, its row in the table it came from (rows with a missing
    /// or infinite value are left out).
    pub rows: Vec<usize>,
}

impl Problem {
    /// Rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.target.len()
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.target.is_empty()
    }

    /// Raw input row `i`.
    #[must_use]
    pub fn row(&self, i: usize) -> &[f64] {
        let d = self.inputs.len();
        &self.x[i * d..(i + 1) * d]
    }

    /// Rows of the table left out for a missing or infinite value.
    #[must_use]
    pub fn left_out(&self, table_rows: usize) -> usize {
        table_rows - self.rows.len()
    }

    /// The columns `features` of `ds` as inputs and `label` as the target:
    /// a text column gives classes, a numeric one a regression (classes of
    /// its distinct values, in increasing order, with `classify`). Rows with
    /// a missing or infinite value in any of them are left out.
    ///
    /// # Errors
    /// [`NetError::Column`] for an unknown column, a text feature, a label
    /// among the features, or a repeat; [`NetError::NotEnoughData`] for
    /// fewer than 2 usable rows or a single class.
    pub fn from_dataset(
        ds: &Dataset,
        features: &[&str],
        label: &str,
        classify: bool,
    ) -> Result<Self, NetError> {
        let names = || ds.column_names().join(", ");
        if features.is_empty() {
            return Err(column("features", "no feature columns given".to_owned()));
        }
        let mut cols: Vec<&[f64]> = Vec::new();
        let mut inputs: Vec<String> = Vec::new();
        for &name in features {
            let name = name.trim();
            let Some(c) = ds.column(name) else {
                let kind = if ds.label(name).is_some() {
                    "is text, not numeric"
                } else {
                    "does not exist"
                };
                return Err(column(
                    "features",
                    format!("column {name:?} {kind}; numeric columns: {}", names()),
                ));
            };
            if name == label.trim() {
                return Err(column(
                    "features",
                    format!("column {name:?} is also the label"),
                ));
            }
            if inputs.iter().any(|i| i == name) {
                return Err(column(
                    "features",
                    format!("column {name:?} is named twice"),
                ));
            }
            cols.push(&c.values);
            inputs.push(name.to_owned());
        }
        let label = label.trim();
        let source = if let Some(l) = ds.label(label) {
            Source::Text(&l.codes, &l.categories)
        } else if let Some(c) = ds.column(label) {
            Source::Numeric(&c.values)
        } else {
            let texts: Vec<&str> = ds.labels.iter().map(|l| l.name.as_str()).collect();
            return Err(column(
                "label",
                format!(
                    "no column {label:?}; text columns: {}; numeric columns: {}",
                    if texts.is_empty() {
                        "none".to_owned()
                    } else {
                        texts.join(", ")
                    },
                    names()
                ),
            ));
        };
        let usable = |i: usize| {
            cols.iter().all(|c| c[i].is_finite())
                && match &source {
                    Source::Text(codes, _) => i < codes.len(),
                    Source::Numeric(v) => v[i].is_finite(),
                }
        };
        let rows: Vec<usize> = (0..ds.n_rows).filter(|&i| usable(i)).collect();
        let mut x = Vec::with_capacity(rows.len() * cols.len());
        for &i in &rows {
            x.extend(cols.iter().map(|c| c[i]));
        }
        let target = match source {
            Source::Text(codes, categories) => Target::Classes {
                codes: rows.iter().map(|&i| codes[i]).collect(),
                names: categories.to_vec(),
            },
            Source::Numeric(v) if classify => {
                numeric_classes(&rows.iter().map(|&i| v[i]).collect::<Vec<_>>())
            }
            Source::Numeric(v) => Target::Values(rows.iter().map(|&i| v[i]).collect()),
        };
        let problem = Self {
            inputs,
            x,
            target,
            target_name: label.to_owned(),
            rows,
        };
        problem.check()?;
        Ok(problem)
    }

    /// Checks sizes and that there is something to learn.
    ///
    /// # Errors
    /// [`NetError::NotEnoughData`] for fewer than 2 rows, mismatched
    /// sizes, non-finite values, a class code out of range or a single class.
    pub fn check(&self) -> Result<(), NetError> {
        let n = self.len();
        let d = self.inputs.len();
        let fail = |m: String| Err(NetError::NotEnoughData(m));
        if d == 0 {
            return fail("no input columns".to_owned());
        }
        if self.x.len() != n * d {
            return fail(format!(
                "{} input values for {n} rows × {d} inputs",
                self.x.len()
            ));
        }
        if n < 2 {
            return fail(format!(
                "{n} usable rows (with a finite value in every feature and the label): at least 2 are needed"
            ));
        }
        if self.x.iter().any(|v| !v.is_finite()) {
            return fail("an input value is missing or infinite".to_owned());
        }
        match &self.target {
            Target::Classes { codes, names } => {
                if let Some(c) = codes.iter().find(|&&c| c as usize >= names.len()) {
                    return fail(format!("class code {c} but only {} classes", names.len()));
                }
                let first = codes[0];
                if names.len() < 2 || codes.iter().all(|&c| c == first) {
                    return fail(format!(
                        "the label {:?} has a single class among the usable rows: at least 2 are needed",
                        self.target_name
                    ));
                }
            }
            Target::Values(v) => {
                if v.iter().any(|t| !t.is_finite()) {
                    return fail("a target value is missing or infinite".to_owned());
                }
            }
        }
        Ok(())
    }
}

/// Where a label's values come from.
enum Source<'a> {
    Text(&'a [u32], &'a [String]),
    Numeric(&'a [f64]),
}

fn column(what: &'static str, message: String) -> NetError {
    NetError::Column { what, message }
}

/// Classes of the distinct values of a numeric label, in increasing order,
/// named as the numbers print (`3`, `0.5`).
fn numeric_classes(v: &[f64]) -> Target {
    let mut distinct: Vec<f64> = v.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let codes = v
        .iter()
        .map(|x| distinct.partition_point(|d| d < x) as u32)
        .collect();
    Target::Classes {
        codes,
        names: distinct.iter().map(ToString::to_string).collect(),
    }
}

/// Which rows train and which test.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Split {
    /// Training rows, in increasing order.
    pub train: Vec<usize>,
    /// Test rows, in increasing order.
    pub test: Vec<usize>,
}

impl Split {
    /// round(n × `test_fraction`) rows, drawn by `rng`, test (at most n − 1);
    /// the rest train.
    #[must_use]
    pub fn new(n: usize, test_fraction: f64, rng: &mut fastrand::Rng) -> Self {
        let mut order: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut order);
        let n_test = ((n as f64 * test_fraction).round() as usize).min(n.saturating_sub(1));
        let mut test = order[..n_test].to_vec();
        let mut train = order[n_test..].to_vec();
        test.sort_unstable();
        train.sort_unstable();
        Self { train, test }
    }

    /// Whether row `i` is a test row.
    #[must_use]
    pub fn is_test(&self, i: usize) -> bool {
        self.test.binary_search(&i).is_ok()
    }
}
