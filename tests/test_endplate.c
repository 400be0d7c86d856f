/* Endplate maps (mesh/dsmeshendplate.c): the open exchange area summed over the boundary faces
 * against the area formulas (exact on the axisymmetric grid, converging on the 3D voxels), the
 * series length of a partial factor against the closed form of a slab, influx = consumption at
 * steady state with patches, and bad input refused with the key named. */
#include "dstest.h"
#include "dsmodelimpl.h"

/* A uniform uptake Q with Dirichlet C0 on the supplied kinds only (test_linear supplies bone
 * faces too): the bone stays closed, as in the nutrient model. */
static const DSFieldInfo uptake_fields[] = {{"u", "mM", "test species", 1.0, PETSC_TRUE}};

static PetscErrorCode UptakeSetUp(DSModel m)
{
  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) m->D[r] = ds_test.D[r];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode UptakeReaction(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[])
{
  PetscFunctionBeginUser;
  r[0] = -ds_test.Q;
  if (J) J[0] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode UptakeBoundary(DSModel m, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[])
{
  PetscFunctionBeginUser;
  if (kind == DS_BOUNDARY_VERTEBRA || kind == DS_BOUNDARY_AF_OUTER) bc[0] = DS_BC_DIRICHLET, value[0] = ds_test.C0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode UptakeInitial(DSModel m, const DSPoint *pt, PetscScalar u[])
{
  PetscFunctionBeginUser;
  u[0] = ds_test.C0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSModelCreate_TestUptake(DSModel m)
{
  PetscFunctionBeginUser;
  m->nspecies     = 1;
  m->fields       = uptake_fields;
  m->ops.setup    = UptakeSetUp;
  m->ops.reaction = UptakeReaction;
  m->ops.boundary = UptakeBoundary;
  m->ops.initial  = UptakeInitial;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Areas (mm^2) of the vertebral faces on side 0 (z = 0) and 1 (z = H): all supplied ones, and
 * those with extra series length h_extra = (1/f - 1) t for a given factor f. */
typedef struct {
  PetscReal open[2], with_factor[2], bone[2], af_outer;
} Areas;

static Areas MeasureAreas(DSMesh mesh, PetscReal h_extra)
{
  Areas    A;
  PetscInt n[3], dim;
  memset(&A, 0, sizeof A);
  TestCall(DSMeshGetSizes(mesh, n));
  TestCall(DSMeshGetDimension(mesh, &dim));
  for (PetscInt k = 0; k < n[2]; k++)
    for (PetscInt j = 0; j < n[1]; j++)
      for (PetscInt i = 0; i < n[0]; i++) {
        DSCell c;
        TestCall(DSMeshGetCell(mesh, i, j, k, &c));
        if (c.region == DS_REGION_OUTSIDE) continue;
        for (PetscInt f = 0; f < c.nfaces; f++) {
          const DSFace *F = &c.face[f];
          if (F->kind == DS_FACE_INTERIOR) continue;
          if (F->kind == DS_BOUNDARY_AF_OUTER) A.af_outer += F->area;
          if (f / 2 != dim - 1) continue;
          if (F->kind == DS_BOUNDARY_VERTEBRA) A.open[f % 2] += F->area;
          if (F->kind == DS_BOUNDARY_BONE) A.bone[f % 2] += F->area;
          if (F->kind == DS_BOUNDARY_VERTEBRA && PetscAbsReal(F->h_extra - h_extra) < 1e-12) A.with_factor[f % 2] += F->area;
        }
      }
  return A;
}

/* Breaks on faces: the open annulus and the rings are exact to round-off. R = 20, CEP to 0.8 R. */
START_TEST(axisymmetric_open_area_is_exact)
{
  const PetscReal Rc = 0.8 * 20, t = 0.6;
  DSMesh          mesh = DSTestCreateMesh("-mesh_type axisymmetric -mesh_nr 60 -mesh_nz 20 -endplate_open_inner 0.3 -endplate_open_outer 0.7 "
                                             "-endplate_patch1_shape ring -endplate_patch1_r1 0.4 -endplate_patch1_r2 0.55 -endplate_patch1_factor 0.25 -endplate_patch1_side top "
                                             "-endplate_patch2_shape ellipse -endplate_patch2_radius 3 -endplate_patch2_factor 0 -endplate_patch2_side bottom");
  Areas           A    = MeasureAreas(mesh, (1 / 0.25 - 1) * t);
  PetscReal       annulus = PETSC_PI * Rc * Rc * (0.7 * 0.7 - 0.3 * 0.3), ring = PETSC_PI * Rc * Rc * (0.55 * 0.55 - 0.4 * 0.4);
  /* patch 2 (r < 3 mm, bottom) lies in the centre the annulus closes already (r < 0.3 Rc = 4.8 mm) */
  printf("axisymmetric: open bottom %.10f, top %.10f mm^2; annulus %.10f; ring with factor %.10f (exact %.10f)\n", (double)A.open[0], (double)A.open[1], (double)annulus, (double)A.with_factor[1], (double)ring);
  ck_assert_double_eq_tol(A.open[0] / annulus, 1, 1e-12);
  ck_assert_double_eq_tol(A.open[1] / annulus, 1, 1e-12);
  ck_assert_double_eq_tol(A.with_factor[1] / ring, 1, 1e-12);
  ck_assert_double_eq_tol(A.with_factor[0], 0, 1e-12); /* the ring is on the top only */
  ck_assert_double_eq_tol((A.open[0] + A.bone[0]) / (PETSC_PI * 400), 1, 1e-12);
  TestCall(DSMeshDestroy(&mesh));
  /* a circular patch that closes part of the open area, on both endplates */
  mesh = DSTestCreateMesh("-mesh_type axisymmetric -mesh_nr 60 -mesh_nz 20 -endplate_patch1_shape ellipse -endplate_patch1_radius 5 -endplate_patch1_factor 0");
  A    = MeasureAreas(mesh, 0);
  ck_assert_double_eq_tol(A.open[0] / (PETSC_PI * (Rc * Rc - 25)), 1, 1e-12);
  ck_assert_double_eq_tol(A.open[1] / (PETSC_PI * (Rc * Rc - 25)), 1, 1e-12);
  TestCall(DSMeshDestroy(&mesh));
}
END_TEST

/* 3D voxels: the open elliptic annulus pi A B c^2 (o^2 - i^2) and an off-centre elliptic patch
 * pi a b, counted by face centres: first-order, so the error must fall with refinement and be
 * below 1 % on the finest grid (160 x 240 cells: 0.21 x 0.21 mm). */
START_TEST(voxel_open_area_converges)
{
  const PetscReal A = 16.5, B = 25, c = 0.8, annulus = PETSC_PI * A * B * c * c * (0.6 * 0.6 - 0.25 * 0.25), patch = PETSC_PI * 2.5 * 2; /* inside the open annulus */
  const PetscInt  nx[3] = {40, 80, 160};
  PetscReal       err_annulus[3], err_patch[3];
  for (int m = 0; m < 3; m++) {
    char opts[512];
    snprintf(opts, sizeof opts,
             "-mesh_type 3d -mesh_nx %d -mesh_ny %d -mesh_nz 4 -endplate_open_inner 0.25 -endplate_open_outer 0.6 -endplate_patch1_shape ellipse -endplate_patch1_centre 0,8.5 -endplate_patch1_semi_axes 2.5,2 -endplate_patch1_factor 0.5",
             (int)nx[m], (int)(1.5 * nx[m]));
    DSMesh mesh = DSTestCreateMesh(opts);
    Areas  S    = MeasureAreas(mesh, (1 / 0.5 - 1) * 0.6);
    err_annulus[m] = PetscAbsReal(S.open[0] / annulus - 1);
    err_patch[m]   = PetscAbsReal(S.with_factor[0] / patch - 1);
    printf("3d %3d x %3d: open %.4f mm^2 (exact %.4f, error %.2e), patch %.4f mm^2 (exact %.4f, error %.2e); top = bottom: %g\n", (int)nx[m], (int)(1.5 * nx[m]), (double)S.open[0], (double)annulus, (double)err_annulus[m],
           (double)S.with_factor[0], (double)patch, (double)err_patch[m], (double)(S.open[1] - S.open[0]));
    ck_assert_double_eq_tol(S.open[1], S.open[0], 1e-9);
    TestCall(DSMeshDestroy(&mesh));
  }
  ck_assert_double_lt(err_annulus[2], 0.01);
  ck_assert_double_lt(err_patch[2], 0.01);
  ck_assert_double_lt(err_annulus[2], 0.5 * err_annulus[0]);
  ck_assert_double_lt(err_patch[2], 0.5 * err_patch[0]);
}
END_TEST

static PetscReal SteadyMinimum(const char *options)
{
  DSMesh    mesh;
  DSModel   model;
  DSProblem prob;
  DM        dm;
  Vec       U;
  PetscReal umin;
  DSSteadyStats st;
  TestCall(DSTestCreate(options, &mesh, &model, &prob));
  TestCall(DSProblemGetDM(prob, &dm));
  TestCall(DMCreateGlobalVector(dm, &U));
  TestCall(DSProblemInitialState(prob, U));
  TestCall(DSSteadySolveOrError(prob, U, &st));
  TestCall(VecMin(U, NULL, &umin));
  TestCall(VecDestroy(&U));
  TestCall(DSTestDestroy(&mesh, &model, &prob));
  return umin;
}

/* Slab, uniform uptake Q, Dirichlet C0 at both vertebrae. Each side takes in Q H / 2 per mm^2
 * whatever the endplate; a factor f adds the resistance (1/f - 1) t / D_CEP, so every value
 * falls by Q H / 2 (1/f - 1) t / D_CEP: the closed form of the discrete system too. */
START_TEST(slab_factor_matches_series_resistance)
{
  const PetscReal H = 10, t = 1, Q = 0.1, Dcep = 0.5, f = 0.2;
  memset(&ds_test, 0, sizeof ds_test);
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) ds_test.D[r] = 1.8;
  ds_test.D[DS_REGION_CEP] = Dcep;
  ds_test.C0 = 5, ds_test.Q = Q;
  const char *base = "-model test_linear -mesh_type slab -mesh_height 10 -mesh_cep_thickness 1 -mesh_nz 40";
  char        opts[512];
  PetscReal   u1 = SteadyMinimum(base);
  snprintf(opts, sizeof opts, "%s -endplate_patch1_shape ring -endplate_patch1_r1 0 -endplate_patch1_r2 0.5 -endplate_patch1_factor %g", base, (double)f);
  PetscReal uf = SteadyMinimum(opts);
  PetscReal drop = Q * H / 2 * (1 / f - 1) * t / Dcep;
  printf("slab: minimum %.12f mM without, %.12f mM with factor %g: drop %.12f mM, closed form %.12f mM\n", (double)u1, (double)uf, (double)f, (double)(u1 - uf), (double)drop);
  ck_assert_double_eq_tol((u1 - uf) / drop, 1, 1e-9);
  /* the same factor through the open annulus: a closed centre with closed factor f */
  snprintf(opts, sizeof opts, "%s -endplate_open_inner 0.5 -endplate_closed_factor %g", base, (double)f);
  ck_assert_double_eq_tol((u1 - SteadyMinimum(opts)) / drop, 1, 1e-9);
}
END_TEST

/* Axisymmetric, both endplates closed (a ring patch of factor 0 over the whole CEP), uniform D
 * and uptake Q: the problem is radial, the AF surface takes in Q R / 2 per mm^2 whatever its
 * factor, and a factor f lowers every value by Q R / 2 (1/f - 1) l_AF / D. */
START_TEST(af_factor_matches_series_resistance)
{
  const PetscReal R = 10, Q = 0.05, D = 2, f = 0.25, layer = 1.5;
  memset(&ds_test, 0, sizeof ds_test);
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) ds_test.D[r] = D;
  ds_test.C0 = 5, ds_test.Q = Q;
  TestCall(DSModelRegister("test_uptake_bone", DSModelCreate_TestUptake));
  const char *base = "-model test_uptake_bone -mesh_type axisymmetric -mesh_radius 10 -mesh_height 6 -mesh_nr 40 -mesh_nz 12 -endplate_patch1_shape ring -endplate_patch1_r1 0 -endplate_patch1_r2 1 -endplate_patch1_factor 0";
  char        opts[768];
  PetscReal   u1 = SteadyMinimum(base);
  snprintf(opts, sizeof opts, "%s -endplate_af_outer_factor %g -endplate_af_outer_layer %g", base, (double)f, (double)layer);
  PetscReal uf = SteadyMinimum(opts), drop = Q * R / 2 * (1 / f - 1) * layer / D;
  printf("AF factor: minimum %.12f mM without, %.12f mM with factor %g: drop %.12f mM, closed form %.12f mM\n", (double)u1, (double)uf, (double)f, (double)(u1 - uf), (double)drop);
  ck_assert_double_eq_tol((u1 - uf) / drop, 1, 1e-9);
  /* the radial closed form itself, u(0) = C0 - Q R^2 / (4 D) = 4.375 mM: a quadratic in r, which
   * the exact cylindrical measures reproduce (measured to 1e-12) */
  ck_assert_double_eq_tol(u1, 5 - Q * R * R / (4 * D), 1e-8);
}
END_TEST

/* Influx = consumption at steady state with an open annulus, patches and a reduced AF supply. */
START_TEST(steady_balance_with_patches)
{
  const char *cases[] = {
    "-model nutrient -mesh_type axisymmetric -mesh_nr 60 -mesh_nz 30 -endplate_open_inner 0.2 -endplate_open_outer 0.9 -endplate_closed_factor 0.1 -endplate_patch1_shape ring -endplate_patch1_r1 0.5 -endplate_patch1_r2 0.7 -endplate_patch1_factor 0.3 -endplate_patch1_side top -endplate_af_outer_factor 0.5",
    "-model nutrient -mesh_type 3d -mesh_nx 20 -mesh_ny 30 -mesh_nz 12 -endplate_patch1_shape ellipse -endplate_patch1_centre 3,-5 -endplate_patch1_semi_axes 5,8 -endplate_patch1_factor 0 -endplate_patch2_shape ellipse -endplate_patch2_centre -6,6 -endplate_patch2_radius 3 -endplate_patch2_factor 0.4 -endplate_patch2_side bottom",
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    DSMesh        mesh;
    DSModel       model;
    DSProblem     prob;
    DM            dm;
    Vec           U;
    DSBalance     bal[3];
    DSSteadyStats st;
    TestCall(DSTestCreate(cases[c], &mesh, &model, &prob));
    TestCall(DSProblemGetDM(prob, &dm));
    TestCall(DMCreateGlobalVector(dm, &U));
    TestCall(DSProblemInitialState(prob, U));
    TestCall(DSSteadySolveOrError(prob, U, &st));
    TestCall(DSProblemComputeBalance(prob, 0, U, bal));
    for (int s = 0; s < 3; s++) {
      PetscReal rel = PetscAbsReal(bal[s].influx + bal[s].reaction) / PetscAbsReal(bal[s].influx);
      printf("case %d species %d: influx %.8e, reaction %.8e nmol/h, imbalance %.1e\n", (int)c, s, (double)bal[s].influx, (double)bal[s].reaction, (double)rel);
      ck_assert_double_lt(rel, 1e-8);
    }
    TestCall(VecDestroy(&U));
    TestCall(DSTestDestroy(&mesh, &model, &prob));
  }
}
END_TEST

START_TEST(bad_endplate_input_is_refused)
{
  const struct {
    const char    *options, *key; /* the key the message must name: checked through the program in tests/bad */
    PetscErrorCode expected;
  } bad[] = {
    {"-endplate_open_inner 0.6 -endplate_open_outer 0.6",                                                       "-endplate_open_inner", PETSC_ERR_ARG_OUTOFRANGE},
    {"-endplate_closed_factor -0.1",                                                                            "-endplate_closed_factor", PETSC_ERR_ARG_OUTOFRANGE},
    {"-endplate_patch1_shape ring -endplate_patch1_r1 0.5 -endplate_patch1_r2 0.5",                            "-endplate_patch1_r2", PETSC_ERR_ARG_OUTOFRANGE},
    {"-endplate_patch1_shape ring -endplate_patch1_r1 0.1 -endplate_patch1_r2 0.5 -endplate_patch1_factor -1", "-endplate_patch1_factor", PETSC_ERR_ARG_OUTOFRANGE},
    {"-endplate_patch2_shape ring -endplate_patch2_r1 0.1 -endplate_patch2_r2 0.5 -endplate_patch3_shape ring -endplate_patch3_r1 0.4 -endplate_patch3_r2 0.8", "-endplate_patch2_*", PETSC_ERR_ARG_INCOMP},
    {"-mesh_type 3d -endplate_patch1_shape ellipse -endplate_patch1_centre 12,0 -endplate_patch1_radius 3",    "-endplate_patch1_centre", PETSC_ERR_ARG_OUTOFRANGE},
    {"-mesh_type 3d -endplate_patch1_shape ellipse -endplate_patch1_centre 0,0 -endplate_patch1_radius 3 -endplate_patch2_shape ellipse -endplate_patch2_centre 4,4 -endplate_patch2_radius 3", "-endplate_patch1_*", PETSC_ERR_ARG_INCOMP},
    {"-endplate_patch1_shape ellipse -endplate_patch1_centre 2,0 -endplate_patch1_radius 3",                   "-endplate_patch1_centre", PETSC_ERR_ARG_INCOMP},
    {"-endplate_patch1_r1 0.2",                                                                                 "-endplate_patch1_r1", PETSC_ERR_ARG_WRONG},
    {"-endplate_patch1_shape square",                                                                           "-endplate_patch1_shape", PETSC_ERR_ARG_UNKNOWN_TYPE},
    {"-mesh_cep_thickness 0 -endplate_patch1_shape ring -endplate_patch1_r2 0.5 -endplate_patch1_factor 0.5",  "-endplate_patch1_factor", PETSC_ERR_ARG_INCOMP},
    {"-endplate_af_outer_factor 2",                                                                             "-endplate_af_outer_factor", PETSC_ERR_ARG_OUTOFRANGE},
  };
  for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
    PetscErrorCode ierr;
    char           opts[512];
    snprintf(opts, sizeof opts, "-mesh_type axisymmetric %s", bad[b].options);
    ierr = DSTestMeshOptionsError(opts, NULL);
    ck_assert_msg(ierr == bad[b].expected, "%s: error %d, expected %d", bad[b].options, (int)ierr, (int)bad[b].expected);
  }
}
END_TEST

Suite *EndplateSuite(void)
{
  Suite *s  = suite_create("endplate");
  TCase *tc = tcase_create("maps");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, axisymmetric_open_area_is_exact);
  tcase_add_test(tc, voxel_open_area_converges);
  tcase_add_test(tc, slab_factor_matches_series_resistance);
  tcase_add_test(tc, af_factor_matches_series_resistance);
  tcase_add_test(tc, steady_balance_with_patches);
  tcase_add_test(tc, bad_endplate_input_is_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) { return DSTestRun(argc, argv, EndplateSuite()); }
