#include "dsmodelimpl.h"
#include "dsoptions.h"

static PetscFunctionList DSModelList     = NULL;
static PetscBool         DSModelsAreRegistered = PETSC_FALSE;

PetscErrorCode DSModelRegister(const char name[], PetscErrorCode (*create)(DSModel))
{
  PetscFunctionBeginUser;
  PetscCall(PetscFunctionListAdd(&DSModelList, name, create));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelRegisterAll(void)
{
  PetscFunctionBeginUser;
  if (DSModelsAreRegistered) PetscFunctionReturn(PETSC_SUCCESS);
  DSModelsAreRegistered = PETSC_TRUE;
  PetscCall(DSModelRegister("nutrient", DSModelCreate_Nutrient));
  PetscCall(DSModelRegister("biology", DSModelCreate_Biology));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetRegisteredNames(PetscInt *n, const char ***names)
{
  int count;

  PetscFunctionBeginUser;
  PetscCall(DSModelRegisterAll());
  PetscCall(PetscFunctionListGet(DSModelList, names, &count)); /* caller frees *names with PetscFree */
  for (*n = 0; *n < count && (*names)[*n]; (*n)++) {}                 /* PETSc 3.18 counts the NULL terminator */
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelCreate(MPI_Comm comm, DSModel *model)
{
  PetscFunctionBeginUser;
  PetscCall(DSModelRegisterAll());
  PetscCall(PetscNew(model));
  (*model)->comm = comm;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelSetType(DSModel model, const char type[])
{
  PetscErrorCode (*create)(DSModel);

  PetscFunctionBeginUser;
  PetscCheck(!model->type, model->comm, PETSC_ERR_ORDER, "model type already set to %s", model->type);
  PetscCall(PetscFunctionListFind(DSModelList, type, &create));
  if (!create) {
    char     known[512] = "";
    PetscInt n;
    const char **names;
    PetscCall(DSModelGetRegisteredNames(&n, &names));
    for (PetscInt i = 0; i < n; i++) {
      PetscCall(PetscStrlcat(known, i ? ", " : "", sizeof known));
      PetscCall(PetscStrlcat(known, names[i], sizeof known));
    }
    PetscCall(PetscFree(names));
    SETERRQ(model->comm, PETSC_ERR_ARG_UNKNOWN_TYPE, "input -model = %s is not a known model: allowed %s", type, known);
  }
  PetscCall(PetscStrallocpy(type, &model->type));
  PetscCall((*create)(model));
  PetscCall(DSModelCheckInterface(model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A model that leaves out a required operation would crash at the first call through it. */
static PetscErrorCode DSModelCheckOps(DSModel m)
{
  const struct {
    const char *name;
    PetscBool   present;
  } required[] = {
    {"setup", (PetscBool)!!m->ops.setup},
    {"reaction", (PetscBool)!!m->ops.reaction},
    {"boundary", (PetscBool)!!m->ops.boundary},
    {"initial", (PetscBool)!!m->ops.initial},
    {"diagnostics", (PetscBool)(m->ndiag == 0 || m->ops.diagnostics)},
  };

  PetscFunctionBeginUser;
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(required); i++)
    PetscCheck(required[i].present, m->comm, PETSC_ERR_PLIB, "model '%s' is incomplete: it provides no '%s' operation (DSModelOps.%s is required%s)", m->type, required[i].name,
               required[i].name, i == 4 ? " when the model has diagnostics" : "");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelCheckInterface(DSModel m)
{
  PetscFunctionBeginUser;
  PetscCall(DSModelCheckOps(m));
  PetscCheck(m->nspecies >= 1 && m->nspecies <= DS_MAX_SPECIES, m->comm, PETSC_ERR_SUP, "model '%s' has %" PetscInt_FMT " species: allowed 1 to %d (DS_MAX_SPECIES)", m->type, m->nspecies, DS_MAX_SPECIES);
  PetscCheck(m->ndiag >= 0 && m->ndiag <= DS_MAX_DIAGNOSTICS, m->comm, PETSC_ERR_SUP, "model '%s' has %" PetscInt_FMT " diagnostics: allowed 0 to %d (DS_MAX_DIAGNOSTICS)", m->type, m->ndiag, DS_MAX_DIAGNOSTICS);
  PetscCheck(m->nfigures >= 0 && m->nfigures <= DS_MAX_FIGURES, m->comm, PETSC_ERR_SUP, "model '%s' has %" PetscInt_FMT " key figures: allowed 0 to %d (DS_MAX_FIGURES)", m->type, m->nfigures, DS_MAX_FIGURES);
  PetscCheck(m->fields, m->comm, PETSC_ERR_PLIB, "model '%s' is incomplete: no field table (DSModel.fields) for its species and diagnostics", m->type);
  PetscCheck(m->nfigures == 0 || m->figures, m->comm, PETSC_ERR_PLIB, "model '%s' declares %" PetscInt_FMT " key figures but no figure table", m->type, m->nfigures);
  for (PetscInt f = 0; f < m->nfigures; f++)
    PetscCheck(m->figures[f].field >= 0 && m->figures[f].field < m->nspecies + m->ndiag, m->comm, PETSC_ERR_PLIB, "model '%s': key figure '%s' refers to field %" PetscInt_FMT ", but the model has %" PetscInt_FMT " fields",
               m->type, m->figures[f].name, m->figures[f].field, m->nspecies + m->ndiag);
  for (PetscInt i = 0; i < m->ninjectables; i++) PetscCheck(m->injectables[i].name && m->injectables[i].species, m->comm, PETSC_ERR_PLIB, "model '%s': injectable %" PetscInt_FMT " has no name or species", m->type, i);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelSetParameters(DSModel model, PetscInt n, const DSParam params[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(model->params));
  PetscCall(PetscMalloc1(n, &model->params));
  PetscCall(PetscArraycpy(model->params, params, n));
  model->nparams = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSModelReadOptions(DSModel model, PetscOptionItems *PetscOptionsObject)
{
  char      type[64] = "nutrient";
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsFList("-model", "kinetics model", "DSModelSetType", DSModelList, model->type ? model->type : type, type, sizeof type, &set));
  if (!model->type) PetscCall(DSModelSetType(model, type));
  PetscCall(DSParamsSetFromOptions(PetscOptionsObject, model->nparams, model->params));
  if (model->ops.setfromoptions) PetscCall(model->ops.setfromoptions(model, PetscOptionsObject));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelSetFromOptions(DSModel model)
{
  PetscFunctionBeginUser;
  PetscCall(DSOptionsCheckString("-model"));
  DSOptionsBlock(model->comm, "Kinetics model (models/)", DSModelReadOptions(model, PetscOptionsObject));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelSetUp(DSModel model)
{
  PetscFunctionBeginUser;
  if (model->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(model->type, model->comm, PETSC_ERR_ORDER, "set the model type first");
  PetscCall(DSModelCheckInterface(model)); /* the layout may have changed since the type was set */
  PetscCall(PetscCalloc1(DS_NUM_REGIONS * model->nspecies, &model->D));
  PetscCall(model->ops.setup(model));
  model->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelDestroy(DSModel *model)
{
  PetscFunctionBeginUser;
  if (!*model) PetscFunctionReturn(PETSC_SUCCESS);
  if ((*model)->ops.destroy) PetscCall((*model)->ops.destroy(*model));
  PetscCall(PetscFree((*model)->type));
  PetscCall(PetscFree((*model)->params));
  PetscCall(PetscFree((*model)->D));
  PetscCall(PetscFree(*model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetName(DSModel model, const char **name)
{
  PetscFunctionBeginUser;
  *name = model->type;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetNumSpecies(DSModel model, PetscInt *n)
{
  PetscFunctionBeginUser;
  *n = model->nspecies;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetNumDiagnostics(DSModel model, PetscInt *n)
{
  PetscFunctionBeginUser;
  *n = model->ndiag;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetField(DSModel model, PetscInt field, const DSFieldInfo **info)
{
  PetscFunctionBeginUser;
  PetscCheck(field >= 0 && field < model->nspecies + model->ndiag, model->comm, PETSC_ERR_ARG_OUTOFRANGE, "no field %" PetscInt_FMT, field);
  *info = &model->fields[field];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetParameters(DSModel model, PetscInt *n, const DSParam **rows)
{
  PetscFunctionBeginUser;
  *n    = model->nparams;
  *rows = model->params;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetFigures(DSModel model, PetscInt *n, const DSFigure **figures)
{
  PetscFunctionBeginUser;
  *n       = model->nfigures;
  *figures = model->figures;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetDiffusivity(DSModel model, DSRegion region, PetscReal D[])
{
  PetscFunctionBeginUser;
  PetscCheck(model->setup, model->comm, PETSC_ERR_ORDER, "call DSModelSetUp() first");
  for (PetscInt s = 0; s < model->nspecies; s++) D[s] = model->D[region * model->nspecies + s];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The unit of an amount of a species (its unit x mm^3): mM -> nmol, X/mm^3 -> X; per mm^2 of
 * cross-section for 1D meshes; per hour for rates. */
PetscErrorCode DSModelGetAmountUnit(DSModel model, PetscInt species, PetscBool per_area, PetscBool rate, char out[], size_t len)
{
  const char *unit = model->fields[species].unit;
  char        base[64];
  size_t      n = strlen(unit);

  PetscFunctionBeginUser;
  if (!strcmp(unit, "mM")) PetscCall(PetscStrncpy(base, "nmol", sizeof base));
  else if (!strcmp(unit, "1")) PetscCall(PetscStrncpy(base, "mm^3", sizeof base)); /* a relative content integrated over volume */
  else if (n > 5 && !strcmp(unit + n - 5, "/mm^3")) {
    PetscCall(PetscStrncpy(base, unit, sizeof base));
    base[n - 5] = 0;
  } else PetscCall(PetscSNPrintf(base, sizeof base, "%s mm^3", unit));
  if (per_area && rate) PetscCall(PetscSNPrintf(out, len, "%s/(mm^2 h)", base));
  else if (per_area) PetscCall(PetscSNPrintf(out, len, "%s/mm^2", base));
  else if (rate) PetscCall(PetscSNPrintf(out, len, "%s/h", base));
  else PetscCall(PetscStrncpy(out, base, len));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetInjectables(DSModel model, PetscInt *n, const DSInjectable **injectables)
{
  PetscFunctionBeginUser;
  *n = model->ninjectables;
  if (injectables) *injectables = model->injectables;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelSelectInjectables(DSModel model, const PetscBool used[])
{
  PetscFunctionBeginUser;
  PetscCheck(!model->setup, model->comm, PETSC_ERR_ORDER, "select the injectables before DSModelSetUp()");
  if (model->ops.selectinjectables) PetscCall(model->ops.selectinjectables(model, used));
  PetscCall(DSModelCheckInterface(model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelSetInjury(DSModel model, PetscBool active)
{
  PetscFunctionBeginUser;
  PetscCheck(!model->setup, model->comm, PETSC_ERR_ORDER, "set the injury before DSModelSetUp()");
  PetscCheck(!active || model->ops.setinjury, model->comm, PETSC_ERR_SUP, "model '%s' declares no injection injury: -injectionN_injury needs a model that does (-model biology)", model->type);
  if (model->ops.setinjury) PetscCall(model->ops.setinjury(model, active));
  PetscCall(DSModelCheckInterface(model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetInjury(DSModel model, const DSInjury **injury)
{
  PetscFunctionBeginUser;
  PetscCheck(model->setup, model->comm, PETSC_ERR_ORDER, "DSModelGetInjury() needs DSModelSetUp() first");
  *injury = model->injury;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetSpeciesIndex(DSModel model, const char name[], PetscInt *species)
{
  PetscFunctionBeginUser;
  *species = -1;
  for (PetscInt s = 0; s < model->nspecies && *species < 0; s++) {
    PetscBool eq;
    PetscCall(PetscStrcmp(model->fields[s].name, name, &eq));
    if (eq) *species = s;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetParameter(DSModel model, const char key[], PetscReal *value)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < model->nparams; i++) {
    PetscBool eq;
    PetscCall(PetscStrcmp(model->params[i].key, key, &eq));
    if (!eq) continue;
    *value = model->params[i].value;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  SETERRQ(model->comm, PETSC_ERR_ARG_WRONG, "model '%s' has no parameter -%s", model->type, key);
}

PetscErrorCode DSModelGetBoundarySink(DSModel model, PetscInt species, PetscInt *sink)
{
  PetscFunctionBeginUser;
  *sink = model->boundary_sink ? model->boundary_sink[species] : -1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelGetJacobianFill(DSModel model, const PetscInt **fill)
{
  PetscFunctionBeginUser;
  *fill = model->jacobian_fill;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelReaction(DSModel model, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[])
{
  PetscFunctionBeginUser;
  PetscCall(model->ops.reaction(model, pt, u, r, J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelBoundary(DSModel model, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[])
{
  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < model->nspecies; s++) bc[s] = DS_BC_NOFLUX, value[s] = 0;
  if (kind == DS_BOUNDARY_AXIS || kind == DS_FACE_INTERIOR) PetscFunctionReturn(PETSC_SUCCESS); /* symmetry: never a source */
  PetscCall(model->ops.boundary(model, kind, pt, bc, value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelInitial(DSModel model, const DSPoint *pt, PetscScalar u[])
{
  PetscFunctionBeginUser;
  PetscCall(model->ops.initial(model, pt, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelDiagnostics(DSModel model, const DSPoint *pt, const PetscScalar u[], PetscScalar d[])
{
  PetscFunctionBeginUser;
  if (model->ndiag) PetscCall(model->ops.diagnostics(model, pt, u, d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Largest relative difference between the analytic Jacobian block and centred differences. */
PetscErrorCode DSModelCheckJacobian(DSModel model, const DSPoint *pt, const PetscScalar u[], PetscReal *relerr)
{
  PetscInt     n = model->nspecies;
  PetscScalar *J, *up, *um, *rp, *rm, *r;
  PetscReal    worst = 0, jmax = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc6(n * n, &J, n, &up, n, &um, n, &rp, n, &rm, n, &r));
  PetscCall(DSModelReaction(model, pt, u, r, J));
  for (PetscInt i = 0; i < n * n; i++) jmax = PetscMax(jmax, PetscAbsScalar(J[i]));
  for (PetscInt c = 0; c < n; c++) {
    PetscReal h = 1e-6 * PetscMax(PetscAbsScalar(u[c]), model->fields[c].scale);
    PetscCall(PetscArraycpy(up, u, n));
    PetscCall(PetscArraycpy(um, u, n));
    up[c] += h, um[c] -= h;
    PetscCall(DSModelReaction(model, pt, up, rp, NULL));
    PetscCall(DSModelReaction(model, pt, um, rm, NULL));
    for (PetscInt row = 0; row < n; row++) {
      PetscReal fd = (rp[row] - rm[row]) / (2 * h);
      /* scale each entry by the column's natural size so species of different units compare */
      PetscReal err = PetscAbsReal(fd - J[row * n + c]) / PetscMax(PetscAbsReal(J[row * n + c]), 1e-8 * jmax + 1e-300);
      worst = PetscMax(worst, PetscAbsReal(fd - J[row * n + c]) < 1e-12 * (jmax + 1e-300) ? 0 : err);
      /* a derivative outside the declared pattern would be dropped from the matrices */
      if (model->jacobian_fill && !model->jacobian_fill[row * n + c] && row != c && PetscAbsReal(fd) > 1e-10 * (jmax + 1e-300)) worst = PetscMax(worst, 1.0);
    }
  }
  *relerr = worst;
  PetscCall(PetscFree6(J, up, um, rp, rm, r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelView(DSModel model, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "model: %s, species", model->type));
  for (PetscInt s = 0; s < model->nspecies; s++) PetscCall(PetscViewerASCIIPrintf(viewer, " %s [%s]", model->fields[s].name, model->fields[s].unit));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
  if (model->view_note && model->view_note[0]) PetscCall(PetscViewerASCIIPrintf(viewer, "model: %s\n", model->view_note));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelViewParametersMarkdown(DSModel model, PetscViewer viewer)
{
  char title[128];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(title, sizeof title, "Model `%s` (models/)", model->type));
  PetscCall(DSParamsViewMarkdown(viewer, title, model->nparams, model->params));
  PetscCall(PetscSNPrintf(title, sizeof title, "Model `%s` per degeneration grade (models/; -disc_grade N, Pfirrmann 2001)", model->type));
  if (model->ngrade_rows) PetscCall(DSGradeViewMarkdown(viewer, title, model->grade_prefix, model->ngrade_rows, model->grade_rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}
