/* The label-image mesh (-mesh_type image): a 3D voxel mesh from a NIfTI-1 segmentation.
 *
 * Each voxel (or each block of coarsen^3 voxels, by majority vote) is one cell; its region comes
 * from its label (NP, AF, CEP; every other value is background and takes no part, like the cells
 * outside the ellipse of the 3D mesh). The grid is laid out along the world axes of the header's
 * affine (sform if set, else qform): index direction d runs along world axis d (RAS+: x toward
 * the patient's left-to-right, y posterior-to-anterior, z inferior-to-superior), so the cell
 * coordinates are the image's world coordinates in mm and the output opens in ParaView where the
 * image is. Only axis-aligned affines (flips and permutations of the axes) are accepted.
 * Boundary kinds follow the analytic 3D mesh: a face toward background along z (above or below
 * the disc, the vertebrae) is a capillary supply face (vertebra) when the cell is CEP or NP and
 * bone (ring apophysis) when it is AF; a face toward background along x or y is the soft-tissue
 * surface (AF outer). Rules and keys: doc/meshes.md, "Geometry from a label image". */
#include <errno.h>
#include <string.h>
#include <nifti1_io.h>
#include "dsmeshimpl.h"
#include "dsoptions.h"

#define DS_IMAGE_MAX_VOXELS (1 << 27) /* in the file: 128 Mi voxels, e.g. 512 x 512 x 512 */
#define DS_IMAGE_AXIS_TOL   1e-3      /* largest off-axis direction cosine of a voxel axis (0.06 degrees) */
#define DS_IMAGE_MAX_SEEN   12        /* distinct label values listed in an error message */

struct _DSMeshImage {
  char           file[PETSC_MAX_PATH_LEN];
  PetscInt       label[DS_NUM_REGIONS]; /* label value of NP, AF, CEP; [DS_REGION_OUTSIDE] unused */
  PetscInt       coarsen;
  PetscInt       dims[3];    /* voxels of the file along its axes i, j, k */
  PetscInt       axis[3];    /* world axis (0: x, 1: y, 2: z) of file axis i, j, k */
  PetscInt       sign[3];    /* +1: the file axis runs toward + along its world axis, -1: against */
  PetscReal      spacing[3]; /* mm, per world axis */
  PetscReal      lo[3];      /* mm: world coordinate of the low face of the first voxel, per world axis */
  const char    *form;       /* "sform" or "qform": the affine used */
  PetscInt       fine[3];    /* voxels per world axis */
  PetscInt       crop_lo[3]; /* first voxel of the disc's bounding box, per world axis */
  PetscInt       crop_n[3];  /* voxels of the bounding box, per world axis */
  unsigned char *fine_region; /* DSRegion per voxel in world-axis order (freed after coarsening) */
  unsigned char *region;      /* DSRegion per cell, (k n1 + j) n0 + i */
  PetscInt       voxels[DS_NUM_REGIONS]; /* voxels of the file per region */
  PetscInt       cells[DS_NUM_REGIONS];  /* cells per region */
  PetscInt       nseen;
  PetscReal      seen[DS_IMAGE_MAX_SEEN]; /* distinct values in the file (for error messages) */
  PetscReal      ep_centre[2][2], ep_axes[2][2]; /* per endplate side (0: bottom, 1: top): centre and semi-axes (x, y) of its supply faces' ellipse, mm */
  PetscReal      ep_thickness[2];                /* per side: mean CEP thickness over its supply faces with a CEP, mm */
};
typedef struct _DSMeshImage *DSMeshImage;

static const char *const ds_image_label_keys[DS_NUM_REGIONS] = {NULL, "-mesh_image_np", "-mesh_image_af", "-mesh_image_cep"};

static PetscErrorCode DSMeshImageLoad(DSMesh mesh);

PetscErrorCode DSMeshImageReadOptions(DSMesh mesh, PetscOptionItems *PetscOptionsObject)
{
  DSMeshImage im;
  PetscBool   set, help;
  char        text[256];

  PetscFunctionBeginUser;
  if (!mesh->image) PetscCall(PetscNew(&mesh->image));
  im = mesh->image;
  im->label[DS_REGION_NP] = 1, im->label[DS_REGION_AF] = 2, im->label[DS_REGION_CEP] = 3, im->coarsen = 1;
  PetscCall(DSOptionsCheckString("-mesh_image_file"));
  PetscCall(PetscOptionsString("-mesh_image_file", "NIfTI-1 label image [-], .nii or .nii.gz, relative to the working directory; spacing (mm) and orientation from its header", NULL, im->file, im->file, sizeof im->file, &set));
  for (PetscInt r = DS_REGION_NP; r < DS_NUM_REGIONS; r++) {
    PetscCall(DSOptionsCheckInt(ds_image_label_keys[r], 0, 65535));
    PetscCall(PetscSNPrintf(text, sizeof text, "label value [-] of the %s voxels in the image; allowed [0, 65535]; values that are none of the three labels are background", DSRegionNames[r]));
    PetscCall(PetscOptionsInt(ds_image_label_keys[r], text, NULL, im->label[r], &im->label[r], NULL));
  }
  PetscCall(DSOptionsCheckInt("-mesh_image_coarsen", 1, 16));
  PetscCall(PetscOptionsInt("-mesh_image_coarsen", "cells are blocks of N x N x N voxels [1], labelled by majority vote (ties: CEP, NP, AF, background); allowed [1, 16]", NULL, im->coarsen, &im->coarsen, NULL));
  for (PetscInt r = DS_REGION_NP; r < DS_NUM_REGIONS; r++)
    for (PetscInt s = r + 1; s < DS_NUM_REGIONS; s++)
      PetscCheck(im->label[r] != im->label[s], mesh->comm, PETSC_ERR_ARG_WRONG, "input %s = %" PetscInt_FMT " equals %s: the NP, AF and CEP labels must differ", ds_image_label_keys[s], im->label[s], ds_image_label_keys[r]);
  PetscCall(PetscOptionsHasHelp(NULL, &help)); /* -help lists the keys above, then needs the image for the rest */
  PetscCheck(set && im->file[0], mesh->comm, PETSC_ERR_ARG_WRONG, "input -mesh_type = image needs -mesh_image_file, the NIfTI-1 label image (scenario: mesh: {type: image, image_file: disc.nii.gz})%s", help ? "; -help lists the other keys once it is given" : "");
  PetscCall(DSMeshImageLoad(mesh));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The file exists, is NIfTI-1, and its header reads. */
static PetscErrorCode DSMeshImageOpen(DSMeshImage im, MPI_Comm comm, nifti_image **nim)
{
  FILE *f = fopen(im->file, "rb");
  int   kind;

  PetscFunctionBeginUser;
  PetscCheck(f, comm, PETSC_ERR_FILE_OPEN, "input -mesh_image_file = '%s' cannot be opened: %s", im->file, strerror(errno));
  (void)fclose(f);
  nifti_set_debug_level(0); /* the library's own messages would repeat ours on stderr */
  kind = is_nifti_file(im->file);
  PetscCheck(kind == 1 || kind == 2, comm, PETSC_ERR_FILE_UNEXPECTED,
             "input -mesh_image_file = '%s' is not a NIfTI-1 image (%s): allowed a NIfTI-1 label image, .nii, .nii.gz or .hdr/.img (NIfTI-2 and ANALYZE 7.5 files are not read: convert them, e.g. with nibabel)", im->file,
             kind == 0 ? "an ANALYZE 7.5 header, which has no orientation" : "no NIfTI-1 header");
  *nim = nifti_image_read(im->file, 0);
  PetscCheck(*nim, comm, PETSC_ERR_FILE_READ, "input -mesh_image_file = '%s': the NIfTI-1 header cannot be read", im->file);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Dimensions, size, data type, scaling and unit; *scale: mm per header unit. */
static PetscErrorCode DSMeshImageCheckHeader(DSMeshImage im, MPI_Comm comm, const nifti_image *nim, PetscReal *scale)
{
  const int ok_types[] = {DT_UINT8, DT_INT8, DT_INT16, DT_UINT16, DT_INT32, DT_UINT32, DT_FLOAT32, DT_FLOAT64};
  PetscBool ok_type    = PETSC_FALSE;

  PetscFunctionBeginUser;
  for (int d = 4; d <= nim->dim[0] && d < 8; d++)
    PetscCheck(nim->dim[d] == 1, comm, PETSC_ERR_FILE_UNEXPECTED, "input -mesh_image_file = '%s' has %d dimensions (dim[%d] = %d): allowed a 3D label image", im->file, nim->dim[0], d, nim->dim[d]);
  PetscCheck(nim->nx >= 1 && nim->ny >= 1 && nim->nz >= 1, comm, PETSC_ERR_FILE_UNEXPECTED, "input -mesh_image_file = '%s' has no voxels (%d x %d x %d)", im->file, nim->nx, nim->ny, nim->nz);
  PetscCheck(nim->nvox <= DS_IMAGE_MAX_VOXELS, comm, PETSC_ERR_ARG_OUTOFRANGE, "input -mesh_image_file = '%s' has %zu voxels (%d x %d x %d): allowed at most %d; crop the image around the disc first", im->file, nim->nvox,
             nim->nx, nim->ny, nim->nz, DS_IMAGE_MAX_VOXELS);
  for (size_t t = 0; t < sizeof ok_types / sizeof ok_types[0]; t++) ok_type = (PetscBool)(ok_type || nim->datatype == ok_types[t]);
  PetscCheck(ok_type, comm, PETSC_ERR_SUP, "input -mesh_image_file = '%s' stores %s voxels: allowed integer labels as uint8, int8, int16, uint16, int32, uint32 (or float32, float64 holding whole numbers)", im->file,
             nifti_datatype_string(nim->datatype));
  PetscCheck((nim->scl_slope == 0 || nim->scl_slope == 1) && nim->scl_inter == 0, comm, PETSC_ERR_SUP, "input -mesh_image_file = '%s' scales its values (scl_slope = %g, scl_inter = %g): a label image must store the labels themselves (slope 0 or 1, intercept 0)",
             im->file, (double)nim->scl_slope, (double)nim->scl_inter);
  switch (nim->xyz_units) {
  case NIFTI_UNITS_MM: *scale = 1; break;
  case NIFTI_UNITS_METER: *scale = 1000; break;
  case NIFTI_UNITS_MICRON: *scale = 1e-3; break;
  default:
    SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "input -mesh_image_file = '%s' gives no spatial unit (xyzt_units = %d): allowed mm, m or micron; set it (in nibabel: img.header.set_xyzt_units('mm'))", im->file, nim->xyz_units);
  }
  im->dims[0] = nim->nx, im->dims[1] = nim->ny, im->dims[2] = nim->nz;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* From the affine: which world axis each file axis runs along, the direction, the spacing and where
 * the grid starts. An oblique affine (a voxel axis not along a world axis) is refused. */
static PetscErrorCode DSMeshImageOrientation(DSMeshImage im, MPI_Comm comm, const nifti_image *nim, PetscReal scale)
{
  const mat44 *A       = nim->sform_code > 0 ? &nim->sto_xyz : nim->qform_code > 0 ? &nim->qto_xyz : NULL;
  PetscBool    used[3] = {PETSC_FALSE, PETSC_FALSE, PETSC_FALSE};

  PetscFunctionBeginUser;
  PetscCheck(A, comm, PETSC_ERR_FILE_UNEXPECTED,
             "input -mesh_image_file = '%s' has no orientation (qform_code = sform_code = 0): discsim needs the header's affine to know where the disc is and which way is superior (the vertebrae); set the sform or qform (in nibabel: img.set_sform(affine, code=1))",
             im->file);
  im->form = nim->sform_code > 0 ? "sform" : "qform";
  for (PetscInt a = 0; a < 3; a++) {
    PetscReal col[3], norm = 0;
    PetscInt  w = 0;
    for (PetscInt r = 0; r < 3; r++) {
      col[r] = A->m[r][a];
      norm += col[r] * col[r];
      if (PetscAbsReal(col[r]) > PetscAbsReal(col[w])) w = r;
    }
    norm = PetscSqrtReal(norm);
    PetscCheck(norm > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "input -mesh_image_file = '%s': the %s gives voxel axis %c no length (no spacing)", im->file, im->form, (char)('i' + a));
    PetscCheck(PetscSqrtReal(PetscMax(norm * norm - col[w] * col[w], 0)) <= DS_IMAGE_AXIS_TOL * norm && !used[w], comm, PETSC_ERR_SUP,
               "input -mesh_image_file = '%s': the %s is not axis-aligned (voxel axis %c runs along (%g, %g, %g)): allowed voxel axes along the world axes x, y, z in any order and direction (flips and permutations); resample an oblique image onto the axes first",
               im->file, im->form, (char)('i' + a), (double)col[0], (double)col[1], (double)col[2]);
    used[w]        = PETSC_TRUE;
    im->axis[a]    = w;
    im->sign[a]    = col[w] > 0 ? 1 : -1;
    im->spacing[w] = PetscAbsReal(col[w]) * scale;
    im->fine[w]    = im->dims[a];
    /* the first voxel along +w is file voxel 0, or the last one when the file axis runs against w */
    im->lo[w] = scale * (A->m[w][3] + (im->sign[a] < 0 ? col[w] * (im->dims[a] - 1) : 0)) - 0.5 * im->spacing[w];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal DSMeshImageValue(const nifti_image *nim, size_t v)
{
  switch (nim->datatype) {
  case DT_UINT8: return ((const unsigned char *)nim->data)[v];
  case DT_INT8: return ((const signed char *)nim->data)[v];
  case DT_INT16: return ((const short *)nim->data)[v];
  case DT_UINT16: return ((const unsigned short *)nim->data)[v];
  case DT_INT32: return ((const int *)nim->data)[v];
  case DT_UINT32: return ((const unsigned int *)nim->data)[v];
  case DT_FLOAT32: return ((const float *)nim->data)[v];
  default: return ((const double *)nim->data)[v];
  }
}

/* The region of one value, remembering the distinct values seen for the error messages. */
static PetscErrorCode DSMeshImageClassify(DSMeshImage im, MPI_Comm comm, PetscReal value, const PetscInt ijk[3], DSRegion *region)
{
  PetscBool seen = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCheck(value == PetscFloorReal(value), comm, PETSC_ERR_FILE_UNEXPECTED, "input -mesh_image_file = '%s': voxel (%" PetscInt_FMT ", %" PetscInt_FMT ", %" PetscInt_FMT ") holds %g, not a whole-number label", im->file, ijk[0], ijk[1],
             ijk[2], (double)value);
  *region = DS_REGION_OUTSIDE;
  for (PetscInt r = DS_REGION_NP; r < DS_NUM_REGIONS; r++)
    if (value == (PetscReal)im->label[r]) *region = (DSRegion)r;
  for (PetscInt s = 0; s < im->nseen; s++) seen = (PetscBool)(seen || im->seen[s] == value);
  if (!seen && im->nseen < DS_IMAGE_MAX_SEEN) im->seen[im->nseen++] = value;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The voxels' regions in world-axis order (fine_region) and the voxels per region. */
static PetscErrorCode DSMeshImageLabels(DSMeshImage im, MPI_Comm comm, const nifti_image *nim)
{
  PetscInt ijk[3];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nim->nvox, &im->fine_region));
  for (ijk[2] = 0; ijk[2] < im->dims[2]; ijk[2]++)
    for (ijk[1] = 0; ijk[1] < im->dims[1]; ijk[1]++)
      for (ijk[0] = 0; ijk[0] < im->dims[0]; ijk[0]++) {
        size_t   v = (size_t)ijk[0] + (size_t)im->dims[0] * ((size_t)ijk[1] + (size_t)im->dims[1] * (size_t)ijk[2]);
        PetscInt m[3];
        DSRegion r;
        PetscCall(DSMeshImageClassify(im, comm, DSMeshImageValue(nim, v), ijk, &r));
        for (PetscInt a = 0; a < 3; a++) m[im->axis[a]] = im->sign[a] > 0 ? ijk[a] : im->dims[a] - 1 - ijk[a];
        im->fine_region[(size_t)m[0] + (size_t)im->fine[0] * ((size_t)m[1] + (size_t)im->fine[1] * (size_t)m[2])] = (unsigned char)r;
        im->voxels[r]++;
      }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every label must be in the image; the message lists the values that are. */
static PetscErrorCode DSMeshImageCheckLabels(DSMeshImage im, MPI_Comm comm)
{
  char list[256] = "", item[32];

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < im->nseen; s++) {
    PetscCall(PetscSNPrintf(item, sizeof item, "%s%.0f", s ? ", " : "", (double)im->seen[s])); /* whole numbers (checked) */
    PetscCall(PetscStrlcat(list, item, sizeof list));
  }
  for (PetscInt r = DS_REGION_NP; r < DS_NUM_REGIONS; r++)
    PetscCheck(im->voxels[r] > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "input %s = %" PetscInt_FMT ": no voxel of -mesh_image_file = '%s' has this label, so the image has no %s (values in the image: %s%s)", ds_image_label_keys[r], im->label[r], im->file,
               DSRegionNames[r], list, im->nseen == DS_IMAGE_MAX_SEEN ? ", ..." : "");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The disc's bounding box: the grid covers it only (background around it would be inactive cells). */
static void DSMeshImageCrop(DSMeshImage im)
{
  PetscInt hi[3] = {-1, -1, -1}, m[3];

  for (PetscInt d = 0; d < 3; d++) im->crop_lo[d] = im->fine[d];
  for (m[2] = 0; m[2] < im->fine[2]; m[2]++)
    for (m[1] = 0; m[1] < im->fine[1]; m[1]++)
      for (m[0] = 0; m[0] < im->fine[0]; m[0]++) {
        if (im->fine_region[m[0] + im->fine[0] * (m[1] + im->fine[1] * m[2])] == DS_REGION_OUTSIDE) continue;
        for (PetscInt d = 0; d < 3; d++) im->crop_lo[d] = PetscMin(im->crop_lo[d], m[d]), hi[d] = PetscMax(hi[d], m[d]);
      }
  for (PetscInt d = 0; d < 3; d++) im->crop_n[d] = hi[d] - im->crop_lo[d] + 1;
}

/* The region of the coarse cell cb: majority of its voxels; ties go to CEP, then NP, AF, background
 * (a thin endplate half filling a block stays an endplate). */
static DSRegion DSMeshImageVote(DSMeshImage im, const PetscInt cb[3])
{
  const DSRegion order[DS_NUM_REGIONS] = {DS_REGION_CEP, DS_REGION_NP, DS_REGION_AF, DS_REGION_OUTSIDE};
  PetscInt       votes[DS_NUM_REGIONS] = {0}, lo[3], hi[3], m[3];
  DSRegion       best                  = DS_REGION_CEP;

  for (PetscInt d = 0; d < 3; d++) {
    lo[d] = im->crop_lo[d] + im->coarsen * cb[d];
    hi[d] = PetscMin(lo[d] + im->coarsen, im->crop_lo[d] + im->crop_n[d]);
  }
  for (m[2] = lo[2]; m[2] < hi[2]; m[2]++)
    for (m[1] = lo[1]; m[1] < hi[1]; m[1]++)
      for (m[0] = lo[0]; m[0] < hi[0]; m[0]++) votes[im->fine_region[m[0] + im->fine[0] * (m[1] + im->fine[1] * m[2])]]++;
  for (PetscInt o = 1; o < DS_NUM_REGIONS; o++)
    if (votes[order[o]] > votes[best]) best = order[o];
  return best;
}

/* Cells: coarsen x coarsen x coarsen blocks of the bounding box (the last block of a direction
 * may be thinner); their faces in world coordinates, mm. */
static PetscErrorCode DSMeshImageCoarsen(DSMesh mesh)
{
  DSMeshImage im = mesh->image;
  PetscInt    cb[3];

  PetscFunctionBeginUser;
  for (PetscInt d = 0; d < 3; d++) {
    mesh->n[d] = (im->crop_n[d] + im->coarsen - 1) / im->coarsen;
    PetscCall(PetscMalloc1(mesh->n[d] + 1, &mesh->xf[d]));
    for (PetscInt i = 0; i <= mesh->n[d]; i++) mesh->xf[d][i] = im->lo[d] + (im->crop_lo[d] + PetscMin(im->coarsen * i, im->crop_n[d])) * im->spacing[d];
  }
  PetscCall(PetscMalloc1(mesh->n[0] * mesh->n[1] * mesh->n[2], &im->region));
  for (cb[2] = 0; cb[2] < mesh->n[2]; cb[2]++)
    for (cb[1] = 0; cb[1] < mesh->n[1]; cb[1]++)
      for (cb[0] = 0; cb[0] < mesh->n[0]; cb[0]++) {
        DSRegion r = DSMeshImageVote(im, cb);
        im->region[cb[0] + mesh->n[0] * (cb[1] + mesh->n[1] * cb[2])] = (unsigned char)r;
        im->cells[r]++;
      }
  PetscCall(PetscFree(im->fine_region));
  for (PetscInt r = DS_REGION_NP; r < DS_NUM_REGIONS; r++)
    PetscCheck(im->cells[r] > 0, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -mesh_image_coarsen = %" PetscInt_FMT " leaves no %s cell (the %s of '%s' is thinner than the blocks of %" PetscInt_FMT " voxels): use a smaller factor", im->coarsen,
               DSRegionNames[r], DSRegionNames[r], im->file, im->coarsen);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* At least one capillary supply face: an NP or CEP cell with background (or the grid's edge)
 * above or below it. Without one the disc has no vertebral supply: wrong labels or orientation. */
static PetscErrorCode DSMeshImageCheckSupply(DSMesh mesh)
{
  PetscInt cb[3], nsupply = 0;

  PetscFunctionBeginUser;
  for (cb[2] = 0; cb[2] < mesh->n[2]; cb[2]++)
    for (cb[1] = 0; cb[1] < mesh->n[1]; cb[1]++)
      for (cb[0] = 0; cb[0] < mesh->n[0]; cb[0]++) {
        DSRegion r = DSMeshImageRegion(mesh, cb);
        PetscInt below[3] = {cb[0], cb[1], cb[2] - 1}, above[3] = {cb[0], cb[1], cb[2] + 1};
        if (r != DS_REGION_NP && r != DS_REGION_CEP) continue;
        nsupply += (DSMeshImageRegion(mesh, below) == DS_REGION_OUTSIDE) + (DSMeshImageRegion(mesh, above) == DS_REGION_OUTSIDE);
      }
  PetscCheck(nsupply > 0, mesh->comm, PETSC_ERR_FILE_UNEXPECTED,
             "input -mesh_image_file = '%s': no CEP or NP voxel has background above or below it (along the world z axis, superior-inferior), so the disc would have no endplate supply: check the labels (-mesh_image_cep = %" PetscInt_FMT ") and the header's orientation",
             mesh->image->file, mesh->image->label[DS_REGION_CEP]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Thickness of the CEP under the supply face of cell idx on 'side' (mm): the run of CEP cells from
 * the face into the disc; 0 where the face's cell is not CEP */
static PetscReal DSMeshImageCEPRun(DSMesh mesh, const PetscInt idx[3], PetscInt side)
{
  PetscInt  c[3] = {idx[0], idx[1], idx[2]}, step = side ? -1 : 1;
  PetscReal t    = 0;

  for (; DSMeshImageRegion(mesh, c) == DS_REGION_CEP; c[2] += step) t += mesh->xf[2][c[2] + 1] - mesh->xf[2][c[2]];
  return t;
}

/* The endplate maps of an image mesh (mesh/dsmeshendplate.c) measure positions on each side in the
 * ellipse of that side's supply faces (NP or CEP cells with background below, or above): centre
 * and semi-axes 2 sigma from the faces' area moments, exact for a filled axis-aligned ellipse. */
static PetscErrorCode DSMeshImageEndplateEllipses(DSMesh mesh)
{
  DSMeshImage im = mesh->image;
  PetscInt    cb[3];
  PetscReal   m[2][6] = {{0}}; /* per side: area, sum x, sum y, sum x^2, sum y^2, sum of CEP thickness x area; */
  PetscReal   tarea[2] = {0, 0};

  PetscFunctionBeginUser;
  for (cb[2] = 0; cb[2] < mesh->n[2]; cb[2]++)
    for (cb[1] = 0; cb[1] < mesh->n[1]; cb[1]++)
      for (cb[0] = 0; cb[0] < mesh->n[0]; cb[0]++) {
        DSRegion  r = DSMeshImageRegion(mesh, cb);
        PetscReal x = 0.5 * (mesh->xf[0][cb[0]] + mesh->xf[0][cb[0] + 1]), y = 0.5 * (mesh->xf[1][cb[1]] + mesh->xf[1][cb[1] + 1]);
        PetscReal A = (mesh->xf[0][cb[0] + 1] - mesh->xf[0][cb[0]]) * (mesh->xf[1][cb[1] + 1] - mesh->xf[1][cb[1]]);
        if (r != DS_REGION_NP && r != DS_REGION_CEP) continue;
        for (PetscInt side = 0; side < 2; side++) {
          PetscInt  nb[3] = {cb[0], cb[1], cb[2] + (side ? 1 : -1)};
          PetscReal t;
          if (DSMeshImageRegion(mesh, nb) != DS_REGION_OUTSIDE) continue;
          m[side][0] += A, m[side][1] += A * x, m[side][2] += A * y, m[side][3] += A * x * x, m[side][4] += A * y * y;
          t = DSMeshImageCEPRun(mesh, cb, side);
          if (t > 0) m[side][5] += A * t, tarea[side] += A;
        }
      }
  for (PetscInt side = 0; side < 2; side++) {
    PetscReal a = PetscMax(m[side][0], PETSC_SMALL);
    for (PetscInt d = 0; d < 2; d++) {
      PetscReal mean = m[side][1 + d] / a, var = m[side][3 + d] / a - mean * mean;
      im->ep_centre[side][d] = mean;
      im->ep_axes[side][d]   = 2 * PetscSqrtReal(PetscMax(var, 0)) + PETSC_SMALL;
    }
    im->ep_thickness[side] = tarea[side] > 0 ? m[side][5] / tarea[side] : 0;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal DSMeshImageEndplateRho2(DSMesh mesh, PetscInt side, const PetscReal x[3])
{
  const DSMeshImage im = mesh->image;
  PetscReal         u  = (x[0] - im->ep_centre[side][0]) / im->ep_axes[side][0], v = (x[1] - im->ep_centre[side][1]) / im->ep_axes[side][1];
  return u * u + v * v;
}

/* Reads and checks the header before the voxels, so a wrong file is refused before any work. */
static PetscErrorCode DSMeshImageLoad(DSMesh mesh)
{
  DSMeshImage    im  = mesh->image;
  nifti_image   *nim = NULL;
  PetscReal      scale;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(DSMeshImageOpen(im, mesh->comm, &nim));
  ierr = DSMeshImageCheckHeader(im, mesh->comm, nim, &scale);
  if (!ierr) ierr = DSMeshImageOrientation(im, mesh->comm, nim, scale);
  if (!ierr && nifti_image_load(nim) != 0) ierr = PetscError(mesh->comm, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_FILE_READ, PETSC_ERROR_INITIAL, "input -mesh_image_file = '%s': the voxels cannot be read (file truncated?)", im->file);
  if (!ierr) ierr = DSMeshImageLabels(im, mesh->comm, nim);
  nifti_image_free(nim); /* on every path */
  PetscCall(ierr);
  PetscCall(DSMeshImageCheckLabels(im, mesh->comm));
  DSMeshImageCrop(im);
  PetscCall(DSMeshImageCoarsen(mesh));
  PetscCall(DSMeshImageCheckSupply(mesh));
  PetscCall(DSMeshImageEndplateEllipses(mesh));
  PetscFunctionReturn(PETSC_SUCCESS);
}

DSRegion DSMeshImageRegion(DSMesh mesh, const PetscInt idx[3])
{
  for (PetscInt d = 0; d < 3; d++)
    if (idx[d] < 0 || idx[d] >= mesh->n[d]) return DS_REGION_OUTSIDE;
  return (DSRegion)mesh->image->region[idx[0] + mesh->n[0] * (idx[1] + mesh->n[1] * idx[2])];
}

/* A face toward background: along z (the vertebra above or below) a supply face for the tissue
 * the endplate covers (CEP, or NP where no CEP is labelled) and bone for the annulus, as in the
 * analytic 3D mesh; along x or y the soft tissue around the disc. The endplate maps act on both
 * as on the analytic meshes; a supply face's CEP is the column's own (NP faces without one: the
 * side's mean thickness). */
void DSMeshImageBoundaryFace(DSMesh mesh, const PetscInt idx[3], PetscInt dir, PetscInt side, DSRegion region, const PetscReal x[3], DSFace *f)
{
  PetscReal t;

  f->h_extra = 0;
  if (dir != 2) {
    DSMeshEndplateAFOuterFace(mesh, f);
    return;
  }
  if (region == DS_REGION_AF) {
    f->kind = DS_BOUNDARY_BONE;
    return;
  }
  t = DSMeshImageCEPRun(mesh, idx, side);
  DSMeshEndplateSupplyFace(mesh, side, x, t > 0 ? t : mesh->image->ep_thickness[side], f);
}

/* The cell containing x (the lower one on a face), or -1 outside the grid. */
static void DSMeshImageFind(DSMesh mesh, const PetscReal x[3], PetscInt idx[3])
{
  for (PetscInt d = 0; d < 3; d++) {
    const PetscReal *xf = mesh->xf[d];
    PetscInt         lo = 0, hi = mesh->n[d];
    if (x[d] < xf[0] || x[d] > xf[mesh->n[d]]) {
      idx[0] = -1;
      return;
    }
    while (hi - lo > 1) { /* xf[lo] <= x < xf[hi] */
      PetscInt mid = (lo + hi) / 2;
      if (xf[mid] <= x[d]) lo = mid;
      else hi = mid;
    }
    idx[d] = lo;
  }
}

PetscErrorCode DSMeshImageRegionAtPoint(DSMesh mesh, const PetscReal x[3], DSRegion *region)
{
  PetscInt idx[3];

  PetscFunctionBeginUser;
  DSMeshImageFind(mesh, x, idx);
  *region = idx[0] < 0 ? DS_REGION_OUTSIDE : DSMeshImageRegion(mesh, idx);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Over the cells of one region: with x == NULL the volume-weighted sum of their centres (sum, vol);
 * else the centre of the cell nearest to x (near; the first one on ties). */
static void DSMeshImageRegionScan(DSMesh mesh, DSRegion region, const PetscReal *x, PetscReal out[3], PetscReal *vol)
{
  PetscReal best = PETSC_MAX_REAL;
  PetscInt  cb[3];

  out[0] = out[1] = out[2] = 0, *vol = 0;
  for (cb[2] = 0; cb[2] < mesh->n[2]; cb[2]++)
    for (cb[1] = 0; cb[1] < mesh->n[1]; cb[1]++)
      for (cb[0] = 0; cb[0] < mesh->n[0]; cb[0]++) {
        PetscReal c[3], v = 1, d2 = 0;
        if (DSMeshImageRegion(mesh, cb) != region) continue;
        for (PetscInt d = 0; d < 3; d++) {
          c[d] = 0.5 * (mesh->xf[d][cb[d]] + mesh->xf[d][cb[d] + 1]);
          v *= mesh->xf[d][cb[d] + 1] - mesh->xf[d][cb[d]];
          d2 += x ? (c[d] - x[d]) * (c[d] - x[d]) : 0;
        }
        *vol += v;
        if (!x)
          for (PetscInt d = 0; d < 3; d++) out[d] += v * c[d];
        else if (d2 < best * (1 - 1e-12)) best = d2, out[0] = c[0], out[1] = c[1], out[2] = c[2];
      }
}

/* The region's centroid (volume-weighted mean of its cell centres); when that point lies in
 * another region (both CEPs: their centroid is in the NP), the centroid moved along z to the
 * height of the region's nearest cell, or that cell's centre. For a shape symmetric like the
 * analytic 3D disc these are the analytic mesh's points: the NP centre at mid-height, the CEP
 * centre in the middle of the lower CEP. */
PetscErrorCode DSMeshImageRegionCentre(DSMesh mesh, DSRegion region, PetscReal x[3])
{
  PetscReal sum[3], vol, near[3], c[3];
  DSRegion  at;

  PetscFunctionBeginUser;
  DSMeshImageRegionScan(mesh, region, NULL, sum, &vol);
  PetscCheck(vol > 0, mesh->comm, PETSC_ERR_ARG_WRONG, "the image mesh has no %s cell", DSRegionNames[region]);
  for (PetscInt d = 0; d < 3; d++) x[d] = sum[d] / vol;
  PetscCall(DSMeshImageRegionAtPoint(mesh, x, &at));
  if (at == region) PetscFunctionReturn(PETSC_SUCCESS);
  DSMeshImageRegionScan(mesh, region, x, near, &vol);
  c[0] = x[0], c[1] = x[1], c[2] = near[2];
  PetscCall(DSMeshImageRegionAtPoint(mesh, c, &at));
  for (PetscInt d = 0; d < 3; d++) x[d] = at == region ? c[d] : near[d];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshImageView(DSMesh mesh, PetscViewer viewer)
{
  DSMeshImage im = mesh->image;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "mesh: image '%s' (%" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " voxels of %g x %g x %g mm, %s", im->file, im->dims[0], im->dims[1], im->dims[2], (double)im->spacing[im->axis[0]],
                                   (double)im->spacing[im->axis[1]], (double)im->spacing[im->axis[2]], im->form));
  for (PetscInt a = 0; a < 3; a++) PetscCall(PetscViewerASCIIPrintf(viewer, "%s%c = %c%c", a ? ", " : ": ", (char)('i' + a), im->sign[a] > 0 ? '+' : '-', (char)('x' + im->axis[a])));
  PetscCall(PetscViewerASCIIPrintf(viewer, "), %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " cells", mesh->n[0], mesh->n[1], mesh->n[2]));
  if (im->coarsen > 1) PetscCall(PetscViewerASCIIPrintf(viewer, " of %" PetscInt_FMT "^3 voxels", im->coarsen));
  PetscCall(PetscViewerASCIIPrintf(viewer, ", %" PetscInt_FMT " in the disc (NP %" PetscInt_FMT ", AF %" PetscInt_FMT ", CEP %" PetscInt_FMT "); world x [%g, %g], y [%g, %g], z [%g, %g] mm", mesh->nactive, im->cells[DS_REGION_NP],
                                   im->cells[DS_REGION_AF], im->cells[DS_REGION_CEP], (double)mesh->xf[0][0], (double)mesh->xf[0][mesh->n[0]], (double)mesh->xf[1][0], (double)mesh->xf[1][mesh->n[1]], (double)mesh->xf[2][0],
                                   (double)mesh->xf[2][mesh->n[2]]));
  PetscCall(DSMeshEndplateView(mesh, viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshImageDestroy(DSMesh mesh)
{
  PetscFunctionBeginUser;
  if (!mesh->image) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree(mesh->image->fine_region));
  PetscCall(PetscFree(mesh->image->region));
  PetscCall(PetscFree(mesh->image));
  PetscFunctionReturn(PETSC_SUCCESS);
}
