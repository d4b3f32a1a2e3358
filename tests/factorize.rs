//! Matrix factorization: properties of the math, with seeded data — a planted
//! low-rank matrix is recovered to its noise level, ALS never raises the loss,
//! SGD converges, fold-in is one ALS user step, the same seed gives the same
//! numbers, divergence stops training and keeps the last finite model.

use eigenlens::data::{Rating, load_builtin_ratings};
use eigenlens::math::factorize::{
    EXPLODE_FACTOR, FactorizeConfig, FactorizeError, Method, Metric, Solver, Trainer, TrainingSet,
    cosine, fold_in_user, item_embeddings, norm, recommend, similar_items, split, train,
};

// ---------------------------------------------------------------- helpers

fn normal(rng: &mut fastrand::Rng) -> f64 {
    let (u1, u2) = (1.0 - rng.f64(), rng.f64());
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A planted matrix R = 3 + U Vᵀ + σ·noise (U, V of rank `rank`, entries
/// N(0, 0.6²)), a share `observed` of its cells seen, split 80/20. Unbounded
/// scale, so no clipping hides errors.
fn planted(
    n_users: usize,
    n_items: usize,
    rank: usize,
    sigma: f64,
    observed: f64,
    seed: u64,
) -> TrainingSet {
    let mut rng = fastrand::Rng::with_seed(seed);
    let u: Vec<f64> = (0..n_users * rank)
        .map(|_| 0.6 * normal(&mut rng))
        .collect();
    let v: Vec<f64> = (0..n_items * rank)
        .map(|_| 0.6 * normal(&mut rng))
        .collect();
    let mut entries = Vec::new();
    for a in 0..n_users {
        for b in 0..n_items {
            if rng.f64() < observed {
                let signal: f64 = (0..rank).map(|f| u[a * rank + f] * v[b * rank + f]).sum();
                entries.push(Rating {
                    user: a as u32,
                    item: b as u32,
                    value: (3.0 + signal + sigma * normal(&mut rng)) as f32,
                });
            }
        }
    }
    let (train, test) = split(&entries, 0.2, seed).expect("a valid fraction");
    TrainingSet::new(
        n_users,
        n_items,
        (f64::NEG_INFINITY, f64::INFINITY),
        train,
        test,
    )
    .expect("a valid training set")
}

fn movie_night() -> TrainingSet {
    let ratings = load_builtin_ratings("movie-night").expect("the built-in loads");
    TrainingSet::split(&ratings, 0.2, 7).expect("a valid split")
}

fn config(
    method: Method,
    rank: usize,
    lambda: f64,
    epochs: usize,
    biases: bool,
) -> FactorizeConfig {
    FactorizeConfig {
        method,
        rank,
        lambda,
        epochs,
        biases,
        ..FactorizeConfig::default()
    }
}

// ---------------------------------------------------------------- recovery

/// ALS at the planted rank predicts held-out cells of a noisy rank-3 matrix to
/// within 25% of the noise level σ — it recovers the signal, not just the mean
/// (whose RMSE would be about 0.6).
#[test]
fn als_recovers_planted_low_rank_matrix() {
    let sigma = 0.1;
    let data = planted(200, 120, 3, sigma, 0.4, 1);
    let fit = train(&config(Method::Als, 3, 0.01, 30, false), data).unwrap();
    let last = fit.history.last().unwrap();
    let test = last.test_rmse.unwrap();
    assert!(test < 1.25 * sigma, "test RMSE {test} vs noise {sigma}");
    assert!(last.train_rmse < sigma, "train RMSE {}", last.train_rmse);
}

/// SGD gets there too, with more epochs.
#[test]
fn sgd_recovers_planted_low_rank_matrix() {
    let sigma = 0.1;
    let data = planted(200, 120, 3, sigma, 0.4, 2);
    let mut c = config(Method::Sgd, 3, 0.01, 150, true);
    c.learning_rate = 0.02;
    let fit = train(&c, data).unwrap();
    let test = fit.history.last().unwrap().test_rmse.unwrap();
    assert!(test < 1.5 * sigma, "test RMSE {test} vs noise {sigma}");
}

/// ALS with conjugate gradient (a few steps per row from the current
/// factors) ends where the exact solve does: on a planted rank-5 matrix, after
/// 30 epochs, the same test RMSE to 0.5% and the same loss to 0.1%.
#[test]
fn als_cg_reaches_the_exact_solution() {
    let data = || planted(300, 200, 5, 0.2, 0.3, 4);
    let exact = train(&config(Method::Als, 5, 0.05, 30, true), data()).unwrap();
    let c = FactorizeConfig {
        solver: Solver::Cg,
        ..config(Method::Als, 5, 0.05, 30, true)
    };
    let cg = train(&c, data()).unwrap();
    let (e, g) = (exact.history.last().unwrap(), cg.history.last().unwrap());
    let (te, tg) = (e.test_rmse.unwrap(), g.test_rmse.unwrap());
    assert!(
        (tg - te).abs() < 0.005 * te,
        "test RMSE: cg {tg}, exact {te}"
    );
    assert!(
        (g.loss - e.loss).abs() < 1e-3 * e.loss,
        "loss: cg {}, exact {}",
        g.loss,
        e.loss
    );
    assert_ne!(cg.model, exact.model, "cg solves inexactly");
}

/// SGD's statistics of epoch e, computed on a second thread while epoch e + 1
/// trains, are the statistics of epoch e, and the model is epoch e's: a
/// trainer told to run 6 epochs (which trains ahead) and one told to run 1
/// (which never does), both stepped 6 times, agree to the last bit.
#[test]
fn sgd_statistics_beside_the_next_epoch_change_nothing() {
    let mut ahead = Trainer::new(config(Method::Sgd, 5, 0.05, 6, true), movie_night()).unwrap();
    let mut plain = Trainer::new(config(Method::Sgd, 5, 0.05, 1, true), movie_night()).unwrap();
    for _ in 0..6 {
        let (a, p) = (ahead.epoch().unwrap(), plain.epoch().unwrap());
        assert_eq!(
            (a.epoch, a.train_rmse, a.test_rmse, a.loss),
            (p.epoch, p.train_rmse, p.test_rmse, p.loss)
        );
        assert_eq!(ahead.model(), plain.model(), "epoch {}", a.epoch);
    }
}

// ---------------------------------------------------------------- monotone, convergent

/// Each ALS half-step solves its block exactly, or lowers each row's
/// objective by conjugate gradient, so the regularized loss never rises from
/// one epoch to the next (with biases or without, on real-looking and on
/// planted data, with either solver).
#[test]
fn als_loss_never_rises() {
    for (data, biases, solver) in [
        (movie_night(), true, Solver::Exact),
        (movie_night(), false, Solver::Exact),
        (planted(60, 40, 2, 0.3, 0.3, 3), true, Solver::Exact),
        (movie_night(), true, Solver::Cg),
        (movie_night(), false, Solver::Cg),
        (planted(60, 40, 2, 0.3, 0.3, 3), true, Solver::Cg),
    ] {
        let c = FactorizeConfig {
            solver,
            ..config(Method::Als, 4, 0.05, 25, biases)
        };
        let mut trainer = Trainer::new(c, data).unwrap();
        trainer.run().unwrap();
        let mut previous = trainer.initial().loss;
        for s in trainer.history() {
            assert!(
                s.loss <= previous * (1.0 + 1e-12),
                "epoch {}: loss rose from {previous} to {}",
                s.epoch,
                s.loss
            );
            previous = s.loss;
        }
        assert!(previous < 0.5 * trainer.initial().loss);
    }
}

/// SGD on tiny-movies (15 ratings, rank 2, biases) drives the training error
/// close to zero and the loss far below its start.
#[test]
fn sgd_converges_on_tiny_movies() {
    let ratings = load_builtin_ratings("tiny-movies").unwrap();
    let data = TrainingSet::split(&ratings, 0.0, 0).unwrap();
    let mut c = config(Method::Sgd, 2, 0.001, 400, true);
    c.learning_rate = 0.05;
    let mut trainer = Trainer::new(c, data).unwrap();
    trainer.run().unwrap();
    let h = trainer.history();
    let last = h.last().unwrap();
    assert!(last.train_rmse < 0.15, "train RMSE {}", last.train_rmse);
    assert!(last.loss < 0.02 * trainer.initial().loss);
    assert_eq!(last.test_rmse, None, "no test ratings, no test RMSE");
    // Mostly downhill: later epochs are better than early ones.
    assert!(h[399].loss < h[99].loss && h[99].loss < h[9].loss);
}

// ---------------------------------------------------------------- fold-in

/// Folding in a trained user's own ratings reproduces their factors and bias:
/// an ALS epoch ends with the user step, and fold-in is that step.
#[test]
#[expect(
    clippy::float_cmp,
    reason = "same inputs, same arithmetic: these are exact on purpose"
)]
fn fold_in_equals_an_als_user_step() {
    for biases in [false, true] {
        let data = movie_night();
        let train_ratings = data.train.clone();
        let lambda = 0.08;
        let fit = train(&config(Method::Als, 3, lambda, 5, biases), data).unwrap();
        for u in [0u32, 17, 99] {
            let rated: Vec<(u32, f64)> = train_ratings
                .iter()
                .filter(|r| r.user == u)
                .map(|r| (r.item, f64::from(r.value)))
                .collect();
            let folded = fold_in_user(&fit.model, &rated, lambda).unwrap();
            let trained = fit.model.user(u as usize);
            for (a, b) in folded.factors.iter().zip(&trained.factors) {
                assert!((a - b).abs() < 1e-10, "user {u}: {a} vs {b}");
            }
            assert!((folded.bias - trained.bias).abs() < 1e-10);
            if !biases {
                assert_eq!(folded.bias, 0.0);
            }
        }
    }
}

/// The same on data large enough for the half-steps to run on several threads
/// (ratings × (k + 1)² above `PARALLEL_WORK`): every user's trained factors are
/// their exact least-squares step, each row written where it belongs, with
/// users that have fewer ratings than unknowns (the n × n system) and more.
#[test]
fn fold_in_equals_the_user_step_for_every_user_on_many_threads() {
    let data = planted(300, 150, 3, 0.2, 0.15, 11);
    let train_ratings = data.train.clone();
    let (lambda, rank) = (0.05, 24);
    let fit = train(&config(Method::Als, rank, lambda, 3, true), data).unwrap();
    let mut sizes = std::collections::BTreeSet::new();
    for u in 0..fit.model.n_users() {
        let rated: Vec<(u32, f64)> = train_ratings
            .iter()
            .filter(|r| r.user as usize == u)
            .map(|r| (r.item, f64::from(r.value)))
            .collect();
        sizes.insert(rated.len() > rank);
        let folded = fold_in_user(&fit.model, &rated, lambda).unwrap();
        let trained = fit.model.user(u);
        for (a, b) in folded.factors.iter().zip(&trained.factors) {
            assert!((a - b).abs() < 1e-10, "user {u}: {a} vs {b}");
        }
        assert!((folded.bias - trained.bias).abs() < 1e-10, "user {u}");
    }
    assert_eq!(sizes.len(), 2, "both kinds of system are exercised");
}

/// A what-if: a new viewer who loves two children's films and dislikes an
/// adult thriller gets children's films recommended, none they already rated.
#[test]
#[expect(
    clippy::float_cmp,
    reason = "same inputs, same arithmetic: these are exact on purpose"
)]
fn fold_in_a_new_user_and_recommend() {
    let ratings = load_builtin_ratings("movie-night").unwrap();
    let data = TrainingSet::split(&ratings, 0.0, 0).unwrap();
    let fit = train(&config(Method::Als, 2, 0.05, 20, true), data).unwrap();
    let id = |title: &str| {
        (0..ratings.n_items() as u32)
            .find(|&i| ratings.item_name(i).starts_with(title))
            .unwrap_or_else(|| panic!("no {title}"))
    };
    let liked = [
        (id("Toy Story"), 5.0),
        (id("Frozen"), 5.0),
        (id("Die Hard"), 1.0),
    ];
    let user = fold_in_user(&fit.model, &liked, 0.05).unwrap();
    let rated: Vec<u32> = liked.iter().map(|&(i, _)| i).collect();
    let top = recommend(&fit.model, &user, &rated, 5, Metric::Dot);
    assert_eq!(top.len(), 5);
    assert!(top.iter().all(|s| !rated.contains(&s.item)));
    assert!(top.windows(2).all(|w| w[0].score >= w[1].score));
    let children = top
        .iter()
        .filter(|s| {
            ratings.items[s.item as usize]
                .genres
                .iter()
                .any(|g| g == "Children's")
        })
        .count();
    assert!(
        children >= 4,
        "top 5: {:?}",
        top.iter()
            .map(|s| ratings.item_name(s.item))
            .collect::<Vec<_>>()
    );
    // Scores are the model's predictions for that user.
    for s in &top {
        assert_eq!(s.score, fit.model.predict_for(&user, s.item as usize));
    }
}

/// Fold-in checks its input: unknown items, NaN ratings and a bad λ are errors.
#[test]
fn fold_in_rejects_bad_input() {
    let fit = train(&config(Method::Als, 2, 0.1, 2, false), movie_night()).unwrap();
    assert!(matches!(
        fold_in_user(&fit.model, &[(40, 3.0)], 0.1),
        Err(FactorizeError::OutOfRange {
            what: "item",
            index: 40,
            count: 40
        })
    ));
    assert!(matches!(
        fold_in_user(&fit.model, &[(1, f64::NAN)], 0.1),
        Err(FactorizeError::NotFinite { .. })
    ));
    assert!(matches!(
        fold_in_user(&fit.model, &[(1, 3.0)], -1.0),
        Err(FactorizeError::InvalidParameter { name: "lambda", .. })
    ));
    // No ratings: the zero vector, predicting μ + b_i.
    let empty = fold_in_user(&fit.model, &[], 0.1).unwrap();
    assert!(empty.factors.iter().all(|&x| x == 0.0) && empty.bias == 0.0);
}

// ---------------------------------------------------------------- similarity

/// With two planted taste axes, a rank-2 model puts children's films next to
/// children's films: most of the films most similar to Toy Story are children's.
#[test]
fn similar_items_follow_the_planted_axes() {
    let ratings = load_builtin_ratings("movie-night").unwrap();
    let data = TrainingSet::split(&ratings, 0.0, 0).unwrap();
    let fit = train(&config(Method::Als, 2, 0.05, 20, true), data).unwrap();
    let toy_story = 0;
    assert!(ratings.item_name(toy_story).starts_with("Toy Story"));
    for metric in [Metric::Cosine, Metric::Dot] {
        let similar = similar_items(&fit.model, toy_story, 5, metric);
        assert_eq!(similar.len(), 5);
        assert!(similar.iter().all(|s| s.item != toy_story));
        assert!(similar.windows(2).all(|w| w[0].score >= w[1].score));
        let children = similar
            .iter()
            .filter(|s| {
                ratings.items[s.item as usize]
                    .genres
                    .iter()
                    .any(|g| g == "Children's")
            })
            .count();
        assert!(children >= 4, "{metric:?}: {children} of 5");
    }
    let cosine = similar_items(&fit.model, toy_story, 39, Metric::Cosine);
    assert!(
        cosine
            .iter()
            .all(|s| (-1.0 - 1e-12..=1.0 + 1e-12).contains(&s.score))
    );
}

/// Every metric ranks the same way the list says: cosine and dot best
/// (highest) first, Euclidean closest (lowest) first; the scores are what the
/// metric says they are, and rated items never appear.
#[test]
#[expect(
    clippy::float_cmp,
    reason = "same inputs, same arithmetic: these are exact on purpose"
)]
fn every_metric_ranks_by_its_own_score() {
    let ratings = load_builtin_ratings("movie-night").unwrap();
    let data = TrainingSet::split(&ratings, 0.0, 0).unwrap();
    let fit = train(&config(Method::Als, 3, 0.05, 10, true), data).unwrap();
    let m = &fit.model;
    let user = m.user(2);
    let rated = [0, 1, 2];
    for metric in Metric::ALL {
        let all = recommend(m, &user, &rated, usize::MAX, metric);
        assert_eq!(all.len(), m.n_items() - rated.len(), "{metric}");
        assert!(all.iter().all(|s| !rated.contains(&s.item)));
        let sorted = |w: &[eigenlens::math::factorize::Scored]| {
            if metric.higher_is_closer() {
                w[0].score >= w[1].score
            } else {
                w[0].score <= w[1].score
            }
        };
        assert!(all.windows(2).all(sorted), "{metric}");
        for s in &all {
            let q = m.item_factors(s.item as usize);
            let expected = match metric {
                Metric::Dot => m.predict_for(&user, s.item as usize),
                Metric::Cosine => cosine(&user.factors, q),
                Metric::Euclidean => user
                    .factors
                    .iter()
                    .zip(q)
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f64>()
                    .sqrt(),
            };
            assert_eq!(s.score, expected, "{metric}");
        }
        let similar = similar_items(m, 0, usize::MAX, metric);
        assert!(similar.iter().all(|s| s.item != 0));
        assert!(similar.windows(2).all(sorted), "{metric}");
    }
    // The closest item to itself would be itself: Euclidean's nearest is the
    // one at the smallest distance.
    let by_distance = similar_items(m, 0, 1, Metric::Euclidean);
    let q0 = m.item_factors(0);
    let nearest = (1..m.n_items())
        .min_by(|&a, &b| {
            let d = |j: usize| {
                norm(
                    &q0.iter()
                        .zip(m.item_factors(j))
                        .map(|(x, y)| x - y)
                        .collect::<Vec<_>>(),
                )
            };
            d(a).total_cmp(&d(b))
        })
        .unwrap();
    assert_eq!(by_distance[0].item as usize, nearest);
}

/// By cosine, an item with a zero vector (never rated in training) has no
/// direction: it is left out of every list, and has no look-alikes itself.
#[test]
fn cosine_leaves_out_zero_vectors() {
    let entries: Vec<Rating> = [(0, 0, 5.0), (1, 1, 1.0), (0, 1, 3.0), (1, 0, 2.0)]
        .into_iter()
        .map(|(user, item, value)| Rating { user, item, value })
        .collect();
    // Item 2 has no rating: its factors start, and stay, at zero.
    let data = TrainingSet::new(2, 3, (1.0, 5.0), entries, Vec::new()).unwrap();
    let fit = train(&config(Method::Als, 2, 0.1, 5, false), data).unwrap();
    assert!(fit.model.item_factors(2).iter().all(|&x| x == 0.0));
    assert!(similar_items(&fit.model, 2, 5, Metric::Cosine).is_empty());
    let similar = similar_items(&fit.model, 0, 5, Metric::Cosine);
    assert!(similar.iter().all(|s| s.item != 2));
    // Dot and distance still rank it (its score is 0, or ‖q_0‖).
    assert_eq!(similar_items(&fit.model, 0, 5, Metric::Dot).len(), 2);
    assert_eq!(similar_items(&fit.model, 0, 5, Metric::Euclidean).len(), 2);
}

/// The item factors as an embedding table: one row per movie, k columns of
/// exactly the model's factors, titles and genres as labels.
#[test]
#[expect(clippy::float_cmp, reason = "the factors are copied, not computed")]
fn item_embeddings_hold_the_item_factors() {
    let ratings = load_builtin_ratings("movie-night").unwrap();
    let data = TrainingSet::split(&ratings, 0.2, 0).unwrap();
    let fit = train(&config(Method::Als, 3, 0.05, 4, true), data).unwrap();
    let ds = item_embeddings(&ratings, &fit.model, 4);
    assert_eq!(ds.n_rows, ratings.n_items());
    assert_eq!(ds.columns.len(), 3);
    assert!(
        ds.name.contains("movie factors (k = 3, epoch 4)"),
        "{}",
        ds.name
    );
    for (f, column) in ds.columns.iter().enumerate() {
        assert_eq!(column.name, eigenlens::data::dim_name(f));
        for (i, &v) in column.values.iter().enumerate() {
            assert_eq!(v, fit.model.item_factors(i)[f]);
        }
    }
    let names: Vec<&str> = ds.labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["title", "genre", "genres"]);
    assert_eq!(ds.labels[0].get(0), ratings.item_name(0));
    assert_eq!(
        ds.labels[2].get(0),
        ratings.items[0].genres.join("|").as_str()
    );
}

// ---------------------------------------------------------------- determinism

/// Same seed, same numbers — bit for bit; another seed, other numbers.
#[test]
fn same_seed_same_numbers() {
    for (method, solver) in [
        (Method::Als, Solver::Exact),
        (Method::Als, Solver::Cg),
        (Method::Sgd, Solver::Exact),
    ] {
        let mut c = FactorizeConfig {
            solver,
            ..config(method, 5, 0.05, 5, true)
        };
        let a = train(&c, movie_night()).unwrap();
        let b = train(&c, movie_night()).unwrap();
        assert_eq!(a.model, b.model, "{method}");
        let strip = |h: &[eigenlens::math::factorize::EpochStats]| {
            h.iter()
                .map(|s| (s.train_rmse, s.test_rmse, s.loss))
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&a.history), strip(&b.history));
        c.seed = 1;
        let other = train(&c, movie_night()).unwrap();
        assert_ne!(a.model, other.model, "{method}");
    }
}

/// The split puts round(f·n) ratings in test, chosen by the seed; together the
/// two halves are the input, each in input order.
#[test]
fn split_by_fraction_and_seed() {
    let entries: Vec<Rating> = (0..10)
        .map(|k| Rating {
            user: k,
            item: 0,
            value: k as f32,
        })
        .collect();
    let (train_a, test_a) = split(&entries, 0.25, 3).unwrap();
    assert_eq!((train_a.len(), test_a.len()), (7, 3)); // round(2.5) = 3
    let mut all: Vec<u32> = train_a.iter().chain(&test_a).map(|r| r.user).collect();
    assert!(train_a.windows(2).all(|w| w[0].user < w[1].user));
    all.sort_unstable();
    assert_eq!(all, (0..10).collect::<Vec<_>>());
    assert_eq!(
        split(&entries, 0.25, 3).unwrap(),
        (train_a.clone(), test_a.clone())
    );
    assert_ne!(split(&entries, 0.25, 4).unwrap().1, test_a);
    assert_eq!(split(&entries, 0.0, 3).unwrap().1, []);
    for bad in [1.0, -0.1, f64::NAN] {
        assert!(matches!(
            split(&entries, bad, 0),
            Err(FactorizeError::InvalidParameter {
                name: "test-fraction",
                ..
            })
        ));
    }
}

// ---------------------------------------------------------------- divergence

/// A learning rate far too large makes SGD blow up: training stops with a
/// message that suggests a smaller learning rate, the model stays the last
/// finite one, and stepping again repeats the error.
#[test]
fn divergence_stops_training_and_keeps_the_last_finite_model() {
    let mut c = config(Method::Sgd, 10, 0.02, 50, true);
    c.learning_rate = 5.0;
    let mut trainer = Trainer::new(c, movie_night()).unwrap();
    let before = trainer.model().clone();
    let mut err = None;
    for _ in 0..50 {
        match trainer.epoch() {
            Ok(_) => {}
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    let Some(err) = err else {
        panic!("learning rate 5 should diverge");
    };
    let FactorizeError::Diverged {
        epoch,
        kept,
        loss,
        initial,
        ..
    } = &err
    else {
        panic!("expected Diverged, got {err:?}");
    };
    assert_eq!(*kept, epoch - 1);
    assert_eq!(trainer.history().len(), *kept);
    assert!(!loss.is_finite() || *loss > EXPLODE_FACTOR * initial);
    let message = err.to_string();
    assert!(message.contains("smaller than 5"), "{message}");
    assert!(message.contains("learning rate"), "{message}");
    // The kept model is finite: the initial one if the first epoch blew up.
    let m = trainer.model();
    assert!((0..m.n_users()).all(|u| m.user_factors(u).iter().all(|x| x.is_finite())));
    if *kept == 0 {
        assert_eq!(m, &before);
    }
    // The same error again (compared as text: its loss may be NaN).
    assert_eq!(trainer.epoch().map_err(|e| e.to_string()), Err(message));
    assert!(trainer.is_finished());
}

/// ALS with λ = 0 and users with fewer ratings than factors cannot solve their
/// systems: a Singular error that says to use a positive λ, not a panic.
#[test]
fn als_without_regularization_reports_singular_systems() {
    let data = planted(30, 200, 2, 0.1, 0.02, 4);
    let mut trainer = Trainer::new(config(Method::Als, 20, 0.0, 3, false), data).unwrap();
    let e = trainer.epoch().unwrap_err();
    assert!(matches!(e, FactorizeError::Singular { .. }), "{e:?}");
    assert!(e.to_string().contains("positive lambda"), "{e}");
}

// ---------------------------------------------------------------- configuration and the model

/// Bad parameters are errors naming the parameter.
#[test]
fn config_validation_names_the_parameter() {
    let base = FactorizeConfig::default();
    for (c, name) in [
        (
            FactorizeConfig {
                rank: 0,
                ..base.clone()
            },
            "rank",
        ),
        (
            FactorizeConfig {
                lambda: -1.0,
                ..base.clone()
            },
            "lambda",
        ),
        (
            FactorizeConfig {
                lambda: f64::NAN,
                ..base.clone()
            },
            "lambda",
        ),
        (
            FactorizeConfig {
                learning_rate: 0.0,
                ..base.clone()
            },
            "learning-rate",
        ),
        (
            FactorizeConfig {
                epochs: 0,
                ..base.clone()
            },
            "epochs",
        ),
    ] {
        match Trainer::new(c, movie_night()) {
            Err(FactorizeError::InvalidParameter { name: n, .. }) => assert_eq!(n, name),
            other => panic!("{name}: expected InvalidParameter, got {other:?}"),
        }
    }
    assert!(base.validate().is_ok());
}

/// Training sets check their ratings against their size.
#[test]
fn training_set_checks_indices() {
    let r = |user, item| Rating {
        user,
        item,
        value: 3.0,
    };
    assert!(matches!(
        TrainingSet::new(2, 2, (1.0, 5.0), vec![r(0, 0), r(2, 1)], vec![]),
        Err(FactorizeError::OutOfRange {
            what: "user",
            index: 2,
            count: 2
        })
    ));
    assert!(matches!(
        TrainingSet::new(2, 2, (1.0, 5.0), vec![r(0, 0)], vec![r(1, 5)]),
        Err(FactorizeError::OutOfRange { what: "item", .. })
    ));
    assert!(matches!(
        TrainingSet::new(2, 2, (1.0, 5.0), vec![], vec![r(1, 1)]),
        Err(FactorizeError::NoTrainingRatings { .. })
    ));
}

/// Users and items with no training rating predict from what is known: μ + b_i
/// for a new user, μ for a new user and item, as Surprise does. Predictions are
/// clipped to the scale; the views P and Q show the stored factors.
#[test]
#[expect(
    clippy::float_cmp,
    reason = "same inputs, same arithmetic: these are exact on purpose"
)]
fn model_predictions_views_and_cold_start() {
    let ratings = load_builtin_ratings("movie-night").unwrap();
    // User 0 and item 0 only in the test set.
    let (train_set, test): (Vec<Rating>, Vec<Rating>) = ratings
        .entries
        .iter()
        .partition(|r| r.user != 0 && r.item != 0);
    let data = TrainingSet::new(100, 40, (1.0, 5.0), train_set, test).unwrap();
    let fit = train(&config(Method::Sgd, 4, 0.02, 10, true), data).unwrap();
    let m = &fit.model;
    assert!(m.user_factors(0).iter().all(|&x| x == 0.0) && m.user_biases()[0] == 0.0);
    assert!(m.item_factors(0).iter().all(|&x| x == 0.0) && m.item_biases()[0] == 0.0);
    assert_eq!(m.predict_raw(0, 5), m.mu() + m.item_biases()[5]);
    assert_eq!(m.predict_raw(0, 0), m.mu());
    assert!(fit.history.last().unwrap().test_rmse.is_some());

    let all = m.predictions();
    assert_eq!(all.shape(), (100, 40));
    assert!(all.iter().all(|&x| (1.0..=5.0).contains(&x)));
    assert_eq!(all[(3, 7)], m.predict(3, 7));
    assert_eq!(m.predict(3, 7), m.clip(m.predict_raw(3, 7)));
    let (p, q) = (m.p(), m.q());
    assert_eq!((p.shape(), q.shape()), ((100, 4), (40, 4)));
    assert_eq!(
        p.row(12).iter().copied().collect::<Vec<_>>(),
        m.user_factors(12)
    );
    assert_eq!(q[(9, 2)], m.item_factors(9)[2]);
}

/// The history's test RMSE is the model's RMSE on the test ratings, and a
/// snapshot taken after an epoch is that epoch's model (what a scrubber shows).
#[test]
fn history_matches_snapshots() {
    let data = movie_night();
    let test = data.test.clone();
    let mut trainer = Trainer::new(config(Method::Sgd, 3, 0.02, 3, true), data).unwrap();
    let mut snapshots = vec![trainer.model().clone()];
    while !trainer.is_finished() {
        let stats = trainer.epoch().unwrap();
        snapshots.push(trainer.model().clone());
        let rmse = trainer.model().rmse(&test).unwrap();
        assert!(
            (stats.test_rmse.unwrap() - rmse).abs() < 1e-5,
            "{stats:?} vs {rmse}"
        );
    }
    assert_eq!(trainer.epochs_done(), 3);
    assert_eq!(snapshots.len(), 4);
    assert_ne!(snapshots[1], snapshots[2]);
    assert_eq!(&snapshots[3], trainer.model());
}

/// A GUI moves the trainer to a worker thread and sends snapshots back.
#[test]
fn trainer_and_model_cross_threads() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    send::<Trainer>();
    send::<eigenlens::math::factorize::Model>();
    sync::<eigenlens::math::factorize::Model>();
    let mut trainer = Trainer::new(config(Method::Als, 2, 0.1, 2, true), movie_night()).unwrap();
    let snapshot = std::thread::spawn(move || {
        trainer.run().unwrap();
        trainer.model().clone()
    })
    .join()
    .unwrap();
    assert_eq!(snapshot.rank(), 2);
}

/// Fold-in solves (Xᵀ X + λ n I) w = Xᵀ y, X's rows [q_i, 1], y = r − μ − b_i,
/// whether there are fewer ratings than unknowns (solved through the n × n
/// system) or more (the d × d one).
#[test]
fn fold_in_solves_the_normal_equations() {
    use nalgebra::{DMatrix, DVector};
    let fit = train(&config(Method::Als, 6, 0.1, 3, true), movie_night()).unwrap();
    let m = &fit.model;
    for n in [2usize, 5, 12, 30] {
        let rated: Vec<(u32, f64)> = (0..n).map(|j| (j as u32, 1.0 + (j % 5) as f64)).collect();
        let lambda = 0.1;
        let folded = fold_in_user(m, &rated, lambda).unwrap();
        let d = 7;
        let x = DMatrix::from_fn(n, d, |j, f| if f < 6 { m.item_factors(j)[f] } else { 1.0 });
        let y = DVector::from_fn(n, |j, _| rated[j].1 - m.mu() - m.item_biases()[j]);
        let a = x.transpose() * &x + DMatrix::identity(d, d) * (lambda * n as f64);
        let w = a.cholesky().unwrap().solve(&(x.transpose() * y));
        for f in 0..6 {
            assert!(
                (folded.factors[f] - w[f]).abs() < 1e-9,
                "n = {n}: {folded:?} vs {w}"
            );
        }
        assert!((folded.bias - w[6]).abs() < 1e-9);
    }
}
