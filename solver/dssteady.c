#include "dssteady.h"

static PetscErrorCode DSSteadyResidual(SNES snes, Vec U, Vec F, void *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(DSProblemComputeRHS((DSProblem)ctx, 0, U, F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSSteadyJacobian(SNES snes, Vec U, Mat J, Mat P, void *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(DSProblemComputeJacobian((DSProblem)ctx, 0, U, P));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSSteadySolve(DSProblem prob, Vec U, DSSteadyStats *stats)
{
  SNES snes;
  KSP  ksp;
  Mat  J;
  Vec  F;
  DM   dm;

  PetscFunctionBeginUser;
  PetscCall(DSProblemGetDM(prob, &dm));
  PetscCall(SNESCreate(PetscObjectComm((PetscObject)dm), &snes));
  PetscCall(SNESSetOptionsPrefix(snes, "steady_"));
  PetscCall(VecDuplicate(U, &F));
  PetscCall(DSProblemCreateMatrix(prob, &J));
  PetscCall(SNESSetFunction(snes, F, DSSteadyResidual, prob));
  PetscCall(SNESSetJacobian(snes, J, J, DSSteadyJacobian, prob));
  PetscCall(SNESSetTolerances(snes, 1e-50, 1e-12, 1e-14, 100, 10000));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPGMRES));
  PetscCall(KSPSetTolerances(ksp, 1e-12, 1e-50, PETSC_DEFAULT, 2000));
  PetscCall(SNESSetFromOptions(snes));
  PetscCall(SNESSolve(snes, NULL, U));
  PetscCall(SNESGetConvergedReason(snes, &stats->reason));
  PetscCall(SNESGetIterationNumber(snes, &stats->newton_iters));
  PetscCall(SNESGetLinearSolveIterations(snes, &stats->linear_iters));
  PetscCall(DSProblemComputeRHS(prob, 0, U, F));
  PetscCall(VecNorm(F, NORM_2, &stats->residual));
  PetscCheck(stats->reason > 0, PetscObjectComm((PetscObject)dm), PETSC_ERR_NOT_CONVERGED, "steady Newton solve did not converge: %s after %" PetscInt_FMT " iterations, |F| = %g",
             SNESConvergedReasons[stats->reason], stats->newton_iters, (double)stats->residual);
  PetscCall(VecDestroy(&F));
  PetscCall(MatDestroy(&J));
  PetscCall(SNESDestroy(&snes));
  PetscFunctionReturn(PETSC_SUCCESS);
}
