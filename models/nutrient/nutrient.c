/* Nutrient model: oxygen, glucose and lactate with the Bibby et al. (2005) metabolic laws.
 * Equations: doc/equations.md; parameter sources: doc/parameters.md. */
#include "dsmodelimpl.h"
#include "nutrient.h"

enum { O2, GLC, LAC, NSP };
enum { DIAG_PH, DIAG_PO2, NDIAG };

enum {
  P_D_O2_NP, P_D_O2_AF, P_D_O2_CEP, P_D_GLC_NP, P_D_GLC_AF, P_D_GLC_CEP, P_D_LAC_NP, P_D_LAC_AF, P_D_LAC_CEP,
  P_CELLS_NP, P_CELLS_AF, P_CELLS_CEP,
  P_PO2_VERT, P_GLC_VERT, P_LAC_VERT, P_PO2_AF, P_GLC_AF, P_LAC_AF,
  P_SOLUBILITY, P_O2_RATE_FACTOR, P_GLYCOLYSIS_FACTOR, P_GLC_CUTOFF,
  P_INIT_PO2, P_INIT_GLC, P_INIT_LAC,
  NPARAM
};

static const DSParam nutrient_params[NPARAM] = {
  DS_NUTRIENT_PARAMETERS("nutrient_", "", PETSC_FALSE),
  [P_INIT_PO2]          = {"nutrient_initial_pO2", "kPa", "initial oxygen partial pressure (default: the vertebra value)", 5.8, 0, 30, PETSC_FALSE, "scenario"},
  [P_INIT_GLC]          = {"nutrient_initial_glucose", "mM", "initial glucose (default: the vertebra value)", 4.0, 0, 30, PETSC_FALSE, "scenario"},
  [P_INIT_LAC]          = {"nutrient_initial_lactate", "mM", "initial lactate (default: the vertebra value)", 0.8, 0, 30, PETSC_FALSE, "scenario"},
};

static const DSFieldInfo nutrient_fields[NSP + NDIAG] = {
  {"oxygen", "mM", "dissolved oxygen concentration", 0.06},
  {"glucose", "mM", "glucose concentration", 4.0},
  {"lactate", "mM", "lactate concentration", 1.0},
  {"pH", "1", "pH from lactate: 7.4 - [lactate]/11.11 mM", 7.4},
  {"pO2", "kPa", "oxygen partial pressure", 5.8},
};

static const DSFigure nutrient_figures[] = {
  {"pO2_NP_centre", "kPa", NSP + DIAG_PO2, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1},
  {"glucose_NP_centre", "mM", GLC, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1},
  {"lactate_NP_centre", "mM", LAC, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1},
  {"pH_NP_centre", "1", NSP + DIAG_PH, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1},
  {"pO2_min", "kPa", NSP + DIAG_PO2, DS_FIGURE_MINIMUM, DS_REGION_OUTSIDE, 0, -1},
  {"glucose_min", "mM", GLC, DS_FIGURE_MINIMUM, DS_REGION_OUTSIDE, 0, -1},
  {"pH_min", "1", NSP + DIAG_PH, DS_FIGURE_MINIMUM, DS_REGION_OUTSIDE, 0, -1},
};

/* Bibby et al. 2005 laws (rates in nmol per 10^6 cells per hour; p in kPa). Exposed for tests. */
PetscReal DSBibbyPH(PetscReal lactate_mM) { return 7.4 - lactate_mM / 11.11; }

PetscReal DSBibbyOxygenRate(PetscReal pH, PetscReal p)
{
  PetscReal a = PetscMax(pH - 4.95, 0);
  return 7.28 * a * p / (1.46 + 4.03 * a + p);
}

PetscReal DSBibbyLactateRate(PetscReal pH, PetscReal p) { return PetscExpReal(-2.47 + 0.93 * pH + 0.16 * p - 0.0058 * p * p); }

/* Consumption must vanish as a substrate runs out so that concentrations stay non-negative:
 * oxygen uptake is Michaelis-Menten in p (zero at p = 0, evaluated at p+ = max(p, 0));
 * glycolysis is multiplied by S(G) = G^2/(G^2 + K^2) for G > 0 and 0 otherwise. */
void DSBibbyMetabolism(PetscReal c, PetscReal Graw, PetscReal L, PetscReal alpha, PetscReal K, DSBibbyRates *r)
{
  const PetscReal p = PetscMax(c, 0) / alpha, G = PetscMax(Graw, 0), pH = DSBibbyPH(L);
  const PetscBool acid_cut = (PetscBool)(pH - 4.95 <= 0);
  const PetscReal a = acid_cut ? 0 : pH - 4.95, den = 1.46 + 4.03 * a + p;
  const PetscReal E = DSBibbyLactateRate(pH, p), S = G * G / (G * G + K * K);
  const PetscReal dp_dc = c > 0 ? 1 / alpha : 0, dpH_dL = -1 / 11.11;
  const PetscReal dQ_dp = 7.28 * a * (1.46 + 4.03 * a) / (den * den), dQ_da = acid_cut ? 0 : 7.28 * p * (1.46 + p) / (den * den);
  const PetscReal dS_dG = Graw > 0 ? 2 * G * K * K / ((G * G + K * K) * (G * G + K * K)) : 0;

  r->o2      = 7.28 * a * p / den;
  r->lac     = E * S;
  r->do2_dc  = dQ_dp * dp_dc;
  r->do2_dL  = dQ_da * dpH_dL;
  r->dlac_dc = E * (0.16 - 0.0116 * p) * dp_dc * S;
  r->dlac_dG = E * dS_dG;
  r->dlac_dL = 0.93 * E * dpH_dL * S;
}

static PetscReal Param(DSModel m, PetscInt i) { return m->params[i].value; }

static PetscErrorCode NutrientSetUp(DSModel m)
{
  const PetscInt first[NSP] = {P_D_O2_NP, P_D_GLC_NP, P_D_LAC_NP};
  const DSRegion regions[3] = {DS_REGION_NP, DS_REGION_AF, DS_REGION_CEP};

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < NSP; s++)
    for (PetscInt r = 0; r < 3; r++) m->D[regions[r] * NSP + s] = Param(m, first[s] + r) * DS_M2_PER_S_TO_MM2_PER_H;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal CellDensity(DSModel m, DSRegion region)
{
  switch (region) {
  case DS_REGION_NP: return Param(m, P_CELLS_NP);
  case DS_REGION_AF: return Param(m, P_CELLS_AF);
  case DS_REGION_CEP: return Param(m, P_CELLS_CEP);
  default: return 0;
  }
}

/* rates in mM/h: nmol/(10^6 cells h) x 10^6 cells/mm^3 (O2 is carried as a concentration) */
static PetscErrorCode NutrientReaction(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[])
{
  const PetscReal rho = CellDensity(m, pt->region) * 1e-6;
  const PetscReal fo = Param(m, P_O2_RATE_FACTOR) * rho, fg = Param(m, P_GLYCOLYSIS_FACTOR) * rho;
  DSBibbyRates    b;

  PetscFunctionBeginUser;
  DSBibbyMetabolism(u[O2], u[GLC], u[LAC], Param(m, P_SOLUBILITY), Param(m, P_GLC_CUTOFF), &b);
  r[O2]  = -fo * b.o2;
  r[LAC] = fg * b.lac;
  r[GLC] = -0.5 * r[LAC];
  if (J) {
    J[O2 * NSP + O2]   = -fo * b.do2_dc;
    J[O2 * NSP + GLC]  = 0;
    J[O2 * NSP + LAC]  = -fo * b.do2_dL;
    J[LAC * NSP + O2]  = fg * b.dlac_dc;
    J[LAC * NSP + GLC] = fg * b.dlac_dG;
    J[LAC * NSP + LAC] = fg * b.dlac_dL;
    for (PetscInt c = 0; c < NSP; c++) J[GLC * NSP + c] = -0.5 * J[LAC * NSP + c];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NutrientBoundary(DSModel m, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[])
{
  PetscFunctionBeginUser;
  if (kind != DS_BOUNDARY_VERTEBRA && kind != DS_BOUNDARY_AF_OUTER) PetscFunctionReturn(PETSC_SUCCESS); /* bone: no exchange */
  PetscInt base = kind == DS_BOUNDARY_VERTEBRA ? P_PO2_VERT : P_PO2_AF;
  for (PetscInt s = 0; s < NSP; s++) bc[s] = DS_BC_DIRICHLET;
  value[O2]  = Param(m, base) * Param(m, P_SOLUBILITY);
  value[GLC] = Param(m, base + 1);
  value[LAC] = Param(m, base + 2);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NutrientInitial(DSModel m, const DSPoint *pt, PetscScalar u[])
{
  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < NSP; s++) {
    PetscInt init = P_INIT_PO2 + s, vert = P_PO2_VERT + s;
    u[s] = m->params[init].set ? Param(m, init) : Param(m, vert);
  }
  u[O2] *= Param(m, P_SOLUBILITY);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NutrientDiagnostics(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar d[])
{
  PetscFunctionBeginUser;
  d[DIAG_PH]  = DSBibbyPH(u[LAC]);
  d[DIAG_PO2] = u[O2] / Param(m, P_SOLUBILITY);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelCreate_Nutrient(DSModel m)
{
  PetscFunctionBeginUser;
  m->nspecies = NSP;
  m->ndiag    = NDIAG;
  m->fields   = nutrient_fields;
  m->figures  = nutrient_figures;
  m->nfigures = PETSC_STATIC_ARRAY_LENGTH(nutrient_figures);
  PetscCall(DSModelSetParameters(m, NPARAM, nutrient_params));
  m->ops.setup       = NutrientSetUp;
  m->ops.reaction    = NutrientReaction;
  m->ops.boundary    = NutrientBoundary;
  m->ops.initial     = NutrientInitial;
  m->ops.diagnostics = NutrientDiagnostics;
  PetscFunctionReturn(PETSC_SUCCESS);
}
