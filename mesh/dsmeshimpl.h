#ifndef DSMESHIMPL_H
#define DSMESHIMPL_H
#include "dsmesh.h"
#include "dsparam.h"

enum { DS_GEOM_HEIGHT, DS_GEOM_RADIUS, DS_GEOM_SEMI_AP, DS_GEOM_SEMI_LAT, DS_GEOM_NP_FRACTION, DS_GEOM_CEP_THICKNESS, DS_GEOM_CEP_FRACTION, DS_GEOM_N };

/* The vertebral interface and the AF periphery (mesh/dsmeshendplate.c, doc/meshes.md "Endplate
 * exchange"): the open annulus of the endplate, calcified shapes with a conductance factor, and
 * the factor on the outer AF surface. Geometry only: which boundary faces are in which shape. */
enum { DS_EP_OPEN_INNER, DS_EP_OPEN_OUTER, DS_EP_CLOSED_FACTOR, DS_EP_AF_FACTOR, DS_EP_AF_LAYER, DS_EP_N };
#define DS_MAX_ENDPLATE_PATCHES 8
typedef enum { DS_EP_SHAPE_RING = 0, DS_EP_SHAPE_ELLIPSE = 1 } DSEndplateShape;
typedef struct {
  DSEndplateShape shape;
  PetscReal       r1, r2;   /* ring: elliptic radii as fractions of the CEP's radial extent */
  PetscReal       c[2], a[2]; /* ellipse: centre (x, y) and semi-axes along x and y, mm */
  PetscReal       factor;   /* multiplies the CEP's through-thickness conductance; 0: closed */
  PetscInt        sides;    /* bit 0: bottom endplate (z = 0), bit 1: top (z = H) */
} DSEndplatePatch;
typedef struct {
  DSParam         p[DS_EP_N];
  PetscInt        npatch;
  DSEndplatePatch patch[DS_MAX_ENDPLATE_PATCHES];
} DSEndplate;

PetscErrorCode DSMeshEndplateSetDefaults(DSMesh mesh);
PetscErrorCode DSMeshEndplateReadOptions(DSMesh mesh, PetscOptionItems *PetscOptionsObject);
PetscErrorCode DSMeshEndplateCheck(DSMesh mesh);
/* Kind and extra series length (mm) of a boundary face on the vertebral interface (side 0: z = 0,
 * 1: z = H) or on the outer AF surface, at face centre x */
void           DSMeshEndplateVertebralFace(DSMesh mesh, PetscInt side, const PetscReal x[3], DSFace *f);
/* a face where the vertebra supplies the tissue, at x on endplate side 0 (bottom) or 1 (top),
 * under a cartilage endplate cep_thickness thick: its kind and extra length from the maps */
void           DSMeshEndplateSupplyFace(DSMesh mesh, PetscInt side, const PetscReal x[3], PetscReal cep_thickness, DSFace *f);
void           DSMeshEndplateAFOuterFace(DSMesh mesh, DSFace *f);
/* Radii (mm) the axisymmetric grid should put faces on: the open annulus and the rings */
PetscInt       DSMeshEndplateRadialBreaks(DSMesh mesh, PetscReal r[], PetscInt max);
/* Radii (mm) of the edges of the open annulus inside the CEP (0, 1 or 2): more rims to grade toward */
PetscInt       DSMeshEndplateOpenEdges(DSMesh mesh, PetscReal r[2]);
PetscErrorCode DSMeshEndplateView(DSMesh mesh, PetscViewer viewer);
PetscErrorCode DSMeshEndplateViewParametersMarkdown(PetscViewer viewer);
PetscReal      DSMeshEllipticRadius2(DSMesh mesh, const PetscReal x[3], PetscReal fraction);

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
  DSEndplate endplate;
  PetscInt   disc_grade;      /* -disc_grade (0: none) and what it set (DSMeshView) */
  char       grade_note[256];
  struct _DSMeshImage *image; /* DS_MESH_IMAGE only: the label image's regions (mesh/dsmeshimage.c) */
};

/* The label-image mesh (mesh/dsmeshimage.c): reads the keys and the image, sets n[] and xf[] */
PetscErrorCode DSMeshImageReadOptions(DSMesh mesh, PetscOptionItems *PetscOptionsObject);
DSRegion       DSMeshImageRegion(DSMesh mesh, const PetscInt idx[3]);
void           DSMeshImageBoundaryFace(DSMesh mesh, const PetscInt idx[3], PetscInt dir, PetscInt side, DSRegion region, const PetscReal x[3], DSFace *f);
PetscReal      DSMeshImageEndplateRho2(DSMesh mesh, PetscInt side, const PetscReal x[3]);
PetscErrorCode DSMeshImageRegionAtPoint(DSMesh mesh, const PetscReal x[3], DSRegion *region);
PetscErrorCode DSMeshImageRegionCentre(DSMesh mesh, DSRegion region, PetscReal x[3]);
PetscErrorCode DSMeshImageView(DSMesh mesh, PetscViewer viewer);
PetscErrorCode DSMeshImageDestroy(DSMesh mesh);
#endif
