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

/* What it takes to continue an integration later from a state U at time t (a checkpoint). */
typedef struct {
  PetscReal         t;          /* h */
  PetscInt          next_event; /* injections before it have been applied */
  PetscReal         injected[DS_MAX_SPECIES], last_injection_time[DS_MAX_SPECIES], last_injection_amount[DS_MAX_SPECIES];
  DSIntegratorStats stats;      /* counters so far */
} DSIntegratorState;

/* Called with the state to save: when a checkpoint is due (after an accepted step or an
 * injection), and with failed = true for the last good state when the integration fails. */
typedef PetscErrorCode (*DSCheckpointFn)(void *ctx, const DSIntegratorState *state, Vec U, PetscBool failed);

PetscErrorCode DSIntegratorCreate(DSProblem prob, DSIntegrator *integ);
PetscErrorCode DSIntegratorSetFromOptions(DSIntegrator integ);
PetscErrorCode DSIntegratorSetUp(DSIntegrator integ, Vec U);
PetscErrorCode DSIntegratorSetSteady(DSIntegrator integ, PetscBool steady, PetscReal tol);
PetscErrorCode DSIntegratorSetMonitor(DSIntegrator integ, DSMonitorFn fn, void *ctx);
PetscErrorCode DSIntegratorSetProgress(DSIntegrator integ, PetscBool show);
/* The injections, sorted by time (copied): the integrator stops at each, adds it and restarts. */
PetscErrorCode DSIntegratorSetEvents(DSIntegrator integ, PetscInt n, const DSEvent events[]);
/* called after every accepted step, after every injection and at every output time, before the
 * monitor (for quantities tracked finely in time); times never decrease, and may repeat */
PetscErrorCode DSIntegratorSetStepFunction(DSIntegrator integ, DSMonitorFn fn, void *ctx);
/* total injected into a species so far, and the time and amount of the last injection into it */
PetscErrorCode DSIntegratorGetInjected(DSIntegrator integ, PetscInt species, PetscReal *total, PetscReal *last_time, PetscReal *last_amount);
/* Checkpoints every 'every' h of simulated time and every 'wall' s of wall time (0: never). */
PetscErrorCode DSIntegratorSetCheckpoint(DSIntegrator integ, DSCheckpointFn fn, void *ctx, PetscReal every, PetscReal wall);
/* The next DSIntegratorSolve continues from this state (U then holds the state at state->t):
 * no output at state->t (it was written), injections from state->next_event on. */
PetscErrorCode DSIntegratorSetRestart(DSIntegrator integ, const DSIntegratorState *state);
PetscErrorCode DSIntegratorGetOutputTimes(DSIntegrator integ, PetscInt *n, const PetscReal **tout);
PetscErrorCode DSIntegratorSolve(DSIntegrator integ, Vec U);
PetscErrorCode DSIntegratorGetStats(DSIntegrator integ, DSIntegratorStats *stats);
PetscErrorCode DSIntegratorGetFinalTime(DSIntegrator integ, PetscReal *tfinal, PetscBool *steady);
PetscErrorCode DSIntegratorStatsView(const DSIntegratorStats *stats, PetscViewer viewer);
PetscErrorCode DSIntegratorDestroy(DSIntegrator *integ);
PetscErrorCode DSSetDefaultPreconditioner(DSProblem prob, KSP ksp, const char prefix[], PetscBool steady);
#endif
