/* Biology model: the nutrient fields (Bibby et al. 2005 laws, as models/nutrient.c) coupled with
 * cell populations (native cells and injected MSCs), matrix turnover (aggrecan, collagen II),
 * MMP activity, a lumped inflammatory cytokine and injected exosomes with exact bookkeeping.
 *
 * Species (internal units: mm, h, mM, cells/mm^3):
 *   oxygen, glucose, lactate [mM]          diffusing, Bibby laws x effective cell density
 *   cells_native [cells/mm^3]               D = 0
 *   cells_BMSC, cells_AMSC, cells_NPMSC     D = 0; only the types that appear in the injection schedule
 *   aggrecan, collagen2 [1]                 D = 0; 1 = healthy content
 *   mmp [1]                                 D = 0; 1 = healthy MMP-3/-13 activity
 *   cytokine [1]                            diffusing; 1 = reference degenerate level (IL-1b/TNF-a)
 *   exo_free [particles/mm^3]               diffusing (hindered), leaks into exo_leaked (boundary sink)
 *   exo_internal, exo_degraded, exo_cleared, exo_leaked [particles/mm^3]   D = 0
 *
 * Per population q (density rho_q, 1/h after conversion of the per-day inputs):
 *   d rho_q/dt = rho_q [ (alpha_glc + alpha_acid) (1 - E_death) + r_q Sn_q (1 - rho_total/K_cap) ]
 * with alpha_glc = -a (G_th - G)/(G + K) below G_th (Zhu 2012 lineage), alpha_acid = -k (pH_th - pH)
 * below pH_th, Sn_q = s(G; G_th, wG) s(pH; pH_th, wpH) (C1 switch, exactly 1 at and above both
 * thresholds), K_cap = capacity x healthy density of the region.
 * Matrix X (aggrecan, collagen2):
 *   dX/dt = k_syn Syn (1 + E_syn) - (k_deg + k_mmp M) X,   Syn = sum_q f_q Sn_q rho_q / rho_ref,
 *   k_deg + k_mmp = ln 2 / t_half (Sivan 2006/2008), k_mmp = share x that, k_syn = k_deg + k_mmp,
 * so X = 1 is stationary in the healthy disc (natives at rho_ref, Sn = 1, M = 1, no cargo).
 * MMP: dM/dt = k_M [ (rho_nat/rho_ref)(1 + a_I C)(1 - E_mmp)(1 - P) - M ],  P = Pmax R/(R + R_half),
 *   R = sum over MSC types of potency x density (paracrine action).
 * Cytokine: dC/dt = p (rho_nat/rho_ref)(1 - P) - k_C C.
 * Exosomes: uptake k_up rho_total F, clearance k_clr F, cargo decay k_cargo I: pure transfers
 *   free -> internal -> degraded, free -> cleared; the solver moves the boundary outflux of
 *   exo_free into exo_leaked. Cargo effect E_x = Emax_x I/(I + EC50).
 * Every consumption, death and decay term vanishes when the consumed quantity is 0. */
#include "dsmodelimpl.h"
#include "nutrient.h"
#include "biology.h"

/* ---------------------------------------------------------------------------------------------
 * Parameters */
enum { MSC_BMSC, MSC_AMSC, MSC_NPMSC, NMSC_TYPES };
static const char *const msc_names[NMSC_TYPES] = {"BMSC", "AMSC", "NPMSC"};
static const char *const msc_fields[NMSC_TYPES] = {"cells_BMSC", "cells_AMSC", "cells_NPMSC"};
static const char *const msc_what[NMSC_TYPES]   = {"bmsc", "amsc", "npmsc"};

enum { EXO_BMSC, EXO_AMSC, EXO_IMSC, EXO_PLMSC, NEXO_TYPES };
static const char *const exo_what[NEXO_TYPES]  = {"exo_bmsc", "exo_amsc", "exo_imsc", "exo_plmsc"};
static const char *const exo_label[NEXO_TYPES] = {"BMSC exosomes", "AMSC exosomes", "iMSC exosomes", "placenta-MSC exosomes"};
/* cargo potency presets (Emax for synthesis, MMP production, death): illustrative, no measurement */
static const PetscReal exo_potency[NEXO_TYPES][3] = {
  {0.5, 0.5, 0.5}, /* BMSC-Exo: miR-155, miR-532-5p, ... anti-apoptotic, less MMP, more AGC/COL II */
  {0.6, 0.3, 0.3}, /* AMSC-Exo: raise AGC, COL II, Sox-9 mRNA */
  {0.4, 0.4, 0.6}, /* iMSC-Exo: miR-105-5p, anti-senescence */
  {0.4, 0.6, 0.4}, /* placenta-MSC-Exo: antagomiR-4450 (the review); acts through MMP, synthesis and death only */
};

/* per MSC type block: */
enum { M_O2, M_GLY, M_GTH, M_PHTH, M_ACID, M_PROL, M_MATRIX, M_PARA, M_N };

enum {
  P_D_O2_NP, P_D_O2_AF, P_D_O2_CEP, P_D_GLC_NP, P_D_GLC_AF, P_D_GLC_CEP, P_D_LAC_NP, P_D_LAC_AF, P_D_LAC_CEP,
  P_D_CYT, P_D_EXO, P_CEP_FACTOR,
  P_CELLS_NP, P_CELLS_AF, P_CELLS_CEP, P_VIABLE,
  P_PO2_VERT, P_GLC_VERT, P_LAC_VERT, P_PO2_AF, P_GLC_AF, P_LAC_AF,
  P_SOLUBILITY, P_O2_RATE_FACTOR, P_GLYCOLYSIS_FACTOR, P_GLC_CUTOFF,
  P_INIT_PO2, P_INIT_GLC, P_INIT_LAC,
  P_DEATH_RATE, P_DEATH_K, P_NAT_GTH, P_NAT_PHTH, P_NAT_ACID, P_NAT_PROL,
  P_MSC, /* NMSC_TYPES blocks of M_N */
  P_CAPACITY = P_MSC + NMSC_TYPES * M_N, P_WIDTH_G, P_WIDTH_PH,
  P_AGG_HL_NP, P_AGG_HL_AF, P_AGG_HL_CEP, P_COL_HL, P_AGG_SHARE, P_COL_SHARE, P_INIT_AGG, P_INIT_COL,
  P_MMP_HL, P_MMP_GAIN, P_CYT_HL, P_CYT_PROD, P_PARA_MAX, P_PARA_HALF,
  P_EXO_UPTAKE, P_EXO_CLR_HL, P_EXO_CARGO_HL, P_EXO_EC50, P_EXO_EMAX_SYN, P_EXO_EMAX_MMP, P_EXO_EMAX_DEATH, P_PER_UG,
  NPARAM
};

#define T          PETSC_TRUE
#define F          PETSC_FALSE
#define ILL        "illustrative (no measurement)"
#define ZHU        "disc models, Zhu 2012 lineage (PARAMETERS.md [L])"
#define REVIEW_NP  "illustrative; NPMSCs tolerate acid better (Tian et al. review, qualitative)"
#define MSC_BLOCK(t, name, o2, gly, gth, phth, acid, prol, mat, para, phsrc) \
  [P_MSC + (t) * M_N + M_O2]     = {"bio_" name "_oxygen_factor", "1", name " oxygen consumption relative to the Bibby law (healthy native cells = 1)", o2, 0, 100, F, ILL, T}, \
  [P_MSC + (t) * M_N + M_GLY]    = {"bio_" name "_glycolysis_factor", "1", name " glycolysis relative to the Bibby law", gly, 0, 100, F, ILL, T}, \
  [P_MSC + (t) * M_N + M_GTH]    = {"bio_" name "_glucose_threshold", "mM", name " death below this glucose", gth, 0, 5, F, ILL, T}, \
  [P_MSC + (t) * M_N + M_PHTH]   = {"bio_" name "_pH_threshold", "1", name " acid death below this pH", phth, 5, 7.4, F, phsrc, T}, \
  [P_MSC + (t) * M_N + M_ACID]   = {"bio_" name "_acid_death_rate", "1/(day pH)", name " death rate per pH unit below the pH threshold", acid, 0, 100, F, ILL, T}, \
  [P_MSC + (t) * M_N + M_PROL]   = {"bio_" name "_proliferation_rate", "1/day", name " logistic proliferation rate (above both thresholds)", prol, 0, 10, F, ILL, T}, \
  [P_MSC + (t) * M_N + M_MATRIX] = {"bio_" name "_matrix_factor", "1", name " matrix synthesis per cell relative to a native cell", mat, 0, 10, F, ILL, T}, \
  [P_MSC + (t) * M_N + M_PARA]   = {"bio_" name "_paracrine_potency", "1", name " weight in the paracrine (anti-MMP, anti-cytokine) action", para, 0, 10, F, ILL, T}

static const DSParam bio_params[NPARAM] = {
  DS_NUTRIENT_PARAMETERS("bio_", " (times bio_CEP_diffusivity_factor)", PETSC_TRUE),
  [P_D_CYT]     = {"bio_D_cytokine", "m^2/s", "cytokine diffusivity (~17 kDa protein), all regions", 1e-11, 0, 1e-8, F, ILL, T},
  [P_D_EXO]     = {"bio_D_exo", "m^2/s", "hindered diffusivity of free exosomes (0.03 um^2/s), all regions", 3e-14, 0, 1e-8, F, "PARAMETERS.md [D]: extrapolated hindrance fit, uncertain", T},
  [P_CEP_FACTOR] = {"bio_CEP_diffusivity_factor", "1", "multiplies every CEP diffusivity (degenerate preset: 0.543, porosity 0.60 -> 0.48)", 1, 0, 1, T, "Wu 2013 porosity; Mackie-Meares (phi/(2-phi))^2"},
  [P_VIABLE]    = {"bio_viable_fraction", "1", "initial viable fraction of native cells (Zhu 2017: mild 0.8, moderate 0.4)", 1, 0, 1, F, "Zhu 2017 (1 = healthy)"},
  [P_INIT_PO2]          = {"bio_initial_pO2", "kPa", "initial oxygen partial pressure (default: the vertebra value)", 5.8, 0, 30, F, "scenario"},
  [P_INIT_GLC]          = {"bio_initial_glucose", "mM", "initial glucose (default: the vertebra value)", 4.0, 0, 30, F, "scenario"},
  [P_INIT_LAC]          = {"bio_initial_lactate", "mM", "initial lactate (default: the vertebra value)", 0.8, 0, 30, F, "scenario"},
  [P_DEATH_RATE] = {"bio_glucose_death_rate", "1/day", "a in the glucose death law alpha = -a (G_th - G)/(G + K) below G_th", 2, 0, 100, F, ZHU},
  [P_DEATH_K]    = {"bio_glucose_death_K", "mM", "K in the glucose death law (death rate a G_th/K at zero glucose)", 0.5, 0, 10, T, "not stated in PARAMETERS.md: chosen", T},
  [P_NAT_GTH]    = {"bio_native_glucose_threshold", "mM", "native cells die below this glucose", 0.5, 0, 5, F, ZHU "; cf. Bibby & Urban 2004 (death at low glucose)"},
  [P_NAT_PHTH]   = {"bio_native_pH_threshold", "1", "native cells die below this pH", 6.78, 5, 7.4, F, ZHU "; Bibby & Urban 2004 measured death at pH 6.7 and 6.2"},
  [P_NAT_ACID]   = {"bio_native_acid_death_rate", "1/(day pH)", "native death rate per pH unit below the pH threshold", 1, 0, 100, F, ILL, T},
  [P_NAT_PROL]   = {"bio_native_proliferation_rate", "1/day", "native logistic proliferation rate (0: adult disc cells do not repopulate)", 0, 0, 10, F, ILL, T},
  MSC_BLOCK(MSC_BMSC, "BMSC", 1.5, 1.5, 0.5, 6.8, 1.0, 0.05, 0.5, 1.0, ILL),
  MSC_BLOCK(MSC_AMSC, "AMSC", 1.5, 1.5, 0.5, 6.8, 1.0, 0.05, 0.5, 1.0, ILL),
  MSC_BLOCK(MSC_NPMSC, "NPMSC", 1.0, 1.0, 0.5, 6.5, 0.5, 0.05, 0.8, 0.5, REVIEW_NP),
  [P_CAPACITY]   = {"bio_capacity_factor", "1", "carrying capacity of all cells, x the healthy density of the region (crowding kills: Stephan 2011)", 1, 0, 100, T, ILL, T},
  [P_WIDTH_G]    = {"bio_switch_width_glucose", "mM", "synthesis/proliferation fall smoothly to 0 over this glucose span below the threshold", 0.25, 0, 5, T, ILL, T},
  [P_WIDTH_PH]   = {"bio_switch_width_pH", "1", "synthesis/proliferation fall smoothly to 0 over this pH span below the threshold", 0.1, 0, 2, T, ILL, T},
  [P_AGG_HL_NP]  = {"bio_aggrecan_half_life_NP", "year", "effective aggrecan half-life in the healthy NP", 12, 0, 1000, T, "Sivan 2006 (normal NP)"},
  [P_AGG_HL_AF]  = {"bio_aggrecan_half_life_AF", "year", "effective aggrecan half-life in the healthy AF", 11.2, 0, 1000, T, "Sivan 2006 (normal AF)"},
  [P_AGG_HL_CEP] = {"bio_aggrecan_half_life_CEP", "year", "effective aggrecan half-life in the CEP (NP value assumed)", 12, 0, 1000, T, "Sivan 2006 NP value, assumed for the CEP", T},
  [P_COL_HL]     = {"bio_collagen2_half_life", "year", "effective collagen II half-life (215 y at age 50-80), all regions", 95, 0, 10000, T, "Sivan 2008 (age 20-40)"},
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
  [P_EXO_UPTAKE]   = {"bio_exo_uptake_rate", "mm^3/(cell h)", "exosome uptake: rate = k x cells x free exosomes", 1e-5, 0, 1, F, ILL, T},
  [P_EXO_CLR_HL]   = {"bio_exo_clearance_half_life", "h", "half-life of free exosomes against first-order clearance", 12, 0, 1e6, T, "illustrative; 'rapid clearance' (Xing 2021), no half-life measured", T},
  [P_EXO_CARGO_HL] = {"bio_exo_cargo_half_life", "h", "half-life of the internalised cargo (measured miRNA medians 11-34 h)", 24, 0.1, 1e4, F, "Kingston & Bartel 2019 (miRNA in cells: medians 11-34 h, 100-fold spread)"},
  [P_EXO_EC50]     = {"bio_exo_EC50", "particles/mm^3", "internalised exosomes giving half the largest cargo effect", 1e6, 0, 1e15, T, ILL, T},
  [P_EXO_EMAX_SYN]   = {"bio_exo_Emax_synthesis", "1", "largest relative increase of matrix synthesis by cargo (default: the exosome source's preset)", 0.5, 0, 10, F, ILL, T},
  [P_EXO_EMAX_MMP]   = {"bio_exo_Emax_mmp", "1", "largest fractional reduction of MMP production by cargo (source preset)", 0.5, 0, 1, F, ILL, T},
  [P_EXO_EMAX_DEATH] = {"bio_exo_Emax_death", "1", "largest fractional reduction of cell death by cargo (source preset)", 0.5, 0, 1, F, ILL, T},
  [P_PER_UG]       = {"bio_particles_per_ug", "particles/ug", "exosome particles per ug of protein (converts injectionN_dose_ug)", 3e9, 1e6, 1e13, F, ILL, T},
};

/* The presets: values applied to parameters the user did not set. */
typedef struct {
  PetscInt  p;
  PetscReal value;
} PresetValue;
static const char *const  bio_presets[] = {"healthy", "degenerate"};
static const PresetValue degenerate_preset[] = {
  {P_CEP_FACTOR, 0.543}, /* Wu 2013, Mackie-Meares, as examples/calcified_endplate.yaml */
  {P_VIABLE, 0.4},       /* Zhu 2017, moderate degeneration */
  {P_O2_RATE_FACTOR, 3}, /* Cisewski 2018: 3-5x */
  {P_CYT_PROD, 6.93},    /* illustrative: cytokine ~1 in a well-mixed NP at 40 % viability, 6 h half-life */
  {P_INIT_AGG, 0.6},     /* illustrative */
  {P_INIT_COL, 0.8},     /* illustrative */
};

/* ---------------------------------------------------------------------------------------------
 * Model data: the species layout, figures and events depend on the injection schedule. */
enum { DIAG_PH, DIAG_PO2, DIAG_CELLS, DIAG_EXO, NDIAG };
#define MAXSP  16
#define MAXFIG 40
#define MAXINJ 8

typedef struct {
  PetscInt  species;
  PetscReal fO2, fgly, Gth, pHth, kacid, rprol, fmat, potency; /* kacid 1/(h pH), rprol 1/h */
} Population;

typedef struct {
  /* layout */
  PetscInt    nmsc, msc_type[NMSC_TYPES];
  PetscInt    O2, GLC, LAC, NAT, MSC0, AGG, COL, MMP, CYT, EXF, EXI, EXD, EXC, EXL, nsp;
  DSFieldInfo fields[MAXSP + NDIAG];
  PetscInt    sink[MAXSP];
  PetscInt   *fill; /* nsp x nsp Jacobian pattern (m->jacobian_fill), built by setup */
  DSFigure    figures[MAXFIG];
  char        fignames[MAXFIG][48];
  /* schedule */
  DSEvent    *events;
  PetscInt    nevents, exo_source;
  PetscInt    preset;
  /* derived constants (1/h etc.), filled by setup */
  PetscInt    npop;
  Population  pop[1 + NMSC_TYPES];
  PetscReal   rho_ref[DS_NUM_REGIONS];
  PetscReal   kAsyn[DS_NUM_REGIONS], kAdeg[DS_NUM_REGIONS], kAmmp[DS_NUM_REGIONS], kCsyn, kCdeg, kCmmp;
  PetscReal   kM, aI, kCyt, pCyt, Pmax, Rhalf, kup, kclr, kcargo, EC50, Esyn, Emmp, Edeath;
  PetscReal   death_a, death_K, wG, wpH, capacity;
} Biology;

static PetscReal Param(DSModel m, PetscInt i) { return m->params[i].value; }

/* ---------------------------------------------------------------------------------------------
 * Laws (exposed in biology.h) */
PetscReal DSBioGlucoseDeathRate(PetscReal G, PetscReal G_th, PetscReal K, PetscReal a)
{
  PetscReal Gp = PetscMax(G, 0);
  return Gp >= G_th ? 0 : -a * (G_th - Gp) / (Gp + K);
}

PetscReal DSBioAcidDeathRate(PetscReal pH, PetscReal pH_th, PetscReal k) { return pH >= pH_th ? 0 : -k * (pH_th - pH); }

PetscReal DSBioSwitch(PetscReal x, PetscReal th, PetscReal w, PetscReal *dsdx)
{
  PetscReal s = (x - (th - w)) / w;
  if (x >= th) {
    if (dsdx) *dsdx = 0;
    return 1;
  }
  if (s <= 0) {
    if (dsdx) *dsdx = 0;
    return 0;
  }
  if (dsdx) *dsdx = 6 * s * (1 - s) / w;
  return s * s * (3 - 2 * s);
}

PetscReal DSBioSphereRadius(PetscReal V) { return PetscCbrtReal(3 * V / (4 * PETSC_PI)); }

/* ---------------------------------------------------------------------------------------------
 * Layout: species, diagnostics, figures */
static PetscErrorCode AddFigure(Biology *b, PetscInt *nf, const char *name, const char *unit, PetscInt field, DSFigureKind kind, DSRegion region, PetscReal threshold, PetscInt persistence_of)
{
  PetscFunctionBeginUser;
  PetscCheck(*nf < MAXFIG, PETSC_COMM_SELF, PETSC_ERR_PLIB, "too many figures");
  PetscCall(PetscStrncpy(b->fignames[*nf], name, sizeof b->fignames[*nf]));
  b->figures[*nf] = (DSFigure){b->fignames[*nf], unit, field, kind, region, threshold, persistence_of};
  (*nf)++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BuildLayout(DSModel m)
{
  Biology       *b = (Biology *)m->data;
  PetscInt       s = 0, nf = 0;
  const DSRegion regions[3] = {DS_REGION_NP, DS_REGION_AF, DS_REGION_CEP};

  PetscFunctionBeginUser;
  PetscCall(PetscFree(b->fill)); /* the pattern follows the layout: setup builds it again */
  m->jacobian_fill = NULL;
  b->O2 = s++, b->GLC = s++, b->LAC = s++, b->NAT = s++;
  b->MSC0 = s, s += b->nmsc;
  b->AGG = s++, b->COL = s++, b->MMP = s++, b->CYT = s++;
  b->EXF = s++, b->EXI = s++, b->EXD = s++, b->EXC = s++, b->EXL = s++;
  b->nsp = s;
  PetscCheck(s <= MAXSP, m->comm, PETSC_ERR_PLIB, "too many species");
  b->fields[b->O2]  = (DSFieldInfo){"oxygen", "mM", "dissolved oxygen concentration", 0.06};
  b->fields[b->GLC] = (DSFieldInfo){"glucose", "mM", "glucose concentration", 4.0};
  b->fields[b->LAC] = (DSFieldInfo){"lactate", "mM", "lactate concentration", 1.0};
  b->fields[b->NAT] = (DSFieldInfo){"cells_native", "cells/mm^3", "viable native disc cells", 4000};
  for (PetscInt q = 0; q < b->nmsc; q++) b->fields[b->MSC0 + q] = (DSFieldInfo){msc_fields[b->msc_type[q]], "cells/mm^3", "viable injected MSCs of this type", 1000};
  b->fields[b->AGG] = (DSFieldInfo){"aggrecan", "1", "aggrecan content relative to healthy", 1};
  b->fields[b->COL] = (DSFieldInfo){"collagen2", "1", "collagen II content relative to healthy", 1};
  b->fields[b->MMP] = (DSFieldInfo){"mmp", "1", "MMP-3/-13 activity relative to healthy", 1};
  b->fields[b->CYT] = (DSFieldInfo){"cytokine", "1", "IL-1b/TNF-a level relative to the reference degenerate level", 1};
  b->fields[b->EXF] = (DSFieldInfo){"exo_free", "particles/mm^3", "free (extracellular) exosomes", 1e6};
  b->fields[b->EXI] = (DSFieldInfo){"exo_internal", "particles/mm^3", "internalised exosomes with active cargo", 1e6};
  b->fields[b->EXD] = (DSFieldInfo){"exo_degraded", "particles/mm^3", "accumulated: internalised exosomes whose cargo decayed", 1e6};
  b->fields[b->EXC] = (DSFieldInfo){"exo_cleared", "particles/mm^3", "accumulated: free exosomes cleared in the tissue", 1e6};
  b->fields[b->EXL] = (DSFieldInfo){"exo_leaked", "particles/mm^3", "accumulated: free exosomes that left through the boundary (in the boundary cell)", 1e6};
  b->fields[s + DIAG_PH]    = (DSFieldInfo){"pH", "1", "pH from lactate: 7.4 - [lactate]/11.11 mM", 7.4};
  b->fields[s + DIAG_PO2]   = (DSFieldInfo){"pO2", "kPa", "oxygen partial pressure", 5.8};
  b->fields[s + DIAG_CELLS] = (DSFieldInfo){"cells_total", "cells/mm^3", "all viable cells", 4000};
  b->fields[s + DIAG_EXO]   = (DSFieldInfo){"exo_total", "particles/mm^3", "exosomes in the tissue: free + internalised", 1e6};
  for (PetscInt i = 0; i < s; i++) b->sink[i] = -1;
  b->sink[b->EXF] = b->EXL;

  PetscCall(AddFigure(b, &nf, "pO2_NP_centre", "kPa", s + DIAG_PO2, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1));
  PetscCall(AddFigure(b, &nf, "glucose_NP_centre", "mM", b->GLC, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1));
  PetscCall(AddFigure(b, &nf, "pH_NP_centre", "1", s + DIAG_PH, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1));
  PetscCall(AddFigure(b, &nf, "pO2_min", "kPa", s + DIAG_PO2, DS_FIGURE_MINIMUM, DS_REGION_OUTSIDE, 0, -1));
  PetscCall(AddFigure(b, &nf, "glucose_min", "mM", b->GLC, DS_FIGURE_MINIMUM, DS_REGION_OUTSIDE, 0, -1));
  PetscCall(AddFigure(b, &nf, "pH_min", "1", s + DIAG_PH, DS_FIGURE_MINIMUM, DS_REGION_OUTSIDE, 0, -1));
  for (PetscInt q = 0; q <= b->nmsc; q++) {
    PetscInt sp = q ? b->MSC0 + q - 1 : b->NAT;
    for (PetscInt r = 0; r < 3; r++) {
      char name[48];
      PetscCall(PetscSNPrintf(name, sizeof name, "%s_%s", b->fields[sp].name, DSRegionNames[regions[r]]));
      PetscCall(AddFigure(b, &nf, name, "cells", sp, DS_FIGURE_INTEGRAL, regions[r], 0, -1));
    }
  }
  PetscCall(AddFigure(b, &nf, "NP_fraction_glucose_low", "1", b->GLC, DS_FIGURE_FRACTION_BELOW, DS_REGION_NP, Param(m, P_NAT_GTH), -1));
  PetscCall(AddFigure(b, &nf, "NP_fraction_pH_low", "1", s + DIAG_PH, DS_FIGURE_FRACTION_BELOW, DS_REGION_NP, Param(m, P_NAT_PHTH), -1));
  PetscCall(AddFigure(b, &nf, "aggrecan_NP_mean", "1", b->AGG, DS_FIGURE_MEAN, DS_REGION_NP, 0, -1));
  PetscCall(AddFigure(b, &nf, "collagen2_NP_mean", "1", b->COL, DS_FIGURE_MEAN, DS_REGION_NP, 0, -1));
  PetscCall(AddFigure(b, &nf, "mmp_NP_mean", "1", b->MMP, DS_FIGURE_MEAN, DS_REGION_NP, 0, -1));
  PetscCall(AddFigure(b, &nf, "cytokine_NP_mean", "1", b->CYT, DS_FIGURE_MEAN, DS_REGION_NP, 0, -1));
  {
    PetscInt persist = b->exo_source >= 0 ? b->EXF : -1; /* dose persistence only when exosomes are injected */
    PetscCall(AddFigure(b, &nf, "exo_free_disc", "particles", b->EXF, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, -1));
    PetscCall(AddFigure(b, &nf, "exo_internal_disc", "particles", b->EXI, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, persist));
    PetscCall(AddFigure(b, &nf, "exo_total_disc", "particles", s + DIAG_EXO, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, persist));
    PetscCall(AddFigure(b, &nf, "exo_degraded_disc", "particles", b->EXD, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, -1));
    PetscCall(AddFigure(b, &nf, "exo_cleared_disc", "particles", b->EXC, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, -1));
    PetscCall(AddFigure(b, &nf, "exo_leaked_disc", "particles", b->EXL, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, -1));
  }
  m->nspecies      = s;
  m->ndiag         = NDIAG;
  m->fields        = b->fields;
  m->figures       = b->figures;
  m->nfigures      = nf;
  m->boundary_sink = b->sink;
  m->events        = b->events;
  m->nevents       = b->nevents;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------------------------------------
 * Options: preset and injection schedule */
static PetscErrorCode ApplyPreset(DSModel m, PetscInt preset)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < NPARAM; i++)
    if (!m->params[i].set) m->params[i].value = bio_params[i].value; /* back to the healthy default */
  if (preset == 1)
    for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(degenerate_preset); i++)
      if (!m->params[degenerate_preset[i].p].set) m->params[degenerate_preset[i].p].value = degenerate_preset[i].value;
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  PetscBool given, cells;
  PetscInt  type; /* MSC type or exosome source */
  PetscReal time, amount, radius, centre[3], every;
  PetscInt  count;
} Injection;

/* Injection 1 is listed by -help; 2..8 read the same keys silently (the help text says so). */
static PetscErrorCode GetString(PetscOptionItems *PetscOptionsObject, PetscBool show, const char *key, const char *help, char *value, size_t len, PetscBool *set)
{
  PetscFunctionBeginUser;
  if (show) PetscCall(PetscOptionsString(key, help, NULL, value, value, len, set));
  else PetscCall(PetscOptionsGetString(NULL, NULL, key, value, len, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GetReal(PetscOptionItems *PetscOptionsObject, PetscBool show, const char *key, const char *help, PetscReal *value, PetscBool *set)
{
  PetscFunctionBeginUser;
  if (show) PetscCall(PetscOptionsReal(key, help, NULL, *value, value, set));
  else PetscCall(PetscOptionsGetReal(NULL, NULL, key, value, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReadInjection(DSModel m, PetscOptionItems *PetscOptionsObject, PetscInt i, PetscReal height, Injection *inj)
{
  static const char *const subkeys[] = {"what", "time", "dose", "dose_ug", "volume", "radius", "centre", "repeat_every", "repeat_count"};
  char      key[64], what[64] = "", allowed[256] = "";
  PetscBool show = (PetscBool)(i == 1), set, set_dose, set_ug, set_vol, set_rad, set_count, set_every;
  PetscReal dose = 0, dose_ug = 0, volume = 100, radius = 0, centre[3] = {0, 0, 0.5 * height};
  PetscInt  n = 3;

  PetscFunctionBeginUser;
  for (PetscInt t = 0; t < NMSC_TYPES + NEXO_TYPES; t++) {
    PetscCall(PetscStrlcat(allowed, t ? ", " : "", sizeof allowed));
    PetscCall(PetscStrlcat(allowed, t < NMSC_TYPES ? msc_what[t] : exo_what[t - NMSC_TYPES], sizeof allowed));
  }
  PetscCall(PetscMemzero(inj, sizeof *inj));
#define KEY(sub) (PetscSNPrintf(key, sizeof key, "-injection%" PetscInt_FMT "_%s", i, sub), key)
  PetscCall(GetString(PetscOptionsObject, show, KEY("what"), "what injectionN (N = 1..8) injects: bmsc | amsc | npmsc (cells) or exo_bmsc | exo_amsc | exo_imsc | exo_plmsc (exosomes)", what, sizeof what, &set));
  if (!set) { /* no injection N: none of its other keys may be given */
    for (size_t k = 1; k < PETSC_STATIC_ARRAY_LENGTH(subkeys); k++) {
      PetscBool has;
      PetscCall(PetscOptionsHasName(NULL, NULL, KEY(subkeys[k]), &has));
      PetscCheck(!has, m->comm, PETSC_ERR_ARG_WRONG, "input %s is given but -injection%" PetscInt_FMT "_what is missing: allowed %s", key, i, allowed);
    }
    if (show) { /* list the other keys in -help all the same */
      PetscReal dummy = 0;
      PetscInt  idummy = 0;
      PetscCall(PetscOptionsReal(KEY("time"), "injection time [h]", NULL, dummy, &dummy, NULL));
      PetscCall(PetscOptionsReal(KEY("dose"), "injected cells or exosome particles [cells or particles]", NULL, dummy, &dummy, NULL));
      PetscCall(PetscOptionsReal(KEY("dose_ug"), "exosome dose as protein [ug], x bio_particles_per_ug", NULL, dummy, &dummy, NULL));
      PetscCall(PetscOptionsReal(KEY("volume"), "injected volume [uL] (1 uL = 1 mm^3; sphere; default 100 uL)", NULL, volume, &dummy, NULL));
      PetscCall(PetscOptionsReal(KEY("radius"), "radius of the injected sphere [mm] (instead of the volume)", NULL, dummy, &dummy, NULL));
      PetscCall(PetscOptionsRealArray(KEY("centre"), "centre of the injection [mm] (default the NP centre (0, 0, mesh_height/2))", NULL, centre, &n, NULL));
      PetscCall(PetscOptionsReal(KEY("repeat_every"), "interval between repeated doses [h]", NULL, dummy, &dummy, NULL));
      PetscCall(PetscOptionsInt(KEY("repeat_count"), "number of repeated doses after the first [1]", NULL, idummy, &idummy, NULL));
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  inj->given = PETSC_TRUE;
  inj->type  = -1;
  for (PetscInt t = 0; t < NMSC_TYPES; t++) {
    PetscBool eq;
    PetscCall(PetscStrcasecmp(what, msc_what[t], &eq));
    if (eq) inj->type = t, inj->cells = PETSC_TRUE;
  }
  for (PetscInt t = 0; t < NEXO_TYPES; t++) {
    PetscBool eq;
    PetscCall(PetscStrcasecmp(what, exo_what[t], &eq));
    if (eq) inj->type = t, inj->cells = PETSC_FALSE;
  }
  PetscCheck(inj->type >= 0, m->comm, PETSC_ERR_ARG_UNKNOWN_TYPE, "input -injection%" PetscInt_FMT "_what = %s is not known: allowed %s", i, what, allowed);

  PetscCall(GetReal(PetscOptionsObject, show, KEY("time"), "injection time [h]", &inj->time, &set));
  PetscCheck(inj->time >= 0 && !PetscIsInfOrNanReal(inj->time), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "input %s = %g h is out of range: allowed >= 0 h", key, (double)inj->time);
  PetscCall(GetReal(PetscOptionsObject, show, KEY("dose"), "injected cells or exosome particles [cells or particles]", &dose, &set_dose));
  PetscCall(GetReal(PetscOptionsObject, show, KEY("dose_ug"), "exosome dose as protein [ug], x bio_particles_per_ug", &dose_ug, &set_ug));
  PetscCheck(set_dose || set_ug, m->comm, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_dose is missing: give the number of %s injected%s", i, inj->cells ? "cells" : "particles",
             inj->cells ? "" : " (or -injectionN_dose_ug, ug of protein)");
  PetscCheck(!(set_dose && set_ug), m->comm, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_dose and -injection%" PetscInt_FMT "_dose_ug are both given: give one", i, i);
  PetscCheck(!(set_ug && inj->cells), m->comm, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_dose_ug is for exosomes: -injection%" PetscInt_FMT "_what = %s injects cells, give -injection%" PetscInt_FMT "_dose (cells)", i, i, what, i);
  if (set_ug) {
    PetscCheck(dose_ug > 0 && !PetscIsInfOrNanReal(dose_ug), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -injection%" PetscInt_FMT "_dose_ug = %g ug is out of range: allowed > 0 ug", i, (double)dose_ug);
    inj->amount = dose_ug * Param(m, P_PER_UG);
  } else {
    PetscCheck(dose > 0 && !PetscIsInfOrNanReal(dose), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -injection%" PetscInt_FMT "_dose = %g is out of range: allowed > 0 %s", i, (double)dose, inj->cells ? "cells" : "particles");
    inj->amount = dose;
  }
  PetscCall(GetReal(PetscOptionsObject, show, KEY("volume"), "injected volume [uL] (1 uL = 1 mm^3; sphere; default 100 uL)", &volume, &set_vol));
  PetscCall(GetReal(PetscOptionsObject, show, KEY("radius"), "radius of the injected sphere [mm] (instead of the volume)", &radius, &set_rad));
  PetscCheck(!(set_vol && set_rad), m->comm, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_volume and -injection%" PetscInt_FMT "_radius are both given: give one", i, i);
  if (set_rad) {
    PetscCheck(radius >= 0 && radius <= 1000, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -injection%" PetscInt_FMT "_radius = %g mm is out of range: allowed [0, 1000] mm", i, (double)radius);
    inj->radius = radius;
  } else {
    PetscCheck(volume > 0 && volume <= 1e6, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -injection%" PetscInt_FMT "_volume = %g uL is out of range: allowed (0, 1e6] uL", i, (double)volume);
    inj->radius = DSBioSphereRadius(volume);
  }
  if (show) PetscCall(PetscOptionsRealArray(KEY("centre"), "centre of the injection [mm] (default the NP centre (0, 0, mesh_height/2))", NULL, centre, &n, &set));
  else PetscCall(PetscOptionsGetRealArray(NULL, NULL, KEY("centre"), centre, &n, &set));
  PetscCheck(!set || n == 3, m->comm, PETSC_ERR_ARG_WRONG, "input %s needs 3 values (x, y, z in mm), got %" PetscInt_FMT, key, n);
  for (PetscInt d = 0; d < 3; d++) inj->centre[d] = centre[d];
  PetscCall(GetReal(PetscOptionsObject, show, KEY("repeat_every"), "interval between repeated doses [h]", &inj->every, &set_every));
  if (show) PetscCall(PetscOptionsInt(KEY("repeat_count"), "number of repeated doses after the first [1]", NULL, inj->count, &inj->count, &set_count));
  else PetscCall(PetscOptionsGetInt(NULL, NULL, KEY("repeat_count"), &inj->count, &set_count));
  PetscCall(DSCheckIntRange(key + 1, inj->count, 0, 1000));
  PetscCheck(inj->count == 0 || inj->every > 0, m->comm, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_repeat_count = %" PetscInt_FMT " needs -injection%" PetscInt_FMT "_repeat_every > 0 h", i, inj->count, i);
  PetscCheck(inj->every >= 0, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "input -injection%" PetscInt_FMT "_repeat_every = %g h is out of range: allowed > 0 h", i, (double)inj->every);
#undef KEY
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int CompareEvents(const void *a, const void *b)
{
  const DSEvent *x = (const DSEvent *)a, *y = (const DSEvent *)b;
  return x->time < y->time ? -1 : x->time > y->time ? 1 : 0;
}

static PetscErrorCode BiologySetFromOptions(DSModel m, PetscOptionItems *PetscOptionsObject)
{
  Biology  *b = (Biology *)m->data;
  Injection inj[MAXINJ + 1];
  PetscReal height = 11;
  PetscInt  nev = 0, first_exo = 0;
  PetscBool set, used[NMSC_TYPES] = {PETSC_FALSE, PETSC_FALSE, PETSC_FALSE};

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsEList("-bio_preset", "biology preset: healthy | degenerate (CEP D x 0.543, 40 % viable, O2 x 3, cytokine on, less matrix); explicit keys override", NULL, bio_presets, 2,
                              bio_presets[b->preset], &b->preset, &set));
  PetscCall(ApplyPreset(m, b->preset));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-mesh_height", &height, NULL));

  /* schedule */
  b->exo_source = -1;
  for (PetscInt i = 1; i <= MAXINJ; i++) {
    PetscCall(ReadInjection(m, PetscOptionsObject, i, height, &inj[i]));
    if (!inj[i].given) continue;
    nev += 1 + inj[i].count;
    if (inj[i].cells) used[inj[i].type] = PETSC_TRUE;
    else if (b->exo_source < 0) b->exo_source = inj[i].type, first_exo = i;
    else
      PetscCheck(inj[i].type == b->exo_source, m->comm, PETSC_ERR_ARG_WRONG,
                 "input -injection%" PetscInt_FMT "_what = %s: a run can inject exosomes of one source only (-injection%" PetscInt_FMT "_what = %s), since the model carries one vesicle pool", i,
                 exo_what[inj[i].type], first_exo, exo_what[b->exo_source]);
  }
  b->nmsc = 0;
  for (PetscInt t = 0; t < NMSC_TYPES; t++)
    if (used[t]) b->msc_type[b->nmsc++] = t;
  if (b->exo_source >= 0) { /* the source's cargo potency, unless given explicitly */
    for (PetscInt e = 0; e < 3; e++)
      if (!m->params[P_EXO_EMAX_SYN + e].set) m->params[P_EXO_EMAX_SYN + e].value = exo_potency[b->exo_source][e];
  }
  PetscCall(PetscFree(b->events));
  b->nevents = 0;
  PetscCall(BuildLayout(m)); /* species indices first: the events refer to them */
  PetscCall(PetscCalloc1(nev + 1, &b->events));
  for (PetscInt i = 1; i <= MAXINJ; i++) {
    if (!inj[i].given) continue;
    PetscInt species = b->EXF;
    if (inj[i].cells)
      for (PetscInt q = 0; q < b->nmsc; q++)
        if (b->msc_type[q] == inj[i].type) species = b->MSC0 + q;
    for (PetscInt k = 0; k <= inj[i].count; k++) {
      DSEvent *ev = &b->events[b->nevents++];
      ev->time    = inj[i].time + k * inj[i].every;
      ev->species = species;
      ev->amount  = inj[i].amount;
      ev->radius  = inj[i].radius;
      for (PetscInt d = 0; d < 3; d++) ev->centre[d] = inj[i].centre[d];
      if (inj[i].cells) PetscCall(PetscSNPrintf(ev->label, sizeof ev->label, "%s cells (injection%" PetscInt_FMT ")", msc_names[inj[i].type], i));
      else PetscCall(PetscSNPrintf(ev->label, sizeof ev->label, "%s (injection%" PetscInt_FMT ")", exo_label[inj[i].type], i));
    }
  }
  qsort(b->events, (size_t)b->nevents, sizeof(DSEvent), CompareEvents); /* ties: order is irrelevant (additions commute) */
  PetscCall(BuildLayout(m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------------------------------------
 * Jacobian pattern: fill[row][col] = 1 where BiologyReaction can make d r_row / d u_col nonzero
 * in some state (whatever the parameter values), from the structure of its equations below.
 * Keep it in step with BiologyReaction: the Jacobian check fails on a derivative left out. */
static PetscErrorCode BuildJacobianFill(DSModel m)
{
  Biology       *b = (Biology *)m->data;
  const PetscInt n = b->nsp, npop = 1 + b->nmsc;
  PetscInt       pops[1 + NMSC_TYPES];

  PetscFunctionBeginUser;
  PetscCall(PetscFree(b->fill));
  PetscCall(PetscCalloc1(n * n, &b->fill));
#define FILL(row, col) (b->fill[(row) * n + (col)] = 1)
  pops[0] = b->NAT;
  for (PetscInt q = 0; q < b->nmsc; q++) pops[1 + q] = b->MSC0 + q;
  for (PetscInt s = 0; s < n; s++) FILL(s, s);
  /* metabolism: the Bibby laws x effective density. Oxygen uptake depends on O2 and pH (lactate), not
   * on glucose; lactate production (and glucose uptake = half of it) on O2, glucose and lactate */
  FILL(b->O2, b->LAC);
  FILL(b->LAC, b->O2), FILL(b->LAC, b->GLC);
  FILL(b->GLC, b->O2), FILL(b->GLC, b->LAC);
  for (PetscInt q = 0; q < npop; q++) FILL(b->O2, pops[q]), FILL(b->GLC, pops[q]), FILL(b->LAC, pops[q]);
  for (PetscInt q = 0; q < npop; q++) {
    const PetscInt sq = pops[q];
    /* populations: own density (death, growth), total density (crowding), glucose (starvation,
     * switch), lactate (acid death, switch), exo_internal (cargo protection against death) */
    for (PetscInt q2 = 0; q2 < npop; q2++) FILL(sq, pops[q2]);
    FILL(sq, b->GLC), FILL(sq, b->LAC), FILL(sq, b->EXI);
    /* matrix synthesis by every population; MMP and cytokine: native production, MSC paracrine
     * action (only MSCs are in R, natives enter through rho_nat) */
    FILL(b->AGG, sq), FILL(b->COL, sq), FILL(b->MMP, sq), FILL(b->CYT, sq);
    /* exosome uptake k_up rho_total F */
    FILL(b->EXF, sq), FILL(b->EXI, sq);
  }
  /* matrix: synthesis (glucose, lactate through the switch; cargo), degradation (itself, MMP) */
  FILL(b->AGG, b->GLC), FILL(b->AGG, b->LAC), FILL(b->AGG, b->EXI), FILL(b->AGG, b->MMP);
  FILL(b->COL, b->GLC), FILL(b->COL, b->LAC), FILL(b->COL, b->EXI), FILL(b->COL, b->MMP);
  /* MMP: cytokine induction, cargo reduction; cytokine: populations and itself only */
  FILL(b->MMP, b->CYT), FILL(b->MMP, b->EXI);
  /* exosome transfers: free -> internal -> degraded, free -> cleared */
  FILL(b->EXI, b->EXF), FILL(b->EXD, b->EXI), FILL(b->EXC, b->EXF);
  /* the solver's boundary sink: row = sink species, column = the species it collects */
  for (PetscInt s = 0; s < n; s++)
    if (b->sink[s] >= 0) FILL(b->sink[s], s);
#undef FILL
  m->jacobian_fill = b->fill;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------------------------------------
 * Set-up: diffusivities and derived rate constants (internal units, 1/h) */
static PetscErrorCode BiologySetUp(DSModel m)
{
  Biology       *b = (Biology *)m->data;
  const DSRegion regions[3] = {DS_REGION_NP, DS_REGION_AF, DS_REGION_CEP};
  const PetscInt firstD[3]  = {P_D_O2_NP, P_D_GLC_NP, P_D_LAC_NP};
  const PetscInt nsp        = m->nspecies;
  const PetscReal ln2 = PetscLogReal(2.0), cep = Param(m, P_CEP_FACTOR);

  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < 3; r++) {
    PetscReal f = regions[r] == DS_REGION_CEP ? cep : 1;
    for (PetscInt s = 0; s < 3; s++) m->D[regions[r] * nsp + s] = f * Param(m, firstD[s] + r) * DS_M2_PER_S_TO_MM2_PER_H;
    m->D[regions[r] * nsp + b->CYT] = f * Param(m, P_D_CYT) * DS_M2_PER_S_TO_MM2_PER_H;
    m->D[regions[r] * nsp + b->EXF] = f * Param(m, P_D_EXO) * DS_M2_PER_S_TO_MM2_PER_H;
    /* every other species: D = 0 (calloc) */
  }
  b->rho_ref[DS_REGION_OUTSIDE] = 0;
  b->rho_ref[DS_REGION_NP]      = Param(m, P_CELLS_NP);
  b->rho_ref[DS_REGION_AF]      = Param(m, P_CELLS_AF);
  b->rho_ref[DS_REGION_CEP]     = Param(m, P_CELLS_CEP);
  for (PetscInt r = 0; r < 3; r++) {
    PetscReal k = ln2 / (Param(m, P_AGG_HL_NP + r) * DS_HOURS_PER_YEAR);
    b->kAmmp[regions[r]] = Param(m, P_AGG_SHARE) * k;
    b->kAdeg[regions[r]] = k - b->kAmmp[regions[r]];
    b->kAsyn[regions[r]] = b->kAdeg[regions[r]] + b->kAmmp[regions[r]]; /* A = 1 stationary at M = 1 */
  }
  {
    PetscReal k = ln2 / (Param(m, P_COL_HL) * DS_HOURS_PER_YEAR);
    b->kCmmp = Param(m, P_COL_SHARE) * k;
    b->kCdeg = k - b->kCmmp;
    b->kCsyn = b->kCdeg + b->kCmmp;
  }
  b->kM     = ln2 / Param(m, P_MMP_HL);
  b->aI     = Param(m, P_MMP_GAIN);
  b->kCyt   = ln2 / Param(m, P_CYT_HL);
  b->pCyt   = Param(m, P_CYT_PROD) / DS_HOURS_PER_DAY;
  b->Pmax   = Param(m, P_PARA_MAX);
  b->Rhalf  = Param(m, P_PARA_HALF);
  b->kup    = Param(m, P_EXO_UPTAKE);
  b->kclr   = ln2 / Param(m, P_EXO_CLR_HL);
  b->kcargo = ln2 / Param(m, P_EXO_CARGO_HL);
  b->EC50   = Param(m, P_EXO_EC50);
  b->Esyn   = Param(m, P_EXO_EMAX_SYN);
  b->Emmp   = Param(m, P_EXO_EMAX_MMP);
  b->Edeath = Param(m, P_EXO_EMAX_DEATH);
  b->death_a  = Param(m, P_DEATH_RATE) / DS_HOURS_PER_DAY;
  b->death_K  = Param(m, P_DEATH_K);
  b->wG       = Param(m, P_WIDTH_G);
  b->wpH      = Param(m, P_WIDTH_PH);
  b->capacity = Param(m, P_CAPACITY);
  b->npop     = 1 + b->nmsc;
  b->pop[0]   = (Population){b->NAT, Param(m, P_O2_RATE_FACTOR), Param(m, P_GLYCOLYSIS_FACTOR), Param(m, P_NAT_GTH), Param(m, P_NAT_PHTH), Param(m, P_NAT_ACID) / DS_HOURS_PER_DAY,
                             Param(m, P_NAT_PROL) / DS_HOURS_PER_DAY, 1, 0};
  for (PetscInt q = 0; q < b->nmsc; q++) {
    PetscInt base = P_MSC + b->msc_type[q] * M_N;
    b->pop[1 + q] = (Population){b->MSC0 + q, Param(m, base + M_O2), Param(m, base + M_GLY), Param(m, base + M_GTH), Param(m, base + M_PHTH), Param(m, base + M_ACID) / DS_HOURS_PER_DAY,
                                 Param(m, base + M_PROL) / DS_HOURS_PER_DAY, Param(m, base + M_MATRIX), Param(m, base + M_PARA)};
  }
  PetscCall(BuildJacobianFill(m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------------------------------------
 * Rates and analytic Jacobian */
static PetscErrorCode BiologyReaction(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[])
{
  Biology        *b = (Biology *)m->data;
  const PetscInt  n = m->nspecies, O2 = b->O2, GLC = b->GLC, LAC = b->LAC;
  const PetscReal dpH_dL = -1 / 11.11;

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < n; s++) r[s] = 0;
  if (J)
    for (PetscInt s = 0; s < n * n; s++) J[s] = 0;
  if (pt->region == DS_REGION_OUTSIDE) PetscFunctionReturn(PETSC_SUCCESS);
#define JAC(row, col) J[(row) * n + (col)]
  const PetscReal rho_ref = b->rho_ref[pt->region], Kcap = b->capacity * rho_ref;

  /* metabolism: the Bibby laws (nutrient.h) times the effective density of all populations */
  DSBibbyRates    bb;
  PetscReal       rhoO = 0, rhog = 0, rho_tot = 0;
  const PetscReal G = PetscMax(u[GLC], 0), pH = DSBibbyPH(u[LAC]);
  DSBibbyMetabolism(u[O2], u[GLC], u[LAC], Param(m, P_SOLUBILITY), Param(m, P_GLC_CUTOFF), &bb);
  for (PetscInt q = 0; q < b->npop; q++) {
    PetscReal rho = u[b->pop[q].species];
    rhoO += b->pop[q].fO2 * rho, rhog += b->pop[q].fgly * rho, rho_tot += rho;
  }
  rhoO *= 1e-6, rhog *= 1e-6; /* 10^6 cells/mm^3: nmol/(10^6 cells h) -> mM/h */
  r[O2]  = -rhoO * bb.o2;
  r[LAC] = rhog * bb.lac;
  r[GLC] = -0.5 * r[LAC];
  if (J) {
    JAC(O2, O2)   = -rhoO * bb.do2_dc;
    JAC(O2, LAC)  = -rhoO * bb.do2_dL;
    JAC(LAC, O2)  = rhog * bb.dlac_dc;
    JAC(LAC, GLC) = rhog * bb.dlac_dG;
    JAC(LAC, LAC) = rhog * bb.dlac_dL;
    for (PetscInt q = 0; q < b->npop; q++) {
      PetscInt sq = b->pop[q].species;
      JAC(O2, sq)  = -1e-6 * b->pop[q].fO2 * bb.o2;
      JAC(LAC, sq) = 1e-6 * b->pop[q].fgly * bb.lac;
    }
    for (PetscInt c = 0; c < n; c++) JAC(GLC, c) = -0.5 * JAC(LAC, c);
  }

  /* exosome cargo effects and MSC paracrine action */
  const PetscReal Xi = PetscMax(u[b->EXI], 0), hI = Xi / (Xi + b->EC50), dhI = u[b->EXI] > 0 ? b->EC50 / ((Xi + b->EC50) * (Xi + b->EC50)) : 0;
  const PetscReal Es = b->Esyn * hI, Em = b->Emmp * hI, Ed = b->Edeath * hI;
  PetscReal       R = 0;
  for (PetscInt q = 1; q < b->npop; q++) R += b->pop[q].potency * PetscMax(u[b->pop[q].species], 0);
  const PetscReal P = b->Pmax * R / (R + b->Rhalf), dP_dR = b->Pmax * b->Rhalf / ((R + b->Rhalf) * (R + b->Rhalf));

  /* populations: death, proliferation; matrix synthesis drive */
  PetscReal Syn = 0, dSyn_dG = 0, dSyn_dL = 0, dSyn_drho[1 + NMSC_TYPES];
  const PetscReal logi = 1 - rho_tot / Kcap;
  for (PetscInt q = 0; q < b->npop; q++) {
    const Population *pp = &b->pop[q];
    PetscInt          sq = pp->species;
    PetscReal         rho = u[sq], dsG, dspH;
    PetscReal         sG = DSBioSwitch(G, pp->Gth, b->wG, &dsG), spH = DSBioSwitch(pH, pp->pHth, b->wpH, &dspH);
    PetscReal         Sn = sG * spH, dSn_dG = u[GLC] > 0 ? dsG * spH : 0, dSn_dL = sG * dspH * dpH_dL;
    PetscReal         ag = DSBioGlucoseDeathRate(G, pp->Gth, b->death_K, b->death_a);
    PetscReal         dag_dG = (G < pp->Gth && u[GLC] > 0) ? b->death_a * (pp->Gth + b->death_K) / ((G + b->death_K) * (G + b->death_K)) : 0;
    PetscReal         aa = DSBioAcidDeathRate(pH, pp->pHth, pp->kacid), daa_dL = pH < pp->pHth ? pp->kacid * dpH_dL : 0;
    PetscReal         death = (ag + aa) * (1 - Ed), prol = pp->rprol * Sn * logi;
    r[sq] = rho * (death + prol);
    Syn += pp->fmat * Sn * rho, dSyn_dG += pp->fmat * dSn_dG * rho, dSyn_dL += pp->fmat * dSn_dL * rho;
    dSyn_drho[q] = pp->fmat * Sn;
    if (J) {
      JAC(sq, sq) += death + prol;
      for (PetscInt q2 = 0; q2 < b->npop; q2++) JAC(sq, b->pop[q2].species) += -rho * pp->rprol * Sn / Kcap;
      JAC(sq, GLC)    = rho * (dag_dG * (1 - Ed) + pp->rprol * dSn_dG * logi);
      JAC(sq, LAC)    = rho * (daa_dL * (1 - Ed) + pp->rprol * dSn_dL * logi);
      JAC(sq, b->EXI) = -rho * (ag + aa) * b->Edeath * dhI;
    }
  }

  /* matrix: aggrecan and collagen II */
  {
    const PetscInt  X[2]    = {b->AGG, b->COL};
    const PetscReal ksyn[2] = {b->kAsyn[pt->region], b->kCsyn}, kdeg[2] = {b->kAdeg[pt->region], b->kCdeg}, kmmp[2] = {b->kAmmp[pt->region], b->kCmmp};
    const PetscReal M = u[b->MMP], syn = Syn / rho_ref;
    for (PetscInt k = 0; k < 2; k++) {
      r[X[k]] = ksyn[k] * syn * (1 + Es) - (kdeg[k] + kmmp[k] * M) * u[X[k]];
      if (J) {
        for (PetscInt q = 0; q < b->npop; q++) JAC(X[k], b->pop[q].species) = ksyn[k] * dSyn_drho[q] / rho_ref * (1 + Es);
        JAC(X[k], GLC)    = ksyn[k] * dSyn_dG / rho_ref * (1 + Es);
        JAC(X[k], LAC)    = ksyn[k] * dSyn_dL / rho_ref * (1 + Es);
        JAC(X[k], b->EXI) = ksyn[k] * syn * b->Esyn * dhI;
        JAC(X[k], X[k])   = -(kdeg[k] + kmmp[k] * M);
        JAC(X[k], b->MMP) = -kmmp[k] * u[X[k]];
      }
    }
  }

  /* MMP activity and cytokine */
  {
    const PetscReal fn = u[b->NAT] / rho_ref, C = PetscMax(u[b->CYT], 0), infl = 1 + b->aI * C;
    const PetscReal prod = fn * infl * (1 - Em) * (1 - P);
    r[b->MMP] = b->kM * (prod - u[b->MMP]);
    r[b->CYT] = b->pCyt * fn * (1 - P) - b->kCyt * u[b->CYT];
    if (J) {
      JAC(b->MMP, b->NAT)   = b->kM * infl * (1 - Em) * (1 - P) / rho_ref;
      JAC(b->MMP, b->CYT)   = u[b->CYT] > 0 ? b->kM * fn * b->aI * (1 - Em) * (1 - P) : 0;
      JAC(b->MMP, b->EXI)   = -b->kM * fn * infl * b->Emmp * dhI * (1 - P);
      JAC(b->MMP, b->MMP)   = -b->kM;
      JAC(b->CYT, b->NAT)   = b->pCyt * (1 - P) / rho_ref;
      JAC(b->CYT, b->CYT)   = -b->kCyt;
      for (PetscInt q = 1; q < b->npop; q++) {
        PetscInt  sq   = b->pop[q].species;
        PetscReal dPdq = u[sq] > 0 ? dP_dR * b->pop[q].potency : 0;
        JAC(b->MMP, sq) = -b->kM * fn * infl * (1 - Em) * dPdq;
        JAC(b->CYT, sq) = -b->pCyt * fn * dPdq;
      }
    }
  }

  /* exosomes: transfers only (free -> internal -> degraded, free -> cleared) */
  {
    const PetscReal Fx = u[b->EXF], up = b->kup * rho_tot * Fx, clr = b->kclr * Fx, deg = b->kcargo * u[b->EXI];
    r[b->EXF] = -up - clr;
    r[b->EXI] = up - deg;
    r[b->EXD] = deg;
    r[b->EXC] = clr;
    r[b->EXL] = 0; /* filled by the solver through boundary_sink */
    if (J) {
      JAC(b->EXF, b->EXF) = -(b->kup * rho_tot + b->kclr);
      JAC(b->EXI, b->EXF) = b->kup * rho_tot;
      JAC(b->EXI, b->EXI) = -b->kcargo;
      JAC(b->EXD, b->EXI) = b->kcargo;
      JAC(b->EXC, b->EXF) = b->kclr;
      for (PetscInt q = 0; q < b->npop; q++) {
        JAC(b->EXF, b->pop[q].species) = -b->kup * Fx;
        JAC(b->EXI, b->pop[q].species) = b->kup * Fx;
      }
    }
  }
#undef JAC
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BiologyBoundary(DSModel m, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[])
{
  Biology *b = (Biology *)m->data;

  PetscFunctionBeginUser;
  if (kind != DS_BOUNDARY_VERTEBRA && kind != DS_BOUNDARY_AF_OUTER) PetscFunctionReturn(PETSC_SUCCESS); /* bone: no exchange */
  PetscInt base = kind == DS_BOUNDARY_VERTEBRA ? P_PO2_VERT : P_PO2_AF;
  bc[b->O2] = bc[b->GLC] = bc[b->LAC] = DS_BC_DIRICHLET;
  value[b->O2]  = Param(m, base) * Param(m, P_SOLUBILITY);
  value[b->GLC] = Param(m, base + 1);
  value[b->LAC] = Param(m, base + 2);
  bc[b->CYT] = bc[b->EXF] = DS_BC_DIRICHLET; /* cleared by the vasculature */
  value[b->CYT] = value[b->EXF] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BiologyInitial(DSModel m, const DSPoint *pt, PetscScalar u[])
{
  Biology  *b = (Biology *)m->data;
  PetscReal vf = Param(m, P_VIABLE);

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < m->nspecies; s++) u[s] = 0;
  for (PetscInt s = 0; s < 3; s++) {
    PetscInt init = P_INIT_PO2 + s, vert = P_PO2_VERT + s;
    u[b->O2 + s] = m->params[init].set ? Param(m, init) : Param(m, vert);
  }
  u[b->O2] *= Param(m, P_SOLUBILITY);
  if (pt->region == DS_REGION_OUTSIDE) PetscFunctionReturn(PETSC_SUCCESS);
  u[b->NAT] = b->rho_ref[pt->region] * vf;
  u[b->AGG] = Param(m, P_INIT_AGG);
  u[b->COL] = Param(m, P_INIT_COL);
  /* cytokine and MMP start at their local (well-mixed) stationary values for the initial cells */
  u[b->CYT] = b->pCyt * vf / b->kCyt;
  u[b->MMP] = vf * (1 + b->aI * u[b->CYT]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BiologyDiagnostics(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar d[])
{
  Biology *b = (Biology *)m->data;

  PetscFunctionBeginUser;
  d[DIAG_PH]    = DSBibbyPH(u[b->LAC]);
  d[DIAG_PO2]   = u[b->O2] / Param(m, P_SOLUBILITY);
  d[DIAG_CELLS] = u[b->NAT];
  for (PetscInt q = 0; q < b->nmsc; q++) d[DIAG_CELLS] += u[b->MSC0 + q];
  d[DIAG_EXO] = u[b->EXF] + u[b->EXI];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BiologyDestroy(DSModel m)
{
  Biology *b = (Biology *)m->data;

  PetscFunctionBeginUser;
  PetscCall(PetscFree(b->events));
  PetscCall(PetscFree(b->fill));
  PetscCall(PetscFree(m->data));
  m->events = NULL, m->nevents = 0, m->boundary_sink = NULL, m->jacobian_fill = NULL, m->fields = NULL, m->figures = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSModelCreate_Biology(DSModel m)
{
  Biology *b;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&b));
  b->exo_source = -1;
  m->data       = b;
  PetscCall(DSModelSetParameters(m, NPARAM, bio_params));
  PetscCall(BuildLayout(m)); /* no injections until the options are read */
  m->ops.setfromoptions = BiologySetFromOptions;
  m->ops.setup          = BiologySetUp;
  m->ops.reaction       = BiologyReaction;
  m->ops.boundary       = BiologyBoundary;
  m->ops.initial        = BiologyInitial;
  m->ops.diagnostics    = BiologyDiagnostics;
  m->ops.destroy        = BiologyDestroy;
  PetscFunctionReturn(PETSC_SUCCESS);
}
