//! Generates the built-in `movie-night` ratings: 100 synthetic viewers rate 40
//! real films on a 1–5 scale, about 30% of the matrix observed. Tastes are
//! planted along two axes — children ↔ adult and blockbuster ↔ art-house — so a
//! rank-2 factorization should find them again.
//!
//! Regenerate with:
//!
//! ```text
//! cargo run --example make_movie_night -- assets/datasets
//! ```
//!
//! which writes `movie-night.csv` (`user,movie,rating`) and
//! `movie-night-movies.csv` (`movieId,title,genres,adult,arthouse`: the last two
//! columns are the planted coordinates of each film, for comparing with what
//! a factorization learns; the loader ignores them).
//!
//! The model, for viewer u with taste t_u = (adult, art-house) and bias b_u, and
//! film i at x_i = (adult, art-house) with popularity b_i:
//!
//! ```text
//! r_ui = round(clamp(3.3 + b_u + b_i + 1.2 · t_u·x_i + ε, 1, 5)),  ε ~ N(0, 0.4²)
//! ```
//!
//! A viewer sees a film with probability 0.3 + 0.1·(blockbuster-ness) +
//! 0.12·(taste match), at least 5 films each: blockbusters and films to one's
//! taste are seen more often, as in real ratings data.
//!
//! The output depends only on [`SEED`]: a tiny self-contained PRNG (splitmix64)
//! feeds Box–Muller normals, so no dependency can change the numbers.

use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;

/// Seed of the generator.
const SEED: u64 = 0x0001_F11A_5EED;

/// Number of viewers.
const USERS: usize = 100;

/// Fewest films any viewer rates.
const MIN_SEEN: usize = 5;

/// The films: title, genres, and the quadrant they sit in (adult?, art-house?).
const FILMS: [(&str, &str, bool, bool); 40] = [
    (
        "Toy Story (1995)",
        "Animation|Children's|Comedy",
        false,
        false,
    ),
    (
        "The Lion King (1994)",
        "Animation|Children's|Musical",
        false,
        false,
    ),
    (
        "Finding Nemo (2003)",
        "Animation|Children's|Comedy",
        false,
        false,
    ),
    ("Shrek (2001)", "Animation|Children's|Comedy", false, false),
    (
        "Harry Potter and the Sorcerer's Stone (2001)",
        "Adventure|Children's|Fantasy",
        false,
        false,
    ),
    (
        "Frozen (2013)",
        "Animation|Children's|Musical",
        false,
        false,
    ),
    (
        "The Incredibles (2004)",
        "Action|Animation|Children's",
        false,
        false,
    ),
    (
        "Despicable Me (2010)",
        "Animation|Children's|Comedy",
        false,
        false,
    ),
    (
        "Zootopia (2016)",
        "Animation|Children's|Comedy",
        false,
        false,
    ),
    (
        "Moana (2016)",
        "Adventure|Animation|Children's",
        false,
        false,
    ),
    (
        "Spirited Away (2001)",
        "Animation|Children's|Fantasy",
        false,
        true,
    ),
    (
        "My Neighbor Totoro (1988)",
        "Animation|Children's|Fantasy",
        false,
        true,
    ),
    (
        "The Triplets of Belleville (2003)",
        "Animation|Comedy",
        false,
        true,
    ),
    (
        "Kiki's Delivery Service (1989)",
        "Animation|Children's|Fantasy",
        false,
        true,
    ),
    (
        "Song of the Sea (2014)",
        "Animation|Children's|Fantasy",
        false,
        true,
    ),
    (
        "The Secret of Kells (2009)",
        "Animation|Children's|Fantasy",
        false,
        true,
    ),
    (
        "Ernest & Celestine (2012)",
        "Animation|Children's|Comedy",
        false,
        true,
    ),
    (
        "Fantastic Mr. Fox (2009)",
        "Animation|Children's|Comedy",
        false,
        true,
    ),
    ("Ponyo (2008)", "Animation|Children's|Fantasy", false, true),
    (
        "My Life as a Zucchini (2016)",
        "Animation|Children's|Drama",
        false,
        true,
    ),
    (
        "The Dark Knight Rises (2012)",
        "Action|Thriller",
        true,
        false,
    ),
    ("Inception (2010)", "Action|Sci-Fi|Thriller", true, false),
    ("Gladiator (2000)", "Action|Drama", true, false),
    ("The Matrix (1999)", "Action|Sci-Fi", true, false),
    (
        "Mad Max: Fury Road (2015)",
        "Action|Adventure|Sci-Fi",
        true,
        false,
    ),
    ("Die Hard (1988)", "Action|Thriller", true, false),
    (
        "Terminator 2: Judgment Day (1991)",
        "Action|Sci-Fi",
        true,
        false,
    ),
    ("Skyfall (2012)", "Action|Thriller", true, false),
    ("The Avengers (2012)", "Action|Sci-Fi", true, false),
    ("Top Gun: Maverick (2022)", "Action|Drama", true, false),
    ("Memento (2000)", "Mystery|Thriller", true, true),
    ("Amélie (2001)", "Comedy|Romance", true, true),
    ("Mulholland Drive (2001)", "Drama|Mystery", true, true),
    ("Lost in Translation (2003)", "Comedy|Drama", true, true),
    ("In the Mood for Love (2000)", "Drama|Romance", true, true),
    ("Three Colors: Blue (1993)", "Drama", true, true),
    ("Moonlight (2016)", "Drama", true, true),
    (
        "Eternal Sunshine of the Spotless Mind (2004)",
        "Drama|Romance|Sci-Fi",
        true,
        true,
    ),
    ("Oldboy (2003)", "Mystery|Thriller", true, true),
    ("The Seventh Seal (1957)", "Drama|Fantasy", true, true),
];

/// splitmix64 (Steele, Lea & Flood 2014): a 64-bit state stepped by a constant,
/// then mixed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1]: the top 53 bits, shifted off zero so `ln` is finite.
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal by Box–Muller: √(−2 ln u₁) · cos(2π u₂).
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

fn main() -> io::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".to_owned()));
    let mut rng = SplitMix64(SEED);

    // Films: the quadrant's corner (±0.8, ±0.8) plus a little jitter; a
    // popularity bias that favours blockbusters.
    let sign = |b: bool| if b { 1.0 } else { -1.0 };
    let films: Vec<([f64; 2], f64)> = FILMS
        .iter()
        .map(|&(_, _, adult, arthouse)| {
            let x = [
                (0.8 * sign(adult) + 0.15 * rng.normal()).clamp(-1.0, 1.0),
                (0.8 * sign(arthouse) + 0.15 * rng.normal()).clamp(-1.0, 1.0),
            ];
            let popularity = -0.15 * x[1] + 0.2 * rng.normal();
            (x, popularity)
        })
        .collect();

    let mut movies = String::from("movieId,title,genres,adult,arthouse\n");
    for (i, ((title, genres, _, _), (x, _))) in FILMS.iter().zip(&films).enumerate() {
        writeln!(movies, "{},{title},{genres},{:.2},{:.2}", i + 1, x[0], x[1])
            .map_err(io::Error::other)?;
    }

    let mut ratings = String::from("user,movie,rating\n");
    let mut observed = 0usize;
    for u in 0..USERS {
        let taste = [0.8 * rng.normal(), 0.8 * rng.normal()];
        let bias = 0.35 * rng.normal();
        // Each film: (would-be rating, chance of being seen, uniform draw).
        let mut row: Vec<(f64, f64, f64)> = films
            .iter()
            .map(|&(x, popularity)| {
                let affinity = taste[0] * x[0] + taste[1] * x[1];
                let r = 3.3 + bias + popularity + 1.2 * affinity + 0.4 * rng.normal();
                let p = (0.3 - 0.1 * x[1] + 0.12 * affinity).clamp(0.05, 0.9);
                (r.round().clamp(1.0, 5.0), p, rng.uniform())
            })
            .collect();
        // Too few seen: the most likely unseen films are seen after all.
        let seen = |row: &[(f64, f64, f64)]| row.iter().filter(|(_, p, draw)| draw <= p).count();
        while seen(&row) < MIN_SEEN {
            if let Some(film) = row
                .iter_mut()
                .filter(|(_, p, draw)| draw > p)
                .max_by(|a, b| a.1.total_cmp(&b.1))
            {
                film.2 = 0.0;
            }
        }
        for (i, &(r, p, draw)) in row.iter().enumerate() {
            if draw <= p {
                writeln!(ratings, "u{:03},{},{r}", u + 1, i + 1).map_err(io::Error::other)?;
                observed += 1;
            }
        }
    }
    std::fs::write(dir.join("movie-night.csv"), ratings)?;
    std::fs::write(dir.join("movie-night-movies.csv"), movies)?;
    eprintln!(
        "{observed} ratings, {:.1}% observed",
        100.0 * observed as f64 / (USERS * FILMS.len()) as f64
    );
    Ok(())
}
