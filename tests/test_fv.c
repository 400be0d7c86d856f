/* Finite-volume discretisation: analytic solutions, manufactured solutions (observed order of
 * convergence, with discontinuous diffusivity across region interfaces) and conservation. */
#include "dstest.h"
#include "dsintegrator.h"

static PetscReal L_half, H, tcep, Rdisc, lambda, C0, Dcep, Dnp, A_amp = 1.0;

static void SetUniformD(PetscReal D)
{
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) ds_test.D[r] = D;
}

/* Solve the steady linear problem on the given mesh options, Newton started from 'coarse'
 * coarser grids (grid sequencing; 0: none), and return the errors. */
static void SolveFromCoarseAndMeasure(const char *opts, PetscInt coarse, PetscReal (*exact)(const PetscReal[3]), PetscReal *l2, PetscReal *linf, PetscReal *h)
{
  DSMesh        mesh;
  DSModel       model;
  DSProblem     prob;
  DSSteady      steady;
  DM            dm;
  Vec           U;
  DSSteadyStats st;

  TestCall(DSTestCreate(opts, &mesh, &model, &prob));
  TestCall(DSProblemGetDM(prob, &dm));
  TestCall(DMCreateGlobalVector(dm, &U));
  TestCall(VecSet(U, ds_test.C0));
  TestCall(DSSteadyCreate(prob, U, &steady));
  TestCall(DSSteadySetCoarseGrids(steady, coarse));
  TestCall(DSSteadySolve(steady, U, &st));
  ck_assert_msg(st.reason > 0 && st.coarse_grids == coarse, "%s: Newton reason %d after %" PetscInt_FMT " coarse grids (asked %" PetscInt_FMT ")", opts, (int)st.reason, st.coarse_grids, coarse);
  TestCall(DSTestError(prob, U, exact, l2, linf, h));
  TestCall(DSSteadyDestroy(&steady));
  TestCall(VecDestroy(&U));
  TestCall(DSTestDestroy(&mesh, &model, &prob));
}

static void SolveAndMeasure(const char *opts, PetscReal (*exact)(const PetscReal[3]), PetscReal *l2, PetscReal *linf, PetscReal *h) { SolveFromCoarseAndMeasure(opts, 0, exact, l2, linf, h); }

/* ---- 1D slab, uniform D: zero-order uptake C0 - Q (L^2 - x^2) / (2 D) ---- */
static PetscReal SlabZeroOrder(const PetscReal x[3])
{
  PetscReal s = x[2] - L_half;
  return C0 - ds_test.Q * (L_half * L_half - s * s) / (2 * ds_test.D[DS_REGION_NP]);
}

START_TEST(slab_zero_order)
{
  PetscReal e[3], einf[3], h[3];
  const int n[3] = {50, 100, 200};
  memset(&ds_test, 0, sizeof ds_test);
  L_half = 5, C0 = ds_test.C0 = 4, ds_test.Q = 0.1;
  SetUniformD(1.8); /* 5e-10 m^2/s in mm^2/h */
  for (int i = 0; i < 3; i++) {
    char opts[256];
    snprintf(opts, sizeof opts, "-model test_linear -mesh_type slab -mesh_height 10 -mesh_cep_thickness 0 -mesh_nz %d", n[i]);
    SolveAndMeasure(opts, SlabZeroOrder, &e[i], &einf[i], &h[i]);
  }
  PetscReal drop = ds_test.Q * L_half * L_half / (2 * 1.8);
  printf("slab zero-order: centre drop %.4f mM; max error %.3e %.3e %.3e mM; order %.3f %.3f\n", (double)drop, (double)einf[0], (double)einf[1], (double)einf[2],
         (double)DSTestOrder(e[0], e[1], h[0], h[1]), (double)DSTestOrder(e[1], e[2], h[1], h[2]));
  ck_assert_double_lt(einf[2], 1e-4 * drop);
  ck_assert_double_ge(DSTestOrder(e[1], e[2], h[1], h[2]), 1.9);
  ck_assert_double_le(DSTestOrder(e[1], e[2], h[1], h[2]), 2.1);
}
END_TEST

/* ---- Local sensitivities (-steady_sensitivity) against the closed form of the slab with
 * zero-order uptake: u(centre) = C0 - Q L^2 / (2 D), so du/dQ = -L^2 / (2 D) and
 * du/dD = Q L^2 / (2 D^2). The program's tangent solves differentiate the discrete steady state,
 * whose error is O(h^2): the sensitivities' errors must fall at order 2, to 1e-4 relative. ---- */
static PetscErrorCode ReadSensitivity(const char path[], const char param[], PetscReal *dQdp)
{
  char  line[1024];
  FILE *f = fopen(path, "r");
  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "no sensitivity table %s", path);
  *dQdp = NAN;
  while (fgets(line, sizeof line, f)) {
    char *save, *cell[8];
    int   n = 0;
    for (char *c = strtok_r(line, ",\n", &save); c && n < 8; c = strtok_r(NULL, ",\n", &save)) cell[n++] = c;
    if (n == 8 && !strcmp(cell[0], "u_centre") && !strcmp(cell[3], param)) *dQdp = atof(cell[6]);
  }
  fclose(f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

START_TEST(sensitivity_slab_zero_order)
{
  const int       n[3] = {25, 75, 225}; /* odd: a cell centre at the slab's centre */
  const PetscReal Q = 0.1, D = 1.8, L = 5, exact[2] = {-L * L / (2 * D), Q * L * L / (2 * D * D)};
  const char     *param[2] = {"test_uptake", "test_D"};
  PetscReal       e[2][3], h[3];
  char            header[4096], last[4096], dir[] = "/tmp/ds_sens_XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  for (int i = 0; i < 3; i++) {
    char opts[512], exo[256], table[256];
    snprintf(exo, sizeof exo, "%s/s%d.exo", dir, n[i]);
    snprintf(table, sizeof table, "%s/s%d.sensitivity.csv", dir, n[i]);
    snprintf(opts, sizeof opts, "-model test_zero_order -test_uptake %g -test_D %g -test_C0 4 -mesh_type slab -mesh_height %g -mesh_cep_thickness 0 -mesh_nz %d -time_steady_method newton -steady_sensitivity -quiet -output_file %s",
             (double)Q, (double)D, (double)(2 * L), n[i], exo);
    snprintf(exo + strlen(exo) - 4, 8, ".csv");
    TestCall(DSTestRunProgram(opts, exo, header, sizeof header, last, sizeof last));
    h[i] = 2 * L / n[i];
    for (int k = 0; k < 2; k++) {
      PetscReal got;
      TestCall(ReadSensitivity(table, param[k], &got));
      e[k][i] = PetscAbsReal(got - exact[k]) / PetscAbsReal(exact[k]);
      printf("d u_centre / d %s on %d cells: %.10g (closed form %.10g), relative error %.2e\n", param[k], n[i], (double)got, (double)exact[k], (double)e[k][i]);
    }
  }
  for (int k = 0; k < 2; k++) {
    ck_assert_double_lt(e[k][2], 1e-4);
    ck_assert_double_ge(DSTestOrder(e[k][1], e[k][2], h[1], h[2]), 1.9);
    ck_assert_double_le(DSTestOrder(e[k][1], e[k][2], h[1], h[2]), 2.1);
  }
  {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
  }
}
END_TEST

/* ---- 1D slab, first-order uptake k: C0 cosh(x / lambda) / cosh(L / lambda), lambda = sqrt(D/k) ---- */
static PetscReal SlabFirstOrder(const PetscReal x[3])
{
  PetscReal s = x[2] - L_half;
  return C0 * PetscCoshReal(s / lambda) / PetscCoshReal(L_half / lambda);
}

START_TEST(slab_first_order)
{
  PetscReal e[3], einf[3], h[3];
  const int n[3] = {50, 100, 200};
  memset(&ds_test, 0, sizeof ds_test);
  L_half = 5, C0 = ds_test.C0 = 4, ds_test.k = 0.288;
  SetUniformD(1.8);
  lambda = PetscSqrtReal(1.8 / ds_test.k); /* 2.5 mm: the centre falls to 1/cosh(2) of the boundary */
  for (int i = 0; i < 3; i++) {
    char opts[256];
    snprintf(opts, sizeof opts, "-model test_linear -mesh_type slab -mesh_height 10 -mesh_cep_thickness 0 -mesh_nz %d", n[i]);
    SolveAndMeasure(opts, SlabFirstOrder, &e[i], &einf[i], &h[i]);
  }
  printf("slab first-order: max error %.3e %.3e %.3e mM; order %.3f %.3f\n", (double)einf[0], (double)einf[1], (double)einf[2], (double)DSTestOrder(e[0], e[1], h[0], h[1]),
         (double)DSTestOrder(e[1], e[2], h[1], h[2]));
  ck_assert_double_lt(einf[2], 1e-4 * C0);
  ck_assert_double_ge(DSTestOrder(e[1], e[2], h[1], h[2]), 1.9);
  ck_assert_double_le(DSTestOrder(e[1], e[2], h[1], h[2]), 2.1);
}
END_TEST

/* ---- Manufactured solution across CEP | NP | CEP with discontinuous D.
 * With flux g(z) = A cos(pi z / H) continuous, u' = g / D(z), so u is continuous with a kink at
 * each interface and -(D u')' = A (pi/H) sin(pi z/H) is smooth. ---- */
static PetscReal DAt(PetscReal z) { return (z < tcep || z > H - tcep) ? Dcep : Dnp; }

static PetscReal Interface1D(PetscReal z)
{
  /* u(z) = integral_0^z g/D, piecewise: G(z) = A H/pi sin(pi z/H) */
  PetscReal G = A_amp * H / PETSC_PI;
  PetscReal z1 = PetscMin(z, tcep), z2 = PetscMin(PetscMax(z, tcep), H - tcep), z3 = PetscMax(z, H - tcep);
  PetscReal u = 1.0 + G * PetscSinReal(PETSC_PI * z1 / H) / Dcep;
  u += G * (PetscSinReal(PETSC_PI * z2 / H) - PetscSinReal(PETSC_PI * tcep / H)) / Dnp;
  u += G * (PetscSinReal(PETSC_PI * z3 / H) - PetscSinReal(PETSC_PI * (H - tcep) / H)) / Dcep;
  return u;
}

static PetscReal Interface1DExact(const PetscReal x[3]) { return Interface1D(x[2]); }

static PetscReal Interface1DSource(const PetscReal x[3], DSRegion region) { return A_amp * PETSC_PI / H * PetscSinReal(PETSC_PI * x[2] / H); }

/* The observed orders between successive grids from grid 'first' on, each in [min_order, max_order]
 * (uniform grids: [1.9, 2.1] from the third grid on; graded grids: the stretching is a fixed smooth
 * mapping, so the scheme must keep its second order once the grid resolves the mapping). */
static void CheckOrderRange(const char *name, int n, const PetscReal e[], const PetscReal h[], PetscReal min_order, PetscReal max_order, int first)
{
  printf("%s: L2 errors", name);
  for (int i = 0; i < n; i++) printf(" %.3e", (double)e[i]);
  printf("; observed orders");
  for (int i = 1; i < n; i++) printf(" %.3f", (double)DSTestOrder(e[i - 1], e[i], h[i - 1], h[i]));
  printf("\n");
  for (int i = first; i < n; i++) {
    ck_assert_double_ge(DSTestOrder(e[i - 1], e[i], h[i - 1], h[i]), min_order);
    ck_assert_double_le(DSTestOrder(e[i - 1], e[i], h[i - 1], h[i]), max_order);
  }
}

static void CheckOrders(const char *name, int n, const PetscReal e[], const PetscReal h[]) { CheckOrderRange(name, n, e, h, 1.9, 2.1, 2); }

static void CheckMinOrders(const char *name, int n, const PetscReal e[], const PetscReal h[], PetscReal min_order, int first) { CheckOrderRange(name, n, e, h, min_order, 2.3, first); }

/* The slab interface solution on 40, 80, 160 and 320 cells; 'grading' adds mesh keys. */
static void SlabInterfaceErrors(const char *grading, PetscReal e[4], PetscReal h[4])
{
  PetscReal einf[4];
  const int n[4] = {40, 80, 160, 320};
  memset(&ds_test, 0, sizeof ds_test);
  H = 10, tcep = 1, Dcep = 0.36, Dnp = 1.8;
  ds_test.D[DS_REGION_CEP] = Dcep, ds_test.D[DS_REGION_NP] = Dnp;
  ds_test.exact = Interface1DExact, ds_test.source = Interface1DSource, ds_test.C0 = 1;
  for (int i = 0; i < 4; i++) {
    char opts[256];
    snprintf(opts, sizeof opts, "-model test_linear -mesh_type slab -mesh_height 10 -mesh_cep_thickness 1 -mesh_nz %d %s", n[i], grading);
    SolveAndMeasure(opts, Interface1DExact, &e[i], &einf[i], &h[i]);
  }
}

START_TEST(mms_slab_interface)
{
  PetscReal e[4], h[4];
  SlabInterfaceErrors("", e, h);
  CheckOrders("MMS slab, D jumps 5x at the CEP/NP interfaces", 4, e, h);
}
END_TEST

/* The same interface solution on grids graded 8x toward both vertebrae and both CEP interfaces:
 * cells of different widths meet at every interface and the two-point flux must use the true
 * centre-to-face distances. */
START_TEST(mms_slab_graded)
{
  PetscReal e[4], h[4];
  SlabInterfaceErrors("-mesh_grade_z 8 -mesh_grade_z_toward vertebra,cep", e, h);
  CheckMinOrders("MMS slab graded 8x toward vertebrae and CEP interfaces", 4, e, h, 1.8, 1);
}
END_TEST

/* ---- Axisymmetric: u = Z(z) (2 + cos(pi r / R)) with Z the 1D interface profile; the CEP spans
 * the full radius (cep_fraction 1) and D_NP = D_AF, so D jumps only across z = t and H - t. ---- */
static PetscReal RadialPart(PetscReal r) { return 2 + PetscCosReal(PETSC_PI * r / Rdisc); }

static PetscReal AxiExact(const PetscReal x[3])
{
  PetscReal r = PetscSqrtReal(x[0] * x[0] + x[1] * x[1]);
  return Interface1D(x[2]) * RadialPart(r);
}

static PetscReal AxiSource(const PetscReal x[3], DSRegion region)
{
  PetscReal r = PetscSqrtReal(x[0] * x[0] + x[1] * x[1]), k = PETSC_PI / Rdisc;
  /* Laplacian in r of 2 + cos(k r): -k^2 cos(k r) - k sin(k r) / r */
  PetscReal lap_r = -k * k * PetscCosReal(k * r) - (r > 0 ? k * PetscSinReal(k * r) / r : k * k);
  return -DAt(x[2]) * Interface1D(x[2]) * lap_r + RadialPart(r) * Interface1DSource(x, region);
}

START_TEST(mms_axisymmetric_interface)
{
  PetscReal e[4], einf[4], h[4];
  const int n[4] = {16, 32, 64, 128};
  memset(&ds_test, 0, sizeof ds_test);
  H = 10, tcep = 1, Dcep = 0.36, Dnp = 1.8, Rdisc = 10;
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) ds_test.D[r] = Dnp;
  ds_test.D[DS_REGION_CEP] = Dcep;
  ds_test.exact = AxiExact, ds_test.source = AxiSource, ds_test.C0 = 1;
  for (int i = 0; i < 4; i++) {
    char opts[256];
    snprintf(opts, sizeof opts, "-model test_linear -mesh_type axisymmetric -mesh_height 10 -mesh_radius 10 -mesh_cep_thickness 1 -mesh_np_fraction 0.6 -mesh_cep_fraction 1 -mesh_nr %d -mesh_nz %d", n[i], n[i]);
    SolveAndMeasure(opts, AxiExact, &e[i], &einf[i], &h[i]);
  }
  CheckOrders("MMS axisymmetric, D jumps 5x at the CEP/disc interfaces", 4, e, h);
}
END_TEST

/* The axisymmetric solution on a grid graded in r (6x toward the NP/AF and rim points: with
 * -mesh_cep_fraction 1 the rim is the outer surface) and in z (6x toward the vertebrae and the
 * CEP interfaces). */
START_TEST(mms_axisymmetric_graded)
{
  PetscReal e[3], einf[3], h[3];
  const int n[3] = {24, 48, 96};
  memset(&ds_test, 0, sizeof ds_test);
  H = 10, tcep = 1, Dcep = 0.36, Dnp = 1.8, Rdisc = 10;
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) ds_test.D[r] = Dnp;
  ds_test.D[DS_REGION_CEP] = Dcep;
  ds_test.exact = AxiExact, ds_test.source = AxiSource, ds_test.C0 = 1;
  for (int i = 0; i < 3; i++) {
    char opts[320];
    snprintf(opts, sizeof opts,
             "-model test_linear -mesh_type axisymmetric -mesh_height 10 -mesh_radius 10 -mesh_cep_thickness 1 -mesh_np_fraction 0.6 -mesh_cep_fraction 1 -mesh_nr %d -mesh_nz %d "
             "-mesh_grade_r 6 -mesh_grade_r_toward np,rim -mesh_grade_z 6 -mesh_grade_z_toward vertebra,cep",
             n[i], n[i]);
    SolveAndMeasure(opts, AxiExact, &e[i], &einf[i], &h[i]);
  }
  CheckMinOrders("MMS axisymmetric graded 6x in r and z", 3, e, h, 1.8, 1);
}
END_TEST

/* ---- 3D elliptical disc, uniform D, stair-step Dirichlet boundary at the face centres. ---- */
static PetscReal Exact3D(const PetscReal x[3]) { return 2 + PetscSinReal(0.2 * x[0] + 0.1) * PetscCosReal(0.15 * x[1]) * PetscSinReal(PETSC_PI * x[2] / H + 0.3); }

static PetscReal Source3D(const PetscReal x[3], DSRegion region)
{
  PetscReal lap = -(0.2 * 0.2 + 0.15 * 0.15 + PETSC_PI * PETSC_PI / (H * H)) * (Exact3D(x) - 2);
  return -Dnp * lap;
}

START_TEST(mms_3d)
{
  PetscReal e[4], einf[4], h[4];
  const int n[4][3] = {
    {10, 14, 8 },
    {20, 28, 16},
    {40, 56, 32},
    {80, 112, 64}
  };
  memset(&ds_test, 0, sizeof ds_test);
  H = 8, Dnp = 1.8;
  SetUniformD(Dnp);
  ds_test.exact = Exact3D, ds_test.source = Source3D, ds_test.C0 = 2;
  for (int i = 0; i < 4; i++) {
    char opts[256];
    snprintf(opts, sizeof opts, "-model test_linear -mesh_type 3d -mesh_height 8 -mesh_semi_axis_ap 10 -mesh_semi_axis_lateral 14 -mesh_cep_thickness 1 -mesh_nx %d -mesh_ny %d -mesh_nz %d -steady_pc_type hypre", n[i][0], n[i][1], n[i][2]);
    SolveAndMeasure(opts, Exact3D, &e[i], &einf[i], &h[i]);
  }
  CheckOrders("MMS 3D elliptical disc, stair-step Dirichlet outline", 4, e, h);
}
END_TEST

/* The 3D solution with the height graded 4x toward the vertebrae. */
START_TEST(mms_3d_graded)
{
  PetscReal e[3], einf[3], h[3];
  const int n[3][3] = {
    {10, 14, 8 },
    {20, 28, 16},
    {40, 56, 32}
  };
  memset(&ds_test, 0, sizeof ds_test);
  H = 8, Dnp = 1.8;
  SetUniformD(Dnp);
  ds_test.exact = Exact3D, ds_test.source = Source3D, ds_test.C0 = 2;
  for (int i = 0; i < 3; i++) {
    char opts[320];
    snprintf(opts, sizeof opts,
             "-model test_linear -mesh_type 3d -mesh_height 8 -mesh_semi_axis_ap 10 -mesh_semi_axis_lateral 14 -mesh_cep_thickness 1 -mesh_nx %d -mesh_ny %d -mesh_nz %d "
             "-mesh_grade_z 4 -mesh_grade_z_toward vertebra -steady_pc_type hypre",
             n[i][0], n[i][1], n[i][2]);
    SolveAndMeasure(opts, Exact3D, &e[i], &einf[i], &h[i]);
  }
  CheckMinOrders("MMS 3D graded 4x in z toward the vertebrae", 3, e, h, 1.8, 2); /* 8 cells in z do not resolve the mapping */
}
END_TEST

/* ---- Grid sequencing's start (DSMeshCreateCoarse, DSProblemInterpolate): a field linear in the
 * index-space coordinates is reproduced exactly wherever a fine cell's centre lies between the
 * centres of 2^dim coarse cells inside the disc; cells outside the disc are left alone. ---- */
static PetscReal Linear3D(const PetscReal x[3]) { return 1 + 0.3 * x[0] - 0.2 * x[1] + 0.1 * x[2]; }
static PetscReal LinearRZ(const PetscReal x[3]) { return 1 + 0.3 * PetscSqrtReal(x[0] * x[0] + x[1] * x[1]) + 0.1 * x[2]; }

static void FillLinear(DSMesh mesh, DM dm, PetscInt nsp, PetscReal (*f)(const PetscReal[3]), Vec U)
{
  PetscInt     xs[3], xm[3], c = 0;
  PetscScalar *u;
  TestCall(DMDAGetCorners(dm, &xs[0], &xs[1], &xs[2], &xm[0], &xm[1], &xm[2]));
  TestCall(VecGetArray(U, &u));
  for (PetscInt k = xs[2]; k < xs[2] + xm[2]; k++)
    for (PetscInt j = xs[1]; j < xs[1] + xm[1]; j++)
      for (PetscInt i = xs[0]; i < xs[0] + xm[0]; i++, c++) {
        DSCell cell;
        TestCall(DSMeshGetCell(mesh, i, j, k, &cell));
        for (PetscInt s = 0; s < nsp; s++) u[c * nsp + s] = (s + 1) * f(cell.x);
      }
  TestCall(VecRestoreArray(U, &u));
}

static void CheckInterpolatesLinear(const char *opts, PetscReal (*f)(const PetscReal[3]), PetscInt corners)
{
  DSMesh             mesh, cmesh;
  DSModel            model;
  DSProblem          prob, cprob;
  DM                 dm, cdm;
  Vec                U, Uc;
  PetscInt           nsp, xs[3], xm[3], c = 0, nexact = 0, nactive = 0, untouched = 1;
  PetscReal          err = 0;
  const PetscScalar *u;

  TestCall(DSTestCreate(opts, &mesh, &model, &prob));
  TestCall(DSMeshCreateCoarse(mesh, 4, &cmesh));
  ck_assert_msg(cmesh != NULL, "the mesh %s was not coarsened", opts);
  TestCall(DSModelGetNumSpecies(model, &nsp));
  TestCall(DSMeshSetUp(cmesh, nsp));
  TestCall(DSProblemCreate(cmesh, model, &cprob));
  TestCall(DSProblemGetDM(prob, &dm));
  TestCall(DSProblemGetDM(cprob, &cdm));
  TestCall(DMCreateGlobalVector(dm, &U));
  TestCall(DMCreateGlobalVector(cdm, &Uc));
  FillLinear(cmesh, cdm, nsp, f, Uc);
  TestCall(VecSet(U, -7));
  TestCall(DSProblemInterpolate(cprob, Uc, prob, U));
  TestCall(DMDAGetCorners(dm, &xs[0], &xs[1], &xs[2], &xm[0], &xm[1], &xm[2]));
  TestCall(VecGetArrayRead(U, &u));
  for (PetscInt k = xs[2]; k < xs[2] + xm[2]; k++)
    for (PetscInt j = xs[1]; j < xs[1] + xm[1]; j++)
      for (PetscInt i = xs[0]; i < xs[0] + xm[0]; i++, c++) {
        DSCell    cell;
        PetscInt  m, idx[8][3];
        PetscReal w[8];
        TestCall(DSMeshGetCell(mesh, i, j, k, &cell));
        if (cell.region == DS_REGION_OUTSIDE) {
          untouched = untouched && u[c * nsp] == -7;
          continue;
        }
        nactive++;
        TestCall(DSMeshInterpolationWeights(cmesh, cell.x, &m, idx, w));
        if (m < corners) continue;
        for (PetscInt s = 0; s < nsp; s++) err = PetscMax(err, PetscAbsScalar(u[c * nsp + s] - (s + 1) * f(cell.x)));
        nexact++;
      }
  TestCall(VecRestoreArrayRead(U, &u));
  printf("%s: %" PetscInt_FMT " of %" PetscInt_FMT " cells between 2^dim coarse centres, worst error %.2e\n", opts, nexact, nactive, (double)err);
  ck_assert_msg(untouched, "a cell outside the disc was written");
  ck_assert_msg(nexact > nactive / 2, "only %" PetscInt_FMT " of %" PetscInt_FMT " cells were interior", nexact, nactive);
  ck_assert_msg(err < 1e-12, "a linear field was not reproduced: error %g", (double)err);
  TestCall(VecDestroy(&U));
  TestCall(VecDestroy(&Uc));
  TestCall(DSProblemDestroy(&cprob));
  TestCall(DSMeshDestroy(&cmesh));
  TestCall(DSTestDestroy(&mesh, &model, &prob));
}

START_TEST(coarse_grid_interpolation)
{
  memset(&ds_test, 0, sizeof ds_test);
  SetUniformD(1);
  CheckInterpolatesLinear("-model test_linear -mesh_type 3d -mesh_nx 21 -mesh_ny 30 -mesh_nz 16 -mesh_grade_z 4 -mesh_grade_z_toward vertebra", Linear3D, 8);
  CheckInterpolatesLinear("-model test_linear -mesh_type axisymmetric -mesh_nr 40 -mesh_nz 25 -mesh_grade_r 6 -mesh_grade_z 6", LinearRZ, 4);
}
END_TEST

/* The sequence as the steady solver runs it (linear model, so Newton's own count is not the
 * point): started from two coarser grids it ends at the same discrete solution, with the same
 * MMS error as without them. */
START_TEST(grid_sequencing_mms)
{
  PetscReal e[2], einf[2], h[2];
  const char *opts = "-model test_linear -mesh_type axisymmetric -mesh_height 10 -mesh_radius 10 -mesh_cep_thickness 1 -mesh_np_fraction 0.6 -mesh_cep_fraction 1 -mesh_nr 64 -mesh_nz 64";
  memset(&ds_test, 0, sizeof ds_test);
  H = 10, tcep = 1, Dcep = 0.36, Dnp = 1.8, Rdisc = 10;
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) ds_test.D[r] = Dnp;
  ds_test.D[DS_REGION_CEP] = Dcep;
  ds_test.exact = AxiExact, ds_test.source = AxiSource, ds_test.C0 = 1;
  for (int q = 0; q < 2; q++) SolveFromCoarseAndMeasure(opts, 2 * q, AxiExact, &e[q], &einf[q], &h[q]);
  printf("MMS error without and with two coarse grids: %.10e %.10e\n", (double)e[0], (double)e[1]);
  ck_assert_msg(PetscAbsReal(e[1] - e[0]) <= 1e-6 * e[0], "errors %g and %g differ", (double)e[0], (double)e[1]);
}
END_TEST

Suite *FVSuite(void)
{
  Suite *s  = suite_create("finite volumes");
  TCase *tc = tcase_create("analytic and manufactured");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, slab_zero_order);
  tcase_add_test(tc, slab_first_order);
  tcase_add_test(tc, sensitivity_slab_zero_order);
  tcase_add_test(tc, mms_slab_interface);
  tcase_add_test(tc, mms_axisymmetric_interface);
  tcase_add_test(tc, mms_3d);
  tcase_add_test(tc, mms_slab_graded);
  tcase_add_test(tc, mms_axisymmetric_graded);
  tcase_add_test(tc, mms_3d_graded);
  tcase_add_test(tc, coarse_grid_interpolation);
  tcase_add_test(tc, grid_sequencing_mms);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) { return DSTestRun(argc, argv, FVSuite()); }
