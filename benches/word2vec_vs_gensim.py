#!/usr/bin/env python3
"""word2vec binary: eigenlens against gensim, loading and one neighbour query.

    python3 benches/word2vec_vs_gensim.py [--words N] [--dim D]   # default 1,000,000 x 300

Needs gensim and numpy in the running Python (pip install gensim); builds
target/release/eigenlens if it is missing.

What it does:
- writes a seeded word2vec binary file of N words x D float32 (the C tool's
  layout: `count dim`, then token, space, values, newline) to
  target/bench-data/ once; 3,000,000 x 300 is the Google News vectors' shape
  (3.6 GB; give --words 3000000 on a machine with 16 GB free);
- runs each side REPEATS times, alternating, each in a fresh process, with
  the file in the page cache (one untimed read first):
  `eigenlens neighbors FILE --query w5 -k 10 --json` (the whole process:
  load, index, query; the JSON's index_seconds and query_seconds split it),
  against a Python child timing `KeyedVectors.load_word2vec_format(binary=True)`
  and then `most_similar("w5", topn=10)` (its first query also normalises);
- checks both return the same ten neighbours;
- prints best times, peak RSS (GNU time's %M) and ratio = gensim / eigenlens
  (> 1: eigenlens is faster), and the load average before and after.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "target" / "bench-data"
BINARY = ROOT / "target" / "release" / "eigenlens"
REPEATS = 3

GENSIM = r"""
import json, sys, time
from gensim.models import KeyedVectors
t = time.perf_counter()
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
load = time.perf_counter() - t
t = time.perf_counter()
top = kv.most_similar("w5", topn=10)
query = time.perf_counter() - t
print(json.dumps({"load": load, "query": query, "words": [w for w, _ in top]}))
"""


def write_file(path, n, d):
    rng = np.random.default_rng(1)
    with open(path, "wb") as f:
        f.write(f"{n} {d}\n".encode())
        for start in range(0, n, 100_000):
            m = min(100_000, n - start)
            block = rng.standard_normal((m, d)).astype("<f4")
            for i in range(m):
                f.write(f"w{start + i} ".encode())
                f.write(block[i].tobytes())
                f.write(b"\n")


def timed(cmd):
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M"] + cmd, capture_output=True, text=True, check=True
    )
    wall, peak_kb = out.stderr.strip().splitlines()[-1].split()
    return float(wall), int(peak_kb) / 1024, out.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=300)
    args = ap.parse_args()
    if not BINARY.exists():
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"w2v-{args.words}x{args.dim}.bin"
    if not path.exists():
        write_file(path, args.words, args.dim)
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)
    print(f"load average before: {os.getloadavg()}")
    ours, theirs = [], []
    for _ in range(REPEATS):
        wall, peak, out = timed([str(BINARY), "neighbors", str(path), "--query", "w5", "-k", "10", "--json"])
        v = json.loads(out)
        ours.append((wall, peak, v["index_seconds"], v["query_seconds"], [n["label"] for n in v["neighbors"]]))
        wall, peak, out = timed([sys.executable, "-c", GENSIM, str(path)])
        g = json.loads(out)
        theirs.append((wall, peak, g["load"], g["query"], g["words"]))
    assert ours[0][4] == theirs[0][4], (ours[0][4], theirs[0][4])
    o = min(ours)
    t = min(theirs)
    print(f"{args.words:,} words x {args.dim}, {path.stat().st_size / 1e9:.2f} GB; same ten neighbours")
    print(f"{'':10} {'total s':>8} {'peak MB':>8}  split")
    print(f"{'eigenlens':10} {o[0]:8.2f} {o[1]:8.0f}  index {o[2]:.2f} s, query {o[3] * 1000:.0f} ms (load = total − index − query)")
    print(f"{'gensim':10} {t[0]:8.2f} {t[1]:8.0f}  load {t[2]:.2f} s, first query {t[3]:.2f} s")
    print(f"ratio gensim / eigenlens, whole process: {t[0] / o[0]:.2f}x")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
