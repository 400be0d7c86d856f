/* A state of one problem carried over to the same model on another mesh of the same disc (the
 * steady solver's coarse-grid start, dssteady.c). */
#include <petscdmda.h>
#include "dsproblemimpl.h"

/* Every rank gets the whole coarse state in natural (i fastest, then j, k) order: the coarse
 * grid is an eighth of the fine one, and a fine cell's neighbours may live on any rank. */
static PetscErrorCode DSProblemGatherNatural(DSProblem p, Vec U, Vec *all)
{
  Vec        nat;
  VecScatter sc;

  PetscFunctionBeginUser;
  PetscCall(DMDACreateNaturalVector(p->dm, &nat));
  PetscCall(DMDAGlobalToNaturalBegin(p->dm, U, INSERT_VALUES, nat));
  PetscCall(DMDAGlobalToNaturalEnd(p->dm, U, INSERT_VALUES, nat));
  PetscCall(VecScatterCreateToAll(nat, &sc, all));
  PetscCall(VecScatterBegin(sc, nat, *all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, nat, *all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&nat));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemInterpolate(DSProblem from, Vec Ufrom, DSProblem to, Vec Uto)
{
  Vec                all;
  const PetscScalar *a;
  PetscScalar       *u;
  PetscInt           n[3], nsp = to->nsp;

  PetscFunctionBeginUser;
  PetscCheck(from->model == to->model, PetscObjectComm((PetscObject)to->dm), PETSC_ERR_ARG_INCOMP, "DSProblemInterpolate: the two problems must share their model");
  PetscCall(DSMeshGetSizes(from->mesh, n));
  PetscCall(DSProblemGatherNatural(from, Ufrom, &all));
  PetscCall(VecGetArrayRead(all, &a));
  PetscCall(VecGetArray(Uto, &u));
  for (PetscInt c = 0; c < to->ncells; c++) {
    PetscInt  m, idx[8][3];
    PetscReal w[8];
    if (to->point[c].region == DS_REGION_OUTSIDE) continue;
    PetscCall(DSMeshInterpolationWeights(from->mesh, to->point[c].x, &m, idx, w));
    if (!m) continue; /* no cell of the other mesh around: keep the value */
    for (PetscInt s = 0; s < nsp; s++) u[c * nsp + s] = 0;
    for (PetscInt q = 0; q < m; q++) {
      const PetscScalar *v = a + ((idx[q][2] * n[1] + idx[q][1]) * n[0] + idx[q][0]) * nsp;
      for (PetscInt s = 0; s < nsp; s++) u[c * nsp + s] += w[q] * v[s];
    }
  }
  PetscCall(VecRestoreArray(Uto, &u));
  PetscCall(VecRestoreArrayRead(all, &a));
  PetscCall(VecDestroy(&all));
  PetscFunctionReturn(PETSC_SUCCESS);
}
