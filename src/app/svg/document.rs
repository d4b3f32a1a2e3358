//! The SVG document being written: its canvas, clip groups, the number and
//! colour formats every element shares, and the final assembly.

use std::collections::HashMap;
use std::fmt::Write as _;

use egui::{Color32, Rect, Stroke, Vec2};

use super::textures::TextureStore;
use super::{SvgOptions, fonts};

/// Writes shapes into an SVG body; one per document.
pub(super) struct Painter<'a> {
    size: Vec2,
    pub(super) pixels_per_point: f32,
    pub(super) textures: &'a TextureStore,
    /// `<clipPath>`s and embedded images, referenced by id from the body.
    defs: String,
    pub(super) body: String,
    /// The clip group open in the body (None: unclipped).
    open_clip: Option<Rect>,
    clip_ids: HashMap<[u32; 4], usize>,
    /// Data URIs already written, by what they show (an image used twice is
    /// written once, in `defs`, and `<use>`d).
    pub(super) image_ids: HashMap<super::textures::ImageKey, usize>,
    next_id: usize,
    /// Font families the text used.
    pub(super) families: fonts::Used,
}

impl<'a> Painter<'a> {
    pub(super) fn new(size: Vec2, pixels_per_point: f32, textures: &'a TextureStore) -> Self {
        Self {
            size,
            pixels_per_point,
            textures,
            defs: String::new(),
            body: String::new(),
            open_clip: None,
            clip_ids: HashMap::new(),
            image_ids: HashMap::new(),
            next_id: 0,
            families: fonts::Used::default(),
        }
    }

    /// The whole canvas, in points.
    pub(super) fn canvas(&self) -> Rect {
        Rect::from_min_size(egui::Pos2::ZERO, self.size)
    }

    /// A fresh id for an element in `defs`.
    pub(super) fn next_id(&mut self) -> usize {
        self.next_id += 1;
        self.next_id
    }

    /// Adds `element` to `defs`.
    pub(super) fn define(&mut self, element: &str) {
        self.defs.push_str(element);
        self.defs.push('\n');
    }

    /// Clips what follows to `clip` (already inside the canvas): shapes
    /// with the same clip share one group; the whole canvas needs none.
    pub(super) fn set_clip(&mut self, clip: Rect) {
        let clip = (!clip.contains_rect(self.canvas())).then_some(clip);
        if clip == self.open_clip {
            return;
        }
        if self.open_clip.is_some() {
            self.body.push_str("</g>\n");
        }
        self.open_clip = clip;
        let Some(clip) = clip else {
            return;
        };
        let key = [clip.min.x, clip.min.y, clip.max.x, clip.max.y].map(f32::to_bits);
        let id = if let Some(&id) = self.clip_ids.get(&key) {
            id
        } else {
            let id = self.next_id();
            let rect = format!(
                "<clipPath id=\"c{id}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>",
                num(clip.min.x),
                num(clip.min.y),
                num(clip.width()),
                num(clip.height())
            );
            self.define(&rect);
            self.clip_ids.insert(key, id);
            id
        };
        let _ = writeln!(self.body, "<g clip-path=\"url(#c{id})\">");
    }

    /// The finished document.
    pub(super) fn finish(mut self, options: SvgOptions) -> String {
        if self.open_clip.take().is_some() {
            self.body.push_str("</g>\n");
        }
        let (w, h) = (num(self.size.x), num(self.size.y));
        let mut svg = String::with_capacity(self.defs.len() + self.body.len() + 4096);
        let _ = writeln!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
             version=\"1.1\" width=\"{w}pt\" height=\"{h}pt\" viewBox=\"0 0 {w} {h}\" \
             xml:space=\"preserve\" style=\"white-space:pre\">"
        );
        svg.push_str("<!-- drawn by eigenlens from the shapes egui produced for the screen; units are points -->\n");
        let style = fonts::style(&self.families, options.embed_fonts);
        if !self.defs.is_empty() || !style.is_empty() {
            svg.push_str("<defs>\n");
            svg.push_str(&style);
            svg.push_str(&self.defs);
            svg.push_str("</defs>\n");
        }
        svg.push_str(&self.body);
        svg.push_str("</svg>\n");
        svg
    }
}

/// `v` with at most two decimals and no trailing zeros (points: a hundredth
/// is far below a printer's dot).
pub(super) fn num(v: f32) -> String {
    let mut s = format!("{:.2}", if v.is_finite() { v } else { 0.0 });
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" { "0".to_owned() } else { s }
}

/// `#rrggbb` and the opacity (0..1) of egui's premultiplied colour, or
/// None for a fully transparent one.
pub(super) fn rgb_alpha(c: Color32) -> Option<(String, f32)> {
    if c.a() == 0 {
        return None;
    }
    let [r, g, b, a] = c.to_srgba_unmultiplied();
    Some((format!("#{r:02x}{g:02x}{b:02x}"), f32::from(a) / 255.0))
}

/// ` fill="…"` (with ` fill-opacity` below 1), or ` fill="none"`.
pub(super) fn fill_attr(c: Color32) -> String {
    match rgb_alpha(c) {
        None => " fill=\"none\"".to_owned(),
        Some((rgb, a)) if a < 1.0 => format!(" fill=\"{rgb}\" fill-opacity=\"{}\"", opacity(a)),
        Some((rgb, _)) => format!(" fill=\"{rgb}\""),
    }
}

/// ` stroke="…" stroke-width="…"` (with ` stroke-opacity` below 1), or
/// nothing for an invisible stroke.
pub(super) fn stroke_attr(stroke: Stroke) -> String {
    if stroke.width <= 0.0 {
        return String::new();
    }
    match rgb_alpha(stroke.color) {
        None => String::new(),
        Some((rgb, a)) => {
            let mut s = format!(" stroke=\"{rgb}\" stroke-width=\"{}\"", num(stroke.width));
            if a < 1.0 {
                let _ = write!(s, " stroke-opacity=\"{}\"", opacity(a));
            }
            s
        }
    }
}

/// An opacity with three decimals.
pub(super) fn opacity(a: f32) -> String {
    let s = format!("{a:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `text` with XML's special characters escaped, and characters XML cannot
/// hold (control characters) replaced by U+FFFD.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Degrees of `radians`.
pub(super) fn degrees(radians: f32) -> String {
    num(radians.to_degrees())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.25), "1.25");
        assert_eq!(num(1.2049), "1.2");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f32::NAN), "0");
    }

    #[test]
    fn colours_unmultiply() {
        let half = Color32::from_rgba_unmultiplied(255, 0, 0, 128);
        let (rgb, a) = rgb_alpha(half).expect("visible");
        assert_eq!(rgb, "#ff0000");
        assert!((a - 128.0 / 255.0).abs() < 1e-6);
        assert_eq!(rgb_alpha(Color32::TRANSPARENT), None);
        assert_eq!(
            escape("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;\u{FFFD}"
        );
    }
}
