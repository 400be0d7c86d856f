/* The Newton matrix of an implicit step, P = I - gamma J, kept without J (dsnewtonimpl.h). */
#include "dsnewtonimpl.h"

PetscErrorCode DSNewtonMatrixFromJacobian(Mat P, PetscReal gamma)
{
  PetscFunctionBeginUser;
  PetscCheck(gamma > 0, PetscObjectComm((PetscObject)P), PETSC_ERR_ARG_OUTOFRANGE, "Newton matrix: gamma must be > 0, not %g", (double)gamma);
  PetscCall(MatScale(P, -gamma));
  PetscCall(MatShift(P, 1.0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSNewtonMatrixRescale(Mat P, PetscReal gammaP, PetscReal gamma)
{
  PetscReal r = gamma / gammaP;

  PetscFunctionBeginUser;
  PetscCheck(gammaP > 0 && gamma > 0, PetscObjectComm((PetscObject)P), PETSC_ERR_ARG_OUTOFRANGE, "Newton matrix: gammas must be > 0, not %g and %g", (double)gammaP, (double)gamma);
  PetscCall(MatScale(P, r));
  PetscCall(MatShift(P, 1.0 - r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSNewtonMatrixJacobianTimes(Mat P, PetscReal gammaP, Vec v, Vec Jv)
{
  PetscFunctionBeginUser;
  PetscCall(MatMult(P, v, Jv));
  PetscCall(VecAXPBY(Jv, 1.0 / gammaP, -1.0 / gammaP, v)); /* (v - P v)/gP */
  PetscFunctionReturn(PETSC_SUCCESS);
}
