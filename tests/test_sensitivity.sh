#!/usr/bin/env bash
# Local sensitivities (-steady_sensitivity: one tangent solve per parameter) against central
# finite differences of separate steady Newton runs with the parameter changed by +-1e-4
# (relative): agreement to 1e-5 relative for figures at a point, at a minimum and of different
# species, for parameters of transport, consumption and supply.
set -u
discsim=$(realpath "$1"); src=$(realpath "$2")
source "$src/tools/env.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
pass=0; fail=0
check() { if [ "$1" = ok ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $2"; fi; }
base=("$src/examples/healthy_disc.yaml" -mesh_nr 40 -mesh_nz 20 -time_steady_method newton -quiet -steady_snes_rtol 1e-13 -steady_snes_atol 1e-14)
"$discsim" "${base[@]}" -steady_sensitivity -output_file s.exo > s.log 2>&1 || { echo "sensitivity run failed: $(tail -3 s.log)"; exit 1; }
figure() { # csv figure: its value in a run's CSV (single row)
  /usr/bin/python3 -c "import pandas as p; d = p.read_csv('$1'); print(repr(float(d[[c for c in d.columns if c.split(' ')[0] == '$2'][0]].iloc[-1])))"
}
for par in nutrient_D_glucose_NP nutrient_cells_NP nutrient_pO2_vertebra; do
  value=$(awk -F, -v p="$par" '$4 == p { print $6; exit }' s.sensitivity.csv)
  for sign in plus minus; do
    v=$(/usr/bin/python3 -c "print(repr($value * (1 + (1e-4 if '$sign' == 'plus' else -1e-4))))")
    "$discsim" "${base[@]}" -"$par" "$v" -output_file "$sign.exo" > "$sign.log" 2>&1 || check no "run with -$par $v failed"
  done
  for fig in glucose_NP_centre pO2_min lactate_NP_centre; do
    adj=$(awk -F, -v p="$par" -v f="$fig" '$4 == p && $1 == f { print $7 }' s.sensitivity.csv)
    fd=$(/usr/bin/python3 -c "print(repr(($(figure plus.csv $fig) - $(figure minus.csv $fig)) / (2e-4 * $value)))")
    rel=$(/usr/bin/python3 -c "a, b = $adj, $fd; print('%.2e' % (abs(a - b) / max(abs(b), 1e-300)))")
    echo "d $fig / d $par: tangent $adj, finite differences $fd, relative difference $rel"
    /usr/bin/python3 -c "import sys; sys.exit(0 if $rel <= 1e-5 else 1)" && check ok || check no "d $fig / d $par: $adj vs $fd ($rel)"
  done
  rm -f plus.* minus.*
done
# the ranked table names the largest coefficient first
grep -q "glucose_NP_centre = .* mM: nutrient_glucose_vertebra" s.log && check ok || check no "ranked table: $(grep glucose_NP_centre s.log)"
# only with the Newton steady solve
"$discsim" "$src/examples/healthy_disc.yaml" -steady_sensitivity -output_file t.exo > t.log 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "input -steady_sensitivity needs -time_steady_method newton" t.log && check ok || check no "-steady_sensitivity without Newton (exit $rc)"
echo "sensitivity: $pass passed, $fail failed"
[ $fail -eq 0 ]
