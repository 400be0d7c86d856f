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

/* The coarse operators, summed directly (DSMultigridUpdate): the interpolation has a single 1 per
 * row, so (P^T A P)_IJ is the sum of the A_ij with fine row i in aggregate I and fine column j in
 * aggregate J. PETSc's general parallel product (MatPtAP) took 2.2x on two ranks the time it
 * takes on one (doc/performance.md). Per level l >= 1 (0 the finest): the local coarse row of
 * every local row of the level above (-1: an aggregate owned by another rank, after an odd
 * ownership split; its entries are sent by MatSetValues), and for every local nonzero of the
 * level above (its diagonal block, then its off-process block) one byte: the position in that
 * coarse row's diagonal block (< 128), in its off-process block (128 + position), or remote.
 * One byte per fine nonzero: the map of the 10^6-cell grid takes 25 MB. */
#define DS_MG_OFF    128
#define DS_MG_REMOTE 255

typedef struct {
  PetscInt         nremote, *remote_nz, *remote_row, *remote_col; /* nonzero index, coarse row and column */
  PetscInt        *crow;       /* per local row of the level above */
  unsigned char   *code;       /* per local nonzero of the level above */
  PetscInt         nnz;        /* local nonzeros of the level above */
  PetscObjectState pattern;    /* the nonzero state of the level above when the map was made */
} DSGalerkinLevel;

typedef struct {
  PetscInt        L, dof;
  DSGridLevel     g[DS_MG_MAX_LEVELS]; /* g[0] the finest */
  Mat             A[DS_MG_MAX_LEVELS];  /* A[0] borrowed (the PC's operator), A[l >= 1] owned */
  DSGalerkinLevel gl[DS_MG_MAX_LEVELS];
} DSMultigridCtx;

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

/* The global row (cell * dof + species) on level c of the aggregate of fine global row G on f. */
static PetscInt DSGridLevelAggregate(const DSGridLevel *f, const DSGridLevel *c, PetscInt dof, PetscInt G)
{
  PetscInt cell = G / dof, s = G % dof, lo = 0, hi = f->np[0] * f->np[1] * f->np[2], p[3], w[3], li, idx[3];
  while (hi - lo > 1) { /* the last rank whose first cell is <= cell (empty ranks share offsets) */
    PetscInt mid = (lo + hi) / 2;
    if (f->offset[mid] <= cell) lo = mid;
    else hi = mid;
  }
  p[0] = lo % f->np[0], p[1] = (lo / f->np[0]) % f->np[1], p[2] = lo / (f->np[0] * f->np[1]);
  for (PetscInt d = 0; d < 3; d++) w[d] = f->start[d][p[d] + 1] - f->start[d][p[d]];
  li     = cell - f->offset[lo];
  idx[0] = (f->start[0][p[0]] + li % w[0]) / 2;
  idx[1] = (f->start[1][p[1]] + (li / w[0]) % w[1]) / 2;
  idx[2] = (f->start[2][p[2]] + li / (w[0] * w[1])) / 2;
  return DSGridLevelGlobal(c, idx) * dof + s;
}

/* The local rows of an AIJ matrix: its diagonal block A and (in parallel) off-process block B. */
typedef struct {
  Mat             A, B;
  const PetscInt *ai, *aj, *bi, *bj, *garray;
  PetscInt        nrows, rstart, cstart, cend;
} DSLocalRows;

static PetscErrorCode DSLocalRowsGet(Mat M, DSLocalRows *L)
{
  PetscBool mpi, done;
  PetscInt  n;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(L, sizeof *L));
  PetscCall(PetscObjectTypeCompare((PetscObject)M, MATMPIAIJ, &mpi));
  if (mpi) PetscCall(MatMPIAIJGetSeqAIJ(M, &L->A, &L->B, &L->garray));
  else L->A = M;
  PetscCall(MatGetOwnershipRange(M, &L->rstart, NULL));
  PetscCall(MatGetOwnershipRangeColumn(M, &L->cstart, &L->cend));
  PetscCall(MatGetRowIJ(L->A, 0, PETSC_FALSE, PETSC_FALSE, &L->nrows, &L->ai, &L->aj, &done));
  PetscCheck(done, PETSC_COMM_SELF, PETSC_ERR_PLIB, "multigrid: MatGetRowIJ failed");
  if (L->B) PetscCall(MatGetRowIJ(L->B, 0, PETSC_FALSE, PETSC_FALSE, &n, &L->bi, &L->bj, &done));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSLocalRowsRestore(DSLocalRows *L)
{
  PetscBool done;
  PetscInt  n;

  PetscFunctionBeginUser;
  PetscCall(MatRestoreRowIJ(L->A, 0, PETSC_FALSE, PETSC_FALSE, &n, &L->ai, &L->aj, &done));
  if (L->B) PetscCall(MatRestoreRowIJ(L->B, 0, PETSC_FALSE, PETSC_FALSE, &n, &L->bi, &L->bj, &done));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Position of global column J in local row r: >= 0 in A's values, -1 - position in B's */
static PetscErrorCode DSLocalRowsFind(const DSLocalRows *L, PetscInt r, PetscInt J, PetscInt *pos)
{
  PetscFunctionBeginUser;
  if (J >= L->cstart && J < L->cend) {
    for (PetscInt m = L->ai[r]; m < L->ai[r + 1]; m++)
      if (L->aj[m] == J - L->cstart) {
        *pos = m;
        PetscFunctionReturn(PETSC_SUCCESS);
      }
  } else if (L->B) {
    for (PetscInt m = L->bi[r]; m < L->bi[r + 1]; m++)
      if (L->garray[L->bj[m]] == J) {
        *pos = -1 - m;
        PetscFunctionReturn(PETSC_SUCCESS);
      }
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_PLIB, "multigrid: coarse entry (%" PetscInt_FMT ", %" PetscInt_FMT ") missing from its pattern", r + L->rstart, J);
}

static PetscErrorCode DSGalerkinLevelReset(DSGalerkinLevel *gl, Mat *A)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree2(gl->crow, gl->code));
  PetscCall(PetscFree3(gl->remote_nz, gl->remote_row, gl->remote_col));
  gl->nremote = gl->nnz = 0;
  PetscCall(MatDestroy(A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Aggregate of every local row and of every off-process column of the fine matrix */
static PetscErrorCode DSMultigridAggregates(const DSMultigridCtx *ctx, PetscInt l, const DSLocalRows *F, PetscInt **rowagg, PetscInt **colagg)
{
  PetscInt nb = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(F->nrows, rowagg));
  for (PetscInt r = 0; r < F->nrows; r++) (*rowagg)[r] = DSGridLevelAggregate(&ctx->g[l - 1], &ctx->g[l], ctx->dof, F->rstart + r);
  if (F->B) PetscCall(MatGetSize(F->B, NULL, &nb));
  PetscCall(PetscMalloc1(nb + 1, colagg));
  for (PetscInt k = 0; k < nb; k++) (*colagg)[k] = DSGridLevelAggregate(&ctx->g[l - 1], &ctx->g[l], ctx->dof, F->garray[k]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The (coarse row, coarse column) pairs of the local fine rows whose aggregate another rank
 * owns go to that rank (an odd ownership split): *nrecv pairs arrive in rrow, rcol. */
static PetscErrorCode DSMultigridExchangeRemote(MPI_Comm comm, const DSGridLevel *c, PetscInt dof, const DSLocalRows *F, const PetscInt *rowagg, const PetscInt *colagg, PetscInt *nrecv, PetscInt **rrow, PetscInt **rcol)
{
  PetscMPIInt size, rank, *scount, *rcount, *sdispl, *rdispl;
  PetscInt    nsend = 0, *srow, *scol, *fill;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscCalloc4(size, &scount, size, &rcount, size + 1, &sdispl, size + 1, &rdispl));
  for (int pass = 0; pass < 2; pass++) {
    if (pass) {
      for (PetscMPIInt q = 0; q < size; q++) sdispl[q + 1] = sdispl[q] + scount[q];
      nsend = sdispl[size];
      PetscCall(PetscMalloc3(nsend + 1, &srow, nsend + 1, &scol, size, &fill));
      for (PetscMPIInt q = 0; q < size; q++) fill[q] = sdispl[q];
    }
    for (PetscInt r = 0; r < F->nrows; r++) {
      const PetscInt row   = rowagg[r];
      PetscMPIInt    owner = 0;
      if (row >= dof * c->offset[rank] && row < dof * c->offset[rank + 1]) continue;
      while (owner < size - 1 && row >= dof * c->offset[owner + 1]) owner++;
      for (PetscInt part = 0; part < (F->B ? 2 : 1); part++) {
        const PetscInt *ri = part ? F->bi : F->ai, *rj = part ? F->bj : F->aj;
        for (PetscInt m = ri[r]; m < ri[r + 1]; m++) {
          if (!pass) {
            scount[owner]++;
            continue;
          }
          srow[fill[owner]] = row;
          scol[fill[owner]++] = part ? colagg[rj[m]] : rowagg[rj[m]];
        }
      }
    }
  }
  PetscCallMPI(MPI_Alltoall(scount, 1, MPI_INT, rcount, 1, MPI_INT, comm));
  for (PetscMPIInt q = 0; q < size; q++) rdispl[q + 1] = rdispl[q] + rcount[q];
  *nrecv = rdispl[size];
  PetscCall(PetscMalloc2(*nrecv + 1, rrow, *nrecv + 1, rcol));
  PetscCallMPI(MPI_Alltoallv(srow, scount, sdispl, MPIU_INT, *rrow, rcount, rdispl, MPIU_INT, comm));
  PetscCallMPI(MPI_Alltoallv(scol, scount, sdispl, MPIU_INT, *rcol, rcount, rdispl, MPIU_INT, comm));
  PetscCall(PetscFree3(srow, scol, fill));
  PetscCall(PetscFree4(scount, rcount, sdispl, rdispl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Members of each local coarse row: the local fine rows aggregated into it (order[start[i] ..
 * start[i + 1]]), by a counting sort */
static PetscErrorCode DSMultigridGroup(PetscInt n, const PetscInt *key, PetscInt kstart, PetscInt nkeys, PetscInt **start, PetscInt **order)
{
  PetscInt *fill;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(nkeys + 1, start));
  PetscCall(PetscMalloc1(n + 1, order));
  PetscCall(PetscMalloc1(nkeys + 1, &fill));
  for (PetscInt r = 0; r < n; r++)
    if (key[r] >= kstart && key[r] < kstart + nkeys) (*start)[key[r] - kstart + 1]++;
  for (PetscInt i = 0; i < nkeys; i++) (*start)[i + 1] += (*start)[i];
  for (PetscInt i = 0; i < nkeys; i++) fill[i] = (*start)[i];
  for (PetscInt r = 0; r < n; r++)
    if (key[r] >= kstart && key[r] < kstart + nkeys) (*order)[fill[key[r] - kstart]++] = r;
  PetscCall(PetscFree(fill));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  const DSLocalRows *F;
  const PetscInt    *rowagg, *colagg, *fstart, *forder, *rstart, *rorder, *rcol;
} DSCoarseRows;

/* The distinct columns of local coarse row i, sorted: its fine rows' aggregated columns and the
 * pairs received for it */
static PetscErrorCode DSCoarseRowColumns(const DSCoarseRows *R, PetscInt i, PetscInt *cols, PetscInt *n)
{
  const DSLocalRows *F = R->F;

  PetscFunctionBeginUser;
  *n = 0;
#define DS_ADD_COLUMN(J) \
  do { \
    PetscInt j_ = (J), q_ = 0; \
    while (q_ < *n && cols[q_] != j_) q_++; \
    if (q_ == *n) cols[(*n)++] = j_; \
  } while (0)
  for (PetscInt g = R->fstart[i]; g < R->fstart[i + 1]; g++) {
    const PetscInt r = R->forder[g];
    for (PetscInt m = F->ai[r]; m < F->ai[r + 1]; m++) DS_ADD_COLUMN(R->rowagg[F->aj[m]]);
    for (PetscInt m = F->B ? F->bi[r] : 0; F->B && m < F->bi[r + 1]; m++) DS_ADD_COLUMN(R->colagg[F->bj[m]]);
  }
  for (PetscInt g = R->rstart[i]; g < R->rstart[i + 1]; g++) DS_ADD_COLUMN(R->rcol[R->rorder[g]]);
#undef DS_ADD_COLUMN
  PetscCall(PetscSortInt(*n, cols));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The coarse matrix of level l with the pattern of P^T A[l-1] P, zeros, preallocated exactly */
static PetscErrorCode DSMultigridCoarsePattern(DSMultigridCtx *ctx, PetscInt l, const DSLocalRows *F, const PetscInt *rowagg, const PetscInt *colagg)
{
  MPI_Comm     comm = PetscObjectComm((PetscObject)ctx->A[l - 1]);
  PetscMPIInt  rank;
  PetscInt     nloc, first, nrecv = 0, *rrow, *rcol, *dnz, *onz, *cols, maxcols = 0, maxrow = 0;
  PetscScalar *zeros;
  DSCoarseRows R;
  PetscInt    *fstart, *forder, *rstart, *rorder;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  nloc  = ctx->dof * DSGridLevelLocalCells(&ctx->g[l], rank);
  first = ctx->dof * ctx->g[l].offset[rank];
  PetscCall(DSMultigridExchangeRemote(comm, &ctx->g[l], ctx->dof, F, rowagg, colagg, &nrecv, &rrow, &rcol));
  PetscCall(DSMultigridGroup(F->nrows, rowagg, first, nloc, &fstart, &forder));
  PetscCall(DSMultigridGroup(nrecv, rrow, first, nloc, &rstart, &rorder));
  R = (DSCoarseRows){F, rowagg, colagg, fstart, forder, rstart, rorder, rcol};
  for (PetscInt r = 0; r < F->nrows; r++) maxrow = PetscMax(maxrow, F->ai[r + 1] - F->ai[r] + (F->B ? F->bi[r + 1] - F->bi[r] : 0));
  for (PetscInt i = 0; i < nloc; i++) maxcols = PetscMax(maxcols, (fstart[i + 1] - fstart[i]) * maxrow + rstart[i + 1] - rstart[i]);
  PetscCall(PetscCalloc4(nloc + 1, &dnz, nloc + 1, &onz, maxcols + 1, &cols, maxcols + 1, &zeros));
  for (PetscInt i = 0; i < nloc; i++) {
    PetscInt n;
    PetscCall(DSCoarseRowColumns(&R, i, cols, &n));
    for (PetscInt q = 0; q < n; q++) {
      if (cols[q] >= first && cols[q] < first + nloc) dnz[i]++;
      else onz[i]++;
    }
  }
  PetscCall(MatCreate(comm, &ctx->A[l]));
  PetscCall(MatSetSizes(ctx->A[l], nloc, nloc, PETSC_DETERMINE, PETSC_DETERMINE));
  PetscCall(MatSetType(ctx->A[l], MATAIJ));
  PetscCall(MatSeqAIJSetPreallocation(ctx->A[l], 0, dnz));
  PetscCall(MatMPIAIJSetPreallocation(ctx->A[l], 0, dnz, 0, onz));
  for (PetscInt i = 0; i < nloc; i++) {
    PetscInt n, row = first + i;
    PetscCall(DSCoarseRowColumns(&R, i, cols, &n));
    PetscCall(MatSetValues(ctx->A[l], 1, &row, n, cols, zeros, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(ctx->A[l], MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(ctx->A[l], MAT_FINAL_ASSEMBLY));
  PetscCall(MatSetOption(ctx->A[l], MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  PetscCall(PetscFree4(dnz, onz, cols, zeros));
  PetscCall(PetscFree(fstart));
  PetscCall(PetscFree(forder));
  PetscCall(PetscFree(rstart));
  PetscCall(PetscFree(rorder));
  PetscCall(PetscFree2(rrow, rcol));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Level l's coarse matrix and, for every local nonzero of level l - 1, where it is summed */
static PetscErrorCode DSMultigridSymbolic(DSMultigridCtx *ctx, PetscInt l)
{
  DSGalerkinLevel *gl = &ctx->gl[l];
  DSLocalRows      F, C;
  PetscInt        *rowagg, *colagg, na, q = 0;

  PetscFunctionBeginUser;
  PetscCall(DSGalerkinLevelReset(gl, &ctx->A[l]));
  PetscCall(DSLocalRowsGet(ctx->A[l - 1], &F));
  PetscCall(DSMultigridAggregates(ctx, l, &F, &rowagg, &colagg));
  PetscCall(DSMultigridCoarsePattern(ctx, l, &F, rowagg, colagg));
  PetscCall(DSLocalRowsGet(ctx->A[l], &C));
  na      = F.ai[F.nrows];
  gl->nnz = na + (F.B ? F.bi[F.nrows] : 0);
  for (PetscInt r = 0; r < F.nrows; r++)
    if (rowagg[r] < C.rstart || rowagg[r] >= C.rstart + C.nrows) gl->nremote += F.ai[r + 1] - F.ai[r] + (F.B ? F.bi[r + 1] - F.bi[r] : 0);
  PetscCall(PetscMalloc2(F.nrows + 1, &gl->crow, gl->nnz + 1, &gl->code));
  PetscCall(PetscMalloc3(gl->nremote + 1, &gl->remote_nz, gl->nremote + 1, &gl->remote_row, gl->nremote + 1, &gl->remote_col));
  for (PetscInt r = 0; r < F.nrows; r++) {
    const PetscInt  row   = rowagg[r];
    const PetscBool local = (PetscBool)(row >= C.rstart && row < C.rstart + C.nrows);
    gl->crow[r]           = local ? row - C.rstart : -1;
    for (PetscInt part = 0; part < (F.B ? 2 : 1); part++) {
      const PetscInt *ri = part ? F.bi : F.ai, *rj = part ? F.bj : F.aj;
      for (PetscInt m = ri[r]; m < ri[r + 1]; m++) {
        const PetscInt k = part ? na + m : m, J = part ? colagg[rj[m]] : rowagg[rj[m]];
        PetscInt       pos, off;
        if (!local) {
          gl->code[k]      = DS_MG_REMOTE;
          gl->remote_nz[q] = k, gl->remote_row[q] = row, gl->remote_col[q] = J, q++;
          continue;
        }
        PetscCall(DSLocalRowsFind(&C, gl->crow[r], J, &pos));
        off = pos >= 0 ? pos - C.ai[gl->crow[r]] : DS_MG_OFF + (-1 - pos) - C.bi[gl->crow[r]];
        PetscCheck(pos >= 0 ? off < DS_MG_OFF : off < DS_MG_REMOTE, PETSC_COMM_SELF, PETSC_ERR_SUP, "multigrid: a coarse row with more than %d entries in a block", DS_MG_OFF - 1);
        gl->code[k] = (unsigned char)off;
      }
    }
  }
  PetscCall(DSLocalRowsRestore(&C));
  PetscCall(DSLocalRowsRestore(&F));
  PetscCall(PetscFree(rowagg));
  PetscCall(PetscFree(colagg));
  PetscCall(MatGetNonzeroState(ctx->A[l - 1], &gl->pattern));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A[l] = P^T A[l-1] P: one pass over A[l-1]'s local values, the aggregates of other ranks by
 * MatSetValues (ADD_VALUES) */
static PetscErrorCode DSMultigridNumeric(DSMultigridCtx *ctx, PetscInt l)
{
  const DSGalerkinLevel *gl = &ctx->gl[l];
  DSLocalRows            F, C;
  const PetscScalar     *fa, *fb = NULL;
  PetscScalar           *ca, *cb = NULL;

  PetscFunctionBeginUser;
  PetscCall(DSLocalRowsGet(ctx->A[l - 1], &F));
  PetscCall(DSLocalRowsGet(ctx->A[l], &C));
  PetscCall(MatSeqAIJGetArrayRead(F.A, &fa));
  if (F.B) PetscCall(MatSeqAIJGetArrayRead(F.B, &fb));
  PetscCall(MatSeqAIJGetArray(C.A, &ca));
  if (C.B) PetscCall(MatSeqAIJGetArray(C.B, &cb));
  PetscCall(PetscArrayzero(ca, C.ai[C.nrows]));
  if (C.B) PetscCall(PetscArrayzero(cb, C.bi[C.nrows]));
  for (PetscInt r = 0; r < F.nrows; r++) {
    const PetscInt i = gl->crow[r];
    if (i < 0) continue;
    for (PetscInt part = 0; part < (F.B ? 2 : 1); part++) {
      const PetscInt    *ri = part ? F.bi : F.ai, k0 = part ? F.ai[F.nrows] : 0;
      const PetscScalar *v  = part ? fb : fa;
      for (PetscInt m = ri[r]; m < ri[r + 1]; m++) {
        const unsigned char c = gl->code[k0 + m];
        if (c < DS_MG_OFF) ca[C.ai[i] + c] += v[m];
        else cb[C.bi[i] + c - DS_MG_OFF] += v[m];
      }
    }
  }
  if (C.B) PetscCall(MatSeqAIJRestoreArray(C.B, &cb));
  PetscCall(MatSeqAIJRestoreArray(C.A, &ca));
  for (PetscInt q = 0; q < gl->nremote; q++) {
    const PetscInt k = gl->remote_nz[q], na = F.ai[F.nrows];
    PetscCall(MatSetValue(ctx->A[l], gl->remote_row[q], gl->remote_col[q], k < na ? fa[k] : fb[k - na], ADD_VALUES));
  }
  if (F.B) PetscCall(MatSeqAIJRestoreArrayRead(F.B, &fb));
  PetscCall(MatSeqAIJRestoreArrayRead(F.A, &fa));
  PetscCall(DSLocalRowsRestore(&C));
  PetscCall(DSLocalRowsRestore(&F));
  PetscCall(MatAssemblyBegin(ctx->A[l], MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(ctx->A[l], MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSMultigridCtxDestroy(void *vctx)
{
  DSMultigridCtx *ctx = (DSMultigridCtx *)vctx;

  PetscFunctionBeginUser;
  for (PetscInt l = 0; l < ctx->L; l++) {
    PetscCall(DSGridLevelDestroy(&ctx->g[l]));
    if (l) PetscCall(DSGalerkinLevelReset(&ctx->gl[l], &ctx->A[l]));
  }
  PetscCall(PetscFree(ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMultigridUpdate(PC pc, Mat A)
{
  PetscContainer  container = NULL;
  DSMultigridCtx *ctx;
  PetscBool       aij, rebuilt = PETSC_FALSE;
  MatType         type;

  PetscFunctionBeginUser;
  if (!pc) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscObjectQuery((PetscObject)pc, "DSMultigridCtx", (PetscObject *)&container));
  if (!container) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscContainerGetPointer(container, (void **)&ctx));
  PetscCall(PetscObjectTypeCompareAny((PetscObject)A, &aij, MATSEQAIJ, MATMPIAIJ, ""));
  PetscCall(MatGetType(A, &type));
  PetscCheck(aij, PetscObjectComm((PetscObject)pc), PETSC_ERR_SUP, "discsim's multigrid needs an AIJ matrix, not %s", type);
  ctx->A[0] = A;
  for (PetscInt l = 1; l < ctx->L; l++) {
    PetscObjectState st;
    PetscCall(MatGetNonzeroState(ctx->A[l - 1], &st));
    if (rebuilt || !ctx->A[l] || st != ctx->gl[l].pattern) {
      KSP smoother;
      PetscCall(DSMultigridSymbolic(ctx, l));
      PetscCall(PCMGGetSmoother(pc, ctx->L - 1 - l, &smoother));
      PetscCall(KSPSetOperators(smoother, ctx->A[l], ctx->A[l]));
      rebuilt = PETSC_TRUE;
    }
    PetscCall(DSMultigridNumeric(ctx, l));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMultigridSetUp(PC pc, DM dm, PetscInt max_coarse_cells, PetscBool direct, PetscInt *nlevels)
{
  DSMultigridCtx *ctx;
  DSGridLevel    *g;
  PetscInt        L = 1, dof;
  MPI_Comm        comm = PetscObjectComm((PetscObject)pc);
  PetscContainer  container;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&ctx));
  g = ctx->g;
  PetscCall(DMDAGetInfo(dm, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DSGridLevelFromDM(dm, &g[0]));
  /* coarsen while the grid is large and a direction can still halve; at least once, so that the
   * coarsest level is solved directly (PCMG smooths a lone level as if it were a fine one) */
  while (L < DS_MG_MAX_LEVELS && (L == 1 || g[L - 1].n[0] * g[L - 1].n[1] * g[L - 1].n[2] > max_coarse_cells) && (g[L - 1].n[0] > 1 || g[L - 1].n[1] > 1 || g[L - 1].n[2] > 1)) {
    PetscCall(DSGridLevelCoarsen(&g[L - 1], &g[L]));
    L++;
  }
  ctx->L = L, ctx->dof = dof;
  PetscCall(PCSetType(pc, PCMG));
  PetscCall(PCMGSetLevels(pc, L, NULL));
  /* direct: the coarse operators are ours (DSMultigridUpdate), computed before every set-up */
  PetscCall(PCMGSetGalerkin(pc, direct ? PC_MG_GALERKIN_EXTERNAL : PC_MG_GALERKIN_BOTH));
  for (PetscInt l = 1; l < L; l++) { /* PCMG numbers levels from the coarsest (0) */
    Mat P;
    PetscCall(DSMultigridInterpolation(comm, &g[L - 1 - l], &g[L - l], dof, &P));
    PetscCall(PCMGSetInterpolation(pc, l, P));
    PetscCall(MatDestroy(&P));
  }
  *nlevels = L;
  if (!direct) {
    PetscCall(DSMultigridCtxDestroy(ctx));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscContainerCreate(comm, &container));
  PetscCall(PetscContainerSetPointer(container, ctx));
  PetscCall(PetscContainerSetUserDestroy(container, DSMultigridCtxDestroy));
  PetscCall(PetscObjectCompose((PetscObject)pc, "DSMultigridCtx", (PetscObject)container));
  PetscCall(PetscContainerDestroy(&container));
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
  PetscMPIInt size;
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
  /* Coarse operators summed by DSMultigridUpdate on several ranks, where PETSc's parallel product
   * was the largest loss of the 2-rank split; PETSc's on one rank, where its sequential product
   * is as fast and needs less memory (10^6 cells: 1372 against 1429 MiB; doc/performance.md) */
  PetscCallMPI(MPI_Comm_size(PetscObjectComm((PetscObject)ksp), &size));
  PetscCall(DSMultigridSetUp(pc, dm, 2000, (PetscBool)(size > 1), &levels));
  PetscCall(PCSetFromOptions(pc));
  PetscCall(PetscInfo(pc, "geometric multigrid: %" PetscInt_FMT " levels\n", levels));
  PetscFunctionReturn(PETSC_SUCCESS);
}
