#include "dsmultigrid.h"
#include <petscdmda.h>

#define DS_MG_MAX_LEVELS 16

/* One level's grid and its split over the process grid: start of each process slab along each
 * direction (start[d][np[d]] = n[d]), and the first global row of each rank. */
typedef struct {
  PetscInt  n[3], np[3];
  PetscInt *start[3];
  PetscInt *offset; /* per rank, in cells */
} DSGridLevel;

static PetscErrorCode DSGridLevelDestroy(DSGridLevel *g)
{
  PetscFunctionBeginUser;
  for (PetscInt d = 0; d < 3; d++) PetscCall(PetscFree(g->start[d]));
  PetscCall(PetscFree(g->offset));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Ranks are ordered as in DMDA: x fastest, then y, then z. */
static PetscErrorCode DSGridLevelSetOffsets(DSGridLevel *g)
{
  PetscInt size = g->np[0] * g->np[1] * g->np[2], r = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(size + 1, &g->offset));
  g->offset[0] = 0;
  for (PetscInt pk = 0; pk < g->np[2]; pk++)
    for (PetscInt pj = 0; pj < g->np[1]; pj++)
      for (PetscInt pi = 0; pi < g->np[0]; pi++, r++) {
        PetscInt cells = (g->start[0][pi + 1] - g->start[0][pi]) * (g->start[1][pj + 1] - g->start[1][pj]) * (g->start[2][pk + 1] - g->start[2][pk]);
        g->offset[r + 1] = g->offset[r] + cells;
      }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSGridLevelFromDM(DM dm, DSGridLevel *g)
{
  const PetscInt *l[3];

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(dm, NULL, &g->n[0], &g->n[1], &g->n[2], &g->np[0], &g->np[1], &g->np[2], NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetOwnershipRanges(dm, &l[0], &l[1], &l[2]));
  for (PetscInt d = 0; d < 3; d++) {
    PetscCall(PetscMalloc1(g->np[d] + 1, &g->start[d]));
    g->start[d][0] = 0;
    for (PetscInt p = 0; p < g->np[d]; p++) g->start[d][p + 1] = g->start[d][p] + (l[d] ? l[d][p] : g->n[d]);
  }
  PetscCall(DSGridLevelSetOffsets(g));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Coarse cell c aggregates fine cells 2c and 2c + 1; it belongs to the process that owns 2c. */
static PetscErrorCode DSGridLevelCoarsen(const DSGridLevel *f, DSGridLevel *c)
{
  PetscFunctionBeginUser;
  for (PetscInt d = 0; d < 3; d++) {
    c->n[d]  = (f->n[d] + 1) / 2;
    c->np[d] = f->np[d];
    PetscCall(PetscMalloc1(c->np[d] + 1, &c->start[d]));
    for (PetscInt p = 0; p <= c->np[d]; p++) c->start[d][p] = (f->start[d][p] + 1) / 2;
  }
  PetscCall(DSGridLevelSetOffsets(c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscInt DSGridLevelOwner(const PetscInt *start, PetscInt np, PetscInt i)
{
  PetscInt p = 0;
  while (p < np - 1 && i >= start[p + 1]) p++;
  return p;
}

/* Global cell number of (i, j, k) in PETSc's ordering of this level. */
static PetscInt DSGridLevelGlobal(const DSGridLevel *g, const PetscInt idx[3])
{
  PetscInt p[3], lo[3], w[3];
  for (PetscInt d = 0; d < 3; d++) {
    p[d]  = DSGridLevelOwner(g->start[d], g->np[d], idx[d]);
    lo[d] = g->start[d][p[d]];
    w[d]  = g->start[d][p[d] + 1] - lo[d];
  }
  PetscInt rank = (p[2] * g->np[1] + p[1]) * g->np[0] + p[0];
  return g->offset[rank] + ((idx[2] - lo[2]) * w[1] + (idx[1] - lo[1])) * w[0] + (idx[0] - lo[0]);
}

static PetscInt DSGridLevelLocalCells(const DSGridLevel *g, PetscMPIInt rank) { return g->offset[rank + 1] - g->offset[rank]; }

/* Piecewise-constant interpolation from coarse level c to fine level f, dof species per cell. */
static PetscErrorCode DSMultigridInterpolation(MPI_Comm comm, const DSGridLevel *f, const DSGridLevel *c, PetscInt dof, Mat *P)
{
  PetscMPIInt rank;
  PetscInt    p[3], lo[3], hi[3], row;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(MatCreateAIJ(comm, dof * DSGridLevelLocalCells(f, rank), dof * DSGridLevelLocalCells(c, rank), PETSC_DETERMINE, PETSC_DETERMINE, 1, NULL, 1, NULL, P));
  p[0] = rank % f->np[0], p[1] = (rank / f->np[0]) % f->np[1], p[2] = rank / (f->np[0] * f->np[1]);
  for (PetscInt d = 0; d < 3; d++) lo[d] = f->start[d][p[d]], hi[d] = f->start[d][p[d] + 1];
  row = dof * f->offset[rank];
  for (PetscInt k = lo[2]; k < hi[2]; k++)
    for (PetscInt j = lo[1]; j < hi[1]; j++)
      for (PetscInt i = lo[0]; i < hi[0]; i++) {
        PetscInt cidx[3] = {i / 2, j / 2, k / 2}, col = dof * DSGridLevelGlobal(c, cidx);
        for (PetscInt s = 0; s < dof; s++, row++) PetscCall(MatSetValue(*P, row, col + s, 1.0, INSERT_VALUES));
      }
  PetscCall(MatAssemblyBegin(*P, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*P, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMultigridSetUp(PC pc, DM dm, PetscInt max_coarse_cells, PetscInt *nlevels)
{
  DSGridLevel g[DS_MG_MAX_LEVELS];
  PetscInt    L = 1, dof;
  MPI_Comm    comm = PetscObjectComm((PetscObject)pc);

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(g, sizeof g));
  PetscCall(DMDAGetInfo(dm, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DSGridLevelFromDM(dm, &g[0]));
  /* coarsen while the grid is large and a direction can still halve; at least once, so that the
   * coarsest level is solved directly (PCMG smooths a lone level as if it were a fine one) */
  while (L < DS_MG_MAX_LEVELS && (L == 1 || g[L - 1].n[0] * g[L - 1].n[1] * g[L - 1].n[2] > max_coarse_cells) && (g[L - 1].n[0] > 1 || g[L - 1].n[1] > 1 || g[L - 1].n[2] > 1)) {
    PetscCall(DSGridLevelCoarsen(&g[L - 1], &g[L]));
    L++;
  }
  PetscCall(PCSetType(pc, PCMG));
  PetscCall(PCMGSetLevels(pc, L, NULL));
  PetscCall(PCMGSetGalerkin(pc, PC_MG_GALERKIN_BOTH));
  for (PetscInt l = 1; l < L; l++) { /* PCMG numbers levels from the coarsest (0) */
    Mat P;
    PetscCall(DSMultigridInterpolation(comm, &g[L - 1 - l], &g[L - l], dof, &P));
    PetscCall(PCMGSetInterpolation(pc, l, P));
    PetscCall(MatDestroy(&P));
  }
  for (PetscInt l = 0; l < L; l++) PetscCall(DSGridLevelDestroy(&g[l]));
  *nlevels = L;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A PC of type MG without -<prefix>pc_mg_levels gets our grid hierarchy, smoothed by one local
 * symmetric SOR sweep per level (no eigenvalue estimates, nothing stored beyond the matrices);
 * the coarsest grid (at most 2000 cells) by LU. Options given by the user win. */
PetscErrorCode DSMultigridSetUpFromOptions(KSP ksp, DM dm, const char prefix[])
{
  PC          pc;
  PetscBool   mg, set;
  PetscInt    levels;
  char        key[128];
  const char *defaults[][2] = {{"mg_levels_ksp_type", "richardson"}, {"mg_levels_pc_type", "sor"}, {"mg_levels_ksp_max_it", "1"}};

  PetscFunctionBeginUser;
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCMG, &mg));
  PetscCall(PetscSNPrintf(key, sizeof key, "-%spc_mg_levels", prefix));
  PetscCall(PetscOptionsHasName(NULL, NULL, key, &set));
  if (!mg || set) PetscFunctionReturn(PETSC_SUCCESS);
  for (size_t d = 0; d < sizeof defaults / sizeof defaults[0]; d++) {
    PetscCall(PetscSNPrintf(key, sizeof key, "-%s%s", prefix, defaults[d][0]));
    PetscCall(PetscOptionsHasName(NULL, NULL, key, &set));
    if (!set) PetscCall(PetscOptionsSetValue(NULL, key, defaults[d][1]));
  }
  PetscCall(DSMultigridSetUp(pc, dm, 2000, &levels));
  PetscCall(PCSetFromOptions(pc));
  PetscCall(PetscInfo(pc, "geometric multigrid: %" PetscInt_FMT " levels\n", levels));
  PetscFunctionReturn(PETSC_SUCCESS);
}
