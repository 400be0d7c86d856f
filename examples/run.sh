#!/usr/bin/env bash
# Runs an example end to end and draws its plots into results/NAME/ (replacing earlier results).
# Usage: bash examples/run.sh NAME     NAME: healthy_disc slab disc3d calcified_endplate
#                                            cell_injection exosome_dose degeneration_years
#                                            endplate_exchange
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: bash examples/run.sh NAME}
[ -f "examples/$name.yaml" ] || { echo "no example '$name' (examples/*.yaml)"; exit 2; }
# DISCSIM=path/to/discsim uses that build instead of setting up ./build
if [ -z "${DISCSIM:-}" ]; then bash tools/setup.sh > /dev/null; fi
discsim=$(realpath "${DISCSIM:-./build/discsim}")
source tools/env.sh
out=results/$name
rm -rf "$out"
mkdir -p "$out"
run() { local label=$1; shift; "$discsim" "examples/$name.yaml" -output_file "$out/$label.exo" -output_overwrite -quiet "$@" | tee "$out/$label.txt"; }
plot() { /usr/bin/python3 tools/plot.py "$@"; }

# the example without its injections (the untreated disc, for comparison)
untreated() { awk '/^injection[0-9]+:/ { skip = 1; next } skip && /^  / { next } { skip = 0; print }' "examples/$name.yaml" > "$out/untreated.yaml"; \
  "$discsim" "$out/untreated.yaml" -output_file "$out/untreated.exo" -output_overwrite -quiet "$@" | tee "$out/untreated.txt"; }

case $name in
cell_injection)
  # thresholds marked in the plots: the default glucose thresholds (natives and NPMSC 0.5 mM, BMSC and
  # AMSC 1.5 mM) and pH thresholds (BMSC 6.8; AMSC and NPMSC 7.2, where their decline begins)
  severe="-bio_CEP_diffusivity_factor 0.03"   # severe endplate calcification (illustrative)
  untreated
  run bmsc
  run amsc -injection1_what amsc
  run npmsc -injection1_what npmsc
  run bmsc_severe $severe
  run npmsc_severe $severe -injection1_what npmsc
  plot "$out/untreated.csv" "$out/bmsc.csv" "$out/amsc.csv" "$out/npmsc.csv" --labels "no injection,BMSC,AMSC,NPMSC" \
    -q cells_injected_disc -q glucose_NP_centre -q pH_NP_centre -q mmp_NP_mean \
    --mark glucose_NP_centre=0.5:"natives, NPMSC die below 0.5 mM" --mark glucose_NP_centre=1.5:"BMSC, AMSC die below 1.5 mM" --mark pH_NP_centre=6.8:"BMSC die below 6.8" --mark pH_NP_centre=7.2:"AMSC, NPMSC decline below 7.2" \
    --title "10^7 MSCs of three types injected into a degenerate disc on day 7" -o "$out/cell_types.png" -o "$out/cell_types.pdf"
  plot "$out/bmsc.csv" "$out/npmsc.csv" "$out/bmsc_severe.csv" "$out/npmsc_severe.csv" --labels "BMSC,NPMSC,BMSC severe calcification,NPMSC severe calcification" \
    -q cells_injected_disc -q glucose_NP_centre -q pH_NP_centre -q cells_native_NP \
    --mark glucose_NP_centre=0.5:"natives, NPMSC die below 0.5 mM" --mark glucose_NP_centre=1.5:"BMSC die below 1.5 mM" --mark pH_NP_centre=6.8:"BMSC die below 6.8" --mark pH_NP_centre=7.2:"NPMSC decline below 7.2" \
    --title "The same dose with severely calcified endplates" -o "$out/severe.png" -o "$out/severe.pdf"
  plot profile "$out/bmsc_severe.exo" -f glucose --along z --times 167,192,888 --title "Glucose through the height at the axis, severe calcification, BMSC" -o "$out/glucose_profile.png"
  ;;
exosome_dose)
  # the file's first injection alone (each source, one dose), and the two sources together
  awk '/^injection2:/ { skip = 1; next } skip && /^  / { next } { skip = 0; print }' "examples/$name.yaml" > "$out/one_dose.yaml"
  one() { local label=$1; shift; "$discsim" "$out/one_dose.yaml" -output_file "$out/$label.exo" -output_overwrite -quiet "$@" | tee "$out/$label.txt"; }
  untreated
  one bmsc
  one amsc -injection1_what exo_amsc
  one imsc -injection1_what exo_imsc
  one plmsc -injection1_what exo_plmsc
  one bmsc_weekly -injection1_repeat_every 168 -injection1_repeat_count 7
  run combined
  plot "$out/untreated.csv" "$out/bmsc.csv" "$out/amsc.csv" "$out/imsc.csv" "$out/plmsc.csv" \
    --labels "no dose,BMSC exosomes,AMSC exosomes,iMSC exosomes,placenta-MSC exosomes" \
    -q exo_total_disc -q exo_internal_disc -q mmp_NP_mean -q aggrecan_NP_mean --floor 1e-5 --time d --xlim 0,40 \
    --title "10^10 exosomes from four sources injected on day 7" -o "$out/sources.png" -o "$out/sources.pdf"
  plot "$out/untreated.csv" "$out/bmsc.csv" "$out/bmsc_weekly.csv" --labels "no dose,one dose,weekly x8" \
    -q exo_total_disc -q exo_internal_disc -q mmp_NP_mean -q aggrecan_NP_mean --floor 1e-5 --time d \
    --title "10^10 BMSC exosomes: one dose against a weekly schedule" -o "$out/schedule.png" -o "$out/schedule.pdf"
  plot "$out/combined.csv" --labels "BMSC (day 7) + placenta-MSC (day 14) exosomes" \
    -q exo_bmsc_total_disc,exo_plmsc_total_disc -q exo_bmsc_internal_disc,exo_plmsc_internal_disc -q mmp_NP_mean --floor 1e-5 --time d --xlim 0,40 \
    --title "Two sources in one run: each vesicle pool" -o "$out/combined.png" -o "$out/combined.pdf"
  ;;
degeneration_years)
  run untreated
  run treated -injection1_what npmsc -injection1_time 168 -injection1_dose 1e7 -injection1_volume 1000 \
    -injection2_what exo_bmsc -injection2_time 336 -injection2_dose 1e10 -injection2_repeat_every 2190 -injection2_repeat_count 39
  plot "$out/untreated.csv" "$out/treated.csv" --labels "no therapy,NPMSC on day 7 + BMSC exosomes every 3 months" \
    -q aggrecan_NP_mean -q collagen2_NP_mean -q mmp_NP_mean -q cells_injected_NP \
    --title "A degenerate disc over 10 years, with and without therapy" -o "$out/treated_untreated.png" -o "$out/treated_untreated.pdf"
  ;;
*)
  run "$name"
  plot profile "$out/$name.exo" -f glucose --along z --times 0,24,last -o "$out/glucose_profile.png"
  plot "$out/$name.csv" -q glucose_NP_centre -q lactate_NP_centre -q pO2_NP_centre -o "$out/centre.png"
  ;;
esac
echo "results and plots in $out/"
