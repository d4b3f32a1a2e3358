//! SVG output: every shipped scene rendered as SVG, rasterized with resvg,
//! matches its PNG render; text is `<text>`, clip rectangles are
//! `<clipPath>`s, raster layers are `<image>`s; the CLI's SVG options.
//! Run with `WGPU_BACKEND=gl` (the PNG side needs Mesa's llvmpipe).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::repo;
use image::RgbaImage;

fn eigenlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eigenlens"))
        .args(args)
        .output()
        .expect("run eigenlens")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn shipped_scenes() -> Vec<PathBuf> {
    let mut scenes: Vec<PathBuf> = std::fs::read_dir(repo().join("assets/scenes"))
        .expect("assets/scenes")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    scenes.sort();
    assert!(scenes.len() >= 16, "{scenes:?}");
    scenes
}

/// Renders `scene` as SVG through the CLI into `dir`, returning the text.
fn render_svg(scene: &str, dir: &Path, extra: &[&str]) -> String {
    let out = dir.join(format!(
        "{}.svg",
        Path::new(scene)
            .file_stem()
            .expect("stem")
            .to_string_lossy()
    ));
    let out_str = out.to_str().expect("utf-8 path");
    let mut args = vec!["render", scene, "-o", out_str];
    args.extend(extra);
    let o = eigenlens(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read_to_string(&out).expect("read the SVG")
}

/// `svg` drawn by resvg at `width` pixels wide, with the fonts the app
/// installs in egui (the SVG names them; resvg ignores `@font-face`).
fn rasterize(svg: &[u8], width: u32) -> RgbaImage {
    let mut fonts = resvg::usvg::fontdb::Database::new();
    for data in eigenlens::app::style::font_definitions().font_data.values() {
        fonts.load_font_data((*data.font).as_ref().to_vec());
    }
    let options = resvg::usvg::Options {
        fontdb: std::sync::Arc::new(fonts),
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_data(svg, &options).expect("a valid SVG");
    let scale = width as f32 / tree.size().width();
    let height = (tree.size().height() * scale).round() as u32;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height).expect("pixmap");
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let pixels = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    RgbaImage::from_raw(width, height, pixels).expect("image")
}

/// How many 4 × 4 pixel blocks of `a` and `b` differ by more than 32 (of
/// 255) in some channel of their mean colour, and how many blocks there are.
/// Antialiasing and glyph rasterizers differ at edges (single pixels), so
/// pixels are compared in blocks: a missing label, picture or shape moves
/// the mean of its blocks well past 32.
fn differing_blocks(a: &RgbaImage, b: &RgbaImage) -> (usize, usize) {
    let (w, h) = (a.width() / 4, a.height() / 4);
    let mean = |img: &RgbaImage, bx: u32, by: u32| {
        let mut sum = [0u32; 4];
        for y in 0..4 {
            for x in 0..4 {
                let p = img.get_pixel(bx * 4 + x, by * 4 + y).0;
                for c in 0..4 {
                    sum[c] += u32::from(p[c]);
                }
            }
        }
        sum.map(|s| s / 16)
    };
    let mut differing = 0;
    for by in 0..h {
        for bx in 0..w {
            let (m, n) = (mean(a, bx, by), mean(b, bx, by));
            if m.iter().zip(n.iter()).any(|(x, y)| x.abs_diff(*y) > 32) {
                differing += 1;
            }
        }
    }
    (differing, (w * h) as usize)
}

/// The text of every `<text>` element (its `<tspan>`s joined), entities
/// decoded: what selecting it and copying gives.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            let body = &body[..body.find("</text>")?];
            let mut plain = String::new();
            for part in body.split("<tspan") {
                plain.push_str(part.find('>').map_or(part, |end| {
                    if part.starts_with(' ') {
                        &part[end + 1..]
                    } else {
                        part
                    }
                }));
            }
            let body = plain.replace("</tspan>", "");
            Some(
                body.replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&"),
            )
        })
        .collect()
}

/// Every shipped scene as SVG, rasterized by resvg at the PNG's size, looks
/// like its PNG: at most 0.5% of 4 × 4 blocks differ (measured: 0.02–0.13%;
/// the same SVGs with their text removed differ in 1.4–2.3%, with their
/// pictures or raster layers missing in 14–50%).
#[test]
fn every_shipped_scene_matches_its_png() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenes = shipped_scenes();
    let names: Vec<&str> = scenes.iter().map(|p| p.to_str().expect("utf-8")).collect();
    for (format, sub) in [("png", "png/"), ("svg", "svg/")] {
        let out = format!("{}/{sub}", dir.path().display());
        let mut args = vec!["render"];
        args.extend(&names);
        args.extend(["-o", &out, "--format", format]);
        let o = eigenlens(&args);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
    }
    let mut failures = Vec::new();
    for scene in &scenes {
        let stem = scene.file_stem().expect("stem").to_string_lossy();
        let png_path = dir.path().join(format!("png/{stem}.png"));
        let png = image::open(&png_path).expect("the PNG").to_rgba8();
        let svg = std::fs::read(dir.path().join(format!("svg/{stem}.svg"))).expect("the SVG");
        let drawn = rasterize(&svg, png.width());
        assert_eq!(drawn.dimensions(), png.dimensions(), "{stem}");
        let (differing, total) = differing_blocks(&png, &drawn);
        if differing * 200 > total {
            failures.push(format!("{stem}: {differing} of {total} blocks differ"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Text stays text: the labels, the table and the math symbols of a view
/// are `<text>` elements with their strings, and rotated axis titles keep
/// their rotation.
#[test]
fn text_is_selectable_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenes = repo().join("assets/scenes");
    let pca = render_svg(
        scenes.join("pca-iris-2d.toml").to_str().expect("utf-8"),
        dir.path(),
        &[],
    );
    let all = texts(&pca).join("\n");
    for want in [
        "iris",
        "PC1 (95.8%)",
        "variance λ",
        "sepal_length",
        "setosa",
    ] {
        assert!(all.contains(want), "{want:?} not among the texts:\n{all}");
    }
    assert!(
        pca.contains("<g transform=\"rotate(-90"),
        "the y axis title is not rotated"
    );
    let factorize = render_svg(
        scenes
            .join("factorize-movie-night.toml")
            .to_str()
            .expect("utf-8"),
        dir.path(),
        &[],
    );
    let factorize = texts(&factorize);
    assert!(factorize.iter().any(|t| t.contains("Qᵀ")));
    // A combining hat stays on its letter (egui's glyphs for it both say r).
    assert!(
        factorize
            .iter()
            .any(|t| t.starts_with("r\u{302} = μ + (row of P)")),
        "{factorize:#?}"
    );
    // Ligatures (egui draws ﬁ as one glyph) keep their letters.
    let image = render_svg(
        scenes.join("image-rank-5.toml").to_str().expect("utf-8"),
        dir.path(),
        &[],
    );
    assert!(
        texts(&image)
            .iter()
            .any(|t| t.contains("the first 5 layers"))
    );
    // The font: DejaVu Sans by name (it has λ Σ ᵀ), not embedded unless asked.
    assert!(pca.contains("font-family: 'DejaVu Sans'"));
    assert!(!pca.contains("@font-face"));
}

/// `--embed-fonts` puts DejaVu Sans into the file as a data URI.
#[test]
fn fonts_embed_on_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scene = repo().join("assets/scenes/transform-shear.toml");
    let svg = render_svg(
        scene.to_str().expect("utf-8"),
        dir.path(),
        &["--embed-fonts"],
    );
    assert!(
        svg.contains(
            "@font-face { font-family: 'DejaVu Sans'; src: url(data:font/ttf;base64,AAEAAA"
        )
    );
    assert!(svg.len() > 1_000_000, "{} bytes", svg.len());
}

/// Plots are clipped: their clip rectangles are `<clipPath>`s that the
/// drawing uses, and without them the picture no longer matches the PNG
/// (lines and points would spill out of the plot frames).
#[test]
fn plots_are_clipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scene = repo().join("assets/scenes/transform-shear.toml");
    let scene = scene.to_str().expect("utf-8");
    let svg = render_svg(scene, dir.path(), &[]);
    let clips = svg.matches("<clipPath id=").count();
    assert!(clips >= 2, "{clips} clip paths");
    assert!(svg.contains("clip-path=\"url(#c"));
    let png_path = dir.path().join("shear.png");
    let o = eigenlens(&["render", scene, "-o", png_path.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let png = image::open(&png_path).expect("png").to_rgba8();
    let (clipped, _) = differing_blocks(&png, &rasterize(svg.as_bytes(), png.width()));
    let unclipped_svg = svg.replace("clip-path=\"url(#", "data-was-clipped=\"(#");
    let (unclipped, total) =
        differing_blocks(&png, &rasterize(unclipped_svg.as_bytes(), png.width()));
    assert!(
        unclipped > clipped * 2 && unclipped * 1000 > total,
        "clipped: {clipped}, unclipped: {unclipped} of {total} blocks differ"
    );
}

/// A million-point scatter stays small: its points are one embedded PNG
/// (the views rasterize above 50,000 points), not a circle each.
#[test]
fn large_scatters_stay_one_image() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scene = repo().join("assets/scenes/scale-1m.toml");
    let svg = render_svg(scene.to_str().expect("utf-8"), dir.path(), &[]);
    assert!(svg.contains("<image id=\"i") && svg.contains("data:image/png;base64,"));
    let circles = svg.matches("<circle").count();
    assert!(circles < 1000, "{circles} circles");
    assert!(svg.len() < 3_000_000, "{} bytes", svg.len());
}

/// Pictures are embedded at their pixel size, drawn with sharp texels as in
/// the window (`image-rendering="pixelated"`).
#[test]
fn pictures_are_embedded_at_pixel_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scene = repo().join("assets/scenes/image-rank-5.toml");
    let svg = render_svg(scene.to_str().expect("utf-8"), dir.path(), &[]);
    assert!(
        svg.contains("<image id=\"i") && svg.contains("width=\"512\" height=\"512\""),
        "no 512 × 512 picture"
    );
    assert!(svg.contains("image-rendering=\"pixelated\""));
}

/// `--width`/`--height` are points, and the SVG says so: a figure sized for
/// a column of print.
#[test]
fn size_is_in_points() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scene = repo().join("assets/scenes/transform-shear.toml");
    let svg = render_svg(
        scene.to_str().expect("utf-8"),
        dir.path(),
        &["--width", "469", "--height", "300", "--scale", "2"],
    );
    assert!(
        svg.contains("width=\"469pt\" height=\"300pt\" viewBox=\"0 0 469 300\""),
        "{}",
        &svg[..300.min(svg.len())]
    );
}

/// `--frames N` with an .svg pattern writes N numbered SVGs along the
/// animation (they differ); a DIR/ batch names them after the scene.
#[test]
fn frames_write_numbered_svgs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scene = repo().join("assets/scenes/transform-shear.toml");
    let scene = scene.to_str().expect("utf-8");
    let pattern = dir.path().join("f/%02d.svg");
    let o = eigenlens(&[
        "render",
        scene,
        "-o",
        pattern.to_str().expect("utf-8"),
        "--frames",
        "3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let frames: Vec<String> = (0..3)
        .map(|i| std::fs::read_to_string(dir.path().join(format!("f/{i:02}.svg"))).expect("frame"))
        .collect();
    assert!(frames.iter().all(|f| f.starts_with("<svg")));
    assert_ne!(frames[0], frames[2], "the animation did not move");
    let batch = format!("{}/", dir.path().join("batch").display());
    let o = eigenlens(&[
        "render", scene, "-o", &batch, "--format", "svg", "--frames", "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for i in 0..2 {
        assert!(
            dir.path()
                .join(format!("batch/transform-shear-{i:03}.svg"))
                .is_file()
        );
    }
}

/// Bad SVG requests are usage errors (exit 2) naming what is wrong.
#[test]
fn bad_svg_requests_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scene = repo().join("assets/scenes/transform-shear.toml");
    let scene = scene.to_str().expect("utf-8");
    let svg = dir.path().join("out.svg");
    let svg = svg.to_str().expect("utf-8");
    for (args, says) in [
        (vec!["--format", "bmp"], "bmp"),
        (vec!["--format", "png"], "--format png disagrees"),
        (vec!["--frames", "3"], "numbered SVGs"),
    ] {
        let mut all = vec!["render", scene, "-o", svg];
        all.extend(args);
        let o = eigenlens(&all);
        assert_eq!(o.status.code(), Some(2), "{all:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{all:?}: {}", stderr(&o));
    }
    // Raster layers are drawn at the pixel size: 8192 points at scale 4 is
    // refused before anything is drawn.
    let o = eigenlens(&[
        "render", scene, "-o", svg, "--width", "8192", "--scale", "4",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("at most 16384 pixels a side"),
        "{}",
        stderr(&o)
    );
    let pattern = dir.path().join("f%d.svg");
    let o = eigenlens(&["render", scene, "-o", pattern.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!Path::new(svg).exists());
}
