#!/usr/bin/env bash
# The whole test suite: packages, build, then every test through meson.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
source tools/env.sh
meson test -C build --print-errorlogs "$@"
