/* Where a vector over the problem's unknowns is worst: for failure messages that name the species
 * and the cell, not an index. */
#include <petscdmda.h>
#include "dsproblemimpl.h"

/* Rank-local candidate: a non-finite entry beats any finite one; then the largest |w|. */
static void DSLocateLocal(const PetscScalar *w, PetscInt n, PetscInt *at, PetscReal *score)
{
  *at = -1, *score = -1;
  for (PetscInt i = 0; i < n; i++) {
    PetscReal v = PetscAbsScalar(w[i]), s = PetscIsInfOrNanReal(v) ? PETSC_MAX_REAL : v;
    if (s > *score) *score = s, *at = i;
  }
}

/* Describes entry 'at' of this rank (species, position, region, value). */
static PetscErrorCode DSLocateDescribe(DSProblem p, PetscInt at, PetscScalar value, const char what[], const char per[], char text[], size_t len)
{
  const DSFieldInfo *info;
  PetscInt           c = at / p->nsp, s = at % p->nsp, i = p->xs[0] + c % p->xm[0], j = p->xs[1] + (c / p->xm[0]) % p->xm[1], k = p->xs[2] + c / (p->xm[0] * p->xm[1]);
  const DSPoint     *pt = &p->point[c];

  PetscFunctionBeginUser;
  PetscCall(DSModelGetField(p->model, s, &info));
  PetscCall(PetscSNPrintf(text, len, "%s%s = %g%s%s%s in the %s cell (%" PetscInt_FMT ", %" PetscInt_FMT ", %" PetscInt_FMT ") centred at (%.3g, %.3g, %.3g) mm", info->name, what, (double)PetscRealPart(value), per ? " " : "", per ? info->unit : "", per ? per : "",
                          DSRegionNames[pt->region], i, j, k, (double)pt->x[0], (double)pt->x[1], (double)pt->x[2]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemLocateWorst(DSProblem p, Vec w, const char what[], const char per[], PetscBool *nonfinite, char text[], size_t len)
{
  const PetscScalar *a;
  PetscInt           n, at;
  PetscMPIInt        rank;
  struct {
    PetscReal   score;
    PetscMPIInt rank;
  } mine, best;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)w), &rank));
  PetscCall(VecGetLocalSize(w, &n));
  PetscCall(VecGetArrayRead(w, &a));
  DSLocateLocal(a, n, &at, &mine.score);
  mine.rank = rank;
  PetscCallMPI(MPI_Allreduce(&mine, &best, 1, MPI_DOUBLE_INT, MPI_MAXLOC, PetscObjectComm((PetscObject)w)));
  text[0] = 0;
  if (rank == best.rank && at >= 0) PetscCall(DSLocateDescribe(p, at, a[at], what, per, text, len));
  PetscCall(VecRestoreArrayRead(w, &a));
  PetscCallMPI(MPI_Bcast(text, (PetscMPIInt)len, MPI_CHAR, best.rank, PetscObjectComm((PetscObject)w)));
  if (nonfinite) *nonfinite = (PetscBool)(best.score == PETSC_MAX_REAL);
  PetscFunctionReturn(PETSC_SUCCESS);
}
