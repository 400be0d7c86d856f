/* Endplate maps: which parts of the vertebral interface exchange solutes and how well, and the
 * exchange of the outer AF surface (doc/meshes.md, "Endplate exchange and maps").
 *
 * Geometry only, no species: each boundary face gets a kind (vertebra, bone, AF outer) and an
 * extra length h_extra in series with its half cell. A factor f in (0, 1] on a vertebral face
 * multiplies the through-thickness conductance D / t of the cartilage endplate above it: the
 * column's resistance t / D becomes t / (f D), i.e. an extra (1/f - 1) t / D lumped at the
 * bone-cartilage junction, where calcification happens. The solver divides by h_self + h_extra
 * with each species' own D, so the factor acts on every solute alike and does not depend on the
 * grid. f = 0 closes the face (impermeable bone). */
#include "dsmeshimpl.h"
#include "dsoptions.h"

static const char *const DSEndplateShapes[] = {"ring", "ellipse", "DSEndplateShape", "DS_EP_SHAPE_", NULL};
static const char *const DSEndplateSides[]  = {"both", "bottom", "top", "DSEndplateSide", "DS_EP_SIDE_", NULL};

static const DSParam endplate_rows[DS_EP_N] = {
  [DS_EP_OPEN_INNER]    = {"endplate_open_inner", "1", "inner edge of the open (exchanging) annulus of each endplate, as a fraction of the CEP's radial extent (elliptic radius in 3D)", 0, 0, 1, PETSC_FALSE, "scenario (0: open from the centre)", PETSC_FALSE, PETSC_FALSE},
  [DS_EP_OPEN_OUTER]    = {"endplate_open_outer", "1", "outer edge of the open annulus, as a fraction of the CEP's radial extent; open area pi R_cep^2 (outer^2 - inner^2)", 1, 0, 1, PETSC_TRUE, "scenario (1: open to the CEP rim)", PETSC_FALSE, PETSC_FALSE},
  [DS_EP_CLOSED_FACTOR] = {"endplate_closed_factor", "1", "factor on the CEP's through-thickness conductance outside the open annulus; 0: impermeable (bone)", 0, 0, 1, PETSC_FALSE, "Shirazi-Adl 2010 (closed parts impermeable)", PETSC_FALSE, PETSC_FALSE},
  [DS_EP_AF_FACTOR]     = {"endplate_af_outer_factor", "1", "factor on the exchange of the outer AF surface (conductance of a layer -endplate_af_outer_layer thick); 0: no AF supply", 1, 0, 1, PETSC_FALSE, "scenario (1: healthy supply)", PETSC_FALSE, PETSC_FALSE},
  [DS_EP_AF_LAYER]      = {"endplate_af_outer_layer", "mm", "thickness of the outer AF layer whose conductance -endplate_af_outer_factor scales", 1, 0, 10, PETSC_TRUE, "illustrative: outer lamellae, plausible 0.5-2 mm", PETSC_TRUE, PETSC_FALSE},
};

#define DS_EP_KEY(buf, n, sub) (PetscSNPrintf(buf, sizeof buf, "-endplate_patch%" PetscInt_FMT "_%s", (PetscInt)(n), sub), buf)
static const char *const ds_patch_subkeys[] = {"r1", "r2", "centre", "radius", "semi_axes", "factor", "side"};

PetscErrorCode DSMeshEndplateSetDefaults(DSMesh mesh)
{
  PetscFunctionBeginUser;
  PetscCall(PetscArraycpy(mesh->endplate.p, endplate_rows, DS_EP_N));
  mesh->endplate.npatch = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Patch 1's keys are listed by -help; 2..N are read silently (the help text says so). */
static PetscErrorCode DSEndplateReal(PetscOptionItems *PetscOptionsObject, PetscInt N, const char sub[], const char unit[], const char help[], PetscReal *value, PetscBool *set)
{
  char key[64];

  PetscFunctionBeginUser;
  PetscCall(DSOptionsCheckReal(DS_EP_KEY(key, N, sub), unit));
  if (N == 1) PetscCall(PetscOptionsReal(key, help, NULL, *value, value, set));
  else PetscCall(PetscOptionsGetReal(NULL, NULL, key, value, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSEndplatePair(PetscOptionItems *PetscOptionsObject, PetscInt N, const char sub[], const char help[], PetscReal v[2], PetscBool *set)
{
  char     key[64];
  PetscInt n = 2;

  PetscFunctionBeginUser;
  PetscCall(DSOptionsCheckRealArray(DS_EP_KEY(key, N, sub), "mm", 2, PETSC_TRUE));
  if (N == 1) PetscCall(PetscOptionsRealArray(key, help, NULL, v, &n, set));
  else PetscCall(PetscOptionsGetRealArray(NULL, NULL, key, v, &n, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSEndplateChoice(PetscOptionItems *PetscOptionsObject, PetscInt N, const char sub[], const char *const choices[], PetscInt nchoices, const char help[], PetscInt *value, PetscBool *set)
{
  char      key[64];
  PetscEnum e = (PetscEnum)*value;

  PetscFunctionBeginUser;
  PetscCall(DSOptionsCheckChoice(DS_EP_KEY(key, N, sub), nchoices, choices));
  if (N == 1) PetscCall(PetscOptionsEnum(key, help, NULL, choices, e, &e, set));
  else PetscCall(PetscOptionsGetEnum(NULL, NULL, key, choices, &e, set));
  *value = (PetscInt)e;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -endplate_patchN_*: N = 1..8; a patch exists when its shape is given, and then only. */
static PetscErrorCode DSEndplateReadPatch(DSMesh mesh, PetscOptionItems *PetscOptionsObject, PetscInt N, PetscBool *given)
{
  DSEndplatePatch P = {DS_EP_SHAPE_RING, 0, 1, {0, 0}, {0, 0}, 0, 3};
  PetscInt        shape = 0, side = 0;
  PetscReal       radius = 0;
  PetscBool       set, has_radius, has_axes;
  char            key[64];

  PetscFunctionBeginUser;
  PetscCall(DSEndplateChoice(PetscOptionsObject, N, "shape", DSEndplateShapes, 2, "shape of endplate patch N (N = 1..8; same keys -endplate_patchN_*): ring (r1..r2 of the CEP's radial extent) or ellipse (centre, radius or semi_axes)", &shape, given));
  if (!*given) {
    for (size_t k = 0; k < PETSC_STATIC_ARRAY_LENGTH(ds_patch_subkeys); k++) {
      PetscCall(PetscOptionsHasName(NULL, NULL, DS_EP_KEY(key, N, ds_patch_subkeys[k]), &set));
      PetscCheck(!set, mesh->comm, PETSC_ERR_ARG_WRONG, "input %s is given but -endplate_patch%" PetscInt_FMT "_shape is missing: allowed ring, ellipse", key, N);
    }
    if (N > 1) PetscFunctionReturn(PETSC_SUCCESS);
  }
  P.shape = (DSEndplateShape)shape;
  PetscCall(DSEndplateReal(PetscOptionsObject, N, "r1", "1", "ring: inner elliptic radius, fraction of the CEP's radial extent [1], [0, 1)", &P.r1, NULL));
  PetscCall(DSEndplateReal(PetscOptionsObject, N, "r2", "1", "ring: outer elliptic radius, fraction of the CEP's radial extent [1], (r1, 1]", &P.r2, NULL));
  PetscCall(DSEndplatePair(PetscOptionsObject, N, "centre", "ellipse: centre x,y [mm] (x antero-posterior, y lateral)", P.c, NULL));
  PetscCall(DSEndplateReal(PetscOptionsObject, N, "radius", "mm", "ellipse: radius of a circular patch [mm]", &radius, &has_radius));
  PetscCall(DSEndplatePair(PetscOptionsObject, N, "semi_axes", "ellipse: semi-axes along x and y [mm] (instead of the radius)", P.a, &has_axes));
  PetscCall(DSEndplateReal(PetscOptionsObject, N, "factor", "1", "factor on the CEP's through-thickness conductance in the patch [1], [0, 1]; 0: calcified shut", &P.factor, NULL));
  PetscCall(DSEndplateChoice(PetscOptionsObject, N, "side", DSEndplateSides, 3, "endplates the patch is on: both, bottom (z = 0) or top (z = H)", &side, NULL));
  if (!*given) PetscFunctionReturn(PETSC_SUCCESS); /* N = 1 only listed for -help */
  PetscCheck(!(has_radius && has_axes), mesh->comm, PETSC_ERR_ARG_INCOMP, "input -endplate_patch%" PetscInt_FMT "_radius and -endplate_patch%" PetscInt_FMT "_semi_axes are both given: give one", N, N);
  if (has_radius) P.a[0] = P.a[1] = radius;
  P.sides = side == 0 ? 3 : side;
  mesh->endplate.patch[mesh->endplate.npatch++] = P;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshEndplateReadOptions(DSMesh mesh, PetscOptionItems *PetscOptionsObject)
{
  PetscFunctionBeginUser;
  PetscCall(DSParamsSetFromOptions(PetscOptionsObject, DS_EP_N, mesh->endplate.p));
  mesh->endplate.npatch = 0;
  for (PetscInt N = 1; N <= DS_MAX_ENDPLATE_PATCHES; N++) {
    PetscBool given;
    PetscCall(DSEndplateReadPatch(mesh, PetscOptionsObject, N, &given));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Position of (x, y) on endplate 'side' in the CEP's elliptic coordinates: 0 at the axis, 1 at
 * the CEP's rim. On an image mesh the ellipse is the one of that side's supply faces
 * (dsmeshimage.c), and faces beyond it count as at its rim: the labels, not the ellipse, say
 * where the endplate ends. */
static PetscReal DSEndplateRho(DSMesh mesh, PetscInt side, const PetscReal x[3])
{
  if (mesh->type == DS_MESH_IMAGE) return PetscMin(PetscSqrtReal(DSMeshImageEndplateRho2(mesh, side, x)), 1 - PETSC_MACHINE_EPSILON);
  return PetscSqrtReal(DSMeshEllipticRadius2(mesh, x, mesh->geom[DS_GEOM_CEP_FRACTION].value));
}

static PetscBool DSEndplatePatchContains(DSMesh mesh, PetscInt side, const DSEndplatePatch *P, const PetscReal x[3])
{
  if (P->shape == DS_EP_SHAPE_RING) {
    PetscReal rho = DSEndplateRho(mesh, side, x);
    return (PetscBool)(rho >= P->r1 && rho < P->r2);
  }
  PetscReal u = (x[0] - P->c[0]) / P->a[0], v = (x[1] - P->c[1]) / P->a[1];
  return (PetscBool)(u * u + v * v < 1);
}

/* The conductance factor of the vertebral interface at (x, y) on side 0 (z = 0) or 1 (z = H):
 * 1 in the open annulus, the closed factor outside it, times the factors of the patches there. */
static PetscReal DSEndplateFactor(DSMesh mesh, PetscInt side, const PetscReal x[3])
{
  const DSEndplate *E   = &mesh->endplate;
  PetscReal         rho = DSEndplateRho(mesh, side, x);
  PetscReal         f   = rho >= E->p[DS_EP_OPEN_INNER].value && rho < E->p[DS_EP_OPEN_OUTER].value ? 1 : E->p[DS_EP_CLOSED_FACTOR].value;

  for (PetscInt i = 0; i < E->npatch; i++)
    if ((E->patch[i].sides & (1 << side)) && DSEndplatePatchContains(mesh, side, &E->patch[i], x)) f *= E->patch[i].factor;
  return f;
}

void DSMeshEndplateSupplyFace(DSMesh mesh, PetscInt side, const PetscReal x[3], PetscReal cep_thickness, DSFace *f)
{
  PetscReal factor = DSEndplateFactor(mesh, side, x);

  f->kind    = factor > 0 ? DS_BOUNDARY_VERTEBRA : DS_BOUNDARY_BONE;
  f->h_extra = factor > 0 ? (1 / factor - 1) * cep_thickness : 0;
}

void DSMeshEndplateVertebralFace(DSMesh mesh, PetscInt side, const PetscReal x[3], DSFace *f)
{
  f->h_extra = 0;
  f->kind    = DS_BOUNDARY_BONE;
  if (mesh->type != DS_MESH_SLAB && DSMeshEllipticRadius2(mesh, x, mesh->geom[DS_GEOM_CEP_FRACTION].value) >= 1.0) return; /* beyond the CEP: ring apophysis */
  DSMeshEndplateSupplyFace(mesh, side, x, mesh->geom[DS_GEOM_CEP_THICKNESS].value, f);
}

void DSMeshEndplateAFOuterFace(DSMesh mesh, DSFace *f)
{
  PetscReal factor = mesh->endplate.p[DS_EP_AF_FACTOR].value;

  f->kind    = factor > 0 ? DS_BOUNDARY_AF_OUTER : DS_BOUNDARY_BONE;
  f->h_extra = factor > 0 ? (1 / factor - 1) * mesh->endplate.p[DS_EP_AF_LAYER].value : 0;
}

PetscInt DSMeshEndplateRadialBreaks(DSMesh mesh, PetscReal r[], PetscInt max)
{
  const DSEndplate *E    = &mesh->endplate;
  PetscReal         Rcep = mesh->geom[DS_GEOM_CEP_FRACTION].value * mesh->geom[DS_GEOM_RADIUS].value, cand[2 + 2 * DS_MAX_ENDPLATE_PATCHES];
  PetscInt          nc = 0, n = 0;

  cand[nc++] = E->p[DS_EP_OPEN_INNER].value * Rcep, cand[nc++] = E->p[DS_EP_OPEN_OUTER].value * Rcep;
  for (PetscInt i = 0; i < E->npatch; i++) {
    const DSEndplatePatch *P = &E->patch[i];
    if (P->shape == DS_EP_SHAPE_RING) cand[nc++] = P->r1 * Rcep, cand[nc++] = P->r2 * Rcep;
    else cand[nc++] = P->a[0]; /* axisymmetric: a disc centred on the axis */
  }
  for (PetscInt c = 0; c < nc && n < max; c++) {
    PetscBool dup = (PetscBool)(cand[c] <= 0 || cand[c] >= Rcep); /* 0 and the CEP rim are breaks already */
    for (PetscInt k = 0; k < n; k++) dup = (PetscBool)(dup || PetscAbsReal(r[k] - cand[c]) < 1e-12 * Rcep);
    if (!dup) r[n++] = cand[c];
  }
  return n;
}

PetscInt DSMeshEndplateOpenEdges(DSMesh mesh, PetscReal r[2])
{
  const DSEndplate *E    = &mesh->endplate;
  PetscReal         Rcep = mesh->geom[DS_GEOM_CEP_FRACTION].value * mesh->geom[DS_GEOM_RADIUS].value;
  PetscInt          n    = 0;

  if (E->p[DS_EP_OPEN_INNER].value > 0) r[n++] = E->p[DS_EP_OPEN_INNER].value * Rcep;
  if (E->p[DS_EP_OPEN_OUTER].value < 1) r[n++] = E->p[DS_EP_OPEN_OUTER].value * Rcep;
  return n;
}

/* A point inside the ellipse patch P, or its boundary at angle th */
static void DSEndplateEllipsePoint(const DSEndplatePatch *P, PetscReal th, PetscReal x[3])
{
  x[0] = P->c[0] + P->a[0] * PetscCosReal(th), x[1] = P->c[1] + P->a[1] * PetscSinReal(th), x[2] = 0;
}

/* One patch on its own: ranges, inside the endplate, a conductance factor that needs a CEP. */
static PetscErrorCode DSEndplateCheckPatch(DSMesh mesh, PetscInt N, const DSEndplatePatch *P)
{
  PetscFunctionBeginUser;
  PetscCheck(P->factor >= 0 && P->factor <= 1, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -endplate_patch%" PetscInt_FMT "_factor = %g is out of range: allowed [0, 1] (0: closed, 1: as healthy)", N, (double)P->factor);
  PetscCheck(P->factor == 0 || P->factor == 1 || mesh->geom[DS_GEOM_CEP_THICKNESS].value > 0, mesh->comm, PETSC_ERR_ARG_INCOMP,
             "input -endplate_patch%" PetscInt_FMT "_factor = %g scales the cartilage endplate's conductance, but -mesh_cep_thickness = 0: give a CEP, or a factor of 0 or 1", N, (double)P->factor);
  if (P->shape == DS_EP_SHAPE_RING) {
    PetscCheck(P->r1 >= 0 && P->r1 < 1, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -endplate_patch%" PetscInt_FMT "_r1 = %g is out of range: allowed [0, 1) (fraction of the CEP's radial extent)", N, (double)P->r1);
    PetscCheck(P->r2 > P->r1 && P->r2 <= 1, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -endplate_patch%" PetscInt_FMT "_r2 = %g is out of range: allowed (r1 = %g, 1] (fraction of the CEP's radial extent)", N, (double)P->r2, (double)P->r1);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(P->a[0] > 0 && P->a[1] > 0, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -endplate_patch%" PetscInt_FMT "_radius (or _semi_axes) = %g, %g mm: must be > 0", N, (double)P->a[0], (double)P->a[1]);
  if (mesh->type == DS_MESH_AXISYMMETRIC)
    PetscCheck(P->c[0] == 0 && P->c[1] == 0 && P->a[0] == P->a[1], mesh->comm, PETSC_ERR_ARG_INCOMP,
               "input -endplate_patch%" PetscInt_FMT "_centre = (%g, %g) mm with semi-axes %g x %g mm is not axisymmetric: on -mesh_type axisymmetric an ellipse patch is a circle centred at (0, 0); use a ring or -mesh_type 3d", N,
               (double)P->c[0], (double)P->c[1], (double)P->a[0], (double)P->a[1]);
  if (mesh->type == DS_MESH_SLAB) PetscFunctionReturn(PETSC_SUCCESS); /* the slab is the column at the axis: any patch may cover it or not */
  if (mesh->type == DS_MESH_IMAGE) PetscFunctionReturn(PETSC_SUCCESS); /* world coordinates; faces outside the labelled endplate are simply not in it */
  for (PetscInt k = 0; k < 720; k++) { /* the outline, every half degree, within the CEP's rim */
    PetscReal x[3];
    DSEndplateEllipsePoint(P, 2 * PETSC_PI * k / 720, x);
    PetscCheck(DSEndplateRho(mesh, 0, x) <= 1 + 1e-12, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE,
               "input -endplate_patch%" PetscInt_FMT "_centre = (%g, %g) mm, semi-axes %g x %g mm: the patch reaches (%g, %g) mm, outside the cartilage endplate (elliptic radius -mesh_cep_fraction = %g of the disc's)", N, (double)P->c[0],
               (double)P->c[1], (double)P->a[0], (double)P->a[1], (double)x[0], (double)x[1], (double)mesh->geom[DS_GEOM_CEP_FRACTION].value);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Two patches on a common endplate must not overlap: rings by their radii, other pairs by a
 * 400 x 400 sample of the first shape's bounding box (overlaps thinner than 1/400 of it pass). */
static PetscBool DSEndplateOverlap(DSMesh mesh, const DSEndplatePatch *P, const DSEndplatePatch *Q)
{
  if (!(P->sides & Q->sides)) return PETSC_FALSE;
  if (P->shape == DS_EP_SHAPE_RING && Q->shape == DS_EP_SHAPE_RING) return (PetscBool)(PetscMax(P->r1, Q->r1) < PetscMin(P->r2, Q->r2));
  if (P->shape == DS_EP_SHAPE_RING) return DSEndplateOverlap(mesh, Q, P);
  PetscInt side = (P->sides & Q->sides & 1) ? 0 : 1; /* a common endplate */
  if (mesh->type == DS_MESH_SLAB) { /* one point: the axis */
    PetscReal o[3] = {0, 0, 0};
    return (PetscBool)(DSEndplatePatchContains(mesh, side, P, o) && DSEndplatePatchContains(mesh, side, Q, o));
  }
  for (PetscInt i = 0; i < 400; i++)
    for (PetscInt j = 0; j < 400; j++) {
      PetscReal x[3] = {P->c[0] + P->a[0] * (2 * (i + 0.5) / 400 - 1), P->c[1] + P->a[1] * (2 * (j + 0.5) / 400 - 1), 0};
      if (DSEndplatePatchContains(mesh, side, P, x) && DSEndplatePatchContains(mesh, side, Q, x)) return PETSC_TRUE;
    }
  return PETSC_FALSE;
}

PetscErrorCode DSMeshEndplateCheck(DSMesh mesh)
{
  const DSEndplate *E = &mesh->endplate;
  const PetscReal   inner = E->p[DS_EP_OPEN_INNER].value, outer = E->p[DS_EP_OPEN_OUTER].value, closed = E->p[DS_EP_CLOSED_FACTOR].value;

  PetscFunctionBeginUser;
  PetscCheck(inner < outer, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -endplate_open_inner = %g must be < -endplate_open_outer = %g (fractions of the CEP's radial extent)", (double)inner, (double)outer);
  PetscCheck(closed == 0 || closed == 1 || mesh->geom[DS_GEOM_CEP_THICKNESS].value > 0, mesh->comm, PETSC_ERR_ARG_INCOMP,
             "input -endplate_closed_factor = %g scales the cartilage endplate's conductance, but -mesh_cep_thickness = 0: give a CEP, or a factor of 0 or 1", (double)closed);
  for (PetscInt i = 0; i < E->npatch; i++) PetscCall(DSEndplateCheckPatch(mesh, i + 1, &E->patch[i]));
  for (PetscInt i = 0; i < E->npatch; i++)
    for (PetscInt j = i + 1; j < E->npatch; j++)
      PetscCheck(!DSEndplateOverlap(mesh, &E->patch[i], &E->patch[j]), mesh->comm, PETSC_ERR_ARG_INCOMP,
                 "input -endplate_patch%" PetscInt_FMT "_* and -endplate_patch%" PetscInt_FMT "_* overlap on a common endplate: patches must not overlap (split them, or give them different -endplate_patchN_side)", i + 1, j + 1);
  if (mesh->type == DS_MESH_AXISYMMETRIC) {
    PetscReal r[9];
    PetscInt  nseg = 3 + DSMeshEndplateRadialBreaks(mesh, r, 5);
    PetscCheck(mesh->n[0] >= 2 * nseg, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -mesh_nr = %" PetscInt_FMT " is too small: the regions and endplate shapes make %" PetscInt_FMT " radial segments, at least 2 cells each", mesh->n[0], nseg);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshEndplateView(DSMesh mesh, PetscViewer viewer)
{
  const DSEndplate *E = &mesh->endplate;

  PetscFunctionBeginUser;
  if (mesh->type == DS_MESH_WELL_MIXED) PetscFunctionReturn(PETSC_SUCCESS);
  if (E->p[DS_EP_OPEN_INNER].value > 0 || E->p[DS_EP_OPEN_OUTER].value < 1)
    PetscCall(PetscViewerASCIIPrintf(viewer, "; endplates open from %g to %g of the CEP radius (closed x%g)", (double)E->p[DS_EP_OPEN_INNER].value, (double)E->p[DS_EP_OPEN_OUTER].value, (double)E->p[DS_EP_CLOSED_FACTOR].value));
  if (E->npatch) PetscCall(PetscViewerASCIIPrintf(viewer, "; %" PetscInt_FMT " endplate patch%s", E->npatch, E->npatch > 1 ? "es" : ""));
  if (E->p[DS_EP_AF_FACTOR].value < 1) PetscCall(PetscViewerASCIIPrintf(viewer, "; AF outer exchange x%g", (double)E->p[DS_EP_AF_FACTOR].value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshGetEndplateParameters(PetscInt *n, const DSParam **rows)
{
  PetscFunctionBeginUser;
  *n    = DS_EP_N;
  *rows = endplate_rows;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSMeshEndplateViewParametersMarkdown(PetscViewer viewer)
{
  PetscFunctionBeginUser;
  PetscCall(DSParamsViewMarkdown(viewer, "Endplate exchange and AF supply (mesh/)", DS_EP_N, endplate_rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}
