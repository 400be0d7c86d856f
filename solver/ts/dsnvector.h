/* The integrator's N_Vectors: SUNDIALS' NVECTOR_PETSC (the state stays a PETSc Vec) with its
 * fused operations on, and six entries of its operation table replaced by kernels of our own
 * (solver/ts/dsnvector.c says which and why). */
#ifndef DSNVECTOR_H
#define DSNVECTOR_H
#include <petscvec.h>
#include <nvector/nvector_petsc.h>

/* wraps v (not copied, not owned: N_VDestroy leaves v alone); clones inherit the table */
PetscErrorCode DSNVectorMake(Vec v, SUNContext ctx, N_Vector *nv);

/* the replaced kernels, for tests/test_nvector.c, which checks them against NVECTOR_PETSC's */
realtype    DSNVectorWrmsNorm(N_Vector x, N_Vector w);
realtype    DSNVectorDotProd(N_Vector x, N_Vector y);
booleantype DSNVectorConstrMask(N_Vector c, N_Vector x, N_Vector m);
int         DSNVectorScaleAddMulti(int nvec, realtype *a, N_Vector x, N_Vector *Y, N_Vector *Z);
#endif
