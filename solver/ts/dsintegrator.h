/* DSIntegrator: CVODE (BDF, Newton, SPGMR) on a DSProblem, with the Newton matrix I - gamma J
 * assembled into a PETSc Mat and solved by a PETSc KSP (options prefix -newton_) as the
 * preconditioner. Runs to a final time or to steady state and calls a monitor at output times. */
#ifndef DSINTEGRATOR_H
#define DSINTEGRATOR_H
#include <petscksp.h>
#include "dsproblem.h"

typedef struct _p_DSIntegrator *DSIntegrator;

typedef struct {
  long      steps, rhs_evals, newton_iters, newton_fails, linear_iters, prec_setups, prec_solves, error_test_fails, inner_iters;
  PetscReal t_reached;     /* h */
  PetscBool steady;        /* the steady-state criterion was met */
  PetscReal rate;          /* last relative rate of change, 1/h (steady mode) */
  PetscReal steady_tol;    /* the criterion used, 1/h */
  PetscReal wall;          /* s */
} DSIntegratorStats;

typedef PetscErrorCode (*DSMonitorFn)(void *ctx, PetscReal t, Vec U);

PetscErrorCode DSIntegratorCreate(DSProblem prob, DSIntegrator *integ);
PetscErrorCode DSIntegratorSetFromOptions(DSIntegrator integ);
PetscErrorCode DSIntegratorSetUp(DSIntegrator integ, Vec U);
PetscErrorCode DSIntegratorSetSteady(DSIntegrator integ, PetscBool steady, PetscReal tol);
PetscErrorCode DSIntegratorSetMonitor(DSIntegrator integ, DSMonitorFn fn, void *ctx);
PetscErrorCode DSIntegratorSetProgress(DSIntegrator integ, PetscBool show);
/* The injections, sorted by time (copied): the integrator stops at each, adds it and restarts. */
PetscErrorCode DSIntegratorSetEvents(DSIntegrator integ, PetscInt n, const DSEvent events[]);
/* called after every accepted step and after every injection (for quantities tracked finely in time) */
PetscErrorCode DSIntegratorSetStepFunction(DSIntegrator integ, DSMonitorFn fn, void *ctx);
/* total injected into a species so far, and the time and amount of the last injection into it */
PetscErrorCode DSIntegratorGetInjected(DSIntegrator integ, PetscInt species, PetscReal *total, PetscReal *last_time, PetscReal *last_amount);
PetscErrorCode DSIntegratorSolve(DSIntegrator integ, Vec U);
PetscErrorCode DSIntegratorGetStats(DSIntegrator integ, DSIntegratorStats *stats);
PetscErrorCode DSIntegratorGetFinalTime(DSIntegrator integ, PetscReal *tfinal, PetscBool *steady);
PetscErrorCode DSIntegratorStatsView(const DSIntegratorStats *stats, PetscViewer viewer);
PetscErrorCode DSIntegratorDestroy(DSIntegrator *integ);
PetscErrorCode DSSetDefaultPreconditioner(DSProblem prob, KSP ksp, const char prefix[], PetscBool steady);
#endif
