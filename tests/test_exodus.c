/* Tests of solver/io/dsexodus.c: write small files for each mesh type and read them back with
 * plain netCDF calls. The values written are a known function of the cell centre; the reader
 * recomputes the centre from the connectivity and the node coordinates, which checks the
 * geometry, the element order and the values independently of the writer's bookkeeping.
 *
 * Runs on any number of ranks. The read-back is on rank 0, after every collective call of the
 * test, and a teardown barrier realigns the ranks, so a failed check cannot hang the others.
 * Options: -test_output_dir DIR
 * writes the files there and keeps them (default: a temporary directory, removed on success). */
#include <check.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsexodus.h"

#define NFIELDS 2
#define NSTEPS  2

static char        outdir[1024];
static PetscMPIInt rank;
static DSMesh      tmesh; /* the test's mesh; destroyed by the teardown, also after a failure */

static const char *const names[NFIELDS]  = {"glucose", "ph"};
static const char *const units[NFIELDS]  = {"mM", "1"};
static const char *const vnames[NFIELDS] = {"glucose_mM", "ph"};
static const char *const gnames[1]       = {"o2_uptake"};
static const char *const gunits[1]       = {"nmol/h"};
static const PetscReal   times[NSTEPS]   = {0.0, 1.5};

/* Fail the current test when a PETSc call returns an error. */
#define CK_PETSC(call) \
  do { \
    PetscErrorCode ck_ierr_ = (call); \
    ck_assert_msg(ck_ierr_ == 0, "%s returned PETSc error %d", #call, (int)ck_ierr_); \
  } while (0)
#define CK_NC(call) \
  do { \
    int ck_st_ = (call); \
    ck_assert_msg(ck_st_ == NC_NOERR, "%s: %s", #call, nc_strerror(ck_st_)); \
  } while (0)

/* The known field: distinct coefficients, so swapped cells, steps or fields show up. */
static double F(PetscInt v, PetscInt step, const double X[3])
{
  return 1000.0 * v + 100.0 * step + X[0] + 7.3 * X[1] + 51.7 * X[2] + 0.01 * X[0] * X[1];
}

static double Global(PetscInt step) { return 42.0 + step; }

/* Where the writer puts a cell centre: slab (0, 0, z) at (0.5, z); axisymmetric (r, 0, z) at (r, z). */
static void FileCoordinates(DSMeshType type, const PetscReal x[3], double X[3])
{
  switch (type) {
  case DS_MESH_SLAB:
  case DS_MESH_WELL_MIXED: X[0] = 0.5, X[1] = x[2], X[2] = 0; break;
  case DS_MESH_AXISYMMETRIC: X[0] = x[0], X[1] = x[2], X[2] = 0; break;
  case DS_MESH_3D:
  case DS_MESH_IMAGE: X[0] = x[0], X[1] = x[1], X[2] = x[2]; break;
  }
}

static PetscErrorCode MeshCreate(const char type[], DSMesh *m)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsSetValue(NULL, "-mesh_type", type));
  PetscCall(PetscOptionsSetValue(NULL, "-mesh_nx", "6"));
  PetscCall(PetscOptionsSetValue(NULL, "-mesh_ny", "7"));
  PetscCall(PetscOptionsSetValue(NULL, "-mesh_nr", "6"));
  PetscCall(PetscOptionsSetValue(NULL, "-mesh_nz", "8"));
  PetscCall(DSMeshCreate(PETSC_COMM_WORLD, m));
  PetscCall(DSMeshSetFromOptions(*m));
  PetscCall(DSMeshSetUp(*m, NFIELDS));
  PetscCall(PetscOptionsClearValue(NULL, "-mesh_type"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FillFields(DSMesh mesh, PetscInt step, Vec u)
{
  DM           dm;
  DSMeshType   type;
  PetscInt     xs, ys, zs, xm, ym, zm;
  PetscScalar *a;

  PetscFunctionBeginUser;
  PetscCall(DSMeshGetType(mesh, &type));
  PetscCall(VecGetDM(u, &dm));
  PetscCall(DMDAGetCorners(dm, &xs, &ys, &zs, &xm, &ym, &zm));
  PetscCall(VecGetArray(u, &a));
  for (PetscInt k = zs; k < zs + zm; k++)
    for (PetscInt j = ys; j < ys + ym; j++)
      for (PetscInt i = xs; i < xs + xm; i++) {
        DSCell   cell;
        double   X[3] = {0, 0, 0};
        PetscInt p = (((k - zs) * ym + (j - ys)) * xm + (i - xs)) * NFIELDS;
        PetscCall(DSMeshGetCell(mesh, i, j, k, &cell));
        FileCoordinates(type, cell.x, X);
        for (PetscInt v = 0; v < NFIELDS; v++) a[p + v] = F(v, step, X);
      }
  PetscCall(VecRestoreArray(u, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void OutputPath(const char name[], char path[PETSC_MAX_PATH_LEN])
{
  snprintf(path, PETSC_MAX_PATH_LEN, "%s/%s", outdir, name);
  if (rank == 0) (void)remove(path); /* files kept from an earlier run with -test_output_dir */
  MPI_Barrier(PETSC_COMM_WORLD);
}

static int DimLen(int nc, const char name[])
{
  int    dim;
  size_t len;
  CK_NC(nc_inq_dimid(nc, name, &dim));
  CK_NC(nc_inq_dimlen(nc, dim, &len));
  return (int)len;
}

static void GetNameRow(int nc, const char var[], int row, char out[64])
{
  int    id;
  size_t start[2] = {(size_t)row, 0}, count[2] = {1, 63}; /* the test's names are short; keep the terminator */
  memset(out, 0, 64);
  CK_NC(nc_inq_varid(nc, var, &id));
  CK_NC(nc_get_vara_text(nc, id, start, count, out));
}

static void CheckTextAtt(int nc, int varid, const char att[], const char expect[])
{
  char   text[256] = {0};
  size_t len;
  CK_NC(nc_inq_attlen(nc, varid, att, &len));
  ck_assert_uint_lt(len, sizeof text);
  CK_NC(nc_get_att_text(nc, varid, att, text));
  ck_assert_str_eq(text, expect);
}

/* Counts of active cells per region, from the mesh. */
static void RegionCounts(DSMesh mesh, PetscInt count[DS_NUM_REGIONS])
{
  PetscInt n[3];
  CK_PETSC(DSMeshGetSizes(mesh, n));
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) count[r] = 0;
  for (PetscInt k = 0; k < n[2]; k++)
    for (PetscInt j = 0; j < n[1]; j++)
      for (PetscInt i = 0; i < n[0]; i++) {
        DSRegion r;
        CK_PETSC(DSMeshGetRegion(mesh, i, j, k, &r));
        count[r]++;
      }
}

static void CheckHeader(int nc, int ndim, int nsteps)
{
  float version;
  int   wordsize;
  CK_NC(nc_get_att_float(nc, NC_GLOBAL, "version", &version));
  ck_assert_float_ge(version, 2.0f);
  CK_NC(nc_get_att_int(nc, NC_GLOBAL, "floating_point_word_size", &wordsize));
  ck_assert_int_eq(wordsize, 8);
  ck_assert_int_eq(DimLen(nc, "num_dim"), ndim);
  ck_assert_int_eq(DimLen(nc, "len_name"), 65);
  ck_assert_int_eq(DimLen(nc, "time_step"), nsteps);
}

static void CheckTimes(int nc, int nsteps)
{
  int    id;
  double t[NSTEPS];
  CK_NC(nc_inq_varid(nc, "time_whole", &id));
  CheckTextAtt(nc, id, "units", "h");
  CK_NC(nc_get_var_double(nc, id, t));
  for (int s = 0; s < nsteps; s++) ck_assert_double_eq_tol(t[s], times[s], 1e-14);
}

static void CheckVariableNames(int nc, int nblocks)
{
  char name[64], var[64];
  int  id;
  ck_assert_int_eq(DimLen(nc, "num_elem_var"), NFIELDS);
  for (int v = 0; v < NFIELDS; v++) {
    GetNameRow(nc, "name_elem_var", v, name);
    ck_assert_str_eq(name, vnames[v]);
    for (int b = 0; b < nblocks; b++) {
      snprintf(var, sizeof var, "vals_elem_var%deb%d", v + 1, b + 1);
      CK_NC(nc_inq_varid(nc, var, &id));
      CheckTextAtt(nc, id, "units", units[v]);
    }
  }
}

static void CheckGlobals(int nc, int nsteps)
{
  char   name[64];
  int    id;
  double g[NSTEPS];
  ck_assert_int_eq(DimLen(nc, "num_glo_var"), 1);
  GetNameRow(nc, "name_glo_var", 0, name);
  ck_assert_str_eq(name, "o2_uptake_nmol_per_h");
  CK_NC(nc_inq_varid(nc, "vals_glo_var", &id));
  CK_NC(nc_get_var_double(nc, id, g));
  for (int s = 0; s < nsteps; s++) ck_assert_double_eq_tol(g[s], Global(s), 1e-14);
}

/* Orientation: counter-clockwise quads, and HEX8 with its top face above its bottom face. */
static double SignedMeasure(int ndim, double *const c[3], const int *node)
{
  double e[3][3];
  int    far[3] = {1, 3, 4};
  for (int q = 0; q < ndim; q++)
    for (int d = 0; d < ndim; d++) e[q][d] = c[d][node[far[q]] - 1] - c[d][node[0] - 1];
  if (ndim == 2) return e[0][0] * e[1][1] - e[0][1] * e[1][0];
  return e[2][0] * (e[0][1] * e[1][2] - e[0][2] * e[1][1]) - e[2][1] * (e[0][0] * e[1][2] - e[0][2] * e[1][0]) + e[2][2] * (e[0][0] * e[1][1] - e[0][1] * e[1][0]);
}

/* Every value of block b against F at the centroid of the element's nodes. */
static void CheckBlockValues(int nc, int b, int ndim, int nel, int nsteps, double *const coord[3])
{
  char    var[64];
  int     id, npe = ndim == 3 ? 8 : 4, *conn;
  double *vals;

  conn = malloc(sizeof(int) * (size_t)nel * npe);
  vals = malloc(sizeof(double) * (size_t)nel * nsteps);
  snprintf(var, sizeof var, "connect%d", b + 1);
  CK_NC(nc_inq_varid(nc, var, &id));
  CheckTextAtt(nc, id, "elem_type", ndim == 3 ? "HEX8" : "QUAD4");
  ck_assert_int_eq(DimLen(nc, (snprintf(var, sizeof var, "num_nod_per_el%d", b + 1), var)), npe);
  CK_NC(nc_get_var_int(nc, id, conn));
  for (int v = 0; v < NFIELDS; v++) {
    snprintf(var, sizeof var, "vals_elem_var%deb%d", v + 1, b + 1);
    CK_NC(nc_inq_varid(nc, var, &id));
    CK_NC(nc_get_var_double(nc, id, vals));
    for (int e = 0; e < nel; e++) {
      double X[3] = {0, 0, 0};
      ck_assert_double_gt(SignedMeasure(ndim, coord, conn + e * npe), 0);
      for (int q = 0; q < npe; q++)
        for (int d = 0; d < ndim; d++) X[d] += coord[d][conn[e * npe + q] - 1] / npe;
      for (int s = 0; s < nsteps; s++) {
        double expect = F(v, s, X);
        ck_assert_msg(fabs(vals[s * nel + e] - expect) <= 1e-10 * (1 + fabs(expect)), "block %d element %d var %d step %d: %g in the file, %g expected", b + 1, e + 1, v + 1, s,
                      vals[s * nel + e], expect);
      }
    }
  }
  free(conn);
  free(vals);
}

static void CheckBlocks(int nc, DSMesh mesh, int ndim, int nsteps)
{
  PetscInt count[DS_NUM_REGIONS], nactive, total = 0;
  int      nblocks = 0, nnodes = DimLen(nc, "num_nodes"), id, ids[DS_NUM_REGIONS];
  double  *coord[3] = {NULL, NULL, NULL};
  char     name[64];

  RegionCounts(mesh, count);
  CK_PETSC(DSMeshGetNumActiveCells(mesh, &nactive));
  for (int r = DS_REGION_NP; r < DS_NUM_REGIONS; r++) nblocks += count[r] > 0;
  ck_assert_int_eq(DimLen(nc, "num_el_blk"), nblocks);
  ck_assert_int_eq(DimLen(nc, "num_elem"), (int)nactive);
  CK_NC(nc_inq_varid(nc, "eb_prop1", &id));
  CK_NC(nc_get_var_int(nc, id, ids));
  for (int d = 0; d < ndim; d++) {
    const char *cname[3] = {"coordx", "coordy", "coordz"};
    coord[d]             = malloc(sizeof(double) * (size_t)nnodes);
    CK_NC(nc_inq_varid(nc, cname[d], &id));
    CK_NC(nc_get_var_double(nc, id, coord[d]));
  }
  for (int r = DS_REGION_NP, b = 0; r < DS_NUM_REGIONS; r++) {
    char dim[64];
    if (!count[r]) continue;
    GetNameRow(nc, "eb_names", b, name);
    ck_assert_str_eq(name, DSRegionNames[r]);
    ck_assert_int_eq(ids[b], r);
    snprintf(dim, sizeof dim, "num_el_in_blk%d", b + 1);
    ck_assert_int_eq(DimLen(nc, dim), (int)count[r]);
    CheckBlockValues(nc, b, ndim, (int)count[r], nsteps, coord);
    total += count[r];
    b++;
  }
  ck_assert_int_eq((int)total, (int)nactive);
  CheckVariableNames(nc, nblocks);
  for (int d = 0; d < ndim; d++) free(coord[d]);
}

/* Rank 0: the whole file against the mesh. */
static void CheckFile(const char path[], DSMesh mesh, int nsteps)
{
  DSMeshType type;
  int        nc;

  if (rank) return;
  CK_PETSC(DSMeshGetType(mesh, &type));
  CK_NC(nc_open(path, NC_NOWRITE, &nc));
  CheckHeader(nc, type == DS_MESH_3D ? 3 : 2, nsteps);
  CheckTimes(nc, nsteps);
  CheckBlocks(nc, mesh, type == DS_MESH_3D ? 3 : 2, nsteps);
  CheckGlobals(nc, nsteps);
  CK_NC(nc_close(nc));
}

/* Rank 0, without asserting: the number of steps a reader sees now. */
static int StepsReadable(const char path[])
{
  int    nc, dim;
  size_t len = 0;
  if (nc_open(path, NC_NOWRITE, &nc)) return -1;
  if (nc_inq_dimid(nc, "time_step", &dim) || nc_inq_dimlen(nc, dim, &len)) len = 0;
  nc_close(nc);
  return (int)len;
}

/* Write NSTEPS steps; after the first, the file must already be readable (synced). */
static void WriteAndCheck(const char type[], const char file[])
{
  DSExodus ex;
  DM       dm;
  Vec      u;
  char     path[PETSC_MAX_PATH_LEN];

  OutputPath(file, path);
  CK_PETSC(MeshCreate(type, &tmesh));
  CK_PETSC(DSMeshGetDM(tmesh, &dm));
  CK_PETSC(DMCreateGlobalVector(dm, &u));
  CK_PETSC(DSExodusCreate(tmesh, path, PETSC_FALSE, "test_exodus", NFIELDS, names, units, 1, gnames, gunits, &ex));
  for (PetscInt s = 0; s < NSTEPS; s++) {
    PetscReal g = Global(s);
    CK_PETSC(FillFields(tmesh, s, u));
    CK_PETSC(DSExodusWriteStep(ex, times[s], u, &g));
    if (s == 0) {
      int seen = rank == 0 ? StepsReadable(path) : 0;
      ck_assert_int_eq(MPI_Bcast(&seen, 1, MPI_INT, 0, PETSC_COMM_WORLD), MPI_SUCCESS); /* every rank fails alike */
      ck_assert_int_eq(seen, 1);
    }
  }
  CK_PETSC(DSExodusDestroy(&ex));
  ck_assert_ptr_null(ex);
  CK_PETSC(VecDestroy(&u));
  CheckFile(path, tmesh, NSTEPS);
}

START_TEST(test_slab)
{
  WriteAndCheck("slab", "slab.exo");
}
END_TEST

START_TEST(test_axisymmetric)
{
  WriteAndCheck("axisymmetric", "axisymmetric.exo");
}
END_TEST

START_TEST(test_3d)
{
  WriteAndCheck("3d", "disc3d.exo");
}
END_TEST

/* Rank 0: the whole file as bytes (NULL if unreadable). */
static char *ReadBytes(const char path[], long *size)
{
  FILE *f = fopen(path, "rb");
  char *data;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *size = ftell(f);
  rewind(f);
  data = malloc((size_t)*size + 1);
  if (fread(data, 1, (size_t)*size, f) != (size_t)*size) *size = -1;
  fclose(f);
  return data;
}

/* Create expecting an error on every rank; returns PETSc's message of that error. */
static void CreateMustFail(DSMesh mesh, const char path[], char message[512])
{
  DSExodus       ex = NULL;
  PetscErrorCode ierr;
  char          *specific = NULL;

  CK_PETSC(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = DSExodusCreate(mesh, path, PETSC_FALSE, "must fail", NFIELDS, names, units, 1, gnames, gunits, &ex);
  CK_PETSC(PetscPopErrorHandler());
  ck_assert_int_ne((int)ierr, 0);
  ck_assert_ptr_null(ex);
  CK_PETSC(PetscErrorMessage(ierr, NULL, &specific));
  snprintf(message, 512, "%s", specific ? specific : "");
}

START_TEST(test_no_overwrite)
{
  DSExodus ex;
  char     path[PETSC_MAX_PATH_LEN], message[512], *before = NULL, *after = NULL;
  long     size_before = 0, size_after = 0;

  OutputPath("existing.exo", path);
  CK_PETSC(MeshCreate("axisymmetric", &tmesh));
  CK_PETSC(DSExodusCreate(tmesh, path, PETSC_FALSE, "original", NFIELDS, names, units, 1, gnames, gunits, &ex));
  CK_PETSC(DSExodusDestroy(&ex));
  if (rank == 0) before = ReadBytes(path, &size_before);
  CreateMustFail(tmesh, path, message);
  ck_assert_msg(strstr(message, "refusing to overwrite") && strstr(message, "-output_overwrite"), "unexpected message: %s", message);
  if (rank == 0) after = ReadBytes(path, &size_after);

  /* With overwrite the file is replaced: one step and no global variables this time. */
  {
    DM  dm;
    Vec u;
    CK_PETSC(DSMeshGetDM(tmesh, &dm));
    CK_PETSC(DMCreateGlobalVector(dm, &u));
    CK_PETSC(FillFields(tmesh, 0, u));
    CK_PETSC(DSExodusCreate(tmesh, path, PETSC_TRUE, "replaced", NFIELDS, names, units, 0, NULL, NULL, &ex));
    CK_PETSC(DSExodusWriteStep(ex, 0.0, u, NULL));
    CK_PETSC(DSExodusDestroy(&ex));
    CK_PETSC(VecDestroy(&u));
  }
  /* Rank 0 only from here on: no collective calls follow. */
  if (rank == 0) {
    int nc, dim;
    ck_assert_ptr_nonnull(before);
    ck_assert_ptr_nonnull(after);
    ck_assert_int_gt(size_before, 0);
    ck_assert_int_eq(size_after, size_before);
    ck_assert_int_eq(memcmp(before, after, (size_t)size_before), 0);
    CK_NC(nc_open(path, NC_NOWRITE, &nc));
    ck_assert_int_eq(DimLen(nc, "time_step"), 1);
    ck_assert_int_eq(nc_inq_dimid(nc, "num_glo_var", &dim), NC_EBADDIM);
    ck_assert_int_eq(nc_inq_varid(nc, "vals_glo_var", &dim), NC_ENOTVAR);
    CheckTextAtt(nc, NC_GLOBAL, "title", "replaced");
    CK_NC(nc_close(nc));
  }
  free(before);
  free(after);
}
END_TEST

/* A netCDF failure on rank 0 (no such directory) is an error on every rank, not a hang. */
START_TEST(test_unwritable)
{
  char   path[PETSC_MAX_PATH_LEN], message[512];

  snprintf(path, sizeof path, "%s/no_such_dir/x.exo", outdir);
  CK_PETSC(MeshCreate("slab", &tmesh));
  CreateMustFail(tmesh, path, message);
  if (rank == 0) ck_assert_msg(strstr(message, "netCDF error") && strstr(message, "no_such_dir"), "unexpected message: %s", message);
  else ck_assert_msg(strstr(message, "failed on rank 0") != NULL, "unexpected message: %s", message);
}
END_TEST

/* Runs also after a failed check: frees the mesh and brings the ranks back in step. */
static void Teardown(void)
{
  (void)DSMeshDestroy(&tmesh);
  MPI_Barrier(PETSC_COMM_WORLD);
}

static Suite *ExodusSuite(void)
{
  Suite *s = suite_create("exodus");
  TCase *t = tcase_create("write_read");
  tcase_set_timeout(t, 120);
  tcase_add_checked_fixture(t, NULL, Teardown);
  tcase_add_test(t, test_slab);
  tcase_add_test(t, test_axisymmetric);
  tcase_add_test(t, test_3d);
  tcase_add_test(t, test_no_overwrite);
  tcase_add_test(t, test_unwritable);
  suite_add_tcase(s, t);
  return s;
}

static PetscErrorCode SetUpOutputDir(PetscBool *keep)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_output_dir", outdir, sizeof outdir, keep));
  if (!*keep) {
    if (rank == 0) {
      PetscCall(PetscStrncpy(outdir, "/tmp/test_exodus_XXXXXX", sizeof outdir));
      PetscCall(PetscMkdtemp(outdir));
    }
    PetscCallMPI(MPI_Bcast(outdir, sizeof outdir, MPI_CHAR, 0, PETSC_COMM_WORLD));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  SRunner  *sr;
  int       failed, failed_any;
  PetscBool keep;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(SetUpOutputDir(&keep));
  sr = srunner_create(ExodusSuite());
  srunner_set_fork_status(sr, CK_NOFORK);
  srunner_run_all(sr, rank == 0 ? CK_NORMAL : CK_SILENT);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  PetscCallMPI(MPI_Allreduce(&failed, &failed_any, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD));
  if (rank == 0 && !keep && !failed_any) PetscCall(PetscRMTree(outdir));
  if (rank == 0 && (keep || failed_any)) PetscCall(PetscPrintf(PETSC_COMM_SELF, "test_exodus: files kept in %s\n", outdir));
  PetscCall(PetscFinalize());
  return failed_any ? 1 : 0;
}
