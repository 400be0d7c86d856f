#!/usr/bin/env bash
# The ranked sensitivity lines doc/solver.md quotes (a generated block: tools/doc_generated.py):
# healthy_disc's steady state by Newton with -steady_sensitivity, the lines of two figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
echo '```'
"${DISCSIM:-build/discsim}" examples/healthy_disc.yaml -time_steady_method newton -steady_sensitivity -output_file "$d/h.exo" | grep -E '^  (glucose_NP_centre|pO2_min) ='
echo '```'
