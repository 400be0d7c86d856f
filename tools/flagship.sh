#!/usr/bin/env bash
# The flagship example end to end: packages, build, then the healthy human lumbar disc to steady
# state. Writes results/healthy_disc.exo (open in ParaView) and results/healthy_disc.csv,
# replacing those two files if they exist.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
source tools/env.sh
mkdir -p results
./build/discsim examples/healthy_disc.yaml -output_file results/healthy_disc.exo -output_overwrite "$@"
