#!/usr/bin/env bash
# Tables and printed lines of the therapy examples for doc/examples.md (generated blocks:
# tools/doc_generated.py).
#   bash tools/docgen/therapy_examples.sh cells|exosomes|exosome_lines|degeneration|degeneration_lines|degeneration_parts|bookkeeping EXAMPLE
# Reads results/NAME/ of `bash examples/run.sh NAME` (cell_injection, exosome_dose,
# degeneration_years), exactly what a user gets. It runs the example first unless results/NAME
# holds a run of the same discsim program, scenario file and run.sh (a stamp file records their
# checksums), so that several tables of one example cost one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
discsim=$(realpath "${DISCSIM:-build/discsim}")
results() {  # $1 = example: run it unless its results are current
  local stamp
  stamp=$(sha256sum "$discsim" "examples/$1.yaml" examples/run.sh | cut -c1-64 | tr '\n' ' ')
  if [ "$(cat "results/$1/.stamp" 2> /dev/null)" != "$stamp" ]; then
    DISCSIM=$discsim bash examples/run.sh "$1" > /dev/null
    echo "$stamp" > "results/$1/.stamp"
  fi
}
table() { /usr/bin/python3 tools/doc_table.py "$@"; }
case ${1:-} in
cells)
  results cell_injection
  table results/cell_injection --runs untreated,bmsc,amsc,npmsc,bmsc_severe,npmsc_severe --subst at=,\|at,\|at,\|at,\|at,\|at \
    --row "glucose, NP centre, 167 h (mM)=glucose_NP_centre@167|.4g" --row "pO2, NP centre, 167 h (kPa)=pO2_NP_centre@167|.4g" \
    --row "lowest glucose at the NP centre after the dose, at the outputs (mM)=min:glucose_NP_centre:168:888|.3g{at}" \
    --row "lowest pH at the NP centre after the dose=min:pH_NP_centre:168:888|.4g" \
    --row "glucose, NP centre, 888 h (mM)=glucose_NP_centre@888|.4g" --row "pH, NP centre, 888 h=pH_NP_centre@888|.4g" \
    --row "osmolarity, NP mean, 888 h (mOsm/kg)=osmolarity_NP_mean@888|.4g" \
    --row "viable injected cells, 240 h (of 10⁷)=cells_injected_disc@240|.4g" --row "viable injected cells, 888 h (of 10⁷)=cells_injected_disc@888|.4g" \
    --row "native cells in the NP, 888 h (8.071e6 at the start)=cells_native_NP@888|.4g" \
    --row "MMP, NP mean, 167 h=mmp_NP_mean@167|.4g" --row "MMP, NP mean, 888 h=mmp_NP_mean@888|.4g" \
    --row "dying of glucose, 192 h (cells/day)=death_glucose_disc@192|.3g" --row "dying of acid, 192 h (cells/day)=death_pH_disc@192|.3g" \
    --row "dying of osmolarity, 192 h (cells/day)=death_osmolarity_disc@192|.3g" --row "dying of crowding, 192 h (cells/day)=death_crowding_disc@192|.3g" \
    --row "dying of acid, 888 h (cells/day)=death_pH_disc@888|.3g" ;;
exosomes)
  # one row per run and pool; the weekly run twice: its second dose (until the third) and its last
  results exosome_dose
  table results/exosome_dose --transpose --corner "run (pool)" \
    --runs untreated,bmsc,amsc,imsc,plmsc,bmsc_weekly,bmsc_weekly,combined,combined \
    --labels "untreated,bmsc,amsc,imsc,plmsc,bmsc_weekly (dose 2),bmsc_weekly (dose 8),combined (BMSC pool),combined (placenta-MSC pool)" \
    --subst src=bmsc,bmsc,amsc,imsc,plmsc,bmsc,bmsc,bmsc,plmsc --subst d=,,,,,_dose2,_dose8,, \
    --subst at=,\|at,\|at,\|at,\|at,\|at,\|at,\|at,\|at --subst t0=168,168,168,168,168,168,168,168,336 --subst t1=1608,1608,1608,1608,1608,1608,1608,336,1608 \
    --row "total below 0.1 of the dose after (h)=exo_{src}_total_disc{d}_below_0.1_of_dose_after@end|.4g" \
    --row "total half-life (h)=exo_{src}_total_disc{d}_half_life@end|.4g" --row "total residence (h)=exo_{src}_total_disc{d}_residence@end|.4g" \
    --row "cargo below 0.1 of the dose after (h)=exo_{src}_internal_disc{d}_below_0.1_of_dose_after@end|.4g" \
    --row "cargo half-life (h)=exo_{src}_internal_disc{d}_half_life@end|.4g" --row "cargo residence (h)=exo_{src}_internal_disc{d}_residence@end|.4g" \
    --row "degraded, 1 608 h=exo_{src}_degraded_disc@end|.4g" --row "cleared, 1 608 h=exo_{src}_cleared_disc@end|.4g" --row "leaked, 1 608 h=exo_{src}_leaked_disc@end|.3g" \
    --row "lowest MMP after the dose, NP mean=min:mmp_NP_mean:{t0}:{t1}|.6g{at}" --row "MMP, 1 608 h=mmp_NP_mean@end|.6g" \
    --row "aggrecan, 1 608 h=aggrecan_NP_mean@end|.6g" ;;
exosome_lines)
  # the persistence lines the runs print (the peak of the cargo is found between outputs)
  results exosome_dose
  echo '```'
  for r in bmsc combined; do echo "$r:"; grep -h '^  persistence of' "results/exosome_dose/$r.txt" | sed 's/): /):\n      /; s/; /;\n      /g'; done
  echo '```' ;;
degeneration)
  results degeneration_years
  table results/degeneration_years --corner "NP" --runs untreated,untreated,treated --labels "start,untreated 10 y,treated 10 y" \
    --subst t=0,end,end \
    --row "aggrecan_NP_mean=aggrecan_NP_mean@{t}|.6g" --row "collagen2_NP_mean=collagen2_NP_mean@{t}|.6g" \
    --row "mmp_NP_mean=mmp_NP_mean@{t}|.6g" --row "cytokine_NP_mean=cytokine_NP_mean@{t}|.6g" \
    --row "osmolarity_NP_mean (mOsm/kg)=osmolarity_NP_mean@{t}|.4g" \
    --row "viable NPMSCs in the NP (of 10⁷)=cells_NPMSC_NP@{t}|.5g" --row "viable NPMSCs in the CEP=cells_NPMSC_CEP@{t}|.5g" \
    --row "exosome cargo degraded (of 4e11)=exo_bmsc_degraded_disc@{t}|.4g" ;;
degeneration_lines)
  results degeneration_years
  echo '```'
  grep -h '^  persistence of' results/degeneration_years/treated.txt | sed 's/): /):\n      /; s/; /;\n      /g'
  echo '```' ;;
degeneration_parts)
  # each half of the treated run of degeneration_years alone (not in run.sh): where the effect comes from
  results degeneration_years
  d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
  "$discsim" examples/degeneration_years.yaml -quiet -output_file "$d/npmsc_only.exo" \
    -injection1_what npmsc -injection1_time 168 -injection1_dose 1e7 -injection1_volume 1000 > /dev/null
  "$discsim" examples/degeneration_years.yaml -quiet -output_file "$d/exosomes_only.exo" \
    -injection1_what exo_bmsc -injection1_time 336 -injection1_dose 1e10 -injection1_repeat_every 2190 -injection1_repeat_count 39 > /dev/null
  cp results/degeneration_years/untreated.csv results/degeneration_years/treated.csv "$d/"
  table "$d" --transpose --corner run --runs untreated,npmsc_only,exosomes_only,treated \
    --labels "untreated,NPMSCs only,exosomes only,both (treated)" \
    --row "aggrecan at 10 y=aggrecan_NP_mean@end|.6g" --row "collagen II at 10 y=collagen2_NP_mean@end|.6g" \
    --row "MMP at 10 y=mmp_NP_mean@end|.6g" --row "cytokine at 10 y=cytokine_NP_mean@end|.6g" ;;
bookkeeping)
  # per vesicle pool: the largest |free + internal + degraded + cleared + leaked - injected| / injected
  # over the outputs after the first dose (biology.md §6), for every run of example $2
  results "$2"
  /usr/bin/python3 - "results/$2" <<'PY'
import glob, os, sys
sys.path.insert(0, "tools")
import discsim_load
print("| run | pool | largest relative error over the outputs |\n|---|---|---|")
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.csv"))):
    df = discsim_load.load_csv(f).figures
    for col in [c for c in df if c.endswith("_free_injected")]:
        pool = col[:-len("_free_injected")]
        total = sum(df["%s_%s_disc" % (pool, x)] for x in ("free", "internal", "degraded", "cleared", "leaked"))
        inj = df[col][df[col] > 0]
        print("| %s | %s | %.2g |" % (os.path.basename(f)[:-4], pool, ((total[inj.index] - inj).abs() / inj).max()))
PY
  ;;
*) echo "usage: $0 cells|exosomes|exosome_lines|degeneration|degeneration_lines|degeneration_parts|bookkeeping EXAMPLE" >&2; exit 2 ;;
esac
