#!/usr/bin/env bash
# Bad input: every scenario in tests/bad/ must stop with its own message (tests/bad/NAME.expected),
# a non-zero exit, before computing, and without leaving an output file. Also: -help lists keys
# with units, an existing result is never overwritten unless asked, and a missing file is named.
set -u
discsim=$(realpath "$1"); src=$(realpath "$2")
source "$src/tools/env.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
pass=0; fail=0
check() { if [ "$1" = ok ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $2"; fi; }

for yaml in "$src"/tests/bad/*.yaml; do
  name=$(basename "$yaml" .yaml)
  expected=$(cat "$src/tests/bad/$name.expected")
  start=$(date +%s.%N)
  "$discsim" "$yaml" -output_file "$work/$name.exo" > out.txt 2> err.txt; rc=$?
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  if [ $rc -ne 0 ] && grep -qF -- "$expected" err.txt && [ ! -e "$work/$name.exo" ] && [ "$(grep -c 'discsim: error' err.txt)" -ge 1 ] && ! grep -q "PETSC ERROR" err.txt; then
    check ok; echo "ok   $name (exit $rc, ${secs}s): $(grep 'discsim: error' err.txt | tail -1)"
  else
    check no "$name: exit $rc, expected '$expected', got: $(cat err.txt | head -5)"
  fi
done

# a missing scenario file
"$discsim" "$work/nonexistent.yaml" 2> err.txt; rc=$?
[ $rc -ne 0 ] && grep -q "cannot read the scenario file" err.txt && check ok || check no "missing scenario file: $(cat err.txt)"

# -help: discsim's keys only, grouped in this order, with values, units and defaults; every model's
# keys whatever -model is chosen; PETSc's own help only behind -help_petsc; nothing computed
"$discsim" -help > help.txt 2>&1; rc=$?
[ $rc -eq 0 ] && [ ! -e discsim.exo ] && check ok || check no "-help computed or failed (exit $rc)"
order=$(grep -nE '^(Mesh|Model|Injections|Time|Output|Checkpoints|Solver)' help.txt | cut -d: -f2 | cut -c1-4 | tr '\n' ' ')
[ "$order" = "Mesh Mode Inje Time Outp Chec Solv " ] && check ok || check no "-help groups out of order: '$order'"
# key, value in force, help with unit (one line each)
for line in "-mesh_height +11 +disc height \\(vertebra to vertebra\\) \\[mm\\]" "-nutrient_D_glucose_NP +5e-10 .*\\[m\\^2/s\\]" \
            "-time_final +240 .*\\[h\\]" "-bio_NPMSC_pH_threshold +7.2 .*\\[1\\]" "-injection1_volume +100 .*\\[uL\\]" "-cvode_rtol +1e-06" "-newton_pc_type +ilu" "-checkpoint_wall_interval +900 .*\\[s\\]"; do
  grep -qE -- "^  $line" help.txt && check ok || check no "-help has no line '$line'"
done
# each key once, in its group: biology keys under Model, after their heading, with no -model biology given
awk '/^Model/ { m = 1 } /^Injections/ { m = 0 } m && /keys of -model biology/ { b = 1 } b && m && /^  -bio_exo_EC50 / { found = 1 } END { exit !found }' help.txt \
  && check ok || check no "-help: biology keys not under 'keys of -model biology' without -model biology"
[ "$(grep -c '^  -mesh_nr ' help.txt)" = 1 ] && check ok || check no "-help lists -mesh_nr $(grep -c '^  -mesh_nr ' help.txt) times"
! grep -qE -- "-malloc_debug|-log_view|-is_view|-sf_type|PETSc Team|-newton_ksp_monitor" help.txt && check ok || check no "-help shows PETSc's own options"
# discsim's own keys only: 12 rows per cell type (3), 7 per exosome source (4) and 5 per protein factor (2) make most of it
[ "$(wc -l < help.txt)" -lt 280 ] && check ok || check no "-help is $(wc -l < help.txt) lines"
# a value changed on the command line is shown with its default
"$discsim" -help -mesh_nr 7 -model biology > help2.txt 2>&1
grep -qE -- "^  -mesh_nr +7 .*\\(default 100\\)" help2.txt && grep -q "keys of -model nutrient" help2.txt && grep -qE "^  -nutrient_cells_NP +4000" help2.txt \
  && check ok || check no "-help -mesh_nr 7 -model biology: no '(default 100)' or no nutrient keys"
# PETSc's own help behind -help_petsc
"$discsim" -help_petsc > help3.txt 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q -- "-malloc_debug" help3.txt && grep -q -- "-newton_ksp_monitor" help3.txt && [ ! -e discsim.exo ] \
  && check ok || check no "-help_petsc (exit $rc) does not show PETSc's options"

# an existing result is kept, byte for byte, unless -output_overwrite
echo "precious" > kept.exo
"$discsim" "$src/examples/slab.yaml" -output_file kept.exo -mesh_nz 20 2> err.txt; rc=$?
[ $rc -ne 0 ] && grep -q "refusing to overwrite" err.txt && [ "$(cat kept.exo)" = precious ] && check ok || check no "existing output was not protected"
"$discsim" "$src/examples/slab.yaml" -output_file kept.exo -mesh_nz 20 -output_overwrite -quiet > out.txt 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(head -c 3 kept.exo)" = CDF ] && check ok || check no "-output_overwrite did not replace the file"

# times accept a unit: 1d is 24 h (the CSV's last time), 1w,2w output times are 168 h and 336 h
"$discsim" "$src/examples/slab.yaml" -output_file units.exo -mesh_nz 20 -time_steady false -time_final 3w -output_times 1d,1w,2w -quiet > out.txt 2>&1; rc=$?
times=$(cut -d, -f1 units.csv | tail -n +2 | tr '\n' ' ')
[ $rc -eq 0 ] && [ "$times" = "0 24 168 336 504 " ] && check ok || check no "time units: exit $rc, output times '$times' (expected 0 24 168 336 504)"

# spaces around list entries are read (PETSc alone refused " 2 " without naming the key; found by bench/fuzz.sh)
"$discsim" "$src/examples/slab.yaml" -output_file spaced.exo -mesh_nz 20 -time_steady false -time_final 3 -output_times " 1 , 2 " -quiet > out.txt 2>&1; rc=$?
times=$(cut -d, -f1 spaced.csv | tail -n +2 | tr '\n' ' ')
[ $rc -eq 0 ] && [ "$times" = "0 1 2 3 " ] && check ok || check no "spaced list: exit $rc, output times '$times' (expected 0 1 2 3)"

# the CSV may not be pointed at the Exodus file, however the path is written
"$discsim" "$src/examples/slab.yaml" -output_file same.exo -output_csv ./../$(basename "$work")/same.exo -mesh_nz 20 2> err.txt; rc=$?
[ $rc -ne 0 ] && grep -q "names the same file as -output_file" err.txt && [ ! -e same.exo ] && check ok || check no "CSV onto the Exodus file: exit $rc, $(cat err.txt)"

# the scenario file may stand anywhere on the line; a second positional argument is refused
"$discsim" -mesh_nz 20 -quiet "$src/examples/slab.yaml" -output_file anywhere.exo > out.txt 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "scenario slab" out.txt && check ok || check no "scenario after other keys: exit $rc, $(head -3 out.txt)"
"$discsim" "$src/examples/slab.yaml" -mesh_nz 20 stray -output_file stray.exo 2> err.txt; rc=$?
[ $rc -ne 0 ] && grep -q "stray argument 'stray'" err.txt && [ ! -e stray.exo ] && check ok || check no "stray argument: exit $rc, $(cat err.txt)"

# a missing -options_file: one line, exit 1, no PETSc error block
"$discsim" -options_file "$work/missing.opts" > out.txt 2> err.txt; rc=$?
[ $rc -eq 1 ] && grep -q "discsim: error: cannot read -options_file" err.txt && ! grep -q "PETSC ERROR" err.txt && check ok || check no "missing -options_file: exit $rc, $(head -2 err.txt)"

# a misspelt key is refused before the mesh is built: next to a 4096^3-cell mesh (6.9e10 cells,
# more than a 32-bit index and any memory here) the message must be about the key
"$discsim" "$src/examples/disc3d.yaml" -mesh_nx 4096 -mesh_ny 4096 -mesh_nz 4096 -mesh_nrr 4 -output_file early.exo 2> err.txt; rc=$?
[ $rc -ne 0 ] && grep -q "unknown input key -mesh_nrr" err.txt && [ ! -e early.exo ] && check ok || check no "misspelt key before set-up: exit $rc, $(head -2 err.txt)"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
