/* MMP activity and a lumped inflammatory cytokine of the biology model (doc/biology.md §5):
 *   dM/dt = k_M [ (rho_nat/rho_ref)(1 + a_I C)(1 - E_mmp)(1 - P) - M ],
 *   dC/dt = p (rho_nat/rho_ref)(1 - P) - k_C C,
 * with P the MSC paracrine action and E_mmp the exosome cargo effect. */
#include "biologyimpl.h"

#define JAC(row, col) J[(row) * n + (col)]
#define FILL(row, col) (fill[(row) * n + (col)] = 1)

void BioInflammation(const Biology *b, const BioState *s, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n)
{
  const PetscReal rho_ref = s->rho_ref, Em = s->E[EXO_MMP], P = s->P;
  const PetscReal fn = u[b->NAT] / rho_ref, C = PetscMax(u[b->CYT], 0), infl = 1 + b->aI * C;
  const PetscReal prod = fn * infl * (1 - Em) * (1 - P);

  r[b->MMP] = b->kM * (prod - u[b->MMP]);
  r[b->CYT] = b->pCyt * fn * (1 - P) - b->kCyt * u[b->CYT];
  if (!J) return;
  JAC(b->MMP, b->NAT) = b->kM * infl * (1 - Em) * (1 - P) / rho_ref;
  JAC(b->MMP, b->CYT) = u[b->CYT] > 0 ? b->kM * fn * b->aI * (1 - Em) * (1 - P) : 0;
  for (PetscInt k = 0; k < b->nexo; k++) JAC(b->MMP, b->pool[k].sp[POOL_INTERNAL]) = -b->kM * fn * infl * s->dE[EXO_MMP][k] * (1 - P);
  JAC(b->MMP, b->MMP) = -b->kM;
  JAC(b->CYT, b->NAT) = b->pCyt * (1 - P) / rho_ref;
  JAC(b->CYT, b->CYT) = -b->kCyt;
  for (PetscInt q = 1; q < b->npop; q++) {
    PetscInt  sq   = b->pop[q].species;
    PetscReal dPdq = u[sq] > 0 ? s->dP_dR * b->pop[q].potency : 0;
    JAC(b->MMP, sq) = -b->kM * fn * infl * (1 - Em) * dPdq;
    JAC(b->CYT, sq) = -b->pCyt * fn * dPdq;
  }
}

/* native production (rho_nat) and MSC paracrine action (every population column); MMP also
 * cytokine induction and cargo reduction */
void BioInflammationPattern(const Biology *b, PetscInt fill[], PetscInt n)
{
  for (PetscInt q = 0; q < b->npop; q++) FILL(b->MMP, b->pop[q].species), FILL(b->CYT, b->pop[q].species);
  FILL(b->MMP, b->CYT);
  for (PetscInt k = 0; k < b->nexo; k++) FILL(b->MMP, b->pool[k].sp[POOL_INTERNAL]);
}
