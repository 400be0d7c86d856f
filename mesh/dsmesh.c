#include "dsmeshimpl.h"
#include "dsoptions.h"
#include "dsgrade.h"
#include <math.h>

const char *const DSMeshTypes[] = {"slab", "axisymmetric", "3d", "well_mixed", "image", "DSMeshType", "DS_MESH_", NULL};
const char *const        DSMeshGradePointsR[] = {"axis", "np", "rim", "outer", "DSMeshGradePointR", "DS_GRADE_R_", NULL};
const char *const        DSMeshGradePointsZ[] = {"vertebra", "cep", "DSMeshGradePointZ", "DS_GRADE_Z_", NULL};
static const char *const DSWellMixedRegions[] = {"outside", "NP", "AF", "CEP", "DSRegion", "DS_REGION_", NULL};

/* Defaults for an adult human lumbar disc; sources in doc/parameters.md. */
static const DSParam default_geometry[DS_GEOM_N] = {
  [DS_GEOM_HEIGHT]        = {"mesh_height", "mm", "disc height (vertebra to vertebra)", 11.0, 0.5, 40, PETSC_FALSE, "MRI adults 40-59 y: 10-14 mm", PETSC_FALSE, PETSC_FALSE, .plausible = {DS_DIST_UNIFORM, 10, 14, 0, "MRI adults 40-59 y", PETSC_FALSE}},
  [DS_GEOM_RADIUS]        = {"mesh_radius", "mm", "outer radius of the axisymmetric disc", 20.0, 1, 60, PETSC_FALSE, "area-equivalent circle of a 33 x 50 mm L4/5 disc", PETSC_FALSE, PETSC_FALSE},
  [DS_GEOM_SEMI_AP]       = {"mesh_semi_axis_ap", "mm", "antero-posterior semi-axis of the 3D disc (x)", 16.5, 1, 60, PETSC_FALSE, "L4/5 AP length 33.1 mm (MRI)", PETSC_FALSE, PETSC_FALSE},
  [DS_GEOM_SEMI_LAT]      = {"mesh_semi_axis_lateral", "mm", "lateral semi-axis of the 3D disc (y)", 25.0, 1, 60, PETSC_FALSE, "lateral width 45-55 mm (anatomy texts)", PETSC_FALSE, PETSC_FALSE},
  [DS_GEOM_NP_FRACTION]   = {"mesh_np_fraction", "1", "NP radius (or semi-axes) as a fraction of the disc's", 0.64, 0.05, 0.95, PETSC_FALSE, "NP share of AP length, L4/5 (MRI)", PETSC_FALSE, PETSC_FALSE, .plausible = {DS_DIST_UNIFORM, 0.64, 0.72, 0, "MRI, Medicine 2014: L4/5 to L5/S1", PETSC_FALSE}},
  [DS_GEOM_CEP_THICKNESS] = {"mesh_cep_thickness", "mm", "cartilage endplate thickness; 0 for none", 0.6, 0, 5, PETSC_FALSE, "DeLucca 2016: 0.3-1.0 mm", PETSC_FALSE, PETSC_FALSE, .plausible = {DS_DIST_UNIFORM, 0.3, 1.0, 0, "DeLucca 2016", PETSC_FALSE}},
  [DS_GEOM_CEP_FRACTION]  = {"mesh_cep_fraction", "1", "radial extent of the CEP as a fraction of the disc radius (>= NP fraction)", 0.8, 0.05, 1, PETSC_FALSE, "covers NP and inner AF", PETSC_TRUE, PETSC_FALSE},
};

/* The height per Pfirrmann grade (-disc_grade, common/dsgrade.h; sources in doc/biology.md): normal
 * for grades 1-2, -2.3 % and -9.3 % (the mild and moderate discs of Zhu 2017) for grades 3-4,
 * collapsed to half for grade 5. */
static const DSGradeRow mesh_grade_rows[] = {
  {"height", "mm", {11.0, 11.0, 10.747, 9.977, 5.5}, "Pfirrmann 2001 (normal, normal, slightly / moderately decreased, collapsed); Salamat 2016; -2.3 %, -9.3 %: Zhu 2017", PETSC_TRUE},
};

PetscErrorCode DSMeshCreate(MPI_Comm comm, DSMesh *mesh)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(mesh));
  (*mesh)->comm = comm;
  (*mesh)->type = DS_MESH_AXISYMMETRIC;
  PetscCall(PetscArraycpy((*mesh)->geom, default_geometry, DS_GEOM_N));
  (*mesh)->n[0] = 100;
  (*mesh)->n[1] = 50;
  (*mesh)->n[2] = 1;
  (*mesh)->well_mixed_region = DS_REGION_NP;
  (*mesh)->grade_ratio[0] = (*mesh)->grade_ratio[1] = 1;
  (*mesh)->grade_toward[0] = 1 << DS_GRADE_R_RIM;
  (*mesh)->grade_toward[1] = 1 << DS_GRADE_Z_VERTEBRA;
  PetscCall(DSMeshEndplateSetDefaults(*mesh));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshSetType(DSMesh mesh, DSMeshType type)
{
  PetscFunctionBeginUser;
  mesh->type = type;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSMeshDefaultSizes(DSMesh mesh)
{
  PetscFunctionBeginUser;
  switch (mesh->type) {
  case DS_MESH_SLAB: mesh->n[0] = 100, mesh->n[1] = mesh->n[2] = 1; break;
  case DS_MESH_WELL_MIXED: mesh->n[0] = mesh->n[1] = mesh->n[2] = 1; break;
  case DS_MESH_AXISYMMETRIC: mesh->n[0] = 100, mesh->n[1] = 50, mesh->n[2] = 1; break;
  case DS_MESH_3D: mesh->n[0] = 40, mesh->n[1] = 60, mesh->n[2] = 20; break;
  case DS_MESH_IMAGE: break; /* the image's */
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSMeshOptionsInt(PetscOptionItems *PetscOptionsObject, const char *key, const char *help, PetscInt *value)
{
  char opt[64];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s", key));
  PetscCall(DSOptionsCheckInt(opt, 3, 4096)); /* before PETSc, which would wrap 2^32 + 3 to 3 */
  PetscCall(PetscOptionsInt(opt, help, NULL, *value, value, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The names of the points in a grading mask, comma-separated; and the mask of such a list
 * (already checked by DSOptionsCheckChoiceList, which writes the names in canonical form). */
static PetscErrorCode DSMeshGradeNames(PetscInt g, PetscInt mask, char text[], size_t len, PetscInt *parsed)
{
  const char *const *points  = g ? DSMeshGradePointsZ : DSMeshGradePointsR;
  PetscInt           npoints = g ? 2 : 4, n = 0;
  char               copy[256], *save = NULL;

  PetscFunctionBeginUser;
  if (parsed) {
    PetscCall(PetscStrncpy(copy, text, sizeof copy));
    *parsed = 0;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save))
      for (PetscInt p = 0; p < npoints; p++) {
        PetscBool eq;
        PetscCall(PetscStrcasecmp(item, points[p], &eq));
        if (eq) *parsed |= 1 << p;
      }
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  text[0] = 0;
  for (PetscInt p = 0; p < npoints; p++) {
    if (!(mask & (1 << p))) continue;
    PetscCall(PetscStrlcat(text, n++ ? "," : "", len));
    PetscCall(PetscStrlcat(text, points[p], len));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -mesh_grade_<dir> RATIO and -mesh_grade_<dir>_toward POINTS for physical direction g (0: r, 1: z) */
static PetscErrorCode DSMeshReadGrading(DSMesh mesh, PetscOptionItems *PetscOptionsObject, PetscInt g)
{
  const char *dir = g ? "z" : "r";
  PetscBool   set;
  char        key[64], help[256], names[256], dflt[256];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(key, sizeof key, "-mesh_grade_%s", dir));
  PetscCall(DSOptionsCheckReal(key, "1")); /* here, not before the type is known: a check marks the key used */
  PetscCall(PetscSNPrintf(help, sizeof help, "ratio [1] of the widest to the narrowest cell %s, cells growing geometrically away from the -mesh_grade_%s_toward points; 1: uniform; allowed [1, 100]", g ? "through the height" : "along the radius", dir));
  PetscCall(PetscOptionsReal(key, help, NULL, mesh->grade_ratio[g], &mesh->grade_ratio[g], NULL));
  PetscCheck(mesh->grade_ratio[g] >= 1 && mesh->grade_ratio[g] <= 100, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "input %s = %g is out of range: allowed [1, 100] (the ratio of the widest to the narrowest cell; 1: uniform)", key, (double)mesh->grade_ratio[g]);
  PetscCall(PetscStrlcat(key, "_toward", sizeof key));
  PetscCall(DSOptionsCheckChoiceList(key, g ? 2 : 4, g ? DSMeshGradePointsZ : DSMeshGradePointsR));
  PetscCall(PetscSNPrintf(help, sizeof help, "points [-] the %s grid lines cluster toward, comma-separated: %s", g ? "height" : "radial", g ? "vertebra (z = 0, H), cep (z = t, H - t)" : "axis, np (NP/AF), rim (edge of the CEP and of the open endplate annulus), outer"));
  PetscCall(DSMeshGradeNames(g, mesh->grade_toward[g], dflt, sizeof dflt, NULL));
  PetscCall(PetscOptionsString(key, help, NULL, dflt, names, sizeof names, &set));
  if (set) PetscCall(DSMeshGradeNames(g, 0, names, sizeof names, &mesh->grade_toward[g]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -disc_grade: the height of the grade, unless -mesh_height is given (the models read the same key
 * for their own values) */
static PetscErrorCode DSMeshReadGrade(DSMesh mesh, PetscOptionItems *PetscOptionsObject)
{
  PetscFunctionBeginUser;
  PetscCall(DSGradeGet(&mesh->disc_grade)); /* range check first: PETSc would read any integer */
  PetscCall(PetscOptionsInt(DS_GRADE_KEY, "degeneration grade [1] 1-5 (Pfirrmann 2001; 0: none): a preset of height, water content and viable cells (doc/biology.md); given keys win", NULL, mesh->disc_grade, &mesh->disc_grade, NULL));
  mesh->grade_note[0] = 0;
  if (!mesh->geom[DS_GEOM_HEIGHT].set) mesh->geom[DS_GEOM_HEIGHT].value = default_geometry[DS_GEOM_HEIGHT].value; /* not a previous grade's */
  if (!mesh->disc_grade) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DSGradeApply(mesh->disc_grade, "mesh_", PETSC_STATIC_ARRAY_LENGTH(mesh_grade_rows), mesh_grade_rows, DS_GEOM_N, mesh->geom, mesh->grade_note, sizeof mesh->grade_note));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSMeshReadOptions(DSMesh mesh, PetscOptionItems *PetscOptionsObject)
{
  PetscEnum type = (PetscEnum)mesh->type;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsEnum("-mesh_type", "slab (1D through the height), axisymmetric (r, z), 3d (elliptical voxels) or image (voxels of a NIfTI label image)", NULL, DSMeshTypes, type, &type, &set));
  mesh->type = (DSMeshType)type;
  if (set) PetscCall(DSMeshDefaultSizes(mesh));
  switch (mesh->type) {
  case DS_MESH_SLAB: PetscCall(DSMeshOptionsInt(PetscOptionsObject, "mesh_nz", "cells through the height [1]", &mesh->n[0])); break;
  case DS_MESH_WELL_MIXED: {
    PetscEnum r = (PetscEnum)mesh->well_mixed_region;
    PetscCall(PetscOptionsEnum("-mesh_well_mixed_region", "region of the well-mixed cell: NP, AF or CEP", NULL, DSWellMixedRegions, r, &r, NULL));
    PetscCheck(r != (PetscEnum)DS_REGION_OUTSIDE, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -mesh_well_mixed_region = outside is not allowed: NP, AF or CEP");
    mesh->well_mixed_region = (DSRegion)r;
  } break;
  case DS_MESH_AXISYMMETRIC:
    PetscCall(DSMeshOptionsInt(PetscOptionsObject, "mesh_nr", "cells along the radius [1]", &mesh->n[0]));
    PetscCall(DSMeshOptionsInt(PetscOptionsObject, "mesh_nz", "cells through the height [1]", &mesh->n[1]));
    break;
  case DS_MESH_3D:
    PetscCall(DSMeshOptionsInt(PetscOptionsObject, "mesh_nx", "cells along the AP axis [1]", &mesh->n[0]));
    PetscCall(DSMeshOptionsInt(PetscOptionsObject, "mesh_ny", "cells along the lateral axis [1]", &mesh->n[1]));
    PetscCall(DSMeshOptionsInt(PetscOptionsObject, "mesh_nz", "cells through the height [1]", &mesh->n[2]));
    break;
  case DS_MESH_IMAGE: /* the geometry is the image's: no grading, no shape parameters; endplate maps as on the other meshes */
    PetscCall(DSMeshImageReadOptions(mesh, PetscOptionsObject));
    PetscCall(DSMeshEndplateReadOptions(mesh, PetscOptionsObject));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (mesh->type == DS_MESH_AXISYMMETRIC) PetscCall(DSMeshReadGrading(mesh, PetscOptionsObject, 0));
  if (mesh->type != DS_MESH_WELL_MIXED) PetscCall(DSMeshReadGrading(mesh, PetscOptionsObject, 1));
  PetscCall(DSParamsSetFromOptions(PetscOptionsObject, DS_GEOM_N, mesh->geom));
  PetscCall(DSMeshReadGrade(mesh, PetscOptionsObject));
  PetscCall(DSMeshEndplateReadOptions(mesh, PetscOptionsObject));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshSetFromOptions(DSMesh mesh)
{
  PetscFunctionBeginUser;
  PetscCall(DSOptionsCheckChoice("-mesh_type", 5, DSMeshTypes)); /* PETSc 3.18 leaks its lists on an unknown enum value */
  PetscCall(DSOptionsCheckChoice("-mesh_well_mixed_region", 3, DSWellMixedRegions + 1));
  DSOptionsBlock(mesh->comm, "Disc mesh (mesh/)", DSMeshReadOptions(mesh, PetscOptionsObject));
  {
    const DSParam *g = mesh->geom;
    PetscCheck(2 * g[DS_GEOM_CEP_THICKNESS].value < g[DS_GEOM_HEIGHT].value, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE,
               "input -mesh_cep_thickness = %g mm is too large: the two endplates must be thinner than -mesh_height = %g mm", (double)g[DS_GEOM_CEP_THICKNESS].value,
               (double)g[DS_GEOM_HEIGHT].value);
    PetscCheck(g[DS_GEOM_CEP_FRACTION].value >= g[DS_GEOM_NP_FRACTION].value, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE,
               "input -mesh_cep_fraction = %g must be >= -mesh_np_fraction = %g: the endplate covers the whole nucleus", (double)g[DS_GEOM_CEP_FRACTION].value,
               (double)g[DS_GEOM_NP_FRACTION].value);
  }
  PetscCall(DSMeshEndplateCheck(mesh));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Cells per segment, in proportion to the lengths (largest remainder). */
static PetscErrorCode DSMeshSegmentCounts(PetscInt nseg, const PetscReal a[], const PetscReal b[], PetscInt n, PetscInt count[])
{
  PetscInt  total = 0;
  PetscReal rem[8], L = b[nseg - 1] - a[0];

  PetscFunctionBeginUser;
  PetscCheck(n >= nseg, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "a direction with %" PetscInt_FMT " regions needs at least that many cells, not %" PetscInt_FMT, nseg, n);
  /* largest remainder; ties (equal segments, e.g. the two endplates) go together or to the
   * longest segment, so a symmetric geometry gets a symmetric grid */
  for (PetscInt s = 0; s < nseg; s++) {
    PetscReal x = n * (b[s] - a[s]) / L;
    count[s]    = PetscMax(1, (PetscInt)PetscFloorReal(x + 1e-9));
    rem[s]      = x - count[s];
    total += count[s];
  }
  while (total < n) {
    PetscInt best = 0;
    for (PetscInt s = 1; s < nseg; s++) {
      PetscReal tie = 1e-9 * n;
      if (rem[s] > rem[best] + tie || (PetscAbsReal(rem[s] - rem[best]) <= tie && b[s] - a[s] > b[best] - a[best] * (1 + 1e-12) + 0 * tie)) best = s;
    }
    PetscInt ties = 0;
    for (PetscInt s = 0; s < nseg; s++) ties += PetscAbsReal(rem[s] - rem[best]) <= 1e-9 * n && PetscAbsReal((b[s] - a[s]) - (b[best] - a[best])) <= 1e-12 * L;
    if (ties > n - total) { /* cannot serve all equal segments: give the cell to the longest one */
      for (PetscInt s = 0; s < nseg; s++)
        if (b[s] - a[s] > b[best] - a[best]) best = s;
    }
    count[best]++, rem[best] -= 1, total++;
  }
  while (total > n) { /* only when every segment needed its one cell */
    PetscInt best = -1;
    for (PetscInt s = 0; s < nseg; s++)
      if (count[s] > 1 && (best < 0 || count[s] > count[best])) best = s;
    count[best]--, total--;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Geometric grading of one direction [lo, hi] toward points p[]: the cell width follows the size
 * function w(x) = ratio^(d(x) / dmax), d the distance to the nearest point, dmax its largest value
 * in the direction, so cells grow by a constant factor per mm away from the points and the widest
 * is 'ratio' times the narrowest. Faces equidistribute Phi(x) = integral of 1/w from lo: the grid
 * is one fixed smooth mapping of a uniform one, refined by refining the uniform one. */
typedef struct {
  PetscInt  np, nk;
  PetscReal p[6], knot[24], c; /* c = ln(ratio) / dmax; points: 4 radial ones and the 2 edges of the open endplate annulus */
} DSGrading;

static PetscReal DSGradingDistance(const DSGrading *g, PetscReal x)
{
  PetscReal d = PETSC_MAX_REAL;
  for (PetscInt i = 0; i < g->np; i++) d = PetscMin(d, PetscAbsReal(x - g->p[i]));
  return d;
}

/* The knots (ends, points, midpoints between points: where d is not linear), sorted; c. */
static void DSGradingSetUp(DSGrading *g, PetscReal lo, PetscReal hi, PetscReal ratio)
{
  PetscReal dmax = 0;
  g->nk          = 0;
  g->knot[g->nk++] = lo, g->knot[g->nk++] = hi;
  for (PetscInt i = 0; i < g->np; i++) {
    g->knot[g->nk++] = g->p[i];
    for (PetscInt j = i + 1; j < g->np; j++) g->knot[g->nk++] = 0.5 * (g->p[i] + g->p[j]);
  }
  for (PetscInt i = 1; i < g->nk; i++) /* insertion sort */
    for (PetscInt j = i; j > 0 && g->knot[j - 1] > g->knot[j]; j--) {
      PetscReal t = g->knot[j];
      g->knot[j] = g->knot[j - 1], g->knot[j - 1] = t;
    }
  for (PetscInt i = 0; i < g->nk; i++) dmax = PetscMax(dmax, DSGradingDistance(g, g->knot[i]));
  g->c = dmax > 0 ? PetscLogReal(ratio) / dmax : 0;
}

/* Phi(x) = integral from the first knot to x of exp(-c d(y)) dy, exact: d is linear between knots. */
static PetscReal DSGradingPhi(const DSGrading *g, PetscReal x)
{
  PetscReal phi = 0;
  for (PetscInt k = 0; k + 1 < g->nk && g->knot[k] < x; k++) {
    PetscReal x0 = g->knot[k], x1 = PetscMin(g->knot[k + 1], x), len = x1 - x0;
    if (g->knot[k + 1] <= x0) continue;
    PetscReal d0 = DSGradingDistance(g, x0), slope = (DSGradingDistance(g, g->knot[k + 1]) - d0) / (g->knot[k + 1] - x0), b = -g->c * slope;
    phi += PetscAbsReal(b * len) < 1e-12 ? len * PetscExpReal(-g->c * d0) * (1 + 0.5 * b * len) : PetscExpReal(-g->c * d0) * (PetscReal)expm1((double)(b * len)) / b;
  }
  return phi;
}

/* The m lower faces of [a, b]: Phi increases by equal steps from face to face (bisection). */
static void DSGradingFill(const DSGrading *g, PetscReal a, PetscReal b, PetscInt m, PetscReal xf[])
{
  PetscReal pa = DSGradingPhi(g, a), pb = DSGradingPhi(g, b);
  xf[0]        = a;
  for (PetscInt c = 1; c < m; c++) {
    PetscReal target = pa + (pb - pa) * c / m, l = xf[c - 1], r = b;
    for (PetscInt it = 0; it < 200 && r - l > 1e-15 * (PetscAbsReal(a) + PetscAbsReal(b)); it++) {
      PetscReal mid = 0.5 * (l + r);
      if (DSGradingPhi(g, mid) < target) l = mid;
      else r = mid;
    }
    xf[c] = 0.5 * (l + r);
  }
}

/* Piecewise faces: region boundaries fall on faces, so no cell straddles an interface. Cells go
 * to the segments in proportion to their lengths, or with grading toward the ngp points gp[],
 * to their shares of Phi; uniform within a segment, or graded. */
static PetscErrorCode DSMeshPiecewiseFaces(PetscInt nseg_in, const PetscReal breaks[], PetscInt n, PetscReal ratio, PetscInt ngp, const PetscReal gp[], PetscReal xf[])
{
  PetscInt  nseg = 0, count[8];
  PetscReal a[8], b[8], pa[8] = {0}, pb[8] = {0}, L = breaks[nseg_in] - breaks[0];
  DSGrading g;
  PetscBool graded = (PetscBool)(ratio != 1 && ngp > 0);

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < nseg_in; s++) {
    if (breaks[s + 1] - breaks[s] <= 1e-12 * L) continue;
    a[nseg] = breaks[s], b[nseg] = breaks[s + 1], nseg++;
  }
  g.np = ngp;
  for (PetscInt i = 0; i < ngp; i++) g.p[i] = gp[i];
  if (graded) DSGradingSetUp(&g, breaks[0], breaks[nseg_in], ratio);
  for (PetscInt s = 0; s < nseg; s++) pa[s] = graded ? DSGradingPhi(&g, a[s]) : a[s], pb[s] = graded ? DSGradingPhi(&g, b[s]) : b[s];
  PetscCall(DSMeshSegmentCounts(nseg, pa, pb, n, count));
  PetscInt i = 0;
  for (PetscInt s = 0; s < nseg; s++) {
    if (graded) DSGradingFill(&g, a[s], b[s], count[s], xf + i);
    else
      for (PetscInt c = 0; c < count[s]; c++) xf[i + c] = a[s] + (b[s] - a[s]) * c / count[s];
    i += count[s];
  }
  xf[n] = b[nseg - 1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSMeshBuildFaces(DSMesh mesh)
{
  const DSParam *g = mesh->geom;
  PetscReal      H = g[DS_GEOM_HEIGHT].value, t = g[DS_GEOM_CEP_THICKNESS].value;
  PetscReal      zb[4] = {0, t, H - t, H}, gp[4];
  PetscInt       zdir  = mesh->dim - 1, ngp = 0;

  PetscFunctionBeginUser;
  if (mesh->type == DS_MESH_IMAGE) PetscFunctionReturn(PETSC_SUCCESS); /* made with the image */
  for (PetscInt d = 0; d < mesh->dim; d++) PetscCall(PetscMalloc1(mesh->n[d] + 1, &mesh->xf[d]));
  if (mesh->type == DS_MESH_WELL_MIXED) {
    mesh->xf[0][0] = 0, mesh->xf[0][1] = H;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (mesh->grade_toward[1] & (1 << DS_GRADE_Z_VERTEBRA)) gp[ngp++] = 0, gp[ngp++] = H;
  if (mesh->grade_toward[1] & (1 << DS_GRADE_Z_CEP)) gp[ngp++] = t, gp[ngp++] = H - t;
  PetscCall(DSMeshPiecewiseFaces(3, zb, mesh->n[zdir], mesh->grade_ratio[1], ngp, gp, mesh->xf[zdir]));
  if (mesh->type == DS_MESH_AXISYMMETRIC) {
    PetscReal R = g[DS_GEOM_RADIUS].value, rb[9] = {0, g[DS_GEOM_NP_FRACTION].value * R, g[DS_GEOM_CEP_FRACTION].value * R, R}, rp[6];
    PetscInt  nrp = 0, nb = 4;
    for (PetscInt p = 0; p < 4; p++) /* the points are the breaks, in the order of DSMeshGradePointR */
      if (mesh->grade_toward[0] & (1 << p)) rp[nrp++] = rb[p];
    if (mesh->grade_toward[0] & (1 << DS_GRADE_R_RIM)) nrp += DSMeshEndplateOpenEdges(mesh, rp + nrp); /* the open annulus has rims too */
    nb += DSMeshEndplateRadialBreaks(mesh, rb + nb, 9 - nb); /* endplate shapes on faces too: exact open areas */
    PetscCall(PetscSortReal(nb, rb));
    PetscCall(DSMeshPiecewiseFaces(nb - 1, rb, mesh->n[0], mesh->grade_ratio[0], nrp, rp, mesh->xf[0]));
  } else if (mesh->type == DS_MESH_3D) {
    PetscReal semi[2] = {g[DS_GEOM_SEMI_AP].value, g[DS_GEOM_SEMI_LAT].value};
    for (PetscInt d = 0; d < 2; d++)
      for (PetscInt i = 0; i <= mesh->n[d]; i++) mesh->xf[d][i] = -semi[d] + 2 * semi[d] * i / mesh->n[d];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Physical position (mm) of the point with index-space coordinates s[d] (cell centres or faces). */
static void DSMeshPhysical(DSMesh mesh, const PetscReal s[3], PetscReal x[3])
{
  x[0] = s[0], x[1] = s[1], x[2] = s[2];
  if (mesh->type == DS_MESH_SLAB || mesh->type == DS_MESH_WELL_MIXED) x[0] = 0, x[1] = 0, x[2] = s[0];
  if (mesh->type == DS_MESH_AXISYMMETRIC) x[1] = 0, x[2] = s[1];
}

/* Squared elliptical radius of (x, y) relative to the disc outline scaled by 'fraction'. */
PetscReal DSMeshEllipticRadius2(DSMesh mesh, const PetscReal x[3], PetscReal fraction)
{
  if (mesh->type == DS_MESH_SLAB || mesh->type == DS_MESH_WELL_MIXED) return 0;
  if (mesh->type == DS_MESH_AXISYMMETRIC) {
    PetscReal R = fraction * mesh->geom[DS_GEOM_RADIUS].value;
    return (x[0] * x[0] + x[1] * x[1]) / (R * R);
  }
  PetscReal a = fraction * mesh->geom[DS_GEOM_SEMI_AP].value, b = fraction * mesh->geom[DS_GEOM_SEMI_LAT].value;
  return x[0] * x[0] / (a * a) + x[1] * x[1] / (b * b);
}

static DSRegion DSMeshRegionAt(DSMesh mesh, const PetscReal x[3])
{
  const DSParam *g = mesh->geom;
  PetscReal      H = g[DS_GEOM_HEIGHT].value, t = g[DS_GEOM_CEP_THICKNESS].value;
  PetscBool      in_endplate_layer = (PetscBool)(x[2] < t || x[2] > H - t);

  if (mesh->type == DS_MESH_WELL_MIXED) return mesh->well_mixed_region;
  if (mesh->type == DS_MESH_SLAB) return in_endplate_layer ? DS_REGION_CEP : DS_REGION_NP;
  if (DSMeshEllipticRadius2(mesh, x, 1.0) > 1.0) return DS_REGION_OUTSIDE;
  if (in_endplate_layer) return DSMeshEllipticRadius2(mesh, x, g[DS_GEOM_CEP_FRACTION].value) < 1.0 ? DS_REGION_CEP : DS_REGION_AF;
  return DSMeshEllipticRadius2(mesh, x, g[DS_GEOM_NP_FRACTION].value) < 1.0 ? DS_REGION_NP : DS_REGION_AF;
}

static void DSMeshCentreIndexCoords(DSMesh mesh, const PetscInt idx[3], PetscReal s[3])
{
  s[0] = s[1] = s[2] = 0;
  for (PetscInt d = 0; d < mesh->dim; d++) s[d] = 0.5 * (mesh->xf[d][idx[d]] + mesh->xf[d][idx[d] + 1]);
}

PetscErrorCode DSMeshGetRegion(DSMesh mesh, PetscInt i, PetscInt j, PetscInt k, DSRegion *region)
{
  PetscInt  idx[3] = {i, j, k};
  PetscReal s[3], x[3];

  PetscFunctionBeginUser;
  for (PetscInt d = 0; d < mesh->dim; d++) {
    if (idx[d] < 0 || idx[d] >= mesh->n[d]) {
      *region = DS_REGION_OUTSIDE;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  }
  if (mesh->type == DS_MESH_IMAGE) {
    *region = DSMeshImageRegion(mesh, idx);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  DSMeshCentreIndexCoords(mesh, idx, s);
  DSMeshPhysical(mesh, s, x);
  *region = DSMeshRegionAt(mesh, x);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Kind (and extra series length) of a face whose far side is the domain edge or a cell outside
 * the disc: the endplate maps decide which vertebral faces exchange (mesh/dsmeshendplate.c). */
static void DSMeshBoundaryFace(DSMesh mesh, PetscInt dir, PetscInt side, const PetscReal xcentre[3], DSFace *f)
{
  PetscInt zdir = mesh->dim - 1;
  f->h_extra    = 0;
  if (mesh->type == DS_MESH_WELL_MIXED) f->kind = DS_BOUNDARY_BONE; /* closed: no exchange */
  else if (dir == zdir) DSMeshEndplateVertebralFace(mesh, side, xcentre, f);
  else if (mesh->type == DS_MESH_AXISYMMETRIC && side == 0) f->kind = DS_BOUNDARY_AXIS;
  else DSMeshEndplateAFOuterFace(mesh, f);
}

/* Cross-section of the face normal to 'dir' and volume, with exact cylindrical measures. */
static void DSMeshMeasures(DSMesh mesh, const PetscInt idx[3], PetscInt dir, PetscInt side, PetscReal *area, PetscReal *volume)
{
  PetscReal lo[3] = {0, 0, 0}, hi[3] = {1, 1, 1};
  for (PetscInt d = 0; d < mesh->dim; d++) lo[d] = mesh->xf[d][idx[d]], hi[d] = mesh->xf[d][idx[d] + 1];
  if (mesh->type == DS_MESH_AXISYMMETRIC) {
    PetscReal ring = PETSC_PI * (hi[0] * hi[0] - lo[0] * lo[0]), dz = hi[1] - lo[1];
    *volume        = ring * dz;
    *area          = dir == 0 ? 2 * PETSC_PI * (side ? hi[0] : lo[0]) * dz : ring;
    return;
  }
  PetscReal w[3] = {hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]};
  *volume        = w[0] * w[1] * w[2];
  *area          = *volume / w[dir];
}

PetscErrorCode DSMeshGetCell(DSMesh mesh, PetscInt i, PetscInt j, PetscInt k, DSCell *cell)
{
  PetscInt  idx[3] = {i, j, k};
  PetscReal s[3];

  PetscFunctionBeginUser;
  PetscCall(DSMeshGetRegion(mesh, i, j, k, &cell->region));
  DSMeshCentreIndexCoords(mesh, idx, s);
  DSMeshPhysical(mesh, s, cell->x);
  cell->nfaces = 2 * mesh->dim;
  for (PetscInt dir = 0; dir < mesh->dim; dir++) {
    for (PetscInt side = 0; side < 2; side++) {
      DSFace  *f      = &cell->face[2 * dir + side];
      PetscInt nb[3]  = {i, j, k};
      PetscReal fs[3] = {s[0], s[1], s[2]};
      nb[dir] += side ? 1 : -1;
      fs[dir] = mesh->xf[dir][idx[dir] + side];
      DSMeshPhysical(mesh, fs, f->x);
      DSMeshMeasures(mesh, idx, dir, side, &f->area, &cell->volume);
      f->h_self = 0.5 * (mesh->xf[dir][idx[dir] + 1] - mesh->xf[dir][idx[dir]]);
      PetscCall(DSMeshGetRegion(mesh, nb[0], nb[1], nb[2], &f->nbr_region));
      if (f->nbr_region != DS_REGION_OUTSIDE) {
        f->kind    = DS_FACE_INTERIOR;
        f->h_extra = 0;
        f->h_nbr = 0.5 * (mesh->xf[dir][nb[dir] + 1] - mesh->xf[dir][nb[dir]]);
      } else {
        if (mesh->type == DS_MESH_IMAGE) DSMeshImageBoundaryFace(mesh, idx, dir, side, cell->region, cell->x, f);
        else DSMeshBoundaryFace(mesh, dir, side, cell->x, f);
        f->h_nbr = 0;
      }
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshSetUp(DSMesh mesh, PetscInt dof)
{
  PetscInt xs[3], xm[3];

  PetscFunctionBeginUser;
  PetscCheck(!mesh->setup, mesh->comm, PETSC_ERR_ORDER, "DSMeshSetUp() called twice");
  mesh->dim = (mesh->type == DS_MESH_SLAB || mesh->type == DS_MESH_WELL_MIXED) ? 1 : mesh->type == DS_MESH_AXISYMMETRIC ? 2 : 3; /* 3d, image: 3 */
  PetscCheck(mesh->type != DS_MESH_IMAGE || mesh->image, mesh->comm, PETSC_ERR_ORDER, "an image mesh needs DSMeshSetFromOptions() (which reads the image) before DSMeshSetUp()");
  for (PetscInt d = mesh->dim; d < 3; d++) mesh->n[d] = 1;
  PetscCall(DSMeshBuildFaces(mesh));
  switch (mesh->dim) {
  case 1: PetscCall(DMDACreate1d(mesh->comm, DM_BOUNDARY_NONE, mesh->n[0], dof, mesh->type == DS_MESH_WELL_MIXED ? 0 : 1, NULL, &mesh->dm)); break; /* one cell: no neighbours */
  case 2: PetscCall(DMDACreate2d(mesh->comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, mesh->n[0], mesh->n[1], PETSC_DECIDE, PETSC_DECIDE, dof, 1, NULL, NULL, &mesh->dm)); break;
  case 3:
    PetscCall(DMDACreate3d(mesh->comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, mesh->n[0], mesh->n[1], mesh->n[2], PETSC_DECIDE, PETSC_DECIDE,
                           PETSC_DECIDE, dof, 1, NULL, NULL, NULL, &mesh->dm));
    break;
  }
  PetscCall(DMSetUp(mesh->dm));
  PetscCall(DMDAGetCorners(mesh->dm, &xs[0], &xs[1], &xs[2], &xm[0], &xm[1], &xm[2]));
  PetscInt nlocal = 0;
  for (PetscInt k = xs[2]; k < xs[2] + xm[2]; k++)
    for (PetscInt j = xs[1]; j < xs[1] + xm[1]; j++)
      for (PetscInt i = xs[0]; i < xs[0] + xm[0]; i++) {
        DSRegion r;
        PetscCall(DSMeshGetRegion(mesh, i, j, k, &r));
        nlocal += r != DS_REGION_OUTSIDE;
      }
  PetscCall(MPIU_Allreduce(&nlocal, &mesh->nactive, 1, MPIU_INT, MPI_SUM, mesh->comm));
  mesh->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshCreateCoarse(DSMesh mesh, PetscInt min_cells, DSMesh *coarse)
{
  PetscFunctionBeginUser;
  *coarse = NULL;
  PetscCheck(mesh->setup, mesh->comm, PETSC_ERR_ORDER, "DSMeshCreateCoarse() needs a mesh that is set up");
  if (mesh->type == DS_MESH_IMAGE || mesh->type == DS_MESH_WELL_MIXED) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt d = 0; d < mesh->dim; d++)
    if (mesh->n[d] < 2 * min_cells) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscNew(coarse));
  **coarse = *mesh; /* the settings; what DSMeshSetUp builds is reset below */
  for (PetscInt d = 0; d < 3; d++) (*coarse)->xf[d] = NULL;
  for (PetscInt d = 0; d < mesh->dim; d++) (*coarse)->n[d] = (mesh->n[d] + 1) / 2;
  (*coarse)->dm      = NULL;
  (*coarse)->nactive = 0;
  (*coarse)->setup   = PETSC_FALSE;
  (*coarse)->image   = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshDestroy(DSMesh *mesh)
{
  PetscFunctionBeginUser;
  if (!*mesh) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt d = 0; d < 3; d++) PetscCall(PetscFree((*mesh)->xf[d]));
  PetscCall(DSMeshImageDestroy(*mesh));
  PetscCall(DMDestroy(&(*mesh)->dm));
  PetscCall(PetscFree(*mesh));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshGetType(DSMesh mesh, DSMeshType *type)
{
  PetscFunctionBeginUser;
  *type = mesh->type;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshGetDM(DSMesh mesh, DM *dm)
{
  PetscFunctionBeginUser;
  PetscCheck(mesh->setup, mesh->comm, PETSC_ERR_ORDER, "call DSMeshSetUp() first");
  *dm = mesh->dm;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshGetDimension(DSMesh mesh, PetscInt *dim)
{
  PetscFunctionBeginUser;
  *dim = mesh->dim;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshGetSizes(DSMesh mesh, PetscInt n[3])
{
  PetscFunctionBeginUser;
  for (PetscInt d = 0; d < 3; d++) n[d] = mesh->n[d];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshGetFaceCoordinates(DSMesh mesh, PetscInt dir, const PetscReal **xf)
{
  PetscFunctionBeginUser;
  PetscCheck(dir >= 0 && dir < mesh->dim, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE, "direction %" PetscInt_FMT " not in [0, %" PetscInt_FMT ")", dir, mesh->dim);
  *xf = mesh->xf[dir];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshGetNumActiveCells(DSMesh mesh, PetscInt *nactive)
{
  PetscFunctionBeginUser;
  *nactive = mesh->nactive;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshGetHeight(DSMesh mesh, PetscReal *height)
{
  PetscFunctionBeginUser;
  *height = mesh->geom[DS_GEOM_HEIGHT].value;
  if (mesh->type == DS_MESH_IMAGE && mesh->xf[2]) *height = mesh->xf[2][mesh->n[2]] - mesh->xf[2][0]; /* extent of the grid through z */
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The cells whose centres are nearest to x, equally weighted when x is on a face (ties). */
PetscErrorCode DSMeshLocate(DSMesh mesh, const PetscReal x[3], PetscInt *ncells, PetscInt idx[][3], PetscReal w[])
{
  PetscReal s[3] = {0, 0, 0};
  PetscInt  lo[3] = {0, 0, 0}, cnt[3] = {1, 1, 1};

  PetscFunctionBeginUser;
  switch (mesh->type) {
  case DS_MESH_SLAB:
  case DS_MESH_WELL_MIXED: s[0] = x[2]; break;
  case DS_MESH_AXISYMMETRIC: s[0] = PetscSqrtReal(x[0] * x[0] + x[1] * x[1]), s[1] = x[2]; break;
  case DS_MESH_3D:
  case DS_MESH_IMAGE: s[0] = x[0], s[1] = x[1], s[2] = x[2]; break;
  }
  for (PetscInt d = 0; d < mesh->dim; d++) {
    const PetscReal *xf = mesh->xf[d];
    PetscInt         n  = mesh->n[d];
    PetscReal        tol = 1e-9 * (xf[n] - xf[0]);
    PetscCheck(s[d] >= xf[0] - tol && s[d] <= xf[n] + tol, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE, "point (%g, %g, %g) mm lies outside the mesh", (double)x[0], (double)x[1], (double)x[2]);
    PetscInt i = 0;
    while (i < n - 1 && xf[i + 1] <= s[d] + tol) i++;
    lo[d] = i;
    if (i > 0 && PetscAbsReal(s[d] - xf[i]) <= tol) lo[d] = i - 1, cnt[d] = 2;
  }
  *ncells = 0;
  for (PetscInt c = 0; c < cnt[2]; c++)
    for (PetscInt b = 0; b < cnt[1]; b++)
      for (PetscInt a = 0; a < cnt[0]; a++) {
        idx[*ncells][0] = lo[0] + a, idx[*ncells][1] = lo[1] + b, idx[*ncells][2] = lo[2] + c;
        (*ncells)++;
      }
  for (PetscInt c = 0; c < *ncells; c++) w[c] = 1.0 / *ncells;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Index-space coordinates of the physical point x (DSMeshGetCell's directions). */
static void DSMeshIndexCoords(DSMesh mesh, const PetscReal x[3], PetscReal s[3])
{
  s[0] = x[0], s[1] = x[1], s[2] = x[2];
  if (mesh->type == DS_MESH_SLAB || mesh->type == DS_MESH_WELL_MIXED) s[0] = x[2], s[1] = s[2] = 0;
  if (mesh->type == DS_MESH_AXISYMMETRIC) s[0] = PetscSqrtReal(x[0] * x[0] + x[1] * x[1]), s[1] = x[2], s[2] = 0;
}

PetscErrorCode DSMeshInterpolationWeights(DSMesh mesh, const PetscReal x[3], PetscInt *ncells, PetscInt idx[8][3], PetscReal w[8])
{
  PetscReal s[3], t[3] = {0, 0, 0}, total = 0;
  PetscInt  lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};

  PetscFunctionBeginUser;
  DSMeshIndexCoords(mesh, x, s);
  for (PetscInt d = 0; d < mesh->dim; d++) { /* the centres c_i <= s < c_{i+1} */
    const PetscReal *xf = mesh->xf[d];
    PetscInt         n = mesh->n[d], i = 0, j = n - 1;
    while (i < j) { /* bisection: the last centre at or below s (else the first) */
      PetscInt m = (i + j + 1) / 2;
      if (0.5 * (xf[m] + xf[m + 1]) <= s[d]) i = m;
      else j = m - 1;
    }
    PetscReal c0 = 0.5 * (xf[i] + xf[i + 1]), c1 = i < n - 1 ? 0.5 * (xf[i + 1] + xf[i + 2]) : c0;
    lo[d] = i, hi[d] = i < n - 1 ? i + 1 : i;
    t[d]  = c1 > c0 ? PetscMin(PetscMax((s[d] - c0) / (c1 - c0), 0), 1) : 0;
  }
  *ncells = 0;
  for (PetscInt c = 0; c < 8; c++) {
    PetscInt  id[3];
    PetscReal wt = 1;
    DSRegion  r;
    for (PetscInt d = 0; d < 3; d++) {
      PetscInt up = (c >> d) & 1;
      if (up && hi[d] == lo[d]) wt = 0; /* a direction without a second centre */
      id[d] = up ? hi[d] : lo[d];
      wt *= up ? t[d] : 1 - t[d];
    }
    if (wt <= 0) continue;
    PetscCall(DSMeshGetRegion(mesh, id[0], id[1], id[2], &r));
    if (r == DS_REGION_OUTSIDE) continue;
    for (PetscInt d = 0; d < 3; d++) idx[*ncells][d] = id[d];
    w[(*ncells)++] = wt, total += wt;
  }
  for (PetscInt c = 0; c < *ncells; c++) w[c] /= total;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshGetRegionAtPoint(DSMesh mesh, const PetscReal x[3], DSRegion *region)
{
  PetscReal H = mesh->geom[DS_GEOM_HEIGHT].value;

  PetscFunctionBeginUser;
  *region = DS_REGION_OUTSIDE;
  for (PetscInt d = 0; d < 3; d++)
    if (PetscIsInfOrNanReal(x[d])) PetscFunctionReturn(PETSC_SUCCESS); /* NaN, Inf: nowhere */
  if (mesh->type == DS_MESH_IMAGE) {
    PetscCall(DSMeshImageRegionAtPoint(mesh, x, region));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (x[2] < 0 || x[2] > H) PetscFunctionReturn(PETSC_SUCCESS);
  *region = DSMeshRegionAt(mesh, x);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshGetRegionCentre(DSMesh mesh, DSRegion region, PetscReal x[3])
{
  const DSParam *g = mesh->geom;
  PetscReal      H = g[DS_GEOM_HEIGHT].value;

  PetscFunctionBeginUser;
  if (mesh->type == DS_MESH_IMAGE) {
    PetscCall(DSMeshImageRegionCentre(mesh, region, x));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  x[0] = x[1] = 0, x[2] = 0.5 * H;
  if (region == DS_REGION_CEP) x[2] = 0.5 * g[DS_GEOM_CEP_THICKNESS].value;
  if (mesh->type == DS_MESH_WELL_MIXED) PetscFunctionReturn(PETSC_SUCCESS); /* one cell: its centre */
  if (region == DS_REGION_AF && mesh->type != DS_MESH_SLAB) {
    PetscReal outer = mesh->type == DS_MESH_3D ? g[DS_GEOM_SEMI_AP].value : g[DS_GEOM_RADIUS].value;
    x[0] = 0.5 * (1 + g[DS_GEOM_NP_FRACTION].value) * outer;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshView(DSMesh mesh, PetscViewer viewer)
{
  const DSParam *g = mesh->geom;

  PetscFunctionBeginUser;
  if (mesh->type == DS_MESH_IMAGE) {
    PetscCall(DSMeshImageView(mesh, viewer));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscViewerASCIIPrintf(viewer, "mesh: %s, %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " cells, %" PetscInt_FMT " in the disc; height %g mm", DSMeshTypes[mesh->type],
                                   mesh->n[0], mesh->n[1], mesh->n[2], mesh->nactive, (double)g[DS_GEOM_HEIGHT].value));
  if (mesh->type == DS_MESH_AXISYMMETRIC) PetscCall(PetscViewerASCIIPrintf(viewer, ", radius %g mm", (double)g[DS_GEOM_RADIUS].value));
  if (mesh->type == DS_MESH_3D) PetscCall(PetscViewerASCIIPrintf(viewer, ", semi-axes %g x %g mm", (double)g[DS_GEOM_SEMI_AP].value, (double)g[DS_GEOM_SEMI_LAT].value));
  PetscCall(PetscViewerASCIIPrintf(viewer, ", CEP %g mm", (double)g[DS_GEOM_CEP_THICKNESS].value));
  for (PetscInt d = 0; d < 2; d++) {
    const char *const *points = d ? DSMeshGradePointsZ : DSMeshGradePointsR;
    PetscInt           n = 0;
    if (mesh->grade_ratio[d] == 1 || (d == 0 && mesh->type != DS_MESH_AXISYMMETRIC) || mesh->type == DS_MESH_WELL_MIXED) continue;
    PetscCall(PetscViewerASCIIPrintf(viewer, "; %s graded x%g toward", d ? "z" : "r", (double)mesh->grade_ratio[d]));
    for (PetscInt p = 0; p < (d ? 2 : 4); p++)
      if (mesh->grade_toward[d] & (1 << p)) PetscCall(PetscViewerASCIIPrintf(viewer, "%s%s", n++ ? ", " : " ", points[p]));
  }
  PetscCall(DSMeshEndplateView(mesh, viewer));
  if (mesh->disc_grade) PetscCall(PetscViewerASCIIPrintf(viewer, "; grade %" PetscInt_FMT " (Pfirrmann) set %s", mesh->disc_grade, mesh->grade_note));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshGetParameters(PetscInt *n, const DSParam **rows)
{
  PetscFunctionBeginUser;
  *n    = DS_GEOM_N;
  *rows = default_geometry;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshViewParametersMarkdown(DSMesh mesh, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  PetscCall(DSParamsViewMarkdown(viewer, "Mesh geometry (mesh/)", DS_GEOM_N, default_geometry));
  PetscCall(DSMeshEndplateViewParametersMarkdown(viewer));
  PetscCall(DSGradeViewMarkdown(viewer, "Mesh geometry per degeneration grade (mesh/; -disc_grade N, Pfirrmann 2001)", "mesh_", PETSC_STATIC_ARRAY_LENGTH(mesh_grade_rows), mesh_grade_rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}
