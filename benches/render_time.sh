#!/usr/bin/env bash
# Render time per shipped scene at 1600 × 1000 with llvmpipe, one process per
# scene (start-up included), and a 30-frame GIF of the SVD animation.
# Targets (issue 7): under 1 s per scene, under 10 s for the GIF.
# Usage: benches/render_time.sh   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
export WGPU_BACKEND="${WGPU_BACKEND:-gl}"
bin=target/release/eigenlens
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %8s\n' scene seconds
total=0
for s in assets/scenes/*.toml; do
  t0=$(date +%s.%N)
  "$bin" render "$s" -o "$out/x.png" --width 1600 --height 1000 2>/dev/null
  t=$(echo "$(date +%s.%N) - $t0" | bc)
  total=$(echo "$total + $t" | bc)
  printf '%-34s %8.2f\n' "$(basename "$s")" "$t"
done
n=$(ls assets/scenes/*.toml | wc -l)
printf '%-34s %8.2f\n' "mean of $n" "$(echo "$total / $n" | bc -l)"
t0=$(date +%s.%N)
"$bin" render assets/scenes/*.toml -o "$out/all/" --width 1600 --height 1000 2>/dev/null
printf '%-34s %8.2f\n' "all $n in one call" "$(echo "$(date +%s.%N) - $t0" | bc)"
t0=$(date +%s.%N)
"$bin" render assets/scenes/transform-svd.toml --frames 30 -o "$out/svd.gif" --width 1600 --height 1000 2>/dev/null
printf '%-34s %8.2f  (%s)\n' "GIF, 30 frames (transform-svd)" "$(echo "$(date +%s.%N) - $t0" | bc)" "$(du -h "$out/svd.gif" | cut -f1)"
t0=$(date +%s.%N)
"$bin" render assets/scenes/pca-iris-flatten.toml --frames 30 -o "$out/pca.gif" --width 1600 --height 1000 2>/dev/null
printf '%-34s %8.2f  (%s)\n' "GIF, 30 frames (pca-iris-flatten)" "$(echo "$(date +%s.%N) - $t0" | bc)" "$(du -h "$out/pca.gif" | cut -f1)"
