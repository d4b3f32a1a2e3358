#!/usr/bin/env bash
# Full SVD of the same grayscale n×n matrices in eigenlens (math::svd) and in
# numpy.linalg.svd; prints the times and the ratio eigenlens/NumPy, plus the
# rank-k (k = n/10) reconstruction time that one slider change costs.
# Usage: benches/svd_vs_numpy.sh [N...]   (default 512 1024 2048)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-512 1024 2048}")
# shellcheck disable=SC2068
set -- ${sizes[@]}
nice -n 10 cargo build --release -j1 --example svd_time >&2
printf '%6s %12s %12s %8s %14s\n' n eigenlens_s numpy_s ratio reconstruct_s
for n in "$@"; do
  read -r _ ours rec _ < <(target/release/examples/svd_time "$n")
  theirs=$(python3 - "$n" <<'PY'
import sys, time, numpy as np
n = int(sys.argv[1])
i = np.arange(n)[:, None]; j = np.arange(n)[None, :]
a = 128 + 60*np.sin(i/9)*np.cos(j/13) + 20*((i*7919 + j*104729) % 1000)/1000
t = time.perf_counter(); np.linalg.svd(a); print(f"{time.perf_counter()-t:.3f}")
PY
)
  ratio=$(python3 -c "print(f'{$ours/$theirs:.2f}')")
  printf '%6s %12s %12s %8s %14s\n' "$n" "$ours" "$theirs" "$ratio" "$rec"
done
