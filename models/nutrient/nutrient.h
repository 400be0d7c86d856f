/* The Bibby et al. (2005, Spine 30:487) laws used by the "nutrient" model, in their published
 * units: rates in nmol per 10^6 cells per hour, pO2 p in kPa, lactate in mM. */
#ifndef NUTRIENT_H
#define NUTRIENT_H
#include <petscsys.h>

PetscReal DSBibbyPH(PetscReal lactate_mM);
PetscReal DSBibbyOxygenRate(PetscReal pH, PetscReal p_kPa);
PetscReal DSBibbyLactateRate(PetscReal pH, PetscReal p_kPa);

/* The metabolism of 10^6 cells/mm^3 at oxygen concentration c (mM), glucose G and lactate L
 * (mM): oxygen uptake and lactate production in mM/h (glucose uptake is half the lactate), with
 * the non-negativity switches of doc/equations.md (p+ = max(c,0)/alpha; glycolysis x
 * G^2/(G^2 + K^2); acid cut-off max(pH - 4.95, 0)) and every derivative (per mM). Shared by
 * every model with the nutrient fields, so the laws and their Jacobian exist once. */
typedef struct {
  PetscReal o2, lac;                  /* mM/h per 10^6 cells/mm^3 */
  PetscReal do2_dc, do2_dL;           /* d(o2)/d(oxygen), d(o2)/d(lactate) */
  PetscReal dlac_dc, dlac_dG, dlac_dL;
} DSBibbyRates;

void DSBibbyMetabolism(PetscReal c, PetscReal G, PetscReal L, PetscReal alpha, PetscReal K_glucose, DSBibbyRates *r);

/* The parameter rows of the nutrient fields (transport, healthy cell densities, boundary values,
 * solubility, metabolic factors, starvation switch), for a model's DSParam table: PREFIX is its
 * key prefix; its enum must name these indices (P_D_O2_NP ... P_GLC_CUTOFF). CELLS_OPEN: PETSC_TRUE
 * when a density of 0 is not allowed (a model that divides by it). */
#define DS_SOUKANE_2007 "Soukane 2007 (typical model value)"
#define DS_BC_SOURCE    "Soukane 2007; Shirazi-Adl 2010"
#define DS_NUTRIENT_PARAMETERS(PREFIX, CEP_NOTE, CELLS_OPEN) \
  [P_D_O2_NP]   = {PREFIX "D_oxygen_NP", "m^2/s", "oxygen diffusivity in the NP", 1.5e-9, 0, 1e-8, PETSC_TRUE, DS_SOUKANE_2007}, \
  [P_D_O2_AF]   = {PREFIX "D_oxygen_AF", "m^2/s", "oxygen diffusivity in the AF", 1.2e-9, 0, 1e-8, PETSC_TRUE, DS_SOUKANE_2007}, \
  [P_D_O2_CEP]  = {PREFIX "D_oxygen_CEP", "m^2/s", "oxygen diffusivity in the CEP" CEP_NOTE, 1.0e-9, 0, 1e-8, PETSC_TRUE, DS_SOUKANE_2007}, \
  [P_D_GLC_NP]  = {PREFIX "D_glucose_NP", "m^2/s", "glucose diffusivity in the NP", 5e-10, 0, 1e-8, PETSC_TRUE, DS_SOUKANE_2007}, \
  [P_D_GLC_AF]  = {PREFIX "D_glucose_AF", "m^2/s", "glucose diffusivity in the AF", 4e-10, 0, 1e-8, PETSC_TRUE, DS_SOUKANE_2007}, \
  [P_D_GLC_CEP] = {PREFIX "D_glucose_CEP", "m^2/s", "glucose diffusivity in the CEP" CEP_NOTE, 3e-10, 0, 1e-8, PETSC_TRUE, DS_SOUKANE_2007}, \
  [P_D_LAC_NP]  = {PREFIX "D_lactate_NP", "m^2/s", "lactate diffusivity in the NP", 6e-10, 0, 1e-8, PETSC_TRUE, DS_SOUKANE_2007}, \
  [P_D_LAC_AF]  = {PREFIX "D_lactate_AF", "m^2/s", "lactate diffusivity in the AF", 5e-10, 0, 1e-8, PETSC_TRUE, DS_SOUKANE_2007}, \
  [P_D_LAC_CEP] = {PREFIX "D_lactate_CEP", "m^2/s", "lactate diffusivity in the CEP" CEP_NOTE, 4e-10, 0, 1e-8, PETSC_TRUE, DS_SOUKANE_2007}, \
  [P_CELLS_NP]  = {PREFIX "cells_NP", "cells/mm^3", "healthy cell density in the NP", 4000, 0, 1e6, CELLS_OPEN, "Maroudas 1975"}, \
  [P_CELLS_AF]  = {PREFIX "cells_AF", "cells/mm^3", "healthy cell density in the AF", 9000, 0, 1e6, CELLS_OPEN, "Maroudas 1975"}, \
  [P_CELLS_CEP] = {PREFIX "cells_CEP", "cells/mm^3", "healthy cell density in the CEP", 15000, 0, 1e6, CELLS_OPEN, "Maroudas 1975"}, \
  [P_PO2_VERT]  = {PREFIX "pO2_vertebra", "kPa", "oxygen partial pressure at the capillary bed (CEP against vertebra)", 5.8, 0, 30, PETSC_FALSE, DS_BC_SOURCE}, \
  [P_GLC_VERT]  = {PREFIX "glucose_vertebra", "mM", "glucose at the capillary bed", 4.0, 0, 30, PETSC_FALSE, DS_BC_SOURCE}, \
  [P_LAC_VERT]  = {PREFIX "lactate_vertebra", "mM", "lactate at the capillary bed", 0.8, 0, 30, PETSC_FALSE, DS_BC_SOURCE}, \
  [P_PO2_AF]    = {PREFIX "pO2_af_outer", "kPa", "oxygen partial pressure at the outer AF surface", 5.8, 0, 30, PETSC_FALSE, DS_BC_SOURCE}, \
  [P_GLC_AF]    = {PREFIX "glucose_af_outer", "mM", "glucose at the outer AF surface", 4.0, 0, 30, PETSC_FALSE, DS_BC_SOURCE}, \
  [P_LAC_AF]    = {PREFIX "lactate_af_outer", "mM", "lactate at the outer AF surface", 0.8, 0, 30, PETSC_FALSE, DS_BC_SOURCE}, \
  [P_SOLUBILITY] = {PREFIX "oxygen_solubility", "mM/kPa", "oxygen solubility in tissue water at 37 C", 0.010268, 0, 1, PETSC_TRUE, "published disc models (PARAMETERS.md)"}, \
  [P_O2_RATE_FACTOR] = {PREFIX "oxygen_rate_factor", "1", "multiplier on the Bibby oxygen consumption of the disc's own cells (degenerate cells: 3-5, Cisewski 2018)", 1, 0, 100, PETSC_FALSE, "Bibby 2005 (1 = as measured); Cisewski 2018"}, \
  [P_GLYCOLYSIS_FACTOR] = {PREFIX "glycolysis_factor", "1", "multiplier on the Bibby lactate production and glucose consumption of the disc's own cells", 1, 0, 100, PETSC_FALSE, "Bibby 2005 (1 = as measured)"}, \
  [P_GLC_CUTOFF] = {PREFIX "glucose_cutoff", "mM", "glucose at which glycolysis is halved by the starvation switch G^2/(G^2+K^2)", 0.05, 0, 1, PETSC_TRUE, "numerical regularisation (keeps glucose >= 0)", PETSC_TRUE}
#endif
