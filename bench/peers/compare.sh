#!/usr/bin/env bash
# Peer comparison: discsim vs FreeFem++ on the steady healthy disc (examples/healthy_disc.yaml).
#
#   bash bench/peers/compare.sh
#
# Runs FreeFem++ (bench/peers/healthy_disc.edp, P1, structured meshes -n N = N x 2N rectangles),
# an adapted-mesh P2 FreeFem++ reference, and discsim at three grids, then prints one table and
# the differences. Environment overrides:
#   FF_SIZES="25 50 100 200"              FreeFem++ -n values (2N x N rectangles)
#   DS_MESHES="100x50 200x100 400x200"    discsim nr x nz
#   TOL="1e-3 3e-4"                       matched-accuracy tolerances on NP-centre glucose, mM
#   REF=1                                 0: skip the adapted P2 reference (about 30 s)
#   DISCSIM=/work/main/build/discsim      the binary
# Needs: FreeFem++ (apt-get install -y freefem++), python3. Serial runs only.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
DISCSIM=${DISCSIM:-$root/build/discsim}
FF_SIZES=${FF_SIZES:-"25 50 100 200"}
DS_MESHES=${DS_MESHES:-"100x50 200x100 400x200"}
TOL=${TOL:-"1e-3 3e-4"}
REF=${REF:-1}
command -v FreeFem++ >/dev/null || { echo "compare.sh: FreeFem++ not found (apt-get install -y freefem++)" >&2; exit 1; }
[ -x "$DISCSIM" ] || { echo "compare.sh: $DISCSIM not built" >&2; exit 1; }

work=$(mktemp -d /tmp/discsim_peers.XXXXXX)
trap 'rm -rf "$work"' EXIT
rows=$work/rows.tsv   # method mesh unknowns pO2 glucose lactate pH solve_s elapsed_s kind
: >"$rows"
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

run_ff() { # label kind args...
  local label=$1 kind=$2; shift 2
  local t0 t1 out
  echo "  FreeFem++ $*" >&2
  t0=$(now)
  out=$(cd "$here" && FreeFem++ -nw -v 0 healthy_disc.edp "$@" | grep '^RESULT')
  t1=$(now)
  echo "$out" | awk -v label="$label" -v kind="$kind" -v el="$(elapsed "$t0" "$t1")" '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", label, v["mesh"], v["ndof"], v["pO2"], v["glucose"], v["lactate"], v["pH"], v["solve_s"], el, kind }' >>"$rows"
}

run_ds() { # label nr nz extra-args...
  local label=$1 nr=$2 nz=$3; shift 3
  local t0 t1 log=$work/ds_${nr}_${nz}_$label.log exo=$work/ds_${nr}_${nz}_$label.exo
  echo "  discsim -mesh_nr $nr -mesh_nz $nz $*" >&2
  t0=$(now)
  # uniform grids, as in the README's tables (the example itself is graded since issue 13;
  # graded refinement sequences: bench/convergence/convergence.py)
  "$DISCSIM" "$root/examples/healthy_disc.yaml" -mesh_nr "$nr" -mesh_nz "$nz" -mesh_grade_r 1 -mesh_grade_z 1 -output_file "$exo" -output_overwrite -quiet "$@" >"$log" 2>&1
  t1=$(now)
  local wall unk
  wall=$(sed -n 's/^wall time: *\([0-9.eE+-]*\) s.*/\1/p' "$log" | tail -1)
  unk=$(sed -n 's/^unknowns: *\([0-9]*\).*/\1/p' "$log" | head -1)
  python3 - "${exo%.exo}.csv" "$label" "${nr}x${nz}" "$unk" "$wall" "$(elapsed "$t0" "$t1")" >>"$rows" <<'EOF'
import csv, sys
path, label, mesh, unk, wall, el = sys.argv[1:]
rows = list(csv.DictReader(open(path)))
last = rows[-1]
def col(prefix):
    return next(v for k, v in last.items() if k.split(' ')[0] == prefix)
print('\t'.join([label, mesh, unk, col('pO2_NP_centre'), col('glucose_NP_centre'), col('lactate_NP_centre'),
                 col('pH_NP_centre'), wall, el, 'ds']))
EOF
}

echo "running (serial; $(nproc) cores; Debian freefem++ $(dpkg-query -W -f='${Version}' freefem++ 2>/dev/null || echo '?'))" >&2
for n in $FF_SIZES; do run_ff "FreeFem++ P1" ff -n "$n"; done
if [ "$REF" = 1 ]; then run_ff "FreeFem++ P2 adapted (ref)" ref -order 2 -adapt 4 -h 0.4 -err 0.004; fi
methods=("discsim")
help=$("$DISCSIM" -help 2>&1 || true)   # (not a pipe into grep -q: SIGPIPE + pipefail)
if grep -q time_steady_method <<<"$help"; then methods+=("discsim newton"); fi
for m in $DS_MESHES; do
  nr=${m%x*} nz=${m#*x}
  run_ds "discsim" "$nr" "$nz"
  if [ ${#methods[@]} -gt 1 ]; then run_ds "discsim newton" "$nr" "$nz" -time_steady_method newton; fi
done

python3 - "$rows" "$TOL" <<'EOF'
import sys
path, tols = sys.argv[1], [float(x) for x in sys.argv[2].split()]
R = []
for line in open(path):
    f = line.rstrip('\n').split('\t')
    R.append(dict(method=f[0], mesh=f[1], unk=int(f[2]), v=[float(x) for x in f[3:7]],
                  solve=float(f[7]), el=float(f[8]), kind=f[9]))
names = ['pO2 kPa', 'glucose mM', 'lactate mM', 'pH']
print()
print('Steady healthy disc, NP centre (r = 0, z = 5.5 mm). solve = discsim "wall time" / FreeFem++ clock() of the')
print('Newton solve (adapted: last pass only); elapsed = whole process.')
hdr = f"{'method':28s} {'mesh':>9s} {'unknowns':>9s} {'pO2 kPa':>9s} {'glucose mM':>10s} {'lactate mM':>10s} {'pH':>8s} {'solve s':>8s} {'elapsed s':>9s}"
print(hdr); print('-' * len(hdr))
for r in R:
    v = r['v']
    print(f"{r['method']:28s} {r['mesh']:>9s} {r['unk']:9d} {v[0]:9.5f} {v[1]:10.6f} {v[2]:10.6f} {v[3]:8.5f} {r['solve']:8.2f} {r['el']:9.2f}")

def fmt(d): return '  '.join(f"{n} {x:+.2e}" for n, x in zip(names, d))
groups = {}
for r in R:
    if r['kind'] != 'ref': groups.setdefault(r['method'], []).append(r)
ref = next((r for r in R if r['kind'] == 'ref'), None)
print()
print('Own change between the two finest meshes (finest - next):')
for m, g in groups.items():
    if len(g) >= 2:
        print(f"  {m:16s} {g[-2]['mesh']:>9s} -> {g[-1]['mesh']:<9s} {fmt([a - b for a, b in zip(g[-1]['v'], g[-2]['v'])])}")
ff = groups.get('FreeFem++ P1', [])
others = [m for m in groups if m != 'FreeFem++ P1']
print('Finest vs finest (discsim - FreeFem++ P1):')
for m in others:
    a, b = groups[m][-1], ff[-1]
    print(f"  {m:16s} {a['mesh']:>9s} vs {b['mesh']:<9s} {fmt([x - y for x, y in zip(a['v'], b['v'])])}")
if ref:
    print(f"Error of each finest mesh against the adapted P2 reference ({ref['unk']} unknowns):")
    for m, g in groups.items():
        print(f"  {m:16s} {g[-1]['mesh']:>9s}              {fmt([x - y for x, y in zip(g[-1]['v'], ref['v'])])}")

def coarsest(g, target, tol):
    return next((r for r in g if abs(r['v'][1] - target) <= tol), None)
def matched(title, target_of, tol):
    print(title)
    pick = {}
    for m, g in groups.items():
        tgt, src = target_of(m)
        r = coarsest(g, tgt, tol)
        pick[m] = r
        if r: print(f"  {m:16s} {r['mesh']:>9s}  glucose {r['v'][1]:.6f} (|diff| {abs(r['v'][1] - tgt):.1e} vs {src} {tgt:.6f})  solve {r['solve']:.2f} s  elapsed {r['el']:.2f} s")
        else: print(f"  {m:16s} none within {tol:g} mM of {src} {tgt:.6f}")
    for m in others:
        a, b = pick.get(m), pick.get('FreeFem++ P1')
        if a and b:
            print(f"  speed ratio FreeFem++ P1 / {m}: solve {b['solve'] / a['solve']:.2f}x, elapsed {b['el'] / a['el']:.2f}x")
def other_finest(m):
    o = groups[others[0]][-1] if m == 'FreeFem++ P1' else ff[-1]
    return o['v'][1], f"{o['method']} {o['mesh']}"
for tol in tols:
    print()
    print(f"Matched accuracy: for each code the coarsest mesh whose NP-centre glucose is within {tol:g} mM of")
    if ref:
        matched(' (a) the adapted P2 reference:', lambda m: (ref['v'][1], 'reference'), tol)
    matched(' (b) the other code\'s finest answer:', other_finest, tol)
EOF
