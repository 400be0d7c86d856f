#include "dssteady.h"
#include "dsintegrator.h"
#include "dsmultigrid.h"

struct _p_DSSteady {
  DSProblem prob; /* the problem of the current run (DSSteadySetProblem changes it) */
  DM        dm;   /* its mesh's DM, on which J lives: a later problem must be on the same */
  SNES      snes;
  Mat       J;
  Vec       F;
  PetscInt  coarse_grids; /* grid sequencing: coarser grids solved first (-1: DSSteadyAutoCoarseGrids) */
  /* the linear solves' convergence test (DSSteadyKSPConverged) */
  void     *ksp_default; /* KSPConvergedDefault's context */
  PetscBool solving;     /* inside SNESSolve (not a sensitivity's tangent solve) */
  PetscReal fnorm0;      /* |F| at this SNESSolve's initial state */
  Vec       res;         /* the true linear residual, while the safeguard needs it (freed after the solve) */
};

#define DS_STEADY_MIN_COARSE_CELLS 4    /* per direction, on the coarsest grid of a sequence */
#define DS_STEADY_AUTO_COARSEST    5000 /* -1: coarsen while the coarser grid has at least this many cells (1D, 2D) */

static PetscErrorCode DSSteadyResidual(SNES snes, Vec U, Vec F, void *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(DSProblemComputeRHS((DSProblem)ctx, 0, U, F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The Jacobian, and the multigrid's coarse operators from it when SNES is about to rebuild the
 * preconditioner (SNESComputeJacobian's lag rule: iteration 0, and every lag-th iteration) */
static PetscErrorCode DSSteadyJacobian(SNES snes, Vec U, Mat J, Mat P, void *ctx)
{
  PetscInt lag, it;
  KSP      ksp;
  PC       pc;

  PetscFunctionBeginUser;
  PetscCall(DSProblemComputeJacobian((DSProblem)ctx, 0, U, P));
  PetscCall(SNESGetLagPreconditioner(snes, &lag));
  PetscCall(SNESGetIterationNumber(snes, &it));
  if (it == 0 || lag == -2 || lag == 1 || (lag > 1 && it % lag == 0)) {
    PetscCall(SNESGetKSP(snes, &ksp));
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(DSMultigridUpdate(pc, P));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A vector for the true linear residual: the line search's trial-residual vector, which holds
 * nothing during the linear solve (it is filled after it), so that the 10^6-cell solve needs no
 * 24 MB more; a vector of our own only if the line search has none. */
static PetscErrorCode DSSteadyScratch(DSSteady s, Vec *res)
{
  SNESLineSearch ls;
  Vec            G = NULL;

  PetscFunctionBeginUser;
  PetscCall(SNESGetLineSearch(s->snes, &ls));
  PetscCall(SNESLineSearchGetVecs(ls, NULL, NULL, NULL, NULL, &G));
  if (!G && !s->res) PetscCall(VecDuplicate(s->F, &s->res));
  *res = G ? G : s->res;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Eisenstat-Walker forcing terms with Kelley's safeguard against oversolving (Kelley 1995,
 * chapter 6; doc/solver.md): a Newton step's linear solve may stop once the linearised residual
 * |F + J s| is half the Newton tolerance max(atol, rtol |F0|), since digits beyond it are not
 * asked for. Without it the last step of the 10^6-cell solve took 11 linear iterations to take
 * |F| from 1.3e-6 to 5.6e-11 against a tolerance of 1.5e-7. The preconditioned residual that
 * the default test sees is not |F + J s|: the true residual is formed (one product), and only
 * when the safeguard is looser than the forcing term, i.e. in the last Newton iterations. */
static PetscErrorCode DSSteadyKSPConverged(KSP ksp, PetscInt it, PetscReal rnorm, KSPConvergedReason *reason, void *ctx)
{
  DSSteady  s = (DSSteady)ctx;
  PetscReal fnorm, atol, rtol, stol, eta, target, r;
  PetscInt  newton_it, maxit, maxf;
  Vec       x, b, res = NULL;
  Mat       A;

  PetscFunctionBeginUser;
  PetscCall(KSPConvergedDefault(ksp, it, rnorm, reason, s->ksp_default));
  if (!s->solving) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(SNESGetIterationNumber(s->snes, &newton_it));
  PetscCall(SNESGetFunctionNorm(s->snes, &fnorm));
  if (newton_it == 0) s->fnorm0 = fnorm;
  if (*reason || it == 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(SNESGetTolerances(s->snes, &atol, &rtol, &stol, &maxit, &maxf));
  target = 0.5 * PetscMax(atol, rtol * s->fnorm0);
  PetscCall(KSPGetTolerances(ksp, &eta, NULL, NULL, NULL));
  if (target <= eta * fnorm) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DSSteadyScratch(s, &res));
  PetscCall(KSPBuildSolution(ksp, NULL, &x)); /* the iterate itself, no copy */
  PetscCall(KSPGetRhs(ksp, &b));
  PetscCall(KSPGetOperators(ksp, &A, NULL));
  PetscCall(MatMult(A, x, res));
  PetscCall(VecAYPX(res, -1.0, b));
  PetscCall(VecNorm(res, NORM_2, &r));
  if (r <= target) *reason = KSP_CONVERGED_ATOL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The solver's own settings; applied again when the solver is reused for another problem
 * (DSSteadySetProblem), since a sensitivity solve changes them, and then the user's options. */
static PetscErrorCode DSSteadySetDefaults(DSSteady s)
{
  KSP ksp;

  PetscFunctionBeginUser;
  PetscCall(SNESSetTolerances(s->snes, 1e-10, 1e-10, 1e-14, 100, 10000)); /* |F|: 2-norm over all species of their rates, each in its own unit/h. For the nutrient species (mM/h) an absolute 1e-10 is far below any rate in the disc; species of large magnitude (particles/mm^3) are converged by the relative 1e-10 */
  PetscCall(SNESGetKSP(s->snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPBCGS)); /* as fast as GMRES here with a fixed, small set of work vectors (doc/performance.md) */
  PetscCall(KSPSetTolerances(ksp, 1e-12, 1e-50, PETSC_DEFAULT, 2000));
  /* Eisenstat-Walker: loose linear solves while far from the root; at 1e6 cells 6 Newton and
   * 172 linear iterations instead of 4 and 570 (doc/performance.md). -steady_snes_ksp_ew false turns it off. */
  PetscCall(SNESKSPSetUseEW(s->snes, PETSC_TRUE));
  PetscCall(KSPSetConvergenceTest(ksp, DSSteadyKSPConverged, s, NULL));
  /* The preconditioner is rebuilt every third Newton iteration (the Jacobian every iteration): its
   * set-up was half of a 2D steady solve, and a 3-iteration-old AMG or multigrid hierarchy still
   * preconditions well (healthy_disc 200x100: 3 set-ups instead of 6, 9 linear iterations instead
   * of 8, SNESSolve 0.30 s instead of 0.41 s; same answer). -steady_snes_lag_preconditioner 1: every iteration. */
  PetscCall(SNESSetLagPreconditioner(s->snes, 3));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the multigrid levels' solvers read their options now, not at the first Newton iteration's
 * PCSetUp, so that the unknown-key check before the run sees them read */
static PetscErrorCode DSSteadyLevelsSetFromOptions(KSP ksp)
{
  PC        pc;
  PetscBool mg;
  PetscInt  levels;

  PetscFunctionBeginUser;
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCMG, &mg));
  if (!mg) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PCMGGetLevels(pc, &levels));
  for (PetscInt l = 0; l < levels; l++) {
    KSP smoother;
    PetscCall(PCMGGetSmoother(pc, l, &smoother));
    PetscCall(KSPSetFromOptions(smoother));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSSteadyCreate(DSProblem prob, Vec U, DSSteady *steady)
{
  DSSteady s;
  KSP      ksp;
  DM       dm;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&s));
  s->prob         = prob;
  s->coarse_grids = 0;
  PetscCall(DSProblemGetDM(prob, &dm));
  s->dm = dm;
  PetscCall(SNESCreate(PetscObjectComm((PetscObject)dm), &s->snes));
  PetscCall(SNESSetOptionsPrefix(s->snes, "steady_"));
  PetscCall(VecDuplicate(U, &s->F));
  PetscCall(KSPConvergedDefaultCreate(&s->ksp_default));
  PetscCall(DSProblemCreateMatrix(prob, &s->J));
  PetscCall(SNESSetFunction(s->snes, s->F, DSSteadyResidual, prob));
  PetscCall(SNESSetJacobian(s->snes, s->J, s->J, DSSteadyJacobian, prob));
  PetscCall(DSSteadySetDefaults(s));
  PetscCall(SNESGetKSP(s->snes, &ksp));
  PetscCall(DSSetDefaultPreconditioner(prob, ksp, "steady_", PETSC_TRUE));
  PetscCall(SNESSetFromOptions(s->snes));
  PetscCall(DSMultigridSetUpFromOptions(ksp, dm, "steady_"));
  PetscCall(DSSteadyLevelsSetFromOptions(ksp));
  /* The preconditioner is not built here: the first Newton iteration builds it from the Jacobian
   * at the same state, so a set-up build was thrown away (17 ms of a 120 ms study member,
   * doc/performance.md). Its options were read above, where bad ones are refused. */
  *steady = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSSteadySetProblem(DSSteady s, DSProblem prob)
{
  DM  dm;
  KSP ksp;

  PetscFunctionBeginUser;
  PetscCall(DSProblemGetDM(prob, &dm));
  PetscCheck(dm == s->dm, PetscObjectComm((PetscObject)dm), PETSC_ERR_ARG_INCOMP, "the steady solver is reused only for a problem on the same mesh");
  s->prob = prob;
  PetscCall(SNESSetFunction(s->snes, s->F, DSSteadyResidual, prob));
  PetscCall(SNESSetJacobian(s->snes, s->J, s->J, DSSteadyJacobian, prob));
  PetscCall(DSSteadySetDefaults(s));
  PetscCall(SNESSetFromOptions(s->snes));
  PetscCall(SNESGetKSP(s->snes, &ksp));
  PetscCall(DSSteadyLevelsSetFromOptions(ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSSteadySetCoarseGrids(DSSteady s, PetscInt n)
{
  PetscFunctionBeginUser;
  PetscCheck(n >= -1, PetscObjectComm((PetscObject)s->dm), PETSC_ERR_ARG_OUTOFRANGE, "input -steady_coarse_grids = %" PetscInt_FMT " is not allowed: give -1 (automatic), 0 (none) or a positive count", n);
  s->coarse_grids = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* How many coarser grids to solve first when none was asked for: in 1D and 2D while the next
 * coarser grid has at least DS_STEADY_AUTO_COARSEST cells (healthy_disc 200x100: 0.58 -> 0.51 s,
 * 400x200: 2.21 -> 1.72 s); none in 3D, where Newton's last iterations, not its first, cost the
 * time (10^6 cells: 8 -> 5 Newton iterations but 21.0 -> 21.4-22.5 s; doc/performance.md). */
static PetscInt DSSteadyAutoCoarseGrids(DSMesh mesh)
{
  PetscInt n[3], dim, levels = 0;

  if (DSMeshGetSizes(mesh, n) || DSMeshGetDimension(mesh, &dim) || dim > 2) return 0;
  for (;;) {
    PetscInt cells = 1;
    for (PetscInt d = 0; d < dim; d++) n[d] = (n[d] + 1) / 2, cells *= n[d];
    if (cells < DS_STEADY_AUTO_COARSEST) return levels;
    levels++;
  }
}

/* Grid sequencing: the steady state on the same disc with half the cells in each direction
 * (itself started from coarser grids), interpolated, is the start of this grid's Newton
 * iteration. Newton's slow first iterations then happen where they are cheap (doc/solver.md).
 * A coarse solve that fails leaves U as it was. */
static PetscErrorCode DSSteadyCoarseStart(DSSteady s, PetscInt levels, Vec U, DSSteadyStats *stats)
{
  DSMesh        mesh, cmesh;
  DSModel       model;
  DSProblem     cprob = NULL;
  DSSteady      cs    = NULL;
  DM            cdm;
  Vec           Uc = NULL;
  PetscInt      nsp;
  DSSteadyStats cst;

  PetscFunctionBeginUser;
  PetscCall(DSProblemGetMesh(s->prob, &mesh));
  PetscCall(DSMeshCreateCoarse(mesh, DS_STEADY_MIN_COARSE_CELLS, &cmesh));
  if (!cmesh) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DSProblemGetModel(s->prob, &model));
  PetscCall(DSModelGetNumSpecies(model, &nsp));
  PetscCall(DSMeshSetUp(cmesh, nsp));
  PetscCall(DSProblemCreate(cmesh, model, &cprob));
  PetscCall(DSProblemGetDM(cprob, &cdm));
  PetscCall(DMCreateGlobalVector(cdm, &Uc));
  PetscCall(DSProblemInitialState(cprob, Uc));
  PetscCall(DSSteadyCreate(cprob, Uc, &cs));
  cs->coarse_grids = levels - 1;
  PetscCall(DSSteadySolve(cs, Uc, &cst));
  if (cst.reason > 0) {
    PetscCall(DSProblemInterpolate(cprob, Uc, s->prob, U));
    stats->coarse_grids        = 1 + cst.coarse_grids;
    stats->coarse_newton_iters = cst.newton_iters + cst.coarse_newton_iters;
  } else PetscCall(PetscInfo(s->snes, "the coarse grid's Newton solve failed (%s): starting from the initial state\n", SNESConvergedReasons[cst.reason]));
  PetscCall(DSSteadyDestroy(&cs));
  PetscCall(VecDestroy(&Uc));
  PetscCall(DSProblemDestroy(&cprob));
  PetscCall(DSMeshDestroy(&cmesh));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSSteadySNESSolve(DSSteady s, Vec U)
{
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  s->solving = PETSC_TRUE;
  ierr       = SNESSolve(s->snes, NULL, U);
  s->solving = PETSC_FALSE;
  PetscCall(VecDestroy(&s->res)); /* not held through the output */
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSSteadySolve(DSSteady s, Vec U, DSSteadyStats *stats)
{
  double   start = MPI_Wtime();
  DSMesh   mesh;
  PetscInt levels = s->coarse_grids;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(stats, sizeof *stats));
  PetscCall(DSProblemGetMesh(s->prob, &mesh));
  if (levels < 0) levels = DSSteadyAutoCoarseGrids(mesh);
  if (levels > 0) {
    PetscReal f0, f1, atol, rtol, stol;
    PetscInt  maxit, maxf;
    PetscCall(DSProblemComputeRHS(s->prob, 0, U, s->F));
    PetscCall(VecNorm(s->F, NORM_2, &f0));
    PetscCall(DSSteadyCoarseStart(s, levels, U, stats));
    PetscCall(DSProblemComputeRHS(s->prob, 0, U, s->F));
    PetscCall(VecNorm(s->F, NORM_2, &f1));
    /* The relative tolerance is meant relative to |F| at the initial state: an interpolated
     * start has a larger |F| (its roughness at the coarse cells' faces), which would loosen it
     * (1e6 cells: |F| 7.6e3 against 1.5e3). */
    PetscCall(SNESGetTolerances(s->snes, &atol, &rtol, &stol, &maxit, &maxf));
    if (stats->coarse_grids && f1 > f0) PetscCall(SNESSetTolerances(s->snes, atol, rtol * f0 / f1, stol, maxit, maxf));
    PetscCall(DSSteadySNESSolve(s, U));
    PetscCall(SNESSetTolerances(s->snes, atol, rtol, stol, maxit, maxf));
  } else PetscCall(DSSteadySNESSolve(s, U));
  stats->wall = MPI_Wtime() - start;
  PetscCall(SNESGetConvergedReason(s->snes, &stats->reason));
  PetscCall(SNESGetIterationNumber(s->snes, &stats->newton_iters));
  PetscCall(SNESGetLinearSolveIterations(s->snes, &stats->linear_iters));
  PetscCall(DSProblemComputeRHS(s->prob, 0, U, s->F));
  PetscCall(VecNorm(s->F, NORM_2, &stats->residual));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSSteadySolveTangent(DSSteady s, Vec U, Vec b, Vec x)
{
  KSP                ksp;
  KSPConvergedReason reason;

  PetscFunctionBeginUser;
  PetscCall(SNESGetKSP(s->snes, &ksp));
  PetscCall(DSProblemComputeJacobian(s->prob, 0, U, s->J));
  PetscCall(KSPSetOperators(ksp, s->J, s->J));
  PetscCall(KSPSetReusePreconditioner(ksp, PETSC_FALSE)); /* the last Newton iteration may have left it set */
  {
    PC pc;
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(DSMultigridUpdate(pc, s->J));
  }
  /* Eisenstat-Walker resets the tolerance before every solve of this KSP (a pre-solve hook): off */
  PetscCall(SNESKSPSetUseEW(s->snes, PETSC_FALSE));
  PetscCall(KSPSetTolerances(ksp, 1e-12, 1e-50, PETSC_DEFAULT, 10000));
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(KSPGetConvergedReason(ksp, &reason));
  PetscCheck(reason > 0, PetscObjectComm((PetscObject)ksp), PETSC_ERR_NOT_CONVERGED, "the linear solve for a sensitivity did not converge (%s): try -steady_pc_type lu", KSPConvergedReasons[reason]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSSteadyDestroy(DSSteady *s)
{
  PetscFunctionBeginUser;
  if (!*s) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(SNESDestroy(&(*s)->snes));
  PetscCall(KSPConvergedDefaultDestroy((*s)->ksp_default));
  PetscCall(MatDestroy(&(*s)->J));
  PetscCall(VecDestroy(&(*s)->F));
  PetscCall(VecDestroy(&(*s)->res));
  PetscCall(PetscFree(*s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSSteadySolveOrError(DSProblem prob, Vec U, DSSteadyStats *stats)
{
  DSSteady s;
  DM       dm;

  PetscFunctionBeginUser;
  PetscCall(DSSteadyCreate(prob, U, &s));
  PetscCall(DSSteadySolve(s, U, stats));
  PetscCall(DSSteadyDestroy(&s));
  PetscCall(DSProblemGetDM(prob, &dm));
  PetscCheck(stats->reason > 0, PetscObjectComm((PetscObject)dm), PETSC_ERR_NOT_CONVERGED, "steady Newton solve did not converge: %s after %" PetscInt_FMT " iterations, |F| = %g (2-norm of the species' rates, each in its unit/h)",
             SNESConvergedReasons[stats->reason], stats->newton_iters, (double)stats->residual);
  PetscFunctionReturn(PETSC_SUCCESS);
}
