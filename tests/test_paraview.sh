#!/usr/bin/env bash
# ParaView 5.11 opens discsim's Exodus output (axisymmetric, slab and 3D) as cell data with time
# steps, and renders it (tools/check_paraview.sh: pvbatch under xvfb-run).
set -u
discsim=$(realpath "$1"); src=$(realpath "$2")
source "$src/tools/env.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
for case in "healthy_disc glucose_mM" "slab pH" "disc3d pO2_kPa"; do
  set -- $case
  "$discsim" "$src/examples/$1.yaml" -quiet -output_file "$work/$1.exo" -mesh_nz 20 > /dev/null || { echo "FAIL run $1"; exit 1; }
  if bash "$src/tools/check_paraview.sh" "$work/$1.exo" "$2" "$work/$1.png" > "$work/pv.txt" 2>&1; then
    pass=$((pass+1)); echo "ok   ParaView reads $1.exo: $(grep -E '^range' "$work/pv.txt")"
  else
    fail=$((fail+1)); echo "FAIL ParaView on $1.exo"; cat "$work/pv.txt"
  fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
