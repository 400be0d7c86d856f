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

static PetscErrorCode NutrientSetUp(DSModel m)
{
  PetscFunctionBeginUser;
  DSNutrientSetDiffusivities(m, (const DSNutrient *)m->data);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* rates in mM/h: nmol/(10^6 cells h) x 10^6 cells/mm^3 (O2 is carried as a concentration) */
static PetscErrorCode NutrientReaction(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[])
{
  const DSNutrient *nut = (const DSNutrient *)m->data;
  const PetscReal   rho = DSNutrientCellDensity(m, nut, pt->region) * 1e-6;
  const PetscReal   fo = DSModelParam(m, DS_NUT_O2_RATE_FACTOR) * rho, fg = DSModelParam(m, DS_NUT_GLYCOLYSIS_FACTOR) * rho;
  DSBibbyRates      b;

  PetscFunctionBeginUser;
  DSNutrientConsumption(m, nut, u, fo, fg, &b, r, J, DS_NUT_NSPECIES);
  DSNutrientGlucoseRow(nut, r, J, DS_NUT_NSPECIES);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -disc_grade: water content and viable cell density of the grade, unless given */
static PetscErrorCode NutrientSetFromOptions(DSModel m, PetscOptionItems *PetscOptionsObject)
{
  PetscFunctionBeginUser;
  PetscCall(DSNutrientSetGrade(m, (DSNutrient *)m->data, "nutrient_"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const DSModelOps nutrient_ops = {
  .setfromoptions = NutrientSetFromOptions, .setup = NutrientSetUp, .reaction = NutrientReaction, .boundary = DSNutrientOpBoundary, .initial = DSNutrientOpInitial, .diagnostics = DSNutrientOpDiagnostics, .destroy = DSNutrientOpDestroy,
};

PetscErrorCode DSModelCreate_Nutrient(DSModel m)
{
  DSParam     params[DS_NUT_NPARAM];
  DSNutrient *nut;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&nut));
  *nut    = (DSNutrient){0, O2, GLC, LAC, PH - DS_NUT_NSPECIES, PO2 - DS_NUT_NSPECIES, 1.0, NULL}; /* parameters from 0 */
  m->data = nut;
  PetscCall(DSNutrientParameters("nutrient_", "", PETSC_FALSE, params, nut));
  PetscCall(DSModelSetParameters(m, DS_NUT_NPARAM, params));
  m->nspecies = DS_NUT_NSPECIES;
  m->ndiag    = DS_NUT_NDIAG;
  m->fields   = DSNutrientFields;
  m->figures  = nutrient_figures;
  m->nfigures = PETSC_STATIC_ARRAY_LENGTH(nutrient_figures);
  m->ops      = nutrient_ops;
  PetscFunctionReturn(PETSC_SUCCESS);
}
