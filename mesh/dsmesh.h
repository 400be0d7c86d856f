/* DSMesh: a cell-centred finite-volume mesh of the disc on a PETSc DMDA.
 *
 * Physical coordinates are always 3D Cartesian in mm: z is the height above the lower vertebra,
 * x and y are centred on the disc axis. A slab cell sits at (0, 0, z); an axisymmetric cell at
 * (r, 0, z); a 3D voxel at (x, y, z). Index direction 0 is z for the slab, r for the
 * axisymmetric mesh and x for the 3D mesh; see DSMeshGetCell. */
#ifndef DSMESH_H
#define DSMESH_H
#include <petscdmda.h>
#include "dsregion.h"
#include "dsparam.h"

typedef struct _p_DSMesh *DSMesh;

/* DS_MESH_WELL_MIXED: a single cell (1 mm^2 x height) of one region with no exchange through any
 * face: the kinetics without gradients, as a well-mixed culture. Laid out like the slab. */
/* DS_MESH_IMAGE: 3D voxels from a NIfTI-1 label image (mesh/dsmeshimage.c, doc/meshes.md); x, y, z
 * are the image's world coordinates (RAS+: z toward superior), not centred on the disc. */
typedef enum { DS_MESH_SLAB = 0, DS_MESH_AXISYMMETRIC = 1, DS_MESH_3D = 2, DS_MESH_WELL_MIXED = 3, DS_MESH_IMAGE = 4 } DSMeshType;
extern const char *const DSMeshTypes[];
/* Points a direction's grid lines can be graded toward (-mesh_grade_r_toward, -mesh_grade_z_toward):
 * radial: the axis, the NP/AF interface, the endplate rim (edge of the CEP and of the open
 * endplate annulus, -endplate_open_*), the outer AF surface;
 * height: the vertebral surfaces z = 0 and H, the CEP/disc interfaces z = t and H - t. */
typedef enum { DS_GRADE_R_AXIS = 0, DS_GRADE_R_NP = 1, DS_GRADE_R_RIM = 2, DS_GRADE_R_OUTER = 3 } DSMeshGradePointR;
typedef enum { DS_GRADE_Z_VERTEBRA = 0, DS_GRADE_Z_CEP = 1 } DSMeshGradePointZ;
extern const char *const DSMeshGradePointsR[];
extern const char *const DSMeshGradePointsZ[];

#define DS_MAX_FACES 6

typedef struct {
  DSFaceKind kind;       /* DS_FACE_INTERIOR or the boundary kind */
  PetscReal  area;       /* mm^2 */
  PetscReal  h_self;     /* mm: distance from this cell's centre to the face */
  PetscReal  h_nbr;      /* mm: distance from the face to the neighbour's centre (interior only) */
  DSRegion   nbr_region; /* region of the neighbour (interior only) */
  PetscReal  x[3];       /* face centre, mm */
  /* boundary faces only: a length (mm) in series with h_self, in this cell's diffusivity, that
   * represents an exchange reduced by a factor f in (0, 1] (endplate maps, AF periphery): the
   * boundary conductance is area * D / (h_self + h_extra); 0 for full exchange */
  PetscReal  h_extra;
} DSFace;

typedef struct {
  DSRegion  region;
  PetscReal volume;             /* mm^3 */
  PetscReal x[3];               /* cell centre, mm */
  PetscInt  nfaces;             /* 2 * dim; face 2d is on the low side of direction d, 2d+1 on the high side */
  DSFace    face[DS_MAX_FACES];
} DSCell;

PetscErrorCode DSMeshCreate(MPI_Comm comm, DSMesh *mesh);
PetscErrorCode DSMeshSetType(DSMesh mesh, DSMeshType type);
PetscErrorCode DSMeshSetFromOptions(DSMesh mesh);
PetscErrorCode DSMeshSetUp(DSMesh mesh, PetscInt dof);
PetscErrorCode DSMeshDestroy(DSMesh *mesh);
/* A mesh of the same disc (geometry, grading, endplate maps) with half the cells in each index
 * direction (rounded up), not yet set up; NULL when 'mesh' cannot be coarsened (an image mesh,
 * a well-mixed cell, or a direction with fewer than 2 * min_cells cells). */
PetscErrorCode DSMeshCreateCoarse(DSMesh mesh, PetscInt min_cells, DSMesh *coarse);
PetscErrorCode DSMeshView(DSMesh mesh, PetscViewer viewer);
PetscErrorCode DSMeshViewParametersMarkdown(DSMesh mesh, PetscViewer viewer);
/* The geometry rows with their defaults (allowed and plausible ranges, sources) */
PetscErrorCode DSMeshGetParameters(PetscInt *n, const DSParam **rows);
/* The endplate-exchange rows (-endplate_open_*, -endplate_closed_factor, -endplate_af_outer_*) */
PetscErrorCode DSMeshGetEndplateParameters(PetscInt *n, const DSParam **rows);

PetscErrorCode DSMeshGetType(DSMesh mesh, DSMeshType *type);
PetscErrorCode DSMeshGetDM(DSMesh mesh, DM *dm);
PetscErrorCode DSMeshGetDimension(DSMesh mesh, PetscInt *dim);
PetscErrorCode DSMeshGetSizes(DSMesh mesh, PetscInt n[3]);
PetscErrorCode DSMeshGetFaceCoordinates(DSMesh mesh, PetscInt dir, const PetscReal **xf);
PetscErrorCode DSMeshGetCell(DSMesh mesh, PetscInt i, PetscInt j, PetscInt k, DSCell *cell);
PetscErrorCode DSMeshGetRegion(DSMesh mesh, PetscInt i, PetscInt j, PetscInt k, DSRegion *region);
PetscErrorCode DSMeshGetNumActiveCells(DSMesh mesh, PetscInt *nactive);
PetscErrorCode DSMeshGetHeight(DSMesh mesh, PetscReal *height);
PetscErrorCode DSMeshLocate(DSMesh mesh, const PetscReal x[3], PetscInt *ncells, PetscInt idx[][3], PetscReal w[]);
/* Multilinear interpolation at x (mm) between the centres of the up to 2^dim cells around it
 * (constant beyond the outermost centres), over cells inside the disc only, the weights
 * renormalised to sum 1; *ncells = 0 when none of those cells is inside the disc. */
PetscErrorCode DSMeshInterpolationWeights(DSMesh mesh, const PetscReal x[3], PetscInt *ncells, PetscInt idx[8][3], PetscReal w[8]);
PetscErrorCode DSMeshGetRegionCentre(DSMesh mesh, DSRegion region, PetscReal x[3]);
/* The region at a physical point (mm), from the geometry alone (callable before DSMeshSetUp):
 * DS_REGION_OUTSIDE for a point outside the disc. */
PetscErrorCode DSMeshGetRegionAtPoint(DSMesh mesh, const PetscReal x[3], DSRegion *region);
/* The needle track (mesh/dsmeshtrack.c): the fraction of cell (i, j, k)'s volume within 'radius'
 * (mm) of the segment [a, b] (a flat-ended cylinder), by a midpoint rule of spacing <= radius/32
 * (on the axisymmetric mesh over the ring's azimuth too, at radius/128). DSMeshCheckTrack tells whether the mesh
 * can hold the track (not on slab or well-mixed meshes; axisymmetric: in a half-plane through the
 * axis) and if not why, in words. */
PetscErrorCode DSMeshCheckTrack(DSMesh mesh, const PetscReal a[3], const PetscReal b[3], char why[], size_t len, PetscBool *ok);
PetscErrorCode DSMeshGetTrackFraction(DSMesh mesh, PetscInt i, PetscInt j, PetscInt k, const PetscReal a[3], const PetscReal b[3], PetscReal radius, PetscReal *fraction);
#endif
