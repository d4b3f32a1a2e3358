//! The UI monkey: seeded random clicks, drags, scrolls, key presses and text
//! over the whole app — every view, every built-in dataset — asserting after
//! each burst that nothing panicked, every number in the views' state is
//! finite and in range, and the current view still saves as a scene that
//! loads back.
//!
//! The normal suite runs a small fixed budget; for a long run:
//! `EIGENLENS_MONKEY_FRAMES=20000 EIGENLENS_MONKEY_SEED=7 WGPU_BACKEND=gl cargo test --release --test monkey`.

mod common;

use common::{app_harness, fresh_app};
use egui::{Event, Key, Modifiers, PointerButton, Pos2, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{Queryable, by};
use eigenlens::app::EigenApp;
use eigenlens::scene::{self, Scene, Theme, ViewKind};

/// Frames in the normal suite: a few seconds of random input.
const DEFAULT_FRAMES: usize = 5000;

/// Labels the monkey aims at now and then, so every view and built-in is visited.
const TABS: [&str; 5] = ["Data", "Transform", "PCA", "Factorize", "Embeddings"];

/// Keys worth pressing: navigation, editing, and the app's shortcuts' letters.
const KEYS: [Key; 22] = [
    Key::ArrowUp,
    Key::ArrowDown,
    Key::ArrowLeft,
    Key::ArrowRight,
    Key::Enter,
    Key::Escape,
    Key::Tab,
    Key::Space,
    Key::Backspace,
    Key::Delete,
    Key::Home,
    Key::End,
    Key::PageUp,
    Key::PageDown,
    Key::A,
    Key::O,
    Key::S,
    Key::Z,
    Key::Minus,
    Key::Plus,
    Key::Num0,
    Key::Num9,
];

/// Text typed into whatever has focus: numbers at and past the edges of f64,
/// words, and paths that do not exist (no `/` otherwise, so a save prompt
/// cannot write outside the temporary working directory).
const TEXTS: [&str; 17] = [
    "0",
    "1",
    "-1",
    "2.5",
    "1e308",
    "1e400",
    "-1e-320",
    "NaN",
    "inf",
    "-0",
    "999999999999",
    "99999999999999999999",
    "x",
    "λ σ",
    "   ",
    "/nonexistent/data.csv",
    "scene.toml",
];

/// A seeded stream of random input events for the app window.
struct Monkey {
    rng: fastrand::Rng,
    size: Vec2,
    pointer: Pos2,
    /// A button held down since a previous frame (a drag in progress).
    held: Option<PointerButton>,
}

impl Monkey {
    fn new(seed: u64, size: Vec2) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed),
            size,
            pointer: Pos2::new(size.x / 2.0, size.y / 2.0),
            held: None,
        }
    }

    fn random_pos(&mut self) -> Pos2 {
        Pos2::new(self.rng.f32() * self.size.x, self.rng.f32() * self.size.y)
    }

    fn modifiers(&mut self) -> Modifiers {
        match self.rng.u8(0..10) {
            0 => Modifiers::SHIFT,
            1 => Modifiers::COMMAND,
            2 => Modifiers::ALT,
            _ => Modifiers::NONE,
        }
    }

    /// Somewhere worth clicking: a random widget the accessibility tree knows
    /// of (buttons, sliders, text fields, tabs...), or a tab or built-in.
    fn target(&mut self, harness: &Harness<'_, EigenApp>) -> Pos2 {
        let pick = self.rng.u8(0..10);
        if pick == 0 {
            let label = TABS[self.rng.usize(..TABS.len())];
            if let Some(node) = harness.query_all_by_label(label).next() {
                return node.rect().center();
            }
        } else if pick == 1 {
            let names: Vec<&str> = eigenlens::data::BUILTINS
                .iter()
                .map(|b| b.title)
                .chain(eigenlens::data::RATINGS_BUILTINS.iter().map(|b| b.title))
                .collect();
            let label = names[self.rng.usize(..names.len())];
            if let Some(node) = harness.query_by_label(label) {
                return node.rect().center();
            }
        }
        let rects: Vec<egui::Rect> = harness
            .query_all(by().predicate(|n| n.bounding_box().is_some()))
            .map(|n| n.rect())
            .filter(|r| r.is_finite() && r.width() > 0.0 && r.height() > 0.0)
            .collect();
        if rects.is_empty() || self.rng.u8(0..4) == 0 {
            return self.random_pos();
        }
        let r = rects[self.rng.usize(..rects.len())];
        // Anywhere inside the widget: sliders and plots care where.
        Pos2::new(
            r.min.x + self.rng.f32() * r.width(),
            r.min.y + self.rng.f32() * r.height(),
        )
    }

    /// One frame's worth of input.
    fn act(&mut self, harness: &Harness<'_, EigenApp>) {
        let mut events = Vec::new();
        if let Some(button) = self.held {
            // Continue or finish a drag.
            let step = Vec2::new(self.rng.f32() - 0.5, self.rng.f32() - 0.5) * 80.0;
            self.pointer = (self.pointer + step).clamp(Pos2::ZERO, self.size.to_pos2());
            events.push(Event::PointerMoved(self.pointer));
            if self.rng.u8(0..4) == 0 {
                events.push(Event::PointerButton {
                    pos: self.pointer,
                    button,
                    pressed: false,
                    modifiers: Modifiers::NONE,
                });
                self.held = None;
            }
            send(harness, events);
            return;
        }
        match self.rng.u8(0..100) {
            // Click (sometimes double) on something.
            0..=44 => {
                self.pointer = self.target(harness);
                let button = match self.rng.u8(0..12) {
                    0 => PointerButton::Secondary,
                    1 => PointerButton::Middle,
                    _ => PointerButton::Primary,
                };
                let modifiers = self.modifiers();
                events.push(Event::PointerMoved(self.pointer));
                let clicks = if self.rng.u8(0..8) == 0 { 2 } else { 1 };
                for _ in 0..clicks {
                    for pressed in [true, false] {
                        events.push(Event::PointerButton {
                            pos: self.pointer,
                            button,
                            pressed,
                            modifiers,
                        });
                    }
                }
            }
            // Start a drag (continued over the next frames).
            45..=59 => {
                self.pointer = self.target(harness);
                let button = if self.rng.u8(0..4) == 0 {
                    PointerButton::Secondary
                } else {
                    PointerButton::Primary
                };
                events.push(Event::PointerMoved(self.pointer));
                events.push(Event::PointerButton {
                    pos: self.pointer,
                    button,
                    pressed: true,
                    modifiers: Modifiers::NONE,
                });
                self.held = Some(button);
            }
            // Scroll or zoom where the pointer is.
            60..=71 => {
                self.pointer = self.target(harness);
                events.push(Event::PointerMoved(self.pointer));
                let delta = Vec2::new(self.rng.f32() - 0.5, self.rng.f32() - 0.5)
                    * if self.rng.bool() { 10.0 } else { 400.0 };
                events.push(Event::MouseWheel {
                    unit: egui::MouseWheelUnit::Point,
                    delta,
                    phase: egui::TouchPhase::Move,
                    source: egui::MouseWheelSource::Wheel,
                    modifiers: self.modifiers(),
                });
            }
            // A key press.
            72..=85 => {
                let key = KEYS[self.rng.usize(..KEYS.len())];
                let modifiers = self.modifiers();
                // Ctrl+Q would close the window; the harness ignores it, but
                // there is nothing to learn from it either.
                for pressed in [true, false] {
                    events.push(Event::Key {
                        key,
                        physical_key: None,
                        pressed,
                        repeat: false,
                        modifiers,
                    });
                }
            }
            // Text into whatever has focus.
            86..=95 => {
                events.push(Event::Text(TEXTS[self.rng.usize(..TEXTS.len())].to_owned()));
            }
            // Just move.
            _ => {
                self.pointer = self.random_pos();
                events.push(Event::PointerMoved(self.pointer));
            }
        }
        send(harness, events);
    }
}

fn send(harness: &Harness<'_, EigenApp>, events: Vec<Event>) {
    for e in events {
        harness.event(e);
    }
}

/// Every number the views keep is finite and within its documented range,
/// and the current view saves as a scene that reads back, loads and checks
/// against its data.
fn check_state(app: &mut EigenApp, frame: usize, dir: &std::path::Path) {
    let t = &app.transform_view().settings;
    if let Err((key, e)) = t.check() {
        panic!("frame {frame}: transform.{key}: {e}");
    }
    assert!(
        app.transform_view()
            .matrix()
            .iter()
            .flatten()
            .all(|x| x.is_finite()),
        "frame {frame}: transform matrix {:?}",
        app.transform_view().matrix()
    );
    assert!(
        (0.0..=1.0).contains(&t.progress),
        "frame {frame}: transform progress {}",
        t.progress
    );
    for h in app.transform_view().handles() {
        assert!(h.is_finite(), "frame {frame}: transform handle {h:?}");
    }
    let p = &app.pca_view().settings;
    assert!(
        (0.0..=1.0).contains(&p.progress),
        "frame {frame}: pca progress {}",
        p.progress
    );
    let e = &app.embeddings_view().settings;
    assert!(
        (1..=100).contains(&e.k),
        "frame {frame}: embeddings k {}",
        e.k
    );
    let mut components = e.components.clone();
    components.sort_unstable();
    components.dedup();
    assert!(
        (2..=3).contains(&e.components.len())
            && components.len() == e.components.len()
            && components.iter().all(|&c| c >= 1),
        "frame {frame}: embeddings components {:?}",
        e.components
    );
    for (what, cam) in [
        ("pca", &p.camera),
        ("transform", &t.camera),
        ("embeddings", &e.camera),
    ] {
        assert!(
            cam.yaw.is_finite()
                && scene::PITCH_RANGE.contains(&cam.pitch)
                && scene::DISTANCE_RANGE.contains(&cam.distance)
                && cam.target.iter().all(|x| x.is_finite()),
            "frame {frame}: {what} camera {cam:?}"
        );
    }
    let f = &app.factorize_view().settings;
    assert!(
        f.lambda.is_finite() && f.learning_rate.is_finite() && f.learning_rate > 0.0,
        "frame {frame}: factorize settings {f:?}"
    );
    for stats in app
        .factorize_view()
        .history()
        .iter()
        .filter(|s| s.epoch > 0)
    {
        assert!(
            stats.train_rmse.is_finite(),
            "frame {frame}: a non-finite RMSE was kept: {stats:?}"
        );
    }

    let saved = app.current_scene(Theme::Light, 1.0, None);
    let text = saved.to_toml();
    let back = Scene::from_toml(&text, "monkey.toml").unwrap_or_else(|e| {
        panic!("frame {frame}: the saved scene does not read back: {e}\n{text}")
    });
    assert_eq!(back, saved, "frame {frame}: saved as\n{text}");
    // What File → Save scene writes opens again (a dataset made in the app,
    // such as a model's movie factors, is written beside it first).
    let path = dir.join("check.toml");
    app.save_scene_as(&path, Theme::Light, 1.0);
    if let Err(e) = scene::load_scene(&path) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        panic!("frame {frame}: the saved scene does not load: {e}\n{text}");
    }
}

/// Seeded random input over every view for a fixed number of frames: no
/// panic, finite state, and a scene that saves and loads back, throughout.
#[test]
fn monkey_over_every_view() {
    let frames = std::env::var("EIGENLENS_MONKEY_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_FRAMES);
    let seed = std::env::var("EIGENLENS_MONKEY_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    // Whatever a save prompt is given lands in a folder thrown away afterwards.
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::env::set_current_dir(dir.path()).expect("enter the temporary folder");

    // Files the monkey opens now and then: good and broken tables, ratings,
    // embeddings (a Projector pair, word2vec with a wrong count), a scene.
    common::write_file(
        dir.path(),
        "metadata.tsv",
        b"word\tgroup\ndog\tanimal\ncat\tanimal\nfig\tfruit\npear\tfruit\n",
    );
    let files = [
        common::write_file(
            dir.path(),
            "good.csv",
            b"a,b,c,kind\n1,2,3,x\n2,1,0,y\n4,4,1,x\n3,0,2,y\n",
        ),
        common::write_file(dir.path(), "flat.csv", b"a,b,c\n1,1,1\n1,1,1\n"),
        common::write_file(dir.path(), "bad.csv", b"a,b\n1,2\n3,oops\n"),
        common::write_file(
            dir.path(),
            "ratings.csv",
            b"user,item,rating\nana,Jaws,5\nbob,Jaws,1\nbob,Up,4\ncal,Up,2\n",
        ),
        common::write_file(
            dir.path(),
            "vectors.tsv",
            b"1\t0.2\t0\n0.9\t0.3\t0.1\n0\t1\t0.2\n0.1\t0.8\t0.3\n",
        ),
        common::write_file(dir.path(), "w2v.txt", b"3 2\nking 0.1 0.2\nqueen 0.3 0.4\n"),
        common::write_file(
            dir.path(),
            "scene.toml",
            b"view = \"pca\"\ndataset = \"good.csv\"\n[pca]\nprogress = 0.5\n",
        ),
    ];

    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    let mut monkey = Monkey::new(seed, common::SIZE);
    // Frames spent in each view, and the datasets shown: proof of coverage.
    let mut per_view = [0usize; ViewKind::ALL.len()];
    let mut shown = std::collections::BTreeSet::new();
    for frame in 0..frames {
        if monkey.rng.u16(0..300) == 0 {
            let path = &files[monkey.rng.usize(..files.len())];
            harness.state_mut().open_now(path);
        }
        monkey.act(&harness);
        harness.step();
        let app = harness.state_mut();
        if let Some(k) = ViewKind::ALL.iter().position(|&v| v == app.view()) {
            per_view[k] += 1;
        }
        shown.insert(app.current_scene(Theme::Light, 1.0, None).dataset);
        if frame % 25 == 0 {
            check_state(app, frame, dir.path());
        }
    }
    check_state(harness.state_mut(), frames, dir.path());
    eprintln!(
        "monkey: {frames} frames, seed {seed}, no panic; frames per view {:?}: {per_view:?}; datasets shown: {shown:?}",
        ViewKind::ALL.map(ViewKind::title)
    );
    if frames >= DEFAULT_FRAMES {
        assert!(
            per_view.iter().all(|&n| n > 0) && shown.len() >= 3,
            "the monkey missed a view or stayed on few datasets: {per_view:?} {shown:?}"
        );
    }
}
