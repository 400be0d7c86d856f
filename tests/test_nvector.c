/* The integrator's own N_Vector kernels (solver/ts/dsnvector.c) against closed forms, against
 * the constraint definitions CVODE documents, and against SUNDIALS' NVECTOR_PETSC, which they
 * replace: the same value up to the order of additions. Lengths that leave every remainder of
 * the kernels' 8 lanes and 1024-element blocks; 1 and 2 ranks (the reductions span them). */
#include "dstest.h"
#include "dsnvector.h"

static const PetscInt lengths[] = {0, 1, 7, 8, 9, 1023, 1024, 1025, 4099};

typedef struct {
  SUNContext ctx;
  Vec        v[4];
  N_Vector   ours[4], lib[4]; /* the same Vecs with our table and with the library's */
} Vectors;

static void VectorsCreate(PetscInt n, unsigned seed, Vectors *s)
{
  MPI_Comm comm = PETSC_COMM_WORLD;
  TestCall(SUNContext_Create(&comm, &s->ctx) ? PETSC_ERR_LIB : PETSC_SUCCESS);
  for (int k = 0; k < 4; k++) {
    PetscScalar *a;
    TestCall(VecCreateMPI(PETSC_COMM_WORLD, n, PETSC_DETERMINE, &s->v[k]));
    TestCall(VecGetArray(s->v[k], &a));
    for (PetscInt i = 0; i < n; i++) a[i] = DSTestUniform(&seed, -1, 1) * PetscPowReal(10.0, DSTestUniform(&seed, -3, 3));
    TestCall(VecRestoreArray(s->v[k], &a));
    TestCall(DSNVectorMake(s->v[k], s->ctx, &s->ours[k]));
    s->lib[k] = N_VMake_Petsc(s->v[k], s->ctx);
    ck_assert_ptr_nonnull(s->lib[k]);
  }
}

static void VectorsDestroy(Vectors *s)
{
  for (int k = 0; k < 4; k++) {
    N_VDestroy(s->ours[k]);
    N_VDestroy(s->lib[k]);
    TestCall(VecDestroy(&s->v[k]));
  }
  SUNContext_Free(&s->ctx);
}

static PetscReal Relative(PetscReal a, PetscReal b) { return PetscAbsReal(a - b) / PetscMax(PetscAbsReal(b), PETSC_SMALL); }

/* WRMS norm and dot product: the library's value to a few ulps of the sum of magnitudes */
START_TEST(reductions_agree_with_the_library)
{
  for (size_t c = 0; c < sizeof lengths / sizeof lengths[0]; c++) {
    Vectors   s;
    PetscReal dmag, dot_ours, dot_lib, wrms_ours, wrms_lib;
    VectorsCreate(lengths[c], 11 + (unsigned)c, &s);
    wrms_ours = N_VWrmsNorm(s.ours[0], s.ours[1]);
    wrms_lib  = N_VWrmsNorm(s.lib[0], s.lib[1]);
    dot_ours  = N_VDotProd(s.ours[0], s.ours[1]);
    dot_lib   = N_VDotProd(s.lib[0], s.lib[1]);
    TestCall(VecPointwiseMult(s.v[2], s.v[0], s.v[1]));
    TestCall(VecNorm(s.v[2], NORM_1, &dmag)); /* sum |x_i y_i|: the scale of the dot product's rounding */
    if (lengths[c] > 0) ck_assert_double_le(Relative(wrms_ours, wrms_lib), 8 * PETSC_MACHINE_EPSILON); /* else 0/0 in both */
    ck_assert_double_le(PetscAbsReal(dot_ours - dot_lib), 8 * PETSC_MACHINE_EPSILON * dmag);
    { /* x with itself (SPGMR's norms): one array read twice, against PETSc's 2-norm */
      PetscReal nx;
      TestCall(VecNorm(s.v[0], NORM_2, &nx));
      ck_assert_double_le(PetscAbsReal(N_VDotProd(s.ours[0], s.ours[0]) - nx * nx), 8 * PETSC_MACHINE_EPSILON * nx * nx);
    }
    VectorsDestroy(&s);
  }
}
END_TEST

/* closed forms, exact in floating point: x_i = 3 and w_i = 1/4 give a WRMS norm of 3/4;
 * x_i = 1, y_i = global index i give N (N - 1) / 2 */
START_TEST(reductions_match_closed_forms)
{
  for (size_t c = 1; c < sizeof lengths / sizeof lengths[0]; c++) {
    Vectors      s;
    PetscInt     lo, hi, N;
    PetscScalar *y;
    VectorsCreate(lengths[c], 5, &s);
    TestCall(VecSet(s.v[0], 3.0));
    TestCall(VecSet(s.v[1], 0.25));
    ck_assert_double_eq(N_VWrmsNorm(s.ours[0], s.ours[1]), 0.75);
    TestCall(VecSet(s.v[0], 1.0));
    TestCall(VecGetOwnershipRange(s.v[1], &lo, &hi));
    TestCall(VecGetSize(s.v[1], &N));
    TestCall(VecGetArray(s.v[1], &y));
    for (PetscInt i = lo; i < hi; i++) y[i - lo] = (PetscScalar)i;
    TestCall(VecRestoreArray(s.v[1], &y));
    ck_assert_double_eq(N_VDotProd(s.ours[0], s.ours[1]), 0.5 * (PetscReal)N * (PetscReal)(N - 1));
    VectorsDestroy(&s);
  }
}
END_TEST

/* CVODE's constraint codes: 2 means x > 0, 1 x >= 0, 0 none, -1 x <= 0, -2 x < 0. Every pair
 * of code and sign, with the mask the definition gives; a vector with no broken constraint
 * passes, one broken entry on any rank fails everywhere. */
static PetscBool Broken(PetscReal c, PetscReal x)
{
  if (c == 2) return x > 0 ? PETSC_FALSE : PETSC_TRUE;
  if (c == 1) return x >= 0 ? PETSC_FALSE : PETSC_TRUE;
  if (c == -1) return x <= 0 ? PETSC_FALSE : PETSC_TRUE;
  if (c == -2) return x < 0 ? PETSC_FALSE : PETSC_TRUE;
  return PETSC_FALSE;
}

START_TEST(constraint_mask_follows_the_definition)
{
  const PetscReal code[] = {2, 1, 0, -1, -2}, sign[] = {-1, 0, 1};
  const PetscInt  n      = 15 * 70; /* every pair, 70 times over: across lanes and the rank boundary */
  Vectors         s;
  PetscScalar    *c, *x;
  const PetscScalar *m;
  PetscMPIInt     rank;
  booleantype     ok;
  VectorsCreate(n, 3, &s);
  TestCall(VecGetArray(s.v[0], &c));
  TestCall(VecGetArray(s.v[1], &x));
  for (PetscInt i = 0; i < n; i++) {
    c[i] = code[(i / 3) % 5];
    x[i] = sign[i % 3] * (1 + i % 7);
  }
  TestCall(VecRestoreArray(s.v[0], &c));
  TestCall(VecRestoreArray(s.v[1], &x));
  ok = N_VConstrMask(s.ours[0], s.ours[1], s.ours[2]);
  ck_assert_int_eq(ok, SUNFALSE);
  TestCall(VecGetArrayRead(s.v[2], &m));
  TestCall(VecGetArray(s.v[0], &c));
  TestCall(VecGetArray(s.v[1], &x));
  for (PetscInt i = 0; i < n; i++) ck_assert_double_eq(m[i], Broken(c[i], x[i]) ? 1.0 : 0.0);
  for (PetscInt i = 0; i < n; i++) x[i] = Broken(c[i], x[i]) ? -x[i] + (c[i] > 0 ? 1 : -1) : x[i]; /* mend every broken entry */
  TestCall(VecRestoreArray(s.v[0], &c));
  TestCall(VecRestoreArray(s.v[1], &x));
  TestCall(VecRestoreArrayRead(s.v[2], &m));
  ck_assert_int_eq(N_VConstrMask(s.ours[0], s.ours[1], s.ours[2]), SUNTRUE);
  TestCall(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  TestCall(VecGetArray(s.v[1], &x));
  if (rank == 0) x[0] = -5; /* the first code is 2: broken on rank 0 only */
  TestCall(VecRestoreArray(s.v[1], &x));
  ck_assert_int_eq(N_VConstrMask(s.ours[0], s.ours[1], s.ours[2]), SUNFALSE);
  VectorsDestroy(&s);
}
END_TEST

/* Z_k = a_k x + Y_k, with Z = Y (in place) and Z != Y, against the library's N_VScaleAddMulti */
START_TEST(scale_add_multi_agrees_with_the_library)
{
  for (size_t c = 0; c < sizeof lengths / sizeof lengths[0]; c++) {
    Vectors   s, r;
    realtype  a[2] = {0.3, -7.0};
    PetscReal diff = 0, size = 0;
    VectorsCreate(lengths[c], 23, &s);
    VectorsCreate(lengths[c], 23, &r); /* the same values: the library works on these */
    ck_assert_int_eq(N_VScaleAddMulti(2, a, s.ours[0], &s.ours[1], &s.ours[1]), 0);     /* in place */
    ck_assert_int_eq(N_VScaleAddMulti(2, a, r.lib[0], &r.lib[1], &r.lib[1]), 0);
    ck_assert_int_eq(DSNVectorScaleAddMulti(1, a, s.ours[0], &s.ours[3], &s.ours[2]), 0); /* Z != Y */
    ck_assert_int_eq(N_VScaleAddMulti(1, a, r.lib[0], &r.lib[3], &r.lib[2]), 0);
    for (int k = 1; k < 4; k++) {
      PetscReal d, m;
      TestCall(VecAXPY(r.v[k], -1.0, s.v[k]));
      TestCall(VecNorm(r.v[k], NORM_INFINITY, &d));
      TestCall(VecNorm(s.v[k], NORM_INFINITY, &m));
      diff = PetscMax(diff, d);
      size = PetscMax(size, m);
    }
    ck_assert_double_le(diff, 4 * PETSC_MACHINE_EPSILON * size);
    VectorsDestroy(&r);
    VectorsDestroy(&s);
  }
}
END_TEST

/* CVODE and SPGMR make their work vectors by N_VClone: the clones must carry our table */
START_TEST(clones_keep_the_kernels)
{
  Vectors  s;
  N_Vector w;
  VectorsCreate(9, 1, &s);
  w = N_VClone(s.ours[0]);
  ck_assert_ptr_nonnull(w);
  ck_assert_ptr_eq(w->ops->nvwrmsnorm, s.ours[0]->ops->nvwrmsnorm);
  ck_assert_ptr_ne(w->ops->nvwrmsnorm, s.lib[0]->ops->nvwrmsnorm);
  N_VDestroy(w);
  VectorsDestroy(&s);
}
END_TEST

int main(int argc, char **argv)
{
  Suite *suite = suite_create("nvector");
  TCase *tc    = tcase_create("kernels");
  tcase_add_test(tc, reductions_agree_with_the_library);
  tcase_add_test(tc, reductions_match_closed_forms);
  tcase_add_test(tc, constraint_mask_follows_the_definition);
  tcase_add_test(tc, scale_add_multi_agrees_with_the_library);
  tcase_add_test(tc, clones_keep_the_kernels);
  suite_add_tcase(suite, tc);
  return DSTestRun(argc, argv, suite);
}
