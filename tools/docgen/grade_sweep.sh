#!/usr/bin/env bash
# The nutrient fields of a disc at each degeneration grade (-disc_grade 1..5): steady state by
# Newton on the mesh of examples/healthy_disc.yaml (given on the command line without its height,
# so that the grade sets it). A second set of rows keeps the healthy cell densities, so that the
# effect of the grade's transport (water content, height) shows alone. Prints a markdown table
# (doc/biology.md, "Degeneration grades"). Usage: DISCSIM=build/discsim bash tools/docgen/grade_sweep.sh
set -euo pipefail
discsim=${DISCSIM:-build/discsim}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
MESH=(-mesh_type axisymmetric -mesh_nr 100 -mesh_nz 50 -mesh_grade_r 12 -mesh_grade_z 12 -mesh_radius 20)
run() { # NAME [keys...]: prints the last CSV row's figures
  local name=$1; shift
  "$discsim" -model nutrient "${MESH[@]}" -time_steady -time_steady_method newton -quiet -output_file "$work/$name.exo" "$@" > "$work/$name.txt" 2>&1 || { cat "$work/$name.txt"; exit 1; }
}
echo "| grade | cells | height [mm] | water NP / AF | D_glucose NP / AF [m²/s] | cells NP / AF [cells/mm³] | glucose NP centre [mM] | glucose min [mM] | pH min | pO2 NP centre [kPa] |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for cells in grade healthy; do
  for g in 1 2 3 4 5; do
    keys=(-disc_grade "$g")
    [ "$cells" = healthy ] && keys+=(-nutrient_cells_NP 4000 -nutrient_cells_AF 9000)
    run "g$g$cells" "${keys[@]}"
    /usr/bin/python3 - "$work/g$g$cells" "$g" "$cells" <<'PY'
import csv, re, sys
base, g, cells = sys.argv[1], sys.argv[2], sys.argv[3]
row = list(csv.DictReader(open(base + ".csv")))[-1]
head = open(base + ".txt").read()
val = lambda key: float(re.search(r"-(?:nutrient|mesh)_%s ([0-9.e+-]+)" % key, head).group(1)) if re.search(r"-(?:nutrient|mesh)_%s ([0-9.e+-]+)" % key, head) else None
h = float(re.search(r"height ([0-9.]+) mm", head).group(1))
mm = lambda p: (p / (2 - p)) ** 2
wNP, wAF = val("water_NP"), val("water_AF")
cNP = val("cells_NP") or 4000.0
cAF = val("cells_AF") or 9000.0
print("| %s | %s | %.4g | %.2f / %.2f | %.3g / %.3g | %.0f / %.0f | %.4f | %.4f | %.3f | %.3f |" % (
    g, cells, h, wNP, wAF, 5e-10 * mm(wNP) / mm(0.8), 4e-10 * mm(wAF) / mm(0.7), cNP, cAF,
    float(row["glucose_NP_centre [mM]"]), float(row["glucose_min [mM]"]), float(row["pH_min"]), float(row["pO2_NP_centre [kPa]"])))
PY
  done
done
