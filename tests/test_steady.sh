#!/usr/bin/env bash
# Steady mode: the Newton solve (-time_steady_method newton) agrees with CVODE integrated to steady
# state (<= 1e-6 relative in every key figure and every species total), also when Newton first
# fails and falls back to time-marching (forced with -steady_snes_max_it 2 and exact linear solves,
# so that two iterations suffice after the fallback), on 1 and 2 ranks, and when Newton starts from
# the interpolated steady state of coarser grids (grid sequencing, -steady_coarse_grids).
set -u
discsim=$(realpath "$1"); src=$(realpath "$2")
source "$src/tools/env.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
run() { local name=$1; shift; "$@" -quiet -output_file "$name.exo" > "$name.txt" 2>&1 || { cat "$name.txt"; echo "FAIL: the run $name failed"; exit 1; }; }
S="$src/examples/healthy_disc.yaml"
run cvode   "$discsim" "$S" -time_steady_tol 1e-10
run newton  "$discsim" "$S" -time_steady_method newton
run fallback "$discsim" "$S" -time_steady_method newton -steady_snes_max_it 2 -steady_snes_ksp_ew false
run newton2 mpiexec -n 2 "$discsim" "$S" -time_steady_method newton
run newtonseq "$discsim" "$S" -time_steady_method newton -steady_coarse_grids 2
run newtonseq2 mpiexec -n 2 "$discsim" "$S" -time_steady_method newton -steady_coarse_grids 3
# 3D: its own default preconditioner for the steady solve (SSOR by the Eisenstat trick)
D3=("$src/examples/disc3d.yaml" -mesh_nx 26 -mesh_ny 39 -mesh_nz 16)
run cvode3 "$discsim" "${D3[@]}" -time_steady_tol 1e-10
run newton3 "$discsim" "${D3[@]}" -time_steady_method newton
run newton3p2 mpiexec -n 2 "$discsim" "${D3[@]}" -time_steady_method newton   # SOR: no Eisenstat trick in parallel
grep -h "steady state" cvode.txt newton.txt fallback.txt newton2.txt newtonseq.txt newtonseq2.txt cvode3.txt newton3.txt newton3p2.txt
# Each check prints one line starting with "ok" or "FAIL"; the counts at the end are of those lines.
{
  if grep -q "time-marching to a relative rate" fallback.txt; then echo "ok   the Newton failure fell back to time-marching (fallback.txt)"
  else echo "FAIL the fallback did not run (fallback.txt)"; fi
  for f in newtonseq newtonseq2; do
    if grep -q "grid sequencing: started from the steady state of [23] coarser grids" $f.txt; then echo "ok   Newton started from the coarser grids ($f.txt)"
    else echo "FAIL no grid sequencing in $f.txt"; fi
  done
  python3 - cvode.csv newton.csv fallback.csv newton2.csv newtonseq.csv newtonseq2.csv cvode3.csv newton3.csv newton3p2.csv <<'PY' || echo "FAIL the comparison script stopped with an error"
import csv, sys
for f in sys.argv[2:]:
    if f.startswith("cvode"):
        continue
    try:
        ref = list(csv.DictReader(open("cvode3.csv" if f.startswith("newton3") else sys.argv[1])))[-1]
        keys = [k for k in ref if "centre" in k or k.endswith("_stored [nmol]") or k.split(" ")[0].endswith("_min")]
        row = list(csv.DictReader(open(f)))[-1]
        worst = max(abs(float(row[k]) - float(ref[k])) / abs(float(ref[k])) for k in keys)
        ok = worst <= 1e-6
        print("%-4s %s vs CVODE to steady: worst relative difference %.2e over %d figures" % ("ok" if ok else "FAIL", f, worst, len(keys)))
    except Exception as e:  # a missing or malformed file fails its own check, not the others
        print("FAIL %s vs CVODE to steady: %s: %s" % (f, type(e).__name__, e))
PY
} > checks.txt
cat checks.txt
passed=$(grep -c '^ok' checks.txt); failed=$(grep -c '^FAIL' checks.txt)
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
