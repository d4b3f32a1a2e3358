#!/usr/bin/env python3
"""Quality and speed of `eigenlens factorize` against scikit-surprise's SVD.

MovieLens 100k (fetched by ../shared/data/get-movielens-100k, never committed)
is split once, seeded, 80/20 into train.csv and test.csv. On those same two
files, for k = 20 and k = 100 factors and 20 epochs:

- scikit-surprise `SVD(n_factors=k, n_epochs=20)` with its default learning
  rate (0.005) and regularization (0.02), biased;
- `eigenlens factorize --method sgd --biases` with the same settings;
- `eigenlens factorize --method als --biases` (its default lambda).

It prints test RMSE and fit time side by side (best of --repeat runs; a fit
excludes loading, as Surprise's `fit` does; eigenlens's also computes the train
and test RMSE after every epoch). Target: test RMSE no worse than Surprise's,
fit at least 5x faster.

Surprise lives in its own virtual environment, target/bench-venv-surprise,
created on first use (`numpy<2`: Surprise 1.1.x is built against NumPy 1).

Usage:
    python3 benches/factorize_vs_surprise.py [--data DIR] [--seed S] [--repeat N]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FETCH = REPO.parent / "shared" / "data" / "get-movielens-100k"
VENV = REPO / "target" / "bench-venv-surprise"
EPOCHS = 20
RANKS = (20, 100)
# Surprise's SVD defaults.
SURPRISE_LR = 0.005
SURPRISE_REG = 0.02

SURPRISE_RUN = r"""
import json, sys, time
from surprise import SVD, Dataset, Reader, accuracy
from surprise.model_selection import PredefinedKFold
train, test, k, epochs, seed, repeat = sys.argv[1:7]
reader = Reader(line_format="user item rating timestamp", sep=",", skip_lines=1,
                rating_scale=(1, 5))
data = Dataset.load_from_folds([(train, test)], reader=reader)
trainset, testset = next(PredefinedKFold().split(data))
best = None
for _ in range(int(repeat)):
    algo = SVD(n_factors=int(k), n_epochs=int(epochs), random_state=int(seed))
    t0 = time.perf_counter()
    algo.fit(trainset)
    seconds = time.perf_counter() - t0
    rmse = accuracy.rmse(algo.test(testset), verbose=False)
    if best is None or seconds < best[0]:
        best = (seconds, rmse)
print(json.dumps({"fit_seconds": best[0], "test_rmse": best[1]}))
"""


def fetch_movielens(data_dir):
    out = subprocess.run([str(FETCH), str(data_dir)], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip().splitlines()[-1])


def split(ratings_csv, out_dir, seed, test_fraction=0.2):
    """One seeded 80/20 split of ratings.csv into train.csv and test.csv."""
    lines = ratings_csv.read_text().splitlines()
    header, rows = lines[0], lines[1:]
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    n_test = round(test_fraction * len(rows))
    test = set(order[:n_test])
    train_path, test_path = out_dir / "train.csv", out_dir / "test.csv"
    train_path.write_text("\n".join([header] + [r for i, r in enumerate(rows) if i not in test]) + "\n")
    test_path.write_text("\n".join([header] + [r for i, r in enumerate(rows) if i in test]) + "\n")
    return train_path, test_path, len(rows) - n_test, n_test


def surprise_python():
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {VENV} and installing scikit-surprise ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "numpy<2", "scikit-surprise"],
                       check=True)
    return python


def run_surprise(python, train, test, k, seed, repeat):
    out = subprocess.run(
        [str(python), "-c", SURPRISE_RUN, str(train), str(test), str(k), str(EPOCHS), str(seed),
         str(repeat)],
        check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def run_eigenlens(binary, train, test, k, seed, repeat, method):
    args = [str(binary), "factorize", str(train), "--test", str(test), "--method", method,
            "--biases", "--rank", str(k), "--epochs", str(EPOCHS), "--seed", str(seed), "--json"]
    if method == "sgd":
        args += ["--learning-rate", str(SURPRISE_LR), "--lambda", str(SURPRISE_REG)]
    best = None
    for _ in range(repeat):
        out = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
        if best is None or out["fit_seconds"] < best["fit_seconds"]:
            best = out
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.path.expanduser("~/.cache/eigenlens/ml-100k"),
                        help="where MovieLens 100k is (fetched there if missing)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="fits per model; the fastest counts")
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "eigenlens"], cwd=REPO,
                   check=True)
    binary = REPO / "target" / "release" / "eigenlens"
    data_dir = fetch_movielens(args.data)
    python = surprise_python()

    with tempfile.TemporaryDirectory(prefix="eigenlens-bench-") as tmp:
        train, test, n_train, n_test = split(data_dir / "ratings.csv", Path(tmp), args.seed)
        print(f"MovieLens 100k, one seeded 80/20 split (seed {args.seed}): {n_train} train, "
              f"{n_test} test ratings; {EPOCHS} epochs; fit time best of {args.repeat}")
        print(f"SGD: learning rate {SURPRISE_LR}, regularization {SURPRISE_REG} "
              f"(Surprise's defaults), biased; ALS: eigenlens's default lambda")
        print()
        header = f"{'model':<32} {'k':>4} {'test RMSE':>10} {'fit (s)':>9} {'vs Surprise':>12}"
        print(header)
        print("-" * len(header))
        for k in RANKS:
            s = run_surprise(python, train, test, k, args.seed, args.repeat)
            rows = [("scikit-surprise SVD", s)]
            rows.append(("eigenlens --method sgd --biases",
                         run_eigenlens(binary, train, test, k, args.seed, args.repeat, "sgd")))
            rows.append(("eigenlens --method als --biases",
                         run_eigenlens(binary, train, test, k, args.seed, args.repeat, "als")))
            for name, r in rows:
                speedup = s["fit_seconds"] / r["fit_seconds"]
                print(f"{name:<32} {k:>4} {r['test_rmse']:>10.4f} {r['fit_seconds']:>9.3f} "
                      f"{speedup:>11.1f}x")
            print()


if __name__ == "__main__":
    main()
