#!/usr/bin/env bash
# -output_revolve N: the axisymmetric result revolved into a solid disc of N sectors of HEX8
# elements. Checked against geometry and the plane result: every node lies on its circle at the
# right height, the elements' volume (by the divergence theorem over their faces) is the exact
# volume of the revolved polygon, N sin(2 pi/N)/2 sum (r1^2 - r0^2)(z1 - z0), per region, and
# every element holds the values of its r-z cell in the plane output, at every step.
set -u
discsim=$(realpath "$1"); src=$(realpath "$2")
source "$src/tools/env.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
args=("$src/examples/healthy_disc.yaml" -mesh_nr 20 -mesh_nz 10 -quiet -output_times 1,6)
"$discsim" "${args[@]}" -output_file plane.exo > plane.log 2>&1 || { echo "FAIL plane run: $(tail -2 plane.log)"; exit 1; }
"$discsim" "${args[@]}" -output_file solid.exo -output_revolve 12 > solid.log 2>&1 || { echo "FAIL revolved run: $(tail -2 solid.log)"; exit 1; }
"$discsim" "$src/examples/slab.yaml" -quiet -output_file slab.exo -output_revolve 12 > slab.log 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "input -output_revolve = 12 revolves an axisymmetric result; this mesh is slab" slab.log || { echo "FAIL: -output_revolve on a slab (exit $rc): $(grep error slab.log)"; exit 1; }
exec /usr/bin/python3 - <<'PY'
import sys
import netCDF4
import numpy as np

N = 12
p, s = netCDF4.Dataset("plane.exo"), netCDF4.Dataset("solid.exo")
fails = []
def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + (": " + detail if detail else ""))
    if not ok:
        fails.append(what)

X = np.stack([np.asarray(s.variables[c][:]) for c in ("coordx", "coordy", "coordz")], axis=1)
px, pz = np.asarray(p.variables["coordx"][:]), np.asarray(p.variables["coordy"][:])
radii, heights = np.unique(np.round(px, 12)), np.unique(np.round(pz, 12))
r = np.hypot(X[:, 0], X[:, 1])
angle = np.mod(np.arctan2(X[:, 1], X[:, 0]), 2 * np.pi) * N / (2 * np.pi)
on_grid = np.all(np.min(np.abs(r[:, None] - radii[None, :]), axis=1) < 1e-12) and np.all(np.min(np.abs(X[:, 2][:, None] - heights[None, :]), axis=1) < 1e-12)
on_sector = np.all((np.abs(angle - np.round(angle)) < 1e-9) | (r < 1e-12))
check("nodes on the plane's radii and heights, at the N sector angles", on_grid and on_sector)

def hex_volume(P):  # divergence theorem: V = (1/3) sum over the faces' triangles of centroid . outward area vector
    faces = [(0, 3, 2, 1), (4, 5, 6, 7), (0, 1, 5, 4), (1, 2, 6, 5), (2, 3, 7, 6), (3, 0, 4, 7)]
    v = 0.0
    for f in faces:
        c = P[list(f)].mean(axis=0)
        for k in range(4):
            a, b = P[f[k]], P[f[(k + 1) % 4]]
            v += np.dot((a + b + c) / 3.0, 0.5 * np.cross(a - c, b - c)) / 3.0  # triangle centroid . area vector
    return v

def quad_bounds(ds, blk):
    conn = np.asarray(ds.variables["connect%d" % blk][:]) - 1
    return px[conn].min(axis=1), px[conn].max(axis=1), pz[conn].min(axis=1), pz[conn].max(axis=1)

names = lambda ds, v: ["".join(ch.decode() for ch in row if ch) for row in ds.variables[v][:].data]
for b, region in enumerate(names(p, "eb_names"), start=1):
    conn = np.asarray(s.variables["connect%d" % b][:]) - 1
    vol = sum(hex_volume(X[e]) for e in conn)
    r0, r1, z0, z1 = quad_bounds(p, b)
    exact = N * np.sin(2 * np.pi / N) / 2 * np.sum((r1 ** 2 - r0 ** 2) * (z1 - z0))
    check("%s volume of the revolved elements = revolved polygon" % region, abs(vol - exact) <= 1e-10 * exact, "%.12g vs %.12g mm^3" % (vol, exact))
    nplane = len(r0)
    check("%s: %d sectors x %d plane cells" % (region, N, nplane), len(conn) == N * nplane)
    for v in range(1, len(names(p, "name_elem_var")) + 1):
        a = np.asarray(p.variables["vals_elem_var%deb%d" % (v, b)][:])
        c = np.asarray(s.variables["vals_elem_var%deb%d" % (v, b)][:])
        same = c.shape == (a.shape[0], N * nplane) and all(np.array_equal(c[:, k * nplane:(k + 1) * nplane], a) for k in range(N))
        if not same:
            check("%s variable %d equal to the plane's in every sector" % (region, v), False)
            break
    else:
        check("%s: every variable, every step, every sector equal to the plane's" % region, True)
check("same times", np.array_equal(np.asarray(p.variables["time_whole"][:]), np.asarray(s.variables["time_whole"][:])))
sys.exit(1 if fails else 0)
PY
