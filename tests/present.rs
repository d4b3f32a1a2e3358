//! Presentation mode: decks load (the shipped one from files and from the
//! binary), bad decks are errors naming the line or the slide, and the keys
//! step through each scene's stages and then the slides.

mod common;

use common::{app_harness, fresh_app, repo, write_file};
use egui::Key;
use egui_kittest::kittest::Queryable;
use eigenlens::app::present;
use eigenlens::deck::{load_builtin_deck, load_deck, parse_deck};
use eigenlens::scene::ViewKind;

fn shipped() -> std::path::PathBuf {
    repo().join("assets/decks/linear-algebra-for-ml.toml")
}

/// The shipped deck tells the whole story, from files or from the binary.
#[test]
fn shipped_deck_loads_both_ways() {
    let files = load_deck(&shipped()).expect("the deck loads from its files");
    let embedded = load_builtin_deck().expect("the built-in deck loads");
    assert_eq!(files.deck, embedded.deck);
    let views: Vec<ViewKind> = files.scenes.iter().map(|s| s.scene.view).collect();
    assert_eq!(
        views,
        [
            ViewKind::Data,
            ViewKind::Transform,
            ViewKind::Transform,
            ViewKind::Transform,
            ViewKind::Pca,
            ViewKind::Image,
            ViewKind::Regress,
            ViewKind::Regress,
            ViewKind::Factorize,
            ViewKind::Factorize,
            ViewKind::Network,
            ViewKind::Network
        ]
    );
    for (slide, loaded) in files.deck.slides.iter().zip(&files.scenes) {
        let steps = present::steps(&loaded.scene);
        assert!(!steps.is_empty(), "{}", slide.title);
        assert!(
            slide.captions.len() <= steps.len(),
            "{}: more captions than steps",
            slide.title
        );
        assert!(!slide.notes.trim().is_empty(), "{}: no notes", slide.title);
    }
}

/// Bad decks: the line of an unknown key, a deck without slides, and a
/// missing scene named with its slide.
#[test]
fn bad_decks_name_what_is_wrong() {
    let e = parse_deck(
        "title = \"t\"\n[[slide]]\ntitle = \"a\"\nscene = \"s.toml\"\ncolour = 1\n",
        "d.toml",
    )
    .expect_err("unknown key");
    assert_eq!(e.line(), Some(5), "{e}");
    assert!(e.to_string().contains("colour"), "{e}");
    let e = parse_deck("title = \"t\"\nslide = []\n", "d.toml").expect_err("no slides");
    assert!(e.to_string().contains("no slides"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let deck = write_file(
        dir.path(),
        "deck.toml",
        b"title = \"t\"\n[[slide]]\ntitle = \"Gone\"\nscene = \"missing.toml\"\n",
    );
    let e = load_deck(&deck).expect_err("missing scene");
    let text = e.to_string();
    assert!(
        text.contains("slide 1") && text.contains("Gone") && text.contains("missing.toml"),
        "{text}"
    );
}

/// PageDown steps through the stages of each scene, then to the next slide;
/// PageUp goes back; the caption strip shows the step's caption; Esc leaves.
#[test]
fn keys_step_through_stages_and_slides() {
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .start_presentation(&ctx, load_builtin_deck().expect("deck"));
    harness.run_steps(2);
    let position = |h: &egui_kittest::Harness<'_, eigenlens::app::EigenApp>| {
        h.state().presentation().expect("presenting").position()
    };
    assert_eq!(position(&harness), (0, 0));
    assert!(harness.query_by_label("File").is_none(), "menus hidden");
    harness.get_by_label_contains("Each row is a vector x ∈ ℝ⁴");
    // Slide 1 has one step: the next key opens slide 2 (the shear) at I.
    harness.key_press(Key::PageDown);
    harness.run_steps(2);
    assert_eq!(position(&harness), (1, 0));
    assert_eq!(harness.state().view(), ViewKind::Transform);
    assert!(harness.state().transform_view().settings.progress.abs() < 1e-6);
    // Its second step animates I → A.
    harness.key_press(Key::ArrowRight);
    harness.run_steps(1);
    assert_eq!(position(&harness), (1, 1));
    for _ in 0..400 {
        harness.step();
        if harness.state().transform_view().settings.progress >= 1.0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!((harness.state().transform_view().settings.progress - 1.0).abs() < 1e-6);
    // Back goes to the step before, at once; back again to slide 1.
    harness.key_press(Key::PageUp);
    harness.run_steps(1);
    assert_eq!(position(&harness), (1, 0));
    assert!(harness.state().transform_view().settings.progress.abs() < 1e-6);
    harness.key_press(Key::ArrowLeft);
    harness.run_steps(1);
    assert_eq!(position(&harness), (0, 0));
    // Forward to the PCA slide: its steps stop at the story's stages.
    // (slide 2: 2 steps, slide 3: 2, the SVD slide: 4, one per stage.)
    for _ in 0..9 {
        harness.key_press(Key::Space);
        harness.run_steps(1);
    }
    assert_eq!(position(&harness), (4, 0));
    assert_eq!(harness.state().view(), ViewKind::Pca);
    assert!(harness.state().pca_view().settings.progress.abs() < 1e-6);
    harness.key_press(Key::Space);
    for _ in 0..400 {
        harness.step();
        if harness
            .state()
            .presentation()
            .is_some_and(|p| p.position() == (4, 1))
            && (harness.state().pca_view().settings.progress - 1.0 / 3.0).abs() < 1e-6
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(
        (harness.state().pca_view().settings.progress - 1.0 / 3.0).abs() < 1e-6,
        "the first PCA stage ends at 1/3"
    );
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert!(harness.state().presentation().is_none());
    harness.get_by_label("File");
}
