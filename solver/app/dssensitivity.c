#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "dssensitivity.h"

#define DS_SENS_REL_STEP 1e-6

struct _p_DSSensitivity {
  PetscInt        nfig, npar;
  const DSFigure *figs;
  const DSParam  *params;
  PetscReal      *Q;    /* figure values at the steady state */
  PetscReal      *dQdp; /* [f * npar + k] in figure unit per parameter unit */
};

/* The residual at U of the model rebuilt with parameter 'key' = value (the options database is
 * restored afterwards). Injections play no part in a steady state: none is selected. */
static PetscErrorCode DSSensitivityPerturbedResidual(DSMesh mesh, const char key[], PetscReal value, Vec U, Vec F)
{
  char                name[256], old[256], text[64];
  PetscBool           had;
  DSModel             m = NULL;
  DSProblem           pr = NULL;
  PetscInt            ninj;
  const DSInjectable *inj;
  PetscBool           used[64] = {PETSC_FALSE};
  PetscErrorCode      ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name, sizeof name, "-%s", key));
  PetscCall(PetscOptionsGetString(NULL, NULL, name, old, sizeof old, &had));
  PetscCall(PetscSNPrintf(text, sizeof text, "%.17g", (double)value));
  PetscCall(PetscOptionsSetValue(NULL, name, text));
  ierr = DSModelCreate(PetscObjectComm((PetscObject)U), &m);
  if (!ierr) ierr = DSModelSetFromOptions(m);
  if (!ierr) ierr = DSModelGetInjectables(m, &ninj, &inj);
  if (!ierr && ninj > 0 && ninj <= 64) ierr = DSModelSelectInjectables(m, used);
  if (!ierr) ierr = DSProblemCreate(mesh, m, &pr);
  if (!ierr) ierr = DSProblemComputeRHS(pr, 0, U, F);
  if (had) PetscCall(PetscOptionsSetValue(NULL, name, old));
  else PetscCall(PetscOptionsClearValue(NULL, name));
  PetscCall(DSProblemDestroy(&pr));
  PetscCall(DSModelDestroy(&m));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dF/dp by a central difference (one-sided at a bound of the allowed range). */
static PetscErrorCode DSSensitivityResidualDerivative(DSMesh mesh, const DSParam *p, Vec U, Vec dFdp, Vec work)
{
  PetscReal h = DS_SENS_REL_STEP * PetscAbsReal(p->value), lo = p->value - h, hi = p->value + h;

  PetscFunctionBeginUser;
  if (hi > p->max) hi = p->value;
  if (lo < p->min || (p->min_open && lo <= p->min)) lo = p->value;
  PetscCall(DSSensitivityPerturbedResidual(mesh, p->key, hi, U, dFdp));
  PetscCall(DSSensitivityPerturbedResidual(mesh, p->key, lo, U, work));
  PetscCall(VecAXPY(dFdp, -1.0, work));
  PetscCall(VecScale(dFdp, 1.0 / (hi - lo)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The step along du/dp: no unknown changes by more than 1e-6 of (|u| + its absolute tolerance). */
static PetscErrorCode DSSensitivityStep(Vec U, Vec dU, Vec atol, Vec work, PetscReal *eps)
{
  PetscReal m;

  PetscFunctionBeginUser;
  PetscCall(VecCopy(U, work));
  PetscCall(VecAbs(work));
  PetscCall(VecAXPY(work, 1.0, atol));
  PetscCall(VecPointwiseDivide(work, dU, work));
  PetscCall(VecNorm(work, NORM_INFINITY, &m));
  *eps = m > 0 ? DS_SENS_REL_STEP / m : 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dQ/dp of every figure for one parameter, from du/dp. */
static PetscErrorCode DSSensitivityFigures(DSSensitivity S, DSProblem prob, Vec U, Vec dU, Vec atol, Vec work, PetscInt k)
{
  PetscReal eps = 0, qp, qm, where[3];

  PetscFunctionBeginUser;
  PetscCall(DSSensitivityStep(U, dU, atol, work, &eps));
  for (PetscInt f = 0; f < S->nfig; f++) {
    S->dQdp[f * S->npar + k] = 0;
    if (eps == 0) continue; /* the state does not depend on this parameter */
    PetscCall(VecWAXPY(work, eps, dU, U));
    PetscCall(DSProblemComputeFigure(prob, 0, work, &S->figs[f], &qp, where));
    PetscCall(VecWAXPY(work, -eps, dU, U));
    PetscCall(DSProblemComputeFigure(prob, 0, work, &S->figs[f], &qm, where));
    S->dQdp[f * S->npar + k] = (qp - qm) / (2 * eps);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSSensitivityCompute(DSSteady steady, DSMesh mesh, DSModel model, DSProblem prob, Vec U, DSSensitivity *sens)
{
  DSSensitivity S;
  Vec           dFdp, dU, atol, work;
  PetscReal     where[3];

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&S));
  *sens = S;
  PetscCall(DSModelGetFigures(model, &S->nfig, &S->figs));
  PetscCall(DSModelGetParameters(model, &S->npar, &S->params));
  PetscCall(PetscCalloc2(S->nfig, &S->Q, S->nfig * S->npar + 1, &S->dQdp));
  for (PetscInt f = 0; f < S->nfig; f++) PetscCall(DSProblemComputeFigure(prob, 0, U, &S->figs[f], &S->Q[f], where));
  PetscCall(VecDuplicate(U, &dFdp));
  PetscCall(VecDuplicate(U, &dU));
  PetscCall(VecDuplicate(U, &atol));
  PetscCall(VecDuplicate(U, &work));
  PetscCall(DSProblemGetAbsoluteTolerances(prob, 1e-6, atol));
  for (PetscInt k = 0; k < S->npar; k++) {
    if (S->params[k].value == 0) continue; /* no relative step: left at 0 and reported so */
    PetscCall(DSSensitivityResidualDerivative(mesh, &S->params[k], U, dFdp, work));
    PetscCall(VecScale(dFdp, -1.0));
    PetscCall(DSSteadySolveTangent(steady, U, dFdp, dU));
    PetscCall(DSSensitivityFigures(S, prob, U, dU, atol, work, k));
  }
  PetscCall(VecDestroy(&work));
  PetscCall(VecDestroy(&atol));
  PetscCall(VecDestroy(&dU));
  PetscCall(VecDestroy(&dFdp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal DSSensitivityNormalised(DSSensitivity S, PetscInt f, PetscInt k)
{
  return S->Q[f] != 0 ? S->params[k].value / S->Q[f] * S->dQdp[f * S->npar + k] : 0;
}

PetscErrorCode DSSensitivityView(DSSensitivity S, PetscInt top, MPI_Comm comm)
{
  PetscInt *order;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(S->npar + 1, &order));
  PetscCall(PetscPrintf(comm, "local sensitivities at the steady state: normalised coefficients p/Q dQ/dp (a 1 %% larger p changes Q by that many %%), the %" PetscInt_FMT " largest per key figure:\n", top));
  for (PetscInt f = 0; f < S->nfig; f++) {
    PetscInt n = 0;
    for (PetscInt k = 0; k < S->npar; k++) order[n++] = k;
    for (PetscInt i = 1; i < n; i++) /* insertion sort by |coefficient|, largest first */
      for (PetscInt j = i; j > 0 && PetscAbsReal(DSSensitivityNormalised(S, f, order[j])) > PetscAbsReal(DSSensitivityNormalised(S, f, order[j - 1])); j--) {
        PetscInt t = order[j];
        order[j] = order[j - 1], order[j - 1] = t;
      }
    PetscCall(PetscPrintf(comm, "  %s = %.6g %s:", S->figs[f].name, (double)S->Q[f], S->figs[f].unit));
    for (PetscInt i = 0; i < PetscMin(top, n); i++) PetscCall(PetscPrintf(comm, "%s %s %+.4g", i ? "," : "", S->params[order[i]].key, (double)DSSensitivityNormalised(S, f, order[i])));
    PetscCall(PetscPrintf(comm, "\n"));
  }
  PetscCall(PetscFree(order));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: the table, created exclusively unless overwriting. Returns an errno value. */
static int DSSensitivityWriteRank0(DSSensitivity S, const char path[], PetscBool overwrite)
{
  int   fd = open(path, O_WRONLY | O_CREAT | (overwrite ? O_TRUNC : O_EXCL), 0644), err = 0;
  FILE *f  = fd >= 0 ? fdopen(fd, "w") : NULL;

  if (!f) {
    err = errno;
    if (fd >= 0) close(fd);
    return err;
  }
  fprintf(f, "figure,figure_unit,figure_value,parameter,parameter_unit,parameter_value,dQ_dp [figure unit per parameter unit],normalised [1]\n");
  for (PetscInt q = 0; q < S->nfig; q++)
    for (PetscInt k = 0; k < S->npar; k++)
      fprintf(f, "%s,%s,%.17g,%s,%s,%.17g,%.17g,%.17g\n", S->figs[q].name, S->figs[q].unit, (double)S->Q[q], S->params[k].key, S->params[k].unit, (double)S->params[k].value, (double)S->dQdp[q * S->npar + k],
              (double)DSSensitivityNormalised(S, q, k));
  if (fflush(f) || ferror(f)) err = errno ? errno : EIO;
  if (fclose(f) && !err) err = errno ? errno : EIO;
  return err;
}

PetscErrorCode DSSensitivityWriteCSV(DSSensitivity S, MPI_Comm comm, const char path[], PetscBool overwrite)
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) err = DSSensitivityWriteRank0(S, path, overwrite);
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(err != EEXIST, comm, PETSC_ERR_FILE_OPEN, "'%s' exists: refusing to overwrite it (pass -output_overwrite to replace it)", path);
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "cannot write the sensitivity table '%s': %s", path, strerror(err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSSensitivityDestroy(DSSensitivity *sens)
{
  PetscFunctionBeginUser;
  if (!*sens) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree2((*sens)->Q, (*sens)->dQdp));
  PetscCall(PetscFree(*sens));
  PetscFunctionReturn(PETSC_SUCCESS);
}
