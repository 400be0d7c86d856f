#include <cvode/cvode.h>
#include <nvector/nvector_petsc.h>
#include <sunlinsol/sunlinsol_spgmr.h>
#include <petscksp.h>
#include <unistd.h>
#include "dsintegrator.h"
#include "dssundials.h"
#include "dsprogress.h"
#include "dsmultigrid.h"
#include "dsnewtonimpl.h"
#include "dsnvector.h"
#include "dsoptions.h"

#define DS_MAX_OUTPUT_TIMES 1024

struct _p_DSIntegrator {
  DSProblem      prob;
  MPI_Comm       comm;
  /* settings */
  PetscReal      tfinal, steady_tol, rtol, atol_factor, max_step;
  PetscBool      steady;
  PetscInt       max_steps, max_order, maxl, nout;
  PetscReal      tout[DS_MAX_OUTPUT_TIMES], eps_lin, nonlin_coef;
  PetscBool      progress, step_monitor, jv_matrix;
  /* state */
  Mat            P;            /* Newton matrix I - gammaP J, J = dF/dU at the last Jacobian evaluation */
  PetscReal      gammaP;       /* h: the gamma P was formed with; J itself is not kept (one matrix less) */
  KSP            ksp;
  Vec            Yout, dYdt;
  PetscErrorCode cb_error;     /* PETSc error raised inside a SUNDIALS callback */
  DSMonitorFn    monitor, step_fn;
  void          *monitor_ctx, *step_ctx;
  PetscInt       nevents, next_event;
  DSEvent       *events;        /* sorted by time */
  PetscReal      injected[DS_MAX_SPECIES], last_injection_time[DS_MAX_SPECIES], last_injection_amount[DS_MAX_SPECIES]; /* per species */
  DSIntegratorStats stats;
  /* checkpoints and restart */
  DSCheckpointFn    cp_fn;
  void             *cp_ctx;
  PetscReal         cp_every, cp_wall, cp_last_t, cp_last_wall;
  PetscBool         restarting;
  DSIntegratorState restart;
  PetscReal         t0;          /* h: where this integration starts */
  PetscInt          tiny_steps;  /* consecutive steps below the collapse threshold */
  PetscBool         warned_negative;
};

#define DS_TINY_STEP_FRACTION 1e-10 /* times max(t, 1 h): a step this small makes no progress */
#define DS_TINY_STEP_COUNT    100
#define DS_KRYLOV_RESTARTS    3 /* SPGMR may take (1 + this) x maxl iterations: 32 by default (30 before maxl became 8) */

PetscErrorCode DSIntegratorCreate(DSProblem prob, DSIntegrator *integ)
{
  DSIntegrator ig;
  DM           dm;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&ig));
  ig->prob        = prob;
  PetscCall(DSProblemGetDM(prob, &dm));
  ig->comm        = PetscObjectComm((PetscObject)dm);
  ig->tfinal      = 240;
  ig->steady_tol  = 1e-8;
  ig->rtol        = 1e-6;
  ig->atol_factor = 1e-6;
  ig->max_steps   = 100000;
  ig->max_order   = 5;
  ig->maxl        = 8; /* with DS_KRYLOV_RESTARTS: the biology year's answers and steps as with 30, 22 vectors less (doc/performance.md) */
  ig->eps_lin     = 1e-3; /* looser lets inexact-Newton noise stall the step size near steady state (doc/solver.md) */
  ig->progress    = PETSC_TRUE;
  ig->jv_matrix   = PETSC_TRUE; /* 15 % faster in 3D (nutrients 1e5 cells, biology 6.7e4 cells), neutral in 2D (doc/performance.md) */
  ig->nonlin_coef = 0.01; /* with eps_lin: linear accuracy 1e-5 of the error tolerance; 1e-4 stalls near steady state (doc/solver.md) */
  PetscCall(KSPCreate(ig->comm, &ig->ksp));
  PetscCall(KSPSetOptionsPrefix(ig->ksp, "newton_"));
  PetscCall(KSPSetType(ig->ksp, KSPPREONLY));
  *integ = ig;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* PETSc's own message for an unknown type does not name the key. */
static PetscErrorCode DSCheckTypeOption(const char key[], PetscFunctionList list)
{
  char      type[256];
  PetscBool set;
  void (*fn)(void);

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, key, type, sizeof type, &set));
  if (!set) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFunctionListFind(list, type, &fn));
  PetscCheck(fn, PETSC_COMM_WORLD, PETSC_ERR_ARG_UNKNOWN_TYPE, "input %s = %s is not a PETSc type: run discsim -help for the allowed ones", key, type);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Chosen by measurement (doc/performance.md, bench/run.py). 1D/2D time steps: geometric
 * multigrid (cell aggregation, Galerkin, SOR smoothing; dsmultigrid.h); 1D/2D steady Newton:
 * BoomerAMG, which keeps the linear iterations per Newton flat and, unlike the multigrid, did
 * not fail at 400x200. 3D time steps (I - gamma J): block-Jacobi ILU(0), 3x faster than
 * BoomerAMG at 1e5 cells and 1.4x faster than the multigrid; ILU(1) takes fewer iterations but
 * its factor held 360 MB per rank in the biology year (10 % faster there, 13 % slower for
 * the 3D nutrients). 3D steady Newton (J alone, with
 * Eisenstat-Walker tolerances): the geometric multigrid, flat iterations; SSOR
 * (-steady_pc_type eisenstat, or sor on several ranks) needs less memory. Applies only when the
 * user gave no -<prefix>pc_type. */
PetscErrorCode DSSetDefaultPreconditioner(DSProblem prob, KSP ksp, const char prefix[], PetscBool steady)
{
  PetscBool set;
  PC        pc;
  DSMesh    mesh;
  PetscInt  dim;
  char      key[128];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(key, sizeof key, "-%spc_type", prefix));
  PetscCall(PetscOptionsHasName(NULL, NULL, key, &set));
  if (set) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DSProblemGetMesh(prob, &mesh));
  PetscCall(DSMeshGetDimension(mesh, &dim));
  PetscCall(KSPGetPC(ksp, &pc));
  if (dim < 3 && steady) PetscCall(PCSetType(pc, PCHYPRE)); /* our multigrid made the 2D steady Newton fail at 400x200 */
  else if (dim < 3) {
    /* Time steps in 2D: the grid's geometric multigrid (DSMultigridSetUpFromOptions builds its
     * levels): a V-cycle costs a few matrix products where a BoomerAMG cycle cost 4 ms at 200x100,
     * so 2x less time to steady state at 100x50 to 400x200 with 1.5-3x the linear iterations
     * (doc/performance.md) */
    PetscCall(PCSetType(pc, PCMG));
  } else if (steady) {
    /* geometric multigrid on the grid (DSSteadyCreate builds the levels): 3.0 -> 4.0 linear
     * iterations per Newton from 1e5 to 1e6 cells against SSOR's 16 -> 29, 1.7x less CPU time
     * at 1e6 cells for 23 % more memory (doc/performance.md) */
    PetscCall(PCSetType(pc, PCMG));
  }
  else {
    PetscCall(PCSetType(pc, PCBJACOBI));
    PetscCall(PetscSNPrintf(key, sizeof key, "-%ssub_pc_factor_levels", prefix));
    PetscCall(PetscOptionsHasName(NULL, NULL, key, &set));
    if (!set) PetscCall(PetscOptionsSetValue(NULL, key, "0"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Adds every multiple of 'every' up to tfinal to the requested output times (sorted, no repeats). */
static int DSCompareReal(const void *a, const void *b) { return (*(const PetscReal *)a > *(const PetscReal *)b) - (*(const PetscReal *)a < *(const PetscReal *)b); }

static PetscErrorCode DSIntegratorMergeOutputTimes(DSIntegrator ig, PetscReal every)
{
  PetscInt n = ig->nout, m = 0;

  PetscFunctionBeginUser;
  for (PetscInt k = 1; k * every <= ig->tfinal * (1 + 1e-12); k++) ig->tout[n++] = k * every;
  qsort(ig->tout, n, sizeof(PetscReal), DSCompareReal);
  for (PetscInt i = 0; i < n; i++)
    if (m == 0 || ig->tout[i] > ig->tout[m - 1] * (1 + 1e-12)) ig->tout[m++] = ig->tout[i];
  ig->nout = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The raw values first: a value that is not a number, an empty one, an integer beyond its range
 * or a list too long is refused by key before PETSc parses it; times may carry a unit (37d). */
static PetscErrorCode DSIntegratorCheckOptions(void)
{
  const char *reals[][2] = {{"-time_final", "h"}, {"-time_steady_tol", "1/h"}, {"-output_interval", "h"}, {"-cvode_rtol", "1"}, {"-cvode_atol_factor", "1"},
                            {"-cvode_max_step", "h"}, {"-cvode_eps_lin", "1"}, {"-cvode_nonlin_coef", "1"}};

  PetscFunctionBeginUser;
  for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) PetscCall(DSOptionsCheckReal(reals[i][0], reals[i][1]));
  PetscCall(DSOptionsCheckRealArray("-output_times", "h", DS_MAX_OUTPUT_TIMES, PETSC_FALSE));
  PetscCall(DSOptionsCheckInt("-cvode_max_steps", 1, 100000000));
  PetscCall(DSOptionsCheckInt("-cvode_max_order", 1, 5));
  PetscCall(DSOptionsCheckInt("-cvode_krylov_max", 1, 500));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Time span, steady-state criterion and output times. */
static PetscErrorCode DSIntegratorReadTimeOptions(DSIntegrator ig, PetscOptionItems *PetscOptionsObject)
{
  PetscInt  nout = DS_MAX_OUTPUT_TIMES;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsReal("-time_final", "end of the simulation; with -time_steady the latest time to wait for steady state [h]", NULL, ig->tfinal, &ig->tfinal, NULL));
  PetscCheck(ig->tfinal > 0 && ig->tfinal <= 1e7, ig->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -time_final = %g h is out of range: allowed (0, 1e7] h", (double)ig->tfinal);
  PetscCall(PetscOptionsBool("-time_steady", "stop when the relative rate of change falls below -time_steady_tol [bool]", NULL, ig->steady, &ig->steady, NULL));
  PetscCall(PetscOptionsReal("-time_steady_tol", "steady state: max over species of |dU/dt|_max / |U|_max [1/h]", NULL, ig->steady_tol, &ig->steady_tol, NULL));
  PetscCheck(ig->steady_tol > 0 && ig->steady_tol < 1, ig->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -time_steady_tol = %g 1/h is out of range: allowed (0, 1) 1/h", (double)ig->steady_tol);
  PetscCall(PetscOptionsRealArray("-output_times", "times at which to write the fields, ascending, comma-separated [h]; t = 0 and the final time are always written", NULL, ig->tout, &nout, &set));
  ig->nout = set ? nout : 0;
  {
    PetscReal every = 0;
    PetscCall(PetscOptionsReal("-output_interval", "also write the fields every this many hours (0: only -output_times) [h]", NULL, every, &every, NULL));
    PetscCheck(every >= 0, ig->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -output_interval = %g h is out of range: allowed >= 0 h", (double)every);
    PetscCheck(every == 0 || ig->tfinal / every <= DS_MAX_OUTPUT_TIMES - ig->nout, ig->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -output_interval = %g h gives more than %d output times up to -time_final = %g h", (double)every,
               DS_MAX_OUTPUT_TIMES, (double)ig->tfinal);
    if (every > 0) PetscCall(DSIntegratorMergeOutputTimes(ig, every));
  }
  for (PetscInt i = 0; i < ig->nout; i++) {
    PetscCheck(ig->tout[i] >= 0 && ig->tout[i] <= ig->tfinal, ig->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -output_times: entry %" PetscInt_FMT " = %g h is out of range: allowed [0, -time_final = %g] h", i + 1,
               (double)ig->tout[i], (double)ig->tfinal);
    PetscCheck(i == 0 || ig->tout[i] > ig->tout[i - 1], ig->comm, PETSC_ERR_ARG_WRONG, "input -output_times must be strictly ascending: entry %" PetscInt_FMT " = %g h follows %g h", i + 1, (double)ig->tout[i],
               (double)ig->tout[i - 1]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* CVODE's tolerances, step and order limits, Krylov and Newton settings. */
static PetscErrorCode DSIntegratorReadCVODEOptions(DSIntegrator ig, PetscOptionItems *PetscOptionsObject)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsBool("-time_monitor", "print time, step size, order and rate of change after every step [bool]", NULL, ig->step_monitor, &ig->step_monitor, NULL));
  PetscCall(PetscOptionsReal("-cvode_rtol", "relative tolerance of the time integration [1]", NULL, ig->rtol, &ig->rtol, NULL));
  PetscCheck(ig->rtol >= 1e-14 && ig->rtol <= 1e-2, ig->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -cvode_rtol = %g is out of range: allowed [1e-14, 1e-2]", (double)ig->rtol);
  PetscCall(PetscOptionsReal("-cvode_atol_factor", "absolute tolerance as a fraction of each species' typical scale [1]", NULL, ig->atol_factor, &ig->atol_factor, NULL));
  PetscCheck(ig->atol_factor >= 1e-16 && ig->atol_factor <= 1e-2, ig->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -cvode_atol_factor = %g is out of range: allowed [1e-16, 1e-2]", (double)ig->atol_factor);
  PetscCall(PetscOptionsInt("-cvode_max_steps", "maximum number of time steps [1]", NULL, ig->max_steps, &ig->max_steps, NULL));
  PetscCall(PetscOptionsInt("-cvode_max_order", "maximum BDF order [1]", NULL, ig->max_order, &ig->max_order, NULL));
  PetscCall(PetscOptionsReal("-cvode_max_step", "largest time step, 0 for no limit [h]", NULL, ig->max_step, &ig->max_step, NULL));
  PetscCheck(ig->max_step >= 0, ig->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -cvode_max_step = %g h is out of range: allowed >= 0 h", (double)ig->max_step);
  PetscCheck(ig->max_step == 0 || ig->tfinal / ig->max_step <= (PetscReal)ig->max_steps, ig->comm, PETSC_ERR_ARG_INCOMP,
             "input -cvode_max_step = %g h needs at least %.3g steps to reach -time_final = %g h, more than -cvode_max_steps = %" PetscInt_FMT ": raise -cvode_max_step (or -cvode_max_steps)", (double)ig->max_step, (double)(ig->tfinal / ig->max_step), (double)ig->tfinal, ig->max_steps);
  PetscCall(PetscOptionsInt("-cvode_krylov_max", "maximum SPGMR Krylov dimension [1]", NULL, ig->maxl, &ig->maxl, NULL));
  PetscCall(PetscOptionsReal("-cvode_eps_lin", "linear solver tolerance relative to the Newton tolerance [1]", NULL, ig->eps_lin, &ig->eps_lin, NULL));
  PetscCheck(ig->eps_lin > 0 && ig->eps_lin < 1, ig->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -cvode_eps_lin = %g is out of range: allowed (0, 1)", (double)ig->eps_lin);
  PetscCall(PetscOptionsBool("-cvode_jv_matrix", "Krylov products with the last assembled Jacobian instead of difference quotients of the residual [bool]", NULL, ig->jv_matrix, &ig->jv_matrix, NULL));
  PetscCall(PetscOptionsReal("-cvode_nonlin_coef", "Newton convergence tolerance in units of the local error tolerance [1]", NULL, ig->nonlin_coef, &ig->nonlin_coef, NULL));
  PetscCheck(ig->nonlin_coef > 0 && ig->nonlin_coef <= 1, ig->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -cvode_nonlin_coef = %g is out of range: allowed (0, 1]", (double)ig->nonlin_coef);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSIntegratorReadOptions(DSIntegrator ig, PetscOptionItems *PetscOptionsObject)
{
  PetscFunctionBeginUser;
  PetscCall(DSIntegratorReadTimeOptions(ig, PetscOptionsObject));
  PetscCall(DSIntegratorReadCVODEOptions(ig, PetscOptionsObject));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorSetFromOptions(DSIntegrator ig)
{
  PetscFunctionBeginUser;
  PetscCall(DSIntegratorCheckOptions());
  DSOptionsBlock(ig->comm, "Time integration (solver/)", DSIntegratorReadOptions(ig, PetscOptionsObject));
  /* The KSP reads its -newton_ options now, so that bad ones are caught before the run. */
  PetscCall(DSCheckTypeOption("-newton_ksp_type", KSPList));
  PetscCall(DSCheckTypeOption("-newton_pc_type", PCList));
  PetscCall(KSPSetFromOptions(ig->ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* P = I - gamma J. Only P is stored (dsnewtonimpl.h): with a Jacobian still valid (reuse), P is
 * rescaled to the new gamma and J v is recovered from it; CVODE calls a new set-up once gamma is
 * 30 % away from gP. */
static PetscErrorCode DSIntegratorFormNewtonMatrix(DSIntegrator ig, PetscReal t, Vec U, PetscBool reuse, PetscReal gamma)
{
  PetscFunctionBeginUser;
  if (reuse) PetscCall(DSNewtonMatrixRescale(ig->P, ig->gammaP, gamma));
  else {
    PetscCall(DSProblemComputeJacobian(ig->prob, t, U, ig->P));
    PetscCall(DSNewtonMatrixFromJacobian(ig->P, gamma));
  }
  ig->gammaP = gamma;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the multigrid's coarse operators (if it is the preconditioner) from the new Newton matrix */
static PetscErrorCode DSIntegratorUpdateMultigrid(DSIntegrator ig)
{
  PC pc;

  PetscFunctionBeginUser;
  PetscCall(KSPGetPC(ig->ksp, &pc));
  PetscCall(DSMultigridUpdate(pc, ig->P));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Builds the preconditioner once at the initial state: sub-solver options (-newton_sub_*) are
 * read only then, and misspelt ones must be caught before the run. */
PetscErrorCode DSIntegratorSetUp(DSIntegrator ig, Vec U)
{
  PetscFunctionBeginUser;
  if (!ig->P) {
    PetscCall(DSProblemCreateMatrix(ig->prob, &ig->P));
    PetscCall(VecDuplicate(U, &ig->Yout));
    PetscCall(VecDuplicate(U, &ig->dYdt));
  }
  PetscCall(DSIntegratorFormNewtonMatrix(ig, 0, U, PETSC_FALSE, 1e-3));
  PetscCall(KSPSetOperators(ig->ksp, ig->P, ig->P));
  /* the default (and its sub-options) only now, when this KSP is really used */
  PetscCall(DSSetDefaultPreconditioner(ig->prob, ig->ksp, "newton_", PETSC_FALSE));
  PetscCall(KSPSetFromOptions(ig->ksp));
  {
    DM dm;
    PetscCall(DSProblemGetDM(ig->prob, &dm));
    PetscCall(DSMultigridSetUpFromOptions(ig->ksp, dm, "newton_"));
  }
  PetscCall(DSIntegratorUpdateMultigrid(ig));
  PetscCall(KSPSetUp(ig->ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorSetSteady(DSIntegrator ig, PetscBool steady, PetscReal tol)
{
  PetscFunctionBeginUser;
  ig->steady = steady;
  if (tol > 0) ig->steady_tol = tol;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorSetEvents(DSIntegrator ig, PetscInt n, const DSEvent events[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(ig->events));
  PetscCall(PetscMalloc1(PetscMax(n, 1), &ig->events));
  for (PetscInt e = 1; e < n; e++) PetscCheck(events[e].time >= events[e - 1].time, ig->comm, PETSC_ERR_ARG_WRONG, "DSIntegratorSetEvents: events must be sorted by time (%s at %g h follows %g h)", events[e].label, (double)events[e].time, (double)events[e - 1].time);
  PetscCall(PetscArraycpy(ig->events, events, n));
  ig->nevents = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorSetMonitor(DSIntegrator ig, DSMonitorFn fn, void *ctx)
{
  PetscFunctionBeginUser;
  ig->monitor     = fn;
  ig->monitor_ctx = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorSetProgress(DSIntegrator ig, PetscBool show)
{
  PetscFunctionBeginUser;
  ig->progress = show;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* SUNDIALS callbacks: a PETSc error becomes an unrecoverable (-1) return, kept for re-raising. */
static int DSRHS(realtype t, N_Vector y, N_Vector ydot, void *ctx)
{
  DSIntegrator ig = (DSIntegrator)ctx;
  ig->cb_error    = DSProblemComputeRHS(ig->prob, t, N_VGetVector_Petsc(y), N_VGetVector_Petsc(ydot));
  return ig->cb_error ? -1 : 0;
}

static PetscErrorCode DSPrecSetupImpl(DSIntegrator ig, realtype t, Vec y, booleantype jok, booleantype *jcur, realtype gamma)
{
  PetscFunctionBeginUser;
  *jcur = !jok;
  PetscCall(DSIntegratorFormNewtonMatrix(ig, t, y, (PetscBool)jok, gamma));
  PetscCall(KSPSetOperators(ig->ksp, ig->P, ig->P));
  PetscCall(DSIntegratorUpdateMultigrid(ig));
  PetscCall(KSPSetUp(ig->ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int DSPrecSetup(realtype t, N_Vector y, N_Vector fy, booleantype jok, booleantype *jcur, realtype gamma, void *ctx)
{
  DSIntegrator ig = (DSIntegrator)ctx;
  ig->cb_error    = DSPrecSetupImpl(ig, t, N_VGetVector_Petsc(y), jok, jcur, gamma);
  return ig->cb_error ? -1 : 0;
}

static PetscErrorCode DSJacTimesImpl(DSIntegrator ig, Vec v, Vec Jv)
{
  PetscFunctionBeginUser;
  PetscCall(DSNewtonMatrixJacobianTimes(ig->P, ig->gammaP, v, Jv));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* J v with the Jacobian of the last preconditioner set-up, instead of CVODE's difference quotient
 * (one residual evaluation per Krylov iteration): Newton then iterates with the same, possibly
 * older, Jacobian as its preconditioner, as CVODE does with its direct solvers. */
static int DSJacTimes(N_Vector v, N_Vector Jv, realtype t, N_Vector y, N_Vector fy, void *ctx, N_Vector tmp)
{
  DSIntegrator ig = (DSIntegrator)ctx;
  ig->cb_error    = DSJacTimesImpl(ig, N_VGetVector_Petsc(v), N_VGetVector_Petsc(Jv));
  return ig->cb_error ? -1 : 0;
}

static PetscErrorCode DSPrecSolveImpl(DSIntegrator ig, Vec r, Vec z)
{
  PetscInt           its;
  KSPConvergedReason reason;

  PetscFunctionBeginUser;
  PetscCall(KSPSolve(ig->ksp, r, z));
  PetscCall(KSPGetConvergedReason(ig->ksp, &reason));
  PetscCheck(reason >= 0, ig->comm, PETSC_ERR_NOT_CONVERGED, "the preconditioner's KSP (-newton_ksp_type) diverged: %s", KSPConvergedReasons[reason]);
  PetscCall(KSPGetIterationNumber(ig->ksp, &its));
  ig->stats.inner_iters += its;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int DSPrecSolve(realtype t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z, realtype gamma, realtype delta, int lr, void *ctx)
{
  DSIntegrator ig = (DSIntegrator)ctx;
  ig->cb_error    = DSPrecSolveImpl(ig, N_VGetVector_Petsc(r), N_VGetVector_Petsc(z));
  return ig->cb_error ? -1 : 0;
}

/* max over species of |dU/dt|_inf / |U|_inf, in 1/h */
static PetscErrorCode DSIntegratorRelativeRate(DSIntegrator ig, Vec U, Vec dUdt, PetscReal *rate)
{
  PetscReal nu[DS_MAX_SPECIES], nd[DS_MAX_SPECIES];
  PetscInt  nsp;
  DSModel   model;

  PetscFunctionBeginUser;
  PetscCall(DSProblemGetModel(ig->prob, &model));
  PetscCall(DSModelGetNumSpecies(model, &nsp));
  PetscCall(VecStrideNormAll(U, NORM_INFINITY, nu));
  PetscCall(VecStrideNormAll(dUdt, NORM_INFINITY, nd));
  *rate = 0;
  for (PetscInt s = 0; s < nsp; s++) {
    const DSFieldInfo *info;
    PetscCall(DSModelGetField(model, s, &info));
    *rate = PetscMax(*rate, nd[s] / PetscMax(nu[s], ig->atol_factor * info->scale));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* CVODE's counters restart at every CVodeReInit (injections): add each segment's to the totals. */
/* CVODE's counters of the current segment added to 'to'. */
static PetscErrorCode DSIntegratorAddCounters(void *mem, DSIntegratorStats *to)
{
  long v[10];

  PetscFunctionBeginUser;
  DSCallSUNDIALS(CVodeGetNumSteps(mem, &v[0]));
  DSCallSUNDIALS(CVodeGetNumRhsEvals(mem, &v[1]));
  DSCallSUNDIALS(CVodeGetNumLinRhsEvals(mem, &v[2]));
  DSCallSUNDIALS(CVodeGetNumNonlinSolvIters(mem, &v[3]));
  DSCallSUNDIALS(CVodeGetNumNonlinSolvConvFails(mem, &v[4]));
  DSCallSUNDIALS(CVodeGetNumLinIters(mem, &v[5]));
  DSCallSUNDIALS(CVodeGetNumPrecEvals(mem, &v[6]));
  DSCallSUNDIALS(CVodeGetNumPrecSolves(mem, &v[7]));
  DSCallSUNDIALS(CVodeGetNumErrTestFails(mem, &v[8]));
  to->steps += v[0];
  to->rhs_evals += v[1] + v[2];
  to->newton_iters += v[3];
  to->newton_fails += v[4];
  to->linear_iters += v[5];
  to->prec_setups += v[6];
  to->prec_solves += v[7];
  to->error_test_fails += v[8];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSIntegratorAccumulateStats(DSIntegrator ig, void *mem)
{
  PetscFunctionBeginUser;
  PetscCall(DSIntegratorAddCounters(mem, &ig->stats));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a new Vec like 'like', wrapped; the N_Vector's owner (DSCVodeSessionDestroy) destroys both */
static PetscErrorCode DSIntegratorWrapNewVector(Vec like, SUNContext sunctx, N_Vector *nv)
{
  Vec            v;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(like, &v));
  ierr = DSNVectorMake(v, sunctx, nv);
  if (ierr) PetscCall(VecDestroy(&v));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSIntegratorCreateCVODE(DSIntegrator ig, SUNContext sunctx, N_Vector y, void **mem_out, SUNLinearSolver *ls, N_Vector *atol, N_Vector *constraints)
{
  Vec   va, vc;
  void *mem;

  PetscFunctionBeginUser;
  mem = CVodeCreate(CV_BDF, sunctx);
  PetscCheck(mem, ig->comm, PETSC_ERR_LIB, "CVodeCreate failed (out of memory?)");
  *mem_out = mem; /* from here on the session owns it, also on errors */
  DSCallSUNDIALS(CVodeSetErrHandlerFn(mem, DSSundialsErrorHandler, NULL));
  DSCallSUNDIALS(CVodeInit(mem, DSRHS, ig->t0, y));
  DSCallSUNDIALS(CVodeSetUserData(mem, ig));
  PetscCall(DSIntegratorWrapNewVector(N_VGetVector_Petsc(y), sunctx, atol));
  PetscCall(DSIntegratorWrapNewVector(N_VGetVector_Petsc(y), sunctx, constraints));
  va = N_VGetVector_Petsc(*atol);
  vc = N_VGetVector_Petsc(*constraints);
  PetscCall(DSProblemGetAbsoluteTolerances(ig->prob, ig->atol_factor, va));
  PetscCall(DSProblemGetConstraints(ig->prob, vc)); /* species >= 0, unless the model allows negative values */
  DSCallSUNDIALS(CVodeSVtolerances(mem, ig->rtol, *atol));
  {
    PetscReal any; /* CVODE refuses an all-zero constraint vector: no constraint is said by setting none */
    PetscCall(VecMax(vc, NULL, &any));
    if (any > 0) DSCallSUNDIALS(CVodeSetConstraints(mem, *constraints));
  }
  DSCallSUNDIALS(CVodeSetMaxNumSteps(mem, ig->max_steps));
  DSCallSUNDIALS(CVodeSetMaxOrd(mem, ig->max_order));
  if (ig->max_step > 0) DSCallSUNDIALS(CVodeSetMaxStep(mem, ig->max_step));
  *ls = SUNLinSol_SPGMR(y, SUN_PREC_LEFT, ig->maxl, sunctx);
  PetscCheck(*ls, ig->comm, PETSC_ERR_LIB, "SUNLinSol_SPGMR failed");
  DSCallSUNDIALS(CVodeSetLinearSolver(mem, *ls, NULL));
  DSCallSUNDIALS(CVodeSetPreconditioner(mem, DSPrecSetup, DSPrecSolve));
  if (ig->jv_matrix) DSCallSUNDIALS(CVodeSetJacTimes(mem, NULL, DSJacTimes));
  DSCallSUNDIALS(SUNLinSol_SPGMRSetMaxRestarts(*ls, DS_KRYLOV_RESTARTS));
  DSCallSUNDIALS(SUNLinSol_SPGMRSetGSType(*ls, SUN_CLASSICAL_GS)); /* with fused vector operations: one pass over the basis instead of one per vector */
  DSCallSUNDIALS(CVodeSetEpsLin(mem, ig->eps_lin));
  DSCallSUNDIALS(CVodeSetNonlinConvCoef(mem, ig->nonlin_coef));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSIntegratorMonitor(DSIntegrator ig, PetscReal t, Vec U)
{
  PetscFunctionBeginUser;
  if (ig->monitor) PetscCall(ig->monitor(ig->monitor_ctx, t, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -time_monitor: one line per step, naming the species whose local error estimate weighs most
 * in CVODE's error norm: the one that limits the step size. */
static PetscErrorCode DSIntegratorStepMonitor(DSIntegrator ig, void *mem, PetscReal t, N_Vector ele, N_Vector ewt)
{
  realtype           h;
  int                q;
  PetscReal          share[DS_MAX_SPECIES], total = 0;
  PetscInt           nsp, worst = 0;
  DSModel            model;
  const DSFieldInfo *info;

  PetscFunctionBeginUser;
  DSCallSUNDIALS(CVodeGetLastStep(mem, &h));
  DSCallSUNDIALS(CVodeGetLastOrder(mem, &q));
  PetscCall(DSProblemGetModel(ig->prob, &model));
  PetscCall(DSModelGetNumSpecies(model, &nsp));
  DSCallSUNDIALS(CVodeGetEstLocalErrors(mem, ele));
  DSCallSUNDIALS(CVodeGetErrWeights(mem, ewt));
  PetscCall(VecPointwiseMult(N_VGetVector_Petsc(ele), N_VGetVector_Petsc(ele), N_VGetVector_Petsc(ewt)));
  PetscCall(VecStrideNormAll(N_VGetVector_Petsc(ele), NORM_2, share));
  for (PetscInt s = 0; s < nsp; s++) {
    share[s] *= share[s];
    total += share[s];
    if (share[s] > share[worst]) worst = s;
  }
  PetscCall(DSModelGetField(model, worst, &info));
  PetscCall(PetscPrintf(ig->comm, "step t = %.6g h  dt = %.4g h  order %d  relative rate %.3g 1/h  error led by %s (%.0f %%)\n", (double)t, (double)h, q, (double)ig->stats.rate, info->name,
                        total > 0 ? 100 * share[worst] / total : 0.0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Fraction done: of the time span, or (steady mode) of the way down to the rate tolerance, in log scale. */
static PetscReal DSIntegratorFraction(DSIntegrator ig, PetscReal t, PetscReal rate0, PetscReal rate)
{
  PetscReal f = t / ig->tfinal;
  if (ig->steady && rate0 > ig->steady_tol && rate > 0) f = PetscMax(f, PetscLog10Real(rate0 / rate) / PetscLog10Real(rate0 / ig->steady_tol));
  return PetscMin(PetscMax(f, 0), 1);
}

/* CVODE keeps u >= 0 only to within its tolerances, but a restart (CVodeReInit) demands it
 * exactly: values in [-atol, 0) are round-off and become 0; anything below is an error. */
static PetscErrorCode DSIntegratorClipRoundoff(DSIntegrator ig, Vec U, Vec atol, Vec constraints)
{
  PetscScalar       *u;
  const PetscScalar *a, *c;
  PetscInt           n, bad = 0, gbad;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(U, &n));
  PetscCall(VecGetArray(U, &u));
  PetscCall(VecGetArrayRead(atol, &a));
  PetscCall(VecGetArrayRead(constraints, &c));
  for (PetscInt i = 0; i < n; i++) {
    if (u[i] >= 0 || c[i] == 0) continue;
    if (u[i] < -a[i]) bad++;
    else u[i] = 0;
  }
  PetscCall(VecRestoreArrayRead(constraints, &c));
  PetscCall(VecRestoreArrayRead(atol, &a));
  PetscCall(VecRestoreArray(U, &u));
  PetscCall(MPIU_Allreduce(&bad, &gbad, 1, MPIU_INT, MPI_SUM, ig->comm));
  PetscCheck(!gbad, ig->comm, PETSC_ERR_FP, "%" PetscInt_FMT " unknowns are negative beyond the absolute tolerance before a restart: the model lets a concentration go negative", gbad);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* An output at an interpolated time: CVODE's interpolant does not keep the constraints, so a
 * species may dip below zero there by up to its absolute tolerance. Those values are round-off at
 * the requested accuracy and are written as 0; anything further below is kept and reported (once
 * per run) with the species and the cell. */
static PetscErrorCode DSIntegratorCleanOutput(DSIntegrator ig, PetscReal t, Vec Y, Vec atol, Vec constraints, PetscBool *warned)
{
  PetscScalar       *y, *w;
  const PetscScalar *a, *c;
  PetscInt           n, bad = 0, gbad;
  char               where[320];

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(Y, &n));
  PetscCall(VecGetArray(Y, &y));
  PetscCall(VecGetArray(ig->dYdt, &w)); /* free at output times: the worst negative values */
  PetscCall(VecGetArrayRead(atol, &a));
  PetscCall(VecGetArrayRead(constraints, &c));
  for (PetscInt i = 0; i < n; i++) {
    w[i] = 0;
    if (y[i] >= 0 || c[i] == 0) continue;
    if (y[i] < -a[i]) bad++, w[i] = y[i] / a[i];
    else y[i] = 0;
  }
  PetscCall(VecRestoreArrayRead(constraints, &c));
  PetscCall(VecRestoreArrayRead(atol, &a));
  PetscCall(VecRestoreArray(ig->dYdt, &w));
  PetscCall(VecRestoreArray(Y, &y));
  PetscCall(MPIU_Allreduce(&bad, &gbad, 1, MPIU_INT, MPI_SUM, ig->comm));
  if (!gbad || *warned) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DSProblemLocateWorst(ig->prob, ig->dYdt, " (in units of its absolute tolerance)", NULL, NULL, where, sizeof where));
  PetscCall(PetscPrintf(ig->comm, "discsim: warning: the output at t = %g h has %" PetscInt_FMT " negative values beyond the absolute tolerance, the worst %s: tighten -cvode_rtol and -cvode_atol_factor (further such outputs are not reported)\n", (double)t, gbad, where));
  *warned = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The needle's injury (before its dose): recorded as an addition to the pulse species. */
static PetscErrorCode DSIntegratorInjure(DSIntegrator ig, DSModel model, const DSEvent *e, PetscReal t, Vec U)
{
  const DSInjury    *inj;
  const DSFieldInfo *into, *pulse = NULL;
  DSInjuryResult     res;
  DSMesh             mesh;
  PetscReal          height;

  PetscFunctionBeginUser;
  PetscCall(DSProblemInjure(ig->prob, e, U, &res));
  PetscCall(DSModelGetInjury(model, &inj));
  PetscCall(DSModelGetField(model, inj->killed_into, &into));
  if (inj->pulse >= 0) {
    PetscCall(DSModelGetField(model, inj->pulse, &pulse));
    ig->injected[inj->pulse] += res.pulse_track + res.pulse_bolus;
  }
  PetscCall(DSProblemGetMesh(ig->prob, &mesh));
  PetscCall(DSMeshGetHeight(mesh, &height));
  PetscCall(PetscPrintf(ig->comm, "t = %g h: needle injury of %s: needle %.3g mm (%.3g of the disc height), track from (%.2f, %.2f, %.2f) mm, %.4g mm^3 damaged: %g cells killed into %s, %g of %s added (%g along the track, %g over the injected volume)\n", (double)t,
                        e->label, (double)(2 * e->needle_radius), (double)(2 * e->needle_radius / height), (double)e->entry[0], (double)e->entry[1], (double)e->entry[2], (double)res.damaged, (double)res.killed, into->name,
                        (double)(res.pulse_track + res.pulse_bolus), pulse ? pulse->name : "nothing", (double)res.pulse_track, (double)res.pulse_bolus));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Applies every injection due at time t (in order) and records it. */
static PetscErrorCode DSIntegratorInject(DSIntegrator ig, PetscReal t, Vec U)
{
  DSModel            model;
  const DSFieldInfo *info;

  PetscFunctionBeginUser;
  PetscCall(DSProblemGetModel(ig->prob, &model));
  for (; ig->next_event < ig->nevents && ig->events[ig->next_event].time <= t + 1e-12 * PetscMax(1, t); ig->next_event++) {
    const DSEvent *e = &ig->events[ig->next_event];
    PetscReal      volume;
    char           amount_unit[64];
    if (e->injury) PetscCall(DSIntegratorInjure(ig, model, e, t, U)); /* the needle goes in before the dose */
    PetscCall(DSProblemInject(ig->prob, e, U, &volume));
    PetscCall(DSModelGetAmountUnit(model, e->species, PETSC_FALSE, PETSC_FALSE, amount_unit, sizeof amount_unit));
    PetscCall(DSModelGetField(model, e->species, &info));
    ig->injected[e->species] += e->amount;
    ig->last_injection_time[e->species]   = t;
    ig->last_injection_amount[e->species] = e->amount;
    if (PetscAbsReal(e->centre[0]) + PetscAbsReal(e->centre[1]) > 0) {
      DSMesh     mesh;
      DSMeshType type;
      PetscCall(DSProblemGetMesh(ig->prob, &mesh));
      PetscCall(DSMeshGetType(mesh, &type));
      if (type == DS_MESH_AXISYMMETRIC) PetscCall(PetscPrintf(ig->comm, "note: %s is centred off the axis of the axisymmetric mesh: it fills a ring around the axis\n", e->label));
    }
    PetscCall(PetscPrintf(ig->comm, "t = %g h: injected %s: %g %s of %s into %.4g mm^3 around (%.2f, %.2f, %.2f) mm\n", (double)t, e->label, (double)e->amount, amount_unit, info->name, (double)volume,
                            (double)e->centre[0], (double)e->centre[1], (double)e->centre[2]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal DSIntegratorNextStop(DSIntegrator ig)
{
  return ig->next_event < ig->nevents ? PetscMin(ig->events[ig->next_event].time, ig->tfinal) : ig->tfinal;
}

/* Everything one integration holds from SUNDIALS, freed by one function on every path. */
typedef struct {
  SUNContext      sunctx;
  N_Vector        y, yout, dky, atol, constraints, mon[2];
  SUNLinearSolver ls;
  void           *mem;
} DSCVodeSession;

static PetscErrorCode DSCVodeSessionDestroy(DSCVodeSession *s)
{
  PetscFunctionBeginUser;
  if (s->mem) CVodeFree(&s->mem);
  if (s->ls) SUNLinSolFree(s->ls);
  for (PetscInt k = 0; k < 2; k++) {
    N_Vector *nv = k ? &s->constraints : &s->atol;
    Vec       v  = *nv ? N_VGetVector_Petsc(*nv) : NULL;
    if (*nv) N_VDestroy(*nv);
    PetscCall(VecDestroy(&v)); /* made by DSIntegratorCreateCVODE */
    *nv = NULL;
  }
  for (PetscInt k = 0; k < 2; k++)
    if (s->mon[k]) N_VDestroy(s->mon[k]);
  if (s->yout) N_VDestroy(s->yout);
  if (s->dky) N_VDestroy(s->dky);
  if (s->y) N_VDestroy(s->y);
  if (s->sunctx) SUNContext_Free(&s->sunctx);
  PetscCall(PetscMemzero(s, sizeof *s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSCVodeSessionCreate(DSIntegrator ig, Vec U, DSCVodeSession *s)
{
  MPI_Comm comm = ig->comm;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(s, sizeof *s));
  DSCallSUNDIALS(SUNContext_Create(&comm, &s->sunctx));
  /* fused linear combinations and multi-dot products (one pass over memory instead of many
   * VecAXPY/VecDot calls) and our reductions (solver/ts/dsnvector.c; doc/performance.md) */
  PetscCall(DSNVectorMake(U, s->sunctx, &s->y));
  PetscCall(DSNVectorMake(ig->Yout, s->sunctx, &s->yout));
  PetscCall(DSNVectorMake(ig->dYdt, s->sunctx, &s->dky));
  if (ig->step_monitor) { /* the monitor's work vectors: local error estimates and weights */
    s->mon[0] = N_VClone(s->y);
    s->mon[1] = N_VClone(s->y);
    PetscCheck(s->mon[0] && s->mon[1], comm, PETSC_ERR_MEM, "N_VClone failed");
  }
  PetscCall(DSIntegratorCreateCVODE(ig, s->sunctx, s->y, &s->mem, &s->ls, &s->atol, &s->constraints));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* At an injection: CVODE's counters of the segment, the dose, and a clean restart. */
static PetscErrorCode DSIntegratorRestartAfterEvents(DSIntegrator ig, DSCVodeSession *s, PetscReal t, Vec U)
{
  PetscFunctionBeginUser;
  PetscCall(DSIntegratorAccumulateStats(ig, s->mem));
  PetscCall(DSIntegratorInject(ig, t, U));
  PetscCall(DSIntegratorClipRoundoff(ig, U, N_VGetVector_Petsc(s->atol), N_VGetVector_Petsc(s->constraints)));
  DSCallSUNDIALS(CVodeReInit(s->mem, t, s->y));
  DSCallSUNDIALS(CVodeSetStopTime(s->mem, DSIntegratorNextStop(ig)));
  if (ig->step_fn) PetscCall(ig->step_fn(ig->step_ctx, t, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The state to save now: the counters include the current segment's. */
static PetscErrorCode DSIntegratorSnapshot(DSIntegrator ig, DSCVodeSession *s, PetscReal t, DSIntegratorState *st)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(st, sizeof *st));
  st->t          = t;
  st->next_event = ig->next_event;
  PetscCall(PetscArraycpy(st->injected, ig->injected, DS_MAX_SPECIES));
  PetscCall(PetscArraycpy(st->last_injection_time, ig->last_injection_time, DS_MAX_SPECIES));
  PetscCall(PetscArraycpy(st->last_injection_amount, ig->last_injection_amount, DS_MAX_SPECIES));
  st->stats = ig->stats;
  PetscCall(DSIntegratorAddCounters(s->mem, &st->stats));
  st->stats.t_reached = t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* After an accepted step or an injection: a checkpoint when one is due (rank 0's clock decides,
 * so that every rank agrees), or always (failed: the last good state before an error). */
static PetscErrorCode DSIntegratorCheckpoint(DSIntegrator ig, DSCVodeSession *s, PetscReal t, Vec U, PetscBool failed)
{
  int               due = failed;
  DSIntegratorState st;

  PetscFunctionBeginUser;
  if (!ig->cp_fn) PetscFunctionReturn(PETSC_SUCCESS);
  if (ig->cp_every > 0 && t - ig->cp_last_t >= ig->cp_every * (1 - 1e-12)) due = 1;
  if (ig->cp_wall > 0) {
    int late = MPI_Wtime() - ig->cp_last_wall >= ig->cp_wall;
    PetscCallMPI(MPI_Bcast(&late, 1, MPI_INT, 0, ig->comm));
    due = due || late;
  }
  if (!due) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DSIntegratorSnapshot(ig, s, t, &st));
  PetscCall(ig->cp_fn(ig->cp_ctx, &st, U, failed));
  ig->cp_last_t    = t;
  ig->cp_last_wall = MPI_Wtime();
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Why the integration cannot go on, for the message, from the last good state U at t: a value or a
 * rate that is not finite, else the unknown changing fastest for its tolerance and the one with
 * the largest local error estimate. */
static PetscErrorCode DSIntegratorExplain(DSIntegrator ig, DSCVodeSession *s, PetscReal t, Vec U, char text[], size_t len)
{
  char      where[320], fastest[320];
  PetscBool nonfinite;

  PetscFunctionBeginUser;
  PetscCall(DSProblemLocateWorst(ig->prob, U, "", "", &nonfinite, where, sizeof where));
  if (nonfinite) {
    PetscCall(PetscSNPrintf(text, len, "the state is not finite: %s", where));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(DSProblemComputeRHS(ig->prob, t, U, ig->dYdt));
  PetscCall(DSProblemLocateWorst(ig->prob, ig->dYdt, " rate of change", "/h", &nonfinite, where, sizeof where));
  if (nonfinite) {
    PetscCall(PetscSNPrintf(text, len, "the rates of change are not finite (a kinetic law divides by zero or overflows; check the parameters and doses): %s", where));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  /* the unknown changing fastest for its tolerance limits the step; the largest local error is
   * what failed the error test */
  DSCallSUNDIALS(CVodeGetErrWeights(s->mem, s->yout));
  PetscCall(VecPointwiseMult(ig->Yout, ig->Yout, ig->dYdt));
  PetscCall(DSProblemLocateWorst(ig->prob, ig->Yout, " rate of change (in tolerances per h)", NULL, NULL, fastest, sizeof fastest));
  DSCallSUNDIALS(CVodeGetEstLocalErrors(s->mem, s->yout));
  DSCallSUNDIALS(CVodeGetErrWeights(s->mem, s->dky));
  PetscCall(VecPointwiseMult(ig->Yout, ig->Yout, ig->dYdt));
  PetscCall(DSProblemLocateWorst(ig->prob, ig->Yout, " local error (in units of its tolerance)", NULL, NULL, where, sizeof where));
  PetscCall(PetscSNPrintf(text, len, "the fastest change is %s; the largest error estimate is %s", fastest, where));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The integration cannot go on: save the last good state (U at t) through the checkpoint function
 * and stop with one message that says when, what, where and what to try. */
static PetscErrorCode DSIntegratorStop(DSIntegrator ig, DSCVodeSession *s, PetscReal t, Vec U, const char what[], const char hint[])
{
  char why[1024];

  PetscFunctionBeginUser;
  PetscCall(DSIntegratorExplain(ig, s, t, U, why, sizeof why));
  PetscCall(DSIntegratorCheckpoint(ig, s, t, U, PETSC_TRUE));
  SETERRQ(ig->comm, PETSC_ERR_NOT_CONVERGED, "time integration stopped at t = %g h (aiming for %g h): %s; %s. %s", (double)t, (double)ig->tfinal, what, why, hint);
}

static PetscErrorCode DSIntegratorFailure(DSIntegrator ig, DSCVodeSession *s, int flag, PetscReal t, Vec U)
{
  const char *hint = "";
  char        what[512], text[64], *name;

  PetscFunctionBeginUser;
  if (ig->cb_error) PetscCall(ig->cb_error); /* a PETSc error inside a callback: that message */
  if (flag == CV_CONV_FAILURE || flag == CV_LSOLVE_FAIL) hint = "Newton/linear iterations failed repeatedly: try a stronger preconditioner (-newton_pc_type lu) or a smaller -cvode_max_step";
  if (flag == CV_ERR_FAILURE) hint = "The error test failed repeatedly: the solution may be non-smooth (check parameters) or the tolerances too tight";
  /* a species near zero kept stepping below it even with ever smaller steps: its absolute
   * tolerance is too loose for the amounts that matter (degeneration_years with monthly exosome
   * doses and 30 % supply: fails at 1e-6, runs at 1e-8) */
  if (flag == CV_CONSTR_FAIL) hint = "The non-negativity constraint could not be kept: a species near zero (the largest error estimate above) kept stepping below zero. Tighten the absolute tolerance, e.g. -cvode_atol_factor 1e-8 (default 1e-6)";
  name = CVodeGetReturnFlagName(flag);
  PetscCall(PetscStrncpy(text, flag == CV_CONSTR_FAIL ? "CV_CONSTR_FAIL" : (name ? name : "?"), sizeof text)); /* SUNDIALS 6.4 names it NONE */
  free(name); /* SUNDIALS allocates it */
  PetscCall(PetscSNPrintf(what, sizeof what, "CVODE %s (SUNDIALS said: %s)", text, DSSundialsLastMessage()));
  PetscCall(DSIntegratorStop(ig, s, t, U, what, hint));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* After an accepted step: the step limit, and in steady mode the relative rate of change. */
static PetscErrorCode DSIntegratorCheckStep(DSIntegrator ig, DSCVodeSession *s, PetscReal t, Vec U, PetscReal *rate0, PetscBool *done)
{
  long     nsteps;
  realtype h;

  PetscFunctionBeginUser;
  DSCallSUNDIALS(CVodeGetNumSteps(s->mem, &nsteps));
  if (!*done && ig->stats.steps + nsteps >= ig->max_steps) { /* CVODE's own limit counts per call, and we call it per step */
    char what[128];
    PetscCall(PetscSNPrintf(what, sizeof what, "-cvode_max_steps = %" PetscInt_FMT " steps taken", ig->max_steps));
    PetscCall(DSIntegratorStop(ig, s, t, U, what, "Raise -cvode_max_steps or loosen -cvode_rtol"));
  }
  DSCallSUNDIALS(CVodeGetLastStep(s->mem, &h));
  ig->tiny_steps = h < DS_TINY_STEP_FRACTION * PetscMax(t, 1) ? ig->tiny_steps + 1 : 0;
  if (ig->tiny_steps >= DS_TINY_STEP_COUNT) {
    char what[128];
    PetscCall(PetscSNPrintf(what, sizeof what, "the step size collapsed (%d steps in a row below %g h, the last %g h): the run makes no progress", DS_TINY_STEP_COUNT, DS_TINY_STEP_FRACTION * (double)PetscMax(t, 1), (double)h));
    PetscCall(DSIntegratorStop(ig, s, t, U, what, "Check the doses and parameters of that species (a rate far beyond its time scale), or loosen -cvode_rtol"));
  }
  if (ig->steady && ig->next_event >= ig->nevents) { /* steady state only after the last injection */
    DSCallSUNDIALS(CVodeGetDky(s->mem, t, 1, s->dky));
    PetscCall(DSIntegratorRelativeRate(ig, U, ig->dYdt, &ig->stats.rate));
    if (*rate0 < 0) *rate0 = ig->stats.rate;
    if (ig->stats.rate < ig->steady_tol) ig->stats.steady = PETSC_TRUE, *done = PETSC_TRUE;
  }
  if (ig->step_monitor) PetscCall(DSIntegratorStepMonitor(ig, s->mem, t, s->mon[0], s->mon[1]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One step at a time (CV_ONE_STEP), so that output times are interpolated, injections happen at
 * their exact times and steady state is detected as soon as it is reached. */
static PetscErrorCode DSIntegratorMarch(DSIntegrator ig, DSCVodeSession *s, Vec U, DSProgress *progress, PetscReal *t)
{
  PetscReal tstop = DSIntegratorNextStop(ig), rate0 = -1;
  PetscInt  iout  = 0;

  PetscFunctionBeginUser;
  DSCallSUNDIALS(CVodeSetStopTime(s->mem, tstop));
  *t = ig->t0;
  if (!ig->restarting) { /* a restart continues after the output and the step function at t0 */
    PetscCall(DSIntegratorMonitor(ig, ig->t0, U));
    if (ig->step_fn) PetscCall(ig->step_fn(ig->step_ctx, ig->t0, U));
  }
  while (iout < ig->nout && ig->tout[iout] <= ig->t0) iout++;
  for (PetscBool done = PETSC_FALSE; !done;) {
    int flag = CVode(s->mem, tstop, s->y, t, CV_ONE_STEP);
    if (flag < 0) PetscCall(DSIntegratorFailure(ig, s, flag, *t, U));
    for (; iout < ig->nout && ig->tout[iout] <= *t; iout++) {
      DSCallSUNDIALS(CVodeGetDky(s->mem, ig->tout[iout], 0, s->yout));
      PetscCall(DSIntegratorCleanOutput(ig, ig->tout[iout], ig->Yout, N_VGetVector_Petsc(s->atol), N_VGetVector_Petsc(s->constraints), &ig->warned_negative));
      /* the step function sees the output time too: what is reported there (a dose's half-life,
       * say) then depends on the solution up to that time, not on where the steps fell */
      if (ig->step_fn) PetscCall(ig->step_fn(ig->step_ctx, ig->tout[iout], ig->Yout));
      PetscCall(DSIntegratorMonitor(ig, ig->tout[iout], ig->Yout));
    }
    if (flag == CV_TSTOP_RETURN && tstop < ig->tfinal) { /* an injection: apply it and restart cleanly */
      PetscCall(DSIntegratorRestartAfterEvents(ig, s, *t, U));
      PetscCall(DSIntegratorCheckpoint(ig, s, *t, U, PETSC_FALSE)); /* right after a restart: continuing from it is exact */
      tstop = DSIntegratorNextStop(ig);
      continue;
    }
    if (ig->step_fn) PetscCall(ig->step_fn(ig->step_ctx, *t, U));
    done = (PetscBool)(flag == CV_TSTOP_RETURN || *t >= ig->tfinal);
    PetscCall(DSIntegratorCheckStep(ig, s, *t, U, &rate0, &done));
    if (!done) PetscCall(DSIntegratorCheckpoint(ig, s, *t, U, PETSC_FALSE));
    PetscCall(DSProgressUpdate(progress, *t, ig->steady ? 0 : ig->tfinal, DSIntegratorFraction(ig, *t, rate0, ig->stats.rate)));
  }
  if (iout == 0 || ig->tout[iout - 1] < *t) PetscCall(DSIntegratorMonitor(ig, *t, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Where this integration starts: t = 0 with no injection applied, or the restart state. */
static PetscErrorCode DSIntegratorBegin(DSIntegrator ig)
{
  const DSIntegratorState *r = &ig->restart;

  PetscFunctionBeginUser;
  ig->stats.steady_tol = ig->steady_tol;
  ig->t0 = 0, ig->next_event = 0, ig->tiny_steps = 0;
  if (ig->restarting) {
    PetscCheck(r->next_event >= 0 && r->next_event <= ig->nevents, ig->comm, PETSC_ERR_ARG_WRONG, "the restart state has applied %" PetscInt_FMT " injections, this run schedules %" PetscInt_FMT, r->next_event, ig->nevents);
    PetscCheck(r->t >= 0 && r->t < ig->tfinal, ig->comm, PETSC_ERR_ARG_OUTOFRANGE, "the restart state is at t = %g h, not before -time_final = %g h: nothing is left to compute", (double)r->t, (double)ig->tfinal);
    ig->t0 = r->t, ig->next_event = r->next_event;
    PetscCall(PetscArraycpy(ig->injected, r->injected, DS_MAX_SPECIES));
    PetscCall(PetscArraycpy(ig->last_injection_time, r->last_injection_time, DS_MAX_SPECIES));
    PetscCall(PetscArraycpy(ig->last_injection_amount, r->last_injection_amount, DS_MAX_SPECIES));
    ig->stats            = r->stats;
    ig->stats.steady_tol = ig->steady_tol;
    ig->stats.steady     = PETSC_FALSE;
  }
  ig->cp_last_t    = ig->t0;
  ig->cp_last_wall = MPI_Wtime();
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A restart: the saved state may hold round-off below zero, which CVODE's constraints refuse at
 * the start (as after an injection). */
static PetscErrorCode DSIntegratorResume(DSIntegrator ig, DSCVodeSession *s, Vec U)
{
  PetscFunctionBeginUser;
  PetscCall(DSIntegratorClipRoundoff(ig, U, N_VGetVector_Petsc(s->atol), N_VGetVector_Petsc(s->constraints)));
  DSCallSUNDIALS(CVodeReInit(s->mem, ig->t0, s->y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorSolve(DSIntegrator ig, Vec U)
{
  DSCVodeSession s;
  DSProgress     progress;
  PetscReal      t = 0, start = MPI_Wtime();
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&ig->stats, sizeof ig->stats));
  if (!ig->P) PetscCall(DSIntegratorSetUp(ig, U));
  PetscCall(DSIntegratorBegin(ig));
  PetscCall(DSIntegratorInject(ig, ig->t0, U));
  PetscCall(DSProgressStart(&progress, ig->comm, ig->progress));
  ierr = DSCVodeSessionCreate(ig, U, &s);
  if (!ierr && ig->restarting) ierr = DSIntegratorResume(ig, &s, U);
  if (!ierr) ierr = DSIntegratorMarch(ig, &s, U, &progress, &t);
  if (!ierr) ierr = DSIntegratorAccumulateStats(ig, s.mem);
  PetscCall(DSProgressEnd(&progress));
  PetscCall(DSCVodeSessionDestroy(&s)); /* on every path */
  ig->restarting = PETSC_FALSE;
  PetscCall(ierr);
  ig->stats.t_reached = t;
  ig->stats.wall      = MPI_Wtime() - start;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorSetCheckpoint(DSIntegrator ig, DSCheckpointFn fn, void *ctx, PetscReal every, PetscReal wall)
{
  PetscFunctionBeginUser;
  ig->cp_fn = fn, ig->cp_ctx = ctx, ig->cp_every = every, ig->cp_wall = wall;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorSetRestart(DSIntegrator ig, const DSIntegratorState *state)
{
  PetscFunctionBeginUser;
  ig->restart    = *state;
  ig->restarting = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorGetOutputTimes(DSIntegrator ig, PetscInt *n, const PetscReal **tout)
{
  PetscFunctionBeginUser;
  *n    = ig->nout;
  *tout = ig->tout;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorSetStepFunction(DSIntegrator ig, DSMonitorFn fn, void *ctx)
{
  PetscFunctionBeginUser;
  ig->step_fn  = fn;
  ig->step_ctx = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorGetInjected(DSIntegrator ig, PetscInt species, PetscReal *total, PetscReal *last_time, PetscReal *last_amount)
{
  PetscFunctionBeginUser;
  if (total) *total = ig->injected[species];
  if (last_time) *last_time = ig->last_injection_time[species];
  if (last_amount) *last_amount = ig->last_injection_amount[species];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorGetStats(DSIntegrator ig, DSIntegratorStats *stats)
{
  PetscFunctionBeginUser;
  *stats = ig->stats;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorGetFinalTime(DSIntegrator ig, PetscReal *tfinal, PetscBool *steady)
{
  PetscFunctionBeginUser;
  if (tfinal) *tfinal = ig->tfinal;
  if (steady) *steady = ig->steady;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorStatsView(const DSIntegratorStats *s, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "solver: %ld steps, %ld RHS evaluations, %ld Newton iterations (%ld convergence failures), %ld linear iterations (%.2f per Newton), %ld preconditioner set-ups, %ld preconditioner solves (%ld inner KSP iterations), %ld error-test failures\n",
                                   s->steps, s->rhs_evals, s->newton_iters, s->newton_fails, s->linear_iters, s->newton_iters ? (double)s->linear_iters / s->newton_iters : 0.0, s->prec_setups, s->prec_solves,
                                   s->inner_iters, s->error_test_fails));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSIntegratorDestroy(DSIntegrator *integ)
{
  PetscFunctionBeginUser;
  if (!*integ) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(MatDestroy(&(*integ)->P));
  PetscCall(KSPDestroy(&(*integ)->ksp));
  PetscCall(VecDestroy(&(*integ)->Yout));
  PetscCall(VecDestroy(&(*integ)->dYdt));
  PetscCall(PetscFree((*integ)->events));
  PetscCall(PetscFree(*integ));
  PetscFunctionReturn(PETSC_SUCCESS);
}
