//! Memory held by work whose size the user chooses (issue 23, class 4:
//! training history in bounded memory). The real binary runs and its peak
//! resident memory (`VmHWM` in `/proc/PID/status`) is watched while it works;
//! a run past the bound is killed at once, so a regression fails quickly
//! without taking the machine's memory.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The peak resident memory of process `pid` in MB, if it is still running.
fn peak_mb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Runs the binary with `args`, killing it when its peak memory passes
/// `limit_mb`. Returns whether it succeeded and the highest peak seen.
fn run_watched(args: &[&Path], limit_mb: u64) -> (bool, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_eigenlens"))
        .args(args)
        .env("WGPU_BACKEND", "gl")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let mut peak = 0;
    loop {
        if let Some(mb) = peak_mb(child.id()) {
            peak = peak.max(mb);
        }
        if peak > limit_mb {
            child.kill().expect("the run can be stopped");
            child.wait().expect("the run ends");
            return (false, peak);
        }
        if let Some(status) = child.try_wait().expect("the run can be watched") {
            return (status.success(), peak);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Class 4: a Factorize scene inside the documented ranges (rank 100, 2,000
/// epochs) renders in bounded memory. Each epoch's model here is 1.6 MB
/// (2,000 users and items × 101 numbers); keeping every epoch's model —
/// as the window did while training a scene's epochs before drawing — takes
/// over 3 GB, where the snapshots the history keeps take at most 128 MB.
#[test]
fn training_history_is_kept_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut csv = String::from("user,item,rating\n");
    let mut rng = fastrand::Rng::with_seed(23);
    let mut rated = std::collections::HashSet::new();
    while rated.len() < 20_000 {
        let (u, i) = (rng.u32(0..1000), rng.u32(0..1000));
        if rated.insert((u, i)) {
            writeln!(csv, "u{u},i{i},{}", rng.u32(1..=5)).expect("a String takes writes");
        }
    }
    common::write_file(dir.path(), "ratings.csv", csv.as_bytes());
    let scene = common::write_file(
        dir.path(),
        "long.toml",
        b"view = \"factorize\"\ndataset = \"ratings.csv\"\n[window]\nwidth = 640\nheight = 400\n\
          [factorize]\nmethod = \"sgd\"\nrank = 100\nepochs = 2000\nepoch = 2000\nbiases = true\n",
    );
    let png = dir.path().join("long.png");
    let (ok, peak) = run_watched(&[Path::new("render"), &scene, Path::new("-o"), &png], 1_000);
    eprintln!("peak resident memory: {peak} MB");
    assert!(ok, "the render failed or passed 1,000 MB (peak {peak} MB)");
    assert!(png.exists(), "no picture was written");
}
