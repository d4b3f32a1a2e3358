//! Which columns the view uses and how it finds points by name: the
//! dimensions, the name and colour columns, search, and the text helpers
//! for scores and metrics.

use crate::data::{Dataset, LabelColumn};
use crate::math::similarity::Metric;
use crate::scene::EmbeddingsSettings;

/// What a search matched: the rows, in order.
pub(super) struct Matches {
    pub rows: Vec<usize>,
}

/// What a metric measures, for its button's tooltip.
pub(super) fn metric_help(m: Metric) -> &'static str {
    match m {
        Metric::Cosine => {
            "cos θ = x·q / (‖x‖ ‖q‖): the angle between the vectors only; higher is nearer"
        }
        Metric::Euclidean => "‖x − q‖: the straight-line distance; lower is nearer",
        Metric::Dot => "x·q = ‖x‖ ‖q‖ cos θ: long vectors score higher; higher is nearer",
    }
}

/// A score with sensible precision.
pub(super) fn fmt_score(x: f64) -> String {
    format!("{x:.3}").replace('-', "−")
}

/// Keeps the chosen components distinct, the `shown` ones (two in 2D, three
/// in 3D) within the `d` dimensions the data has: a shown component out of
/// range or repeated becomes the lowest one unused among the shown, and a
/// hidden one (the third, in 2D) any other unused.
pub(super) fn fit_components(components: &mut [usize], d: usize, shown: usize) {
    let shown = shown.min(components.len());
    let limit = d.max(shown);
    for i in 0..shown {
        let c = components[i];
        if c < 1 || c > limit || components[..i].contains(&c) {
            components[i] = 0;
        }
    }
    for i in 0..shown {
        if components[i] == 0 {
            let used = &components[..shown];
            components[i] = (1..=limit).find(|x| !used.contains(x)).unwrap_or(1);
        }
    }
    for i in shown..components.len() {
        if components[..i].contains(&components[i]) || components[i] < 1 {
            let used = &components[..i];
            components[i] = (1..=limit + components.len())
                .find(|x| !used.contains(x))
                .unwrap_or(1);
        }
    }
}

/// The dimensions used: the chosen ones, or every numeric column.
pub(super) fn effective_dims(s: &EmbeddingsSettings, ds: &Dataset) -> Vec<String> {
    if s.dims.len() >= 2 && s.dims.iter().all(|c| ds.column(c).is_some()) {
        s.dims.clone()
    } else {
        ds.columns.iter().map(|c| c.name.clone()).collect()
    }
}

/// The label column naming points: the chosen one, or the first.
pub(super) fn name_column<'a>(s: &EmbeddingsSettings, ds: &'a Dataset) -> Option<&'a LabelColumn> {
    match s.name.as_deref() {
        Some(name) => ds.label(name),
        None => ds.labels.first(),
    }
}

/// The label column colouring points: the chosen one, or the first with a
/// few distinct values ([`Dataset::color_label`]).
pub(super) fn color_column<'a>(s: &EmbeddingsSettings, ds: &'a Dataset) -> Option<&'a LabelColumn> {
    ds.color_label(s.color.as_deref())
}

/// A row's name: its label in the name column, or `#row` without one.
pub(super) fn name_of(names: Option<&LabelColumn>, row: usize) -> String {
    match names {
        Some(l) => l.get(row).to_owned(),
        None => format!("#{row}"),
    }
}

/// What to do about points without names (they are `#row`): where the
/// loader looks for them beside the file they came from.
pub(super) fn no_names_hint(ds: &Dataset) -> String {
    let file = ds
        .source
        .as_deref()
        .and_then(|p| p.file_name())
        .map(|f| f.to_string_lossy().into_owned());
    match file {
        Some(f) if f.to_ascii_lowercase().ends_with(".npy") => {
            let stem = f.get(..f.len() - 4).unwrap_or_default();
            format!(
                "The points have no names, only #row numbers. To name them, put {stem}.labels.txt \
                 (one name per line, in row order) beside {f} and open it again."
            )
        }
        Some(f) if f.to_ascii_lowercase().contains("vectors") => format!(
            "The points have no names, only #row numbers. To name them, put the Projector's \
             metadata file beside {f} (vectors → metadata in its name) and open it again."
        ),
        _ => "The points have no names, only #row numbers: a label column names them.".to_owned(),
    }
}

/// The first row named `word` (or `#row` without a name column).
pub(super) fn find_row(ds: &Dataset, names: Option<&LabelColumn>, word: &str) -> Option<usize> {
    match names {
        Some(l) => {
            let code = l.categories.iter().position(|c| c == word)?;
            let code = u32::try_from(code).ok()?;
            l.codes.iter().position(|&c| c == code)
        }
        None => word
            .strip_prefix('#')
            .and_then(|r| r.parse::<usize>().ok())
            .filter(|&r| r < ds.n_rows),
    }
}

/// Rows whose name contains `query` (case-insensitive), or matches it as a
/// regular expression.
pub(super) fn search(
    ds: &Dataset,
    names: Option<&LabelColumn>,
    query: &str,
    regex: bool,
) -> Result<Matches, String> {
    let matcher: Box<dyn Fn(&str) -> bool> = if regex {
        let re = regex::RegexBuilder::new(query)
            .case_insensitive(true)
            .size_limit(1 << 22)
            .build()
            .map_err(|e| {
                let first = e.to_string();
                format!(
                    "not a valid regular expression: {}",
                    first.lines().last().unwrap_or(&first).trim()
                )
            })?;
        Box::new(move |s: &str| re.is_match(s))
    } else {
        let q = query.to_lowercase();
        // ASCII names are compared in place: lowering 3,000,000 names into
        // new strings took most of a second a keystroke.
        Box::new(move |s: &str| {
            if q.is_empty() {
                true
            } else if s.is_ascii() && q.is_ascii() {
                s.as_bytes()
                    .windows(q.len())
                    .any(|w| w.eq_ignore_ascii_case(q.as_bytes()))
            } else {
                s.to_lowercase().contains(&q)
            }
        })
    };
    let mut rows = Vec::new();
    match names {
        Some(l) => {
            // Match each distinct name once.
            let hit: Vec<bool> = l.categories.iter().map(|c| matcher(c)).collect();
            for (r, &code) in l.codes.iter().enumerate() {
                if hit.get(code as usize).copied().unwrap_or(false) {
                    rows.push(r);
                }
            }
        }
        None => {
            for r in 0..ds.n_rows {
                if matcher(&format!("#{r}")) {
                    rows.push(r);
                }
            }
        }
    }
    Ok(Matches { rows })
}

/// The match Enter selects: one named exactly so (ignoring case, Unicode's
/// too: "CAFÉ" selects "café"), else the first.
pub(super) fn best_match(
    names: Option<&LabelColumn>,
    query: &str,
    rows: &[usize],
) -> Option<usize> {
    let q = query.trim().to_lowercase();
    rows.iter()
        .copied()
        .find(|&r| name_of(names, r).to_lowercase() == q)
        .or_else(|| rows.first().copied())
}

#[cfg(test)]
mod tests {
    use super::{best_match, fit_components, search};
    use crate::data::{Dataset, LabelColumn};

    /// "CAFÉ" is "café" ignoring case: Enter picks it over an earlier partial match.
    #[test]
    fn enter_selects_the_exact_name_in_any_case() {
        let names = LabelColumn {
            name: "word".to_owned(),
            categories: vec!["cafés".into(), "café".into()],
            codes: vec![0, 1],
        };
        assert_eq!(best_match(Some(&names), "CAFÉ", &[0, 1]), Some(1));
        assert_eq!(best_match(Some(&names), "caf", &[0, 1]), Some(0));
    }

    fn fitted(mut c: Vec<usize>, d: usize, shown: usize) -> Vec<usize> {
        fit_components(&mut c, d, shown);
        c
    }

    /// Found by the UI monkey: PC3 on a dataset of two dimensions was clamped
    /// to PC2 beside another PC2, and the saved scene would not load.
    #[test]
    fn components_stay_distinct_when_the_data_has_fewer_dimensions() {
        // 2D on two dimensions: the hidden third may lie beyond them.
        assert_eq!(fitted(vec![1, 2, 3], 2, 2), vec![1, 2, 3]);
        assert_eq!(fitted(vec![3, 1, 2], 2, 2), vec![2, 1, 3]);
        assert_eq!(fitted(vec![1, 2, 5], 3, 3), vec![1, 2, 3]);
        assert_eq!(fitted(vec![4, 5], 3, 2), vec![1, 2]);
        assert_eq!(fitted(vec![2, 9, 1], 384, 3), vec![2, 9, 1]);
        assert_eq!(fitted(vec![3, 3, 0], 10, 3), vec![3, 1, 2]);
        assert_eq!(fitted(vec![7, 1], 3, 2), vec![2, 1]);
    }
    /// Substring search ignores case for ASCII names (compared in place)
    /// and for the rest (lowered first), and an empty query matches all.
    #[test]
    fn search_ignores_case_in_and_outside_ascii() {
        let names = LabelColumn {
            name: "word".to_owned(),
            categories: vec![
                "King".into(),
                "kingdom".into(),
                "ÉCOLE".into(),
                "queen".into(),
            ],
            codes: vec![0, 1, 2, 3],
        };
        let ds = Dataset {
            name: "w".to_owned(),
            source: None,
            n_rows: 4,
            columns: Vec::new(),
            labels: vec![names.clone()],
        };
        let rows = |q: &str| search(&ds, Some(&names), q, false).expect("plain").rows;
        assert_eq!(rows("KIN"), vec![0, 1]);
        assert_eq!(rows("école"), vec![2]);
        assert_eq!(rows("dom"), vec![1]);
        assert_eq!(rows("queens"), Vec::<usize>::new());
        assert_eq!(rows("").len(), 4);
    }
}
