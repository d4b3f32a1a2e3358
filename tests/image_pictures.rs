//! Pictures from files written by Pillow (tests/fixtures/pictures): exact
//! pixels for PNG, close ones for JPEG, large pictures downscaled with a
//! note, and broken or oversized files refused with the file named.

use std::path::PathBuf;

use eigenlens::data::{LoadError, PICTURE_BUILTINS, load_picture, load_picture_ref, parse_picture};
use eigenlens::math::svd::{Channels, MAX_SIDE, PictureSvd};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pictures")
        .join(name)
}

#[test]
fn png_pixels_are_read_exactly() {
    let p = load_picture(&fixture("gradient-rgb.png")).expect("the PNG opens");
    assert_eq!((p.width, p.height), (40, 30));
    assert!(!p.gray);
    assert_eq!(p.note, None);
    for r in 0..30 {
        for c in 0..40 {
            let px = &p.rgb[(r * 40 + c) * 3..][..3];
            assert_eq!(px, [6 * c as u8, 8 * r as u8, 200], "pixel ({r}, {c})");
        }
    }
}

#[test]
fn a_grayscale_png_is_gray() {
    let p = load_picture(&fixture("gray-l.png")).expect("the PNG opens");
    assert_eq!((p.width, p.height), (24, 16));
    assert!(p.gray);
    let v = p.rgb[(5 * 24 + 7) * 3];
    assert_eq!(v, 10 * 7 + 5);
}

#[test]
fn jpeg_pixels_are_close() {
    let p = load_picture(&fixture("gradient.jpg")).expect("the JPEG opens");
    assert_eq!((p.width, p.height), (40, 30));
    let mut worst = 0_i32;
    for r in 0..30 {
        for c in 0..40 {
            let px = &p.rgb[(r * 40 + c) * 3..][..3];
            let want = [6 * c as i32, 8 * r as i32, 200];
            for ch in 0..3 {
                worst = worst.max((i32::from(px[ch]) - want[ch]).abs());
            }
        }
    }
    assert!(worst <= 24, "JPEG at quality 95 is off by {worst} levels");
}

#[test]
fn broken_and_oversized_files_are_refused_naming_the_file() {
    for (name, words) in [
        ("huge-header.png", "30000 × 30000"),
        ("truncated.png", ""),
        ("README.md", "neither a PNG nor a JPEG"),
    ] {
        let path = fixture(name);
        let e = load_picture(&path).expect_err(name);
        let msg = e.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains(words), "{msg}");
        assert!(matches!(e, LoadError::Picture { .. }), "{e:?}");
    }
    let e = parse_picture(b"", "empty.png").expect_err("empty");
    assert!(e.to_string().contains("empty.png"), "{e}");
    let e = load_picture(&fixture("no-such.png")).expect_err("missing");
    assert!(matches!(e, LoadError::Io { .. }), "{e:?}");
}

#[test]
fn a_large_picture_is_downscaled_and_says_so() {
    // 3000 × 100, written here by the image crate's PNG encoder.
    let img = image::RgbImage::from_fn(3000, 100, |x, y| image::Rgb([(x % 256) as u8, y as u8, 9]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    img.write_to(&mut bytes, image::ImageFormat::Png)
        .expect("encode");
    let p = parse_picture(bytes.get_ref(), "wide.png").expect("it opens");
    assert_eq!(p.width, MAX_SIDE);
    assert_eq!(p.height, 68);
    let note = p.note.expect("a note");
    assert!(
        note.contains("3000 × 100") && note.contains("2048 × 68"),
        "{note}"
    );
}

#[test]
fn builtins_open_and_lowrank_has_rank_three() {
    for b in PICTURE_BUILTINS {
        let p = b.load().expect(b.id);
        assert_eq!(p.rgb.len(), p.width * p.height * 3, "{}", b.id);
    }
    let p = load_picture_ref("builtin:lowrank").expect("lowrank");
    let svd = PictureSvd::of(&p.rgb, p.width, p.height, Channels::Gray, &|| false)
        .expect("svd")
        .expect("not cancelled");
    let sigma = &svd.svds[0].sigma;
    assert!(sigma[2] > 1.0, "{:?}", &sigma[..4]);
    assert!(sigma[3] < 1e-9 * sigma[0], "{:?}", &sigma[..4]);
    let e = load_picture_ref("builtin:nope").expect_err("unknown");
    assert!(e.to_string().contains("astronaut"), "{e}");
}

#[test]
fn cancelling_stops_between_channels() {
    let p = load_picture_ref("builtin:lowrank").expect("lowrank");
    let asked = std::cell::Cell::new(0);
    let out = PictureSvd::of(&p.rgb, p.width, p.height, Channels::Rgb, &|| {
        asked.set(asked.get() + 1);
        asked.get() > 1
    })
    .expect("no error");
    assert!(out.is_none());
    assert_eq!(asked.get(), 2);
}

#[test]
fn rebuild_by_any_route_matches_reconstruct() {
    use eigenlens::math::svd::{Rebuild, Svd, frobenius_error};
    let p = load_picture_ref("builtin:astronaut").expect("astronaut");
    let svd = PictureSvd::of(&p.rgb, p.width, p.height, Channels::Gray, &|| false)
        .expect("svd")
        .expect("not cancelled");
    let (a, s): (&nalgebra::DMatrix<f64>, &Svd) = (&svd.matrices[0], &svd.svds[0]);
    let mut r = Rebuild::new(s);
    // Up from zero, a small step up, down, down from the full picture, to 0.
    for k in [40, 45, 30, 500, 2, 0, 512] {
        r.set(s, Some(a), k);
        let direct = s.reconstruct(k);
        let err = frobenius_error(r.picture(), &direct) / a.norm();
        assert!(err < 1e-10, "k={k}: {err}");
        assert_eq!(r.rank(), k);
    }
}
