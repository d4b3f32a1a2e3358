#!/usr/bin/env python3
"""PCA fit time: eigenlens against scikit-learn, on 1,000,000 × 3 and 1,000,000 × 50 float64.

Run from anywhere (Python ≥ 3.9; the first run needs the network for pip):

    python3 benches/pca_vs_sklearn.py            # builds target/release/eigenlens if missing
    python3 benches/pca_vs_sklearn.py --build    # rebuild it first (cargo build --release)

What it does:
- makes a venv in target/bench-venv with numpy and scikit-learn if there is none,
  and re-runs itself inside it;
- writes seeded, correlated test arrays to target/bench-data/*.npy (once);
- times scikit-learn's `PCA(n_components=2, svd_solver="covariance_eigh").fit(X)`,
  best of 3, on the array already in memory;
- runs `eigenlens pca X.npy --components 2 --json` 3 times and takes the best
  `fit_seconds` (the fit alone: the CLI times it after loading the file), and
  the best wall time of the whole command (load + fit + output);
- checks that the explained variance ratios agree to 1e-6 (and reports the
  largest difference between the components, which share a sign convention);
- prints a table; ratio = sklearn / eigenlens (> 1: eigenlens is faster).

Both sides use every core: OpenBLAS threads for NumPy, scoped threads for eigenlens.
"""

import json
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "bench-venv"
DATA = ROOT / "target" / "bench-data"
BINARY = ROOT / "target" / "release" / "eigenlens"
SHAPES = [(1_000_000, 3), (1_000_000, 50)]
REPEATS = 3
K = 2


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> None:
    """Re-executes this script inside target/bench-venv, creating it first if needed."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    python = venv_python()
    if not python.exists():
        print(f"creating {VENV} with numpy and scikit-learn ...", file=sys.stderr)
        venv.create(VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "numpy", "scikit-learn"], check=True)
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def ensure_binary(force: bool) -> None:
    if force or not BINARY.exists():
        subprocess.run(["cargo", "build", "--release", "--bin", "eigenlens"], cwd=ROOT, check=True)


def make_data(n: int, d: int):
    """Seeded correlated Gaussian data with offsets and unequal scales; cached as .npy."""
    import numpy as np

    path = DATA / f"pca_{n}x{d}.npy"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(20240601 + d)
        mix = rng.standard_normal((d, d)) * np.logspace(-1, 1, d)
        X = rng.standard_normal((n, d)) @ mix + rng.uniform(-100, 100, d)
        np.save(path, np.ascontiguousarray(X, dtype=np.float64))
    return path


def time_sklearn(X):
    from sklearn.decomposition import PCA

    best, model = float("inf"), None
    for _ in range(REPEATS):
        pca = PCA(n_components=K, svd_solver="covariance_eigh")
        t0 = time.perf_counter()
        pca.fit(X)
        best = min(best, time.perf_counter() - t0)
        model = pca
    return best, model


def time_eigenlens(path: Path):
    best_fit, best_wall, report = float("inf"), float("inf"), None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        out = subprocess.run(
            [str(BINARY), "pca", str(path), "--components", str(K), "--json"],
            check=True,
            capture_output=True,
            text=True,
        )
        best_wall = min(best_wall, time.perf_counter() - t0)
        report = json.loads(out.stdout)
        best_fit = min(best_fit, report["fit_seconds"])
    return best_fit, best_wall, report


def main() -> None:
    ensure_venv()
    ensure_binary("--build" in sys.argv[1:])
    import numpy as np
    import sklearn

    print(f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, {os.cpu_count()} CPUs")
    rows = []
    for n, d in SHAPES:
        path = make_data(n, d)
        t0 = time.perf_counter()
        X = np.load(path)
        np_load = time.perf_counter() - t0
        sk_s, sk = time_sklearn(X)
        el_s, el_wall, report = time_eigenlens(path)
        ratio_diff = float(np.max(np.abs(np.array(report["explained_variance_ratio"]) - sk.explained_variance_ratio_)))
        comp_diff = float(np.max(np.abs(np.array(report["components"]) - sk.components_)))
        rows.append((f"{n:,} × {d}", sk_s, el_s, sk_s / el_s, ratio_diff, comp_diff, el_wall, np_load))
        del X

    header = ("shape", "sklearn s", "eigenlens s", "ratio", "|Δ ratio|", "|Δ comp|", "eigenlens wall s", "np.load s")
    print()
    print(f"{header[0]:>16} {header[1]:>10} {header[2]:>12} {header[3]:>7} {header[4]:>10} {header[5]:>10} {header[6]:>17} {header[7]:>10}")
    for shape, sk_s, el_s, ratio, rd, cd, wall, load in rows:
        print(f"{shape:>16} {sk_s:>10.4f} {el_s:>12.4f} {ratio:>6.2f}× {rd:>10.1e} {cd:>10.1e} {wall:>17.3f} {load:>10.3f}")
    print()
    print("sklearn s / eigenlens s: fit only, best of 3, data in memory. eigenlens wall: the whole")
    print("command (read + parse the .npy, fit, JSON). np.load: NumPy reading the same file.")
    worst = max(r[4] for r in rows)
    ok = worst <= 1e-6
    print(f"explained variance ratios agree to 1e-6: {'yes' if ok else 'NO'} (largest difference {worst:.1e})")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
