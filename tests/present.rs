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

/// A step looks the same however it was reached: the trained Factorize
/// slide's last step shows the trained epoch going back (←) from the next
/// slide as it did going forward.
#[test]
fn going_back_to_a_factorize_step_shows_the_trained_model() {
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    let ctx = harness.ctx.clone();
    let deck = load_builtin_deck().expect("deck");
    let slide = deck
        .deck
        .slides
        .iter()
        .position(|s| s.scene.ends_with("factorize-training.toml"))
        .expect("the deck has the training slide");
    harness.state_mut().start_presentation(&ctx, deck);
    let settle = |h: &mut egui_kittest::Harness<'_, eigenlens::app::EigenApp>| {
        for _ in 0..3000 {
            h.step();
            let p = h.state().presentation().expect("presenting");
            if !p.animating() && !h.state().factorize_view().is_training() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        h.run_steps(3);
    };
    while harness
        .state()
        .presentation()
        .expect("presenting")
        .position()
        .0
        < slide
    {
        harness.state_mut().present_next();
        harness.run_steps(1);
    }
    // Forward through the training slide's steps.
    let last_step = |h: &egui_kittest::Harness<'_, eigenlens::app::EigenApp>| {
        h.state().presentation().expect("presenting").position()
    };
    while last_step(&harness).0 == slide {
        settle(&mut harness);
        if harness
            .state()
            .presentation()
            .expect("presenting")
            .at_last_step()
        {
            break;
        }
        harness.state_mut().present_next();
    }
    settle(&mut harness);
    let trained = harness.state().factorize_view().settings.epoch;
    assert!(trained > 0, "the scene trains");
    assert_eq!(
        harness.state().factorize_view().shown_epoch(),
        trained,
        "forward"
    );
    // On to the next slide and back.
    harness.state_mut().present_next();
    settle(&mut harness);
    assert_eq!(last_step(&harness).0, slide + 1);
    harness.state_mut().present_previous();
    settle(&mut harness);
    assert_eq!(last_step(&harness).0, slide);
    assert_eq!(
        harness.state().factorize_view().shown_epoch(),
        trained,
        "back: the same trained model as forward, not epoch 0"
    );
}

/// P opens the presenter window: the slide and step, a clock, this step's
/// caption and the next one's, the notes; its Next button steps the deck,
/// and the keys' hint leaves the audience's caption strip.
#[test]
fn presenter_window_shows_now_next_notes_and_steps() {
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .start_presentation(&ctx, load_builtin_deck().expect("deck"));
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("P: presenter window")
            .is_some()
    );
    harness.key_press(Key::P);
    harness.run_steps(3);
    assert!(
        harness
            .state()
            .presentation()
            .expect("presenting")
            .presenter_open()
    );
    harness.get_by_label_contains("Slide 1 of");
    harness.get_by_label_contains("since the start");
    // Now: slide 1's caption (also on the strip); next: slide 2's title.
    assert!(
        harness
            .query_all_by_label_contains("Each row is a vector x ∈ ℝ⁴")
            .count()
            >= 2
    );
    harness.get_by_label_contains("Slide 2: A matrix is a transformation.");
    harness.get_by_label_contains("Every dataset in ML starts as a matrix");
    assert!(
        harness
            .query_by_label_contains("P: presenter window")
            .is_none(),
        "the keys are not shown to the room"
    );
    harness.get_by_label("Next ▶").click();
    harness.run_steps(3);
    assert_eq!(
        harness
            .state()
            .presentation()
            .expect("presenting")
            .position(),
        (1, 0)
    );
    harness.get_by_label_contains("Slide 2 of");
    harness.get_by_label("◀ Back").click();
    harness.run_steps(3);
    assert_eq!(
        harness
            .state()
            .presentation()
            .expect("presenting")
            .position(),
        (0, 0)
    );
}

/// A slide shows the view's picture, not its controls (toolbars, pickers),
/// and small text is as large as the body's; leaving brings them back.
#[test]
fn slides_hide_the_controls_and_enlarge_small_text() {
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    assert!(
        harness.query_by_label("colour by").is_some(),
        "the Data view's picker"
    );
    let small = |h: &egui_kittest::Harness<'_, eigenlens::app::EigenApp>| {
        h.ctx
            .global_style()
            .text_styles
            .get(&egui::TextStyle::Small)
            .map_or(0.0, |f| f.size)
    };
    let before = small(&harness);
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .start_presentation(&ctx, load_builtin_deck().expect("deck"));
    harness.run_steps(3);
    assert!(
        harness.query_by_label("colour by").is_none(),
        "no pickers on a slide"
    );
    assert!(
        harness.query_by_label("Scatter").is_none(),
        "no panel tabs on a slide"
    );
    assert!(small(&harness) >= 13.0, "small text as large as the body's");
    harness.key_press(Key::Escape);
    harness.run_steps(3);
    assert!(
        harness.query_by_label("colour by").is_some(),
        "controls are back"
    );
    assert!((small(&harness) - before).abs() < 1e-6);
}

/// One source for a step's words: on every step of the SVD and PCA slides
/// the caption drawn in the view is the caption strip's, going forward.
#[test]
fn the_view_and_the_strip_say_the_same_at_every_step() {
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    let ctx = harness.ctx.clone();
    let deck = load_builtin_deck().expect("deck");
    let slide_of = |name: &str| {
        deck.deck
            .slides
            .iter()
            .position(|s| s.scene.ends_with(name))
            .expect("in the deck")
    };
    let (svd, pca) = (
        slide_of("transform-svd.toml"),
        slide_of("pca-iris-flatten.toml"),
    );
    harness.state_mut().start_presentation(&ctx, deck);
    let mut checked = 0;
    loop {
        for _ in 0..600 {
            harness.step();
            if !harness
                .state()
                .presentation()
                .expect("presenting")
                .animating()
            {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        harness.run_steps(3);
        let (slide, step) = harness
            .state()
            .presentation()
            .expect("presenting")
            .position();
        if slide > pca {
            break;
        }
        let in_view = if slide == svd {
            Some(harness.state().transform_view().drawn().caption.clone())
        } else if slide == pca {
            Some(harness.state().pca_view().story_caption())
        } else {
            None
        };
        if let Some(words) = in_view {
            assert!(
                harness.query_by_label(&words).is_some(),
                "slide {slide} step {step}: the view says {words:?}, the strip does not"
            );
            checked += 1;
        }
        harness.state_mut().present_next();
    }
    assert_eq!(checked, 8, "four steps on each of the two slides");
}
