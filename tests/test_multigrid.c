/* The grid multigrid's coarse operators (solver/ts/dsmultigrid.c sums them aggregate by
 * aggregate) against PETSc's own Galerkin product MatPtAP with the same interpolations, level by
 * level down the hierarchy, on grids with odd cell counts (on 2 ranks some aggregates then
 * straddle the rank boundary and are summed on another rank), again after the Jacobian's values
 * change, and a linear solve preconditioned by the hierarchy. Runs on 1 and 2 ranks. */
#include "dstest.h"
#include "dsmultigrid.h"

static const char *settings[] = {
  "-model nutrient -mesh_type 3d -mesh_nx 13 -mesh_ny 17 -mesh_nz 9",
  "-model nutrient -mesh_type axisymmetric -mesh_nr 41 -mesh_nz 23",
  "-model biology -mesh_type axisymmetric -mesh_nr 21 -mesh_nz 11",
};

/* max over the coarse levels of |ours - R|_F / |R|_F, R = P^T R_finer P from J by MatPtAP alone */
static PetscReal WorstGalerkinDifference(PC pc, Mat J, PetscInt levels)
{
  Mat       finer = J;
  PetscReal worst = 0;
  for (PetscInt l = levels - 1; l > 0; l--) {
    Mat       P, ours, ref, diff;
    KSP       smoother;
    PetscReal nref, ndiff;
    TestCall(PCMGGetInterpolation(pc, l, &P));
    TestCall(MatPtAP(finer, P, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &ref));
    TestCall(PCMGGetSmoother(pc, l - 1, &smoother));
    TestCall(KSPGetOperators(smoother, &ours, NULL));
    TestCall(MatDuplicate(ref, MAT_COPY_VALUES, &diff));
    TestCall(MatAXPY(diff, -1.0, ours, DIFFERENT_NONZERO_PATTERN));
    TestCall(MatNorm(ref, NORM_FROBENIUS, &nref));
    TestCall(MatNorm(diff, NORM_FROBENIUS, &ndiff));
    ck_assert_double_gt(nref, 0);
    worst = PetscMax(worst, ndiff / nref);
    TestCall(MatDestroy(&diff));
    if (finer != J) TestCall(MatDestroy(&finer));
    finer = ref;
  }
  if (finer != J) TestCall(MatDestroy(&finer));
  return worst;
}

START_TEST(coarse_operators_equal_petsc_galerkin_products)
{
  for (size_t c = 0; c < sizeof settings / sizeof settings[0]; c++) {
    DSMesh       mesh;
    DSModel      model;
    DSProblem    prob;
    DM           dm;
    Vec          U, b, x;
    Mat          J;
    KSP          ksp;
    PC           pc;
    PetscInt     levels, n, its;
    PetscScalar *u;
    PetscReal    first, second, res, nb;
    unsigned     seed = 11;
    KSPConvergedReason reason;

    TestCall(DSTestCreate(settings[c], &mesh, &model, &prob));
    TestCall(DSProblemGetDM(prob, &dm));
    TestCall(DMCreateGlobalVector(dm, &U));
    TestCall(DSProblemInitialState(prob, U));
    TestCall(DSProblemCreateMatrix(prob, &J));
    TestCall(DSProblemComputeJacobian(prob, 0, U, J));
    TestCall(KSPCreate(PETSC_COMM_WORLD, &ksp));
    TestCall(KSPSetOperators(ksp, J, J));
    TestCall(KSPGetPC(ksp, &pc));
    TestCall(DSMultigridSetUp(pc, dm, 40, PETSC_TRUE, &levels)); /* a small coarsest grid: several levels */
    ck_assert_int_ge(levels, 3);
    TestCall(DSMultigridUpdate(pc, J));
    first = WorstGalerkinDifference(pc, J, levels);
    /* new values, same pattern (the next Newton iteration): the operators follow */
    TestCall(VecGetLocalSize(U, &n));
    TestCall(VecGetArray(U, &u));
    for (PetscInt i = 0; i < n; i++) u[i] *= DSTestUniform(&seed, 0.2, 1.8);
    TestCall(VecRestoreArray(U, &u));
    TestCall(DSProblemComputeJacobian(prob, 0, U, J));
    TestCall(MatScale(J, -0.5)); /* I - gamma J as in a time step, well conditioned */
    TestCall(MatShift(J, 1.0));
    TestCall(DSMultigridUpdate(pc, J));
    second = WorstGalerkinDifference(pc, J, levels);
    /* the hierarchy preconditions a solve with I - gamma J to 1e-10 */
    TestCall(KSPSetType(ksp, KSPGMRES));
    TestCall(KSPSetTolerances(ksp, 1e-10, 1e-50, PETSC_DEFAULT, 200));
    TestCall(KSPSetFromOptions(ksp));
    TestCall(VecDuplicate(U, &b));
    TestCall(VecDuplicate(U, &x));
    TestCall(VecCopy(U, b));
    TestCall(KSPSolve(ksp, b, x));
    TestCall(KSPGetConvergedReason(ksp, &reason));
    TestCall(KSPGetIterationNumber(ksp, &its));
    TestCall(MatMult(J, x, U));
    TestCall(VecAXPY(U, -1.0, b));
    TestCall(VecNorm(U, NORM_2, &res));
    TestCall(VecNorm(b, NORM_2, &nb));
    TestCall(PetscPrintf(PETSC_COMM_WORLD, "%s: %d levels; coarse operators vs MatPtAP %.2e, after new values %.2e; GMRES with the hierarchy: %d iterations, residual %.2e\n", settings[c], (int)levels, (double)first, (double)second, (int)its, (double)(res / nb)));
    ck_assert_double_lt(first, 1e-14);
    ck_assert_double_lt(second, 1e-14);
    ck_assert_int_gt(reason, 0);
    ck_assert_double_lt(res / nb, 1e-8);
    TestCall(VecDestroy(&b));
    TestCall(VecDestroy(&x));
    TestCall(KSPDestroy(&ksp));
    TestCall(MatDestroy(&J));
    TestCall(VecDestroy(&U));
    TestCall(DSTestDestroy(&mesh, &model, &prob));
  }
}
END_TEST

int main(int argc, char **argv)
{
  Suite *suite = suite_create("multigrid");
  TCase *tc    = tcase_create("multigrid");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, coarse_operators_equal_petsc_galerkin_products);
  suite_add_tcase(suite, tc);
  return DSTestRun(argc, argv, suite);
}
