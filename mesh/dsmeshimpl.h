#ifndef DSMESHIMPL_H
#define DSMESHIMPL_H
#include "dsmesh.h"
#include "dsparam.h"

enum { DS_GEOM_HEIGHT, DS_GEOM_RADIUS, DS_GEOM_SEMI_AP, DS_GEOM_SEMI_LAT, DS_GEOM_NP_FRACTION, DS_GEOM_CEP_THICKNESS, DS_GEOM_CEP_FRACTION, DS_GEOM_N };

struct _p_DSMesh {
  MPI_Comm   comm;
  DSMeshType type;
  PetscInt   dim;
  PetscInt   n[3];        /* cells per index direction */
  PetscReal *xf[3];       /* face coordinates per index direction, n[d] + 1 each, mm */
  DSParam    geom[DS_GEOM_N];
  DM         dm;
  PetscInt   nactive;
  PetscBool  setup;
  DSRegion   well_mixed_region;
  /* geometric grading (doc/meshes.md): per physical direction (0: radial, 1: height) the ratio
   * of the largest to the smallest cell of a graded segment and the points graded toward, as a
   * bit mask over DSMeshGradePointsR / DSMeshGradePointsZ */
  PetscReal  grade_ratio[2];
  PetscInt   grade_toward[2];
};
#endif
