//! Issue 23, classes 4 and 5: every list and string of a scene or a deck is
//! bounded (refused before anything is built from it, the error naming the
//! key, its line and the bound), long values are quoted short in errors, and
//! out-of-range values are errors rather than silently changed.

use eigenlens::deck::parse_deck;
use eigenlens::scene::{
    self, MAX_EDITS, MAX_SLIDES, MAX_STEPS, MAX_TEXT_CHARS, Scene, SceneError, load_scene_str,
};

fn err(src: &str) -> SceneError {
    Scene::from_toml(src, "t.toml").expect_err("the scene should be refused")
}

/// The error line is short whatever the scene holds.
fn assert_short(e: &SceneError) {
    let shown = e.to_string();
    assert!(shown.len() < 400, "{} bytes: {shown}", shown.len());
}

const TRANSFORM: &str = "view = \"transform\"\ndataset = \"builtin:iris\"\n";

/// 100,000 `transform.steps` (a 2.3 MB scene that took 1.7 GB and 19 s) are
/// refused while the TOML is read, naming the key, its line and the bound.
#[test]
fn a_scene_with_too_many_steps_is_refused_at_once() {
    let mut src = format!("{TRANSFORM}[transform]\nsteps = [\n");
    for _ in 0..100_000 {
        src.push_str("[[1.0, 0.5], [0.0, 1.0]],\n");
    }
    src.push_str("]\n");
    let e = err(&src);
    assert_eq!(e.line(), Some(4), "{e}");
    let shown = e.to_string();
    assert!(shown.contains("transform.steps"), "{shown}");
    assert!(shown.contains(&format!("at most {MAX_STEPS}")), "{shown}");
    assert!(shown.contains("100000"), "{shown}");
    assert_short(&e);

    // The bound itself loads.
    let mut ok = format!("{TRANSFORM}[transform]\nsteps = [\n");
    for _ in 0..MAX_STEPS {
        ok.push_str("[[1.0, 0.5], [0.0, 1.0]],\n");
    }
    ok.push_str("]\n");
    load_scene_str(&ok, "t.toml", None).expect("64 steps load");
}

/// Every list has a bound: `factorize.edits`, `pca.columns`, and nested
/// lists (a matrix row of a million numbers).
#[test]
fn every_list_is_bounded() {
    let edits = "{ user = \"1\", item = \"1\", rating = 3.0 }, ".repeat(MAX_EDITS + 1);
    let e = err(&format!(
        "view = \"factorize\"\ndataset = \"builtin:movies\"\n[factorize]\nedits = [{edits}]\n"
    ));
    assert_eq!(e.line(), Some(4), "{e}");
    assert!(e.to_string().contains("factorize.edits: at most"), "{e}");

    let row = "1.0, ".repeat(1_000_000);
    let e = err(&format!("{TRANSFORM}[transform]\nmatrix = [[{row}]]\n"));
    assert!(e.to_string().contains("transform.matrix[]: at most"), "{e}");
    assert_short(&e);
}

/// A 10 MB string in `data.color` (or `dataset`, or any key) is refused
/// with its first characters and its length, not echoed back whole.
#[test]
fn a_huge_string_is_quoted_short_in_the_error() {
    let huge = "x".repeat(10_000_000);
    for src in [
        format!("view = \"data\"\ndataset = \"builtin:iris\"\n[data]\ncolor = \"{huge}\"\n"),
        format!("view = \"data\"\ndataset = \"{huge}\"\n"),
        format!("view = \"{huge}\"\ndataset = \"builtin:iris\"\n"),
        format!("view = \"data\"\ndataset = \"builtin:iris\"\n{huge} = 1\n"),
    ] {
        let e = err(&src);
        assert_short(&e);
        assert!(e.to_string().contains("10000000 characters"), "{e}");
        assert!(e.line().is_some(), "{e}");
    }
    let e = err(&format!(
        "view = \"data\"\ndataset = \"builtin:iris\"\n[data]\ncolor = \"{huge}\"\n"
    ));
    assert!(e.to_string().contains("data.color: at most"), "{e}");
}

/// A string within its bound but longer than a quote is cut short in the
/// messages that name it (an unknown column, an unknown enum value).
#[test]
fn long_values_within_bounds_are_quoted_short() {
    let name = "c".repeat(MAX_TEXT_CHARS);
    let e = load_scene_str(
        &format!("view = \"data\"\ndataset = \"builtin:iris\"\n[data]\nx = \"{name}\"\n"),
        "t.toml",
        None,
    )
    .expect_err("no such column");
    assert_eq!(e.line(), Some(4), "{e}");
    assert!(e.to_string().contains("256 characters"), "{e}");
    assert_short(&e);

    let e = err(&format!(
        "view = \"data\"\ndataset = \"builtin:iris\"\n[data]\npanel = \"{name}\"\n"
    ));
    assert!(e.to_string().contains("256 characters"), "{e}");
    assert_short(&e);

    let long = "y".repeat(100);
    let q = scene::quote(&long);
    assert!(q.ends_with("… (100 characters)"), "{q}");
}

/// A matrix entry of 150 (or 1e308, or inf) is an error naming the key, the
/// entry, its line and the range, where it used to draw as 100.
#[test]
fn a_matrix_entry_out_of_range_is_an_error_not_clamped() {
    for (value, shown) in [
        ("150.0", "150"),
        ("1e308", "1e308"),
        ("-101", "-101"),
        ("inf", "inf"),
    ] {
        let src = format!("{TRANSFORM}[transform]\nmatrix = [[1.0, {value}], [0.0, 1.0]]\n");
        let e = load_scene_str(&src, "t.toml", None).expect_err(value);
        assert_eq!(e.line(), Some(4), "{e}");
        let msg = e.to_string();
        assert!(msg.contains("transform.matrix[0][1]"), "{msg}");
        assert!(msg.contains("-100 and 100") || value == "inf", "{msg}");
        assert!(msg.contains(shown), "{msg}");
    }
    // Steps, in 3D too.
    let src = format!(
        "{TRANSFORM}[transform]\nmode = \"3d\"\nsteps = [\n  [[1, 0, 0], [0, 1, 0], [0, 0, 1]],\n  [[1, 0, 0], [0, 1, 0], [0, 0, 200]],\n]\n"
    );
    let e = load_scene_str(&src, "t.toml", None).expect_err("200 in a step");
    assert!(e.to_string().contains("transform.steps[1][2][2]"), "{e}");
    assert_eq!(e.line(), Some(5), "{e}");
    // The editor's limits themselves load.
    let src = format!("{TRANSFORM}[transform]\nmatrix = [[100, -100], [0.5, 1]]\n");
    load_scene_str(&src, "t.toml", None).expect("±100 loads");
    // With steps, `matrix` (their product, ignored on loading) may pass 100.
    let src = format!(
        "{TRANSFORM}[transform]\nmatrix = [[2500, 0], [0, 1]]\nsteps = [[[50, 0], [0, 1]], [[50, 0], [0, 1]]]\n"
    );
    load_scene_str(&src, "t.toml", None).expect("a product beyond 100 loads");
}

fn deck_with(slides: usize, slide: &str) -> String {
    let mut src = String::from("title = \"t\"\n");
    for _ in 0..slides {
        src.push_str("[[slide]]\n");
        src.push_str(slide);
    }
    src
}

/// More than [`MAX_SLIDES`] slides, too many captions or a huge note are
/// refused before any scene is read.
#[test]
fn a_deck_with_too_many_slides_is_refused() {
    let slide = "title = \"s\"\nscene = \"a.toml\"\n";
    let e = parse_deck(&deck_with(MAX_SLIDES + 1, slide), "d.toml").expect_err("too many");
    assert!(
        e.to_string()
            .contains(&format!("slide: at most {MAX_SLIDES}")),
        "{e}"
    );
    parse_deck(&deck_with(MAX_SLIDES, slide), "d.toml").expect("the bound itself parses");

    let captions = "\"c\", ".repeat(10_000);
    let e = parse_deck(
        &deck_with(1, &format!("{slide}captions = [{captions}]\n")),
        "d.toml",
    )
    .expect_err("too many captions");
    assert!(e.to_string().contains("slide[].captions: at most"), "{e}");
    assert_eq!(e.line(), Some(5), "{e}");

    let notes = "n".repeat(1_000_000);
    let e = parse_deck(
        &deck_with(1, &format!("{slide}notes = \"{notes}\"\n")),
        "d.toml",
    )
    .expect_err("huge notes");
    assert!(e.to_string().contains("slide[].notes: at most"), "{e}");
    assert_short(&e);

    let title = "t".repeat(1_000_000);
    let e = parse_deck(&format!("title = \"{title}\"\n"), "d.toml").expect_err("huge title");
    assert!(e.to_string().contains("1000000 characters"), "{e}");
    assert_short(&e);
}

/// `[pca.projection]` shares `[embeddings.projection]`'s keys and bounds; an
/// out-of-range value names the table it is in, once.
#[test]
fn a_projection_value_out_of_range_names_its_own_table() {
    for (view, dataset) in [("pca", "iris"), ("embeddings", "words")] {
        let e = err(&format!(
            "view = \"{view}\"\ndataset = \"builtin:{dataset}\"\n[{view}.projection]\nmethod = \"tsne\"\nperplexity = 0.0\n"
        ));
        assert_eq!(e.line(), Some(5), "{e}");
        let shown = e.to_string();
        assert!(
            shown.contains(&format!(
                ": {view}.projection.perplexity: must be at least 1"
            )),
            "{shown}"
        );
        assert_eq!(shown.matches("projection.perplexity").count(), 1, "{shown}");
    }
}

/// `network.units` names two different units counted from 1; anything else
/// is refused with the key and its line, and a good pair round-trips.
#[test]
fn network_units_are_two_different_units_from_one() {
    let head = "view = \"network\"\ndataset = \"builtin:digits\"\n[network]\n";
    for bad in ["[0, 2]", "[3, 3]", "[1]", "[1, 2, 3]"] {
        let e = err(&format!("{head}units = {bad}\n"));
        assert_eq!(e.line(), Some(4), "{bad}: {e}");
        assert!(e.to_string().contains("units"), "{bad}: {e}");
    }
    let ok = Scene::from_toml(&format!("{head}units = [2, 16]\n"), "t.toml").expect("two units");
    assert_eq!(ok.network.units, Some([2, 16]));
    let again = Scene::from_toml(&ok.to_toml(), "t.toml").expect("written back");
    assert_eq!(again.network.units, Some([2, 16]));
}

/// A fixed-size list given with more (or fewer) values is an error naming
/// the key, not silently cut to its first values.
#[test]
fn a_fixed_size_list_of_another_length_is_refused() {
    for (head, key, list, want) in [
        (
            "view = \"network\"\ndataset = \"builtin:circles\"\n[network]\n",
            "node",
            "[1, 2, 3]",
            "network.node",
        ),
        (
            "view = \"network\"\ndataset = \"builtin:circles\"\n[network]\n",
            "added",
            "[[0.5, 1.0, 0, 7]]",
            "network.added",
        ),
        (
            "view = \"pca\"\ndataset = \"builtin:iris\"\n[pca.camera]\n",
            "target",
            "[0.0, 0.0, 0.0, 5.0]",
            "pca.camera.target",
        ),
        (
            "view = \"image\"\n[image]\n",
            "focus",
            "[10.0, 20.0, 30.0]",
            "image.focus",
        ),
        (
            "view = \"regress\"\ndataset = \"builtin:iris\"\n[regress]\n",
            "added",
            "[[1.0]]",
            "regress.added",
        ),
    ] {
        let e = err(&format!("{head}{key} = {list}\n"));
        let shown = e.to_string();
        assert!(
            shown.contains(want) && shown.contains("invalid length"),
            "{key} = {list}: {shown}"
        );
    }
}
