#!/usr/bin/env python3
"""Exact nearest neighbours in 100,000 × 384: eigenlens against NumPy and scikit-learn.

Run from anywhere (Python ≥ 3.9; the first run needs the network for pip):

    python3 benches/knn_vs_numpy.py            # builds target/release/eigenlens if missing
    python3 benches/knn_vs_numpy.py --build    # rebuild it first (cargo build --release)

What it does:
- makes a venv in target/bench-venv with numpy and scikit-learn if there is
  none, and re-runs itself inside it;
- writes a seeded, clustered float32 array of 100,000 × 384 (the width of
  all-MiniLM-L6-v2) to target/bench-data/knn_100000x384.npy (once);
- for each metric (cosine, euclidean, dot) and 7 query rows:
  - NumPy brute force on the array in memory, with what can be precomputed
    precomputed (row norms, as eigenlens's index does): one matrix-vector
    product, argpartition, sort; the query itself excluded;
  - scikit-learn's NearestNeighbors(algorithm="brute") fitted once, then
    kneighbors() per query (dot has no sklearn metric: skipped);
  - `eigenlens neighbors X.npy --row R -k 10 --metric M --json`, taking the
    `query_seconds` it reports (the query alone, after loading and indexing);
- checks that the three agree on the neighbours (same rows, or ties within 1e-5);
- prints the median and best query time of each, in milliseconds.

NumPy and scikit-learn may use both cores (BLAS threads); eigenlens's query is
single-threaded. A query reads the whole array once, so all three are bound by
memory bandwidth. On a shared machine the numbers move with the load.
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
N, D, K = 100_000, 384, 10
ROWS = [0, 12_345, 31_337, 50_000, 66_666, 77_777, 99_999]
METRICS = ["cosine", "euclidean", "dot"]


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


def make_data():
    import numpy as np

    path = DATA / f"knn_{N}x{D}.npy"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(20240601)
        centres = rng.uniform(-1, 1, (50, D)).astype(np.float32)
        labels = rng.integers(0, 50, N)
        X = centres[labels] + rng.uniform(-0.4, 0.4, (N, D)).astype(np.float32)
        np.save(path, np.ascontiguousarray(X, dtype=np.float32))
    return path, np.load(path)


def numpy_query(X, norms, row, metric):
    import numpy as np

    q = X[row]
    if metric == "euclidean":
        d2 = (norms**2) - 2.0 * (X @ q) + float(q @ q)
        key = d2
    elif metric == "cosine":
        key = -(X @ q) / (norms * float(np.linalg.norm(q)))
    else:
        key = -(X @ q)
    key[row] = np.inf
    top = np.argpartition(key, K)[:K]
    return top[np.argsort(key[top], kind="stable")]


def timed(f, repeats=1):
    start = time.perf_counter()
    for _ in range(repeats):
        out = f()
    return (time.perf_counter() - start) / repeats, out


def summary(times):
    s = sorted(times)
    return f"median {1e3 * s[len(s) // 2]:7.1f} ms   best {1e3 * s[0]:7.1f} ms"


def main() -> None:
    ensure_venv()
    ensure_binary("--build" in sys.argv)
    import numpy as np
    from sklearn.neighbors import NearestNeighbors

    path, X = make_data()
    norms = np.linalg.norm(X, axis=1)
    print(f"exact k = {K} nearest neighbours in {N:,} × {D} float32, {len(ROWS)} queries per metric")
    disagreements = 0
    for metric in METRICS:
        np_times, sk_times, el_times = [], [], []
        nn = None
        if metric != "dot":
            nn = NearestNeighbors(n_neighbors=K + 1, algorithm="brute", metric=metric).fit(X)
        for row in ROWS:
            t, np_rows = timed(lambda: numpy_query(X, norms, row, metric))
            np_times.append(t)
            if nn is not None:
                t, (_, idx) = timed(lambda: nn.kneighbors(X[row : row + 1]))
                sk_times.append(t)
            out = subprocess.run(
                [str(BINARY), "neighbors", str(path), "--row", str(row), "-k", str(K), "--metric", metric, "--json"],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(out.stdout)
            el_times.append(result["query_seconds"])
            el_rows = [n["row"] for n in result["neighbors"]]
            if list(el_rows) != [int(r) for r in np_rows]:
                # Allow swaps between near-ties (f32 rounding differs).
                q = X[row].astype(np.float64)
                def score(r):
                    x = X[r].astype(np.float64)
                    if metric == "cosine":
                        return float(x @ q / (np.linalg.norm(x) * np.linalg.norm(q)))
                    if metric == "dot":
                        return float(x @ q)
                    return float(np.linalg.norm(x - q))
                a = [score(r) for r in el_rows]
                b = [score(int(r)) for r in np_rows]
                if max(abs(x - y) for x, y in zip(a, b)) > 1e-5 * max(1.0, max(abs(v) for v in b)):
                    disagreements += 1
                    print(f"  {metric} row {row}: eigenlens {el_rows} numpy {list(np_rows)}", file=sys.stderr)
        print(f"{metric}:")
        print(f"  numpy brute force        {summary(np_times)}")
        if sk_times:
            print(f"  scikit-learn brute       {summary(sk_times)}")
        print(f"  eigenlens (one thread)   {summary(el_times)}")
    print("all neighbour lists agree" if disagreements == 0 else f"{disagreements} lists DISAGREE")
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
