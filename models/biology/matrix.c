/* Matrix turnover of the biology model (doc/biology.md §4): aggrecan and collagen II, relative to
 * healthy content,  dX/dt = k_syn Syn (1 + E_syn) F_syn - (k_deg + k_mmp M F_deg) X,  Syn = sum_q f_q Sn_q rho_q / rho_ref,
 * (E_syn: exosome cargo; F_syn, F_deg: injected protein factors, factors.c; both 1 without them)
 * (Sn includes the osmolarity switch, so aggrecan feeds back on synthesis through the fixed charges)
 * with k_deg + k_mmp = ln 2 / t_half (Sivan 2006/2008) and k_syn = k_deg + k_mmp, so that X = 1 is
 * stationary in the healthy disc. */
#include "biologyimpl.h"

#define JAC(row, col) J[(row) * n + (col)]
#define FILL(row, col) (fill[(row) * n + (col)] = 1)

void BioMatrix(const Biology *b, const BioState *s, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n)
{
  const PetscInt  X[2]    = {b->AGG, b->COL};
  const PetscReal ksyn[2] = {b->kAsyn[pt->region], b->kCsyn}, kdeg[2] = {b->kAdeg[pt->region], b->kCdeg}, kmmp[2] = {b->kAmmp[pt->region], b->kCmmp};
  const PetscReal M = u[b->MMP], rho_ref = s->rho_ref, syn = s->Syn / rho_ref, Es = s->E[EXO_SYN], Fs = s->Fsyn, Fd = s->Fdeg, g = (1 + Es) * Fs;

  for (PetscInt k = 0; k < 2; k++) {
    r[X[k]] = ksyn[k] * syn * g - (kdeg[k] + kmmp[k] * M * Fd) * u[X[k]];
    if (!J) continue;
    for (PetscInt q = 0; q < b->npop; q++) JAC(X[k], b->pop[q].species) = ksyn[k] * s->dSyn_drho[q] / rho_ref * g;
    JAC(X[k], b->GLC) = ksyn[k] * s->dSyn_dG / rho_ref * g;
    JAC(X[k], b->LAC) = ksyn[k] * s->dSyn_dL / rho_ref * g;
    for (PetscInt e = 0; e < b->nexo; e++) JAC(X[k], b->pool[e].sp[POOL_INTERNAL]) = ksyn[k] * syn * s->dE[EXO_SYN][e] * Fs;
    for (PetscInt f = 0; f < b->nfac; f++) JAC(X[k], b->fpool[f].sp[FPOOL_FREE]) = ksyn[k] * syn * (1 + Es) * s->dFsyn[f] - kmmp[k] * M * s->dFdeg[f] * u[X[k]];
    JAC(X[k], X[k])   = -(kdeg[k] + kmmp[k] * M * Fd);
    JAC(X[k], b->MMP) = -kmmp[k] * Fd * u[X[k]];
    JAC(X[k], b->AGG) += ksyn[k] * s->dSyn_dA / rho_ref * g; /* osmolarity follows aggrecan */
  }
}

/* synthesis by every population, through the switch (glucose, lactate, aggrecan through the
 * osmolarity), cargo and protein factors; degradation by itself, MMP and inhibitors */
void BioMatrixPattern(const Biology *b, PetscInt fill[], PetscInt n)
{
  const PetscInt X[2] = {b->AGG, b->COL};
  for (PetscInt k = 0; k < 2; k++) {
    for (PetscInt q = 0; q < b->npop; q++) FILL(X[k], b->pop[q].species);
    FILL(X[k], b->GLC), FILL(X[k], b->LAC), FILL(X[k], b->AGG), FILL(X[k], b->MMP);
    for (PetscInt e = 0; e < b->nexo; e++) FILL(X[k], b->pool[e].sp[POOL_INTERNAL]);
    for (PetscInt f = 0; f < b->nfac; f++) FILL(X[k], b->fpool[f].sp[FPOOL_FREE]);
  }
}
