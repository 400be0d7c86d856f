#!/usr/bin/env bash
# Runs every example of examples/ and every variant that examples/run.sh runs, with -quiet, into
# OUTDIR (Exodus, CSV and the printed summary of each run). With compare.py, two such folders
# show whether a change moved any number the program prints or writes.
# Usage: bash bench/regression/run_examples.sh OUTDIR [DISCSIM]   (default ./build/discsim)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: run_examples.sh OUTDIR [DISCSIM]}
discsim=$(realpath "${2:-$src/build/discsim}")
source "$src/tools/env.sh"
mkdir -p "$out"
out=$(realpath "$out")
cd "$src"
run() { # NAME EXAMPLE [keys...]
  local name=$1 ex=$2; shift 2
  "$discsim" "examples/$ex.yaml" -output_file "$out/$name.exo" -output_overwrite -quiet "$@" > "$out/$name.txt" 2>&1 || { cat "$out/$name.txt"; exit 1; }
  echo "ran $name"
}
for ex in healthy_disc slab disc3d calcified_endplate cell_injection exosome_dose degeneration_years; do run "$ex" "$ex"; done
severe="-bio_CEP_diffusivity_factor 0.03"
run cell_injection_npmsc cell_injection -injection1_what npmsc
run cell_injection_bmsc_severe cell_injection $severe
run cell_injection_npmsc_severe cell_injection $severe -injection1_what npmsc
run exosome_dose_weekly exosome_dose -injection1_repeat_every 168 -injection1_repeat_count 7
run degeneration_years_treated degeneration_years -injection1_what npmsc -injection1_time 168 -injection1_dose 1e7 -injection1_volume 1000 \
  -injection2_what exo_bmsc -injection2_time 336 -injection2_dose 1e10 -injection2_repeat_every 2190 -injection2_repeat_count 39
run healthy_disc_newton healthy_disc -time_steady_method newton
run exosome_dose_ug_offaxis exosome_dose -injection3_what exo_bmsc -injection3_time 400 -injection3_dose_ug 3 -injection3_centre 4,0,8 -injection3_radius 2
