/* DSSteadySolve: the steady state F(U) = 0 of a DSProblem by Newton-Krylov (PETSc SNES) with the
 * problem's analytic Jacobian. Options prefix -steady_ (e.g. -steady_snes_rtol, -steady_pc_type). */
#ifndef DSSTEADY_H
#define DSSTEADY_H
#include <petscsnes.h>
#include "dsproblem.h"

typedef struct {
  PetscInt            newton_iters, linear_iters;
  PetscReal           residual; /* final 2-norm of F, unit/h */
  SNESConvergedReason reason;
} DSSteadyStats;

PetscErrorCode DSSteadySolve(DSProblem prob, Vec U, DSSteadyStats *stats);
#endif
