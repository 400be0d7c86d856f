/* The nutrient component (dsnutrient.h): Bibby et al. (2005) metabolism, transport and supply of
 * oxygen, glucose and lactate. Equations: doc/equations.md; parameter sources: doc/parameters.md. */
#include "dsnutrient.h"
#include "dsgrade.h"

const DSFieldInfo DSNutrientFields[DS_NUT_NSPECIES + DS_NUT_NDIAG] = {
  {"oxygen", "mM", "dissolved oxygen concentration", 0.06},
  {"glucose", "mM", "glucose concentration", 4.0},
  {"lactate", "mM", "lactate concentration", 1.0},
  {"pH", "1", "pH from lactate: 7.4 - [lactate]/11.11 mM", 7.4},
  {"pO2", "kPa", "oxygen partial pressure", 5.8},
};

/* The rows without prefix; {key, unit, help, default, min, max, min_open, source, illustrative}.
 * The densities' min_open and the CEP notes are set by DSNutrientParameters. */
#define SOUKANE "Soukane 2007 (typical model value)"
#define SUPPLY  "Soukane 2007; Shirazi-Adl 2010"

/* Plausible ranges (doc/parameters.md, "Plausible ranges"): {distribution, a, b, mode, source, illustrative} */
#define RANGE(d, a, b, src)          .plausible = {d, a, b, 0, src, PETSC_FALSE}
#define RANGE_ILL(d, a, b, src)      .plausible = {d, a, b, 0, src, PETSC_TRUE}
#define TRIANGLE(a, m, b, src)       .plausible = {DS_DIST_TRIANGULAR, a, b, m, src, PETSC_FALSE}
#define TRIANGLE_ILL(a, m, b, src)   .plausible = {DS_DIST_TRIANGULAR, a, b, m, src, PETSC_TRUE}
#define D_ILL                        "0.5x to 1.2x the model value, as glucose"
#define WATER                        "water fractions (NP ~80, AF ~70, CEP ~60 %)"
static const DSParam nutrient_rows[DS_NUT_NPARAM] = {
  [DS_NUT_D_O2_NP]   = {"D_oxygen_NP", "m^2/s", "oxygen diffusivity in the NP", 1.5e-9, 0, 1e-8, PETSC_TRUE, SOUKANE, RANGE(DS_DIST_LOGUNIFORM, 0.77e-9, 3.0e-9, "Yuan 2009 AF low end; water at 37 C")},
  [DS_NUT_D_O2_AF]   = {"D_oxygen_AF", "m^2/s", "oxygen diffusivity in the AF", 1.2e-9, 0, 1e-8, PETSC_TRUE, SOUKANE, RANGE(DS_DIST_LOGUNIFORM, 0.77e-9, 1.43e-9, "Yuan 2009 (bovine AF, 24 % to 5 % strain)")},
  [DS_NUT_D_O2_CEP]  = {"D_oxygen_CEP", "m^2/s", "oxygen diffusivity in the CEP", 1.0e-9, 0, 1e-8, PETSC_TRUE, SOUKANE, RANGE(DS_DIST_LOGUNIFORM, 0.54e-9, 1.43e-9, "0.543 x model value (Wu 2013) to Yuan 2009 AF high end")},
  [DS_NUT_D_GLC_NP]  = {"D_glucose_NP", "m^2/s", "glucose diffusivity in the NP", 5e-10, 0, 1e-8, PETSC_TRUE, SOUKANE, RANGE(DS_DIST_LOGUNIFORM, 2.5e-10, 6e-10, "Maroudas 1975 AF value to 1.2 x model value")},
  [DS_NUT_D_GLC_AF]  = {"D_glucose_AF", "m^2/s", "glucose diffusivity in the AF", 4e-10, 0, 1e-8, PETSC_TRUE, SOUKANE, RANGE(DS_DIST_LOGUNIFORM, 0.92e-10, 4e-10, "Jackson 2008 radial to model value")},
  [DS_NUT_D_GLC_CEP] = {"D_glucose_CEP", "m^2/s", "glucose diffusivity in the CEP", 3e-10, 0, 1e-8, PETSC_TRUE, SOUKANE, RANGE(DS_DIST_LOGUNIFORM, 1.3e-10, 3e-10, "0.543 x Maroudas 1975 CEP value (Wu 2013) to model value")},
  [DS_NUT_D_LAC_NP]  = {"D_lactate_NP", "m^2/s", "lactate diffusivity in the NP", 6e-10, 0, 1e-8, PETSC_TRUE, SOUKANE, RANGE_ILL(DS_DIST_LOGUNIFORM, 3e-10, 7.2e-10, D_ILL)},
  [DS_NUT_D_LAC_AF]  = {"D_lactate_AF", "m^2/s", "lactate diffusivity in the AF", 5e-10, 0, 1e-8, PETSC_TRUE, SOUKANE, RANGE_ILL(DS_DIST_LOGUNIFORM, 2.5e-10, 6e-10, D_ILL)},
  [DS_NUT_D_LAC_CEP] = {"D_lactate_CEP", "m^2/s", "lactate diffusivity in the CEP", 4e-10, 0, 1e-8, PETSC_TRUE, SOUKANE, RANGE_ILL(DS_DIST_LOGUNIFORM, 2e-10, 4.8e-10, D_ILL)},
  [DS_NUT_CELLS_NP]  = {"cells_NP", "cells/mm^3", "healthy cell density in the NP", 4000, 0, 1e6, PETSC_FALSE, "Maroudas 1975", TRIANGLE(1600, 4000, 6000, "Zhu 2017 40 % viable; Maroudas 1975; Johnson 2008 whole disc")},
  [DS_NUT_CELLS_AF]  = {"cells_AF", "cells/mm^3", "healthy cell density in the AF", 9000, 0, 1e6, PETSC_FALSE, "Maroudas 1975", TRIANGLE_ILL(3600, 9000, 11250, "Zhu 2017 40 % viable; Maroudas 1975; upper end +25 %")},
  [DS_NUT_CELLS_CEP] = {"cells_CEP", "cells/mm^3", "healthy cell density in the CEP", 15000, 0, 1e6, PETSC_FALSE, "Maroudas 1975", TRIANGLE_ILL(6000, 15000, 18750, "Zhu 2017 40 % viable; Maroudas 1975; upper end +25 %")},
  [DS_NUT_PO2_VERT]  = {"pO2_vertebra", "kPa", "oxygen partial pressure at the capillary bed (CEP against vertebra)", 5.8, 0, 30, PETSC_FALSE, SUPPLY, RANGE_ILL(DS_DIST_UNIFORM, 4.0, 7.6, "model value +-30 %")},
  [DS_NUT_GLC_VERT]  = {"glucose_vertebra", "mM", "glucose at the capillary bed", 4.0, 0, 30, PETSC_FALSE, SUPPLY, RANGE(DS_DIST_UNIFORM, 4.0, 5.0, "4 mM (Soukane 2007) and 5 mM (other models)")},
  [DS_NUT_LAC_VERT]  = {"lactate_vertebra", "mM", "lactate at the capillary bed", 0.8, 0, 30, PETSC_FALSE, SUPPLY, RANGE_ILL(DS_DIST_UNIFORM, 0.5, 1.1, "model value +-0.3 mM")},
  [DS_NUT_PO2_AF]    = {"pO2_af_outer", "kPa", "oxygen partial pressure at the outer AF surface", 5.8, 0, 30, PETSC_FALSE, SUPPLY, RANGE_ILL(DS_DIST_UNIFORM, 4.0, 7.6, "model value +-30 %")},
  [DS_NUT_GLC_AF]    = {"glucose_af_outer", "mM", "glucose at the outer AF surface", 4.0, 0, 30, PETSC_FALSE, SUPPLY, RANGE(DS_DIST_UNIFORM, 4.0, 5.0, "4 mM (Soukane 2007) and 5 mM (other models)")},
  [DS_NUT_LAC_AF]    = {"lactate_af_outer", "mM", "lactate at the outer AF surface", 0.8, 0, 30, PETSC_FALSE, SUPPLY, RANGE_ILL(DS_DIST_UNIFORM, 0.5, 1.1, "model value +-0.3 mM")},
  [DS_NUT_SOLUBILITY] = {"oxygen_solubility", "mM/kPa", "oxygen solubility in tissue water at 37 C", 0.010268, 0, 1, PETSC_TRUE, "Soukane 2007; Shirazi-Adl 2010 (model value)"},
  [DS_NUT_O2_RATE_FACTOR] = {"oxygen_rate_factor", "1", "multiplier on the Bibby oxygen consumption of the disc's own cells (degenerate cells: 3-5, Cisewski 2018)", 1, 0, 100, PETSC_FALSE, "Bibby 2005 (1 = as measured); Cisewski 2018", RANGE(DS_DIST_LOGUNIFORM, 1, 5, "Bibby 2005 (1) to degenerate cells (Cisewski 2018: 3-5)")},
  [DS_NUT_GLYCOLYSIS_FACTOR] = {"glycolysis_factor", "1", "multiplier on the Bibby lactate production and glucose consumption of the disc's own cells", 1, 0, 100, PETSC_FALSE, "Bibby 2005 (1 = as measured)", RANGE_ILL(DS_DIST_LOGUNIFORM, 0.5, 2, "factor 2 either way")},
  [DS_NUT_GLC_CUTOFF] = {"glucose_cutoff", "mM", "glucose at which glycolysis is halved by the starvation switch G^2/(G^2+K^2)", 0.05, 0, 1, PETSC_TRUE, "numerical regularisation (keeps glucose >= 0)", PETSC_TRUE},
  [DS_NUT_INIT_PO2]  = {"initial_pO2", "kPa", "initial oxygen partial pressure (default: the vertebra value)", 5.8, 0, 30, PETSC_FALSE, "scenario"},
  [DS_NUT_INIT_GLC]  = {"initial_glucose", "mM", "initial glucose (default: the vertebra value)", 4.0, 0, 30, PETSC_FALSE, "scenario"},
  [DS_NUT_INIT_LAC]  = {"initial_lactate", "mM", "initial lactate (default: the vertebra value)", 0.8, 0, 30, PETSC_FALSE, "scenario"},
  /* water content: the D rows above hold at these defaults; another value scales them by Mackie-Meares */
  [DS_NUT_WATER_NP]  = {"water_NP", "1", "water volume fraction of the NP: its D x MM(phi)/MM(default), MM = (phi/(2-phi))^2", 0.80, 0, 0.99, PETSC_TRUE, WATER},
  [DS_NUT_WATER_AF]  = {"water_AF", "1", "water volume fraction of the AF: its D x MM(phi)/MM(default)", 0.70, 0, 0.99, PETSC_TRUE, WATER},
  [DS_NUT_WATER_CEP] = {"water_CEP", "1", "water volume fraction of the CEP: its D x MM(phi)/MM(default) (Wu 2013 calcified: 0.48)", 0.60, 0, 0.99, PETSC_TRUE, WATER},
};

/* Per Pfirrmann grade (-disc_grade; grade 1 = the defaults above). Water falls with degeneration
 * (Urban & McMullin 1988; T2 of the NP, Marinelli 2010); total cell density does not change in
 * adults (Liebscher 2011), the viable share does (0.8 mild, 0.4 moderate: Zhu 2017). Which value
 * belongs to which grade is a choice (illustrative): sources and ranges in doc/biology.md. */
static const DSGradeRow nutrient_grade_rows[] = {
  {"water_NP", "1", {0.80, 0.80, 0.77, 0.73, 0.70}, "healthy ~0.80 to degenerate ~0.70 (Urban & McMullin 1988; Marinelli 2010)", PETSC_TRUE},
  {"water_AF", "1", {0.70, 0.70, 0.68, 0.66, 0.65}, "healthy ~0.70, smaller loss than the NP (Urban & McMullin 1988)", PETSC_TRUE},
  {"cells_NP", "cells/mm^3", {4000, 4000, 3200, 1600, 800}, "Maroudas 1975 x viable share 1, 1, 0.8, 0.4, 0.2 (Zhu 2017 mild, moderate; Liebscher 2011)", PETSC_TRUE},
  {"cells_AF", "cells/mm^3", {9000, 9000, 7200, 3600, 1800}, "Maroudas 1975 x viable share 1, 1, 0.8, 0.4, 0.2 (Zhu 2017 mild, moderate; Liebscher 2011)", PETSC_TRUE},
};

#define DS_NUT_TEXT 192 /* per row: key and help */

PetscErrorCode DSNutrientParameters(const char prefix[], const char cep_note[], PetscBool cells_open, DSParam params[], DSNutrient *nut)
{
  char *text;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(2 * DS_NUT_NPARAM * DS_NUT_TEXT, &text));
  for (PetscInt i = 0; i < DS_NUT_NPARAM; i++) {
    char     *key = text + 2 * i * DS_NUT_TEXT, *help = key + DS_NUT_TEXT;
    PetscBool cep = (PetscBool)(i == DS_NUT_D_O2_CEP || i == DS_NUT_D_GLC_CEP || i == DS_NUT_D_LAC_CEP);
    params[i]     = nutrient_rows[i];
    PetscCall(PetscSNPrintf(key, DS_NUT_TEXT, "%s%s", prefix, nutrient_rows[i].key));
    PetscCall(PetscSNPrintf(help, DS_NUT_TEXT, "%s%s", nutrient_rows[i].help, cep ? cep_note : ""));
    params[i].key  = key;
    params[i].help = help;
    if (i >= DS_NUT_CELLS_NP && i <= DS_NUT_CELLS_CEP) params[i].min_open = cells_open;
  }
  PetscCall(PetscFree(nut->keys));
  nut->keys = text;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSNutrientDestroy(DSNutrient *nut)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(nut->keys));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Bibby et al. 2005 laws (rates in nmol per 10^6 cells per hour; p in kPa). */
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
  const PetscReal E = DSBibbyLactateRate(pH, p), S = G > 0 ? G * G / (G * G + K * K) : 0; /* G > 0: no 0/0 when K^2 underflows */
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

PetscReal DSMackieMeares(PetscReal phi)
{
  PetscReal t = phi / (2 - phi);
  return t * t;
}

PetscReal DSNutrientWaterFactor(DSModel m, const DSNutrient *nut, DSRegion region)
{
  PetscInt i = DS_NUT_WATER_NP + (region - DS_REGION_NP);
  return DSMackieMeares(DSNutrientParam(m, nut, i)) / DSMackieMeares(nutrient_rows[i].value);
}

PetscErrorCode DSNutrientSetGrade(DSModel m, DSNutrient *nut, const char prefix[])
{
  const PetscInt nrows = PETSC_STATIC_ARRAY_LENGTH(nutrient_grade_rows);
  DSParam       *p     = m->params + nut->p0;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < DS_NUT_NPARAM; i++) /* not a previous grade's value */
    for (PetscInt r = 0; r < nrows; r++)
      if (!p[i].set && !strcmp(nutrient_rows[i].key, nutrient_grade_rows[r].key)) p[i].value = nutrient_rows[i].value;
  PetscCall(DSGradeGet(&nut->grade));
  nut->grade_note[0] = 0;
  m->grade_rows = nutrient_grade_rows, m->ngrade_rows = nrows, m->grade_prefix = prefix, m->view_note = nut->grade_note;
  if (!nut->grade) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscSNPrintf(nut->grade_note, sizeof nut->grade_note, "grade %" PetscInt_FMT " (Pfirrmann) set ", nut->grade));
  PetscCall(DSGradeApply(nut->grade, prefix, nrows, nutrient_grade_rows, DS_NUT_NPARAM, p, nut->grade_note, sizeof nut->grade_note));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void DSNutrientSetDiffusivities(DSModel m, const DSNutrient *nut)
{
  const DSRegion regions[3] = {DS_REGION_NP, DS_REGION_AF, DS_REGION_CEP};
  const PetscInt first[3]   = {DS_NUT_D_O2_NP, DS_NUT_D_GLC_NP, DS_NUT_D_LAC_NP};

  for (PetscInt r = 0; r < 3; r++) {
    PetscReal f = (regions[r] == DS_REGION_CEP ? nut->cep_factor : 1) * DSNutrientWaterFactor(m, nut, regions[r]);
    for (PetscInt s = 0; s < DS_NUT_NSPECIES; s++) m->D[regions[r] * m->nspecies + nut->O2 + s] = f * DSNutrientParam(m, nut, first[s] + r) * DS_M2_PER_S_TO_MM2_PER_H;
  }
}

PetscReal DSNutrientCellDensity(DSModel m, const DSNutrient *nut, DSRegion region)
{
  switch (region) {
  case DS_REGION_NP: return DSNutrientParam(m, nut, DS_NUT_CELLS_NP);
  case DS_REGION_AF: return DSNutrientParam(m, nut, DS_NUT_CELLS_AF);
  case DS_REGION_CEP: return DSNutrientParam(m, nut, DS_NUT_CELLS_CEP);
  default: return 0;
  }
}

void DSNutrientConsumption(DSModel m, const DSNutrient *nut, const PetscScalar u[], PetscReal fo, PetscReal fg, DSBibbyRates *b, PetscScalar r[], PetscScalar J[], PetscInt n)
{
  const PetscInt O2 = nut->O2, GLC = nut->GLC, LAC = nut->LAC;

  DSBibbyMetabolism(u[O2], u[GLC], u[LAC], DSNutrientParam(m, nut, DS_NUT_SOLUBILITY), DSNutrientParam(m, nut, DS_NUT_GLC_CUTOFF), b);
  r[O2]  = -fo * b->o2;
  r[LAC] = fg * b->lac;
  if (!J) return;
  J[O2 * n + O2]   = -fo * b->do2_dc;
  J[O2 * n + GLC]  = 0;
  J[O2 * n + LAC]  = -fo * b->do2_dL;
  J[LAC * n + O2]  = fg * b->dlac_dc;
  J[LAC * n + GLC] = fg * b->dlac_dG;
  J[LAC * n + LAC] = fg * b->dlac_dL;
}

void DSNutrientGlucoseRow(const DSNutrient *nut, PetscScalar r[], PetscScalar J[], PetscInt n)
{
  r[nut->GLC] = -0.5 * r[nut->LAC];
  if (J)
    for (PetscInt c = 0; c < n; c++) J[nut->GLC * n + c] = -0.5 * J[nut->LAC * n + c];
}

/* Oxygen uptake depends on oxygen and pH (lactate), not on glucose; lactate production (and
 * glucose uptake, half of it) on all three. */
void DSNutrientPattern(const DSNutrient *nut, PetscInt fill[], PetscInt n)
{
  const PetscInt O2 = nut->O2, GLC = nut->GLC, LAC = nut->LAC;
  fill[O2 * n + LAC] = 1;
  fill[LAC * n + O2] = fill[LAC * n + GLC] = 1;
  fill[GLC * n + O2] = fill[GLC * n + LAC] = 1;
}

void DSNutrientBoundary(DSModel m, const DSNutrient *nut, DSFaceKind kind, DSBCType bc[], PetscScalar value[], PetscBool *supplied)
{
  *supplied = (PetscBool)(kind == DS_BOUNDARY_VERTEBRA || kind == DS_BOUNDARY_AF_OUTER);
  if (!*supplied) return; /* bone: no exchange */
  PetscInt base = kind == DS_BOUNDARY_VERTEBRA ? DS_NUT_PO2_VERT : DS_NUT_PO2_AF;
  for (PetscInt s = 0; s < DS_NUT_NSPECIES; s++) bc[nut->O2 + s] = DS_BC_DIRICHLET;
  value[nut->O2]  = DSNutrientParam(m, nut, base) * DSNutrientParam(m, nut, DS_NUT_SOLUBILITY);
  value[nut->GLC] = DSNutrientParam(m, nut, base + 1);
  value[nut->LAC] = DSNutrientParam(m, nut, base + 2);
}

void DSNutrientInitial(DSModel m, const DSNutrient *nut, PetscScalar u[])
{
  for (PetscInt s = 0; s < DS_NUT_NSPECIES; s++) {
    PetscInt init = DS_NUT_INIT_PO2 + s, vert = DS_NUT_PO2_VERT + s;
    u[nut->O2 + s] = m->params[nut->p0 + init].set ? DSNutrientParam(m, nut, init) : DSNutrientParam(m, nut, vert);
  }
  u[nut->O2] *= DSNutrientParam(m, nut, DS_NUT_SOLUBILITY);
}

void DSNutrientDiagnostics(DSModel m, const DSNutrient *nut, const PetscScalar u[], PetscScalar d[])
{
  d[nut->pH]  = DSBibbyPH(u[nut->LAC]);
  d[nut->pO2] = u[nut->O2] / DSNutrientParam(m, nut, DS_NUT_SOLUBILITY);
}

PetscErrorCode DSNutrientOpBoundary(DSModel m, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[])
{
  PetscBool supplied;

  PetscFunctionBeginUser;
  DSNutrientBoundary(m, (const DSNutrient *)m->data, kind, bc, value, &supplied);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSNutrientOpInitial(DSModel m, const DSPoint *pt, PetscScalar u[])
{
  PetscFunctionBeginUser;
  DSNutrientInitial(m, (const DSNutrient *)m->data, u);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSNutrientOpDiagnostics(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar d[])
{
  PetscFunctionBeginUser;
  DSNutrientDiagnostics(m, (const DSNutrient *)m->data, u, d);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSNutrientOpDestroy(DSModel m)
{
  PetscFunctionBeginUser;
  PetscCall(DSNutrientDestroy((DSNutrient *)m->data));
  PetscCall(PetscFree(m->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}
