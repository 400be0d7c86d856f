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
  struct _DSMeshImage *image; /* DS_MESH_IMAGE only: the label image's regions (mesh/dsmeshimage.c) */
};

/* The label-image mesh (mesh/dsmeshimage.c): reads the keys and the image, sets n[] and xf[] */
PetscErrorCode DSMeshImageReadOptions(DSMesh mesh, PetscOptionItems *PetscOptionsObject);
DSRegion       DSMeshImageRegion(DSMesh mesh, const PetscInt idx[3]);
DSFaceKind     DSMeshImageBoundaryKind(DSMesh mesh, PetscInt dir, DSRegion region);
PetscErrorCode DSMeshImageRegionAtPoint(DSMesh mesh, const PetscReal x[3], DSRegion *region);
PetscErrorCode DSMeshImageRegionCentre(DSMesh mesh, DSRegion region, PetscReal x[3]);
PetscErrorCode DSMeshImageView(DSMesh mesh, PetscViewer viewer);
PetscErrorCode DSMeshImageDestroy(DSMesh mesh);
#endif
