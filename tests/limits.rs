//! Limits (issue 23): inputs whose size is unknown are cut off at the memory
//! limit as they are read, a `.npy` header's numbers never size memory beyond
//! what its bytes can fill, and an image larger than the graphics adapter can
//! draw is an error, not a panic.
//!
//! `EIGENLENS_MEMORY_AVAILABLE` sets the memory available (the limit is a
//! third of it), so nothing here needs gigabytes; nothing reads `/dev/zero`.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Duration;

use eigenlens::data::{self, LoadError, LoadProgress};
use eigenlens::files::{self, LimitedReader, ReadError};

/// Runs the real binary with `env` set.
fn eigenlens(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eigenlens"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run eigenlens")
}

/// Exit 2 and one `error:` line on stderr holding every piece of `wants`.
fn assert_refused(o: &Output, wants: &[&str]) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.starts_with("error: "), "stderr: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "stderr: {stderr}");
    for want in wants {
        assert!(stderr.contains(want), "{want:?} not in: {stderr}");
    }
}

/// A FIFO at `dir/name`, and a thread that opens it and writes `head` and
/// then `body` over and over until the reader goes away (or 256 MB, a
/// safety stop). The thread returns the bytes it wrote.
fn endless_fifo(
    dir: &Path,
    name: &str,
    head: Vec<u8>,
    body: Vec<u8>,
) -> (PathBuf, mpsc::Receiver<()>, std::thread::JoinHandle<u64>) {
    let path = dir.join(name);
    let status = Command::new("mkfifo").arg(&path).status().expect("mkfifo");
    assert!(status.success());
    let (opened_tx, opened_rx) = mpsc::channel();
    let writer_path = path.clone();
    let writer = std::thread::spawn(move || {
        // Blocks until a reader opens the FIFO.
        let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&writer_path) else {
            return 0;
        };
        let _ = opened_tx.send(());
        let mut written = 0u64;
        if f.write_all(&head).is_err() {
            return written;
        }
        written += head.len() as u64;
        while written < 256_000_000 {
            // A closed reader: EPIPE (Rust ignores SIGPIPE).
            if f.write_all(&body).is_err() {
                break;
            }
            written += body.len() as u64;
        }
        written
    });
    (path, opened_rx, writer)
}

/// Ends the writer thread whether or not the reader opened the FIFO, and
/// returns how much it wrote.
fn finish(path: &Path, opened: &mpsc::Receiver<()>, writer: std::thread::JoinHandle<u64>) -> u64 {
    if opened.recv_timeout(Duration::from_secs(5)).is_err() {
        // Nobody read it: open it once so the writer's open returns, then close.
        drop(std::fs::File::open(path));
    }
    writer.join().expect("writer thread")
}

/// Class 2: a FIFO fed without end (like `yes | eigenlens pca /dev/stdin`)
/// is read until the limit (a third of the memory available) and refused
/// with an error naming the file and the memory, not read until memory runs
/// out; a `.npy` from such a source whose header promises more than the limit
/// is refused before its data is read. The limit also holds for any reader
/// ([`LimitedReader`]) and for whole-file reads ([`files::read_limited`]).
#[test]
fn a_device_of_unknown_size_is_refused_at_the_limit() {
    // Any endless reader stops one byte past the limit.
    let mut endless = LimitedReader::new(std::io::repeat(b'y'), Some(3_000));
    let mut sink = Vec::new();
    let e = endless.read_to_end(&mut sink).unwrap_err();
    assert_eq!(files::too_large_in(&e), Some((1_001, 3_000)));
    assert_eq!(endless.bytes_read(), 1_001);
    assert!(sink.len() <= 1_001);
    let mut unlimited = LimitedReader::new(&b"1,2\n"[..], None);
    sink.clear();
    unlimited.read_to_end(&mut sink).unwrap();
    assert_eq!(sink, b"1,2\n");

    let dir = tempfile::tempdir().unwrap();
    // A limit of 1 MB: more than the 256 KB read first to tell the format.
    let env = [(files::MEMORY_ENV, "3000000")];

    // CSV streaming (the loader behind pca, the GUI's Open, ...).
    let (csv, opened, writer) =
        endless_fifo(dir.path(), "yes.csv", Vec::new(), b"1,2\n".repeat(4096));
    let o = eigenlens(&["pca", csv.to_str().unwrap()], &env);
    let written = finish(&csv, &opened, writer);
    assert_refused(
        &o,
        &[
            csv.to_str().unwrap(),
            "too large to load into the 3.0 MB of memory available",
        ],
    );
    assert!(
        written < 10_000_000,
        "the reader went on for {written} bytes"
    );

    // A single endless line (no record boundary ever comes).
    let (line, opened, writer) =
        endless_fifo(dir.path(), "line.csv", Vec::new(), vec![b'7'; 65_536]);
    let o = eigenlens(&["pca", line.to_str().unwrap()], &env);
    finish(&line, &opened, writer);
    assert_refused(&o, &[line.to_str().unwrap(), "too large to load"]);

    // A .npy header promising 8 GB, then zeros without end: refused before
    // its data is read (8 GB of values plus the 8 GB read to decode them).
    let npy_head = npy("(1000000000,)", "<f8", 0);
    let (npy_path, opened, writer) = endless_fifo(dir.path(), "big.npy", npy_head, vec![0; 65_536]);
    let o = eigenlens(&["pca", npy_path.to_str().unwrap()], &env);
    finish(&npy_path, &opened, writer);
    assert_refused(
        &o,
        &[
            npy_path.to_str().unwrap(),
            "its shape (1000000000,)",
            "needs about 16.0 GB of memory once loaded, more than the 3.0 MB available",
        ],
    );

    // Whole-file reads (ratings, embeddings, scenes) stop at the limit too.
    let (ratings, opened, writer) = endless_fifo(
        dir.path(),
        "ratings.csv",
        Vec::new(),
        b"1,2,3\n".repeat(4096),
    );
    let o = eigenlens(&["factorize", ratings.to_str().unwrap()], &env);
    finish(&ratings, &opened, writer);
    assert_refused(&o, &[ratings.to_str().unwrap(), "too large to load"]);
    let (scene, opened, writer) =
        endless_fifo(dir.path(), "s.toml", Vec::new(), b"# pad\n".repeat(4096));
    let o = eigenlens(&["render", scene.to_str().unwrap(), "-o", "x.png"], &env);
    finish(&scene, &opened, writer);
    assert_refused(&o, &[scene.to_str().unwrap(), "too large to load"]);

    // And in the library, the limit is a parameter.
    let (fifo, opened, writer) = endless_fifo(dir.path(), "lib.txt", Vec::new(), vec![b'y'; 4096]);
    match files::read_limited(&fifo, Some(30_000)) {
        Err(ReadError::TooLarge { size, available }) => {
            assert_eq!((size, available), (10_001, 30_000));
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    finish(&fifo, &opened, writer);
}

/// The bytes of a `.npy` file with `shape` and `descr`, then `data` zero bytes.
fn npy(shape: &str, descr: &str, data: usize) -> Vec<u8> {
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(
        &u16::try_from(header.len())
            .expect("a short header")
            .to_le_bytes(),
    );
    bytes.extend_from_slice(header.as_bytes());
    bytes.resize(bytes.len() + data, 0);
    bytes
}

/// Class 2 (`.npy`): a header promising more data than the file holds is
/// refused naming both numbers, without sizing anything by the promise —
/// whether the length is known (a file) or not (a stream): 10⁹ rows or 10⁷
/// × 100 with 96 bytes behind them take no memory to refuse (a shape past
/// 100,000 columns is refused as too wide before that).
#[test]
fn an_npy_header_promising_more_than_the_file_holds_is_refused() {
    for (shape, expected) in [
        ("(1000000000, 6)", 48_000_000_000u64),
        ("(10000000, 100)", 8_000_000_000),
        ("(1000000000,)", 8_000_000_000),
    ] {
        let bytes = npy(shape, "<f8", 96);
        // Known length: refused before any data is read.
        match data::parse_npy(&bytes, "big.npy") {
            Err(e @ LoadError::NpyTruncated { .. }) => {
                let LoadError::NpyTruncated {
                    expected: promised,
                    found,
                    ..
                } = e
                else {
                    unreachable!()
                };
                assert_eq!((promised, found), (expected, 96), "{shape}");
                assert!(
                    e.to_string()
                        .contains(&format!("promises {expected} bytes of data, found 96")),
                    "{e}"
                );
            }
            other => panic!("{shape}: expected NpyTruncated, got {other:?}"),
        }
        // Unknown length (the progress has no total): read as it comes,
        // refused at the end of the bytes (or up front, past the limit).
        let t = std::time::Instant::now();
        match data::read_npy(&bytes[..], "big.npy", &LoadProgress::new()) {
            Err(LoadError::NpyTruncated {
                expected: promised,
                found,
                ..
            }) => assert_eq!((promised, found), (expected, 96), "{shape}"),
            Err(e @ LoadError::NpyBadHeader { .. }) => {
                let msg = e.to_string();
                assert!(
                    msg.contains(shape) && msg.contains("more than the"),
                    "{msg}"
                );
            }
            other => panic!("{shape}: expected NpyTruncated, got {other:?}"),
        }
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "{shape}: {:?}",
            t.elapsed()
        );
    }
    // A file on disk, through the loader every command uses.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.npy");
    std::fs::write(&path, npy("(1000000000, 6)", "<f8", 96)).unwrap();
    let e = data::load_dataset(&path).unwrap_err();
    assert!(matches!(e, LoadError::NpyTruncated { .. }), "{e:?}");
    assert!(e.to_string().contains(path.to_str().unwrap()), "{e}");
    // A short but honest stream still loads.
    let mut ok = npy("(2, 3)", "<f8", 0);
    for v in [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0] {
        ok.extend_from_slice(&v.to_le_bytes());
    }
    let ds = data::read_npy(&ok[..], "ok.npy", &LoadProgress::new()).unwrap();
    assert_eq!(ds.n_rows, 2);
    assert_eq!(ds.columns[2].values, vec![3.0, 6.0]);
}

/// Class 6: an image wider or taller (in pixels: points × scale) than the
/// graphics adapter allows is refused before drawing, exit 2 with one
/// `error:` line naming the size and the limit; never a panic in wgpu.
#[test]
fn a_render_larger_than_the_adapter_allows_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let scene = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/scenes/data-iris.toml");
    let out = dir.path().join("out.png");
    let env = [("WGPU_BACKEND", "gl")];
    let o = eigenlens(
        &[
            "render",
            scene.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--width",
            "8192",
            "--height",
            "64",
            "--scale",
            "4",
        ],
        &env,
    );
    if o.status.code() == Some(1)
        && String::from_utf8_lossy(&o.stderr).contains("no graphics adapter")
    {
        eprintln!("skipped: no graphics adapter");
        return;
    }
    assert_refused(
        &o,
        &[
            scene.to_str().unwrap(),
            "32768 × 256 pixels (8192 × 64 points at scale 4)",
            "pixels a side",
        ],
    );
    assert!(!out.exists());
    // The same scene at a size the adapter takes renders, even where one
    // wait for the device is capped (wgpu's GL backend: about 4.3 s) and the
    // software rasterizer on a loaded machine takes longer.
    let o = eigenlens(
        &[
            "render",
            scene.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--width",
            "1600",
            "--height",
            "1000",
            "--scale",
            "2",
        ],
        &env,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let png = image::open(&out).unwrap();
    assert_eq!((png.width(), png.height()), (3200, 2000));
}
