//! A factorization's movie factors as embeddings, for the Factorize view's
//! "explore in Embeddings" button.

use crate::data::{Dataset, LabelColumn, NumericColumn, Ratings};
use crate::math::factorize::Model;

/// A factorization's movie (item) factors as an embedding: one row per movie,
/// the k factors as columns `f1..fk`, and the title, first genre and all
/// genres as labels (so the Embeddings view can name and colour them).
#[must_use]
pub fn item_embeddings(r: &Ratings, model: &Model, epoch: usize) -> Dataset {
    let k = model.rank();
    let n = r.n_items();
    let columns = (0..k)
        .map(|f| NumericColumn {
            // As every embedding names its dimensions (and as the Projector
            // file a saved scene writes them to reads back).
            name: crate::data::dim_name(f),
            values: (0..n)
                .map(|i| model.item_factors(i).get(f).copied().unwrap_or(f64::NAN))
                .collect(),
        })
        .collect();
    let mut title = LabelBuilder::new("title");
    let mut genre = LabelBuilder::new("genre");
    let mut genres = LabelBuilder::new("genres");
    for (i, item) in r.items.iter().enumerate() {
        title.push(r.item_name(i as u32));
        genre.push(item.genres.first().map_or("(none)", String::as_str));
        genres.push(&item.genres.join("|"));
    }
    Dataset {
        name: format!("{} movie factors (k = {k}, epoch {epoch})", r.name),
        source: None,
        n_rows: n,
        columns,
        labels: vec![title.finish(), genre.finish(), genres.finish()],
    }
}

/// A label column being filled, distinct values in order of first appearance.
struct LabelBuilder {
    column: LabelColumn,
    index: std::collections::HashMap<String, u32>,
}

impl LabelBuilder {
    fn new(name: &str) -> Self {
        Self {
            column: LabelColumn {
                name: name.to_owned(),
                categories: Vec::new(),
                codes: Vec::new(),
            },
            index: std::collections::HashMap::new(),
        }
    }

    fn push(&mut self, value: &str) {
        let code = if let Some(&c) = self.index.get(value) {
            c
        } else {
            let c = u32::try_from(self.column.categories.len()).unwrap_or(u32::MAX);
            self.index.insert(value.to_owned(), c);
            self.column.categories.push(value.to_owned());
            c
        };
        self.column.codes.push(code);
    }

    fn finish(self) -> LabelColumn {
        self.column
    }
}
