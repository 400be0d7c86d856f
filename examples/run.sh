#!/usr/bin/env bash
# Runs an example end to end and draws its plots into results/NAME/ (replacing earlier results).
# Usage: bash examples/run.sh NAME     NAME: healthy_disc slab disc3d calcified_endplate
#                                            cell_injection exosome_dose degeneration_years
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: bash examples/run.sh NAME}
[ -f "examples/$name.yaml" ] || { echo "no example '$name' (examples/*.yaml)"; exit 2; }
bash tools/setup.sh > /dev/null
source tools/env.sh
out=results/$name
rm -rf "$out"
mkdir -p "$out"
run() { local label=$1; shift; ./build/discsim "examples/$name.yaml" -output_file "$out/$label.exo" -output_overwrite -quiet "$@" | tee "$out/$label.txt"; }
plot() { /usr/bin/python3 tools/plot.py "$@"; }

case $name in
cell_injection)
  severe="-bio_CEP_diffusivity_factor 0.03"   # severe endplate calcification (illustrative)
  run bmsc
  run npmsc -injection1_what npmsc
  run bmsc_severe $severe
  run npmsc_severe $severe -injection1_what npmsc
  for r in bmsc npmsc bmsc_severe npmsc_severe; do
    /usr/bin/python3 - "$out/$r.csv" > "$out/$r.injected.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
cols = [k for k in rows[0] if k.startswith("cells_") and "native" not in k and k.endswith("_stored [cells]")]  # whole-disc totals
print("time_h,injected_viable [cells],native_NP [cells]")
for r in rows:
    print("%s,%.17g,%s" % (r["time_h"], sum(float(r[c]) for c in cols), r["cells_native_NP [cells]"]))
PY
  done
  plot series "$out/bmsc.injected.csv" "$out/npmsc.injected.csv" "$out/bmsc_severe.injected.csv" "$out/npmsc_severe.injected.csv" \
    --labels "BMSC degenerate,NPMSC degenerate,BMSC severe,NPMSC severe" -c injected_viable --days \
    --ylabel "viable injected cells in the disc [cells]" --title "10^7 MSCs injected on day 7" -o "$out/injected_cells.png"
  plot series "$out/bmsc.csv" "$out/npmsc.csv" "$out/bmsc_severe.csv" "$out/npmsc_severe.csv" \
    --labels "BMSC degenerate,NPMSC degenerate,BMSC severe,NPMSC severe" -c glucose_NP_centre --days \
    --ylabel "glucose at the NP centre [mM]" --title "Nutrient supply before and after the injection (death below 0.5 mM)" -o "$out/glucose_centre.png"
  plot profile "$out/bmsc_severe.exo" -f glucose_mM --along z --times 167,192,888 --title "Glucose through the height at the axis, severe calcification, BMSC" -o "$out/glucose_profile.png"
  ;;
exosome_dose)
  run single
  run weekly -injection1_repeat_every 168 -injection1_repeat_count 7
  plot series "$out/single.csv" "$out/weekly.csv" --labels "one dose,weekly x8" -c exo_internal_disc -c exo_total_disc --days --logy --ymin 1e5 \
    --ylabel "exosomes in the disc [particles]" --title "10^10 BMSC exosomes: one dose against a weekly schedule" -o "$out/persistence.png"
  plot series "$out/single.csv" "$out/weekly.csv" --labels "one dose,weekly x8" -c mmp_NP_mean -c aggrecan_NP_mean --days \
    --ylabel "NP mean, relative to healthy [1]" --title "Effect on MMP activity and aggrecan" -o "$out/effect.png"
  ;;
degeneration_years)
  run untreated
  run treated -injection1_what npmsc -injection1_time 168 -injection1_dose 1e7 -injection1_volume 1000 \
    -injection2_what exo_bmsc -injection2_time 336 -injection2_dose 1e10 -injection2_repeat_every 2190 -injection2_repeat_count 39
  plot series "$out/untreated.csv" "$out/treated.csv" --labels "no therapy,NPMSC + exosomes every 3 months" -c aggrecan_NP_mean -c collagen2_NP_mean --years \
    --ylabel "NP mean content, relative to healthy [1]" --title "Matrix of a degenerate disc over 10 years" -o "$out/matrix.png"
  plot series "$out/untreated.csv" "$out/treated.csv" --labels "no therapy,therapy" -c mmp_NP_mean -c cytokine_NP_mean --years \
    --ylabel "NP mean, relative [1]" --title "MMP activity and inflammation over 10 years" -o "$out/mmp.png"
  ;;
*)
  run "$name"
  plot profile "$out/$name.exo" -f glucose_mM --along z --times 0,24,last -o "$out/glucose_profile.png"
  plot series "$out/$name.csv" -c glucose_NP_centre -c lactate_NP_centre -c pO2_NP_centre --days -o "$out/centre.png"
  ;;
esac
echo "results and plots in $out/"
