#!/usr/bin/env bash
# ParaView 5.11 opens discsim's Exodus output (axisymmetric, slab and 3D) as cell data with time
# steps, and renders it (tools/check_paraview.sh: pvbatch under xvfb-run); the gallery renders
# every example and each example's state file opens again.
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
# the gallery (tools/gallery.sh: every example, short runs, one pvbatch process) and every example's
# state file: each opens again in ParaView from a moved folder and renders its data
DISCSIM="$discsim" GALLERY_RUN_OPTIONS="-time_final 400 -output_times 100,180" bash "$src/tools/gallery.sh" "$work/gallery" > "$work/gallery.txt" 2>&1 || { echo "FAIL tools/gallery.sh: $(grep -v 0x "$work/gallery.txt" | tail -3)"; exit 1; }
names=$(cd "$src/examples" && ls *.yaml | sed 's/\.yaml$//'; echo healthy_disc_solid)
mkdir -p "$work/moved"
for name in $names; do
  [ -s "$work/gallery/$name.png" ] && [ -s "$work/gallery/$name.pvsm" ] && grep -q "^$name: " "$work/gallery.txt" && { pass=$((pass+1)); echo "ok   gallery: $(grep "^$name: " "$work/gallery.txt")"; } || { fail=$((fail+1)); echo "FAIL gallery $name"; }
  mv "$work/gallery/$name.exo" "$work/moved/" # really moved: the states name the old paths
done
args=(); for name in $names; do args+=("$work/gallery/$name.pvsm" "$work/state_$name.png"); done
for attempt in 1 2 3; do # one pvbatch process for every state
  xvfb-run -a -s '-screen 0 1280x1024x24' pvbatch "$src/tools/paraview_loadstate.py" "$work/moved" "${args[@]}" > "$work/state.txt" 2>&1 && break
  grep -q "bad X server connection" "$work/state.txt" || break
done
for name in $names; do
  grep -q "^$name: sources [1-9][0-9]*, cells [1-9]" "$work/state.txt" && [ -s "$work/state_$name.png" ] && { pass=$((pass+1)); echo "ok   state $name.pvsm opens from a moved folder: $(grep "^$name: " "$work/state.txt")"; } || { fail=$((fail+1)); echo "FAIL state $name.pvsm: $(grep -v 0x "$work/state.txt" | tail -3)"; }
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
