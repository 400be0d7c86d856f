/* Meshes: exact cylindrical measures, region volumes, boundary-face kinds and areas, interfaces
 * on faces, and the symmetry of the face geometry that conservation relies on. */
#include "dstest.h"

typedef struct {
  PetscReal volume, region_volume[DS_NUM_REGIONS], kind_area[DS_NUM_FACE_KINDS];
  PetscInt  ncells[DS_NUM_REGIONS];
  PetscReal worst_face_mismatch;
} Totals;

static Totals Measure(DSMesh mesh)
{
  Totals   T;
  PetscInt n[3];
  memset(&T, 0, sizeof T);
  TestCall(DSMeshGetSizes(mesh, n));
  for (PetscInt k = 0; k < n[2]; k++)
    for (PetscInt j = 0; j < n[1]; j++)
      for (PetscInt i = 0; i < n[0]; i++) {
        DSCell c;
        TestCall(DSMeshGetCell(mesh, i, j, k, &c));
        T.ncells[c.region]++;
        if (c.region == DS_REGION_OUTSIDE) continue;
        T.volume += c.volume;
        T.region_volume[c.region] += c.volume;
        for (PetscInt f = 0; f < c.nfaces; f++) {
          if (c.face[f].kind != DS_FACE_INTERIOR) {
            T.kind_area[c.face[f].kind] += c.face[f].area;
            continue;
          }
          /* the neighbour must see the same face: same area, same centre, swapped distances */
          PetscInt nb[3] = {i, j, k}, dir = f / 2;
          DSCell   o;
          nb[dir] += f % 2 ? 1 : -1;
          TestCall(DSMeshGetCell(mesh, nb[0], nb[1], nb[2], &o));
          const DSFace *g = &o.face[f ^ 1];
          PetscReal     mismatch = PetscAbsReal(g->area - c.face[f].area) + PetscAbsReal(g->h_self - c.face[f].h_nbr) + PetscAbsReal(g->h_nbr - c.face[f].h_self);
          T.worst_face_mismatch = PetscMax(T.worst_face_mismatch, mismatch);
        }
      }
  return T;
}

START_TEST(axisymmetric_measures)
{
  const PetscReal H = 11, R = 20, f = 0.64, c = 0.8, t = 0.6;
  DSMesh          mesh = DSTestCreateMesh("-mesh_type axisymmetric -mesh_nr 37 -mesh_nz 23");
  Totals          T    = Measure(mesh);
  ck_assert_double_eq_tol(T.volume / (PETSC_PI * R * R * H), 1, 1e-12);
  ck_assert_double_eq_tol(T.region_volume[DS_REGION_NP] / (PETSC_PI * f * f * R * R * (H - 2 * t)), 1, 1e-12);
  ck_assert_double_eq_tol(T.region_volume[DS_REGION_CEP] / (2 * PETSC_PI * c * c * R * R * t), 1, 1e-12);
  ck_assert_double_eq_tol(T.kind_area[DS_BOUNDARY_AF_OUTER] / (2 * PETSC_PI * R * H), 1, 1e-12);
  ck_assert_double_eq_tol(T.kind_area[DS_BOUNDARY_VERTEBRA] / (2 * PETSC_PI * c * c * R * R), 1, 1e-12);
  ck_assert_double_eq_tol(T.kind_area[DS_BOUNDARY_BONE] / (2 * PETSC_PI * (1 - c * c) * R * R), 1, 1e-12);
  ck_assert_double_eq(T.kind_area[DS_BOUNDARY_AXIS], 0);
  ck_assert_double_lt(T.worst_face_mismatch, 1e-12);
  ck_assert_int_eq(T.ncells[DS_REGION_OUTSIDE], 0);
  TestCall(DSMeshDestroy(&mesh));
}
END_TEST

START_TEST(slab_measures)
{
  DSMesh mesh = DSTestCreateMesh("-mesh_type slab -mesh_nz 33 -mesh_height 12 -mesh_cep_thickness 0.9");
  Totals T    = Measure(mesh);
  ck_assert_double_eq_tol(T.volume, 12, 1e-12);
  ck_assert_double_eq_tol(T.region_volume[DS_REGION_CEP], 1.8, 1e-12);
  ck_assert_double_eq_tol(T.kind_area[DS_BOUNDARY_VERTEBRA], 2, 1e-12); /* two faces of 1 mm^2 */
  ck_assert_double_lt(T.worst_face_mismatch, 1e-12);
  TestCall(DSMeshDestroy(&mesh));
}
END_TEST

START_TEST(elliptical_3d_measures)
{
  const PetscReal a = 16.5, b = 25, H = 11, t = 0.6, f = 0.64;
  DSMesh          mesh = DSTestCreateMesh("-mesh_type 3d -mesh_nx 66 -mesh_ny 100 -mesh_nz 22");
  Totals          T    = Measure(mesh);
  /* voxels approximate the ellipse: within 1 % of pi a b H at this resolution */
  ck_assert_double_eq_tol(T.volume / (PETSC_PI * a * b * H), 1, 1e-2);
  ck_assert_double_eq_tol(T.region_volume[DS_REGION_NP] / (PETSC_PI * f * f * a * b * (H - 2 * t)), 1, 2e-2);
  ck_assert_int_gt(T.ncells[DS_REGION_OUTSIDE], 0);
  ck_assert_double_gt(T.kind_area[DS_BOUNDARY_BONE], 0);
  ck_assert_double_eq(T.kind_area[DS_BOUNDARY_AXIS], 0);
  /* top and bottom: vertebra + bone faces cover the voxelised disc outline twice */
  ck_assert_double_eq_tol((T.kind_area[DS_BOUNDARY_VERTEBRA] + T.kind_area[DS_BOUNDARY_BONE]) / (2 * T.volume / H), 1, 1e-12);
  ck_assert_double_lt(T.worst_face_mismatch, 1e-12);
  TestCall(DSMeshDestroy(&mesh));
}
END_TEST

START_TEST(interfaces_fall_on_faces)
{
  DSMesh           mesh = DSTestCreateMesh("-mesh_type axisymmetric -mesh_nr 41 -mesh_nz 19");
  const PetscReal *r, *z;
  PetscInt         n[3];
  TestCall(DSMeshGetSizes(mesh, n));
  TestCall(DSMeshGetFaceCoordinates(mesh, 0, &r));
  TestCall(DSMeshGetFaceCoordinates(mesh, 1, &z));
  PetscReal want_r[2] = {0.64 * 20, 0.8 * 20}, want_z[2] = {0.6, 11 - 0.6};
  for (int w = 0; w < 2; w++) {
    PetscReal best_r = 1e9, best_z = 1e9;
    for (PetscInt i = 0; i <= n[0]; i++) best_r = PetscMin(best_r, PetscAbsReal(r[i] - want_r[w]));
    for (PetscInt i = 0; i <= n[1]; i++) best_z = PetscMin(best_z, PetscAbsReal(z[i] - want_z[w]));
    ck_assert_double_lt(best_r, 1e-12);
    ck_assert_double_lt(best_z, 1e-12);
  }
  TestCall(DSMeshDestroy(&mesh));
}
END_TEST

START_TEST(locate_np_centre)
{
  DSMesh    mesh = DSTestCreateMesh("-mesh_type axisymmetric -mesh_nr 20 -mesh_nz 10");
  PetscReal x[3], w[8];
  PetscInt  nc, idx[8][3];
  TestCall(DSMeshGetRegionCentre(mesh, DS_REGION_NP, x));
  TestCall(DSMeshLocate(mesh, x, &nc, idx, w));
  /* the centre z = 5.5 mm lies on the face between two cells of the axis column */
  ck_assert_int_eq(nc, 2);
  ck_assert_int_eq(idx[0][0], 0);
  ck_assert_int_eq(idx[1][1], idx[0][1] + 1);
  ck_assert_double_eq_tol(w[0] + w[1], 1, 1e-15);
  TestCall(DSMeshDestroy(&mesh));
}
END_TEST

START_TEST(inconsistent_geometry_is_refused)
{
  ck_assert_int_eq(DSTestMeshOptionsError("-mesh_type axisymmetric -mesh_cep_fraction 0.5 -mesh_np_fraction 0.7", NULL), PETSC_ERR_ARG_OUTOFRANGE);
}
END_TEST

/* Widest / narrowest cell among faces xf[i0..i1] (cells i0..i1-1). */
static PetscReal WidthRatio(const PetscReal *xf, PetscInt i0, PetscInt i1)
{
  PetscReal wmin = PETSC_MAX_REAL, wmax = 0;
  for (PetscInt i = i0; i < i1; i++) wmin = PetscMin(wmin, xf[i + 1] - xf[i]), wmax = PetscMax(wmax, xf[i + 1] - xf[i]);
  return wmax / wmin;
}

static PetscInt FaceIndex(const PetscReal *xf, PetscInt n, PetscReal x)
{
  for (PetscInt i = 0; i <= n; i++)
    if (PetscAbsReal(xf[i] - x) < 1e-12) return i;
  return -1;
}

/* The cells follow the size function w(x) = q^(d(x)/dmax), d the distance to the nearest grade
 * point: width / w(centre) is the same for all cells up to the rounding of the cell counts of
 * the segments (1/count) and O(h^2). Returns max/min of width / w(centre) over the direction. */
static PetscReal SizeFunctionSpread(const PetscReal *xf, PetscInt n, PetscReal q, PetscInt np, const PetscReal p[])
{
  PetscReal dmax = 0, lo = PETSC_MAX_REAL, hi = 0;
  for (PetscInt i = 0; i <= 4 * n; i++) { /* dmax sampled finely: at the ends or between points */
    PetscReal x = xf[0] + (xf[n] - xf[0]) * i / (4 * n), d = PETSC_MAX_REAL;
    for (PetscInt k = 0; k < np; k++) d = PetscMin(d, PetscAbsReal(x - p[k]));
    dmax = PetscMax(dmax, d);
  }
  for (PetscInt i = 0; i < n; i++) {
    PetscReal xc = 0.5 * (xf[i] + xf[i + 1]), d = PETSC_MAX_REAL;
    for (PetscInt k = 0; k < np; k++) d = PetscMin(d, PetscAbsReal(xc - p[k]));
    PetscReal r = (xf[i + 1] - xf[i]) / PetscPowReal(q, d / dmax);
    lo = PetscMin(lo, r), hi = PetscMax(hi, r);
  }
  return hi / lo;
}

START_TEST(graded_axisymmetric)
{
  const PetscReal H = 11, R = 20, f = 0.64, c = 0.8, t = 0.6;
  DSMesh          mesh = DSTestCreateMesh("-mesh_type axisymmetric -mesh_nr 80 -mesh_nz 60 -mesh_grade_r 5 -mesh_grade_z 4 -mesh_grade_z_toward vertebra,cep");
  Totals          T    = Measure(mesh);
  const PetscReal *r, *z;
  PetscInt         n[3];
  TestCall(DSMeshGetSizes(mesh, n));
  TestCall(DSMeshGetFaceCoordinates(mesh, 0, &r));
  TestCall(DSMeshGetFaceCoordinates(mesh, 1, &z));
  /* exact measures and a consistent face geometry on the stretched grid */
  ck_assert_double_eq_tol(T.volume / (PETSC_PI * R * R * H), 1, 1e-12);
  ck_assert_double_eq_tol(T.region_volume[DS_REGION_NP] / (PETSC_PI * f * f * R * R * (H - 2 * t)), 1, 1e-12);
  ck_assert_double_eq_tol(T.region_volume[DS_REGION_CEP] / (2 * PETSC_PI * c * c * R * R * t), 1, 1e-12);
  ck_assert_double_eq_tol(T.kind_area[DS_BOUNDARY_VERTEBRA] / (2 * PETSC_PI * c * c * R * R), 1, 1e-12);
  ck_assert_double_lt(T.worst_face_mismatch, 1e-12);
  /* interfaces on faces; r: narrowest at the rim, growing toward the axis and the outer surface,
   * widest at the axis, 5x the narrowest; the cells follow the size function */
  PetscInt inp = FaceIndex(r, n[0], f * R), irim = FaceIndex(r, n[0], c * R), it = FaceIndex(z, n[1], t), iH = FaceIndex(z, n[1], H - t);
  ck_assert(inp > 0 && irim > inp && it > 0 && iH > it);
  for (PetscInt i = 0; i < irim - 1; i++) ck_assert_double_gt(r[i + 1] - r[i], r[i + 2] - r[i + 1]);
  for (PetscInt i = irim; i < n[0] - 1; i++) ck_assert_double_lt(r[i + 1] - r[i], r[i + 2] - r[i + 1]);
  ck_assert(WidthRatio(r, 0, n[0]) > 0.85 * 5 && WidthRatio(r, 0, n[0]) < 5);
  PetscReal rim = c * R, zp[4] = {0, t, H - t, H};
  ck_assert_double_lt(SizeFunctionSpread(r, n[0], 5, 1, &rim), 1.1);
  /* z: graded 4x toward the vertebrae and the CEP interfaces, narrowest there, widest at
   * mid-height; symmetric about mid-height, so the NP centre stays on a face */
  ck_assert(WidthRatio(z, 0, n[1]) > 0.85 * 4 && WidthRatio(z, 0, n[1]) < 4);
  ck_assert_double_lt(SizeFunctionSpread(z, n[1], 4, 4, zp), 1.1);
  ck_assert_double_lt(z[it + 1] - z[it], z[n[1] / 2] - z[n[1] / 2 - 1]);
  for (PetscInt j = 0; j <= n[1]; j++) ck_assert_double_eq_tol(z[j] + z[n[1] - j], H, 1e-12);
  PetscReal x[3], w[8];
  PetscInt  nc, idx[8][3];
  TestCall(DSMeshGetRegionCentre(mesh, DS_REGION_NP, x));
  TestCall(DSMeshLocate(mesh, x, &nc, idx, w));
  ck_assert_int_eq(nc, 2);
  TestCall(DSMeshDestroy(&mesh));
}
END_TEST

START_TEST(graded_slab_and_3d)
{
  DSMesh           mesh = DSTestCreateMesh("-mesh_type slab -mesh_nz 100 -mesh_height 12 -mesh_cep_thickness 0.9 -mesh_grade_z 10");
  const PetscReal *z;
  PetscReal        zp[2] = {0, 12};
  Totals           T     = Measure(mesh);
  TestCall(DSMeshGetFaceCoordinates(mesh, 0, &z));
  PetscInt it = FaceIndex(z, 100, 0.9);
  ck_assert_int_gt(it, 0);
  ck_assert(WidthRatio(z, 0, 100) > 0.85 * 10 && WidthRatio(z, 0, 100) < 10); /* the widest centre is half a cell from the farthest point */
  ck_assert_double_lt(SizeFunctionSpread(z, 100, 10, 2, zp), 1.1);
  ck_assert_double_eq_tol(T.region_volume[DS_REGION_CEP], 1.8, 1e-12);
  ck_assert_double_lt(T.worst_face_mismatch, 1e-12);
  TestCall(DSMeshDestroy(&mesh));
  mesh = DSTestCreateMesh("-mesh_type 3d -mesh_nx 20 -mesh_ny 30 -mesh_nz 40 -mesh_grade_z 3 -mesh_grade_z_toward cep");
  T    = Measure(mesh);
  TestCall(DSMeshGetFaceCoordinates(mesh, 2, &z));
  it = FaceIndex(z, 40, 0.6);
  ck_assert_int_gt(it, 0);
  zp[0] = 0.6, zp[1] = 11 - 0.6;
  ck_assert_double_lt(SizeFunctionSpread(z, 40, 3, 2, zp), 1.1);
  ck_assert_double_eq_tol((T.kind_area[DS_BOUNDARY_VERTEBRA] + T.kind_area[DS_BOUNDARY_BONE]) / (2 * T.volume / 11), 1, 1e-12);
  ck_assert_double_lt(T.worst_face_mismatch, 1e-12);
  TestCall(DSMeshDestroy(&mesh));
}
END_TEST

/* Bad grading input is refused by DSMeshSetFromOptions with the error class of its defect. */
START_TEST(bad_grading_is_refused)
{
  const struct {
    const char    *options;
    PetscErrorCode expected;
  } bad[] = {
    {"-mesh_grade_r 0.5",                     PETSC_ERR_ARG_OUTOFRANGE   },
    {"-mesh_grade_z 101",                     PETSC_ERR_ARG_OUTOFRANGE   },
    {"-mesh_grade_r two",                     PETSC_ERR_ARG_WRONG        },
    {"-mesh_grade_r_toward rim,edge",         PETSC_ERR_ARG_UNKNOWN_TYPE },
    {"-mesh_grade_z_toward cep,,vertebra",    PETSC_ERR_ARG_WRONG        },
    {"-mesh_grade_z_toward cep,CEP",          PETSC_ERR_ARG_WRONG        },
  };
  for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
    PetscErrorCode ierr;
    char           opts[256];
    snprintf(opts, sizeof opts, "-mesh_type axisymmetric %s", bad[b].options);
    ierr = DSTestMeshOptionsError(opts, NULL);
    ck_assert_msg(ierr == bad[b].expected, "%s: error %d, expected %d", bad[b].options, (int)ierr, (int)bad[b].expected);
  }
}
END_TEST

Suite *MeshSuite(void)
{
  Suite *s  = suite_create("mesh");
  TCase *tc = tcase_create("geometry");
  tcase_add_test(tc, axisymmetric_measures);
  tcase_add_test(tc, slab_measures);
  tcase_add_test(tc, elliptical_3d_measures);
  tcase_add_test(tc, interfaces_fall_on_faces);
  tcase_add_test(tc, locate_np_centre);
  tcase_add_test(tc, inconsistent_geometry_is_refused);
  tcase_add_test(tc, graded_axisymmetric);
  tcase_add_test(tc, graded_slab_and_3d);
  tcase_add_test(tc, bad_grading_is_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) { return DSTestRun(argc, argv, MeshSuite()); }
