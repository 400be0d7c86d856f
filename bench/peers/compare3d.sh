#!/usr/bin/env bash
# Peer comparison in 3D: discsim vs FEniCSx on the steady elliptical disc (examples/disc3d.yaml,
# -time_steady_method newton, all parameters at their defaults).
#
#   bash bench/peers/compare3d.sh
#
# Runs FEniCSx (bench/peers/disc3d.py: P1 tetrahedra, Newton, GMRES + BoomerAMG per species) at
# -n 25 and 50, and discsim's steady Newton at three voxel grids, then prints one table, each
# code's own change between its two finest meshes, finest against finest, and the
# matched-accuracy picks with the speed ratio. Environment overrides:
#   FX_SIZES="25 50"                             FEniCSx -n values (multiples of 25)
#   DS_MESHES="40x60x22 52x78x32 80x120x44"      discsim nx x ny x nz
#   TOL="2e-3 1e-3"                              matched-accuracy tolerances on NP-centre glucose, mM
#   DISCSIM=/work/main/build/discsim             the binary
# Needs: python3-dolfinx (Debian 12; tools/setup.sh --with-peers). Serial runs only; one
# thread per process (OMP_NUM_THREADS=1). The first FEniCSx run compiles its forms (cached in
# ~/.cache/fenics): compare3d.sh runs the smallest size once before timing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
DISCSIM=${DISCSIM:-$root/build/discsim}
FX_SIZES=${FX_SIZES:-"25 50"}
DS_MESHES=${DS_MESHES:-"40x60x22 52x78x32 80x120x44"}
TOL=${TOL:-"2e-3 1e-3"}
PY=/usr/bin/python3
export OMP_NUM_THREADS=1
$PY -c "import dolfinx" 2>/dev/null || { echo "compare3d.sh: python3-dolfinx not found (bash tools/setup.sh --with-peers)" >&2; exit 1; }
[ -x "$DISCSIM" ] || { echo "compare3d.sh: $DISCSIM not built" >&2; exit 1; }

work=$(mktemp -d /tmp/discsim_peers3d.XXXXXX)
trap 'rm -rf "$work"' EXIT
rows=$work/rows.tsv   # method mesh unknowns pO2 glucose lactate pH solve_s elapsed_s newton linear
: >"$rows"
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

run_fx() { # n
  local t0 t1 out
  echo "  FEniCSx disc3d.py -n $1" >&2
  t0=$(now)
  out=$($PY "$here/disc3d.py" -n "$1" 2>/dev/null | grep '^RESULT')
  t1=$(now)
  echo "$out" | awk -v el="$(elapsed "$t0" "$t1")" '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "FEniCSx P1\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v["mesh"], v["ndof"], v["pO2"], v["glucose"], v["lactate"], v["pH"], v["solve_s"], el, v["newton"], v["linear"] }' >>"$rows"
}

run_ds() { # nx ny nz
  local nx=$1 ny=$2 nz=$3 t0 t1 log=$work/ds_$1_$2_$3.log exo=$work/ds_$1_$2_$3.exo
  echo "  discsim -mesh_nx $nx -mesh_ny $ny -mesh_nz $nz -time_steady_method newton" >&2
  t0=$(now)
  "$DISCSIM" "$root/examples/disc3d.yaml" -mesh_nx "$nx" -mesh_ny "$ny" -mesh_nz "$nz" -time_steady_method newton \
    -output_file "$exo" -output_overwrite -quiet >"$log" 2>&1
  t1=$(now)
  $PY - "${exo%.exo}.csv" "${nx}x${ny}x${nz}" "$log" "$(elapsed "$t0" "$t1")" >>"$rows" <<'EOF'
import csv, re, sys
path, mesh, log, el = sys.argv[1:]
text = open(log).read()
last = list(csv.DictReader(open(path)))[-1]
def col(prefix):
    return next(v for k, v in last.items() if k.split(' ')[0] == prefix)
unk = re.search(r'unknowns: *(\d+)', text).group(1)
wall = re.search(r'wall time: *([\d.eE+-]+) s', text).group(1)
nw = re.search(r'SNES\): (\d+) Newton iterations, (\d+) linear', text)
print('\t'.join(['discsim newton', mesh, unk, col('pO2_NP_centre'), col('glucose_NP_centre'), col('lactate_NP_centre'),
                 col('pH_NP_centre'), wall, el, nw.group(1), nw.group(2)]))
EOF
}

echo "running (serial; $(nproc --all) cores; Debian python3-dolfinx $(dpkg-query -W -f='${Version}' python3-dolfinx 2>/dev/null || echo '?'))" >&2
first=${FX_SIZES%% *}
$PY "$here/disc3d.py" -n "$first" >/dev/null 2>&1 || true   # form compilation (JIT) outside the timings
for n in $FX_SIZES; do run_fx "$n"; done
for m in $DS_MESHES; do IFS=x read -r nx ny nz <<<"$m"; run_ds "$nx" "$ny" "$nz"; done

$PY - "$rows" "$TOL" <<'EOF'
import sys
path, tols = sys.argv[1], [float(x) for x in sys.argv[2].split()]
R = []
for line in open(path):
    f = line.rstrip('\n').split('\t')
    R.append(dict(method=f[0], mesh=f[1], unk=int(f[2]), v=[float(x) for x in f[3:7]], solve=float(f[7]), el=float(f[8]),
                  newton=int(f[9]), linear=int(f[10])))
names = ['pO2 kPa', 'glucose mM', 'lactate mM', 'pH']
print()
print('Steady 3D elliptical disc, NP centre (0, 0, 5.5) mm. solve = discsim "wall time" / FEniCSx Newton solve')
print('(assembly + linear solves); elapsed = whole process (Python start-up and imports included for FEniCSx).')
hdr = f"{'method':16s} {'mesh':>11s} {'unknowns':>9s} {'Newton':>6s} {'linear':>6s} {'pO2 kPa':>9s} {'glucose mM':>10s} {'lactate mM':>10s} {'pH':>8s} {'solve s':>8s} {'elapsed s':>9s}"
print(hdr); print('-' * len(hdr))
for r in R:
    v = r['v']
    print(f"{r['method']:16s} {r['mesh']:>11s} {r['unk']:9d} {r['newton']:6d} {r['linear']:6d} {v[0]:9.5f} {v[1]:10.6f} {v[2]:10.6f} {v[3]:8.5f} {r['solve']:8.2f} {r['el']:9.2f}")
def fmt(d): return '  '.join(f"{n} {x:+.2e}" for n, x in zip(names, d))
groups = {}
for r in R: groups.setdefault(r['method'], []).append(r)
print()
print('Own change between the two finest meshes (finest - next):')
for m, g in groups.items():
    if len(g) >= 2:
        print(f"  {m:16s} {g[-2]['mesh']:>11s} -> {g[-1]['mesh']:<11s} {fmt([a - b for a, b in zip(g[-1]['v'], g[-2]['v'])])}")
fx, ds = groups.get('FEniCSx P1', []), groups.get('discsim newton', [])
if fx and ds:
    print('Finest vs finest (discsim - FEniCSx):')
    print(f"  {ds[-1]['mesh']:>11s} vs {fx[-1]['mesh']:<11s} {fmt([x - y for x, y in zip(ds[-1]['v'], fx[-1]['v'])])}")
    for tol in tols:
        print()
        print(f"Matched accuracy: for each code the coarsest mesh whose NP-centre glucose is within {tol:g} mM of the other code's finest answer")
        pick = {}
        for m, g, o in (('FEniCSx P1', fx, ds[-1]), ('discsim newton', ds, fx[-1])):
            r = next((r for r in g if abs(r['v'][1] - o['v'][1]) <= tol), None)
            pick[m] = r
            if r: print(f"  {m:16s} {r['mesh']:>11s}  glucose {r['v'][1]:.6f} (|diff| {abs(r['v'][1] - o['v'][1]):.1e} vs {o['method']} {o['mesh']})  solve {r['solve']:.2f} s  elapsed {r['el']:.2f} s")
            else: print(f"  {m:16s} none within {tol:g} mM of {o['method']} {o['mesh']}")
        a, b = pick['discsim newton'], pick['FEniCSx P1']
        if a and b:
            print(f"  speed ratio FEniCSx / discsim: solve {b['solve'] / a['solve']:.1f}x, elapsed {b['el'] / a['el']:.1f}x")
EOF
