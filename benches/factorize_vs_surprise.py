#!/usr/bin/env python3
"""Quality and speed of `eigenlens factorize` against scikit-surprise's SVD.

MovieLens 100k (fetched by ../shared/data/get-movielens-100k, never committed)
is split once, seeded, 80/20 into train.csv and test.csv. On those same two
files, for k = 20 and k = 100 factors and 20 epochs:

- scikit-surprise `SVD(n_factors=k, n_epochs=20)` with its default learning
  rate (0.005) and regularization (0.02), biased;
- `eigenlens factorize --method sgd --biases` with the same settings;
- `eigenlens factorize --method als --biases` (its default lambda), with the
  exact solver (the default) and with `--solver cg`.

Each model is fitted once per seed 0..--seeds-1 (the seed of the initial
factors and, for eigenlens's SGD, of the shuffling; the split stays the same):
the test RMSE is the mean over seeds (± the standard deviation: one seed alone
moves it by about ±0.002, as much as any difference between the tools, hence
20 seeds by default), the fit time the median. A fit excludes loading, as Surprise's `fit` does; eigenlens's
also computes the train and test RMSE and the loss after every epoch, which
Surprise does not (SGD computes them on a second thread while the next epoch
trains). Target: test RMSE no worse than Surprise's, fit at least 5x
faster.

Surprise lives in its own virtual environment, target/bench-venv-surprise,
created on first use (`numpy<2`: Surprise 1.1.x is built against NumPy 1).

`--binary PATH` times another eigenlens binary (e.g. a copy of an earlier
build) instead of building this checkout's; `--solvers exact` leaves out the
cg rows (for binaries older than `--solver`).

Usage:
    python3 benches/factorize_vs_surprise.py [--data DIR] [--seed S] [--seeds N]
        [--binary PATH] [--solvers exact,cg]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import statistics
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
train, test, k, epochs, seeds = sys.argv[1:6]
reader = Reader(line_format="user item rating timestamp", sep=",", skip_lines=1,
                rating_scale=(1, 5))
data = Dataset.load_from_folds([(train, test)], reader=reader)
trainset, testset = next(PredefinedKFold().split(data))
runs = []
for seed in range(int(seeds)):
    algo = SVD(n_factors=int(k), n_epochs=int(epochs), random_state=seed)
    t0 = time.perf_counter()
    algo.fit(trainset)
    seconds = time.perf_counter() - t0
    runs.append({"fit_seconds": seconds,
                 "test_rmse": accuracy.rmse(algo.test(testset), verbose=False)})
print(json.dumps(runs))
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


def run_surprise(python, train, test, k, seeds):
    out = subprocess.run(
        [str(python), "-c", SURPRISE_RUN, str(train), str(test), str(k), str(EPOCHS), str(seeds)],
        check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def run_eigenlens(binary, train, test, k, seeds, method, solver=None):
    runs = []
    for seed in range(seeds):
        args = [str(binary), "factorize", str(train), "--test", str(test), "--method", method,
                "--biases", "--rank", str(k), "--epochs", str(EPOCHS), "--seed", str(seed),
                "--json"]
        if method == "sgd":
            args += ["--learning-rate", str(SURPRISE_LR), "--lambda", str(SURPRISE_REG)]
        if solver is not None:
            args += ["--solver", solver]
        runs.append(json.loads(subprocess.run(args, check=True, capture_output=True,
                                              text=True).stdout))
    return runs


def summary(runs):
    """(mean test RMSE, its standard deviation, median fit seconds)."""
    rmse = [r["test_rmse"] for r in runs]
    sd = statistics.stdev(rmse) if len(rmse) > 1 else 0.0
    return statistics.mean(rmse), sd, statistics.median(r["fit_seconds"] for r in runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.path.expanduser("~/.cache/eigenlens/ml-100k"),
                        help="where MovieLens 100k is (fetched there if missing)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the 80/20 split")
    parser.add_argument("--seeds", type=int, default=20,
                        help="fits per model, with model seeds 0..N-1")
    parser.add_argument("--binary", help="time this eigenlens binary instead of building one")
    parser.add_argument("--solvers", default="exact,cg",
                        help="ALS solvers to time, comma-separated (exact, cg)")
    args = parser.parse_args()
    solvers = [s for s in args.solvers.split(",") if s]

    if args.binary:
        binary = Path(args.binary).resolve()
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "eigenlens"],
                       cwd=REPO, check=True)
        binary = REPO / "target" / "release" / "eigenlens"
    data_dir = fetch_movielens(args.data)
    python = surprise_python()

    with tempfile.TemporaryDirectory(prefix="eigenlens-bench-") as tmp:
        train, test, n_train, n_test = split(data_dir / "ratings.csv", Path(tmp), args.seed)
        print(f"MovieLens 100k, one seeded 80/20 split (seed {args.seed}): {n_train} train, "
              f"{n_test} test ratings; {EPOCHS} epochs; {args.seeds} model seeds per row "
              f"(RMSE: mean ± sd, fit: median)")
        print(f"SGD: learning rate {SURPRISE_LR}, regularization {SURPRISE_REG} "
              f"(Surprise's defaults), biased; ALS: eigenlens's default lambda")
        print()
        print(f"binary: {binary}; 1-minute load average at the start: {os.getloadavg()[0]:.2f}")
        header = (f"{'model':<44} {'k':>4} {'test RMSE':>17} {'fit (s)':>9} "
                  f"{'speed-up':>9}")
        print(header)
        print("-" * len(header))
        for k in RANKS:
            rows = [
                ("scikit-surprise SVD", run_surprise(python, train, test, k, args.seeds)),
                ("eigenlens --method sgd --biases",
                 run_eigenlens(binary, train, test, k, args.seeds, "sgd")),
            ] + [
                (f"eigenlens --method als --biases" + ("" if s == "exact" else f" --solver {s}"),
                 run_eigenlens(binary, train, test, k, args.seeds, "als",
                               None if s == "exact" else s))
                for s in solvers
            ]
            base = summary(rows[0][1])[2]
            for name, runs in rows:
                rmse, sd, seconds = summary(runs)
                print(f"{name:<44} {k:>4} {rmse:>8.4f} ± {sd:.4f} {seconds:>9.3f} "
                      f"{base / seconds:>8.1f}x", flush=True)
            print()
        print(f"1-minute load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
