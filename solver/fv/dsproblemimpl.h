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
  /* Transmissibilities (mm^3/h, per species; 0 across no-flux faces) take few distinct values on
   * piecewise-uniform grids, so each cell face stores an index into a table of distinct species
   * vectors: 4 bytes per face instead of 8 per face and species, with bit-identical values. */
  PetscReal   *Ttab;       /* distinct transmissibility vectors, nsp each */
  PetscInt     nT, maxT;   /* entries used and allocated in Ttab */
  PetscInt    *hash;       /* open-addressing hash of Ttab (set-up only): entry index or -1 */
  PetscInt     nhash, lastT[DS_MAX_FACES]; /* lastT[f]: the entry found last for face f, or -1 */
  int         *tface;      /* per owned cell, face: 2 * (Ttab entry) + (1 if the face is on the disc boundary) */
  PetscScalar *ubnd;       /* per boundary face (in loop order), species: Dirichlet value */
  PetscInt     nbfaces, maxbfaces; /* boundary faces, and room for them in ubnd */
  Vec          Ulocal;
  PetscScalar *work;       /* nsp*(nsp+2) scratch */
  PetscInt    *sink;       /* per species: accumulator receiving its boundary outflux, or -1 */
  PetscBool   *diffuses;   /* per species: D > 0 in some region */
};
#endif
