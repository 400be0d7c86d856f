#!/usr/bin/python3
"""discsim peer in 3D: steady O2 / glucose / lactate in the elliptical disc, by FEniCSx (dolfinx 0.5).

Same problem as discsim's examples/disc3d.yaml in steady Newton mode (-time_steady_method newton)
with all parameters at their defaults (models/nutrient/dsnutrient.c, mesh/dsmesh.c,
doc/equations.md; the kinetics line by line as in bench/peers/healthy_disc.edp). Units: mm, h,
mM (= nmol/mm^3).

    /usr/bin/python3 bench/peers/disc3d.py -n 50 [-nz 22] [-ksp_rtol 1e-8]

Geometry: elliptical cylinder, semi-axes a = 16.5 mm (x, antero-posterior) and b = 25 mm (y,
lateral), height H = 11 mm. The NP is the ellipse scaled by 0.64 between the endplates; the
cartilage endplates (CEP) are the layers z < 0.6 and z > H - 0.6 inside the ellipse scaled by
0.8; the rest is AF. Boundaries: Dirichlet (5.8 kPa * alpha, 4 mM, 0.8 mM) on the lateral
surface and on z = 0, H inside the scaled-0.8 ellipse (vertebra); no flux on the rest of the
top and bottom (bone).

Mesh: a box [-1, 1]^2 x [0, 1] of n x n x nz hexahedra, each cut into 6 tetrahedra (P1);
concentric squares max(|u|, |v|) = s are mapped onto the ellipses of elliptic radius s, so
the region interfaces (s = 0.64, 0.8; n a multiple of 25) and the endplate layers (piecewise
uniform in z) are mesh faces. Regions are set per cell from the unmapped midpoints.
Newton (dolfinx NewtonSolver, exact UFL Jacobian), GMRES + hypre BoomerAMG, relative update
below 1e-10. Prints one RESULT line (read by compare3d.sh).
"""
import argparse, sys, time

t_start = time.perf_counter()
import numpy as np
from mpi4py import MPI
from petsc4py import PETSc
import ufl
import dolfinx
from dolfinx import fem, mesh as dmesh, geometry
from dolfinx.fem.petsc import NonlinearProblem
from dolfinx.nls.petsc import NewtonSolver

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("-n", type=int, default=50, help="hexahedra across the square (a multiple of 25)")
ap.add_argument("-nz", type=int, default=0, help="hexahedra through the height (default: n * 22 / 50)")
ap.add_argument("-ksp_rtol", type=float, default=1e-8)
ap.add_argument("-pc", choices=("fieldsplit", "hypre"), default="fieldsplit", help="fieldsplit: one BoomerAMG per species (additive); hypre: BoomerAMG on the coupled system")
ap.add_argument("-petsc", default="", help="extra PETSc options for the linear solver, without the prefix, e.g. '-pc_type lu'")
args = ap.parse_args()
n = args.n
if n % 25:
    sys.exit("disc3d.py: -n must be a multiple of 25 (the interfaces at elliptic radius 0.64 and 0.8 are grid lines)")
nz = args.nz or max(4, round(n * 22 / 50))

# ---- geometry (mm) and parameters (defaults of models/nutrient/dsnutrient.c) ----------------------
A, B, H, T = 16.5, 25.0, 11.0, 0.6
S_NP, S_CEP = 0.64, 0.8
m2s = 3.6e9  # m^2/s -> mm^2/h
D = {"NP": (1.5e-9, 5e-10, 6e-10), "AF": (1.2e-9, 4e-10, 5e-10), "CEP": (1.0e-9, 3e-10, 4e-10)}  # O2, glucose, lactate
RHO = {"NP": 4000e-6, "AF": 9000e-6, "CEP": 15000e-6}  # 10^6 cells/mm^3
alpha, K = 0.010268, 0.05
cB, GB, LB = 5.8 * alpha, 4.0, 0.8

# ---- mesh -----------------------------------------------------------------------------------------
t0 = time.perf_counter()
msh = dmesh.create_box(MPI.COMM_WORLD, [np.array([-1.0, -1.0, 0.0]), np.array([1.0, 1.0, 1.0])], [n, n, nz], dmesh.CellType.tetrahedron)
tdim = msh.topology.dim
ncells = msh.topology.index_map(tdim).size_local
mid = dolfinx.mesh.compute_midpoints(msh, tdim, np.arange(ncells, dtype=np.int32))
# layers: nzc cells in each endplate (as discsim's piecewise-uniform z faces)
nzc = max(1, round(nz * T / H))
zb = np.array([0.0, nzc / nz, 1 - nzc / nz, 1.0])
zp = np.array([0.0, T, H - T, H])
s_mid = np.maximum(np.abs(mid[:, 0]), np.abs(mid[:, 1]))
z_mid = np.interp(mid[:, 2], zb, zp)
layer = (z_mid < T) | (z_mid > H - T)
region = np.where(layer, np.where(s_mid < S_CEP, 2, 1), np.where(s_mid < S_NP, 0, 1))  # 0 NP, 1 AF, 2 CEP
x = msh.geometry.x
u, v = x[:, 0].copy(), x[:, 1].copy()
s = np.maximum(np.abs(u), np.abs(v))
r = np.hypot(u, v)
scale = np.divide(s, r, out=np.zeros_like(s), where=r > 0)
x[:, 0] = A * u * scale
x[:, 1] = B * v * scale
x[:, 2] = np.interp(x[:, 2], zb, zp)
t_mesh = time.perf_counter() - t0

# ---- coefficients per cell ------------------------------------------------------------------------
Q = fem.FunctionSpace(msh, ("DG", 0))
def cellwise(values):
    f = fem.Function(Q)
    f.x.array[:ncells] = np.asarray(values)[region]
    f.x.scatter_forward()
    return f
names = ("NP", "AF", "CEP")
Dc, Dg, Dl = (cellwise([D[k][i] * m2s for k in names]) for i in range(3))
rho = cellwise([RHO[k] for k in names])

# ---- kinetics exactly as NutrientReaction (models/nutrient/dsnutrient.c) -----------------------------
P1 = ufl.FiniteElement("Lagrange", msh.ufl_cell(), 1)
W = fem.FunctionSpace(msh, ufl.MixedElement([P1, P1, P1]))
w = fem.Function(W)
c, G, L = ufl.split(w)
vc, vG, vL = ufl.TestFunctions(W)
pp = ufl.max_value(c, 0.0) / alpha
pH = 7.4 - L / 11.11
acid = ufl.max_value(pH - 4.95, 0.0)
QO2 = 7.28 * acid * pp / (1.46 + 4.03 * acid + pp)
E = ufl.exp(-2.47 + 0.93 * pH + 0.16 * pp - 0.0058 * pp * pp)
Gp = ufl.max_value(G, 0.0)
Sw = Gp * Gp / (Gp * Gp + K * K)
Rc = -rho * QO2
RL = rho * E * Sw
dxD = ufl.dx(metadata={"quadrature_degree": 0})  # P1 gradients and cellwise D: exact
dxR = ufl.dx(metadata={"quadrature_degree": 2})  # reaction: a rule exact for degree 2 (as the FreeFem++ peer)
F = (Dc * ufl.inner(ufl.grad(c), ufl.grad(vc)) + Dg * ufl.inner(ufl.grad(G), ufl.grad(vG)) + Dl * ufl.inner(ufl.grad(L), ufl.grad(vL))) * dxD \
    - (Rc * vc + RL * (vL - 0.5 * vG)) * dxR

# ---- boundary conditions --------------------------------------------------------------------------
def ell2(p):
    return (p[0] / A) ** 2 + (p[1] / B) ** 2
def dirichlet(p):
    return np.isclose(ell2(p), 1.0, atol=1e-8) | ((np.isclose(p[2], 0.0) | np.isclose(p[2], H)) & (ell2(p) <= S_CEP ** 2 + 1e-8))
bcs = []
for i, val in enumerate((cB, GB, LB)):
    Wi, _ = W.sub(i).collapse()
    dofs = fem.locate_dofs_geometrical((W.sub(i), Wi), dirichlet)
    g = fem.Function(Wi)
    g.x.array[:] = val
    bcs.append(fem.dirichletbc(g, dofs, W.sub(i)))
for i, val in enumerate((cB, GB, LB)):  # initial state: the boundary values everywhere (as discsim)
    w.sub(i).interpolate(lambda p, val=val: np.full(p.shape[1], val))
w.x.scatter_forward()

# ---- Newton ---------------------------------------------------------------------------------------
t0 = time.perf_counter()
problem = NonlinearProblem(F, w, bcs=bcs)
solver = NewtonSolver(msh.comm, problem)
solver.convergence_criterion = "incremental"
solver.rtol = 1e-10
solver.atol = 1e-14
solver.max_it = 50
ksp = solver.krylov_solver
opts = PETSc.Options()
pre = ksp.getOptionsPrefix() or ""
opts[pre + "ksp_type"] = "gmres"
opts[pre + "ksp_rtol"] = args.ksp_rtol
if args.pc == "hypre":
    opts[pre + "pc_type"] = "hypre"
    opts[pre + "pc_hypre_type"] = "boomeramg"
else:  # BoomerAMG on the interleaved 3-species system needed ~50 GMRES iterations per Newton step
    pc = ksp.getPC()
    opts[pre + "pc_type"] = "fieldsplit"  # (dolfinx's NewtonSolver defaults to LU)
    opts[pre + "pc_fieldsplit_type"] = "additive"
    pc.setType("fieldsplit")
    start = W.dofmap.index_map.local_range[0] * W.dofmap.index_map_bs
    for i in range(3):
        _, parent = W.sub(i).collapse()
        own = np.asarray(parent, dtype=np.int32)
        own = own[own < W.dofmap.index_map.size_local * W.dofmap.index_map_bs] + start
        pc.setFieldSplitIS((str(i), PETSc.IS().createGeneral(np.sort(own).astype(PETSc.IntType), comm=msh.comm)))
        opts[pre + "fieldsplit_%d_ksp_type" % i] = "preonly"
        opts[pre + "fieldsplit_%d_pc_type" % i] = "hypre"
extra = args.petsc.split()
for i, key in enumerate(extra):
    if key.startswith("-") and not key[1:2].isdigit():
        val = extra[i + 1] if i + 1 < len(extra) and not (extra[i + 1].startswith("-") and not extra[i + 1][1:2].isdigit()) else ""
        opts[pre + key[1:]] = val
ksp.setFromOptions()
t_setup = time.perf_counter() - t0
lin = [0]
ksp.setMonitor(lambda k, it, rnorm: lin.__setitem__(0, lin[0] + (it > 0)))
t0 = time.perf_counter()
its, converged = solver.solve(w)
t_solve = time.perf_counter() - t0
if not converged:
    sys.exit("disc3d.py: Newton did not converge")

# ---- NP centre (0, 0, H/2) ------------------------------------------------------------------------
point = np.array([[0.0, 0.0, H / 2]])
tree = geometry.BoundingBoxTree(msh, tdim)
cand = geometry.compute_collisions(tree, point)
cells = geometry.compute_colliding_cells(msh, cand, point)
cell = cells.links(0)[:1]
pO2c, Gc, Lc = (w.sub(i).collapse().eval(point, cell)[0] for i in range(3))
pO2c /= alpha
ndof = W.dofmap.index_map.size_global * W.dofmap.index_map_bs
nverts = msh.topology.index_map(0).size_global
print(f"FEniCSx (dolfinx {dolfinx.__version__}) P1, n = {n}, nz = {nz} ({nzc} per endplate): {nverts} vertices, "
      f"{msh.topology.index_map(tdim).size_global} tetrahedra, {ndof} unknowns")
print(f"Newton: {its} iterations, {lin[0]} linear iterations; time: mesh {t_mesh:.2f} s, set-up {t_setup:.2f} s, solve {t_solve:.2f} s (incl. form compilation on first use)")
print(f"NP centre (0, 0, {H / 2}): pO2 {pO2c:.6f} kPa, glucose {Gc:.6f} mM, lactate {Lc:.6f} mM, pH {7.4 - Lc / 11.11:.6f}")
print(f"RESULT n={n} nz={nz} mesh={n}x{n}x{nz} ndof={ndof} newton={its} linear={lin[0]} solve_s={t_solve:.3f} pO2={pO2c:.7f} "
      f"glucose={Gc:.7f} lactate={Lc:.7f} pH={7.4 - Lc / 11.11:.7f} elapsed_s={time.perf_counter() - t_start:.3f}")
