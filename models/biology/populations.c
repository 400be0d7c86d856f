/* Cell populations of the biology model (native cells and injected MSCs): what they consume
 * (the Bibby laws x their effective density), their death by starvation and acid, and their
 * logistic proliferation (doc/biology.md §2-3). Also the per-cell state the other processes
 * share: switches, cargo effects, paracrine action, matrix synthesis drive. */
#include "biologyimpl.h"

#define JAC(row, col) J[(row) * n + (col)]
#define FILL(row, col) (fill[(row) * n + (col)] = 1)

/* The laws (biology.h) */
PetscReal DSBioGlucoseDeathRate(PetscReal G, PetscReal G_th, PetscReal K, PetscReal a)
{
  PetscReal Gp = PetscMax(G, 0);
  return Gp >= G_th ? 0 : -a * (G_th - Gp) / (Gp + K);
}

PetscReal DSBioAcidDeathRate(PetscReal pH, PetscReal pH_th, PetscReal k) { return pH >= pH_th ? 0 : -k * (pH_th - pH); }

PetscReal DSBioOsmoticDeathRate(PetscReal osm, PetscReal osm_th, PetscReal k) { return osm <= osm_th ? 0 : -k * (osm - osm_th) / 100; }

PetscReal DSBioDonnanOsmolarity(PetscReal fcd, PetscReal c_ext, PetscReal *dosm_dfcd)
{
  PetscReal osm = PetscSqrtReal(fcd * fcd + c_ext * c_ext);
  if (dosm_dfcd) *dosm_dfcd = osm > 0 ? fcd / osm : 0;
  return osm;
}

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

/* The nutrient switch Sn = s(G) s(pH) s_osm(Osm) of population q and its derivatives; s_osm
 * falls from 1 at the osmolarity threshold to 0 at threshold + width (mirror of DSBioSwitch). */
static void BioSwitchCompute(const Biology *b, const BioState *s, const PetscScalar u[], PetscInt q, PetscReal *Sn, PetscReal *dG, PetscReal *dL, PetscReal *dA)
{
  const Population *pp = &b->pop[q];
  PetscReal         dsG, dspH, dsO;
  PetscReal         sG = DSBioSwitch(s->G, pp->Gth, b->wG, &dsG), spH = DSBioSwitch(s->pH, pp->pHth, pp->wpH, &dspH), sO = DSBioSwitch(-s->Osm, -pp->Osmth, pp->wOsm, &dsO);

  *Sn = sG * spH * sO;
  *dG = u[b->GLC] > 0 ? dsG * spH * sO : 0;
  *dL = sG * dspH * BIO_DPH_DL * sO;
  *dA = -sG * spH * dsO * s->dOsm_dA;
}

void BioStateCompute(const Biology *b, const DSPoint *pt, const PetscScalar u[], BioState *s)
{
  const PetscReal A = PetscMax(u[b->AGG], 0);
  PetscReal       R = 0, dosm;

  s->rho_ref = b->rho_ref[pt->region];
  s->Kcap    = b->capacity * s->rho_ref;
  s->G       = PetscMax(u[b->GLC], 0);
  s->pH      = DSBibbyPH(u[b->LAC]);
  /* the fixed charges follow aggrecan: FCD = FCD_healthy(region) x A+ */
  s->Osm     = DSBioDonnanOsmolarity(b->fcd[pt->region] * A, b->osm_ext, &dosm);
  s->dOsm_dA = u[b->AGG] > 0 ? dosm * b->fcd[pt->region] : 0;
  s->rho_tot = 0;
  for (PetscInt q = 0; q < b->npop; q++) s->rho_tot += u[b->pop[q].species];
  /* exosome cargo effects (exosomes.c), and the MSC paracrine action P = Pmax R/(R + R_half) */
  BioExoEffects(b, u, s);
  BioFactorEffects(b, u, s);
  for (PetscInt q = 1; q < b->npop; q++) R += b->pop[q].potency * PetscMax(u[b->pop[q].species], 0);
  s->P     = b->Pmax * R / (R + b->Rhalf);
  s->dP_dR = b->Pmax * b->Rhalf / ((R + b->Rhalf) * (R + b->Rhalf));
  /* synthesis and proliferation switch, and the matrix synthesis drive sum f Sn rho */
  s->logi = 1 - s->rho_tot / s->Kcap;
  s->Syn = s->dSyn_dG = s->dSyn_dL = s->dSyn_dA = 0;
  for (PetscInt q = 0; q < b->npop; q++) {
    const Population *pp  = &b->pop[q];
    const PetscReal   rho = u[pp->species];
    BioSwitchCompute(b, s, u, q, &s->Sn[q], &s->dSn_dG[q], &s->dSn_dL[q], &s->dSn_dA[q]);
    s->Syn += pp->fmat * s->Sn[q] * rho, s->dSyn_dG += pp->fmat * s->dSn_dG[q] * rho, s->dSyn_dL += pp->fmat * s->dSn_dL[q] * rho;
    s->dSyn_dA += pp->fmat * s->dSn_dA[q] * rho;
    s->dSyn_drho[q] = pp->fmat * s->Sn[q];
  }
}

/* Death of population q by cause, cargo protection included; crowding is the negative part of
 * the logistic term (a population over capacity dies back). */
void BioDeathRates(const Biology *b, const BioState *s, PetscInt q, BioDeath *d)
{
  const Population *pp      = &b->pop[q];
  const PetscReal   protect = 1 - s->E[EXO_DEATH];

  d->glc   = DSBioGlucoseDeathRate(s->G, pp->Gth, b->death_K, b->death_a) * protect;
  d->acid  = DSBioAcidDeathRate(s->pH, pp->pHth, pp->kacid) * protect;
  d->osm   = DSBioOsmoticDeathRate(s->Osm, pp->Osmth, 100 * pp->kosm) * protect;
  d->crowd = PetscMin(pp->rprol * s->Sn[q] * s->logi, 0);
}

/* Oxygen, glucose, lactate: the nutrient component's laws times the populations' effective densities. */
void BioMetabolism(DSModel m, const Biology *b, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n)
{
  PetscReal    rhoO = 0, rhog = 0;
  DSBibbyRates bb;

  for (PetscInt q = 0; q < b->npop; q++) {
    PetscReal rho = u[b->pop[q].species];
    rhoO += b->pop[q].fO2 * rho, rhog += b->pop[q].fgly * rho;
  }
  rhoO *= 1e-6, rhog *= 1e-6; /* 10^6 cells/mm^3: nmol/(10^6 cells h) -> mM/h */
  DSNutrientConsumption(m, &b->nut, u, rhoO, rhog, &bb, r, J, n);
  if (J)
    for (PetscInt q = 0; q < b->npop; q++) {
      PetscInt sq = b->pop[q].species;
      JAC(b->O2, sq)  = -1e-6 * b->pop[q].fO2 * bb.o2;
      JAC(b->LAC, sq) = 1e-6 * b->pop[q].fgly * bb.lac;
    }
  DSNutrientGlucoseRow(&b->nut, r, J, n);
}

void BioMetabolismPattern(const Biology *b, PetscInt fill[], PetscInt n)
{
  DSNutrientPattern(&b->nut, fill, n);
  for (PetscInt q = 0; q < b->npop; q++) FILL(b->O2, b->pop[q].species), FILL(b->GLC, b->pop[q].species), FILL(b->LAC, b->pop[q].species);
}

/* d rho_q/dt = rho_q [ (alpha_glc + alpha_acid + alpha_osm)(1 - E_death) + r_q Sn_q (1 - rho_total/K_cap) ] */
void BioPopulations(const Biology *b, const BioState *s, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n)
{
  for (PetscInt q = 0; q < b->npop; q++) {
    const Population *pp = &b->pop[q];
    const PetscInt    sq = pp->species;
    const PetscReal   rho = u[sq], G = s->G, pH = s->pH, Sn = s->Sn[q];
    PetscReal         ag = DSBioGlucoseDeathRate(G, pp->Gth, b->death_K, b->death_a);
    PetscReal         dag_dG = (G < pp->Gth && u[b->GLC] > 0) ? b->death_a * (pp->Gth + b->death_K) / ((G + b->death_K) * (G + b->death_K)) : 0;
    PetscReal         aa = DSBioAcidDeathRate(pH, pp->pHth, pp->kacid), daa_dL = pH < pp->pHth ? pp->kacid * BIO_DPH_DL : 0;
    PetscReal         ao = DSBioOsmoticDeathRate(s->Osm, pp->Osmth, 100 * pp->kosm), dao_dA = s->Osm > pp->Osmth ? -pp->kosm * s->dOsm_dA : 0;
    PetscReal         death = (ag + aa + ao) * (1 - s->E[EXO_DEATH]), prol = pp->rprol * Sn * s->logi;
    r[sq] = rho * (death + prol);
    if (!J) continue;
    JAC(sq, sq) += death + prol;
    for (PetscInt q2 = 0; q2 < b->npop; q2++) JAC(sq, b->pop[q2].species) += -rho * pp->rprol * Sn / s->Kcap;
    JAC(sq, b->GLC) = rho * (dag_dG * (1 - s->E[EXO_DEATH]) + pp->rprol * s->dSn_dG[q] * s->logi);
    JAC(sq, b->LAC) = rho * (daa_dL * (1 - s->E[EXO_DEATH]) + pp->rprol * s->dSn_dL[q] * s->logi);
    JAC(sq, b->AGG) = rho * (dao_dA * (1 - s->E[EXO_DEATH]) + pp->rprol * s->dSn_dA[q] * s->logi);
    for (PetscInt k = 0; k < b->nexo; k++) JAC(sq, b->pool[k].sp[POOL_INTERNAL]) = -rho * (ag + aa + ao) * s->dE[EXO_DEATH][k];
  }
}

/* own density (death, growth), total density (crowding), glucose (starvation, switch), lactate
 * (acid death, switch), aggrecan (osmolarity: osmotic death, switch), every pool's internalised
 * vesicles (cargo protection against death) */
void BioPopulationsPattern(const Biology *b, PetscInt fill[], PetscInt n)
{
  for (PetscInt q = 0; q < b->npop; q++) {
    const PetscInt sq = b->pop[q].species;
    for (PetscInt q2 = 0; q2 < b->npop; q2++) FILL(sq, b->pop[q2].species);
    FILL(sq, b->GLC), FILL(sq, b->LAC), FILL(sq, b->AGG);
    for (PetscInt k = 0; k < b->nexo; k++) FILL(sq, b->pool[k].sp[POOL_INTERNAL]);
  }
}
