/* Kernels for the hottest entries of NVECTOR_PETSC's operation table.
 *
 * CVODE and SPGMR call the weighted RMS norm, the dot product, the constraint mask and the fused
 * multiple axpy a few times per Krylov iteration or step. SUNDIALS 6.4's NVECTOR_PETSC sums its
 * norms in one running sum, and PETSc's VecDot goes to Debian's reference BLAS, which does the
 * same: each addition waits for the one before (about 4 cycles), so these reductions are bound
 * by the adder's latency rather than by memory; with the mask and the multiple axpy they took
 * 21 % of a small biology run (doc/performance.md). The kernels here keep DS_NV_LANES partial
 * sums that the compiler can hold in vector registers; the multiple axpy makes one pass over x
 * for all Y instead of one per Y. Results differ from the library's in the order of additions
 * only (tests/test_nvector.c bounds the difference).
 *
 * The table is SUNDIALS' documented way to change a vector's operations; N_VClone copies it, so
 * every vector CVODE and SPGMR clone from ours uses these kernels too. The table's entries
 * cannot return a PETSc error: a failing PETSc call (only possible with a corrupt Vec) aborts. */
#include "dsnvector.h"

#define DS_NV_LANES 8    /* partial sums: two AVX registers of doubles; the latency of an add is 4 cycles */
#define DS_NV_BLOCK 1024 /* elements per block of the fused axpy: x's block stays in L1 for all Y */

static MPI_Comm DSNVectorComm(N_Vector v) { return PetscObjectComm((PetscObject)N_VGetVector_Petsc(v)); }

static PetscErrorCode DSNVectorRead(N_Vector v, PetscInt *n, const PetscScalar **a)
{
  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(N_VGetVector_Petsc(v), n));
  PetscCall(VecGetArrayRead(N_VGetVector_Petsc(v), a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSNVectorRestore(N_Vector v, const PetscScalar **a)
{
  PetscFunctionBeginUser;
  PetscCall(VecRestoreArrayRead(N_VGetVector_Petsc(v), a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal DSNVectorSumLanes(const PetscReal s[DS_NV_LANES])
{
  PetscReal t = 0;
  for (int k = 0; k < DS_NV_LANES; k++) t += s[k];
  return t;
}

/* sum_i (x_i w_i)^2, or sum_i x_i w_i when square is false (the dot product), over this rank */
static PetscErrorCode DSNVectorSumLocal(N_Vector x, N_Vector w, PetscBool square, PetscReal *sum)
{
  const PetscScalar *xd, *wd;
  PetscInt           n, i = 0;
  PetscReal          s[DS_NV_LANES] = {0};

  PetscFunctionBeginUser;
  PetscCall(DSNVectorRead(x, &n, &xd));
  PetscCall(DSNVectorRead(w, &n, &wd));
  if (square) {
    for (; i + DS_NV_LANES <= n; i += DS_NV_LANES)
      for (int k = 0; k < DS_NV_LANES; k++) s[k] += (xd[i + k] * wd[i + k]) * (xd[i + k] * wd[i + k]);
    for (; i < n; i++) s[0] += (xd[i] * wd[i]) * (xd[i] * wd[i]);
  } else {
    for (; i + DS_NV_LANES <= n; i += DS_NV_LANES)
      for (int k = 0; k < DS_NV_LANES; k++) s[k] += xd[i + k] * wd[i + k];
    for (; i < n; i++) s[0] += xd[i] * wd[i];
  }
  *sum = DSNVectorSumLanes(s);
  PetscCall(DSNVectorRestore(x, &xd));
  PetscCall(DSNVectorRestore(w, &wd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the sum of DSNVectorSumLocal, over all ranks when global is true; a table entry's value */
static PetscReal DSNVectorSum(N_Vector x, N_Vector w, PetscBool square, PetscBool global)
{
  PetscReal local = 0, sum = 0;

  PetscCallAbort(DSNVectorComm(x), DSNVectorSumLocal(x, w, square, &local));
  if (!global) return local;
  PetscCallAbort(DSNVectorComm(x), MPIU_Allreduce(&local, &sum, 1, MPIU_REAL, MPIU_SUM, DSNVectorComm(x)));
  return sum;
}

static realtype DSNVectorWSqrSumLocal(N_Vector x, N_Vector w) { return DSNVectorSum(x, w, PETSC_TRUE, PETSC_FALSE); }

realtype DSNVectorWrmsNorm(N_Vector x, N_Vector w) { return PetscSqrtReal(DSNVectorSum(x, w, PETSC_TRUE, PETSC_TRUE) / (PetscReal)N_VGetLength(x)); }

static realtype DSNVectorDotProdLocal(N_Vector x, N_Vector y) { return DSNVectorSum(x, y, PETSC_FALSE, PETSC_FALSE); }

realtype DSNVectorDotProd(N_Vector x, N_Vector y) { return DSNVectorSum(x, y, PETSC_FALSE, PETSC_TRUE); }

/* m_i = 1 where x_i breaks its constraint c_i (2: x > 0, 1: x >= 0, -1: x <= 0, -2: x < 0,
 * 0: none), else 0; *ok: no constraint broken on this rank. NVECTOR_PETSC's test, without its
 * branches. */
static PetscErrorCode DSNVectorConstrMaskLocalImpl(N_Vector c, N_Vector x, N_Vector m, PetscBool *ok)
{
  const PetscScalar *cd, *xd;
  PetscScalar       *md;
  PetscInt           n;
  int                broken = 0;

  PetscFunctionBeginUser;
  PetscCall(DSNVectorRead(c, &n, &cd));
  PetscCall(DSNVectorRead(x, &n, &xd));
  PetscCall(VecGetArrayWrite(N_VGetVector_Petsc(m), &md));
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal p = xd[i] * cd[i], a = PetscAbsReal(cd[i]);
    const int       bad = ((a > 1.5) & (p <= 0)) | ((a > 0.5) & (p < 0));
    md[i]               = bad;
    broken |= bad;
  }
  PetscCall(VecRestoreArrayWrite(N_VGetVector_Petsc(m), &md));
  PetscCall(DSNVectorRestore(c, &cd));
  PetscCall(DSNVectorRestore(x, &xd));
  *ok = broken ? PETSC_FALSE : PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static booleantype DSNVectorConstrMaskLocal(N_Vector c, N_Vector x, N_Vector m)
{
  PetscBool ok = PETSC_FALSE;
  PetscCallAbort(DSNVectorComm(x), DSNVectorConstrMaskLocalImpl(c, x, m, &ok));
  return ok ? SUNTRUE : SUNFALSE;
}

static PetscErrorCode DSNVectorConstrMaskImpl(N_Vector c, N_Vector x, N_Vector m, PetscBool *ok)
{
  PetscBool   local;
  PetscMPIInt l, g;

  PetscFunctionBeginUser;
  PetscCall(DSNVectorConstrMaskLocalImpl(c, x, m, &local));
  l = local ? 1 : 0;
  PetscCall(MPIU_Allreduce(&l, &g, 1, MPI_INT, MPI_LAND, DSNVectorComm(x)));
  *ok = g ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

booleantype DSNVectorConstrMask(N_Vector c, N_Vector x, N_Vector m)
{
  PetscBool ok = PETSC_FALSE;
  PetscCallAbort(DSNVectorComm(x), DSNVectorConstrMaskImpl(c, x, m, &ok));
  return ok ? SUNTRUE : SUNFALSE;
}

/* Z_k = a_k x + Y_k, k < nvec, block by block. Y_k and Z_k may be the same vector (CVODE's
 * update of its history array): each element is read before it is written. Plain arrays, since
 * the read and write accessors of one Vec may not be held together. */
static PetscErrorCode DSNVectorScaleAddMultiImpl(int nvec, const realtype *a, N_Vector x, N_Vector *Y, N_Vector *Z)
{
  const PetscScalar *xd;
  PetscScalar      **yd, **zd;
  PetscInt           n;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(nvec, &yd, nvec, &zd));
  PetscCall(DSNVectorRead(x, &n, &xd));
  for (int k = 0; k < nvec; k++) {
    PetscCall(VecGetArray(N_VGetVector_Petsc(Z[k]), &zd[k]));
    if (Y[k] == Z[k]) yd[k] = zd[k];
    else PetscCall(VecGetArray(N_VGetVector_Petsc(Y[k]), &yd[k]));
  }
  for (PetscInt j0 = 0; j0 < n; j0 += DS_NV_BLOCK) {
    const PetscInt jn = PetscMin(n, j0 + DS_NV_BLOCK);
    for (int k = 0; k < nvec; k++) {
      const PetscReal    ak = a[k];
      const PetscScalar *y  = yd[k];
      PetscScalar       *z  = zd[k];
      for (PetscInt j = j0; j < jn; j++) z[j] = ak * xd[j] + y[j];
    }
  }
  for (int k = 0; k < nvec; k++) {
    if (Y[k] != Z[k]) PetscCall(VecRestoreArray(N_VGetVector_Petsc(Y[k]), &yd[k]));
    PetscCall(VecRestoreArray(N_VGetVector_Petsc(Z[k]), &zd[k]));
  }
  PetscCall(DSNVectorRestore(x, &xd));
  PetscCall(PetscFree2(yd, zd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int DSNVectorScaleAddMulti(int nvec, realtype *a, N_Vector x, N_Vector *Y, N_Vector *Z)
{
  if (nvec < 1) return -1;
  PetscCallAbort(DSNVectorComm(x), DSNVectorScaleAddMultiImpl(nvec, a, x, Y, Z));
  return 0;
}

PetscErrorCode DSNVectorMake(Vec v, SUNContext ctx, N_Vector *nv)
{
  N_Vector w;

  PetscFunctionBeginUser;
  w = N_VMake_Petsc(v, ctx);
  PetscCheck(w, PetscObjectComm((PetscObject)v), PETSC_ERR_MEM, "N_VMake_Petsc failed (out of memory?)");
  if (N_VEnableFusedOps_Petsc(w, SUNTRUE)) {
    N_VDestroy(w);
    SETERRQ(PetscObjectComm((PetscObject)v), PETSC_ERR_LIB, "N_VEnableFusedOps_Petsc failed");
  }
  w->ops->nvwrmsnorm        = DSNVectorWrmsNorm;
  w->ops->nvwsqrsumlocal    = DSNVectorWSqrSumLocal;
  w->ops->nvdotprod         = DSNVectorDotProd;
  w->ops->nvdotprodlocal    = DSNVectorDotProdLocal;
  w->ops->nvconstrmask      = DSNVectorConstrMask;
  w->ops->nvconstrmasklocal = DSNVectorConstrMaskLocal;
  w->ops->nvscaleaddmulti   = DSNVectorScaleAddMulti;
  *nv                       = w;
  PetscFunctionReturn(PETSC_SUCCESS);
}
