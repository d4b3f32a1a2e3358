#!/usr/bin/env python3
"""Writes a ratings file of MovieLens 25M's shape with a planted low-rank structure.

    python3 benches/make_ratings.py [--ratings 25000000] [--users 162000] [--items 59000]
                                    [--out target/bench-data/ml25m-shaped]

MovieLens 25M cannot be redistributed (and is not downloaded here), so this
makes a file of the same shape and header (`userId,movieId,rating,timestamp`,
half stars 0.5 to 5, sorted by user then item, as ratings.csv is): users'
activity log-normal, items' popularity Zipf-like, each (user, item) pair at
most once, and the rating 3.5 + b_u + b_i + p_u · q_i + noise with rank-8
factors, rounded to half stars. A factorization of rank ≥ 8 should reach an
RMSE near the noise's (about 0.5 before rounding). Also writes
`test.csv`/`train.csv` (a seeded 10 % / 90 % split) for the Spark bench.

Needs numpy. Seeded: the same arguments write the same files.
"""

import argparse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def pairs(rng, n_ratings, n_users, n_items):
    activity = rng.lognormal(0.0, 1.0, n_users)
    activity /= activity.sum()
    popularity = 1.0 / (np.arange(n_items) + 10.0) ** 0.8
    popularity /= popularity.sum()
    perm = rng.permutation(n_items)  # popular items are not the low ids
    keys = np.empty(0, dtype=np.int64)
    while keys.size < n_ratings:
        m = int((n_ratings - keys.size) * 1.15) + 1000
        u = rng.choice(n_users, size=m, p=activity)
        i = perm[rng.choice(n_items, size=m, p=popularity)]
        keys = np.unique(np.concatenate([keys, u.astype(np.int64) * n_items + i]))
    keys = rng.choice(keys, size=n_ratings, replace=False)
    keys.sort()
    return keys // n_items, keys % n_items


def write(path, users, items, values, stamps):
    with open(path, "w") as f:
        f.write("userId,movieId,rating,timestamp\n")
        step = 1_000_000
        for s in range(0, users.size, step):
            block = np.column_stack(
                [users[s : s + step] + 1, items[s : s + step] + 1, values[s : s + step], stamps[s : s + step]]
            )
            np.savetxt(f, block, fmt=["%d", "%d", "%.1f", "%d"], delimiter=",")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ratings", type=int, default=25_000_000)
    ap.add_argument("--users", type=int, default=162_000)
    ap.add_argument("--items", type=int, default=59_000)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--seed", type=int, default=25)
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "bench-data" / "ml25m-shaped")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    a.out.mkdir(parents=True, exist_ok=True)
    users, items = pairs(rng, a.ratings, a.users, a.items)
    p = rng.normal(0, 1 / np.sqrt(a.rank), (a.users, a.rank)).astype(np.float32)
    q = rng.normal(0, 1 / np.sqrt(a.rank), (a.items, a.rank)).astype(np.float32)
    bu = rng.normal(0, 0.3, a.users).astype(np.float32)
    bi = rng.normal(0, 0.4, a.items).astype(np.float32)
    values = np.empty(a.ratings, dtype=np.float32)
    step = 2_000_000
    for s in range(0, a.ratings, step):
        u, i = users[s : s + step], items[s : s + step]
        x = 3.5 + bu[u] + bi[i] + np.einsum("ij,ij->i", p[u], q[i]) + rng.normal(0, 0.5, u.size)
        values[s : s + step] = np.clip(np.round(x * 2) / 2, 0.5, 5.0)
    stamps = rng.integers(789_652_009, 1_574_327_703, a.ratings)
    write(a.out / "ratings.csv", users, items, values, stamps)
    test = rng.random(a.ratings) < 0.1
    write(a.out / "train.csv", users[~test], items[~test], values[~test], stamps[~test])
    write(a.out / "test.csv", users[test], items[test], values[test], stamps[test])
    print(f"wrote {a.out}: {a.ratings:,} ratings, {len(np.unique(users)):,} users, "
          f"{len(np.unique(items)):,} items (train {int((~test).sum()):,}, test {int(test.sum()):,})")


if __name__ == "__main__":
    main()
