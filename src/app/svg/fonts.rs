//! Fonts in the SVG: the CSS family list for each egui family, in the order
//! egui falls back through them (src/app/style.rs installs them), and,
//! when asked, DejaVu Sans embedded as a data URI.

use egui::FontFamily;

use super::textures::base64;
use crate::app::style::DEJAVU_SANS;

/// The egui families the text used.
#[derive(Default)]
pub(super) struct Used {
    pub proportional: bool,
    pub monospace: bool,
}

/// The `font-family` value for egui's `family`: the bundled fonts by name
/// in egui's fallback order (DejaVu Sans carries λ σ Σ ᵀ ≈ √), then the
/// generic family.
pub(super) fn css_family(family: &FontFamily, used: &mut Used) -> &'static str {
    match family {
        FontFamily::Monospace => {
            used.monospace = true;
            "Hack, 'DejaVu Sans Mono', 'DejaVu Sans', 'Droid Sans Fallback', NanumSquare, monospace"
        }
        FontFamily::Proportional | FontFamily::Name(_) => {
            used.proportional = true;
            "'DejaVu Sans', Ubuntu, 'Noto Emoji', 'Droid Sans Fallback', NanumSquare, sans-serif"
        }
    }
}

/// The `<style>` element for the document: DejaVu Sans as an `@font-face`
/// data URI when `embed` and text was drawn; nothing otherwise.
pub(super) fn style(used: &Used, embed: bool) -> String {
    if !embed || !(used.proportional || used.monospace) {
        return String::new();
    }
    format!(
        "<style>@font-face {{ font-family: 'DejaVu Sans'; src: url(data:font/ttf;base64,{}) format('truetype'); }}</style>\n",
        base64(DEJAVU_SANS)
    )
}
