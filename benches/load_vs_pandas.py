#!/usr/bin/env python3
"""Load time and peak memory: eigenlens against pandas.read_csv and numpy.load.

Run from anywhere (Python >= 3.9; the first run needs the network for pip):

    python3 benches/load_vs_pandas.py            # builds target/release/eigenlens if missing
    python3 benches/load_vs_pandas.py --build    # rebuild it first (cargo build --release)

What it does:
- makes a venv in target/bench-venv-load with numpy and pandas if there is none,
  and re-runs itself inside it;
- writes seeded files to target/bench-data/ (once): a 1,000,000 x 10 CSV of
  full-precision floats (pandas' own to_csv), a 1,000,000 x 50 CSV of 6-digit
  floats, and a 1,000,000 x 50 float64 .npy;
- for each file, runs both sides REPEATS times, alternating, each in a fresh
  process: `eigenlens pca FILE --components 2 --json` (its `load_seconds`
  key times the load alone, inside the process) against a Python child that
  times `pandas.read_csv(FILE)` or `numpy.load(FILE)` the same way;
- takes each side's best time and its peak RSS (GNU time's %M for the child
  process; for eigenlens it includes the small PCA fit after the load);
- prints a table: ratio = reference / eigenlens (> 1: eigenlens is faster),
  and eigenlens' peak RSS over the size of the float64 array.

The numbers move with the machine's load: the script prints the load average
before and after. Run it twice on a shared machine.
"""

import json
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "bench-venv-load"
DATA = ROOT / "target" / "bench-data"
BINARY = ROOT / "target" / "release" / "eigenlens"
REPEATS = 3
N = 1_000_000


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> None:
    """Re-executes this script inside the venv, creating it first if needed."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    python = venv_python()
    if not python.exists():
        print(f"creating {VENV} with numpy and pandas ...", file=sys.stderr)
        venv.create(VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "numpy", "pandas"], check=True)
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def ensure_binary(force: bool) -> None:
    if force or not BINARY.exists():
        subprocess.run(["cargo", "build", "--release", "--bin", "eigenlens"], cwd=ROOT, check=True)


def make_files():
    """The seeded test files, written once: (label, path, n, d, reference)."""
    import numpy as np
    import pandas as pd

    DATA.mkdir(parents=True, exist_ok=True)
    files = []
    csv10 = DATA / f"load_{N}x10.csv"
    if not csv10.exists():
        rng = np.random.default_rng(7)
        X = rng.standard_normal((N, 10)) * np.logspace(-1, 2, 10) + rng.uniform(-50, 50, 10)
        pd.DataFrame(X, columns=[f"c{j}" for j in range(10)]).to_csv(csv10, index=False)
    files.append(("CSV 1M x 10", csv10, N, 10, "pandas.read_csv"))
    csv50 = DATA / f"load_{N}x50.csv"
    if not csv50.exists():
        rng = np.random.default_rng(50)
        X = rng.standard_normal((N, 50))
        pd.DataFrame(X, columns=[f"c{j}" for j in range(50)]).to_csv(csv50, index=False, float_format="%.6f")
    files.append(("CSV 1M x 50", csv50, N, 50, "pandas.read_csv"))
    npy50 = DATA / f"load_{N}x50.npy"
    if not npy50.exists():
        rng = np.random.default_rng(51)
        np.save(npy50, rng.standard_normal((N, 50)))
    files.append((".npy 1M x 50", npy50, N, 50, "numpy.load"))
    return files


def peak_rss(args):
    """Runs `args` under GNU time; its stdout and its own peak RSS in bytes.

    (Not os.wait4: a child forked from this Python process inherits its
    high-water mark across exec, so ru_maxrss would report ours.)"""
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{args[0]} failed: {proc.stderr}")
    kib = int(proc.stderr.strip().splitlines()[-1])
    return proc.stdout, kib * 1024


REFERENCE = """
import sys, time, json
path, what = sys.argv[1], sys.argv[2]
if what == "numpy.load":
    import numpy as np
    t0 = time.perf_counter(); X = np.load(path); t = time.perf_counter() - t0
    shape = X.shape
else:
    import pandas as pd
    t0 = time.perf_counter(); X = pd.read_csv(path); t = time.perf_counter() - t0
    shape = X.shape
print(json.dumps({"seconds": t, "shape": list(shape)}))
"""


def main() -> None:
    ensure_venv()
    ensure_binary("--build" in sys.argv[1:])
    import numpy as np
    import pandas as pd

    files = make_files()
    print(f"numpy {np.__version__}, pandas {pd.__version__}, {os.cpu_count()} CPUs, "
          f"load average before: {os.getloadavg()[0]:.2f}")
    rows = []
    for label, path, n, d, reference in files:
        best_el, best_ref, rss_el, rss_ref = float("inf"), float("inf"), 0, 0
        for _ in range(REPEATS):
            out, rss = peak_rss([str(BINARY), "pca", str(path), "--components", "2", "--json"])
            report = json.loads(out)
            assert report["n_samples"] == n and report["n_features"] == d, report
            best_el = min(best_el, report["load_seconds"])
            rss_el = max(rss_el, rss)
            out, rss = peak_rss([sys.executable, "-c", REFERENCE, str(path), reference])
            ref = json.loads(out)
            assert ref["shape"] == [n, d], ref
            best_ref = min(best_ref, ref["seconds"])
            rss_ref = max(rss_ref, rss)
        array = n * d * 8
        size = path.stat().st_size
        rows.append((label, size, reference, best_ref, best_el, rss_ref, rss_el, array))

    print()
    print(f"{'file':>13} {'MB':>6} {'reference':>16} {'ref s':>7} {'eigenlens s':>11} {'ratio':>6}"
          f" {'ref peak MB':>11} {'eigenlens peak MB':>17} {'÷ f64 array':>11}")
    for label, size, reference, ref_s, el_s, rss_ref, rss_el, array in rows:
        print(f"{label:>13} {size / 1e6:>6.0f} {reference:>16} {ref_s:>7.3f} {el_s:>11.3f} {ref_s / el_s:>5.2f}×"
              f" {rss_ref / 1e6:>11.0f} {rss_el / 1e6:>17.0f} {rss_el / array:>10.2f}×")
    print()
    print("Best of", REPEATS, "alternating runs, each in a fresh process; times are the load alone")
    print("(eigenlens: load_seconds of `eigenlens pca FILE --json`). ratio = reference s / eigenlens s.")
    print("Peak MB: the child's peak RSS (GNU time %M; eigenlens' includes its PCA fit; Python's the interpreter).")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
