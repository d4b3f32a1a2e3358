//! The Transform view's colours, one per meaning, for the light and the dark
//! theme: the basis vectors (Okabe–Ito, as the orbit gizmo's x, y, z), the
//! eigenvectors, the singular values, the unit square's image when A keeps
//! or flips orientation, and the column space of a singular A. No two
//! meanings share a colour (`tests/transform_ui.rs` checks their distance in
//! CIELAB), so a legend is never needed to tell î from λ₃ or σ from λ₁.

use egui::Color32;

/// What each thing the Transform view draws is coloured by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    /// î, ĵ, k̂.
    pub basis: [Color32; 3],
    /// The eigenvector lines λ₁, λ₂, λ₃.
    pub eigen: [Color32; 3],
    /// The unit circle's image (the ellipse) and its semi-axes σᵢ·uᵢ.
    pub sigma: Color32,
    /// The unit square's (cube's) image and its det label when det ≥ 0.
    pub keep: Color32,
    /// The same when det < 0: A flips orientation.
    pub flip: Color32,
    /// The line (plane) a singular A sends everything onto.
    pub column_space: Color32,
    /// The images of the grid lines (faint, behind everything).
    pub grid: Color32,
}

/// î, ĵ, k̂ in both themes: the orbit gizmo's x, y, z.
const BASIS: [Color32; 3] = [
    Color32::from_rgb(213, 94, 0),
    Color32::from_rgb(0, 158, 115),
    Color32::from_rgb(0, 114, 178),
];

/// On a light background.
pub const LIGHT: Palette = Palette {
    basis: BASIS,
    eigen: [
        Color32::from_rgb(130, 60, 200),
        Color32::from_rgb(205, 40, 140),
        Color32::from_rgb(130, 125, 0),
    ],
    sigma: Color32::from_rgb(0, 150, 175),
    keep: Color32::from_rgb(30, 40, 120),
    flip: Color32::from_rgb(200, 20, 40),
    column_space: Color32::from_rgb(125, 70, 20),
    grid: Color32::from_rgba_unmultiplied_const(70, 100, 140, 70),
};

/// On a dark background.
pub const DARK: Palette = Palette {
    basis: BASIS,
    eigen: [
        Color32::from_rgb(185, 140, 255),
        Color32::from_rgb(255, 110, 190),
        Color32::from_rgb(215, 205, 60),
    ],
    sigma: Color32::from_rgb(120, 225, 245),
    keep: Color32::from_rgb(175, 185, 255),
    flip: Color32::from_rgb(255, 80, 80),
    column_space: Color32::from_rgb(205, 150, 90),
    grid: Color32::from_rgba_unmultiplied_const(120, 150, 190, 70),
};

impl Palette {
    /// The palette of the light or the dark theme.
    #[must_use]
    pub fn of(dark: bool) -> Self {
        if dark { DARK } else { LIGHT }
    }

    /// Every meaning with its colour (the grid, a faint backdrop, aside).
    #[must_use]
    pub fn meanings(&self) -> [(&'static str, Color32); 10] {
        [
            ("î", self.basis[0]),
            ("ĵ", self.basis[1]),
            ("k̂", self.basis[2]),
            ("λ₁", self.eigen[0]),
            ("λ₂", self.eigen[1]),
            ("λ₃", self.eigen[2]),
            ("σ", self.sigma),
            ("det > 0", self.keep),
            ("det < 0", self.flip),
            ("column space", self.column_space),
        ]
    }

    /// The translucent fill of the unit square's (cube's) image.
    #[must_use]
    pub fn fill(&self, flipped: bool) -> Color32 {
        let c = if flipped { self.flip } else { self.keep };
        Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), 45)
    }
}
