#!/usr/bin/env python3
"""ALS at MovieLens-25M scale: eigenlens against Spark MLlib in local mode.

    python3 benches/make_ratings.py                # once: target/bench-data/ml25m-shaped/
    python3 benches/als_vs_spark.py [--rank 10] [--iterations 5] [--reg 0.05] [--cores 2]

Needs pyspark (3.5) and Java 17: run it with a Python that has pyspark, e.g.
`python3 -m venv target/spark-venv && target/spark-venv/bin/pip install pyspark==3.5.3`
then `target/spark-venv/bin/python benches/als_vs_spark.py`.

Both sides train on train.csv (22.5 M ratings) and are measured on test.csv
(2.5 M) of the same generated file, with the same rank, λ and number of
iterations, no biases (Spark's ALS has none) and the same weighted
regularization (λ times the number of ratings a vector touches: Spark's
ALS-WR, eigenlens's λ "per rating"):

- Spark: `ALS(rank, maxIter, regParam, coldStartStrategy="drop")` in
  `local[CORES]` with 10 GB of driver memory; the ratings are read and
  cached before timing, the fit is timed and divided by maxIter (Spark's
  fit also builds its blocks once), and the test RMSE comes from
  `RegressionEvaluator` on `transform(test)`;
- eigenlens: `eigenlens factorize train.csv --test test.csv --method als
  --rank K --lambda L --epochs N --json`; the JSON's `fit_seconds` (training
  alone, after loading) divided by N, and its last test RMSE. eigenlens
  clips predictions to the rating scale (as Surprise does) and Spark does
  not; clipping can only lower an RMSE, by a little on this data.

Prints seconds per iteration, test RMSE, load time, and ratio = Spark /
eigenlens (> 1: eigenlens is faster), with the load average before and after.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "target" / "bench-data" / "ml25m-shaped"
BINARY = ROOT / "target" / "release" / "eigenlens"


def spark(a):
    from pyspark.ml.evaluation import RegressionEvaluator
    from pyspark.ml.recommendation import ALS
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master(f"local[{a.cores}]")
        .appName("als-bench")
        .config("spark.driver.memory", "10g")
        .config("spark.sql.shuffle.partitions", str(a.cores * 2))
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    t = time.perf_counter()
    schema = "userId INT, movieId INT, rating FLOAT, timestamp LONG"
    train = s.read.csv(str(DATA / "train.csv"), header=True, schema=schema).cache()
    test = s.read.csv(str(DATA / "test.csv"), header=True, schema=schema).cache()
    n = train.count() + test.count()
    load = time.perf_counter() - t
    als = ALS(
        rank=a.rank,
        maxIter=a.iterations,
        regParam=a.reg,
        userCol="userId",
        itemCol="movieId",
        ratingCol="rating",
        coldStartStrategy="drop",
        seed=1,
    )
    t = time.perf_counter()
    model = als.fit(train)
    model.userFactors.count()
    model.itemFactors.count()
    fit = time.perf_counter() - t
    rmse = RegressionEvaluator(metricName="rmse", labelCol="rating", predictionCol="prediction").evaluate(
        model.transform(test)
    )
    s.stop()
    return {"ratings": n, "load": load, "fit": fit, "rmse": rmse}


def eigenlens(a):
    if not BINARY.exists():
        subprocess.run(["cargo", "build", "--release", "-j2"], cwd=ROOT, check=True)
    t = time.perf_counter()
    out = subprocess.run(
        [
            str(BINARY), "factorize", str(DATA / "train.csv"), "--test", str(DATA / "test.csv"),
            "--method", "als", "--rank", str(a.rank), "--lambda", str(a.reg),
            "--epochs", str(a.iterations), "--json",
        ],
        check=True, capture_output=True, text=True,
    )
    wall = time.perf_counter() - t
    doc = json.loads(out.stdout)
    return {"wall": wall, "fit": doc["fit_seconds"], "rmse": doc["history"][-1]["test_rmse"], "doc": doc}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rank", type=int, default=10)
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--reg", type=float, default=0.05)
    ap.add_argument("--cores", type=int, default=2)
    a = ap.parse_args()
    if not (DATA / "train.csv").exists():
        sys.exit(f"{DATA}/train.csv is missing: run python3 benches/make_ratings.py first")
    print(f"load average before: {os.getloadavg()}")
    e = eigenlens(a)
    print(f"eigenlens: fit {e['fit']:.1f} s ({e['fit'] / a.iterations:.2f} s/iteration), "
          f"test RMSE {e['rmse']:.4f}, whole command {e['wall']:.1f} s")
    s = spark(a)
    print(f"Spark local[{a.cores}]: read+cache {s['load']:.1f} s, fit {s['fit']:.1f} s "
          f"({s['fit'] / a.iterations:.2f} s/iteration), test RMSE {s['rmse']:.4f}")
    print()
    print(f"| ALS k={a.rank}, λ={a.reg}, {a.iterations} iterations, {s['ratings']:,} ratings "
          f"| s/iteration | test RMSE |")
    print("|---|---:|---:|")
    print(f"| Spark MLlib local[{a.cores}] | {s['fit'] / a.iterations:.2f} | {s['rmse']:.4f} |")
    print(f"| eigenlens | {e['fit'] / a.iterations:.2f} | {e['rmse']:.4f} |")
    print(f"| ratio (Spark / eigenlens) | {s['fit'] / e['fit']:.1f}× | |")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
