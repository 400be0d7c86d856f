/* The label-image mesh (-mesh_type image, mesh/dsmeshimage.c). The images are written here with
 * the NIfTI-1 header struct and fwrite (not libnifti's writer), from a labelling in world order
 * and an orientation (which world axis each file axis runs along, and which way), so the reader's
 * handling of the affine is checked against the standard's definition, x = A (i, j, k) + t:
 *  - the analytic 3D disc, labelled voxel by voxel from the 3D mesh's own regions and stored in
 *    three orientations (plain, flipped, permuted and flipped), gives the 3D mesh cell by cell
 *    (regions, volumes, centres, every face's kind, area and distances) and the same steady
 *    NP-centre values, minima and supply;
 *  - a small disc stored flipped, offset and in micrometres puts every labelled voxel's region
 *    at the voxel's world centre (the header's affine) and crops the background around it;
 *  - coarsening by 2 of an image made of 2x2x2 blocks gives the blocks, a last thinner block
 *    included, and region volumes equal to voxel counts x voxel volume;
 *  - bad images and keys are refused in DSMeshSetFromOptions, naming the key. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <nifti1.h>
#include "dstest.h"

typedef struct {
  PetscInt  n[3];     /* voxels per world axis */
  PetscReal h[3];     /* spacing per world axis, in the header's unit */
  PetscReal x0[3];    /* world centre of the first voxel along each axis, header unit */
  PetscInt  perm[3];  /* world axis of file axis a */
  PetscInt  sign[3];  /* +1: file axis a runs toward + of its world axis */
  int       datatype; /* DT_UINT8 unless a test says otherwise */
  int       units;    /* NIFTI_UNITS_MM unless ... */
  int       sform_code;
  double    shear;    /* > 0: an oblique affine (voxel axis i tilted toward world y) */
  int       dim4;     /* > 1: a 4D image */
  int       half;     /* float32 only: the first voxel holds its label + 0.5 */
  int       qform;    /* the qform instead of the sform (perm identity, sign[0] == sign[1]) */
} Layout;

static char tmpdir[64];

/* Writes labels L (world order, x fastest) stored in the layout's orientation. */
static void WriteImage(const char *path, const Layout *lay, const unsigned char *L)
{
  nifti_1_header hdr;
  int            dims[3];
  size_t         nvox = (size_t)lay->n[0] * lay->n[1] * lay->n[2], nb = lay->datatype == DT_FLOAT32 ? 4 : lay->datatype == DT_COMPLEX64 ? 8 : 1;
  unsigned char *data = calloc(nvox, nb);
  FILE          *f    = fopen(path, "wb");
  char           ext[4] = {0, 0, 0, 0};

  ck_assert_ptr_nonnull(f);
  memset(&hdr, 0, sizeof hdr);
  hdr.sizeof_hdr = 348;
  for (int a = 0; a < 3; a++) dims[a] = (int)lay->n[lay->perm[a]];
  hdr.dim[0] = lay->dim4 > 1 ? 4 : 3, hdr.dim[1] = dims[0], hdr.dim[2] = dims[1], hdr.dim[3] = dims[2], hdr.dim[4] = lay->dim4 > 1 ? lay->dim4 : 1;
  for (int d = 5; d < 8; d++) hdr.dim[d] = 1;
  hdr.datatype = lay->datatype ? lay->datatype : DT_UINT8, hdr.bitpix = (short)(8 * nb);
  hdr.vox_offset = 352, hdr.scl_slope = 1, hdr.xyzt_units = lay->units ? lay->units : NIFTI_UNITS_MM;
  hdr.sform_code = lay->sform_code, hdr.pixdim[0] = 1;
  for (int a = 0; a < 3; a++) {
    PetscInt w = lay->perm[a], first = lay->sign[a] > 0 ? 0 : lay->n[w] - 1;
    float   *row[3] = {hdr.srow_x, hdr.srow_y, hdr.srow_z};
    hdr.pixdim[a + 1] = (float)lay->h[w];
    row[w][a]         = (float)(lay->sign[a] * lay->h[w]);
    row[w][3]         = (float)(lay->x0[w] + first * lay->h[w]); /* file voxel 0's centre */
  }
  if (lay->shear > 0) hdr.srow_y[0] = (float)(lay->shear * hdr.pixdim[1]);
  if (lay->qform) { /* rotation by pi about z flips x and y (quaternion d = 1); qfac = -1 flips z */
    hdr.qform_code = 1, hdr.sform_code = 0;
    hdr.quatern_d  = lay->sign[0] < 0 ? 1 : 0;
    hdr.pixdim[0]  = (float)lay->sign[2];
    hdr.qoffset_x = hdr.srow_x[3], hdr.qoffset_y = hdr.srow_y[3], hdr.qoffset_z = hdr.srow_z[3];
  }
  memcpy(hdr.magic, "n+1", 4);
  for (int k = 0; k < dims[2]; k++)
    for (int j = 0; j < dims[1]; j++)
      for (int i = 0; i < dims[0]; i++) {
        int      ijk[3] = {i, j, k};
        PetscInt m[3];
        size_t   v = (size_t)i + (size_t)dims[0] * ((size_t)j + (size_t)dims[1] * k);
        for (int a = 0; a < 3; a++) m[lay->perm[a]] = lay->sign[a] > 0 ? ijk[a] : lay->n[lay->perm[a]] - 1 - ijk[a];
        unsigned char lab = L[m[0] + lay->n[0] * (m[1] + lay->n[1] * m[2])];
        if (hdr.datatype == DT_FLOAT32) ((float *)data)[v] = lab + (lay->half && v == 0 ? 0.5f : 0.0f);
        else data[v * nb] = lab;
      }
  ck_assert_int_eq(fwrite(&hdr, sizeof hdr, 1, f), 1);
  ck_assert_int_eq(fwrite(ext, 4, 1, f), 1);
  for (int t = 0; t < (lay->dim4 > 1 ? lay->dim4 : 1); t++) ck_assert_int_eq(fwrite(data, nb, nvox, f), nvox);
  fclose(f);
  free(data);
}

/* The analytic 3D disc used below: 2 x 2 x 1 mm voxels, uniform z cells (1 CEP cell each side). */
static const char *analytic_options = "-mesh_type 3d -mesh_nx 16 -mesh_ny 24 -mesh_nz 10 -mesh_semi_axis_ap 16 -mesh_semi_axis_lateral 24 -mesh_height 10 -mesh_cep_thickness 1";
static const Layout analytic_layout = {{16, 24, 10}, {2, 2, 1}, {-15, -23, 0.5}, {0, 1, 2}, {1, 1, 1}, 0, 0, 1, 0, 0, 0, 0};

/* The analytic mesh's regions in world order, written in the orientation perm/sign. */
static void WriteAnalytic(const char *path, DSMesh ref, const PetscInt perm[3], const PetscInt sign[3])
{
  Layout         lay = analytic_layout;
  unsigned char *L   = malloc(16 * 24 * 10);
  for (PetscInt k = 0; k < 10; k++)
    for (PetscInt j = 0; j < 24; j++)
      for (PetscInt i = 0; i < 16; i++) {
        DSRegion r;
        TestCall(DSMeshGetRegion(ref, i, j, k, &r));
        L[i + 16 * (j + 24 * k)] = (unsigned char)r; /* labels 1, 2, 3 = NP, AF, CEP */
      }
  for (int a = 0; a < 3; a++) lay.perm[a] = perm[a], lay.sign[a] = sign[a];
  WriteImage(path, &lay, L);
  free(L);
}

/* Cell by cell: regions, volumes, centres and every face; returns the sum of the boundary faces'
 * extra lengths (mm), so that a caller can see that endplate maps changed something */
static PetscReal CompareCells(DSMesh ref, DSMesh img)
{
  PetscInt  n[3], m[3], nact[2];
  PetscReal h_extra = 0;
  TestCall(DSMeshGetSizes(ref, n));
  TestCall(DSMeshGetSizes(img, m));
  for (int d = 0; d < 3; d++) ck_assert_int_eq(n[d], m[d]);
  TestCall(DSMeshGetNumActiveCells(ref, &nact[0]));
  TestCall(DSMeshGetNumActiveCells(img, &nact[1]));
  ck_assert_int_eq(nact[0], nact[1]);
  for (PetscInt k = 0; k < n[2]; k++)
    for (PetscInt j = 0; j < n[1]; j++)
      for (PetscInt i = 0; i < n[0]; i++) {
        DSCell a, b;
        TestCall(DSMeshGetCell(ref, i, j, k, &a));
        TestCall(DSMeshGetCell(img, i, j, k, &b));
        ck_assert_int_eq(a.region, b.region);
        if (a.region == DS_REGION_OUTSIDE) continue;
        ck_assert_double_eq_tol(a.volume, b.volume, 1e-12);
        for (int d = 0; d < 3; d++) ck_assert_double_eq_tol(a.x[d], b.x[d], 1e-12);
        for (int f = 0; f < 6; f++) {
          ck_assert_msg(a.face[f].kind == b.face[f].kind, "cell (%d %d %d) face %d: kind %d in the 3D mesh, %d in the image mesh", (int)i, (int)j, (int)k, f, a.face[f].kind, b.face[f].kind);
          ck_assert_double_eq_tol(a.face[f].area, b.face[f].area, 1e-12);
          ck_assert_double_eq_tol(a.face[f].h_self, b.face[f].h_self, 1e-12);
          ck_assert_double_eq_tol(a.face[f].h_nbr, b.face[f].h_nbr, 1e-12);
          ck_assert_double_eq_tol(a.face[f].h_extra, b.face[f].h_extra, 1e-12);
          if (a.face[f].kind == DS_FACE_INTERIOR) ck_assert_int_eq(a.face[f].nbr_region, b.face[f].nbr_region);
          else h_extra += a.face[f].h_extra;
        }
      }
  return h_extra;
}

START_TEST(analytic_disc_cell_by_cell)
{
  const PetscInt perms[3][3] = {{0, 1, 2}, {0, 1, 2}, {2, 0, 1}}, signs[3][3] = {{1, 1, 1}, {-1, -1, -1}, {-1, 1, -1}};
  DSMesh         ref         = DSTestCreateMesh(analytic_options);
  for (int o = 0; o < 3; o++) {
    char   path[512], opts[600];
    DSMesh img;
    snprintf(path, sizeof path, "%s/analytic%d.nii", tmpdir, o);
    WriteAnalytic(path, ref, perms[o], signs[o]);
    snprintf(opts, sizeof opts, "-mesh_type image -mesh_image_file %s", path);
    img = DSTestCreateMesh(opts);
    CompareCells(ref, img);
    PetscReal xr[3], xi[3];
    for (PetscInt r = DS_REGION_NP; r < DS_NUM_REGIONS; r += 2) { /* NP and CEP centres: the analytic points */
      TestCall(DSMeshGetRegionCentre(ref, (DSRegion)r, xr));
      TestCall(DSMeshGetRegionCentre(img, (DSRegion)r, xi));
      for (int d = 0; d < 3; d++) ck_assert_double_eq_tol(xr[d], xi[d], 1e-9);
    }
    TestCall(DSMeshDestroy(&img));
  }
  TestCall(DSMeshDestroy(&ref));
}
END_TEST

/* Area (mm^2) of the faces of kind 'kind' on the bottom endplate (face 4) */
static PetscReal BottomArea(DSMesh mesh, DSFaceKind kind)
{
  PetscInt  n[3];
  PetscReal A = 0;
  TestCall(DSMeshGetSizes(mesh, n));
  for (PetscInt k = 0; k < n[2]; k++)
    for (PetscInt j = 0; j < n[1]; j++)
      for (PetscInt i = 0; i < n[0]; i++) {
        DSCell c;
        TestCall(DSMeshGetCell(mesh, i, j, k, &c));
        if (c.region != DS_REGION_OUTSIDE && c.face[4].kind == kind) A += c.face[4].area;
      }
  return A;
}

/* Endplate maps on an image mesh: a calcified ellipse patch (world coordinates) and a reduced AF
 * supply give the analytic mesh's faces (kind and extra length, the CEP column 1 mm) cell by cell;
 * an open central disc of half the CEP's elliptic radius, measured in the ellipse of the image's
 * supply faces, opens the analytic mesh's area within the voxels' error (1/4 of the CEP area). */
START_TEST(endplate_maps_on_images)
{
  const char *patch = "-endplate_patch1_shape ellipse -endplate_patch1_centre 3,-5 -endplate_patch1_radius 6 -endplate_patch1_factor 0.5 -endplate_patch1_side bottom -endplate_af_outer_factor 0.25";
  const PetscInt perm[3] = {0, 1, 2}, sign[3] = {1, 1, 1};
  char        path[512], opts[1200];
  DSMesh      ref, img;
  PetscReal   hsum, open[2], all;

  ref = DSTestCreateMesh(analytic_options);
  snprintf(path, sizeof path, "%s/maps.nii", tmpdir);
  WriteAnalytic(path, ref, perm, sign);
  TestCall(DSMeshDestroy(&ref));
  snprintf(opts, sizeof opts, "%s %s", analytic_options, patch);
  ref = DSTestCreateMesh(opts);
  snprintf(opts, sizeof opts, "-mesh_type image -mesh_image_file %s %s", path, patch);
  img = DSTestCreateMesh(opts);
  hsum = CompareCells(ref, img);
  ck_assert_msg(hsum > 10, "the patch and the AF factor changed no face (sum of extra lengths %g mm)", (double)hsum);
  TestCall(DSMeshDestroy(&ref));
  TestCall(DSMeshDestroy(&img));

  snprintf(opts, sizeof opts, "-mesh_type image -mesh_image_file %s", path);
  img = DSTestCreateMesh(opts);
  all = BottomArea(img, DS_BOUNDARY_VERTEBRA);
  TestCall(DSMeshDestroy(&img));
  snprintf(opts, sizeof opts, "%s -endplate_open_outer 0.5", analytic_options);
  ref     = DSTestCreateMesh(opts);
  open[0] = BottomArea(ref, DS_BOUNDARY_VERTEBRA);
  snprintf(opts, sizeof opts, "-mesh_type image -mesh_image_file %s -endplate_open_outer 0.5", path);
  img     = DSTestCreateMesh(opts);
  open[1] = BottomArea(img, DS_BOUNDARY_VERTEBRA);
  printf("endplate open to 0.5 of the CEP radius: open area %g mm^2 (analytic mesh %g mm^2) of %g mm^2 (ratio %.3f, continuum 0.25)\n", (double)open[1], (double)open[0], (double)all, (double)(open[1] / all));
  ck_assert_msg(PetscAbsReal(open[1] - open[0]) <= 0.15 * open[0] && PetscAbsReal(open[1] / all - 0.25) < 0.06, "open area %g mm^2 on the image mesh, %g on the analytic one, ratio %g to all", (double)open[1], (double)open[0], (double)(open[1] / all));
  TestCall(DSMeshDestroy(&ref));
  TestCall(DSMeshDestroy(&img));
}
END_TEST

/* The same disc through the whole program (nutrient model, steady state): same key figures. */
START_TEST(analytic_disc_steady_state)
{
  const PetscInt perm[3] = {0, 1, 2}, sign[3] = {-1, 1, -1};
  const char    *cols[]  = {"pO2_NP_centre", "glucose_NP_centre", "lactate_NP_centre", "glucose_min", "pO2_min", "glucose_influx", "oxygen_influx"};
  char           path[512], opts[2400], header[2][8192], row[2][8192], csv[2][512];
  DSMesh         ref     = DSTestCreateMesh(analytic_options);

  snprintf(path, sizeof path, "%s/analytic_steady.nii", tmpdir);
  WriteAnalytic(path, ref, perm, sign);
  TestCall(DSMeshDestroy(&ref));
  for (int m = 0; m < 2; m++) {
    snprintf(csv[m], sizeof csv[m], "%s/run%d.csv", tmpdir, m);
    snprintf(opts, sizeof opts, "%s%s -model nutrient -time_final 2000 -time_steady -time_steady_tol 1e-8 -quiet -output_file %s/run%d.exo -output_csv %s", m ? "-mesh_type image -mesh_image_file " : analytic_options,
             m ? path : "", tmpdir, m, csv[m]);
    TestCall(DSTestRunProgram(opts, csv[m], header[m], sizeof header[m], row[m], sizeof row[m]));
  }
  for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
    PetscReal a = DSTestCSVValue(header[0], row[0], cols[c]), b = DSTestCSVValue(header[1], row[1], cols[c]);
    ck_assert_msg(PetscIsNormalReal(a) && PetscIsNormalReal(b), "%s: %g and %g", cols[c], (double)a, (double)b);
    ck_assert_msg(PetscAbsReal(a - b) <= 1e-10 * PetscAbsReal(a), "%s: %.15g (3D mesh) vs %.15g (image)", cols[c], (double)a, (double)b);
  }
}
END_TEST

/* A 6 x 5 x 4 block disc (CEP top and bottom, NP in the middle, AF around) in a one-voxel
 * background margin: 8 x 7 x 6 voxels. */
static void BlockDisc(unsigned char L[8 * 7 * 6])
{
  for (int k = 0; k < 6; k++)
    for (int j = 0; j < 7; j++)
      for (int i = 0; i < 8; i++) {
        unsigned char lab = 0;
        if (i >= 1 && i <= 6 && j >= 1 && j <= 5 && k >= 1 && k <= 4) lab = (k == 1 || k == 4) ? 3 : (i >= 3 && i <= 4 && j >= 2 && j <= 4) ? 1 : 2;
        L[i + 8 * (j + 7 * k)] = lab;
      }
}

/* Every voxel's world centre (x0 + m h, in the header's unit times 'scale' mm) carries its label. */
static void CheckWorldPositions(const Layout *lay, PetscReal scale, const char *name)
{
  unsigned char    L[8 * 7 * 6];
  char             path[512], opts[600];
  DSMesh           mesh;
  const PetscReal *xf;
  PetscInt         n[3];

  BlockDisc(L);
  snprintf(path, sizeof path, "%s/%s.nii", tmpdir, name);
  WriteImage(path, lay, L);
  snprintf(opts, sizeof opts, "-mesh_type image -mesh_image_file %s", path);
  mesh = DSTestCreateMesh(opts);
  TestCall(DSMeshGetSizes(mesh, n));
  ck_assert_int_eq(n[0], 6);
  ck_assert_int_eq(n[1], 5);
  ck_assert_int_eq(n[2], 4); /* cropped to the disc */
  for (int d = 0; d < 3; d++) { /* the grid starts at the low face of the disc's first voxel */
    TestCall(DSMeshGetFaceCoordinates(mesh, d, &xf));
    ck_assert_double_eq_tol(xf[0], scale * (lay->x0[d] + lay->h[d] - 0.5 * lay->h[d]), 1e-9);
    ck_assert_double_eq_tol(xf[n[d]], scale * (lay->x0[d] + (lay->n[d] - 2) * lay->h[d] + 0.5 * lay->h[d]), 1e-9);
  }
  for (int k = 0; k < 6; k++)
    for (int j = 0; j < 7; j++)
      for (int i = 0; i < 8; i++) {
        PetscReal x[3] = {scale * (lay->x0[0] + i * lay->h[0]), scale * (lay->x0[1] + j * lay->h[1]), scale * (lay->x0[2] + k * lay->h[2])};
        DSRegion  r;
        TestCall(DSMeshGetRegionAtPoint(mesh, x, &r));
        ck_assert_msg((int)r == L[i + 8 * (j + 7 * k)], "%s: voxel (%d %d %d) has region %d, label %d", name, i, j, k, (int)r, L[i + 8 * (j + 7 * k)]);
      }
  TestCall(DSMeshDestroy(&mesh));
}

START_TEST(offset_flip_and_units)
{
  /* sform, micrometres: spacing 0.5 x 0.8 x 0.25 mm, first voxel centre at (100, -50, 30) mm, permuted and flipped */
  const Layout um = {{8, 7, 6}, {500, 800, 250}, {100000, -50000, 30000}, {1, 2, 0}, {-1, 1, -1}, 0, NIFTI_UNITS_MICRON, 2, 0, 0, 0, 0};
  /* qform (sform_code 0), mm: all three axes flipped by the quaternion and qfac */
  const Layout q = {{8, 7, 6}, {1, 2, 0.5}, {10, 20, 30}, {0, 1, 2}, {-1, -1, -1}, 0, 0, 0, 0, 0, 0, 1};
  CheckWorldPositions(&um, 1e-3, "micrometres");
  CheckWorldPositions(&q, 1, "qform");
}
END_TEST

/* What each surface faces decides its kind: holes in the top CEP over the NP and over the AF
 * (background above an NP cell: supply; above an AF cell: bone), sides: soft tissue. */
START_TEST(boundary_kinds)
{
  const Layout  lay = {{8, 7, 6}, {1, 1, 1}, {0, 0, 0}, {0, 1, 2}, {1, 1, 1}, 0, 0, 1, 0, 0, 0, 0};
  unsigned char L[8 * 7 * 6];
  char          path[512], opts[600];
  DSMesh        mesh;
  DSCell        c;

  BlockDisc(L);
  L[3 + 8 * (3 + 7 * 4)] = 0, L[1 + 8 * (1 + 7 * 4)] = 0; /* holes in the top CEP */
  snprintf(path, sizeof path, "%s/holes.nii", tmpdir);
  WriteImage(path, &lay, L);
  snprintf(opts, sizeof opts, "-mesh_type image -mesh_image_file %s", path);
  mesh = DSTestCreateMesh(opts);
  /* cropped by one voxel: image voxel (i, j, k) is cell (i - 1, j - 1, k - 1) */
  TestCall(DSMeshGetCell(mesh, 2, 2, 2, &c)); /* NP under the hole */
  ck_assert_int_eq(c.region, DS_REGION_NP);
  ck_assert_int_eq(c.face[5].kind, DS_BOUNDARY_VERTEBRA);
  TestCall(DSMeshGetCell(mesh, 0, 0, 2, &c)); /* AF under the other hole, at the disc's corner */
  ck_assert_int_eq(c.region, DS_REGION_AF);
  ck_assert_int_eq(c.face[5].kind, DS_BOUNDARY_BONE);
  ck_assert_int_eq(c.face[0].kind, DS_BOUNDARY_AF_OUTER);
  ck_assert_int_eq(c.face[2].kind, DS_BOUNDARY_AF_OUTER);
  TestCall(DSMeshGetCell(mesh, 5, 4, 0, &c)); /* bottom CEP corner: vertebra below, soft tissue beside */
  ck_assert_int_eq(c.region, DS_REGION_CEP);
  ck_assert_int_eq(c.face[4].kind, DS_BOUNDARY_VERTEBRA);
  ck_assert_int_eq(c.face[1].kind, DS_BOUNDARY_AF_OUTER);
  ck_assert_int_eq(c.face[3].kind, DS_BOUNDARY_AF_OUTER);
  ck_assert_int_eq(c.face[5].kind, DS_FACE_INTERIOR);
  TestCall(DSMeshDestroy(&mesh));
}
END_TEST

/* Blocks of 2 x 2 x 2 voxels of a coarse labelling, plus one more voxel layer in x: coarsening
 * by 2 gives the coarse labelling (the last x cell one voxel wide) and the voxel volumes. */
START_TEST(coarsening_by_two)
{
  Layout         lay = {{13, 10, 8}, {0.5, 0.5, 0.25}, {0, 0, 0}, {0, 1, 2}, {1, 1, 1}, 0, 0, 1, 0, 0, 0, 0};
  unsigned char  L[13 * 10 * 8], C[7 * 5 * 4];
  PetscReal      vox[DS_NUM_REGIONS] = {0}, vol[DS_NUM_REGIONS] = {0};
  char           path[512], opts[600];
  DSMesh         mesh;
  PetscInt       n[3];

  for (int ck = 0; ck < 4; ck++)
    for (int cj = 0; cj < 5; cj++)
      for (int ci = 0; ci < 7; ci++) C[ci + 7 * (cj + 5 * ck)] = (ck == 0 || ck == 3) ? 3 : ((ci + cj) % 3 == 0 ? 1 : 2);
  for (int k = 0; k < 8; k++)
    for (int j = 0; j < 10; j++)
      for (int i = 0; i < 13; i++) {
        L[i + 13 * (j + 10 * k)] = C[i / 2 + 7 * (j / 2 + 5 * (k / 2))];
        vox[L[i + 13 * (j + 10 * k)]] += 0.5 * 0.5 * 0.25;
      }
  snprintf(path, sizeof path, "%s/blocks.nii", tmpdir);
  WriteImage(path, &lay, L);
  snprintf(opts, sizeof opts, "-mesh_type image -mesh_image_file %s -mesh_image_coarsen 2", path);
  mesh = DSTestCreateMesh(opts);
  TestCall(DSMeshGetSizes(mesh, n));
  ck_assert_int_eq(n[0], 7);
  ck_assert_int_eq(n[1], 5);
  ck_assert_int_eq(n[2], 4);
  for (PetscInt ck = 0; ck < 4; ck++)
    for (PetscInt cj = 0; cj < 5; cj++)
      for (PetscInt ci = 0; ci < 7; ci++) {
        DSCell c;
        TestCall(DSMeshGetCell(mesh, ci, cj, ck, &c));
        ck_assert_int_eq(c.region, C[ci + 7 * (cj + 5 * ck)]);
        ck_assert_double_eq_tol(c.volume, (ci == 6 ? 0.5 : 1.0) * 0.5 * 0.25 * 2 * 2, 1e-14);
        vol[c.region] += c.volume;
      }
  for (int r = 1; r < DS_NUM_REGIONS; r++) ck_assert_double_eq_tol(vol[r], vox[r], 1e-12);
  TestCall(DSMeshDestroy(&mesh));
}
END_TEST

static char last_error[2048];

static PetscErrorCode CaptureError(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL && mess) snprintf(last_error, sizeof last_error, "%s", mess);
  return n;
}

/* options (after -mesh_type image) -> an error in DSMeshSetFromOptions whose message names 'key' */
static void ExpectRefused(const char *options, const char *key)
{
  PetscErrorCode ierr;
  char           opts[1024];

  snprintf(opts, sizeof opts, "-mesh_type image %s", options);
  last_error[0] = 0;
  ierr = DSTestMeshOptionsError(opts, CaptureError);
  ck_assert_msg(ierr != 0, "%s: accepted", options);
  ck_assert_msg(strstr(last_error, key) != NULL, "%s: message '%s' does not name %s", options, last_error, key);
}

START_TEST(bad_images_are_refused)
{
  unsigned char L[8 * 7 * 6];
  char          path[10][128], opts[1024], text[128];
  const Layout  base = {{8, 7, 6}, {1, 1, 1}, {0, 0, 0}, {0, 1, 2}, {1, 1, 1}, 0, 0, 1, 0, 0, 0, 0};
  Layout        lay[6];
  FILE         *f;

  BlockDisc(L);
  for (int b = 0; b < 6; b++) lay[b] = base;
  lay[0].datatype = DT_COMPLEX64;           /* unsupported data type */
  lay[1].shear    = 0.2;                    /* oblique */
  lay[2].sform_code = 0;                    /* no orientation */
  lay[3].units    = NIFTI_UNITS_SEC;        /* no spatial unit (only time) */
  lay[4].datatype = DT_FLOAT32, lay[4].half = 1; /* a label 0.5 */
  lay[5].dim4     = 2;                      /* 4D */
  for (int b = 0; b < 6; b++) {
    snprintf(path[b], sizeof path[b], "%s/bad%d.nii", tmpdir, b);
    WriteImage(path[b], &lay[b], L);
    snprintf(opts, sizeof opts, "-mesh_image_file %.127s", path[b]);
    ExpectRefused(opts, "-mesh_image_file");
  }
  snprintf(text, sizeof text, "%s/not_nifti.nii", tmpdir);
  f = fopen(text, "w");
  fprintf(f, "mesh:\n  type: image\n");
  fclose(f);
  snprintf(opts, sizeof opts, "-mesh_image_file %s", text);
  ExpectRefused(opts, "-mesh_image_file");
  snprintf(opts, sizeof opts, "-mesh_image_file %s/missing.nii", tmpdir);
  ExpectRefused(opts, "-mesh_image_file");
  ExpectRefused("", "-mesh_image_file");
  snprintf(path[6], sizeof path[6], "%s/good.nii", tmpdir);
  WriteImage(path[6], &base, L);
  snprintf(opts, sizeof opts, "-mesh_image_file %s -mesh_image_cep 7", path[6]); /* label absent */
  ExpectRefused(opts, "-mesh_image_cep");
  snprintf(opts, sizeof opts, "-mesh_image_file %s -mesh_image_af 1", path[6]); /* two regions, one label */
  ExpectRefused(opts, "-mesh_image_af");
  snprintf(opts, sizeof opts, "-mesh_image_file %s -mesh_image_np -1", path[6]);
  ExpectRefused(opts, "-mesh_image_np");
  snprintf(opts, sizeof opts, "-mesh_image_file %s -mesh_image_coarsen 17", path[6]);
  ExpectRefused(opts, "-mesh_image_coarsen");
  {
    Layout        tall = base;
    unsigned char T[8 * 7 * 12], N[8 * 7 * 6];
    tall.n[2] = 12;
    for (int k = 0; k < 12; k++) /* ten layers, one-voxel CEPs: blocks of 5 leave no CEP */
      for (int j = 0; j < 7; j++)
        for (int i = 0; i < 8; i++) T[i + 8 * (j + 7 * k)] = (k < 1 || k > 10 || i < 1 || i > 6 || j < 1 || j > 5) ? 0 : (k == 1 || k == 10) ? 3 : (i == 3 && j == 3) ? 1 : 2;
    snprintf(path[7], sizeof path[7], "%s/tall.nii", tmpdir);
    WriteImage(path[7], &tall, T);
    snprintf(opts, sizeof opts, "-mesh_image_file %s -mesh_image_coarsen 5", path[7]);
    ExpectRefused(opts, "-mesh_image_coarsen");
    for (int v = 0; v < 8 * 7 * 6; v++) N[v] = L[v] == 3 ? 2 : L[v]; /* endplates under an AF lid: no supply */
    for (int j = 2; j <= 4; j++)
      for (int i = 2; i <= 5; i++) N[i + 8 * (j + 7 * 2)] = 3;
    snprintf(path[8], sizeof path[8], "%s/lid.nii", tmpdir);
    WriteImage(path[8], &base, N);
    snprintf(opts, sizeof opts, "-mesh_image_file %s", path[8]);
    ExpectRefused(opts, "-mesh_image_cep");
  }
}
END_TEST

/* A header of dims[0] x dims[1] x dims[2] uint8 voxels and no voxel data: the size must be refused
 * from the header alone (a loader that read on would report a truncated file instead). */
static void WriteHeaderOnly(const char *path, const int dims[3])
{
  nifti_1_header hdr;
  FILE          *f      = fopen(path, "wb");
  char           ext[4] = {0, 0, 0, 0};

  ck_assert_ptr_nonnull(f);
  memset(&hdr, 0, sizeof hdr);
  hdr.sizeof_hdr = 348;
  hdr.dim[0]     = 3;
  for (int d = 1; d < 8; d++) hdr.dim[d] = (short)(d <= 3 ? dims[d - 1] : 1);
  hdr.datatype = DT_UINT8, hdr.bitpix = 8, hdr.vox_offset = 352, hdr.scl_slope = 1, hdr.xyzt_units = NIFTI_UNITS_MM;
  hdr.sform_code = 1, hdr.pixdim[0] = 1, hdr.pixdim[1] = hdr.pixdim[2] = hdr.pixdim[3] = 0.1f;
  hdr.srow_x[0] = hdr.srow_y[1] = hdr.srow_z[2] = 0.1f;
  memcpy(hdr.magic, "n+1", 4);
  ck_assert_int_eq(fwrite(&hdr, sizeof hdr, 1, f), 1);
  ck_assert_int_eq(fwrite(ext, 4, 1, f), 1);
  fclose(f);
}

/* Huge dimensions are refused from the header, naming the limit, before any voxel is read or any
 * array allocated: 32767^3 (NIfTI-1's largest dimensions, 3.5e13 voxels) and 2^27 + 1 voxels
 * (one more than the limit, 2^27 = 134217728, doc/meshes.md); the data are not in the files. */
START_TEST(huge_images_are_refused)
{
  const int dims[2][3] = {{32767, 32767, 32767}, {8193, 128, 128}}; /* 8193 * 128 * 128 = 2^27 + 16384 */
  char      path[128], opts[256];

  for (int c = 0; c < 2; c++) {
    snprintf(path, sizeof path, "%s/huge%d.nii", tmpdir, c);
    WriteHeaderOnly(path, dims[c]);
    snprintf(opts, sizeof opts, "-mesh_image_file %s", path);
    ExpectRefused(opts, "-mesh_image_file");
    ck_assert_msg(strstr(last_error, "allowed at most 134217728") != NULL, "%d x %d x %d: message '%s' does not name the limit", dims[c][0], dims[c][1], dims[c][2], last_error);
  }
}
END_TEST

static int MakeTmpdir(void)
{
  snprintf(tmpdir, sizeof tmpdir, "/tmp/discsim_test_image_XXXXXX");
  return mkdtemp(tmpdir) ? 0 : 1;
}

Suite *ImageSuite(void)
{
  Suite *s  = suite_create("image");
  TCase *tc = tcase_create("label image");
  tcase_add_test(tc, analytic_disc_cell_by_cell);
  tcase_add_test(tc, analytic_disc_steady_state);
  tcase_add_test(tc, offset_flip_and_units);
  tcase_add_test(tc, boundary_kinds);
  tcase_add_test(tc, coarsening_by_two);
  tcase_add_test(tc, bad_images_are_refused);
  tcase_add_test(tc, endplate_maps_on_images);
  tcase_add_test(tc, huge_images_are_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv)
{
  int rc;
  if (MakeTmpdir()) return 1;
  rc = DSTestRun(argc, argv, ImageSuite());
  if (!rc) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd)) rc = 1;
  }
  return rc;
}
