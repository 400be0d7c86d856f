/* Injected protein factors of the biology model (doc/biology.md §7a), one pool per factor the
 * schedule injects (BioFactors below): the dose goes into the carrier (depot, D = 0), which
 * releases it into free factor; free factor diffuses, decays (binding, proteolysis, uptake) and
 * leaves through the boundary:
 *   P' = -k_rel P,   C' = div(D grad C) + k_rel P - k_dec C,   decayed' = k_dec C,
 * and the solver moves the boundary outflux of C into the pool's leaked species (boundary sink),
 * so depot + free + decayed + leaked is each pool's injected amount, exactly.
 * Each free factor acts on its target with h = C/(EC50 + C): a growth factor multiplies the matrix
 * synthesis of every cell by (1 + Emax h), an inhibitor multiplies MMP-mediated matrix
 * degradation by (1 - Emax h); several factors multiply (matrix.c applies the products). */
#include "biologyimpl.h"

#define JAC(row, col) J[(row) * n + (col)]
#define FILL(row, col) (fill[(row) * n + (col)] = 1)
#define F   PETSC_FALSE
#define T   PETSC_TRUE
#define ILL "illustrative (no measurement)"

/* The factors: diffusivity [m^2/s], free half-life [h], carrier release half-life [h] (1 h: a
 * bolus in saline), EC50 [ng/mm^3 = ug/mL], largest effect [1]. Sources and ranges: doc/parameters.md,
 * doc/biology.md §7a. A new factor is one row. */
#define FAC_D     "illustrative: ~30 kDa protein (the cytokine value); proteoglycans hinder it"
#define FAC_HL    "illustrative: no half-life of a growth factor or TIMP measured in disc tissue"
#define FAC_BOLUS "illustrative: a bolus in saline or lactose releases at once"
#define PLD       {DS_DIST_LOGUNIFORM, 3e-12, 3e-11, 0, "illustrative", T}
#define PLHL      {DS_DIST_LOGUNIFORM, 6, 168, 0, "illustrative", T}
#define PLREL     {DS_DIST_LOGUNIFORM, 0.1, 10, 0, "illustrative: bolus", T}
const BioFactor BioFactors[] = {
  {"op1", "rhOP-1 (BMP-7)", FACTOR_SYNTHESIS, {1e-11, 24, 1, 0.1, 1},
   {FAC_D, FAC_HL, FAC_BOLUS, "Imai 2007 (100 and 200 ng/mL rhOP-1 raised human disc cells' PG synthesis); value illustrative",
    "Thompson 1991 (growth factors raised disc PG synthesis up to 5-fold); value illustrative"},
   {F, F, F, F, F},
   {PLD, PLHL, PLREL, {DS_DIST_LOGUNIFORM, 0.01, 1, 0, "Imai 2007 doses / 10 to x 5", F}, {DS_DIST_UNIFORM, 0.5, 4, 0, "Thompson 1991: up to 5-fold", F}}},
  {"timp1", "TIMP-1", FACTOR_DEGRADATION, {1e-11, 24, 1, 0.03, 1},
   {FAC_D, FAC_HL, FAC_BOLUS, "Brew & Nagase 2010 (TIMP-1 Ki for MMPs 0.1-1 nM = 3-30 ng/mL); in-tissue value illustrative",
    "Brew & Nagase 2010 (TIMPs inhibit MMPs tightly, 1:1); acts on the MMP share only (no aggrecanases in the model)"},
   {F, F, F, F, T},
   {PLD, PLHL, PLREL, {DS_DIST_LOGUNIFORM, 0.003, 0.3, 0, "Brew & Nagase 2010 Ki x 1-10", T}, {DS_DIST_UNIFORM, 0.5, 1, 0, "illustrative", T}}},
};
const PetscInt BioNumFactors = PETSC_STATIC_ARRAY_LENGTH(BioFactors);

/* The rows every factor gets (key and help completed with its name); the last by its target. */
static const DSParam factor_rows[G_N] = {
  [G_D]   = {"D", "m^2/s", "diffusivity of the free factor, all regions (x bio_CEP_diffusivity_factor)", 1e-11, 0, 1e-8, T, ILL, T},
  [G_DECAY_HL]   = {"half_life", "h", "half-life of the free factor in the disc (binding, proteolysis, uptake)", 24, 0, 1e6, T, ILL, T},
  [G_RELEASE_HL] = {"release_half_life", "h", "half-life of release from the injected carrier (1 h: bolus; longer: a sustained-release depot)", 1, 0, 1e7, T, ILL, T},
  [G_EC50]       = {"EC50", "ng/mm^3", "free factor giving half the largest effect (1 ng/mm^3 = 1 ug/mL)", 0.1, 0, 1e6, T, ILL, T},
};
static const DSParam factor_emax[2] = {
  {"Emax_synthesis", "1", "largest relative increase of matrix synthesis (aggrecan, collagen II) of every cell", 1, 0, 100, F, ILL, T},
  {"Emax_mmp", "1", "largest fractional reduction of MMP-mediated matrix degradation", 1, 0, 1, F, ILL, T},
};

PetscErrorCode BioFactorParameters(Biology *b, DSParam rows[])
{
  PetscFunctionBeginUser;
  PetscCheck(BioNumFactors <= BIO_MAX_FACTORS, PETSC_COMM_SELF, PETSC_ERR_SUP, "biology: at most %d protein factors (BIO_MAX_FACTORS)", BIO_MAX_FACTORS);
  PetscCall(PetscCalloc1(2 * BioNumFactors * G_N * BIO_TEXT, &b->fac_text));
  for (PetscInt f = 0; f < BioNumFactors; f++)
    for (PetscInt k = 0; k < G_N; k++) {
      const BioFactor *fa   = &BioFactors[f];
      const DSParam   *tmpl = k == G_EMAX ? &factor_emax[fa->target] : &factor_rows[k];
      DSParam         *p    = &rows[f * G_N + k];
      PetscCall(BioGeneratedRow(tmpl, fa->value[k], fa->what, fa->label, ": ", b->fac_text + 2 * (f * G_N + k) * BIO_TEXT, p));
      p->source       = fa->source[k] ? fa->source[k] : ILL;
      p->illustrative = fa->measured[k] ? F : T;
      p->plausible    = fa->plausible[k];
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------------------------------------
 * Layout: the pools' species (from *s on), fields and key figures */
void BioFactorLayout(Biology *b, PetscInt *s)
{
  for (PetscInt k = 0; k < b->nfac; k++)
    for (PetscInt j = 0; j < FPOOL_N; j++) b->fpool[k].sp[j] = (*s)++;
}

void BioFactorFields(Biology *b)
{
  static const char *suffix[FPOOL_N] = {"depot", "free", "decayed", "leaked"};
  static const char *what[FPOOL_N]   = {"factor in the injected carrier, not yet released", "free (released) factor", "accumulated: free factor decayed in the tissue",
                                        "accumulated: free factor that left through the boundary (in the boundary cell)"};
  for (PetscInt k = 0; k < b->nfac; k++) {
    const FactorPool *p = &b->fpool[k];
    for (PetscInt j = 0; j < FPOOL_N; j++) {
      (void)PetscSNPrintf(b->fac_names[k][j], sizeof b->fac_names[k][j], "%s_%s", BioFactors[p->src].what, suffix[j]);
      b->fields[p->sp[j]] = (DSFieldInfo){b->fac_names[k][j], "ng/mm^3", what[j], 1};
    }
    b->sink[p->sp[FPOOL_FREE]] = p->sp[FPOOL_LEAKED];
  }
}

/* per pool: every species' total over the disc (ng) */
PetscErrorCode BioFactorFigures(Biology *b, PetscInt *nf)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < b->nfac; k++)
    for (PetscInt j = 0; j < FPOOL_N; j++) {
      char name[64];
      PetscCall(PetscSNPrintf(name, sizeof name, "%s_disc", b->fac_names[k][j]));
      PetscCall(BioAddFigure(b, nf, name, "ng", b->fpool[k].sp[j], DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, -1));
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------------------------------------
 * Set-up: the free factor's diffusivity per region and the rate constants (1/h) */
void BioFactorSetUp(DSModel m, Biology *b)
{
  const DSRegion  regions[3] = {DS_REGION_NP, DS_REGION_AF, DS_REGION_CEP};
  const PetscReal ln2 = PetscLogReal(2.0), cep = DSModelParam(m, P_CEP_FACTOR);

  for (PetscInt k = 0; k < b->nfac; k++) {
    FactorPool    *p    = &b->fpool[k];
    const PetscInt base = P_FAC + p->src * G_N;
    for (PetscInt r = 0; r < 3; r++) m->D[regions[r] * m->nspecies + p->sp[FPOOL_FREE]] = (regions[r] == DS_REGION_CEP ? cep : 1) * DSModelParam(m, base + G_D) * DS_M2_PER_S_TO_MM2_PER_H;
    p->target = BioFactors[p->src].target;
    p->kdec   = ln2 / DSModelParam(m, base + G_DECAY_HL);
    p->krel   = ln2 / DSModelParam(m, base + G_RELEASE_HL);
    p->EC50   = DSModelParam(m, base + G_EC50);
    p->Emax   = DSModelParam(m, base + G_EMAX);
  }
}

/* Fsyn = prod (1 + Emax_k h_k) over growth factors, Fdeg = prod (1 - Emax_k h_k) over inhibitors,
 * h_k = C_k/(EC50_k + C_k) with C_k the free factor (>= 0); each derivative is the product of the
 * other terms times the pool's own d/dC. */
void BioFactorEffects(const Biology *b, const PetscScalar u[], BioState *s)
{
  PetscReal term[BIO_MAX_FACTORS], dterm[BIO_MAX_FACTORS];

  s->Fsyn = s->Fdeg = 1;
  for (PetscInt k = 0; k < b->nfac; k++) {
    const FactorPool *p    = &b->fpool[k];
    const PetscReal   C    = PetscMax(u[p->sp[FPOOL_FREE]], 0), sgn = p->target == FACTOR_SYNTHESIS ? 1 : -1;
    const PetscReal   den  = p->EC50 + C;
    term[k]  = 1 + sgn * p->Emax * C / den;
    dterm[k] = u[p->sp[FPOOL_FREE]] > 0 ? sgn * p->Emax * p->EC50 / (den * den) : 0;
    if (p->target == FACTOR_SYNTHESIS) s->Fsyn *= term[k];
    else s->Fdeg *= term[k];
  }
  for (PetscInt k = 0; k < b->nfac; k++) {
    PetscReal other = 1;
    for (PetscInt j = 0; j < b->nfac; j++)
      if (j != k && b->fpool[j].target == b->fpool[k].target) other *= term[j];
    s->dFsyn[k] = b->fpool[k].target == FACTOR_SYNTHESIS ? other * dterm[k] : 0;
    s->dFdeg[k] = b->fpool[k].target == FACTOR_DEGRADATION ? other * dterm[k] : 0;
  }
}

/* ---------------------------------------------------------------------------------------------
 * Rates and Jacobian of every pool: release, decay (pure transfers) */
void BioFactorKinetics(const Biology *b, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n)
{
  for (PetscInt k = 0; k < b->nfac; k++) {
    const FactorPool *p = &b->fpool[k];
    const PetscInt    Ps = p->sp[FPOOL_DEPOT], Cs = p->sp[FPOOL_FREE], Ds = p->sp[FPOOL_DECAYED], Ls = p->sp[FPOOL_LEAKED];
    const PetscReal   rel = p->krel * u[Ps], dec = p->kdec * u[Cs];

    r[Ps] = -rel;
    r[Cs] = rel - dec;
    r[Ds] = dec;
    r[Ls] = 0; /* filled by the solver through boundary_sink */
    if (!J) continue;
    JAC(Ps, Ps) = -p->krel;
    JAC(Cs, Ps) = p->krel;
    JAC(Cs, Cs) = -p->kdec;
    JAC(Ds, Cs) = p->kdec;
  }
}

/* per pool: release and decay; the boundary sink is declared with the vesicle pools' (exosomes.c) */
void BioFactorsPattern(const Biology *b, PetscInt fill[], PetscInt n)
{
  for (PetscInt k = 0; k < b->nfac; k++) {
    const PetscInt *sp = b->fpool[k].sp;
    FILL(sp[FPOOL_FREE], sp[FPOOL_DEPOT]), FILL(sp[FPOOL_DECAYED], sp[FPOOL_FREE]);
  }
}
