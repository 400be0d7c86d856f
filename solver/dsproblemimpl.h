#ifndef DSPROBLEMIMPL_H
#define DSPROBLEMIMPL_H
#include "dsproblem.h"

/* Everything the residual needs per owned cell, computed once from mesh and model:
 * the hot loops then touch only flat arrays. */
struct _p_DSProblem {
  DSMesh       mesh;
  DSModel      model;
  DM           dm, dmout;
  PetscInt     nsp, nfaces;
  PetscInt     ncells;     /* owned cells (active or not) */
  PetscInt     xs[3], xm[3], gxs[3], gxm[3];
  PetscInt     stride[3];  /* ghosted-local index offset of a step in each direction */
  DSPoint     *point;      /* per owned cell: region, centre */
  PetscReal   *volume;     /* per owned cell, mm^3 */
  PetscReal   *T;          /* per owned cell, face, species: transmissibility, mm^3/h; 0 across no-flux faces */
  PetscBool   *boundary;   /* per owned cell, face: the face is on the disc boundary */
  PetscScalar *ubnd;       /* per boundary face (in loop order), species: Dirichlet value */
  PetscInt     nbfaces;
  Vec          Ulocal;
  PetscScalar *work;       /* nsp*(nsp+2) scratch */
  PetscInt    *sink;       /* per species: accumulator receiving its boundary outflux, or -1 */
  PetscBool   *diffuses;   /* per species: D > 0 in some region */
};
#endif
