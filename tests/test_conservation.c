/* Conservation: the discrete identity sum_i V_i dU_i/dt = boundary influx + reaction (to
 * round-off, at any state), influx = consumption at steady state (<= 1e-8 relative), and in a
 * transient the change of the total equals the time integral of influx + reaction. */
#include "dstest.h"
#include "dsintegrator.h"

static const char *healthy = "-model nutrient -mesh_type axisymmetric -mesh_nr 100 -mesh_nz 50";

static void IdentityOn(const char *options)
{
  DSMesh       mesh;
  DSModel      model;
  DSProblem    prob;
  DM           dm;
  Vec          U, F;
  DSBalance    bal[3];
  PetscScalar *u;
  const PetscScalar *f;
  PetscInt     n, xs[3], xm[3], c = 0;
  PetscReal    local[3] = {0, 0, 0}, sumVF[3];
  unsigned     seed = 3;

  TestCall(DSTestCreate(options, &mesh, &model, &prob));
  TestCall(DSProblemGetDM(prob, &dm));
  TestCall(DMCreateGlobalVector(dm, &U));
  TestCall(VecDuplicate(U, &F));
  TestCall(DSProblemInitialState(prob, U));
  TestCall(VecGetLocalSize(U, &n));
  TestCall(VecGetArray(U, &u));
  for (PetscInt i = 0; i < n; i++) u[i] *= 0.2 + 1.6 * rand_r(&seed) / (PetscReal)RAND_MAX; /* a rough, far-from-steady state */
  TestCall(VecRestoreArray(U, &u));
  TestCall(DSProblemComputeRHS(prob, 0, U, F));
  TestCall(DSProblemComputeBalance(prob, 0, U, bal));
  TestCall(DMDAGetCorners(dm, &xs[0], &xs[1], &xs[2], &xm[0], &xm[1], &xm[2]));
  TestCall(VecGetArrayRead(F, &f));
  for (PetscInt k = xs[2]; k < xs[2] + xm[2]; k++)
    for (PetscInt j = xs[1]; j < xs[1] + xm[1]; j++)
      for (PetscInt i = xs[0]; i < xs[0] + xm[0]; i++, c++) {
        DSCell cell;
        TestCall(DSMeshGetCell(mesh, i, j, k, &cell));
        if (cell.region == DS_REGION_OUTSIDE) continue;
        for (int s = 0; s < 3; s++) local[s] += cell.volume * f[3 * c + s];
      }
  TestCall(VecRestoreArrayRead(F, &f));
  ck_assert_int_eq(MPI_Allreduce(local, sumVF, 3, MPIU_REAL, MPI_SUM, PETSC_COMM_WORLD), MPI_SUCCESS);
  for (int s = 0; s < 3; s++) {
    PetscReal scale = PetscAbsReal(bal[s].influx) + PetscAbsReal(bal[s].reaction);
    PetscReal rel   = PetscAbsReal(sumVF[s] - bal[s].influx - bal[s].reaction) / scale;
    printf("identity (%s) species %d: sum V dU/dt = %.6e, influx + reaction = %.6e nmol/h (per mm^2 for the slab), relative difference %.1e\n", options, s, (double)sumVF[s], (double)(bal[s].influx + bal[s].reaction), (double)rel);
    ck_assert_double_lt(rel, 1e-12);
  }
  TestCall(VecDestroy(&U));
  TestCall(VecDestroy(&F));
  TestCall(DSTestDestroy(&mesh, &model, &prob));
}

START_TEST(discrete_identity)
{
  IdentityOn(healthy);
  IdentityOn("-model nutrient -mesh_type 3d -mesh_nx 20 -mesh_ny 30 -mesh_nz 12");
  IdentityOn("-model nutrient -mesh_type slab -mesh_nz 64");
}
END_TEST

START_TEST(steady_influx_equals_consumption)
{
  DSMesh        mesh;
  DSModel       model;
  DSProblem     prob;
  DM            dm;
  Vec           U;
  DSBalance     bal[3];
  DSSteadyStats st;

  TestCall(DSTestCreate(healthy, &mesh, &model, &prob));
  TestCall(DSProblemGetDM(prob, &dm));
  TestCall(DMCreateGlobalVector(dm, &U));
  TestCall(DSProblemInitialState(prob, U));
  TestCall(DSSteadySolveOrError(prob, U, &st));
  TestCall(DSProblemComputeBalance(prob, 0, U, bal));
  for (int s = 0; s < 3; s++) {
    PetscReal rel = PetscAbsReal(bal[s].influx + bal[s].reaction) / PetscAbsReal(bal[s].influx);
    printf("steady species %d: influx %.8e, reaction %.8e nmol/h, imbalance %.1e (Newton %d its)\n", s, (double)bal[s].influx, (double)bal[s].reaction, (double)rel, (int)st.newton_iters);
    ck_assert_double_lt(rel, 1e-8);
    ck_assert_double_gt(PetscAbsReal(bal[s].influx), 0);
  }
  /* oxygen and glucose flow in, lactate flows out */
  ck_assert_double_gt(bal[0].influx, 0);
  ck_assert_double_gt(bal[1].influx, 0);
  ck_assert_double_lt(bal[2].influx, 0);
  TestCall(VecDestroy(&U));
  TestCall(DSTestDestroy(&mesh, &model, &prob));
}
END_TEST

#define NOUT 241
typedef struct {
  DSProblem prob;
  PetscInt  n;
  PetscReal t[NOUT + 2];
  DSBalance bal[NOUT + 2][3];
} Record;

static PetscErrorCode RecordBalance(void *ctx, PetscReal t, Vec U)
{
  Record *r = (Record *)ctx;
  PetscFunctionBeginUser;
  if (r->n > 0 && t <= r->t[r->n - 1]) PetscFunctionReturn(PETSC_SUCCESS);
  r->t[r->n] = t;
  PetscCall(DSProblemComputeBalance(r->prob, t, U, r->bal[r->n]));
  r->n++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

START_TEST(transient_change_balances_flux_and_reaction)
{
  DSMesh       mesh;
  DSModel      model;
  DSIntegrator integ;
  DM           dm;
  Vec          U;
  static Record rec;
  char         opts[8192], *p;

  /* from the boundary values everywhere (smooth in time: no initial flux singularity), outputs every 0.05 h over 12 h */
  p = opts + sprintf(opts, "%s -time_final 12 -cvode_rtol 1e-9 -cvode_atol_factor 1e-12 -output_times ", healthy);
  for (int i = 1; i < NOUT - 1; i++) p += sprintf(p, "%s%g", i > 1 ? "," : "", 0.05 * i);
  memset(&rec, 0, sizeof rec);
  TestCall(DSTestCreate(opts, &mesh, &model, &rec.prob));
  TestCall(DSProblemGetDM(rec.prob, &dm));
  TestCall(DMCreateGlobalVector(dm, &U));
  TestCall(DSProblemInitialState(rec.prob, U));
  TestCall(DSIntegratorCreate(rec.prob, &integ));
  TestCall(DSIntegratorSetFromOptions(integ));
  TestCall(DSIntegratorSetProgress(integ, PETSC_FALSE));
  TestCall(DSIntegratorSetMonitor(integ, RecordBalance, &rec));
  TestCall(DSIntegratorSolve(integ, U));
  ck_assert_int_eq(rec.n, NOUT);
  /* The boundary flux starts like sqrt(t) (a stiff start-up layer no quadrature resolves), so
   * integrate from t = 1 h: Simpson's rule over the equally spaced outputs (an odd number). */
  const int first = 20;
  ck_assert_double_eq_tol(rec.t[first], 1.0, 1e-12);
  for (int s = 0; s < 3; s++) {
    PetscReal integral = 0, throughput = 0, h = rec.t[1] - rec.t[0];
    for (int i = first; i < NOUT; i++) {
      PetscReal w = (i == first || i == NOUT - 1) ? 1 : ((i - first) % 2 ? 4 : 2);
      integral += w * h / 3 * (rec.bal[i][s].influx + rec.bal[i][s].reaction);
      throughput += w * h / 3 * PetscAbsReal(rec.bal[i][s].influx);
    }
    PetscReal change = rec.bal[NOUT - 1][s].stored - rec.bal[first][s].stored;
    PetscReal rel    = PetscAbsReal(change - integral) / throughput;
    printf("transient species %d, 1 h to 12 h: change of total %.8e nmol, integral of influx + reaction %.8e nmol, relative to throughput %.1e\n", s, (double)change, (double)integral, (double)rel);
    ck_assert_double_lt(rel, 1e-7);
  }
  TestCall(VecDestroy(&U));
  TestCall(DSIntegratorDestroy(&integ));
  TestCall(DSTestDestroy(&mesh, &model, &rec.prob));
}
END_TEST

Suite *ConservationSuite(void)
{
  Suite *s  = suite_create("conservation");
  TCase *tc = tcase_create("balances");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, discrete_identity);
  tcase_add_test(tc, steady_influx_equals_consumption);
  tcase_add_test(tc, transient_change_balances_flux_and_reaction);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) { return DSTestRun(argc, argv, ConservationSuite()); }
