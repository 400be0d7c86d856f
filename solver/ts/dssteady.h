/* DSSteady: the steady state F(U) = 0 of a DSProblem by Newton-Krylov (PETSc SNES, line search)
 * with the problem's analytic Jacobian. Options prefix -steady_ (e.g. -steady_snes_rtol,
 * -steady_pc_type); the default preconditioner is the integrator's (DSSetDefaultPreconditioner). */
#ifndef DSSTEADY_H
#define DSSTEADY_H
#include <petscsnes.h>
#include "dsproblem.h"

typedef struct _p_DSSteady *DSSteady;

typedef struct {
  PetscInt            newton_iters, linear_iters;
  PetscReal           residual; /* final 2-norm of F over all species, each in its unit/h */
  SNESConvergedReason reason;   /* > 0: converged */
  PetscReal           wall;     /* s, the coarse grids included */
  PetscInt            coarse_grids, coarse_newton_iters; /* grid sequencing: coarser grids solved first, their Newton iterations */
} DSSteadyStats;

/* Reads every -steady_ option (so misspelt keys are caught); the preconditioner is built by the
 * first Newton iteration. */
PetscErrorCode DSSteadyCreate(DSProblem prob, Vec U, DSSteady *steady);
/* Points the solver at another problem on the same mesh (a study's next member): the matrix, its
 * pattern and the multigrid hierarchy are kept; the solver's settings and this run's -steady_
 * options are applied again. */
PetscErrorCode DSSteadySetProblem(DSSteady steady, DSProblem prob);
/* Grid sequencing (-steady_coarse_grids): solve on n coarser grids first (each halving the cells
 * in every direction) and start from their interpolated solution; -1: in 1D and 2D while the
 * coarser grid keeps at least 5000 cells, none in 3D; 0 (the default of a new solver): none.
 * Image meshes are not coarsened. */
PetscErrorCode DSSteadySetCoarseGrids(DSSteady steady, PetscInt n);
/* Solves in place from U; non-convergence is reported in stats->reason, not raised. */
PetscErrorCode DSSteadySolve(DSSteady steady, Vec U, DSSteadyStats *stats);
/* Solves J x = b with J = dF/dU at U (the steady state), by the Newton solver's KSP to a relative
 * residual of 1e-12: the tangent systems of parametric sensitivities. */
PetscErrorCode DSSteadySolveTangent(DSSteady steady, Vec U, Vec b, Vec x);
PetscErrorCode DSSteadyDestroy(DSSteady *steady);
/* Create, solve, destroy; an error when Newton does not converge. */
PetscErrorCode DSSteadySolveOrError(DSProblem prob, Vec U, DSSteadyStats *stats);
#endif
