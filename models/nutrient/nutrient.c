/* The "nutrient" model: oxygen, glucose and lactate of the disc's own (healthy) cells, with the
 * nutrient component (dsnutrient.h). Equations: doc/equations.md; sources: doc/parameters.md. */
#include "dsnutrient.h"

enum { O2, GLC, LAC, PH = DS_NUT_NSPECIES, PO2 }; /* species, then diagnostics, as output fields */

static const DSFigure nutrient_figures[] = {
  {"pO2_NP_centre", "kPa", PO2, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1},
  {"glucose_NP_centre", "mM", GLC, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1},
  {"lactate_NP_centre", "mM", LAC, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1},
  {"pH_NP_centre", "1", PH, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1},
  {"pO2_min", "kPa", PO2, DS_FIGURE_MINIMUM, DS_REGION_OUTSIDE, 0, -1},
  {"glucose_min", "mM", GLC, DS_FIGURE_MINIMUM, DS_REGION_OUTSIDE, 0, -1},
  {"pH_min", "1", PH, DS_FIGURE_MINIMUM, DS_REGION_OUTSIDE, 0, -1},
};

/* species oxygen, glucose, lactate (0, 1, 2); diagnostics pH, pO2; parameters from 0 */
static const DSNutrient layout = {0, 0, 1, 2, 0, 1, 1.0};

typedef struct {
  char *keys; /* the parameter keys and help texts */
} Nutrient;

static PetscErrorCode NutrientSetUp(DSModel m)
{
  PetscFunctionBeginUser;
  DSNutrientSetDiffusivities(m, &layout);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* rates in mM/h: nmol/(10^6 cells h) x 10^6 cells/mm^3 (O2 is carried as a concentration) */
static PetscErrorCode NutrientReaction(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[])
{
  const PetscReal rho = DSNutrientCellDensity(m, &layout, pt->region) * 1e-6;
  const PetscReal fo = DSModelParam(m, DS_NUT_O2_RATE_FACTOR) * rho, fg = DSModelParam(m, DS_NUT_GLYCOLYSIS_FACTOR) * rho;
  DSBibbyRates    b;

  PetscFunctionBeginUser;
  DSNutrientConsumption(m, &layout, u, fo, fg, &b, r, J, DS_NUT_NSPECIES);
  DSNutrientGlucoseRow(&layout, r, J, DS_NUT_NSPECIES);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NutrientBoundary(DSModel m, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[])
{
  PetscBool supplied;

  PetscFunctionBeginUser;
  DSNutrientBoundary(m, &layout, kind, bc, value, &supplied);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NutrientInitial(DSModel m, const DSPoint *pt, PetscScalar u[])
{
  PetscFunctionBeginUser;
  DSNutrientInitial(m, &layout, u);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NutrientDiagnostics(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar d[])
{
  PetscFunctionBeginUser;
  DSNutrientDiagnostics(m, &layout, u, d);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NutrientDestroy(DSModel m)
{
  Nutrient *nut = (Nutrient *)m->data;

  PetscFunctionBeginUser;
  PetscCall(PetscFree(nut->keys));
  PetscCall(PetscFree(m->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelCreate_Nutrient(DSModel m)
{
  DSParam   params[DS_NUT_NPARAM];
  Nutrient *nut;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&nut));
  m->data = nut;
  PetscCall(DSNutrientParameters("nutrient_", "", PETSC_FALSE, params, &nut->keys));
  PetscCall(DSModelSetParameters(m, DS_NUT_NPARAM, params));
  m->nspecies = DS_NUT_NSPECIES;
  m->ndiag    = DS_NUT_NDIAG;
  m->fields   = DSNutrientFields;
  m->figures  = nutrient_figures;
  m->nfigures = PETSC_STATIC_ARRAY_LENGTH(nutrient_figures);
  m->ops.setup       = NutrientSetUp;
  m->ops.reaction    = NutrientReaction;
  m->ops.boundary    = NutrientBoundary;
  m->ops.initial     = NutrientInitial;
  m->ops.diagnostics = NutrientDiagnostics;
  m->ops.destroy     = NutrientDestroy;
  PetscFunctionReturn(PETSC_SUCCESS);
}
