//! What every word-vector target asserts of vectors that loaded.

use eigenlens::data::{Dataset, WORD_COLUMN, dim_name};

/// Loaded word vectors are consistent: rows and dimensions, `dim_j` columns
/// as long as the rows with finite values, and a `word` label per row.
pub fn check(ds: &Dataset) {
    assert!(ds.n_rows > 0 && !ds.columns.is_empty());
    for (j, c) in ds.columns.iter().enumerate() {
        assert_eq!(c.name, dim_name(j));
        assert_eq!(c.values.len(), ds.n_rows);
        assert!(c.values.iter().all(|v| v.is_finite()), "{}", c.name);
    }
    let words = ds.labels.first().expect("a word column");
    assert_eq!(words.name, WORD_COLUMN);
    assert_eq!(words.codes.len(), ds.n_rows);
    assert!(
        words
            .codes
            .iter()
            .all(|&k| (k as usize) < words.categories.len())
    );
}
