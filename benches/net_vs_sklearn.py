#!/usr/bin/env python3
"""Network training: eigenlens against scikit-learn's MLPClassifier, per epoch.

Run from anywhere (Python ≥ 3.9 with numpy and scikit-learn; `pip install
scikit-learn` if missing):

    python3 benches/net_vs_sklearn.py            # builds target/release/eigenlens if missing
    python3 benches/net_vs_sklearn.py --build    # rebuild it first (cargo build --release)
    python3 benches/net_vs_sklearn.py --binary OLD/eigenlens   # time another build (before/after)
    python3 benches/net_vs_sklearn.py --accuracy-seeds 10      # and test accuracy over seeds 0..9

What it does, for each dataset (1,000 points of the 2D sets circles, xor,
gauss, spiral and moons, made here by the formulas of src/data/playground.rs;
and the 8×8 digits that scikit-learn ships):
- writes the set to target/bench-data/net-*.csv (x, y or pix_*, numeric class);
- scikit-learn: StandardScaler, then MLPClassifier with the same hidden layers,
  activation, Adam, rate, batch size and epochs, no early stopping, tol 0 and
  n_iter_no_change larger than the epochs (so every epoch runs), alpha 0;
  times `fit` on an 80/20 split, best of 3;
- eigenlens: `eigenlens net FILE --classify --json` with the same settings
  (20% test, its own seeded split; standardized); takes the best `fit_seconds`
  of 3. Its fit time includes measuring train and test loss and accuracy after
  every epoch, which scikit-learn does not do;
- prints per-epoch milliseconds, test accuracy of each, and the ratio
  (scikit-learn / eigenlens: above 1 means eigenlens is faster).

scikit-learn runs on one core (its small matrix products do not profit from
more; OMP/OPENBLAS threads are set to 1). eigenlens trains on one thread and,
where there is a second core, measures each epoch's statistics on another
while the next epoch trains (`taskset -c 1` before the command pins both
sides to one core). The
1-minute load average is printed before and after: other work on the machine
slows both sides, not always equally.
"""

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "target" / "bench-data"
BINARY = ROOT / "target" / "release" / "eigenlens"
REPEATS = 3

# (name, layers, activation, rate, batch, epochs)
CASES = [
    ("circles", (8, 8), "tanh", 0.01, 32, 200),
    ("xor", (8, 8), "tanh", 0.01, 32, 200),
    ("gauss", (8, 8), "tanh", 0.01, 32, 200),
    ("spiral", (16, 16), "tanh", 0.01, 32, 300),
    ("moons", (8, 8), "relu", 0.01, 32, 200),
    ("digits", (16,), "relu", 0.001, 64, 100),
]


def two_d(name, n=1000, noise=None, seed=0):
    """n points of builtin:NAME by the formulas of src/data/playground.rs, drawn
    with NumPy's generator (so the same shapes and noise, not the same points)."""
    rng = np.random.default_rng(seed)
    half = (n + 1) // 2
    cls = (np.arange(n) >= half).astype(int)
    tau = 2 * math.pi
    if name == "circles":
        noise = 0.25 if noise is None else noise
        lo = np.where(cls == 0, 0.0, 3.5)
        hi = np.where(cls == 0, 2.5, 5.0)
        r = lo + (hi - lo) * rng.random(n)
        t = tau * rng.random(n)
        x, y = r * np.cos(t), r * np.sin(t)
    elif name == "xor":
        noise = 0.25 if noise is None else noise
        x = 10 * rng.random(n) - 5
        y = 10 * rng.random(n) - 5
        x += np.where(x > 0, 0.3, -0.3)
        y += np.where(y > 0, 0.3, -0.3)
        cls = (x * y < 0).astype(int)
    elif name == "gauss":
        c = np.where(cls == 0, 2.0, -2.0)
        x, y = c.copy(), c.copy()
        noise = 1.0 if noise is None else noise
    elif name == "spiral":
        noise = 0.15 if noise is None else noise
        k = np.where(cls == 0, np.arange(n), np.arange(n) - half)
        f = k / half
        r = 5 * f
        t = 1.75 * tau * f + np.where(cls == 0, 0.0, math.pi)
        x, y = r * np.sin(t), r * np.cos(t)
    elif name == "moons":
        noise = 0.3 if noise is None else noise
        t = math.pi * rng.random(n)
        x = np.where(cls == 0, np.cos(t), 1 - np.cos(t))
        y = np.where(cls == 0, np.sin(t), 0.5 - np.sin(t))
        x, y = 3 * (x - 0.5), 3 * (y - 0.25)
    else:
        raise ValueError(name)
    x = x + noise * rng.standard_normal(n)
    y = y + noise * rng.standard_normal(n)
    return np.column_stack([x, y]), cls, ["x", "y"]


def dataset(name):
    if name == "digits":
        d = load_digits()
        return d.data, d.target, [f"pix_{j}" for j in range(64)]
    return two_d(name)


def write_csv(path, X, y, names):
    with open(path, "w") as f:
        f.write(",".join(names + ["label"]) + "\n")
        for row, c in zip(X, y):
            f.write(",".join(repr(float(v)) for v in row) + f",{int(c)}\n")


def sklearn_fit(X, y, layers, activation, rate, batch, epochs):
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=0)
    scaler = StandardScaler().fit(Xtr)
    Xtr, Xte = scaler.transform(Xtr), scaler.transform(Xte)
    best = math.inf
    acc = None
    for _ in range(REPEATS):
        clf = MLPClassifier(
            hidden_layer_sizes=layers,
            activation=activation,
            solver="adam",
            learning_rate_init=rate,
            batch_size=batch,
            max_iter=epochs,
            alpha=0.0,
            shuffle=True,
            early_stopping=False,
            tol=0.0,
            n_iter_no_change=10 * epochs,
            random_state=0,
        )
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            clf.fit(Xtr, ytr)
            best = min(best, time.perf_counter() - t0)
        assert clf.n_iter_ == epochs, clf.n_iter_
        acc = clf.score(Xte, yte)
    return best / epochs, acc


def eigenlens_fit(path, layers, activation, rate, batch, epochs):
    best = math.inf
    acc = None
    for _ in range(REPEATS):
        out = subprocess.run(
            [
                str(BINARY), "net", str(path), "--label", "label", "--classify",
                "--layers", ",".join(map(str, layers)), "--activation", activation,
                "--optimizer", "adam", "--learning-rate", str(rate), "--batch", str(batch),
                "--epochs", str(epochs), "--test-fraction", "0.2", "--json",
            ],
            check=True, capture_output=True, text=True,
        )
        doc = json.loads(out.stdout)
        assert len(doc["history"]) == epochs
        best = min(best, doc["fit_seconds"])
        acc = doc["test_accuracy"]
    return best / epochs, acc


def accuracy_over_seeds(X, y, path, layers, activation, rate, batch, epochs, seeds):
    """Test accuracy of each tool over `seeds` seeds (0..seeds-1), each tool
    splitting 80/20 and initialising with that seed: one split's accuracies
    differ by a few test points of luck, the mean and spread over seeds do not."""
    import statistics
    import warnings

    sk, ei = [], []
    for seed in range(seeds):
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=seed)
        scaler = StandardScaler().fit(Xtr)
        clf = MLPClassifier(
            hidden_layer_sizes=layers, activation=activation, solver="adam",
            learning_rate_init=rate, batch_size=batch, max_iter=epochs, alpha=0.0,
            shuffle=True, early_stopping=False, tol=0.0, n_iter_no_change=10 * epochs,
            random_state=seed,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(scaler.transform(Xtr), ytr)
        sk.append(clf.score(scaler.transform(Xte), yte))
        out = subprocess.run(
            [
                str(BINARY), "net", str(path), "--label", "label", "--classify",
                "--layers", ",".join(map(str, layers)), "--activation", activation,
                "--optimizer", "adam", "--learning-rate", str(rate), "--batch", str(batch),
                "--epochs", str(epochs), "--test-fraction", "0.2", "--seed", str(seed), "--json",
            ],
            check=True, capture_output=True, text=True,
        )
        ei.append(json.loads(out.stdout)["test_accuracy"])
    spread = (lambda a: statistics.stdev(a)) if seeds > 1 else (lambda a: 0.0)
    return (statistics.mean(sk), spread(sk)), (statistics.mean(ei), spread(ei))


def load_average():
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


def main():
    global BINARY
    if "--binary" in sys.argv:
        BINARY = Path(sys.argv[sys.argv.index("--binary") + 1]).resolve()
    elif "--build" in sys.argv or not BINARY.exists():
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    seeds = 0
    if "--accuracy-seeds" in sys.argv:
        seeds = int(sys.argv[sys.argv.index("--accuracy-seeds") + 1])
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"{BINARY}; 1-minute load average {load_average()}")
    print(f"{'dataset':<8} {'rows':>5} {'layers':>7} {'act':>5} {'epochs':>6}  "
          f"{'sklearn ms/epoch':>16} {'eigenlens ms/epoch':>18} {'ratio':>7}  "
          f"{'sklearn acc':>11} {'eigenlens acc':>13}")
    for name, layers, activation, rate, batch, epochs in CASES:
        X, y, names = dataset(name)
        path = DATA / f"net-{name}.csv"
        write_csv(path, X, y, names)
        s_time, s_acc = sklearn_fit(X, y, layers, activation, rate, batch, epochs)
        e_time, e_acc = eigenlens_fit(path, layers, activation, rate, batch, epochs)
        print(f"{name:<8} {len(y):>5} {','.join(map(str, layers)):>7} {activation:>5} {epochs:>6}  "
              f"{s_time * 1e3:>16.3f} {e_time * 1e3:>18.3f} {s_time / e_time:>6.1f}×  "
              f"{s_acc:>11.4f} {e_acc:>13.4f}")
        if seeds > 0:
            (sm, ss), (em, es) = accuracy_over_seeds(
                X, y, path, layers, activation, rate, batch, epochs, seeds)
            print(f"{'':<8} test accuracy over seeds 0..{seeds - 1}: "
                  f"scikit-learn {sm:.4f} ± {ss:.4f}, eigenlens {em:.4f} ± {es:.4f}")
    print(f"1-minute load average {load_average()}")


if __name__ == "__main__":
    main()
