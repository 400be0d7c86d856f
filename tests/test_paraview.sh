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
# the gallery (one pvbatch process for several pictures) and its state files: each state opens
# again in ParaView from a moved folder and renders its data
mkdir -p "$work/gallery" "$work/moved"
"$discsim" "$src/examples/healthy_disc.yaml" -quiet -output_file "$work/gallery/solid.exo" -mesh_nr 20 -mesh_nz 10 -output_revolve 12 > /dev/null
for attempt in 1 2 3; do
  xvfb-run -a -s '-screen 0 1280x1024x24' pvbatch "$src/tools/paraview_gallery.py" "$work/gallery" "$work/healthy_disc.exo" "$work/gallery/solid.exo" "$work/disc3d.exo" > "$work/gallery.txt" 2>&1 && break
  grep -q "bad X server connection" "$work/gallery.txt" || break
done
for name in healthy_disc solid disc3d; do
  [ -s "$work/gallery/$name.png" ] && [ -s "$work/gallery/$name.pvsm" ] && grep -q "^$name: " "$work/gallery.txt" && { pass=$((pass+1)); echo "ok   gallery: $(grep "^$name: " "$work/gallery.txt")"; } || { fail=$((fail+1)); echo "FAIL gallery $name: $(grep -v 0x "$work/gallery.txt" | tail -3)"; }
done
mv "$work/healthy_disc.exo" "$work/gallery/solid.exo" "$work/disc3d.exo" "$work/moved/"  # really moved: the states name the old paths
for name in healthy_disc solid disc3d; do
  for attempt in 1 2 3; do
    xvfb-run -a -s '-screen 0 1280x1024x24' pvbatch "$src/tools/paraview_loadstate.py" "$work/gallery/$name.pvsm" "$work/moved" "$work/state_$name.png" > "$work/state.txt" 2>&1 && break
    grep -q "bad X server connection" "$work/state.txt" || break
  done
  grep -q "^cells: [1-9]" "$work/state.txt" && [ -s "$work/state_$name.png" ] && { pass=$((pass+1)); echo "ok   state $name.pvsm opens from a moved folder: $(grep '^cells' "$work/state.txt")"; } || { fail=$((fail+1)); echo "FAIL state $name.pvsm: $(grep -v 0x "$work/state.txt" | tail -3)"; }
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
