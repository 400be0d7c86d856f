/* Injected exosomes of the biology model (doc/biology.md §6), one vesicle pool per exosome source
 * the schedule injects (types.c BioExoSources): for pool k,
 *   F_k' = div(D_k grad F_k) - (k_up,k rho_total + k_clr,k) F_k,   I_k' = k_up,k rho_total F_k - k_cargo,k I_k,
 * and the degraded, cleared and leaked amounts accumulate what leaves F_k and I_k. These are pure
 * transfers, and the solver moves the boundary outflux of F_k into the pool's leaked species (the
 * model's boundary sink), so each pool's injected amount is an exact invariant.
 * The pools' cargos act together: with h_k = I_k/(EC50 + sum_j I_j), the effect x (synthesis, MMP,
 * death) is E_x = sum_k Emax_x,k h_k, one saturation for all the internalised cargo, so that one
 * pool reduces to Emax I/(I + EC50) and no combination exceeds the largest Emax. */
#include "biologyimpl.h"

#define JAC(row, col) J[(row) * n + (col)]
#define FILL(row, col) (fill[(row) * n + (col)] = 1)
#define F PETSC_FALSE
#define T PETSC_TRUE
#define ILL "illustrative (no measurement)"

/* Stokes-Einstein diffusivity of a sphere in water at 37 C, hindered by a random fibre network
 * (Ogston 1958): D = kT/(3 pi eta d) exp(-sqrt(phi) (1 + d/(2 r_f))). */
PetscReal DSBioExoDiffusivity(PetscReal diameter_nm, PetscReal fibre_radius_nm, PetscReal solid_fraction)
{
  const PetscReal d = diameter_nm * 1e-9, D0 = DS_BIO_KB * DS_BIO_T37 / (3 * PETSC_PI * DS_BIO_ETA_WATER_37 * d);
  return D0 * PetscExpReal(-PetscSqrtReal(solid_fraction) * (1 + diameter_nm / (2 * fibre_radius_nm)));
}

/* The rows every exosome source gets; key and help are completed with the source's name. */
static const DSParam exo_source_rows[X_N] = {
  [X_DIAMETER]   = {"diameter", "nm", "vesicle diameter (sets the hindered diffusivity in NP, AF, CEP)", 100, 0, 1000, T, NULL, T, F, {DS_DIST_UNIFORM, 40, 160, 0, "Kalluri & LeBleu 2020 (exosomes 40-160 nm)", T}},
  [X_UPTAKE]     = {"uptake_rate", "mm^3/(cell h)", "uptake: rate = k x cells x free vesicles", 1e-5, 0, 1, F, ILL, T, F, {DS_DIST_LOGUNIFORM, 1e-6, 1e-4, 0, "illustrative", T}},
  [X_CLR_HL]     = {"clearance_half_life", "h", "half-life of free vesicles against first-order clearance in the tissue", 12, 0, 1e6, T, "illustrative; 'rapid clearance' (Xing 2021), no half-life measured", T, F, {DS_DIST_LOGUNIFORM, 2, 72, 0, "illustrative", T}},
  [X_CARGO_HL]   = {"cargo_half_life", "h", "half-life of the internalised cargo (measured miRNA medians 11-34 h)", 24, 0.1, 1e4, F, NULL, F, F, {DS_DIST_LOGUNIFORM, 11, 34, 0, "Kingston & Bartel 2019 medians", F}},
  [X_EMAX_SYN]   = {"Emax_synthesis", "1", "largest relative increase of matrix synthesis by the cargo", 0.5, 0, 10, F, ILL, T, F, {DS_DIST_UNIFORM, 0, 1, 0, "illustrative", T}},
  [X_EMAX_MMP]   = {"Emax_mmp", "1", "largest fractional reduction of MMP production by the cargo", 0.5, 0, 1, F, ILL, T, F, {DS_DIST_UNIFORM, 0, 0.8, 0, "illustrative", T}},
  [X_EMAX_DEATH] = {"Emax_death", "1", "largest fractional reduction of cell death by the cargo", 0.5, 0, 1, F, ILL, T, F, {DS_DIST_UNIFORM, 0, 0.8, 0, "illustrative", T}},
};

PetscErrorCode BioExoSourceParameters(Biology *b, DSParam rows[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(2 * BioNumExoSources * X_N * BIO_TEXT, &b->exo_text));
  for (PetscInt e = 0; e < BioNumExoSources; e++)
    for (PetscInt k = 0; k < X_N; k++) {
      DSParam *p = &rows[e * X_N + k];
      PetscCall(BioGeneratedRow(&exo_source_rows[k], BioExoSources[e].value[k], BioExoSources[e].what, BioExoSources[e].label, ": ", b->exo_text + 2 * (e * X_N + k) * BIO_TEXT, p));
      if (BioExoSources[e].source[k]) p->source = BioExoSources[e].source[k], p->illustrative = (PetscBool)(k == X_DIAMETER);
      if (!p->source) p->source = ILL;
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------------------------------------
 * Layout: the pools' species (from *s on), fields and key figures */
void BioExoLayout(Biology *b, PetscInt *s)
{
  for (PetscInt k = 0; k < b->nexo; k++) {
    for (PetscInt j = 0; j < POOL_N; j++) b->pool[k].sp[j] = (*s)++;
    b->pool[k].diag = NDIAG + k;
  }
}

void BioExoFields(Biology *b)
{
  static const char *suffix[POOL_N + 1] = {"free", "internal", "degraded", "cleared", "leaked", "total"};
  static const char *what[POOL_N + 1]   = {"free (extracellular) vesicles", "internalised vesicles with active cargo", "accumulated: internalised vesicles whose cargo decayed",
                                           "accumulated: free vesicles cleared in the tissue", "accumulated: free vesicles that left through the boundary (in the boundary cell)",
                                           "vesicles in the tissue: free + internalised"};
  for (PetscInt k = 0; k < b->nexo; k++) {
    const ExoPool *p = &b->pool[k];
    for (PetscInt j = 0; j <= POOL_N; j++) {
      PetscInt f = j < POOL_N ? p->sp[j] : b->nsp + p->diag;
      (void)PetscSNPrintf(b->exo_names[k][j], sizeof b->exo_names[k][j], "%s_%s", BioExoSources[p->src].what, suffix[j]);
      /* scale 1e7 particles/mm^3 (absolute tolerance 10 particles/mm^3 = 1e-5 of the default EC50
       * at -cvode_atol_factor 1e-6): with 1e6, noise of the vesicles left weeks after a dose kept
       * cutting the steps at the non-negativity constraint: 34 % fewer steps in a 3D biology year,
       * dose persistence as close to a tight reference as before (doc/performance.md) */
      b->fields[f] = (DSFieldInfo){b->exo_names[k][j], "particles/mm^3", what[j], 1e7};
    }
    b->sink[p->sp[POOL_FREE]] = p->sp[POOL_LEAKED];
  }
}

/* per pool: every species and its total over the disc; the internalised and the total tracked
 * against the doses into the pool's free vesicles (persistence) */
PetscErrorCode BioExoFigures(Biology *b, PetscInt *nf)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < b->nexo; k++) {
    const ExoPool *p       = &b->pool[k];
    const PetscInt order[] = {POOL_FREE, POOL_INTERNAL, POOL_N, POOL_DEGRADED, POOL_CLEARED, POOL_LEAKED};
    for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(order); i++) {
      const PetscInt j = order[i], field = j < POOL_N ? p->sp[j] : b->nsp + p->diag;
      char           name[48];
      PetscCall(PetscSNPrintf(name, sizeof name, "%s_disc", b->exo_names[k][j]));
      PetscCall(BioAddFigure(b, nf, name, "particles", field, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, (j == POOL_INTERNAL || j == POOL_N) ? p->sp[POOL_FREE] : -1));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------------------------------------
 * Set-up: each pool's diffusivity per region and its rate constants (1/h) */
void BioExoSetUp(DSModel m, Biology *b)
{
  const DSRegion  regions[3] = {DS_REGION_NP, DS_REGION_AF, DS_REGION_CEP};
  const PetscReal ln2 = PetscLogReal(2.0), cep = DSModelParam(m, P_CEP_FACTOR);

  b->EC50 = DSModelParam(m, P_EXO_EC50);
  for (PetscInt k = 0; k < b->nexo; k++) {
    ExoPool       *p    = &b->pool[k];
    const PetscInt base = P_EXO + p->src * X_N;
    for (PetscInt r = 0; r < 3; r++) {
      PetscReal D = DSBioExoDiffusivity(DSModelParam(m, base + X_DIAMETER), DSModelParam(m, P_EXO_FIBRE_R_NP + r), DSModelParam(m, P_EXO_FIBRE_PHI_NP + r));
      m->D[regions[r] * m->nspecies + p->sp[POOL_FREE]] = (regions[r] == DS_REGION_CEP ? cep : 1) * D * DS_M2_PER_S_TO_MM2_PER_H;
    }
    p->kup    = DSModelParam(m, base + X_UPTAKE);
    p->kclr   = ln2 / DSModelParam(m, base + X_CLR_HL);
    p->kcargo = ln2 / DSModelParam(m, base + X_CARGO_HL);
    for (PetscInt x = 0; x < 3; x++) p->Emax[x] = DSModelParam(m, base + X_EMAX_SYN + x);
  }
}

/* E_x = sum_k Emax_x,k I_k / (EC50 + I_tot); dE_x/dI_j = (Emax_x,j - E_x)/(EC50 + I_tot) */
void BioExoEffects(const Biology *b, const PetscScalar u[], BioState *s)
{
  PetscReal Itot = 0;

  for (PetscInt x = 0; x < 3; x++) s->E[x] = 0;
  if (!b->nexo) return;
  for (PetscInt k = 0; k < b->nexo; k++) Itot += PetscMax(u[b->pool[k].sp[POOL_INTERNAL]], 0);
  const PetscReal den = b->EC50 + Itot;
  for (PetscInt k = 0; k < b->nexo; k++)
    for (PetscInt x = 0; x < 3; x++) s->E[x] += b->pool[k].Emax[x] * PetscMax(u[b->pool[k].sp[POOL_INTERNAL]], 0) / den;
  for (PetscInt k = 0; k < b->nexo; k++)
    for (PetscInt x = 0; x < 3; x++) s->dE[x][k] = u[b->pool[k].sp[POOL_INTERNAL]] > 0 ? (b->pool[k].Emax[x] - s->E[x]) / den : 0;
}

void BioExoDiagnostics(const Biology *b, const PetscScalar u[], PetscScalar d[])
{
  d[DIAG_EXO] = d[DIAG_EXO_INT] = 0;
  for (PetscInt k = 0; k < b->nexo; k++) {
    const ExoPool *p = &b->pool[k];
    d[p->diag] = u[p->sp[POOL_FREE]] + u[p->sp[POOL_INTERNAL]];
    d[DIAG_EXO] += d[p->diag];
    d[DIAG_EXO_INT] += u[p->sp[POOL_INTERNAL]];
  }
}

/* ---------------------------------------------------------------------------------------------
 * Rates and Jacobian of every pool */
void BioExosomes(const Biology *b, const BioState *s, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n)
{
  const PetscReal rho_tot = s->rho_tot;

  for (PetscInt k = 0; k < b->nexo; k++) {
    const ExoPool  *p = &b->pool[k];
    const PetscInt  Fs = p->sp[POOL_FREE], Is = p->sp[POOL_INTERNAL], Ds = p->sp[POOL_DEGRADED], Cs = p->sp[POOL_CLEARED], Ls = p->sp[POOL_LEAKED];
    const PetscReal Fx = u[Fs], up = p->kup * rho_tot * Fx, clr = p->kclr * Fx, deg = p->kcargo * u[Is];

    r[Fs] = -up - clr;
    r[Is] = up - deg;
    r[Ds] = deg;
    r[Cs] = clr;
    r[Ls] = 0; /* filled by the solver through boundary_sink */
    if (!J) continue;
    JAC(Fs, Fs) = -(p->kup * rho_tot + p->kclr);
    JAC(Is, Fs) = p->kup * rho_tot;
    JAC(Is, Is) = -p->kcargo;
    JAC(Ds, Is) = p->kcargo;
    JAC(Cs, Fs) = p->kclr;
    for (PetscInt q = 0; q < b->npop; q++) {
      JAC(Fs, b->pop[q].species) = -p->kup * Fx;
      JAC(Is, b->pop[q].species) = p->kup * Fx;
    }
  }
}

/* per pool: the transfers, uptake by every population, and the solver's boundary sink (row = the
 * sink, column = the species it collects) */
void BioExosomesPattern(const Biology *b, PetscInt fill[], PetscInt n)
{
  for (PetscInt k = 0; k < b->nexo; k++) {
    const PetscInt *sp = b->pool[k].sp;
    for (PetscInt q = 0; q < b->npop; q++) FILL(sp[POOL_FREE], b->pop[q].species), FILL(sp[POOL_INTERNAL], b->pop[q].species);
    FILL(sp[POOL_INTERNAL], sp[POOL_FREE]), FILL(sp[POOL_DEGRADED], sp[POOL_INTERNAL]), FILL(sp[POOL_CLEARED], sp[POOL_FREE]);
  }
  for (PetscInt s = 0; s < n; s++)
    if (b->sink[s] >= 0) FILL(b->sink[s], s);
}
