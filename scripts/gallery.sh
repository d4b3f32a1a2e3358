#!/usr/bin/env bash
# Regenerates every PNG in assets/screenshots/ from the scenes in assets/scenes/,
# in one call of `eigenlens render` (one graphics device for all scenes).
# WGPU_BACKEND=gl uses Mesa's llvmpipe: no GPU needed.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
WGPU_BACKEND="${WGPU_BACKEND:-gl}" target/release/eigenlens render assets/scenes/*.toml -o assets/screenshots/
echo "rendered $(ls assets/scenes/*.toml | wc -l) scenes into assets/screenshots/"
