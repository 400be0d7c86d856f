/* Biology model: the nutrient fields (the nutrient component, Bibby et al. 2005 laws) coupled
 * with cell populations (native cells and injected MSCs), matrix turnover (aggrecan, collagen II),
 * MMP activity, a lumped inflammatory cytokine and injected exosomes with exact bookkeeping.
 *
 * Species (internal units: mm, h, mM, cells/mm^3):
 *   oxygen, glucose, lactate [mM]          diffusing, Bibby laws x effective cell density
 *   cells_native [cells/mm^3]               D = 0
 *   cells_<TYPE> (types.c)                  D = 0; only the types that the injection schedule names
 *   aggrecan, collagen2 [1]                 D = 0; 1 = healthy content
 *   mmp [1]                                 D = 0; 1 = healthy MMP-3/-13 activity
 *   cytokine [1]                            diffusing; 1 = reference degenerate level (IL-1b/TNF-a)
 *   per injected exosome source <what> (types.c), one vesicle pool [particles/mm^3]:
 *   <what>_free                             diffusing (hindered, by size), leaks into <what>_leaked (boundary sink)
 *   <what>_internal, _degraded, _cleared, _leaked                            D = 0
 *   per injected protein factor <what> (factors.c), one pool [ng/mm^3]:
 *   <what>_depot (receives the dose), _decayed, _leaked                      D = 0
 *   <what>_free                             diffusing, leaks into <what>_leaked (boundary sink)
 *
 * The processes, each with its rates, Jacobian and pattern: populations.c (metabolism, death,
 * proliferation), matrix.c, inflammation.c (MMP, cytokine), exosomes.c, factors.c. Equations and sources:
 * doc/biology.md, doc/parameters.md. Every consumption, death and decay term vanishes when the
 * consumed quantity is 0. */
#include "biologyimpl.h"
#include "dsoptions.h"

#define T   PETSC_TRUE
#define F   PETSC_FALSE
#define ILL "illustrative (no measurement)"
#define ZHU "disc models, Zhu 2012 lineage"
#define RANGE(d, a, b, src) .plausible = {d, a, b, 0, src, F}

/* The model's own rows (the nutrient block and the cell-type rows are generated). */
static const DSParam bio_rows[P_MSC] = {
  [P_D_CYT]      = {"bio_D_cytokine", "m^2/s", "cytokine diffusivity (~17 kDa protein), all regions", 1e-11, 0, 1e-8, F, ILL, T},
  [P_CEP_FACTOR] = {"bio_CEP_diffusivity_factor", "1", "multiplies every CEP diffusivity (degenerate preset: 0.543, porosity 0.60 -> 0.48)", 1, 0, 1, T, "Wu 2013 porosity; Mackie-Meares (phi/(2-phi))^2", RANGE(DS_DIST_UNIFORM, 0.543, 1, "calcified (Wu 2013, Mackie-Meares) to healthy")},
  [P_VIABLE]     = {"bio_viable_fraction", "1", "initial viable fraction of native cells (Zhu 2017: mild 0.8, moderate 0.4)", 1, 0, 1, F, "Zhu 2017 (1 = healthy)", RANGE(DS_DIST_UNIFORM, 0.4, 1, "Zhu 2017 moderate degeneration to healthy")},
  [P_DEATH_RATE] = {"bio_glucose_death_rate", "1/day", "a in the glucose death law alpha = -a (G_th - G)/(G + K) below G_th", 2, 0, 100, F, ZHU},
  [P_DEATH_K]    = {"bio_glucose_death_K", "mM", "K in the glucose death law (death rate a G_th/K at zero glucose)", 0.5, 0, 10, T, "chosen (no published value)", T},
  [P_NAT_GTH]    = {"bio_native_glucose_threshold", "mM", "native cells die below this glucose", 0.5, 0, 5, F, ZHU "; cf. Bibby & Urban 2004 (death at low glucose)"},
  [P_NAT_PHTH]   = {"bio_native_pH_threshold", "1", "native cells die below this pH", 6.78, 5, 7.4, F, ZHU "; Bibby & Urban 2004 measured death at pH 6.7 and 6.2"},
  [P_NAT_ACID]   = {"bio_native_acid_death_rate", "1/(day pH)", "native death rate per pH unit below the pH threshold", 1, 0, 100, F, ILL, T},
  [P_NAT_OSMTH]  = {"bio_native_osmolarity_threshold", "mOsm/kg", "native synthesis falls (and osmotic death starts) above this osmolarity", 500, 0, 2000, F, "Li 2016 (NP synthesis kept at 430, reduced at 550 mOsm/kg); value inside", F, F, RANGE(DS_DIST_UNIFORM, 430, 550, "Li 2016 bracket")},
  [P_NAT_OSMD]   = {"bio_native_osmotic_death_rate", "1/day", "native death rate per 100 mOsm/kg above the osmolarity threshold", 0, 0, 100, F, ILL, T},
  [P_NAT_PROL]   = {"bio_native_proliferation_rate", "1/day", "native logistic proliferation rate (0: adult disc cells do not repopulate)", 0, 0, 10, F, ILL, T},
  [P_CAPACITY]   = {"bio_capacity_factor", "1", "carrying capacity of all cells, x the healthy density of the region (crowding kills: Stephan 2011)", 1, 0, 100, T, ILL, T},
  [P_WIDTH_G]    = {"bio_switch_width_glucose", "mM", "synthesis/proliferation fall smoothly to 0 over this glucose span below the threshold", 0.25, 0, 5, T, ILL, T},
  [P_WIDTH_PH]   = {"bio_switch_width_pH", "1", "native cells: synthesis falls smoothly to 0 over this pH span below the threshold (MSC types: bio_<T>_pH_width)", 0.1, 0, 2, T, ILL, T},
  [P_WIDTH_OSM]  = {"bio_switch_width_osmolarity", "mOsm/kg", "native cells: synthesis falls to 0 over this span above the osmolarity threshold (half at 550 mOsm/kg)", 100, 0, 5000, T, "chosen: Li 2016 reduced (not stopped) synthesis at 550 mOsm/kg", T},
  [P_FCD_NP]     = {"bio_FCD_NP", "mEq/kg", "fixed charge density of healthy NP matrix, per kg of water (follows aggrecan)", 350, 0, 2000, F, "Urban & Maroudas 1979: 0.28 mEq/g wet tissue (young NP) / water 0.8", F, F, RANGE(DS_DIST_UNIFORM, 225, 350, "Urban & Maroudas 1979 old to young NP")},
  [P_FCD_AF]     = {"bio_FCD_AF", "mEq/kg", "fixed charge density of healthy AF matrix, per kg of water (follows aggrecan)", 190, 0, 2000, F, "Urban & Maroudas 1979: outer AF 0.07-0.13 mEq/g wet, rising inwards / water 0.7", F, F, RANGE(DS_DIST_UNIFORM, 100, 350, "Urban & Maroudas 1979 outer AF to NP")},
  [P_FCD_CEP]    = {"bio_FCD_CEP", "mEq/kg", "fixed charge density of healthy CEP matrix, per kg of water (follows aggrecan)", 200, 0, 2000, F, "human CEP 0.12 mEq/g wet (two-point conductivity, 2017) / water 0.6", F, F, RANGE(DS_DIST_UNIFORM, 150, 250, "human CEP 0.12 +- 0.03 mEq/g wet")},
  [P_OSM_EXT]    = {"bio_external_osmolarity", "mOsm/kg", "osmolarity of the fluid the disc equilibrates with (plasma)", 290, 1, 2000, F, "plasma osmolality 285-295 mOsm/kg", F, F, RANGE(DS_DIST_UNIFORM, 280, 300, "plasma osmolality")},
  [P_AGG_HL_NP]  = {"bio_aggrecan_half_life_NP", "year", "effective aggrecan half-life in the healthy NP", 12, 0, 1000, T, "Sivan 2006 (normal NP)", RANGE(DS_DIST_UNIFORM, 8.8, 12, "Sivan 2006 degenerate to normal NP")},
  [P_AGG_HL_AF]  = {"bio_aggrecan_half_life_AF", "year", "effective aggrecan half-life in the healthy AF", 11.2, 0, 1000, T, "Sivan 2006 (normal AF)", RANGE(DS_DIST_UNIFORM, 8.4, 11.2, "Sivan 2006 degenerate to normal AF")},
  [P_AGG_HL_CEP] = {"bio_aggrecan_half_life_CEP", "year", "effective aggrecan half-life in the CEP (NP value assumed)", 12, 0, 1000, T, "Sivan 2006 NP value, assumed for the CEP", T},
  [P_COL_HL]     = {"bio_collagen2_half_life", "year", "effective collagen II half-life (215 y at age 50-80), all regions", 95, 0, 10000, T, "Sivan 2008 (age 20-40)", RANGE(DS_DIST_LOGUNIFORM, 95, 215, "Sivan 2008 age 20-40 to age 50-80")},
  [P_AGG_SHARE]  = {"bio_aggrecan_mmp_share", "1", "share of healthy aggrecan degradation that is MMP-mediated", 0.5, 0, 1, F, ILL, T},
  [P_COL_SHARE]  = {"bio_collagen2_mmp_share", "1", "share of healthy collagen II degradation that is MMP-mediated", 0.5, 0, 1, F, ILL, T},
  [P_INIT_AGG]   = {"bio_initial_aggrecan", "1", "initial aggrecan content (1 = healthy; degenerate preset 0.6)", 1, 0, 2, F, ILL, T},
  [P_INIT_COL]   = {"bio_initial_collagen2", "1", "initial collagen II content (1 = healthy; degenerate preset 0.8)", 1, 0, 2, F, ILL, T},
  [P_MMP_HL]     = {"bio_mmp_half_life", "h", "half-life of MMP-3/-13 activity (sets its relaxation rate)", 24, 0, 1e5, T, ILL, T},
  [P_MMP_GAIN]   = {"bio_mmp_cytokine_gain", "1", "a_I: MMP production x (1 + a_I cytokine); 3.3 gives 8.8 y aggrecan half-life in the degenerate NP", 3.3, 0, 1000, F, "chosen: degenerate preset vs Sivan 2006 8.8 y (with share 0.5)", T},
  [P_CYT_HL]     = {"bio_cytokine_half_life", "h", "cytokine half-life in the tissue", 6, 0, 1e5, T, ILL, T},
  [P_CYT_PROD]   = {"bio_cytokine_production", "1/day", "cytokine production by native cells at healthy density (0 healthy; degenerate preset 6.93: cytokine 1 at 40 % viability)", 0, 0, 1e4, F, ILL, T},
  [P_PARA_MAX]   = {"bio_paracrine_max", "1", "largest fractional reduction of MMP and cytokine production by MSC paracrine action", 0.5, 0, 1, F, ILL, T},
  [P_PARA_HALF]  = {"bio_paracrine_half_density", "cells/mm^3", "potency-weighted MSC density giving half the largest paracrine action", 1000, 0, 1e7, T, ILL, T},
  /* hindrance of vesicles by the collagen fibrils (Ogston 1958, exosomes.c): fibril radius and volume
   * fraction per region; illustrative values from typical composition (doc/biology.md §6) */
  [P_EXO_FIBRE_R_NP]    = {"bio_exo_fibre_radius_NP", "nm", "radius of the collagen fibrils hindering vesicles in the NP (Ogston law)", 15, 0, 1000, T, ILL, T, F, {DS_DIST_UNIFORM, 10, 25, 0, "illustrative: thin type II fibrils", T}},
  [P_EXO_FIBRE_R_AF]    = {"bio_exo_fibre_radius_AF", "nm", "radius of the collagen fibrils hindering vesicles in the AF (Ogston law)", 50, 0, 1000, T, ILL, T, F, {DS_DIST_UNIFORM, 25, 100, 0, "illustrative: type I fibrils", T}},
  [P_EXO_FIBRE_R_CEP]   = {"bio_exo_fibre_radius_CEP", "nm", "radius of the collagen fibrils hindering vesicles in the CEP (Ogston law)", 15, 0, 1000, T, ILL, T, F, {DS_DIST_UNIFORM, 10, 25, 0, "illustrative: hyaline type II fibrils", T}},
  [P_EXO_FIBRE_PHI_NP]  = {"bio_exo_fibre_fraction_NP", "1", "volume fraction of collagen fibrils in the NP (Ogston law)", 0.03, 0, 0.9, F, ILL, T, F, {DS_DIST_UNIFORM, 0.02, 0.06, 0, "illustrative: collagen ~20 % of dry mass, ~80 % water", T}},
  [P_EXO_FIBRE_PHI_AF]  = {"bio_exo_fibre_fraction_AF", "1", "volume fraction of collagen fibrils in the AF (Ogston law)", 0.14, 0, 0.9, F, ILL, T, F, {DS_DIST_UNIFORM, 0.1, 0.2, 0, "illustrative: collagen ~60 % of dry mass, ~70 % water", T}},
  [P_EXO_FIBRE_PHI_CEP] = {"bio_exo_fibre_fraction_CEP", "1", "volume fraction of collagen fibrils in the CEP (Ogston law)", 0.18, 0, 0.9, F, ILL, T, F, {DS_DIST_UNIFORM, 0.12, 0.25, 0, "illustrative: collagen ~55 % of dry mass, ~60 % water", T}},
  [P_EXO_EC50]       = {"bio_exo_EC50", "particles/mm^3", "internalised vesicles (all sources together) giving half the largest cargo effect", 1e6, 0, 1e15, T, ILL, T},
  [P_PER_UG]         = {"bio_particles_per_ug", "particles/ug", "exosome particles per ug of protein (converts injectionN_dose_ug)", 3e9, 1e6, 1e13, F, ILL, T},
};

/* The presets: values applied to parameters the user did not set. */
typedef struct {
  PetscInt  p;
  PetscReal value;
} PresetValue;
static const char *const  bio_presets[] = {"healthy", "degenerate"};
static const PresetValue degenerate_preset[] = {
  {P_CEP_FACTOR, 0.543},                        /* Wu 2013, Mackie-Meares, as examples/calcified_endplate.yaml */
  {P_VIABLE, 0.4},                              /* Zhu 2017, moderate degeneration */
  {P_NUT + DS_NUT_O2_RATE_FACTOR, 3},           /* Cisewski 2018: 3-5x */
  {P_CYT_PROD, 6.93},                           /* illustrative: cytokine ~1 in a well-mixed NP at 40 % viability, 6 h half-life */
  {P_INIT_AGG, 0.6},                            /* illustrative */
  {P_INIT_COL, 0.8},                            /* illustrative */
};

/* the full table: the nutrient block, the rows above, the cell-type rows, the exosome-source rows,
 * the needle-injury rows, the protein-factor rows */
static PetscErrorCode BioCreateParameters(DSModel m, Biology *b)
{
  const PetscInt n = P_FAC + BioNumFactors * G_N;
  DSParam       *rows;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n, &rows));
  PetscCall(PetscArraycpy(rows, bio_rows, P_MSC));
  PetscCall(DSNutrientParameters("bio_", " (times bio_CEP_diffusivity_factor)", PETSC_TRUE, rows + P_NUT, &b->nut));
  PetscCall(BioCellTypeParameters(b, rows + P_MSC));
  PetscCall(BioExoSourceParameters(b, rows + P_EXO));
  BioInjuryParameters(rows + P_INJ);
  PetscCall(BioFactorParameters(b, rows + P_FAC));
  PetscCall(DSModelSetParameters(m, n, rows));
  PetscCall(PetscMalloc1(n, &b->defaults));
  for (PetscInt i = 0; i < n; i++) b->defaults[i] = rows[i].value; /* the preset starts from these */
  PetscCall(PetscFree(rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BiologySetFromOptions(DSModel m, PetscOptionItems *PetscOptionsObject)
{
  Biology  *b = (Biology *)m->data;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(DSOptionsCheckChoice("-bio_preset", 2, bio_presets));
  PetscCall(PetscOptionsEList("-bio_preset", "biology preset: healthy | degenerate (CEP D x 0.543, 40 % viable, O2 x 3, cytokine on, less matrix); explicit keys override", NULL, bio_presets, 2,
                              bio_presets[b->preset], &b->preset, &set));
  for (PetscInt i = 0; i < m->nparams; i++)
    if (!m->params[i].set) m->params[i].value = b->defaults[i]; /* back to the table's default */
  if (b->preset == 1)
    for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(degenerate_preset); i++)
      if (!m->params[degenerate_preset[i].p].set) m->params[degenerate_preset[i].p].value = degenerate_preset[i].value;
  PetscCall(DSNutrientSetGrade(m, &b->nut, "bio_")); /* -disc_grade: water content, cell density */
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------------------------------------
 * Layout: species, diagnostics, figures (they depend on which types are injected) */
PetscErrorCode BioAddFigure(Biology *b, PetscInt *nf, const char *name, const char *unit, PetscInt field, DSFigureKind kind, DSRegion region, PetscReal threshold, PetscInt persistence_of)
{
  PetscFunctionBeginUser;
  PetscCheck(*nf < DS_MAX_FIGURES, PETSC_COMM_SELF, PETSC_ERR_SUP, "biology: more than %d key figures (DS_MAX_FIGURES)", DS_MAX_FIGURES);
  PetscCall(PetscStrncpy(b->fignames[*nf], name, sizeof b->fignames[*nf]));
  b->figures[*nf] = (DSFigure){b->fignames[*nf], unit, field, kind, region, threshold, persistence_of};
  (*nf)++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void LayoutSpecies(Biology *b)
{
  PetscInt s = 0;

  b->O2 = s++, b->GLC = s++, b->LAC = s++, b->NAT = s++;
  b->MSC0 = s, s += b->nmsc;
  b->AGG = s++, b->COL = s++, b->MMP = s++, b->CYT = s++;
  b->KILLED = b->injury ? s++ : -1;
  BioExoLayout(b, &s);
  BioFactorLayout(b, &s);
  b->nsp   = s;
  b->ndiag = NDIAG + b->nexo;
  b->nut.p0 = P_NUT, b->nut.O2 = b->O2, b->nut.GLC = b->GLC, b->nut.LAC = b->LAC;
  b->nut.pH = DIAG_PH, b->nut.pO2 = DIAG_PO2, b->nut.cep_factor = 1.0;
}

static void LayoutFields(Biology *b)
{
  const PetscInt s = b->nsp;

  for (PetscInt i = 0; i < DS_NUT_NSPECIES; i++) b->fields[b->O2 + i] = DSNutrientFields[i];
  b->fields[b->NAT] = (DSFieldInfo){"cells_native", "cells/mm^3", "viable native disc cells", 4000};
  for (PetscInt q = 0; q < b->nmsc; q++) b->fields[b->MSC0 + q] = (DSFieldInfo){b->type_species[b->msc_type[q]], "cells/mm^3", "viable injected MSCs of this type", 1000};
  b->fields[b->AGG] = (DSFieldInfo){"aggrecan", "1", "aggrecan content relative to healthy", 1};
  b->fields[b->COL] = (DSFieldInfo){"collagen2", "1", "collagen II content relative to healthy", 1};
  b->fields[b->MMP] = (DSFieldInfo){"mmp", "1", "MMP-3/-13 activity relative to healthy", 1};
  b->fields[b->CYT] = (DSFieldInfo){"cytokine", "1", "IL-1b/TNF-a level relative to the reference degenerate level", 1};
  if (b->injury) b->fields[b->KILLED] = (DSFieldInfo){"cells_killed_injury", "cells/mm^3", "accumulated: cells of every population killed by needle injury", 1000};
  b->fields[s + DIAG_PH]    = DSNutrientFields[DS_NUT_NSPECIES + 0];
  b->fields[s + DIAG_PO2]   = DSNutrientFields[DS_NUT_NSPECIES + 1];
  b->fields[s + DIAG_CELLS] = (DSFieldInfo){"cells_total", "cells/mm^3", "all viable cells", 4000};
  b->fields[s + DIAG_EXO]   = (DSFieldInfo){"exo_total", "particles/mm^3", "exosomes of every source in the tissue: free + internalised", 1e6};
  b->fields[s + DIAG_INJECTED] = (DSFieldInfo){"cells_injected", "cells/mm^3", "viable injected MSCs of every type (0 when none are injected)", 1000};
  b->fields[s + DIAG_EXO_INT]  = (DSFieldInfo){"exo_internal", "particles/mm^3", "internalised exosomes of every source (0 when none are injected)", 1e6};
  b->fields[s + DIAG_OSM]      = (DSFieldInfo){"osmolarity", "mOsm/kg", "interstitial osmolarity: ideal Donnan, fixed charges following aggrecan", 450};
  b->fields[s + DIAG_DEATH_GLC]   = (DSFieldInfo){"death_glucose", "cells/(mm^3 day)", "cells of every population dying of low glucose", 100};
  b->fields[s + DIAG_DEATH_PH]    = (DSFieldInfo){"death_pH", "cells/(mm^3 day)", "cells of every population dying of low pH", 100};
  b->fields[s + DIAG_DEATH_OSM]   = (DSFieldInfo){"death_osmolarity", "cells/(mm^3 day)", "cells of every population dying of high osmolarity", 100};
  b->fields[s + DIAG_DEATH_CROWD] = (DSFieldInfo){"death_crowding", "cells/(mm^3 day)", "cells of every population dying back above the carrying capacity", 100};
  for (PetscInt i = 0; i < s; i++) b->sink[i] = -1;
  BioExoFields(b);    /* the pools' species, totals and boundary sinks */
  BioFactorFields(b); /* the factor pools' species and boundary sinks */
}

/* The NP volume fractions where each population is past one of its thresholds: natives keep the
 * names NP_fraction_glucose_low and NP_fraction_pH_low; each MSC type T adds _T. */
static PetscErrorCode LayoutThresholdFigures(DSModel m, Biology *b, PetscInt *nf)
{
  const PetscInt s = b->nsp;

  PetscFunctionBeginUser;
  for (PetscInt q = 0; q <= b->nmsc; q++) {
    PetscInt    base = q ? P_MSC + b->msc_type[q - 1] * M_N : -1;
    PetscReal   th[3] = {DSModelParam(m, q ? base + M_GTH : P_NAT_GTH), DSModelParam(m, q ? base + M_PHTH : P_NAT_PHTH), DSModelParam(m, q ? base + M_OSMTH : P_NAT_OSMTH)};
    const char *suffix = q ? BioCellTypes[b->msc_type[q - 1]].name : NULL;
    char        name[3][48];
    PetscCall(PetscSNPrintf(name[0], sizeof name[0], "NP_fraction_glucose_low%s%s", q ? "_" : "", q ? suffix : ""));
    PetscCall(PetscSNPrintf(name[1], sizeof name[1], "NP_fraction_pH_low%s%s", q ? "_" : "", q ? suffix : ""));
    PetscCall(PetscSNPrintf(name[2], sizeof name[2], "NP_fraction_osmolarity_high%s%s", q ? "_" : "", q ? suffix : ""));
    PetscCall(BioAddFigure(b, nf, name[0], "1", b->GLC, DS_FIGURE_FRACTION_BELOW, DS_REGION_NP, th[0], -1));
    PetscCall(BioAddFigure(b, nf, name[1], "1", s + DIAG_PH, DS_FIGURE_FRACTION_BELOW, DS_REGION_NP, th[1], -1));
    PetscCall(BioAddFigure(b, nf, name[2], "1", s + DIAG_OSM, DS_FIGURE_FRACTION_ABOVE, DS_REGION_NP, th[2], -1));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LayoutFigures(DSModel m, Biology *b, PetscInt *nf)
{
  const DSRegion regions[3] = {DS_REGION_NP, DS_REGION_AF, DS_REGION_CEP};
  const PetscInt s = b->nsp;

  PetscFunctionBeginUser;
  PetscCall(BioAddFigure(b, nf, "pO2_NP_centre", "kPa", s + DIAG_PO2, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1));
  PetscCall(BioAddFigure(b, nf, "glucose_NP_centre", "mM", b->GLC, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1));
  PetscCall(BioAddFigure(b, nf, "pH_NP_centre", "1", s + DIAG_PH, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1));
  PetscCall(BioAddFigure(b, nf, "pO2_min", "kPa", s + DIAG_PO2, DS_FIGURE_MINIMUM, DS_REGION_OUTSIDE, 0, -1));
  PetscCall(BioAddFigure(b, nf, "glucose_min", "mM", b->GLC, DS_FIGURE_MINIMUM, DS_REGION_OUTSIDE, 0, -1));
  PetscCall(BioAddFigure(b, nf, "pH_min", "1", s + DIAG_PH, DS_FIGURE_MINIMUM, DS_REGION_OUTSIDE, 0, -1));
  for (PetscInt q = 0; q <= b->nmsc; q++) {
    PetscInt sp = q ? b->MSC0 + q - 1 : b->NAT;
    for (PetscInt r = 0; r < 3; r++) {
      char name[48];
      PetscCall(PetscSNPrintf(name, sizeof name, "%s_%s", b->fields[sp].name, DSRegionNames[regions[r]]));
      PetscCall(BioAddFigure(b, nf, name, "cells", sp, DS_FIGURE_INTEGRAL, regions[r], 0, -1));
    }
  }
  /* the same columns whatever cell type is injected (and none), so that runs compare */
  for (PetscInt r = 0; r < 3; r++) {
    char name[48];
    PetscCall(PetscSNPrintf(name, sizeof name, "cells_injected_%s", DSRegionNames[regions[r]]));
    PetscCall(BioAddFigure(b, nf, name, "cells", s + DIAG_INJECTED, DS_FIGURE_INTEGRAL, regions[r], 0, -1));
  }
  PetscCall(BioAddFigure(b, nf, "cells_injected_disc", "cells", s + DIAG_INJECTED, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, -1));
  PetscCall(LayoutThresholdFigures(m, b, nf));
  PetscCall(BioAddFigure(b, nf, "osmolarity_NP_mean", "mOsm/kg", s + DIAG_OSM, DS_FIGURE_MEAN, DS_REGION_NP, 0, -1));
  for (PetscInt c = 0; c < 4; c++) {
    const char *cause[4] = {"glucose", "pH", "osmolarity", "crowding"};
    char        name[48];
    PetscCall(PetscSNPrintf(name, sizeof name, "death_%s_disc", cause[c]));
    PetscCall(BioAddFigure(b, nf, name, "cells/day", s + DIAG_DEATH_GLC + c, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, -1));
  }
  if (b->injury) PetscCall(BioAddFigure(b, nf, "cells_killed_injury_disc", "cells", b->KILLED, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, -1));
  PetscCall(BioAddFigure(b, nf, "aggrecan_NP_mean", "1", b->AGG, DS_FIGURE_MEAN, DS_REGION_NP, 0, -1));
  PetscCall(BioAddFigure(b, nf, "collagen2_NP_mean", "1", b->COL, DS_FIGURE_MEAN, DS_REGION_NP, 0, -1));
  PetscCall(BioAddFigure(b, nf, "mmp_NP_mean", "1", b->MMP, DS_FIGURE_MEAN, DS_REGION_NP, 0, -1));
  PetscCall(BioAddFigure(b, nf, "cytokine_NP_mean", "1", b->CYT, DS_FIGURE_MEAN, DS_REGION_NP, 0, -1));
  /* all sources together, the same columns whatever is injected (and none), so that runs compare;
   * then per source */
  PetscCall(BioAddFigure(b, nf, "exo_total_disc", "particles", s + DIAG_EXO, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, -1));
  PetscCall(BioAddFigure(b, nf, "exo_internal_disc", "particles", s + DIAG_EXO_INT, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, -1));
  PetscCall(BioExoFigures(b, nf));
  PetscCall(BioFactorFigures(b, nf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BuildLayout(DSModel m)
{
  Biology *b  = (Biology *)m->data;
  PetscInt nf = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscFree(b->fill)); /* the pattern follows the layout: setup builds it again */
  m->jacobian_fill = NULL;
  LayoutSpecies(b);
  PetscCheck(b->nsp <= DS_MAX_SPECIES, m->comm, PETSC_ERR_SUP, "biology: %" PetscInt_FMT " species, more than DS_MAX_SPECIES = %d", b->nsp, DS_MAX_SPECIES);
  LayoutFields(b);
  PetscCall(LayoutFigures(m, b, &nf));
  m->nspecies      = b->nsp;
  m->ndiag         = b->ndiag;
  m->fields        = b->fields;
  m->figures       = b->figures;
  m->nfigures      = nf;
  m->boundary_sink = b->sink;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The schedule names what it injects: a species per injected cell type and a vesicle pool per
 * injected exosome source (each in table order). */
static PetscErrorCode BiologySelectInjectables(DSModel m, const PetscBool used[])
{
  Biology *b = (Biology *)m->data;

  PetscFunctionBeginUser;
  b->nmsc = 0, b->nexo = 0, b->nfac = 0;
  for (PetscInt t = 0; t < BioNumCellTypes; t++)
    if (used[t]) b->msc_type[b->nmsc++] = t;
  for (PetscInt e = 0; e < BioNumExoSources; e++)
    if (used[BioNumCellTypes + e]) b->pool[b->nexo++].src = e;
  for (PetscInt f = 0; f < BioNumFactors; f++)
    if (used[BioNumCellTypes + BioNumExoSources + f]) b->fpool[b->nfac++].src = f;
  PetscCall(BuildLayout(m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Injections injure the tissue: an accumulator of the cells killed (injury.c). */
static PetscErrorCode BiologySetInjury(DSModel m, PetscBool active)
{
  Biology *b = (Biology *)m->data;

  PetscFunctionBeginUser;
  b->injury = active;
  PetscCall(BuildLayout(m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------------------------------------
 * Set-up: diffusivities, derived rate constants (internal units, 1/h), Jacobian pattern */
/* idx: the parameter indices of the values in M_ order (natives: their own rows, MSCs: their type's block) */
static Population PopulationFrom(DSModel m, PetscInt species, const PetscInt idx[M_N], PetscReal fmat, PetscReal potency)
{
  return (Population){species, DSModelParam(m, idx[M_O2]), DSModelParam(m, idx[M_GLY]), DSModelParam(m, idx[M_GTH]), DSModelParam(m, idx[M_PHTH]), DSModelParam(m, idx[M_PHW]),
                      DSModelParam(m, idx[M_ACID]) / DS_HOURS_PER_DAY, DSModelParam(m, idx[M_OSMTH]), DSModelParam(m, idx[M_OSMW]), DSModelParam(m, idx[M_OSMD]) / (100 * DS_HOURS_PER_DAY),
                      DSModelParam(m, idx[M_PROL]) / DS_HOURS_PER_DAY, fmat, potency};
}

static void SetUpPopulations(DSModel m, Biology *b)
{
  const PetscInt nat[M_N] = {[M_O2] = P_NUT + DS_NUT_O2_RATE_FACTOR, [M_GLY] = P_NUT + DS_NUT_GLYCOLYSIS_FACTOR, [M_GTH] = P_NAT_GTH, [M_PHTH] = P_NAT_PHTH, [M_PHW] = P_WIDTH_PH,
                            [M_ACID] = P_NAT_ACID, [M_OSMTH] = P_NAT_OSMTH, [M_OSMW] = P_WIDTH_OSM, [M_OSMD] = P_NAT_OSMD, [M_PROL] = P_NAT_PROL};

  b->npop   = 1 + b->nmsc;
  b->pop[0] = PopulationFrom(m, b->NAT, nat, 1, 0);
  for (PetscInt q = 0; q < b->nmsc; q++) {
    PetscInt base = P_MSC + b->msc_type[q] * M_N, idx[M_N];
    for (PetscInt k = 0; k < M_N; k++) idx[k] = base + k;
    b->pop[1 + q] = PopulationFrom(m, b->MSC0 + q, idx, DSModelParam(m, base + M_MATRIX), DSModelParam(m, base + M_PARA));
  }
  b->death_a  = DSModelParam(m, P_DEATH_RATE) / DS_HOURS_PER_DAY;
  b->death_K  = DSModelParam(m, P_DEATH_K);
  b->wG       = DSModelParam(m, P_WIDTH_G);
  b->capacity = DSModelParam(m, P_CAPACITY);
  b->osm_ext  = DSModelParam(m, P_OSM_EXT);
  b->rho_ref[DS_REGION_OUTSIDE] = 0, b->fcd[DS_REGION_OUTSIDE] = 0;
  for (PetscInt r = DS_REGION_NP; r < DS_NUM_REGIONS; r++) b->rho_ref[r] = DSNutrientCellDensity(m, &b->nut, (DSRegion)r);
  b->fcd[DS_REGION_NP] = DSModelParam(m, P_FCD_NP), b->fcd[DS_REGION_AF] = DSModelParam(m, P_FCD_AF), b->fcd[DS_REGION_CEP] = DSModelParam(m, P_FCD_CEP);
}

/* turnover: k_deg + k_mmp = ln 2 / t_half, k_mmp = share x that, k_syn = k_deg + k_mmp */
static void SetUpMatrix(DSModel m, Biology *b)
{
  const DSRegion  regions[3] = {DS_REGION_NP, DS_REGION_AF, DS_REGION_CEP};
  const PetscReal ln2        = PetscLogReal(2.0);

  for (PetscInt r = 0; r < 3; r++) {
    PetscReal k = ln2 / (DSModelParam(m, P_AGG_HL_NP + r) * DS_HOURS_PER_YEAR);
    b->kAmmp[regions[r]] = DSModelParam(m, P_AGG_SHARE) * k;
    b->kAdeg[regions[r]] = k - b->kAmmp[regions[r]];
    b->kAsyn[regions[r]] = b->kAdeg[regions[r]] + b->kAmmp[regions[r]]; /* A = 1 stationary at M = 1 */
  }
  PetscReal k = ln2 / (DSModelParam(m, P_COL_HL) * DS_HOURS_PER_YEAR);
  b->kCmmp = DSModelParam(m, P_COL_SHARE) * k;
  b->kCdeg = k - b->kCmmp;
  b->kCsyn = b->kCdeg + b->kCmmp;
}

static void SetUpSignals(DSModel m, Biology *b)
{
  const PetscReal ln2 = PetscLogReal(2.0);

  b->kM     = ln2 / DSModelParam(m, P_MMP_HL);
  b->aI     = DSModelParam(m, P_MMP_GAIN);
  b->kCyt   = ln2 / DSModelParam(m, P_CYT_HL);
  b->pCyt   = DSModelParam(m, P_CYT_PROD) / DS_HOURS_PER_DAY;
  b->Pmax   = DSModelParam(m, P_PARA_MAX);
  b->Rhalf  = DSModelParam(m, P_PARA_HALF);
}

/* fill[row][col] = 1 where BiologyReaction can make d r_row / d u_col nonzero in some state
 * (whatever the parameter values): the union of the processes' declared patterns. The Jacobian
 * check of the test suite fails on a derivative left out. */
static PetscErrorCode BuildJacobianFill(DSModel m, Biology *b)
{
  const PetscInt n = b->nsp;

  PetscFunctionBeginUser;
  PetscCall(PetscFree(b->fill));
  PetscCall(PetscCalloc1(n * n, &b->fill));
  for (PetscInt s = 0; s < n; s++) b->fill[s * n + s] = 1;
  BioMetabolismPattern(b, b->fill, n);
  BioPopulationsPattern(b, b->fill, n);
  BioMatrixPattern(b, b->fill, n);
  BioInflammationPattern(b, b->fill, n);
  BioExosomesPattern(b, b->fill, n);
  BioFactorsPattern(b, b->fill, n);
  m->jacobian_fill = b->fill;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BiologySetUp(DSModel m)
{
  Biology        *b   = (Biology *)m->data;
  const DSRegion  regions[3] = {DS_REGION_NP, DS_REGION_AF, DS_REGION_CEP};
  const PetscInt  nsp = m->nspecies;
  const PetscReal cep = DSModelParam(m, P_CEP_FACTOR);

  PetscFunctionBeginUser;
  b->nut.cep_factor = cep;
  DSNutrientSetDiffusivities(m, &b->nut);
  for (PetscInt r = 0; r < 3; r++) { /* every other species: D = 0 (calloc) */
    PetscReal f = regions[r] == DS_REGION_CEP ? cep : 1;
    m->D[regions[r] * nsp + b->CYT] = f * DSModelParam(m, P_D_CYT) * DS_M2_PER_S_TO_MM2_PER_H;
  }
  SetUpPopulations(m, b);
  SetUpMatrix(m, b);
  SetUpSignals(m, b);
  BioExoSetUp(m, b);
  BioFactorSetUp(m, b);
  BioInjurySetUp(m, b);
  PetscCall(BuildJacobianFill(m, b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------------------------------------
 * The ops: each process writes its own rows of r and J */
static PetscErrorCode BiologyReaction(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[])
{
  Biology       *b = (Biology *)m->data;
  const PetscInt n = m->nspecies;
  BioState       state;

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < n; s++) r[s] = 0;
  if (J)
    for (PetscInt s = 0; s < n * n; s++) J[s] = 0;
  if (pt->region == DS_REGION_OUTSIDE) PetscFunctionReturn(PETSC_SUCCESS);
  BioStateCompute(b, pt, u, &state);
  BioMetabolism(m, b, u, r, J, n);
  BioPopulations(b, &state, u, r, J, n);
  BioMatrix(b, &state, pt, u, r, J, n);
  BioInflammation(b, &state, u, r, J, n);
  BioExosomes(b, &state, u, r, J, n);
  BioFactorKinetics(b, u, r, J, n);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BiologyBoundary(DSModel m, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[])
{
  Biology  *b = (Biology *)m->data;
  PetscBool supplied;

  PetscFunctionBeginUser;
  DSNutrientBoundary(m, &b->nut, kind, bc, value, &supplied);
  if (!supplied) PetscFunctionReturn(PETSC_SUCCESS); /* bone: no exchange */
  bc[b->CYT] = DS_BC_DIRICHLET; /* cleared by the vasculature */
  value[b->CYT] = 0;
  for (PetscInt k = 0; k < b->nexo; k++) bc[b->pool[k].sp[POOL_FREE]] = DS_BC_DIRICHLET, value[b->pool[k].sp[POOL_FREE]] = 0;
  for (PetscInt k = 0; k < b->nfac; k++) bc[b->fpool[k].sp[FPOOL_FREE]] = DS_BC_DIRICHLET, value[b->fpool[k].sp[FPOOL_FREE]] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BiologyInitial(DSModel m, const DSPoint *pt, PetscScalar u[])
{
  Biology  *b  = (Biology *)m->data;
  PetscReal vf = DSModelParam(m, P_VIABLE);

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < m->nspecies; s++) u[s] = 0;
  DSNutrientInitial(m, &b->nut, u);
  if (pt->region == DS_REGION_OUTSIDE) PetscFunctionReturn(PETSC_SUCCESS);
  u[b->NAT] = b->rho_ref[pt->region] * vf;
  u[b->AGG] = DSModelParam(m, P_INIT_AGG);
  u[b->COL] = DSModelParam(m, P_INIT_COL);
  /* cytokine and MMP start at their local (well-mixed) stationary values for the initial cells */
  u[b->CYT] = b->pCyt * vf / b->kCyt;
  u[b->MMP] = vf * (1 + b->aI * u[b->CYT]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* osmolarity, and the cells dying per day by cause (all populations; > 0) */
static PetscErrorCode BiologyDeathDiagnostics(const Biology *b, const DSPoint *pt, const PetscScalar u[], PetscScalar d[])
{
  BioState state;

  PetscFunctionBeginUser;
  for (PetscInt k = DIAG_OSM; k < NDIAG; k++) d[k] = 0;
  if (pt->region == DS_REGION_OUTSIDE) PetscFunctionReturn(PETSC_SUCCESS);
  BioStateCompute(b, pt, u, &state);
  d[DIAG_OSM] = state.Osm;
  for (PetscInt q = 0; q < b->npop; q++) {
    const PetscReal rho = PetscMax(u[b->pop[q].species], 0) * DS_HOURS_PER_DAY;
    BioDeath        dr;
    BioDeathRates(b, &state, q, &dr);
    d[DIAG_DEATH_GLC] -= rho * dr.glc, d[DIAG_DEATH_PH] -= rho * dr.acid, d[DIAG_DEATH_OSM] -= rho * dr.osm, d[DIAG_DEATH_CROWD] -= rho * dr.crowd;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BiologyDiagnostics(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar d[])
{
  Biology *b = (Biology *)m->data;

  PetscFunctionBeginUser;
  DSNutrientDiagnostics(m, &b->nut, u, d);
  d[DIAG_CELLS] = u[b->NAT];
  for (PetscInt q = 0; q < b->nmsc; q++) d[DIAG_CELLS] += u[b->MSC0 + q];
  BioExoDiagnostics(b, u, d);
  d[DIAG_INJECTED] = 0;
  for (PetscInt q = 0; q < b->nmsc; q++) d[DIAG_INJECTED] += u[b->MSC0 + q];
  PetscCall(BiologyDeathDiagnostics(b, pt, u, d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BiologyDestroy(DSModel m)
{
  Biology *b = (Biology *)m->data;

  PetscFunctionBeginUser;
  PetscCall(PetscFree(b->fill));
  PetscCall(PetscFree(b->text));
  PetscCall(PetscFree(b->exo_text));
  PetscCall(PetscFree(b->fac_text));
  PetscCall(DSNutrientDestroy(&b->nut));
  PetscCall(PetscFree(b->defaults));
  PetscCall(PetscFree(m->data));
  m->boundary_sink = NULL, m->jacobian_fill = NULL, m->injury = NULL, m->fields = NULL, m->figures = NULL, m->injectables = NULL, m->ninjectables = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const DSModelOps biology_ops = {
  .setfromoptions = BiologySetFromOptions, .selectinjectables = BiologySelectInjectables, .setinjury = BiologySetInjury, .setup = BiologySetUp, .reaction = BiologyReaction,
  .boundary = BiologyBoundary, .initial = BiologyInitial, .diagnostics = BiologyDiagnostics, .destroy = BiologyDestroy,
};

PetscErrorCode DSModelCreate_Biology(DSModel m)
{
  Biology *b;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&b));
  m->data = b;
  PetscCall(BioCreateParameters(m, b));
  PetscCall(BioCreateInjectables(m, b));
  PetscCall(BuildLayout(m)); /* no injections until the schedule selects them */
  m->ops = biology_ops;
  PetscFunctionReturn(PETSC_SUCCESS);
}
