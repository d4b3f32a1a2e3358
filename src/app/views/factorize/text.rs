//! Text shown by the view: numbers, shortened names, hover details.

use std::fmt::Write as _;

use crate::app::style::fmt_num;
use crate::data::Ratings;
use crate::math::factorize::{Model, UserVector, norm};

/// A fixed number of decimals, with a true minus sign.
pub(super) fn fmt_fixed(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replacen('-', "−", 1)
}

/// Column names over small matrices: at most 14 characters.
pub(super) fn short_label(t: &str) -> String {
    if t.chars().count() > 14 {
        let cut: String = t.chars().take(13).collect();
        format!("{cut}…")
    } else {
        t.to_owned()
    }
}

/// Titles longer than 34 characters are cut with "…".
pub(super) fn short_title(t: &str) -> String {
    if t.chars().count() > 34 {
        let cut: String = t.chars().take(33).collect();
        format!("{cut}…")
    } else {
        t.to_owned()
    }
}

/// `text` as it fits in `width` points in `font`: whole, or cut with "…".
pub(super) fn fit_width(ui: &egui::Ui, text: &str, font: &egui::FontId, width: f32) -> String {
    let measure = |t: &str| {
        ui.fonts_mut(|f| f.layout_no_wrap(t.to_owned(), font.clone(), egui::Color32::WHITE))
            .size()
            .x
    };
    if measure(text) <= width {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits with the ellipsis, by bisection.
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let cut: String = chars[..mid].iter().collect();
        if measure(&format!("{}…", cut.trim_end())) <= width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let cut: String = chars[..lo].iter().collect();
    format!("{}…", cut.trim_end())
}

pub(super) fn user_details(r: &Ratings, model: &Model, u: u32, v: &UserVector) -> String {
    let mut text = format!("user {}", r.users[u as usize]);
    let _ = write!(
        text,
        "\np_u = ({})",
        v.factors
            .iter()
            .take(6)
            .map(|x| fmt_num(*x, 3))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if v.factors.len() > 6 {
        text.push_str(", …");
    }
    let _ = write!(text, "\n‖p_u‖ = {}", fmt_num(norm(&v.factors), 3));
    if model.has_biases() {
        let _ = write!(text, "\nb_u = {}", fmt_num(v.bias, 3));
    }
    text.push_str("\nclick to select");
    text
}

pub(super) fn item_details(
    r: &Ratings,
    model: &Model,
    i: u32,
    predicted: Option<(Option<u32>, f64)>,
) -> String {
    let it = &r.items[i as usize];
    let mut text = it.name().to_owned();
    if !it.genres.is_empty() {
        let _ = write!(text, "\n{}", it.genres.join(", "));
    }
    let q = model.item_factors(i as usize);
    let _ = write!(
        text,
        "\nq_i = ({})",
        q.iter()
            .take(6)
            .map(|x| fmt_num(*x, 3))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = write!(text, "\n‖q_i‖ = {}", fmt_num(norm(q), 3));
    if model.has_biases() {
        let _ = write!(
            text,
            "\nb_i = {}",
            fmt_num(model.item_biases()[i as usize], 3)
        );
    }
    if let Some((Some(u), p)) = predicted {
        let _ = write!(text, "\nr̂ for {} = {}", r.users[u as usize], fmt_num(p, 3));
    }
    text.push_str("\nclick to select");
    text
}
