#include "dsproblemimpl.h"
#include <stdint.h>
#include <string.h>

/* -log_view shows where the time goes: residual, Jacobian, figures, injections */
PetscLogEvent DS_RHS, DS_Jacobian, DS_Figures, DS_Inject;

static PetscErrorCode DSProblemRegisterEvents(void)
{
  static PetscBool   done = PETSC_FALSE;
  static PetscClassId classid;

  PetscFunctionBeginUser;
  if (done) PetscFunctionReturn(PETSC_SUCCESS);
  done = PETSC_TRUE;
  PetscCall(PetscClassIdRegister("DSProblem", &classid));
  PetscCall(PetscLogEventRegister("DSProblemRHS", classid, &DS_RHS));
  PetscCall(PetscLogEventRegister("DSProblemJacobian", classid, &DS_Jacobian));
  PetscCall(PetscLogEventRegister("DSProblemFigures", classid, &DS_Figures));
  PetscCall(PetscLogEventRegister("DSProblemInject", classid, &DS_Inject));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscInt DSProblemLocalIndex(DSProblem p, PetscInt i, PetscInt j, PetscInt k)
{
  return ((k - p->gxs[2]) * p->gxm[1] + (j - p->gxs[1])) * p->gxm[0] + (i - p->gxs[0]);
}

static uint32_t DSHashReals(const PetscReal *v, PetscInt n)
{
  const unsigned char *b = (const unsigned char *)v;
  uint64_t             h = 14695981039346656037ULL; /* FNV-1a */
  for (size_t i = 0; i < n * sizeof(PetscReal); i++) h = (h ^ b[i]) * 1099511628211ULL;
  return (uint32_t)(h ^ (h >> 32));
}

static PetscErrorCode DSProblemHashRebuild(DSProblem p, PetscInt nhash)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(p->hash));
  PetscCall(PetscMalloc1(nhash, &p->hash));
  p->nhash = nhash;
  for (PetscInt h = 0; h < nhash; h++) p->hash[h] = -1;
  for (PetscInt e = 0; e < p->nT; e++) {
    uint32_t h = DSHashReals(p->Ttab + e * p->nsp, p->nsp) & (uint32_t)(nhash - 1);
    while (p->hash[h] >= 0) h = (h + 1) & (uint32_t)(nhash - 1);
    p->hash[h] = e;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Index of the species vector T in the table, adding it if new (exact, bitwise comparison). */
static PetscErrorCode DSProblemTableIndex(DSProblem p, PetscInt f, const PetscReal T[], PetscInt *index)
{
  PetscInt  nsp = p->nsp;
  uint32_t h;

  PetscFunctionBeginUser;
  if (p->lastT[f] >= 0 && !memcmp(p->Ttab + p->lastT[f] * nsp, T, nsp * sizeof(PetscReal))) { /* the same face of the previous cell usually has the same value */
    *index = p->lastT[f];
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (2 * (p->nT + 1) > p->nhash) PetscCall(DSProblemHashRebuild(p, PetscMax(64, 2 * p->nhash)));
  for (h = DSHashReals(T, nsp) & (uint32_t)(p->nhash - 1); p->hash[h] >= 0; h = (h + 1) & (uint32_t)(p->nhash - 1))
    if (!memcmp(p->Ttab + p->hash[h] * nsp, T, nsp * sizeof(PetscReal))) {
      *index = p->lastT[f] = p->hash[h];
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  if (p->nT == p->maxT) {
    p->maxT = PetscMax(64, 2 * p->maxT);
    PetscCall(PetscRealloc(p->maxT * nsp * sizeof(PetscReal), &p->Ttab));
  }
  PetscCheck(p->nT < (1 << 30), PETSC_COMM_SELF, PETSC_ERR_SUP, "more than 2^30 distinct face transmissibilities");
  PetscCall(PetscArraycpy(p->Ttab + p->nT * nsp, T, nsp));
  p->hash[h] = *index = p->lastT[f] = p->nT++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static inline const PetscReal *DSProblemFaceT(DSProblem p, PetscInt c, PetscInt f)
{
  return p->Ttab + (p->tface[c * p->nfaces + f] >> 1) * p->nsp;
}

static inline PetscBool DSProblemFaceOnBoundary(DSProblem p, PetscInt c, PetscInt f)
{
  return (PetscBool)(p->tface[c * p->nfaces + f] & 1);
}

/* Species s of cell c exchanges with the neighbour across face f: what the Jacobian stores and preallocates. */
static inline PetscBool DSProblemFaceCouples(DSProblem p, PetscInt c, PetscInt f, PetscInt s)
{
  return (PetscBool)(!DSProblemFaceOnBoundary(p, c, f) && p->diffuses[s] && DSProblemFaceT(p, c, f)[s] != 0);
}

/* Transmissibilities and boundary values of one owned cell's faces. */
static PetscErrorCode DSProblemSetUpCellFaces(DSProblem p, const DSCell *cell, PetscInt c, PetscInt *b)
{
  PetscInt  nsp = p->nsp, e;
  PetscReal Dself[DS_MAX_SPECIES], Dnbr[DS_MAX_SPECIES], T[DS_MAX_SPECIES];
  DSBCType  bc[DS_MAX_SPECIES];

  PetscFunctionBeginUser;
  PetscCall(DSModelGetDiffusivity(p->model, cell->region, Dself));
  for (PetscInt f = 0; f < p->nfaces; f++) {
    const DSFace *face = &cell->face[f];
    if (face->kind == DS_FACE_INTERIOR) {
      PetscCall(DSModelGetDiffusivity(p->model, face->nbr_region, Dnbr));
      for (PetscInt s = 0; s < nsp; s++) T[s] = (Dself[s] > 0 && Dnbr[s] > 0) ? face->area / (face->h_self / Dself[s] + face->h_nbr / Dnbr[s]) : 0;
      PetscCall(DSProblemTableIndex(p, f, T, &e));
      p->tface[c * p->nfaces + f] = (int)(2 * e);
      continue;
    }
    DSPoint fp = {cell->region, {face->x[0], face->x[1], face->x[2]}, 0};
    if (*b == p->maxbfaces) { /* grown as boundary faces are met: one pass over the cells */
      p->maxbfaces = PetscMax(1024, 2 * p->maxbfaces);
      PetscCall(PetscRealloc(p->maxbfaces * nsp * sizeof(PetscScalar), &p->ubnd));
    }
    PetscCall(DSModelBoundary(p->model, face->kind, &fp, bc, p->ubnd + (*b) * nsp));
    /* h_extra: a reduced exchange (endplate maps, AF periphery) as a length in series, mesh/dsmesh.h */
    for (PetscInt s = 0; s < nsp; s++) T[s] = bc[s] == DS_BC_DIRICHLET ? face->area * Dself[s] / (face->h_self + face->h_extra) : 0;
    PetscCall(DSProblemTableIndex(p, f, T, &e));
    p->tface[c * p->nfaces + f] = (int)(2 * e + 1);
    (*b)++;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One pass over the owned cells (a counting pass before it cost 0.3 s of the 2.2 s set-up at 10^6 cells) */
static PetscErrorCode DSProblemSetUpCells(DSProblem p)
{
  PetscInt c = 0, b = 0;

  PetscFunctionBeginUser;
  for (PetscInt k = p->xs[2]; k < p->xs[2] + p->xm[2]; k++)
    for (PetscInt j = p->xs[1]; j < p->xs[1] + p->xm[1]; j++)
      for (PetscInt i = p->xs[0]; i < p->xs[0] + p->xm[0]; i++, c++) {
        DSCell cell;
        PetscCall(DSMeshGetCell(p->mesh, i, j, k, &cell));
        p->point[c].region = cell.region;
        p->point[c].t      = 0;
        for (PetscInt d = 0; d < 3; d++) p->point[c].x[d] = cell.x[d];
        p->volume[c] = cell.volume;
        if (cell.region != DS_REGION_OUTSIDE) PetscCall(DSProblemSetUpCellFaces(p, &cell, c, &b));
      }
  p->nbfaces = b;
  PetscCall(PetscFree(p->hash));
  p->nhash = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemCreate(DSMesh mesh, DSModel model, DSProblem *prob)
{
  DSProblem p;
  PetscInt  dof, ndiag;

  PetscFunctionBeginUser;
  PetscCall(DSProblemRegisterEvents());
  PetscCall(PetscNew(&p));
  p->mesh  = mesh;
  p->model = model;
  PetscCall(DSMeshGetDM(mesh, &p->dm));
  PetscCall(DSModelGetNumSpecies(model, &p->nsp));
  PetscCall(DSModelGetNumDiagnostics(model, &ndiag));
  PetscCall(DMDAGetInfo(p->dm, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(dof == p->nsp, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "mesh has %" PetscInt_FMT " fields per cell, model %" PetscInt_FMT " species", dof, p->nsp);
  PetscCall(DSModelSetUp(model));
  PetscCall(DSMeshGetDimension(mesh, &p->nfaces));
  p->nfaces *= 2;
  PetscCall(DMDAGetCorners(p->dm, &p->xs[0], &p->xs[1], &p->xs[2], &p->xm[0], &p->xm[1], &p->xm[2]));
  PetscCall(DMDAGetGhostCorners(p->dm, &p->gxs[0], &p->gxs[1], &p->gxs[2], &p->gxm[0], &p->gxm[1], &p->gxm[2]));
  p->stride[0] = 1, p->stride[1] = p->gxm[0], p->stride[2] = p->gxm[0] * p->gxm[1];
  p->ncells    = p->xm[0] * p->xm[1] * p->xm[2];
  PetscCall(PetscMalloc2(p->ncells, &p->point, p->ncells, &p->volume));
  for (PetscInt f = 0; f < DS_MAX_FACES; f++) p->lastT[f] = -1;
  PetscCall(PetscCalloc1(p->ncells * p->nfaces, &p->tface)); /* entry 0 (all zero) for faces of cells outside the disc */
  {
    PetscInt  e;
    PetscReal zero[DS_MAX_SPECIES] = {0};
    PetscCall(DSProblemTableIndex(p, 0, zero, &e));
  }
  PetscCall(PetscMalloc1(p->nsp * (p->nsp + 2) + ndiag, &p->work));
  PetscCall(DSProblemSetUpCells(p));
  PetscCall(PetscMalloc2(p->nsp, &p->sink, p->nsp, &p->diffuses));
  for (PetscInt s = 0; s < p->nsp; s++) {
    PetscCall(DSModelGetBoundarySink(model, s, &p->sink[s]));
    p->diffuses[s] = PETSC_FALSE;
  }
  for (PetscInt r = 1; r < DS_NUM_REGIONS; r++) {
    PetscReal D[DS_MAX_SPECIES];
    PetscCall(DSModelGetDiffusivity(model, (DSRegion)r, D));
    for (PetscInt s = 0; s < p->nsp; s++) p->diffuses[s] = (PetscBool)(p->diffuses[s] || D[s] > 0);
  }
  PetscCall(DMCreateLocalVector(p->dm, &p->Ulocal));
  PetscCall(DMDACreateCompatibleDMDA(p->dm, p->nsp + ndiag, &p->dmout));
  *prob = p;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemDestroy(DSProblem *prob)
{
  PetscFunctionBeginUser;
  if (!*prob) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree2((*prob)->point, (*prob)->volume));
  PetscCall(PetscFree((*prob)->tface));
  PetscCall(PetscFree((*prob)->Ttab));
  PetscCall(PetscFree((*prob)->ubnd));
  PetscCall(PetscFree((*prob)->work));
  PetscCall(PetscFree2((*prob)->sink, (*prob)->diffuses));
  PetscCall(VecDestroy(&(*prob)->Ulocal));
  PetscCall(DMDestroy(&(*prob)->dmout));
  PetscCall(PetscFree(*prob));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemGetDM(DSProblem prob, DM *dm)
{
  PetscFunctionBeginUser;
  *dm = prob->dm;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemGetMesh(DSProblem prob, DSMesh *mesh)
{
  PetscFunctionBeginUser;
  *mesh = prob->mesh;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemGetModel(DSProblem prob, DSModel *model)
{
  PetscFunctionBeginUser;
  *model = prob->model;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemGetOutputDM(DSProblem prob, DM *dmout)
{
  PetscFunctionBeginUser;
  *dmout = prob->dmout;
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define DS_FOR_OWNED_CELLS(p, c, L) \
  for (PetscInt k_ = (p)->xs[2], c = 0; k_ < (p)->xs[2] + (p)->xm[2]; k_++) \
    for (PetscInt j_ = (p)->xs[1]; j_ < (p)->xs[1] + (p)->xm[1]; j_++) \
      for (PetscInt i_ = (p)->xs[0], L = DSProblemLocalIndex(p, i_, j_, k_); i_ < (p)->xs[0] + (p)->xm[0]; i_++, c++, L++)

#define DS_ROW_MAX (DS_MAX_SPECIES + DS_MAX_FACES)

/* The columns of the Jacobian row of species s in cell c: the species of the cell that the
 * model's pattern couples (own[q] is where species q sits, or -1), then the neighbours across
 * the faces that species s really crosses (across[f], or -1). Cells outside the disc have u = 0
 * and an identity row. Preallocation and assembly both use it, so they cannot disagree. */
static PetscInt DSProblemRowPattern(DSProblem p, const PetscInt *fill, PetscInt c, const PetscInt idx[3], PetscInt s, MatStencil *row, MatStencil cols[], PetscInt own[], PetscInt across[])
{
  PetscInt  nsp = p->nsp, ncols = 0;
  PetscBool inside = (PetscBool)(p->point[c].region != DS_REGION_OUTSIDE);

  row->i = idx[0], row->j = idx[1], row->k = idx[2], row->c = s;
  for (PetscInt q = 0; q < nsp; q++) {
    PetscBool stored = (PetscBool)(q == s || (inside && (!fill || fill[s * nsp + q])));
    own[q]           = stored ? ncols : -1;
    if (!stored) continue;
    cols[ncols]     = *row;
    cols[ncols++].c = q;
  }
  for (PetscInt f = 0; f < p->nfaces; f++) {
    across[f] = -1;
    if (!inside || !DSProblemFaceCouples(p, c, f, s)) continue;
    across[f]     = ncols;
    cols[ncols]   = *row;
    *(f / 2 == 0 ? &cols[ncols].i : f / 2 == 1 ? &cols[ncols].j : &cols[ncols].k) += f % 2 ? 1 : -1;
    ncols++;
  }
  return ncols;
}

/* A stencil point among this rank's own cells. */
static PetscBool DSStencilOwned(DSProblem p, const MatStencil *st)
{
  return (PetscBool)(st->i >= p->xs[0] && st->i < p->xs[0] + p->xm[0] && st->j >= p->xs[1] && st->j < p->xs[1] + p->xm[1] && st->k >= p->xs[2] && st->k < p->xs[2] + p->xm[2]);
}

/* Preallocated exactly from DSProblemRowPattern (a stencil-wide preallocation keeps 3x9 entries
 * per voxel outside the disc and per closed face). Not assembled: DSProblemComputeJacobian fills it. */
PetscErrorCode DSProblemCreateMatrix(DSProblem p, Mat *J)
{
  PetscInt        nsp = p->nsp, *dnz, *onz, own[DS_MAX_SPECIES], across[DS_MAX_FACES];
  const PetscInt *fill;
  MatStencil      row, cols[DS_ROW_MAX];

  PetscFunctionBeginUser;
  PetscCall(DSModelGetJacobianFill(p->model, &fill));
  PetscCall(PetscCalloc2(p->ncells * nsp, &dnz, p->ncells * nsp, &onz));
  DS_FOR_OWNED_CELLS(p, c, L)
  {
    PetscInt idx[3] = {i_, j_, k_};
    (void)L;
    for (PetscInt s = 0; s < nsp; s++) {
      PetscInt ncols = DSProblemRowPattern(p, fill, c, idx, s, &row, cols, own, across);
      for (PetscInt n = 0; n < ncols; n++) {
        if (DSStencilOwned(p, &cols[n])) dnz[c * nsp + s]++;
        else onz[c * nsp + s]++;
      }
    }
  }
  /* Made here rather than by DMCreateMatrix, which in PETSc 3.18 allocates the full stencil
   * first (3x the memory of this matrix, for a moment) even when told to skip preallocation. */
  {
    ISLocalToGlobalMapping ltog;
    PetscInt               dim, starts[3], dims[3];
    PetscCall(MatCreate(PetscObjectComm((PetscObject)p->dm), J));
    PetscCall(MatSetSizes(*J, p->ncells * nsp, p->ncells * nsp, PETSC_DETERMINE, PETSC_DETERMINE));
    PetscCall(MatSetBlockSize(*J, nsp));
    PetscCall(MatSetType(*J, MATAIJ));
    PetscCall(MatSeqAIJSetPreallocation(*J, 0, dnz));
    PetscCall(MatMPIAIJSetPreallocation(*J, 0, dnz, 0, onz));
    PetscCall(DMGetLocalToGlobalMapping(p->dm, &ltog));
    PetscCall(MatSetLocalToGlobalMapping(*J, ltog, ltog));
    PetscCall(DMGetDimension(p->dm, &dim));
    PetscCall(DMDAGetGhostCorners(p->dm, &starts[0], &starts[1], &starts[2], &dims[0], &dims[1], &dims[2]));
    PetscCall(MatSetStencil(*J, dim, dims, starts, nsp));
    PetscCall(MatSetDM(*J, p->dm));
  }
  PetscCall(PetscFree2(dnz, onz));
  PetscCall(MatSetOption(*J, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemInitialState(DSProblem prob, Vec U)
{
  PetscScalar *u;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(U, &u));
  for (PetscInt c = 0; c < prob->ncells; c++) {
    if (prob->point[c].region == DS_REGION_OUTSIDE) {
      for (PetscInt s = 0; s < prob->nsp; s++) u[c * prob->nsp + s] = 0;
    } else PetscCall(DSModelInitial(prob->model, &prob->point[c], u + c * prob->nsp));
  }
  PetscCall(VecRestoreArray(U, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Net diffusive inflow into cell c (amount/h), species by species; also counts boundary faces. */
static inline void DSProblemCellFlux(DSProblem p, PetscInt c, PetscInt L, const PetscScalar *ul, PetscInt *b, PetscScalar flux[], PetscScalar bflux[])
{
  const PetscInt     nsp = p->nsp;
  const PetscScalar *u   = ul + L * nsp;
  for (PetscInt s = 0; s < nsp; s++) flux[s] = 0, bflux[s] = 0;
  for (PetscInt f = 0; f < p->nfaces; f++) {
    const PetscReal *T = DSProblemFaceT(p, c, f);
    if (DSProblemFaceOnBoundary(p, c, f)) {
      const PetscScalar *ub = p->ubnd + (*b) * nsp;
      for (PetscInt s = 0; s < nsp; s++) bflux[s] += T[s] * (ub[s] - u[s]);
      (*b)++;
    } else {
      PetscInt           dir = f / 2, off = (f % 2 ? 1 : -1) * p->stride[dir];
      const PetscScalar *un  = ul + (L + off) * nsp;
      for (PetscInt s = 0; s < nsp; s++) flux[s] += T[s] * (un[s] - u[s]);
    }
  }
  for (PetscInt s = 0; s < nsp; s++) flux[s] += bflux[s];
}

PetscErrorCode DSProblemComputeRHS(DSProblem p, PetscReal t, Vec U, Vec F)
{
  const PetscScalar *ul;
  PetscScalar       *f, *flux = p->work, *bflux = p->work + p->nsp;
  PetscInt           b = 0, nsp = p->nsp;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(DS_RHS, 0, 0, 0, 0));
  PetscCall(DMGlobalToLocalBegin(p->dm, U, INSERT_VALUES, p->Ulocal));
  PetscCall(DMGlobalToLocalEnd(p->dm, U, INSERT_VALUES, p->Ulocal));
  PetscCall(VecGetArrayRead(p->Ulocal, &ul));
  PetscCall(VecGetArray(F, &f));
  DS_FOR_OWNED_CELLS(p, c, L)
  {
    PetscScalar *out = f + c * nsp;
    if (p->point[c].region == DS_REGION_OUTSIDE) {
      for (PetscInt s = 0; s < nsp; s++) out[s] = -ul[L * nsp + s];
      continue;
    }
    p->point[c].t = t;
    PetscCall(DSModelReaction(p->model, &p->point[c], ul + L * nsp, out, NULL));
    DSProblemCellFlux(p, c, L, ul, &b, flux, bflux);
    for (PetscInt s = 0; s < nsp; s++) {
      out[s] += flux[s] / p->volume[c];
      if (p->sink[s] >= 0) out[p->sink[s]] -= bflux[s] / p->volume[c]; /* what leaves is kept */
    }
  }
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(p->Ulocal, &ul));
  PetscCall(PetscLogEventEnd(DS_RHS, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Direct writes into an assembled AIJ matrix (serial, or the diagonal and off-diagonal blocks of
 * a parallel one). MatSetValuesStencil costs, per entry, the stencil-to-local and local-to-global
 * conversions and MatSetValues' checks and search: 0.7 s per 3D Jacobian of 2.7e7 entries, and
 * 1.75x that per entry in a parallel matrix, so that the assembly did not get faster on 2 ranks
 * (doc/performance.md). The pattern is fixed after the first assembly, so later ones write the
 * values in place: in the diagonal block in the row's sorted order, checked entry by entry
 * (DSDirectFillRow); off-process columns by a short scan of their row. */
typedef struct {
  Mat                A, B;         /* B: off-process columns (NULL in serial) */
  PetscScalar       *a, *b;
  const PetscInt    *ai, *aj, *bi, *bj, *garray, *gblock; /* gblock: global block (cell) of each ghosted-local cell */
  PetscInt           rstart, cstart, cend, bs;
  ISLocalToGlobalMapping ltog;
} DSDirectFill;

static PetscErrorCode DSDirectFillBegin(DSProblem p, Mat J, DSDirectFill *w, PetscBool *ok)
{
  PetscBool seq, mpi, done;
  PetscInt  n;

  PetscFunctionBeginUser;
  *ok = PETSC_FALSE;
  PetscCall(PetscObjectTypeCompare((PetscObject)J, MATSEQAIJ, &seq));
  PetscCall(PetscObjectTypeCompare((PetscObject)J, MATMPIAIJ, &mpi));
  if (!seq && !mpi) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(MatAssembled(J, &done));
  if (!done) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DMGetLocalToGlobalMapping(p->dm, &w->ltog));
  PetscCall(ISLocalToGlobalMappingGetBlockSize(w->ltog, &w->bs));
  if (w->bs != p->nsp) PetscFunctionReturn(PETSC_SUCCESS);
  w->B = NULL, w->b = NULL, w->bi = w->bj = w->garray = NULL;
  if (mpi) PetscCall(MatMPIAIJGetSeqAIJ(J, &w->A, &w->B, &w->garray));
  else w->A = J;
  PetscCall(MatGetOwnershipRange(J, &w->rstart, NULL));
  PetscCall(MatGetOwnershipRangeColumn(J, &w->cstart, &w->cend));
  PetscCall(MatGetRowIJ(w->A, 0, PETSC_FALSE, PETSC_FALSE, &n, &w->ai, &w->aj, &done));
  PetscCheck(done, PETSC_COMM_SELF, PETSC_ERR_PLIB, "MatGetRowIJ failed on the Jacobian");
  PetscCall(MatSeqAIJGetArray(w->A, &w->a));
  if (w->B) {
    PetscCall(MatGetRowIJ(w->B, 0, PETSC_FALSE, PETSC_FALSE, &n, &w->bi, &w->bj, &done));
    PetscCheck(done, PETSC_COMM_SELF, PETSC_ERR_PLIB, "MatGetRowIJ failed on the Jacobian's off-process block");
    PetscCall(MatSeqAIJGetArray(w->B, &w->b));
  }
  PetscCall(ISLocalToGlobalMappingGetBlockIndices(w->ltog, &w->gblock));
  *ok = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSDirectFillEnd(DSDirectFill *w)
{
  PetscInt  n;
  PetscBool done;

  PetscFunctionBeginUser;
  PetscCall(ISLocalToGlobalMappingRestoreBlockIndices(w->ltog, &w->gblock));
  PetscCall(MatSeqAIJRestoreArray(w->A, &w->a));
  PetscCall(MatRestoreRowIJ(w->A, 0, PETSC_FALSE, PETSC_FALSE, &n, &w->ai, &w->aj, &done));
  if (w->B) {
    PetscCall(MatSeqAIJRestoreArray(w->B, &w->b));
    PetscCall(MatRestoreRowIJ(w->B, 0, PETSC_FALSE, PETSC_FALSE, &n, &w->bi, &w->bj, &done));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The global index of a stencil point of the ghosted local grid. */
static PetscInt DSDirectFillGlobal(DSProblem p, const DSDirectFill *w, const MatStencil *st)
{
  return w->gblock[DSProblemLocalIndex(p, st->i, st->j, st->k)] * w->bs + st->c;
}

/* A column on another rank: in the off-diagonal block, found by a scan of its row (a few entries). */
static PetscErrorCode DSDirectFillOffDiagonal(DSProblem p, DSDirectFill *w, PetscInt r, const MatStencil *col, PetscScalar v)
{
  const PetscInt gc = DSDirectFillGlobal(p, w, col);
  PetscInt       m;

  PetscFunctionBeginUser;
  PetscCheck(w->B, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Jacobian column %" PetscInt_FMT " outside the serial matrix", gc);
  for (m = w->bi[r]; m < w->bi[r + 1] && w->garray[w->bj[m]] != gc; m++) {}
  PetscCheck(m < w->bi[r + 1], PETSC_COMM_SELF, PETSC_ERR_PLIB, "Jacobian entry (%" PetscInt_FMT ", %" PetscInt_FMT ") is not in the assembled pattern", r + w->rstart, gc);
  w->b[m] = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* What the rows of one owned cell share: each face's transmissibilities, whether it is on the
 * boundary, and its neighbour (as a stencil point, and whether this rank owns it). */
typedef struct {
  const PetscReal *T[DS_MAX_FACES];
  PetscBool        boundary[DS_MAX_FACES], owned[DS_MAX_FACES];
  MatStencil       nbr[DS_MAX_FACES];
  PetscInt         col[DS_MAX_FACES]; /* the neighbour's local cell in the diagonal block */
} DSCellFaces;

static void DSCellFacesGet(DSProblem p, PetscInt c, const PetscInt idx[3], DSCellFaces *cf)
{
  const PetscInt stride[3] = {1, p->xm[0], p->xm[0] * p->xm[1]};

  for (PetscInt f = 0; f < p->nfaces; f++) {
    PetscInt d = f / 2, sign = f % 2 ? 1 : -1;
    cf->T[f]        = DSProblemFaceT(p, c, f);
    cf->boundary[f] = DSProblemFaceOnBoundary(p, c, f);
    cf->nbr[f].i = idx[0], cf->nbr[f].j = idx[1], cf->nbr[f].k = idx[2], cf->nbr[f].c = 0;
    *(d == 0 ? &cf->nbr[f].i : d == 1 ? &cf->nbr[f].j : &cf->nbr[f].k) += sign;
    cf->owned[f] = DSStencilOwned(p, &cf->nbr[f]);
    cf->col[f]   = c + sign * stride[d];
  }
}

/* Writes value v at the next entry m of row r (column col of the diagonal block), checked
 * against the pattern with one comparison. */
static inline PetscErrorCode DSDirectFillPut(DSDirectFill *w, PetscInt r, PetscInt *m, PetscInt col, PetscScalar v)
{
  PetscFunctionBeginUser;
  PetscCheck(*m < w->ai[r + 1] && w->aj[*m] == col, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Jacobian row %" PetscInt_FMT ": column %" PetscInt_FMT " is not where the pattern has it", r + w->rstart, col + w->cstart);
  w->a[(*m)++] = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Row s of owned cell c, written in place. The diagonal block numbers this rank's cells in the
 * grid's natural order, so its sorted row is: the neighbours at k-1, j-1, i-1 (faces 4, 2, 0),
 * the cell's own species, then i+1, j+1, k+1 (faces 1, 3, 5); neighbours on other ranks go to
 * the off-diagonal block. own[q]: the value of column q of the cell (stored[q]); nbr[f]: that
 * of the neighbour across face f (couples[f]). */
static PetscErrorCode DSDirectFillRow(DSProblem p, DSDirectFill *w, PetscInt c, PetscInt s, const DSCellFaces *cf, const PetscBool stored[], const PetscScalar own[], const PetscBool couples[], const PetscScalar nbr[])
{
  static const PetscInt order[2][3] = {{4, 2, 0}, {1, 3, 5}};
  const PetscInt        nsp = p->nsp, r = c * nsp + s;
  PetscInt              m = w->ai[r];

  PetscFunctionBeginUser;
  for (PetscInt side = 0; side < 2; side++) {
    for (PetscInt n = 0; n < 3; n++) {
      const PetscInt f = order[side][n];
      if (f >= p->nfaces || !couples[f]) continue;
      if (cf->owned[f]) PetscCall(DSDirectFillPut(w, r, &m, cf->col[f] * nsp + s, nbr[f]));
      else {
        MatStencil st = cf->nbr[f];
        st.c          = s;
        PetscCall(DSDirectFillOffDiagonal(p, w, r, &st, nbr[f]));
      }
    }
    for (PetscInt q = 0; !side && q < nsp; q++)
      if (stored[q]) PetscCall(DSDirectFillPut(w, r, &m, c * nsp + q, own[q]));
  }
  PetscCheck(m == w->ai[r + 1], PETSC_COMM_SELF, PETSC_ERR_PLIB, "Jacobian row %" PetscInt_FMT ": %" PetscInt_FMT " entries written, %" PetscInt_FMT " in the pattern", r + w->rstart, m - w->ai[r], w->ai[r + 1] - w->ai[r]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* All rows of owned cell c in place (assemblies after the first): the values of
 * DSProblemRowPattern's row, computed in the same order, with the faces looked up once per cell
 * instead of once per species. */
static PetscErrorCode DSDirectFillCell(DSProblem p, DSDirectFill *w, const PetscInt *fill, PetscInt c, const PetscInt idx[3], PetscBool inside, PetscReal invV, const PetscScalar Jb[])
{
  const PetscInt nsp = p->nsp, nf = p->nfaces;
  DSCellFaces    cf;

  PetscFunctionBeginUser;
  DSCellFacesGet(p, c, idx, &cf);
  for (PetscInt s = 0; s < nsp; s++) {
    PetscBool   stored[DS_MAX_SPECIES], couples[DS_MAX_FACES];
    PetscScalar own[DS_MAX_SPECIES], nbr[DS_MAX_FACES];
    for (PetscInt q = 0; q < nsp; q++) {
      stored[q] = (PetscBool)(q == s || (inside && (!fill || fill[s * nsp + q])));
      own[q]    = inside ? Jb[s * nsp + q] : -1.0;
    }
    for (PetscInt q = 0; inside && q < nsp; q++) { /* row s accumulates species q's boundary outflux */
      if (p->sink[q] != s) continue;
      PetscCheck(stored[q], PETSC_COMM_SELF, PETSC_ERR_PLIB, "species %" PetscInt_FMT " is the boundary sink of species %" PetscInt_FMT ": the model's Jacobian pattern must include that entry", s, q);
      for (PetscInt f = 0; f < nf; f++)
        if (cf.boundary[f]) own[q] += cf.T[f][q] * invV;
    }
    for (PetscInt f = 0; f < nf; f++) {
      couples[f] = (PetscBool)(inside && !cf.boundary[f] && p->diffuses[s] && cf.T[f][s] != 0);
      nbr[f]     = inside ? cf.T[f][s] * invV : 0; /* cells outside the disc: an identity row */
      own[s] -= nbr[f];
    }
    PetscCall(DSDirectFillRow(p, w, c, s, &cf, stored, own, couples, nbr));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemComputeJacobian(DSProblem p, PetscReal t, Vec U, Mat J)
{
  DSDirectFill       w;
  PetscBool          direct;
  const PetscScalar *ul;
  PetscInt           nsp = p->nsp, nf = p->nfaces;
  PetscScalar       *R = p->work, *Jb = p->work + nsp, vals[DS_ROW_MAX];
  const PetscInt    *fill;
  MatStencil         row, cols[DS_ROW_MAX];

  PetscFunctionBeginUser;
  PetscCall(DMGlobalToLocalBegin(p->dm, U, INSERT_VALUES, p->Ulocal));
  PetscCall(DMGlobalToLocalEnd(p->dm, U, INSERT_VALUES, p->Ulocal));
  PetscCall(VecGetArrayRead(p->Ulocal, &ul));
  PetscCall(PetscLogEventBegin(DS_Jacobian, 0, 0, 0, 0));
  PetscCall(DSModelGetJacobianFill(p->model, &fill));
  PetscCall(DSDirectFillBegin(p, J, &w, &direct));
  DS_FOR_OWNED_CELLS(p, c, L)
  {
    PetscInt  idx[3] = {i_, j_, k_};
    PetscBool inside = (PetscBool)(p->point[c].region != DS_REGION_OUTSIDE);
    PetscReal invV   = 1.0 / p->volume[c];
    if (inside) {
      p->point[c].t = t;
      PetscCall(DSModelReaction(p->model, &p->point[c], ul + L * nsp, R, Jb));
    }
    if (direct) {
      PetscCall(DSDirectFillCell(p, &w, fill, c, idx, inside, invV, Jb));
      continue;
    }
    for (PetscInt s = 0; s < nsp; s++) {
      PetscInt own[DS_MAX_SPECIES], across[DS_MAX_FACES];
      PetscInt ncols = DSProblemRowPattern(p, fill, c, idx, s, &row, cols, own, across);
      for (PetscInt q = 0; q < nsp; q++)
        if (own[q] >= 0) vals[own[q]] = inside ? Jb[s * nsp + q] : -1.0;
      for (PetscInt q = 0; inside && q < nsp; q++) { /* row s accumulates species q's boundary outflux */
        if (p->sink[q] != s) continue;
        PetscCheck(own[q] >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "species %" PetscInt_FMT " is the boundary sink of species %" PetscInt_FMT ": the model's Jacobian pattern must include that entry", s, q);
        for (PetscInt f = 0; f < nf; f++)
          if (DSProblemFaceOnBoundary(p, c, f)) vals[own[q]] += DSProblemFaceT(p, c, f)[q] * invV;
      }
      for (PetscInt f = 0; inside && f < nf; f++) {
        PetscReal T = DSProblemFaceT(p, c, f)[s] * invV;
        vals[own[s]] -= T;
        if (across[f] >= 0) vals[across[f]] = T;
      }
      PetscCall(MatSetValuesStencil(J, 1, &row, ncols, cols, vals, INSERT_VALUES));
    }
  }
  if (direct) PetscCall(DSDirectFillEnd(&w));
  PetscCall(VecRestoreArrayRead(p->Ulocal, &ul));
  PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscLogEventEnd(DS_Jacobian, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemComputeBalance(DSProblem p, PetscReal t, Vec U, DSBalance balance[])
{
  const PetscScalar *ul;
  PetscInt           nsp = p->nsp, b = 0;
  PetscScalar       *flux = p->work, *bflux = p->work + nsp, *r = p->work + 2 * nsp;
  PetscReal          local[3 * DS_MAX_SPECIES] = {0}, global[3 * DS_MAX_SPECIES];

  PetscFunctionBeginUser;
  PetscCall(DMGlobalToLocalBegin(p->dm, U, INSERT_VALUES, p->Ulocal));
  PetscCall(DMGlobalToLocalEnd(p->dm, U, INSERT_VALUES, p->Ulocal));
  PetscCall(VecGetArrayRead(p->Ulocal, &ul));
  DS_FOR_OWNED_CELLS(p, c, L)
  {
    if (p->point[c].region == DS_REGION_OUTSIDE) continue;
    p->point[c].t = t;
    PetscCall(DSModelReaction(p->model, &p->point[c], ul + L * nsp, r, NULL));
    DSProblemCellFlux(p, c, L, ul, &b, flux, bflux);
    for (PetscInt s = 0; s < nsp; s++) {
      local[3 * s + 0] += p->volume[c] * ul[L * nsp + s];
      local[3 * s + 1] += bflux[s];
      local[3 * s + 2] += p->volume[c] * r[s];
      if (p->sink[s] >= 0) local[3 * p->sink[s] + 1] -= bflux[s]; /* the sink's 'influx' is what left through the boundary */
    }
  }
  PetscCall(VecRestoreArrayRead(p->Ulocal, &ul));
  PetscCall(MPIU_Allreduce(local, global, 3 * nsp, MPIU_REAL, MPI_SUM, PetscObjectComm((PetscObject)p->dm)));
  for (PetscInt s = 0; s < nsp; s++) balance[s].stored = global[3 * s], balance[s].influx = global[3 * s + 1], balance[s].reaction = global[3 * s + 2];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Species followed by the model's diagnostics, cell by cell; zero outside the disc. */
PetscErrorCode DSProblemComputeOutputFields(DSProblem p, PetscReal t, Vec U, Vec out)
{
  const PetscScalar *u;
  PetscScalar       *o;
  PetscInt           nsp = p->nsp, ndiag, nout;

  PetscFunctionBeginUser;
  PetscCall(DSModelGetNumDiagnostics(p->model, &ndiag));
  nout = nsp + ndiag;
  PetscCall(VecGetArrayRead(U, &u));
  PetscCall(VecGetArray(out, &o));
  for (PetscInt c = 0; c < p->ncells; c++) {
    PetscScalar *oc = o + c * nout;
    if (p->point[c].region == DS_REGION_OUTSIDE) {
      for (PetscInt q = 0; q < nout; q++) oc[q] = 0;
      continue;
    }
    p->point[c].t = t;
    for (PetscInt s = 0; s < nsp; s++) oc[s] = u[c * nsp + s];
    PetscCall(DSModelDiagnostics(p->model, &p->point[c], u + c * nsp, oc + nsp));
  }
  PetscCall(VecRestoreArray(out, &o));
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSProblemFieldValue(DSProblem p, PetscInt c, const PetscScalar *u, PetscInt field, PetscReal *value)
{
  PetscFunctionBeginUser;
  if (field < p->nsp) *value = u[c * p->nsp + field];
  else {
    PetscScalar *d = p->work + p->nsp;
    PetscCall(DSModelDiagnostics(p->model, &p->point[c], u + c * p->nsp, d));
    *value = d[field - p->nsp];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSProblemFigureAtCentre(DSProblem p, const PetscScalar *u, const DSFigure *fig, PetscReal *value, PetscReal where[3])
{
  PetscInt  ncells, idx[8][3];
  PetscReal w[8], local = 0;

  PetscFunctionBeginUser;
  PetscCall(DSMeshGetRegionCentre(p->mesh, fig->region, where));
  PetscCall(DSMeshLocate(p->mesh, where, &ncells, idx, w));
  for (PetscInt n = 0; n < ncells; n++) {
    PetscBool owned = PETSC_TRUE;
    for (PetscInt d = 0; d < 3; d++) owned = (PetscBool)(owned && idx[n][d] >= p->xs[d] && idx[n][d] < p->xs[d] + p->xm[d]);
    if (!owned) continue;
    PetscInt  c = ((idx[n][2] - p->xs[2]) * p->xm[1] + (idx[n][1] - p->xs[1])) * p->xm[0] + (idx[n][0] - p->xs[0]);
    PetscReal v = 0;
    PetscCall(DSProblemFieldValue(p, c, u, fig->field, &v));
    local += w[n] * v;
  }
  PetscCall(MPIU_Allreduce(&local, value, 1, MPIU_REAL, MPI_SUM, PetscObjectComm((PetscObject)p->dm)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The minimum and where it is. Mirror-symmetric cells tie up to round-off, so the location is the
 * lowest global cell index among values within 1e-8 (relative) of the minimum: the same on any partition. */
static PetscErrorCode DSProblemFigureMinimum(DSProblem p, const PetscScalar *u, const DSFigure *fig, PetscReal *value, PetscReal where[3])
{
  MPI_Comm  comm = PetscObjectComm((PetscObject)p->dm);
  PetscReal mine = PETSC_MAX_REAL, tol;
  PetscInt  n[3], best = PETSC_MAX_INT, gbest, c = 0;
  DSCell    cell;

  PetscFunctionBeginUser;
  for (PetscInt q = 0; q < p->ncells; q++) {
    PetscReal v = 0;
    if (p->point[q].region == DS_REGION_OUTSIDE) continue;
    PetscCall(DSProblemFieldValue(p, q, u, fig->field, &v));
    mine = PetscMin(mine, v);
  }
  PetscCall(MPIU_Allreduce(&mine, value, 1, MPIU_REAL, MPI_MIN, comm));
  tol = 1e-8 * PetscMax(PetscAbsReal(*value), 1e-300); /* below the integration accuracy */
  PetscCall(DSMeshGetSizes(p->mesh, n));
  for (PetscInt k = p->xs[2]; k < p->xs[2] + p->xm[2]; k++)
    for (PetscInt j = p->xs[1]; j < p->xs[1] + p->xm[1]; j++)
      for (PetscInt i = p->xs[0]; i < p->xs[0] + p->xm[0]; i++, c++) {
        PetscReal v = 0;
        if (p->point[c].region == DS_REGION_OUTSIDE) continue;
        PetscCall(DSProblemFieldValue(p, c, u, fig->field, &v));
        if (v <= *value + tol) best = PetscMin(best, (k * n[1] + j) * n[0] + i);
      }
  PetscCall(MPIU_Allreduce(&best, &gbest, 1, MPIU_INT, MPI_MIN, comm));
  PetscCall(DSMeshGetCell(p->mesh, gbest % n[0], (gbest / n[0]) % n[1], gbest / (n[0] * n[1]), &cell));
  for (PetscInt d = 0; d < 3; d++) where[d] = cell.x[d];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Integral, mean or volume fraction below (above) a threshold of a field over a region (OUTSIDE: all). */
static PetscErrorCode DSProblemFigureOverRegion(DSProblem p, const PetscScalar *u, const DSFigure *fig, PetscReal *value)
{
  PetscReal loc[2] = {0, 0}, glob[2];

  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < p->ncells; c++) {
    PetscReal v = 0;
    DSRegion  r = p->point[c].region;
    if (r == DS_REGION_OUTSIDE || (fig->region != DS_REGION_OUTSIDE && r != fig->region)) continue;
    PetscCall(DSProblemFieldValue(p, c, u, fig->field, &v));
    if (fig->kind == DS_FIGURE_FRACTION_BELOW) v = v < fig->threshold ? 1.0 : 0.0;
    if (fig->kind == DS_FIGURE_FRACTION_ABOVE) v = v > fig->threshold ? 1.0 : 0.0;
    loc[0] += p->volume[c] * v;
    loc[1] += p->volume[c];
  }
  PetscCall(MPIU_Allreduce(loc, glob, 2, MPIU_REAL, MPI_SUM, PetscObjectComm((PetscObject)p->dm)));
  *value = fig->kind == DS_FIGURE_INTEGRAL ? glob[0] : (glob[1] > 0 ? glob[0] / glob[1] : 0);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemComputeFigure(DSProblem p, PetscReal t, Vec U, const DSFigure *fig, PetscReal *value, PetscReal where[3])
{
  const PetscScalar *u;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(DS_Figures, 0, 0, 0, 0));
  for (PetscInt c = 0; c < p->ncells; c++) p->point[c].t = t;
  PetscCall(VecGetArrayRead(U, &u));
  where[0] = where[1] = where[2] = 0;
  switch (fig->kind) {
  case DS_FIGURE_AT_CENTRE: PetscCall(DSProblemFigureAtCentre(p, u, fig, value, where)); break;
  case DS_FIGURE_MINIMUM: PetscCall(DSProblemFigureMinimum(p, u, fig, value, where)); break;
  default: PetscCall(DSProblemFigureOverRegion(p, u, fig, value)); break;
  }
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(PetscLogEventEnd(DS_Figures, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemComputeFigures(DSProblem p, PetscReal t, Vec U, PetscReal value[], PetscReal where[][3])
{
  const DSFigure *figs;
  PetscInt        nfig;

  PetscFunctionBeginUser;
  PetscCall(DSModelGetFigures(p->model, &nfig, &figs));
  for (PetscInt f = 0; f < nfig; f++) PetscCall(DSProblemComputeFigure(p, t, U, &figs[f], &value[f], where[f]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether cell c can receive the injection, and its squared distance from the centre. */
static PetscBool DSProblemInjectable(DSProblem p, const DSEvent *ev, PetscInt c, PetscReal *d2)
{
  DSRegion r = p->point[c].region;
  *d2        = 0;
  for (PetscInt k = 0; k < 3; k++) *d2 += (p->point[c].x[k] - ev->centre[k]) * (p->point[c].x[k] - ev->centre[k]);
  return (PetscBool)(r != DS_REGION_OUTSIDE && (ev->region == DS_REGION_OUTSIDE || r == ev->region));
}

/* Adds ev->amount of species ev->species uniformly (per volume) over the cells of ev->region
 * whose centre lies within ev->radius of ev->centre, or into the nearest such cell when none does. */
PetscErrorCode DSProblemInject(DSProblem p, const DSEvent *ev, Vec U, PetscReal *volume)
{
  MPI_Comm     comm = PetscObjectComm((PetscObject)p->dm);
  PetscScalar *u;
  PetscReal    loc = 0, r2 = ev->radius * ev->radius, d2;
  PetscInt     nearest = -1;
  PetscMPIInt  rank;
  struct {
    double d;
    int    rank;
  } mine = {PETSC_MAX_REAL, 0}, best;

  PetscFunctionBeginUser;
  PetscCheck(ev->species >= 0 && ev->species < p->nsp, comm, PETSC_ERR_ARG_OUTOFRANGE, "injection '%s' into species %" PetscInt_FMT ": the model has %" PetscInt_FMT, ev->label, ev->species, p->nsp);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  for (PetscInt c = 0; c < p->ncells; c++) {
    if (!DSProblemInjectable(p, ev, c, &d2)) continue;
    if (d2 <= r2) loc += p->volume[c];
    if (d2 < mine.d) mine.d = d2, nearest = c;
  }
  PetscCall(MPIU_Allreduce(&loc, volume, 1, MPIU_REAL, MPI_SUM, comm));
  mine.rank = rank;
  PetscCallMPI(MPI_Allreduce(&mine, &best, 1, MPI_DOUBLE_INT, MPI_MINLOC, comm));
  PetscCheck(best.d < PETSC_MAX_REAL, comm, PETSC_ERR_ARG_WRONG, "%s: the mesh has no cell of region %s to inject into", ev->label, DSRegionNames[ev->region]);
  PetscCall(VecGetArray(U, &u));
  if (*volume > 0) {
    for (PetscInt c = 0; c < p->ncells; c++)
      if (DSProblemInjectable(p, ev, c, &d2) && d2 <= r2) u[c * p->nsp + ev->species] += ev->amount / *volume;
  } else {
    PetscReal v = (rank == best.rank) ? p->volume[nearest] : 0;
    PetscCall(MPIU_Allreduce(&v, volume, 1, MPIU_REAL, MPI_SUM, comm));
    if (rank == best.rank) u[nearest * p->nsp + ev->species] += ev->amount / *volume;
  }
  PetscCall(VecRestoreArray(U, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The model's injury along the needle track of ev: in each disc cell, the share of its volume
 * within needle radius + margin of the segment entry-centre (mesh/dsmeshtrack.c) loses that share
 * times the kill fraction of every killed species, moved into the accumulator (a transfer: the
 * totals stay exact), and gains the pulse per damaged volume; then the pulse per injected volume
 * is added over the injected sphere like a dose. */
PetscErrorCode DSProblemInjure(DSProblem p, const DSEvent *ev, Vec U, DSInjuryResult *res)
{
  MPI_Comm        comm = PetscObjectComm((PetscObject)p->dm);
  const DSInjury *inj;
  PetscScalar    *u;
  PetscReal       loc[3] = {0, 0, 0}, glob[3], radius;

  PetscFunctionBeginUser;
  PetscCall(DSModelGetInjury(p->model, &inj));
  PetscCheck(inj, comm, PETSC_ERR_ARG_WRONG, "%s injures the tissue, but the model's injury is not active (DSModelSetInjury)", ev->label);
  radius = ev->needle_radius + inj->margin;
  PetscCall(VecGetArray(U, &u));
  DS_FOR_OWNED_CELLS(p, c, L)
  {
    PetscReal    frac;
    PetscScalar *uc = u + c * p->nsp;
    (void)L;
    if (p->point[c].region == DS_REGION_OUTSIDE) continue;
    PetscCall(DSMeshGetTrackFraction(p->mesh, i_, j_, k_, ev->entry, ev->centre, radius, &frac));
    if (frac <= 0) continue;
    loc[0] += frac * p->volume[c];
    for (PetscInt q = 0; q < inj->nkill; q++) {
      PetscReal k = inj->kill_fraction * frac * PetscMax(PetscRealPart(uc[inj->kill[q]]), 0);
      uc[inj->kill[q]] -= k, uc[inj->killed_into] += k;
      loc[1] += k * p->volume[c];
    }
    if (inj->pulse >= 0) uc[inj->pulse] += inj->pulse_per_damaged * frac, loc[2] += inj->pulse_per_damaged * frac * p->volume[c];
  }
  PetscCall(VecRestoreArray(U, &u));
  PetscCall(MPIU_Allreduce(loc, glob, 3, MPIU_REAL, MPI_SUM, comm));
  res->damaged = glob[0], res->killed = glob[1], res->pulse_track = glob[2], res->pulse_bolus = 0;
  if (inj->pulse >= 0 && inj->pulse_per_injected > 0) {
    DSEvent   bolus = *ev;
    PetscReal volume;
    bolus.species = inj->pulse;
    bolus.amount  = inj->pulse_per_injected * 4.0 / 3.0 * PETSC_PI * ev->radius * ev->radius * ev->radius;
    PetscCall(DSProblemInject(p, &bolus, U, &volume));
    res->pulse_bolus = bolus.amount;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemGetAbsoluteTolerances(DSProblem p, PetscReal factor, Vec atol)
{
  PetscScalar *a;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(atol, &a));
  for (PetscInt c = 0; c < p->ncells; c++)
    for (PetscInt s = 0; s < p->nsp; s++) {
      const DSFieldInfo *info;
      PetscCall(DSModelGetField(p->model, s, &info));
      a[c * p->nsp + s] = factor * info->scale;
    }
  PetscCall(VecRestoreArray(atol, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProblemGetConstraints(DSProblem p, Vec constraints)
{
  PetscScalar *c;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(constraints, &c));
  for (PetscInt s = 0; s < p->nsp; s++) {
    const DSFieldInfo *info;
    PetscCall(DSModelGetField(p->model, s, &info));
    for (PetscInt i = 0; i < p->ncells; i++) c[i * p->nsp + s] = info->may_be_negative ? 0.0 : 1.0;
  }
  PetscCall(VecRestoreArray(constraints, &c));
  PetscFunctionReturn(PETSC_SUCCESS);
}
