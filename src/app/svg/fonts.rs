//! Fonts in the SVG: the CSS family list for each egui family, in the order
//! egui falls back through them (src/app/style.rs installs them), and,
//! when asked, DejaVu Sans embedded as a data URI.

use std::fmt::Write as _;

use egui::FontFamily;

use super::textures::base64;
use crate::app::style::DEJAVU_SANS;

/// The egui families the text used.
#[derive(Default)]
pub(super) struct Used {
    pub proportional: bool,
    pub monospace: bool,
}

/// The font-family list for egui's proportional text: the bundled fonts
/// by name in egui's fallback order (DejaVu Sans carries λ σ Σ ᵀ ≈ √),
/// then the generic family.
const PROPORTIONAL: &str =
    "'DejaVu Sans', Ubuntu, 'Noto Emoji', 'Droid Sans Fallback', NanumSquare, sans-serif";
/// The same for monospace text.
const MONOSPACE: &str =
    "Hack, 'DejaVu Sans Mono', 'DejaVu Sans', 'Droid Sans Fallback', NanumSquare, monospace";

/// The attribute that gives a `<text>` egui's `family`: none for
/// proportional text (the document's default), a class for monospace.
pub(super) fn css_class(family: &FontFamily, used: &mut Used) -> &'static str {
    match family {
        FontFamily::Monospace => {
            used.monospace = true;
            " class=\"mono\""
        }
        FontFamily::Proportional | FontFamily::Name(_) => {
            used.proportional = true;
            ""
        }
    }
}

/// The `<style>` element for the document: the font families of its
/// text, and DejaVu Sans as an `@font-face` data URI when `embed`; nothing
/// without text.
pub(super) fn style(used: &Used, embed: bool) -> String {
    if !(used.proportional || used.monospace) {
        return String::new();
    }
    let mut css = format!("text {{ font-family: {PROPORTIONAL}; }}\n");
    if used.monospace {
        let _ = writeln!(css, "text.mono {{ font-family: {MONOSPACE}; }}");
    }
    if embed {
        let _ = writeln!(
            css,
            "@font-face {{ font-family: 'DejaVu Sans'; src: url(data:font/ttf;base64,{}) format('truetype'); }}",
            base64(DEJAVU_SANS)
        );
    }
    format!("<style>\n{css}</style>\n")
}
