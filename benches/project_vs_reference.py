#!/usr/bin/env python3
"""t-SNE and UMAP: eigenlens against openTSNE and umap-learn, seconds and
trustworthiness side by side (issue 17's benchmark; it prints, it asserts
nothing).

    cargo build --release
    pip install openTSNE umap-learn scikit-learn
    python3 benches/project_vs_reference.py [--quick]

Datasets: scikit-learn's digits (1,797 x 64), the built-in words
(assets/datasets/words-vectors.tsv, 300 x 384) and 20,000 x 50 Gaussian
clusters (make_blobs, 10 centres, seed 0). --quick leaves the 20,000 out.

References: openTSNE TSNE(n_jobs=2), defaults otherwise (PCA start,
perplexity 30, 250 + 500 iterations; Barnes-Hut below 10,000 points, FFT
above); umap-learn UMAP(n_jobs=2), defaults otherwise (15 neighbours,
min_dist 0.1, spectral start), timed after a warm-up fit so numba's
compilation is not counted. eigenlens: `target/release/eigenlens project
FILE --method tsne|umap --json`, its own "seconds" (the projection, loading
excluded), defaults (PCA start for both).

Trustworthiness (k = 10) of every map is computed here by one function, the
formula of sklearn.manifold.trustworthiness, in row blocks so 20,000 points
fit in memory.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "eigenlens")


def trustworthiness(X, Y, k=10, block=1000):
    """sklearn.manifold.trustworthiness (Euclidean), computed a block of rows at a time."""
    n = X.shape[0]
    X = X.astype(np.float64)
    Y = Y.astype(np.float64)
    sq_x = (X * X).sum(1)
    sq_y = (Y * Y).sum(1)
    total = 0.0
    for s in range(0, n, block):
        e = min(n, s + block)
        rows = np.arange(s, e)
        dx = sq_x[s:e, None] + sq_x[None, :] - 2.0 * X[s:e] @ X.T
        dx[rows - s, rows] = np.inf
        dy = sq_y[s:e, None] + sq_y[None, :] - 2.0 * Y[s:e] @ Y.T
        dy[rows - s, rows] = np.inf
        order = np.argsort(dx, axis=1)
        rank = np.empty_like(order)
        rank[np.arange(e - s)[:, None], order] = np.arange(1, n + 1)[None, :]
        near_y = np.argpartition(dy, k, axis=1)[:, :k]
        r = rank[np.arange(e - s)[:, None], near_y] - k
        total += r[r > 0].sum()
    return 1.0 - total * 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0))


def datasets(quick):
    from sklearn.datasets import load_digits, make_blobs

    out = [("digits", load_digits().data.astype(np.float64))]
    words = np.loadtxt(os.path.join(ROOT, "assets", "datasets", "words-vectors.tsv"), delimiter="\t")
    out.append(("words", words))
    if not quick:
        X, _ = make_blobs(n_samples=20_000, n_features=50, centers=10, cluster_std=2.0, random_state=0)
        out.append(("blobs-20k", X))
    return out


def run_eigenlens(path, method, dims=2):
    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as f:
        save = f.name
    cmd = [BIN, "project", path, "--method", method, "--dims", str(dims), "--json", "--save", save]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    Y = np.loadtxt(save, delimiter=",", skiprows=1, usecols=range(dims))
    os.unlink(save)
    return report["seconds"], Y, report


def run_opentsne(X):
    from openTSNE import TSNE

    start = time.perf_counter()
    Y = np.asarray(TSNE(n_jobs=2, random_state=0).fit(X))
    return time.perf_counter() - start, Y


def run_umap(X):
    import umap

    umap.UMAP(n_jobs=2).fit(X)  # warm-up: numba compiles here
    start = time.perf_counter()
    Y = umap.UMAP(n_jobs=2).fit_transform(X)
    return time.perf_counter() - start, Y


def main():
    quick = "--quick" in sys.argv
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} is missing: run cargo build --release first")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, X in datasets(quick):
            path = os.path.join(tmp, f"{name}.csv")
            header = ",".join(f"f{j}" for j in range(X.shape[1]))
            np.savetxt(path, X, delimiter=",", header=header, comments="", fmt="%.9g")
            for method, reference, ref_name in [("tsne", run_opentsne, "openTSNE"), ("umap", run_umap, "umap-learn")]:
                ours_s, ours_y, report = run_eigenlens(path, method)
                ref_s, ref_y = reference(X)
                t_ours = trustworthiness(X, ours_y)
                t_ref = trustworthiness(X, ref_y)
                rows.append((name, X.shape, method, ref_name, ref_s, ours_s, t_ref, t_ours, report["trustworthiness"]))
                print(f"  done {name} {method}", file=sys.stderr, flush=True)
    print(f"load: {os.getloadavg()}, cores: {os.cpu_count()}")
    head = f"{'data':<10} {'n x d':>11} {'method':<5} {'reference':<10} {'ref s':>8} {'ours s':>8} {'ref/ours':>8} {'T ref':>7} {'T ours':>7} {'dT':>7}"
    print(head)
    print("-" * len(head))
    for name, shape, method, ref_name, ref_s, ours_s, t_ref, t_ours, t_json in rows:
        ratio = ref_s / ours_s if ours_s > 0 else float("inf")
        dims = f"{shape[0]}x{shape[1]}"
        print(
            f"{name:<10} {dims:>11} {method:<5} {ref_name:<10} {ref_s:8.2f} {ours_s:8.2f} {ratio:8.2f} "
            f"{t_ref:7.4f} {t_ours:7.4f} {t_ours - t_ref:+7.4f}"
        )
        if t_json is not None and abs(t_json - t_ours) > 1e-6:
            print(f"  note: eigenlens reported trustworthiness {t_json:.6f}, recomputed {t_ours:.6f}")
    print("ref/ours > 1: eigenlens faster. dT > 0: eigenlens keeps more neighbours.")


if __name__ == "__main__":
    main()
