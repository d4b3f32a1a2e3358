//! Looks shared by the window and headless rendering: fonts, theme and the
//! colour maps (Okabe–Ito for labels, viridis for magnitudes, a diverging map
//! for signed values).

use egui::{Color32, FontData, FontDefinitions, FontFamily};

use crate::scene::Theme;

/// DejaVu Sans carries the math glyphs egui's default fonts lack (λ σ Σ θ μ ᵀ ₁ ₂ ≈ ≠ √ · ×).
/// Licence: assets/fonts/DejaVuSans-LICENSE.txt (Bitstream Vera, free to ship).
pub(crate) const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Droid Sans Fallback: Chinese, Japanese and Korean, so column names and
/// labels in those scripts draw as text, not boxes (the last fallback, used
/// only for glyphs the others lack). Google's font as Debian ships it in
/// fonts-droid-fallback; licence: assets/fonts/DroidSansFallback-LICENSE.txt
/// (Apache 2.0). 4 MB.
const DROID_SANS_FALLBACK: &[u8] = include_bytes!("../../assets/fonts/DroidSansFallbackFull.ttf");

/// NanumSquare Regular: the Hangul syllables Droid Sans Fallback lacks, for
/// Korean. NAVER's font as Debian ships it in fonts-nanum; licence:
/// assets/fonts/NanumSquare-LICENSE.txt (SIL Open Font License 1.1). 0.7 MB.
const NANUM_SQUARE: &[u8] = include_bytes!("../../assets/fonts/NanumSquareR.ttf");

/// Installs the bundled fonts: DejaVu Sans first for proportional text and a
/// fallback for monospace; Droid Sans Fallback and NanumSquare last in both,
/// for Chinese, Japanese and Korean.
pub fn install_fonts(ctx: &egui::Context) {
    ctx.set_fonts(font_definitions());
}

/// The fonts [`install_fonts`] installs (the SVG tests rasterize with them).
#[must_use]
pub fn font_definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(
        "DejaVuSans".to_owned(),
        std::sync::Arc::new(FontData::from_static(DEJAVU_SANS)),
    );
    fonts.font_data.insert(
        "DroidSansFallback".to_owned(),
        std::sync::Arc::new(FontData::from_static(DROID_SANS_FALLBACK)),
    );
    fonts.font_data.insert(
        "NanumSquare".to_owned(),
        std::sync::Arc::new(FontData::from_static(NANUM_SQUARE)),
    );
    let cjk = ["DroidSansFallback".to_owned(), "NanumSquare".to_owned()];
    if let Some(family) = fonts.families.get_mut(&FontFamily::Proportional) {
        family.insert(0, "DejaVuSans".to_owned());
        family.extend(cjk.iter().cloned());
    }
    if let Some(family) = fonts.families.get_mut(&FontFamily::Monospace) {
        family.push("DejaVuSans".to_owned());
        family.extend(cjk);
    }
    fonts
}

/// Everything the window and `render` set up before the first frame.
pub fn setup(ctx: &egui::Context, theme: Theme) {
    install_fonts(ctx);
    // Help and notes in small text stay readable: egui's 9 points is too
    // small for a projector or a laptop at arm's length.
    ctx.all_styles_mut(|style| {
        if let Some(small) = style.text_styles.get_mut(&egui::TextStyle::Small) {
            small.size = SMALL_TEXT;
        }
    });
    set_theme(ctx, theme);
}

/// Size of small text (help, notes, captions under pictures), in points.
pub const SMALL_TEXT: f32 = 11.0;
const _: () = assert!(SMALL_TEXT >= 11.0, "help text stays readable");

/// Switches between the light and dark look.
pub fn set_theme(ctx: &egui::Context, theme: Theme) {
    ctx.set_theme(match theme {
        Theme::Light => egui::Theme::Light,
        Theme::Dark => egui::Theme::Dark,
    });
}

/// The current theme of `ctx`.
#[must_use]
pub fn theme_of(ctx: &egui::Context) -> Theme {
    if ctx.global_style().visuals.dark_mode {
        Theme::Dark
    } else {
        Theme::Light
    }
}

/// Okabe–Ito: eight colours distinguishable under the common colour-vision deficiencies.
/// Black is left out (it vanishes on the dark theme); the rest cycle.
const OKABE_ITO: [Color32; 7] = [
    Color32::from_rgb(0xE6, 0x9F, 0x00), // orange
    Color32::from_rgb(0x56, 0xB4, 0xE9), // sky blue
    Color32::from_rgb(0x00, 0x9E, 0x73), // bluish green
    Color32::from_rgb(0xCC, 0x79, 0xA7), // reddish purple
    Color32::from_rgb(0x00, 0x72, 0xB2), // blue
    Color32::from_rgb(0xD5, 0x5E, 0x00), // vermillion
    Color32::from_rgb(0xF0, 0xE4, 0x42), // yellow
];

/// The colour of category `i` of a label column: the seven Okabe–Ito
/// colours, then the same seven muted darker, then muted lighter, so that up to 21
/// categories stay apart even where every point is a plain dot (a scatter
/// drawn as one image has no marker shapes).
#[must_use]
pub fn category_color(i: usize) -> Color32 {
    let base = OKABE_ITO[i % OKABE_ITO.len()];
    // The second and third rounds are muted toward a dark and a light grey
    // (not toward black and white, which vanish on the dark and the light
    // theme), so every colour stands out on both backgrounds.
    match (i / OKABE_ITO.len()) % 3 {
        0 => base,
        1 => base.lerp_to_gamma(Color32::from_gray(90), 0.5),
        _ => base.lerp_to_gamma(Color32::from_gray(150), 0.5),
    }
}

/// Points drawn when there is no label column to colour by.
#[must_use]
pub fn neutral_point_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x56, 0xB4, 0xE9)
    } else {
        Color32::from_rgb(0x00, 0x72, 0xB2)
    }
}

fn lerp_stops(stops: &[[u8; 3]], t: f32) -> Color32 {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let last = stops.len().saturating_sub(1);
    let x = t * last as f32;
    let i = (x.floor() as usize).min(last.saturating_sub(1));
    let f = x - i as f32;
    let (Some(a), Some(b)) = (stops.get(i), stops.get(i + 1)) else {
        return Color32::GRAY;
    };
    let mix = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * f).round() as u8;
    Color32::from_rgb(mix(a[0], b[0]), mix(a[1], b[1]), mix(a[2], b[2]))
}

/// Viridis (perceptually uniform), `t` in 0..=1. Stops sampled from matplotlib's table.
#[must_use]
pub fn viridis(t: f32) -> Color32 {
    const STOPS: [[u8; 3]; 9] = [
        [68, 1, 84],
        [71, 44, 122],
        [59, 81, 139],
        [44, 113, 142],
        [33, 144, 141],
        [39, 173, 129],
        [92, 200, 99],
        [170, 220, 50],
        [253, 231, 37],
    ];
    lerp_stops(&STOPS, t)
}

/// A diverging map for signed values, `t` in -1..=1: blue below zero, near-white
/// at zero, red above (ColorBrewer RdBu, reversed so positive is warm).
#[must_use]
pub fn diverging(t: f32) -> Color32 {
    const STOPS: [[u8; 3]; 9] = [
        [33, 102, 172],
        [67, 147, 195],
        [146, 197, 222],
        [209, 229, 240],
        [247, 247, 247],
        [253, 219, 199],
        [244, 165, 130],
        [214, 96, 77],
        [178, 24, 43],
    ];
    lerp_stops(&STOPS, f32::midpoint(t, 1.0))
}

/// Black or white, whichever reads better on `bg`.
#[must_use]
pub fn text_on(bg: Color32) -> Color32 {
    let l = 0.299 * f32::from(bg.r()) + 0.587 * f32::from(bg.g()) + 0.114 * f32::from(bg.b());
    if l > 140.0 {
        Color32::from_gray(20)
    } else {
        Color32::from_gray(245)
    }
}

/// A number with a sensible precision for display: about `sig` significant
/// digits, trailing zeros trimmed, scientific notation for very large or small
/// magnitudes, and "—" for a missing value.
#[must_use]
pub fn fmt_num(x: f64, sig: usize) -> String {
    if x.is_nan() {
        return "—".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "∞".to_owned()
        } else {
            "−∞".to_owned()
        };
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    let mag = x.abs().log10().floor() as i32;
    let s = if (-4..6).contains(&mag) {
        let decimals = (sig as i32 - 1 - mag).max(0) as usize;
        let s = format!("{x:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    } else {
        format!("{:.*e}", sig.saturating_sub(1), x)
    };
    // A true minus sign reads as math.
    s.replacen('-', "−", 1)
}

/// A count with thousands separators: 1000000 → "1,000,000".
#[must_use]
pub fn fmt_count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Precision follows significant digits and trims zeros; specials read as symbols.
    #[test]
    fn numbers_format_sensibly() {
        assert_eq!(fmt_num(5.1, 4), "5.1");
        assert_eq!(fmt_num(3.057_333, 4), "3.057");
        assert_eq!(fmt_num(-0.117_51, 3), "−0.118");
        assert_eq!(fmt_num(1234.5678, 4), "1235");
        assert_eq!(fmt_num(f64::NAN, 4), "—");
        assert_eq!(fmt_num(1.5e9, 3), "1.50e9");
    }

    /// Found by the reliability pass (class 9): CJK column names drew as
    /// boxes. The installed fonts have Chinese, Japanese and Korean glyphs,
    /// and the math glyphs, in both families.
    #[test]
    fn fonts_cover_cjk_and_math() {
        let ctx = egui::Context::default();
        install_fonts(&ctx);
        let _ = ctx.run_ui(egui::RawInput::default(), |_| {});
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            let id = egui::FontId::new(14.0, family);
            for c in "東京人口とうきょう서울λσΣθμᵀ₁≈√".chars() {
                assert!(ctx.fonts_mut(|f| f.has_glyph(&id, c)), "{c} in {id:?}");
            }
        }
    }

    /// Help text is not tiny: small text is at least 11 points in both themes.
    #[test]
    fn small_text_is_readable() {
        let ctx = egui::Context::default();
        for theme in [Theme::Light, Theme::Dark] {
            setup(&ctx, theme);
            let size = ctx
                .global_style()
                .text_styles
                .get(&egui::TextStyle::Small)
                .map(|f| f.size);
            assert_eq!(size, Some(SMALL_TEXT));
        }
    }

    /// Group colours are not dim on the dark theme's black (the issue's
    /// complaint about the darker round) nor pale on the light theme's white.
    #[test]
    fn group_colours_stand_out_on_both_themes() {
        fn lum(c: Color32) -> f32 {
            let lin = |v: u8| {
                let v = f32::from(v) / 255.0;
                if v <= 0.04045 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
        }
        let contrast = |a: Color32, b: Color32| {
            let (x, y) = (lum(a), lum(b));
            (x.max(y) + 0.05) / (x.min(y) + 0.05)
        };
        let dark = egui::Visuals::dark().panel_fill;
        let light = egui::Visuals::light().panel_fill;
        for i in 0..21 {
            let c = category_color(i);
            assert!(contrast(c, dark) >= 2.5, "colour {i} {c:?} is dim on black");
            if i >= 7 {
                assert!(
                    contrast(c, light) >= 1.8,
                    "colour {i} {c:?} is pale on white"
                );
            }
            for j in 0..i {
                assert_ne!(category_color(j), c, "colours {j} and {i}");
            }
        }
    }

    /// Counts get thousands separators.
    #[test]
    fn counts_have_separators() {
        assert_eq!(fmt_count(0), "0");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_count(1000), "1,000");
        assert_eq!(fmt_count(1_000_000), "1,000,000");
    }

    /// The diverging map is near-white at zero and differs in hue at the ends.
    #[test]
    fn diverging_is_centred() {
        let mid = diverging(0.0);
        assert!(mid.r() > 240 && mid.g() > 240 && mid.b() > 240);
        assert!(diverging(-1.0).b() > diverging(-1.0).r());
        assert!(diverging(1.0).r() > diverging(1.0).b());
    }
}
