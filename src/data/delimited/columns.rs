//! Columns being filled while the file is read, and the table they make,
//! merged chunk by chunk in file order.

use std::collections::HashMap;

use super::parse::{ChunkContext, Parsed, parse_chunk, shift_line, too_many_labels};
use super::records::is_missing;
use crate::data::{LabelColumn, LoadError, NumericColumn};

/// What a column holds, as far as is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Undecided,
    Numeric,
    Text,
}

/// Why a cell could not be added to its column.
pub(super) enum CellError {
    NotANumber,
    TooManyLabels,
}

/// One column being filled while the file is read. Its kind is settled by its
/// first non-missing cell.
#[derive(Clone)]
pub(super) enum ColumnBuilder {
    /// Only missing cells so far: this many.
    Undecided {
        missing: usize,
    },
    Numeric(Vec<f64>),
    Text {
        index: HashMap<String, u32>,
        categories: Vec<String>,
        codes: Vec<u32>,
    },
}

impl ColumnBuilder {
    /// An empty column of kind `kind`.
    pub(super) fn new(kind: Kind) -> Self {
        match kind {
            Kind::Undecided => Self::Undecided { missing: 0 },
            Kind::Numeric => Self::Numeric(Vec::new()),
            Kind::Text => Self::Text {
                index: HashMap::new(),
                categories: Vec::new(),
                codes: Vec::new(),
            },
        }
    }

    pub(super) fn kind(&self) -> Kind {
        match self {
            Self::Undecided { .. } => Kind::Undecided,
            Self::Numeric(_) => Kind::Numeric,
            Self::Text { .. } => Kind::Text,
        }
    }

    /// Appends the rows of `next`, the same column of the next chunk, whose
    /// kind is `self`'s or undecided, or `self` is undecided.
    fn append(&mut self, next: Self) -> Result<(), CellError> {
        match (&mut *self, next) {
            (Self::Undecided { missing }, Self::Undecided { missing: more }) => *missing += more,
            (Self::Undecided { missing }, next) => {
                let n = *missing;
                *self = Self::new(next.kind());
                for _ in 0..n {
                    self.push("")?;
                }
                self.append(next)?;
            }
            (Self::Numeric(values), Self::Undecided { missing }) => {
                values.resize(values.len() + missing, f64::NAN);
            }
            (Self::Numeric(values), Self::Numeric(more)) => values.extend_from_slice(&more),
            (Self::Text { .. }, Self::Undecided { missing }) => {
                for _ in 0..missing {
                    self.push("")?;
                }
            }
            (
                Self::Text {
                    index,
                    categories,
                    codes,
                },
                Self::Text {
                    categories: theirs,
                    codes: their_codes,
                    ..
                },
            ) => {
                let mut remap = Vec::with_capacity(theirs.len());
                for label in theirs {
                    let code = if let Some(&code) = index.get(&label) {
                        code
                    } else {
                        let code = u32::try_from(categories.len())
                            .map_err(|_| CellError::TooManyLabels)?;
                        index.insert(label.clone(), code);
                        categories.push(label);
                        code
                    };
                    remap.push(code);
                }
                codes.extend(
                    their_codes
                        .iter()
                        .map(|&c| remap.get(c as usize).copied().unwrap_or(0)),
                );
            }
            // Kinds that clash never reach here: the chunk is parsed again first.
            (Self::Numeric(_), Self::Text { .. }) | (Self::Text { .. }, Self::Numeric(_)) => {}
        }
        Ok(())
    }

    /// Adds one trimmed cell.
    pub(super) fn push(&mut self, cell: &str) -> Result<(), CellError> {
        let missing = is_missing(cell);
        match self {
            Self::Undecided { missing: n } if missing => *n += 1,
            Self::Undecided { missing: n } => {
                let n = *n;
                *self = if let Ok(x) = cell.parse::<f64>() {
                    let mut values = vec![f64::NAN; n];
                    values.push(x);
                    Self::Numeric(values)
                } else {
                    let mut text = Self::Text {
                        index: HashMap::new(),
                        categories: Vec::new(),
                        codes: Vec::new(),
                    };
                    for _ in 0..n {
                        text.push("")?;
                    }
                    text.push(cell)?;
                    text
                };
            }
            Self::Numeric(values) if missing => values.push(f64::NAN),
            Self::Numeric(values) => values.push(cell.parse().map_err(|_| CellError::NotANumber)?),
            Self::Text {
                index,
                categories,
                codes,
            } => {
                // A missing label is the empty label.
                let cell = if missing { "" } else { cell };
                let code = if let Some(&code) = index.get(cell) {
                    code
                } else {
                    let code =
                        u32::try_from(categories.len()).map_err(|_| CellError::TooManyLabels)?;
                    index.insert(cell.to_owned(), code);
                    categories.push(cell.to_owned());
                    code
                };
                codes.push(code);
            }
        }
        Ok(())
    }
}

/// The columns read so far, merged chunk by chunk in file order.
pub(super) struct Table {
    columns: Vec<ColumnBuilder>,
    pub n_rows: usize,
    /// Unparseable cells read as missing ([`BadCells::Missing`](crate::data::BadCells)).
    pub bad: usize,
    /// `\n` bytes before the next chunk: its line 1 is line `lines + 1`.
    lines: usize,
}

impl Table {
    /// No rows yet, `width` columns of undecided kind.
    pub(super) fn new(width: usize) -> Self {
        Self {
            columns: vec![ColumnBuilder::Undecided { missing: 0 }; width],
            n_rows: 0,
            bad: 0,
            lines: 0,
        }
    }

    /// Each column's kind so far.
    pub(super) fn kinds(&self) -> Vec<Kind> {
        self.columns.iter().map(ColumnBuilder::kind).collect()
    }

    /// Adds the next chunk, parsed with `kinds`. A chunk parsed before an
    /// earlier one settled a column's kind is parsed again if that could
    /// change its result: if its kinds clash with the table's, or if it failed
    /// (its first error might not be the file's first).
    pub(super) fn merge(
        &mut self,
        bytes: &[u8],
        kinds: &[Kind],
        parsed: Result<Parsed, LoadError>,
        ctx: &ChunkContext<'_>,
    ) -> Result<(), LoadError> {
        let now = self.kinds();
        let stale = kinds != now.as_slice();
        let clash = |p: &Parsed| {
            p.columns
                .iter()
                .zip(&now)
                .any(|(c, &k)| c.kind() != k && c.kind() != Kind::Undecided && k != Kind::Undecided)
        };
        let parsed = match parsed {
            Err(_) if stale => parse_chunk(bytes, ctx, &now, false),
            Ok(p) if clash(&p) => parse_chunk(bytes, ctx, &now, false),
            other => other,
        }
        .map_err(|e| shift_line(e, self.lines))?;
        for (j, (column, part)) in self.columns.iter_mut().zip(parsed.columns).enumerate() {
            column
                .append(part)
                .map_err(|_| too_many_labels(ctx.path, None, j))?;
        }
        self.n_rows += parsed.rows;
        self.bad += parsed.bad;
        self.lines += parsed.newlines;
        Ok(())
    }

    /// Reserves room in the numeric columns for the rows a `total`-byte input
    /// probably holds, judging by the first `seen` bytes (reserved memory that
    /// is never written costs address space, not RAM).
    pub(super) fn reserve(&mut self, total: u64, seen: u64) {
        if total <= seen || seen == 0 || self.n_rows == 0 {
            return;
        }
        let estimate = (self.n_rows as f64 * total as f64 / seen as f64 * 1.05) as usize;
        let estimate = estimate.min(usize::try_from(total).unwrap_or(usize::MAX));
        for column in &mut self.columns {
            if let ColumnBuilder::Numeric(values) = column {
                values.reserve_exact(estimate.saturating_sub(values.len()));
            }
        }
    }

    /// The finished columns named `names`: numeric ones (a column of only
    /// missing cells counts as numeric) and label ones.
    pub(super) fn into_columns(self, names: Vec<String>) -> (Vec<NumericColumn>, Vec<LabelColumn>) {
        let mut columns = Vec::new();
        let mut labels = Vec::new();
        for (name, builder) in names.into_iter().zip(self.columns) {
            match builder {
                ColumnBuilder::Undecided { missing } => columns.push(NumericColumn {
                    name,
                    values: vec![f64::NAN; missing],
                }),
                ColumnBuilder::Numeric(mut values) => {
                    values.shrink_to_fit();
                    columns.push(NumericColumn { name, values });
                }
                ColumnBuilder::Text {
                    categories, codes, ..
                } => labels.push(LabelColumn {
                    name,
                    categories,
                    codes,
                }),
            }
        }
        (columns, labels)
    }
}
