//! `eigenlens svd IMAGE [--rank K] [--channels gray|rgb] [-o OUT.png] [--json]`:
//! the SVD of a picture ([`crate::math::svd`]), its rank-K picture's error
//! beside the Eckart–Young bound, the energy kept and the storage, printed
//! as a table or as JSON; `-o` writes the rank-K picture.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::Failure;
use crate::data;
use crate::math::svd::{Channels, PictureSvd, Rebuild};

/// Which matrices the picture becomes.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ChannelsArg {
    /// One matrix of luminance (0.299 R + 0.587 G + 0.114 B).
    Gray,
    /// R, G and B, each decomposed on its own.
    Rgb,
}

/// Decompose a picture by its singular values; rebuild it from the first K.
#[derive(Args, Debug)]
pub struct SvdArgs {
    /// A PNG or JPEG file, or builtin:NAME (astronaut, lowrank, noise).
    pub image: PathBuf,
    /// Keep the first K layers σᵢ uᵢ vᵢᵀ (default: all of them).
    #[arg(long, value_name = "K")]
    pub rank: Option<usize>,
    /// gray: one matrix of luminance; rgb: one per channel.
    #[arg(long, value_enum, default_value = "gray")]
    pub channels: ChannelsArg,
    /// Write the rank-K picture here (PNG; JPEG for a .jpg or .jpeg name).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Print JSON: rows, cols, channels, singular_values (one list per
    /// channel), rank, error, bound, energy, storage, seconds (the
    /// decomposition alone).
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Report {
    image: String,
    rows: usize,
    cols: usize,
    channels: &'static str,
    singular_values: Vec<Vec<f64>>,
    rank: usize,
    /// ‖A − A_k‖_F measured on the rebuilt picture (over all channels).
    error: f64,
    /// √(Σᵢ>ₖ σᵢ²) over all channels.
    bound: f64,
    energy: f64,
    storage: usize,
    /// Numbers in the picture itself (channels × rows × cols).
    size: usize,
    rank_for_energy: RankFor,
    note: Option<String>,
    seconds: f64,
}

#[derive(Serialize)]
struct RankFor {
    #[serde(rename = "0.9")]
    p90: usize,
    #[serde(rename = "0.99")]
    p99: usize,
    #[serde(rename = "0.999")]
    p999: usize,
}

/// Runs `eigenlens svd`.
///
/// # Errors
/// Bad input (exit 2): a picture that cannot be read, a rank above
/// min(rows, cols), an output that cannot be written. Exit 1 if stdout
/// cannot be written.
pub fn run(args: &SvdArgs) -> Result<(), Failure> {
    let source = args.image.to_string_lossy();
    let picture = data::load_picture_ref(&source).map_err(|e| Failure::input(e.to_string()))?;
    if let Some(note) = &picture.note {
        super::out::note(&format!("note: {source}: {note}"));
    }
    let channels = match args.channels {
        ChannelsArg::Gray => Channels::Gray,
        ChannelsArg::Rgb => Channels::Rgb,
    };
    let full = picture.width.min(picture.height);
    let rank = args.rank.unwrap_or(full);
    if rank > full {
        return Err(Failure::input(format!(
            "--rank: must be between 0 and {full} (the smaller side of this {} × {} picture), got {rank}",
            picture.width, picture.height
        )));
    }
    let started = Instant::now();
    let decomposed = PictureSvd::of(
        &picture.rgb,
        picture.width,
        picture.height,
        channels,
        &|| false,
    )
    .map_err(|e| Failure::input(format!("{source}: {e}")))?
    .ok_or_else(|| Failure::other("the decomposition stopped"))?;
    let seconds = started.elapsed().as_secs_f64();
    let rebuilt: Vec<Rebuild> = decomposed
        .svds
        .iter()
        .zip(&decomposed.matrices)
        .map(|(svd, a)| {
            let mut r = Rebuild::new(svd);
            r.set(svd, Some(a), rank);
            r
        })
        .collect();
    let pictures: Vec<_> = rebuilt.iter().map(Rebuild::picture).collect();
    if let Some(out) = &args.output {
        data::save_picture(out, &pictures).map_err(Failure::input)?;
    }
    let report = Report {
        image: source.into_owned(),
        rows: picture.height,
        cols: picture.width,
        channels: channels.name(),
        singular_values: decomposed.svds.iter().map(|s| s.sigma.clone()).collect(),
        rank,
        error: decomposed.error_of(&pictures),
        bound: decomposed.bound(rank),
        energy: decomposed.energy(rank),
        storage: decomposed.storage(rank),
        size: decomposed.size(),
        rank_for_energy: RankFor {
            p90: decomposed.rank_for_energy(0.9),
            p99: decomposed.rank_for_energy(0.99),
            p999: decomposed.rank_for_energy(0.999),
        },
        note: picture.note.clone(),
        seconds,
    };
    let mut out = std::io::BufWriter::new(super::out::stdout());
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &report)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        write_table(&mut out, &report)
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| super::out::failure(&e))
}

fn write_table(out: &mut impl Write, r: &Report) -> std::io::Result<()> {
    let ratio = r.storage as f64 / r.size as f64;
    writeln!(
        out,
        "{}: {} × {} pixels, {} ({} matri{})",
        r.image,
        r.cols,
        r.rows,
        r.channels,
        r.singular_values.len(),
        if r.singular_values.len() == 1 {
            "x"
        } else {
            "ces"
        }
    )?;
    for (ch, sigma) in r.singular_values.iter().enumerate() {
        let first: Vec<String> = sigma.iter().take(6).map(|s| format!("{s:.1}")).collect();
        let name = match (r.singular_values.len(), ch) {
            (1, _) => "σ",
            (_, 0) => "σ (R)",
            (_, 1) => "σ (G)",
            _ => "σ (B)",
        };
        writeln!(out, "{name:<8} {} …", first.join("  "))?;
    }
    writeln!(out, "rank k   {}", r.rank)?;
    writeln!(
        out,
        "error    ‖A − A_k‖ = {:.4}   Eckart–Young √(Σᵢ>ₖ σᵢ²) = {:.4}",
        r.error, r.bound
    )?;
    writeln!(out, "energy   {:.4} kept", r.energy)?;
    writeln!(
        out,
        "storage  {} numbers vs {} ({:.1}%)",
        r.storage,
        r.size,
        100.0 * ratio
    )?;
    writeln!(
        out,
        "rank for 90% / 99% / 99.9% of the energy: {} / {} / {}",
        r.rank_for_energy.p90, r.rank_for_energy.p99, r.rank_for_energy.p999
    )?;
    writeln!(out, "seconds  {:.3} (the decomposition)", r.seconds)
}
