/* DSSensitivity: how every key figure of a steady state depends on every model parameter, in one
 * run (-steady_sensitivity).
 *
 * At the steady state F(u, p) = 0, so du/dp = -J^{-1} dF/dp with J = dF/du, the Jacobian the
 * Newton solver assembles. Per parameter: dF/dp by a central difference of the residual in p
 * (relative step 1e-6; the residual of a model rebuilt with the perturbed value), one tangent
 * solve, and dQ/dp of every figure Q as its derivative along du/dp (a central difference small
 * enough that no unknown changes by more than 1e-6 of its magnitude plus tolerance). The
 * forward method costs one linear solve per parameter for all figures at once. */
#ifndef DSSENSITIVITY_H
#define DSSENSITIVITY_H
#include "dssteady.h"

typedef struct _p_DSSensitivity *DSSensitivity;

/* Collective, at the converged steady state U of 'steady' (which must still exist). */
PetscErrorCode DSSensitivityCompute(DSSteady steady, DSMesh mesh, DSModel model, DSProblem prob, Vec U, DSSensitivity *sens);
/* The largest normalised coefficients (p/Q dQ/dp) per figure, ranked, at most 'top' each. */
PetscErrorCode DSSensitivityView(DSSensitivity sens, PetscInt top, MPI_Comm comm);
/* Every figure x parameter pair as a CSV table (rank 0 writes; refused if 'path' exists and
 * overwrite is false). */
PetscErrorCode DSSensitivityWriteCSV(DSSensitivity sens, MPI_Comm comm, const char path[], PetscBool overwrite);
PetscErrorCode DSSensitivityDestroy(DSSensitivity *sens);
#endif
