/* The nutrient component: oxygen, glucose and lactate with the Bibby et al. (2005) metabolism,
 * their diffusivities per region, supply at the capillary bed and the outer annulus, initial
 * state and diagnostics (pH, pO2). Every model that carries these three fields uses it, so the
 * laws, their Jacobian and their parameters exist once (models/nutrient/dsnutrient.c).
 *
 * A model places the component's DS_NUT_NPARAM parameter rows at an offset of its own table
 * (DSNutrientParameters), its three species consecutively from a first index (oxygen, glucose,
 * lactate) and its two diagnostics consecutively (pH, pO2), and describes that in a DSNutrient. */
#ifndef DSNUTRIENT_H
#define DSNUTRIENT_H
#include "dsmodelimpl.h"

/* The Bibby et al. 2005 laws in their published units: rates in nmol per 10^6 cells per hour,
 * pO2 p in kPa, lactate in mM. */
PetscReal DSBibbyPH(PetscReal lactate_mM);
PetscReal DSBibbyOxygenRate(PetscReal pH, PetscReal p_kPa);
PetscReal DSBibbyLactateRate(PetscReal pH, PetscReal p_kPa);

/* The metabolism of 10^6 cells/mm^3 at oxygen concentration c (mM), glucose G and lactate L
 * (mM): oxygen uptake and lactate production in mM/h (glucose uptake is half the lactate), with
 * the non-negativity switches of doc/equations.md (p+ = max(c,0)/alpha; glycolysis x
 * G^2/(G^2 + K^2); acid cut-off max(pH - 4.95, 0)) and every derivative (per mM). */
typedef struct {
  PetscReal o2, lac;                  /* mM/h per 10^6 cells/mm^3 */
  PetscReal do2_dc, do2_dL;           /* d(o2)/d(oxygen), d(o2)/d(lactate) */
  PetscReal dlac_dc, dlac_dG, dlac_dL;
} DSBibbyRates;
void DSBibbyMetabolism(PetscReal c, PetscReal G, PetscReal L, PetscReal alpha, PetscReal K_glucose, DSBibbyRates *r);

/* The component's parameters, in this order from the model's offset (keys PREFIX + the name). */
enum {
  DS_NUT_D_O2_NP, DS_NUT_D_O2_AF, DS_NUT_D_O2_CEP, DS_NUT_D_GLC_NP, DS_NUT_D_GLC_AF, DS_NUT_D_GLC_CEP, DS_NUT_D_LAC_NP, DS_NUT_D_LAC_AF, DS_NUT_D_LAC_CEP,
  DS_NUT_CELLS_NP, DS_NUT_CELLS_AF, DS_NUT_CELLS_CEP,
  DS_NUT_PO2_VERT, DS_NUT_GLC_VERT, DS_NUT_LAC_VERT, DS_NUT_PO2_AF, DS_NUT_GLC_AF, DS_NUT_LAC_AF,
  DS_NUT_SOLUBILITY, DS_NUT_O2_RATE_FACTOR, DS_NUT_GLYCOLYSIS_FACTOR, DS_NUT_GLC_CUTOFF,
  DS_NUT_INIT_PO2, DS_NUT_INIT_GLC, DS_NUT_INIT_LAC,
  DS_NUT_WATER_NP, DS_NUT_WATER_AF, DS_NUT_WATER_CEP,
  DS_NUT_NPARAM
};
enum { DS_NUT_NSPECIES = 3, DS_NUT_NDIAG = 2 };

typedef struct {
  PetscInt  p0;       /* index of DS_NUT_D_O2_NP in the model's parameter table */
  PetscInt  O2, GLC, LAC; /* species (consecutive) */
  PetscInt  pH, pO2;  /* diagnostic indices (0-based among the model's diagnostics) */
  PetscReal cep_factor; /* multiplies every CEP diffusivity (1: as given) */
  char     *keys;     /* text of the parameter rows (DSNutrientParameters), freed by DSNutrientDestroy */
  PetscInt  grade;    /* -disc_grade (0: none) and what it set (DSNutrientSetGrade), for the run header */
  char      grade_note[384];
} DSNutrient;

/* oxygen, glucose, lactate, then pH and pO2: the component's fields, in that order */
extern const DSFieldInfo DSNutrientFields[DS_NUT_NSPECIES + DS_NUT_NDIAG];

/* Writes the DS_NUT_NPARAM rows into params[] (the model's table from its offset): keys
 * PREFIX + name; cep_note is appended to the help of the CEP diffusivities; cells_open: a density
 * of 0 is refused (for models that divide by it). The key strings are kept in nut->keys. */
PetscErrorCode DSNutrientParameters(const char prefix[], const char cep_note[], PetscBool cells_open, DSParam params[], DSNutrient *nut);
PetscErrorCode DSNutrientDestroy(DSNutrient *nut);
/* value in force of component parameter i (inline: the metabolism reads it in every cell) */
static inline PetscReal DSNutrientParam(DSModel m, const DSNutrient *nut, PetscInt i) { return DSModelParam(m, nut->p0 + i); }
/* Mackie & Meares (1955): D/D_water = (phi/(2 - phi))^2 in a medium of water volume fraction phi */
PetscReal      DSMackieMeares(PetscReal phi);
/* the factor on a region's nutrient diffusivities for its water content: Mackie-Meares at the
 * value in force over Mackie-Meares at the row's default (exactly 1 at the default) */
PetscReal      DSNutrientWaterFactor(DSModel m, const DSNutrient *nut, DSRegion region);
/* -disc_grade (common/dsgrade.h): the component's grade rows (water content, viable cell density)
 * fill the keys the user did not set; then m shows them in the run header and -parameters_markdown.
 * Call from the model's setfromoptions, after any other preset; prefix as in DSNutrientParameters. */
PetscErrorCode DSNutrientSetGrade(DSModel m, DSNutrient *nut, const char prefix[]);
/* m->D for the three species in NP, AF, CEP (mm^2/h): the rows x the water factor (x cep_factor in the CEP) */
void           DSNutrientSetDiffusivities(DSModel m, const DSNutrient *nut);
/* healthy cell density of a region, cells/mm^3 (0 outside) */
PetscReal      DSNutrientCellDensity(DSModel m, const DSNutrient *nut, DSRegion region);
/* Rates (mM/h) of the three species for effective densities fo (oxygen) and fg (glycolysis) in
 * 10^6 cells/mm^3, and the Jacobian entries of their rows in the three nutrient columns (J
 * row-major n x n, may be NULL). Call DSNutrientGlucoseRow after adding any other column to the
 * lactate row: glucose uptake is half the lactate production, column by column. */
void           DSNutrientConsumption(DSModel m, const DSNutrient *nut, const PetscScalar u[], PetscReal fo, PetscReal fg, DSBibbyRates *b, PetscScalar r[], PetscScalar J[], PetscInt n);
void           DSNutrientGlucoseRow(const DSNutrient *nut, PetscScalar r[], PetscScalar J[], PetscInt n);
/* the Jacobian pattern of the nutrient rows among themselves (fill row-major n x n) */
void           DSNutrientPattern(const DSNutrient *nut, PetscInt fill[], PetscInt n);
/* Dirichlet supply at the vertebra and the outer AF; nothing at bone. *supplied says which. */
void           DSNutrientBoundary(DSModel m, const DSNutrient *nut, DSFaceKind kind, DSBCType bc[], PetscScalar value[], PetscBool *supplied);
void           DSNutrientInitial(DSModel m, const DSNutrient *nut, PetscScalar u[]);
/* d[] are the model's diagnostics: sets d[nut->pH] and d[nut->pO2] */
void           DSNutrientDiagnostics(DSModel m, const DSNutrient *nut, const PetscScalar u[], PetscScalar d[]);

/* The boundary, initial, diagnostics and destroy operations of a model whose data (m->data) is
 * a DSNutrient: a model of the nutrient fields alone uses them as they are. */
PetscErrorCode DSNutrientOpBoundary(DSModel m, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[]);
PetscErrorCode DSNutrientOpInitial(DSModel m, const DSPoint *pt, PetscScalar u[]);
PetscErrorCode DSNutrientOpDiagnostics(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar d[]);
PetscErrorCode DSNutrientOpDestroy(DSModel m);
#endif
