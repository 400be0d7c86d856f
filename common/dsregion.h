/* The disc's anatomy as the mesh tags it: regions of cells and kinds of boundary faces.
 * This is the shared vocabulary between mesh/ (which assigns them) and models/ (which gives
 * region-wise properties and per-kind boundary conditions). */
#ifndef DSREGION_H
#define DSREGION_H

typedef enum {
  DS_REGION_OUTSIDE = 0, /* not part of the disc: takes no part in the computation */
  DS_REGION_NP      = 1, /* nucleus pulposus */
  DS_REGION_AF      = 2, /* annulus fibrosus */
  DS_REGION_CEP     = 3, /* cartilage endplate */
  DS_NUM_REGIONS    = 4
} DSRegion;

typedef enum {
  DS_FACE_INTERIOR      = 0, /* between two cells of the disc */
  DS_BOUNDARY_VERTEBRA  = 1, /* CEP against the vertebral body: capillary supply */
  DS_BOUNDARY_AF_OUTER  = 2, /* outer surface of the annulus: soft-tissue supply */
  DS_BOUNDARY_BONE      = 3, /* annulus against bone (ring apophysis): no exchange */
  DS_BOUNDARY_AXIS      = 4, /* symmetry axis of the axisymmetric mesh */
  DS_NUM_FACE_KINDS     = 5
} DSFaceKind;

extern const char *const DSRegionNames[DS_NUM_REGIONS];
extern const char *const DSFaceKindNames[DS_NUM_FACE_KINDS];
#endif
