//! What the Image view shows once a picture is decomposed: the rank-k
//! picture kept up to date per channel, its texture, the residual's and the
//! layers' textures, each remade only when what it shows changes.

use std::path::Path;
use std::sync::Arc;

use egui::{ColorImage, Context, TextureHandle, TextureOptions, Ui};
use nalgebra::DMatrix;

use crate::app::job::{JobError, Latest};
use crate::data::Picture;
use crate::math::svd::{PictureSvd, Rebuild, to_rgb8};
use crate::scene::{ImageChannels, ImageSettings};

/// What a decomposition depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FitKey {
    /// The picture's generation in the view.
    pub generation: u64,
    pub channels: ImageChannels,
}

/// Sharp pixels when zoomed in, smooth when the picture is shrunk.
pub(super) const PIXELS: TextureOptions = TextureOptions {
    magnification: egui::TextureFilter::Nearest,
    minification: egui::TextureFilter::Linear,
    wrap_mode: egui::TextureWrapMode::ClampToEdge,
    mipmap_mode: None,
};

/// The decomposed picture and what is drawn of it.
pub(super) struct Shown {
    pub key: FitKey,
    pub svd: Arc<PictureSvd>,
    rebuilds: Vec<Rebuild>,
    pub original: TextureHandle,
    /// The rank-k picture and the k it shows.
    pub rebuilt: TextureHandle,
    rebuilt_k: Option<usize>,
    /// The residual: the (k, amplification) it shows, its texture and its
    /// matrices (the numbers in the zoomed cells).
    residual: Option<Residual>,
    /// The gallery: (count, layer textures, running-sum textures, scales).
    layers: Option<Gallery>,
}

/// The residual A − A_k shown beside the pictures.
struct Residual {
    /// (k, the amplification's bits) it was made for.
    shows: (usize, u64),
    texture: TextureHandle,
    matrices: Vec<DMatrix<f64>>,
}

/// The rank-1 layers' textures and their running sums.
pub(super) struct Gallery {
    pub count: usize,
    pub layers: Vec<TextureHandle>,
    pub sums: Vec<TextureHandle>,
}

fn texture(ctx: &Context, name: &str, svd: &PictureSvd, rgb: &[u8]) -> TextureHandle {
    let image = ColorImage::from_rgb([svd.width, svd.height], rgb);
    ctx.load_texture(name, image, PIXELS)
}

impl Shown {
    pub fn new(ctx: &Context, key: FitKey, svd: Arc<PictureSvd>) -> Self {
        let originals: Vec<&DMatrix<f64>> = svd.matrices.iter().collect();
        let original = texture(ctx, "image-original", &svd, &to_rgb8(&originals, 1.0, 0.0));
        let rebuilt = texture(
            ctx,
            "image-rebuilt",
            &svd,
            &vec![0; svd.width * svd.height * 3],
        );
        let rebuilds = svd.svds.iter().map(Rebuild::new).collect();
        Self {
            key,
            svd,
            rebuilds,
            original,
            rebuilt,
            rebuilt_k: None,
            residual: None,
            layers: None,
        }
    }

    /// The rank the rebuilt picture holds.
    pub fn rank(&self) -> usize {
        self.rebuilds.first().map_or(0, Rebuild::rank)
    }

    /// ‖A − A_k‖_F over all channels, measured on the rebuilt matrices.
    pub fn error(&self) -> f64 {
        let pictures: Vec<&DMatrix<f64>> = self.rebuilds.iter().map(Rebuild::picture).collect();
        self.svd.error_of(&pictures)
    }

    /// The matrices of the rank-k picture, one per channel.
    pub fn rebuilt_matrices(&self) -> Vec<&DMatrix<f64>> {
        self.rebuilds.iter().map(Rebuild::picture).collect()
    }

    /// Moves the rank-k picture to `k` and refreshes the textures that show it.
    pub fn set_rank(&mut self, ctx: &Context, k: usize, s: &ImageSettings) {
        let k = k.min(self.svd.full_rank());
        if self.rebuilt_k != Some(k) {
            for ((r, svd), a) in self
                .rebuilds
                .iter_mut()
                .zip(&self.svd.svds)
                .zip(&self.svd.matrices)
            {
                r.set(svd, Some(a), k);
            }
            let rgb = to_rgb8(&self.rebuilt_matrices(), 1.0, 0.0);
            self.rebuilt.set(
                ColorImage::from_rgb([self.svd.width, self.svd.height], &rgb),
                PIXELS,
            );
            self.rebuilt_k = Some(k);
        }
        if s.residual {
            let want = (k, s.amplify.to_bits());
            if self.residual.as_ref().map(|r| r.shows) != Some(want) {
                let diff: Vec<DMatrix<f64>> = self
                    .svd
                    .matrices
                    .iter()
                    .zip(self.rebuilt_matrices())
                    .map(|(a, b)| a - b)
                    .collect();
                let refs: Vec<&DMatrix<f64>> = diff.iter().collect();
                let rgb = to_rgb8(&refs, s.amplify, 128.0);
                let texture = texture(ctx, "image-residual", &self.svd, &rgb);
                self.residual = Some(Residual {
                    shows: want,
                    texture,
                    matrices: diff,
                });
            }
        }
    }

    /// The residual's texture and matrices, when it is shown.
    pub fn residual(&self) -> Option<(&TextureHandle, &[DMatrix<f64>])> {
        self.residual
            .as_ref()
            .map(|r| (&r.texture, r.matrices.as_slice()))
    }

    /// The first `count` layers σᵢ uᵢ vᵢᵀ (grey is 0; each layer scaled to
    /// its own largest value) and the running sums A₁ … A_count.
    pub fn gallery(&mut self, ctx: &Context, count: usize) -> &Gallery {
        let count = count.min(self.svd.full_rank());
        if self.layers.as_ref().is_none_or(|g| g.count != count) {
            let mut layers = Vec::with_capacity(count);
            let mut sums = Vec::with_capacity(count);
            let mut running: Vec<DMatrix<f64>> = self
                .svd
                .matrices
                .iter()
                .map(|a| DMatrix::zeros(a.nrows(), a.ncols()))
                .collect();
            for i in 0..count {
                let layer: Vec<DMatrix<f64>> = self.svd.svds.iter().map(|s| s.layer(i)).collect();
                let peak = layer
                    .iter()
                    .flat_map(|m| m.iter())
                    .fold(0.0_f64, |m, v| m.max(v.abs()))
                    .max(f64::MIN_POSITIVE);
                let refs: Vec<&DMatrix<f64>> = layer.iter().collect();
                layers.push(texture(
                    ctx,
                    &format!("image-layer-{i}"),
                    &self.svd,
                    &to_rgb8(&refs, 127.0 / peak, 128.0),
                ));
                for (r, l) in running.iter_mut().zip(&layer) {
                    *r += l;
                }
                let refs: Vec<&DMatrix<f64>> = running.iter().collect();
                sums.push(texture(
                    ctx,
                    &format!("image-sum-{i}"),
                    &self.svd,
                    &to_rgb8(&refs, 1.0, 0.0),
                ));
            }
            self.layers = Some(Gallery {
                count,
                layers,
                sums,
            });
        }
        self.layers.as_ref().expect("made above")
    }

    /// Writes the rank-k picture (PNG, or JPEG for a .jpg/.jpeg name).
    pub fn export(&self, path: &Path) -> Result<(), String> {
        crate::data::save_picture(path, &self.rebuilt_matrices())
    }
}

/// Before the decomposition is there: its progress and Cancel, or why it failed.
pub(super) fn waiting(
    ui: &mut Ui,
    fits: &mut Latest<FitKey, Arc<PictureSvd>, String>,
    picture: &Picture,
) {
    let what = format!(
        "Decomposing {}: {} × {} pixels, min(m, n) = {} singular values per matrix…",
        picture.name,
        picture.width,
        picture.height,
        picture.width.min(picture.height)
    );
    if let Some(job) = fits.running() {
        let fraction = job.fraction().unwrap_or(0.0);
        let mut cancel = false;
        ui.horizontal(|ui| {
            ui.add(egui::ProgressBar::new(fraction).desired_width(200.0));
            ui.label(what);
            cancel = ui.button("Cancel").clicked();
        });
        if cancel {
            fits.cancel();
        }
        return;
    }
    if fits.cancelled().is_some() {
        let mut retry = false;
        ui.horizontal(|ui| {
            ui.label("The decomposition was cancelled.");
            retry = ui.button("Decompose").clicked();
        });
        if retry {
            fits.retry();
        }
        return;
    }
    if let Some((_, Err(e))) = fits.result() {
        let text = match e {
            JobError::Failed(m) => m.clone(),
            JobError::Cancelled => "cancelled".to_owned(),
            JobError::Lost => "the decomposition stopped unexpectedly".to_owned(),
        };
        ui.colored_label(ui.visuals().error_fg_color, text);
    }
}
