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

#define SOUKANE "Soukane 2007 (typical model value)"
static const DSParam nutrient_params[NPARAM] = {
  [P_D_O2_NP]   = {"nutrient_D_oxygen_NP", "m^2/s", "oxygen diffusivity in the NP", 1.5e-9, 0, 1e-8, PETSC_TRUE, SOUKANE},
  [P_D_O2_AF]   = {"nutrient_D_oxygen_AF", "m^2/s", "oxygen diffusivity in the AF", 1.2e-9, 0, 1e-8, PETSC_TRUE, SOUKANE},
  [P_D_O2_CEP]  = {"nutrient_D_oxygen_CEP", "m^2/s", "oxygen diffusivity in the CEP", 1.0e-9, 0, 1e-8, PETSC_TRUE, SOUKANE},
  [P_D_GLC_NP]  = {"nutrient_D_glucose_NP", "m^2/s", "glucose diffusivity in the NP", 5e-10, 0, 1e-8, PETSC_TRUE, SOUKANE},
  [P_D_GLC_AF]  = {"nutrient_D_glucose_AF", "m^2/s", "glucose diffusivity in the AF", 4e-10, 0, 1e-8, PETSC_TRUE, SOUKANE},
  [P_D_GLC_CEP] = {"nutrient_D_glucose_CEP", "m^2/s", "glucose diffusivity in the CEP", 3e-10, 0, 1e-8, PETSC_TRUE, SOUKANE},
  [P_D_LAC_NP]  = {"nutrient_D_lactate_NP", "m^2/s", "lactate diffusivity in the NP", 6e-10, 0, 1e-8, PETSC_TRUE, SOUKANE},
  [P_D_LAC_AF]  = {"nutrient_D_lactate_AF", "m^2/s", "lactate diffusivity in the AF", 5e-10, 0, 1e-8, PETSC_TRUE, SOUKANE},
  [P_D_LAC_CEP] = {"nutrient_D_lactate_CEP", "m^2/s", "lactate diffusivity in the CEP", 4e-10, 0, 1e-8, PETSC_TRUE, SOUKANE},
  [P_CELLS_NP]  = {"nutrient_cells_NP", "cells/mm^3", "cell density in the NP", 4000, 0, 1e6, PETSC_FALSE, "Maroudas 1975"},
  [P_CELLS_AF]  = {"nutrient_cells_AF", "cells/mm^3", "cell density in the AF", 9000, 0, 1e6, PETSC_FALSE, "Maroudas 1975"},
  [P_CELLS_CEP] = {"nutrient_cells_CEP", "cells/mm^3", "cell density in the CEP", 15000, 0, 1e6, PETSC_FALSE, "Maroudas 1975"},
  [P_PO2_VERT]  = {"nutrient_pO2_vertebra", "kPa", "oxygen partial pressure at the capillary bed (CEP against vertebra)", 5.8, 0, 30, PETSC_FALSE, "Soukane 2007; Shirazi-Adl 2010"},
  [P_GLC_VERT]  = {"nutrient_glucose_vertebra", "mM", "glucose at the capillary bed", 4.0, 0, 30, PETSC_FALSE, "Soukane 2007; Shirazi-Adl 2010"},
  [P_LAC_VERT]  = {"nutrient_lactate_vertebra", "mM", "lactate at the capillary bed", 0.8, 0, 30, PETSC_FALSE, "Soukane 2007; Shirazi-Adl 2010"},
  [P_PO2_AF]    = {"nutrient_pO2_af_outer", "kPa", "oxygen partial pressure at the outer AF surface", 5.8, 0, 30, PETSC_FALSE, "Soukane 2007; Shirazi-Adl 2010"},
  [P_GLC_AF]    = {"nutrient_glucose_af_outer", "mM", "glucose at the outer AF surface", 4.0, 0, 30, PETSC_FALSE, "Soukane 2007; Shirazi-Adl 2010"},
  [P_LAC_AF]    = {"nutrient_lactate_af_outer", "mM", "lactate at the outer AF surface", 0.8, 0, 30, PETSC_FALSE, "Soukane 2007; Shirazi-Adl 2010"},
  [P_SOLUBILITY]        = {"nutrient_oxygen_solubility", "mM/kPa", "oxygen solubility in tissue water at 37 C", 0.010268, 0, 1, PETSC_TRUE, "published disc models (PARAMETERS.md)"},
  [P_O2_RATE_FACTOR]    = {"nutrient_oxygen_rate_factor", "1", "multiplier on the Bibby oxygen consumption (degenerate cells: 3-5, Cisewski 2018)", 1, 0, 100, PETSC_FALSE, "Bibby 2005 (1 = as measured)"},
  [P_GLYCOLYSIS_FACTOR] = {"nutrient_glycolysis_factor", "1", "multiplier on the Bibby lactate production and glucose consumption", 1, 0, 100, PETSC_FALSE, "Bibby 2005 (1 = as measured)"},
  [P_GLC_CUTOFF]        = {"nutrient_glucose_cutoff", "mM", "glucose at which glycolysis is halved by the starvation switch G^2/(G^2+K^2)", 0.05, 0, 1, PETSC_TRUE, "numerical regularisation (keeps glucose >= 0)", PETSC_TRUE},
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

/* Consumption must vanish as a substrate runs out so that concentrations stay non-negative:
 * oxygen uptake is Michaelis-Menten in p (zero at p = 0, evaluated at p+ = max(p, 0));
 * glycolysis is multiplied by S(G) = G^2/(G^2 + K^2) for G > 0 and 0 otherwise. */
static PetscErrorCode NutrientReaction(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[])
{
  PetscReal alpha = Param(m, P_SOLUBILITY), K = Param(m, P_GLC_CUTOFF);
  PetscReal rho   = CellDensity(m, pt->region) * 1e-6; /* 10^6 cells / mm^3: nmol/(10^6 cells h) -> mM/h */
  PetscReal p = PetscMax(u[O2], 0) / alpha, G = PetscMax(u[GLC], 0);
  PetscReal pH = DSBibbyPH(u[LAC]), a = pH - 4.95;
  PetscBool acid_cut = (PetscBool)(a <= 0);
  if (acid_cut) a = 0;

  PetscReal den = 1.46 + 4.03 * a + p;
  PetscReal QO2 = 7.28 * a * p / den;
  PetscReal E = DSBibbyLactateRate(pH, p), S = G * G / (G * G + K * K);
  PetscReal fo = Param(m, P_O2_RATE_FACTOR) * rho, fg = Param(m, P_GLYCOLYSIS_FACTOR) * rho;

  PetscFunctionBeginUser;
  r[O2]  = -fo * QO2; /* O2 is carried as a concentration, so nmol/(10^6 cells h) x 10^6 cells/mm^3 = mM/h */
  r[GLC] = -0.5 * fg * E * S;
  r[LAC] = fg * E * S;
  if (J) {
    PetscReal dp_dc  = u[O2] > 0 ? 1 / alpha : 0;
    PetscReal dpH_dL = -1 / 11.11;
    PetscReal dQ_dp  = 7.28 * a * (1.46 + 4.03 * a) / (den * den);
    PetscReal dQ_da  = acid_cut ? 0 : 7.28 * p * (1.46 + p) / (den * den);
    PetscReal dE_dp  = E * (0.16 - 0.0116 * p), dE_dpH = 0.93 * E;
    PetscReal dS_dG  = u[GLC] > 0 ? 2 * G * K * K / ((G * G + K * K) * (G * G + K * K)) : 0;
    J[O2 * NSP + O2]   = -fo * dQ_dp * dp_dc;
    J[O2 * NSP + GLC]  = 0;
    J[O2 * NSP + LAC]  = -fo * dQ_da * dpH_dL;
    J[LAC * NSP + O2]  = fg * dE_dp * dp_dc * S;
    J[LAC * NSP + GLC] = fg * E * dS_dG;
    J[LAC * NSP + LAC] = fg * dE_dpH * dpH_dL * S;
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
