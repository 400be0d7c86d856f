/* Private to solver/ts (and its tests): the Newton matrix P = I - gammaP J of an implicit step,
 * stored without J. With J still valid, P is rescaled to a new gamma and J v is recovered from P:
 *   I - g J = r (I - gP J) + (1 - r) I,  r = g/gP        (DSNewtonMatrixRescale)
 *   J v     = (v - P v)/gP                                (DSNewtonMatrixJacobianTimes)
 * Both are exact in exact arithmetic; in floating point J v loses about eps |v|/gP, which CVODE
 * tolerates because it forms v - gamma J v from it with gamma within 30 % of gP. */
#ifndef DSNEWTONIMPL_H
#define DSNEWTONIMPL_H
#include <petscmat.h>

/* P holds J on entry and I - gamma J on return */
PetscErrorCode DSNewtonMatrixFromJacobian(Mat P, PetscReal gamma);
/* P = I - gammaP J on entry, I - gamma J on return */
PetscErrorCode DSNewtonMatrixRescale(Mat P, PetscReal gammaP, PetscReal gamma);
/* Jv = J v from P = I - gammaP J */
PetscErrorCode DSNewtonMatrixJacobianTimes(Mat P, PetscReal gammaP, Vec v, Vec Jv);
#endif
