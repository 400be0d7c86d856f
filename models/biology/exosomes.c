/* Injected exosomes of the biology model (doc/biology.md §6): uptake k_up rho_total F, clearance
 * k_clr F and cargo decay k_cargo I are pure transfers free -> internal -> degraded and free ->
 * cleared; the solver moves the boundary outflux of exo_free into exo_leaked (the model's
 * boundary sink), so the injected amount is an exact invariant. */
#include "biologyimpl.h"

#define JAC(row, col) J[(row) * n + (col)]
#define FILL(row, col) (fill[(row) * n + (col)] = 1)

void BioExosomes(const Biology *b, const BioState *s, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n)
{
  const PetscReal rho_tot = s->rho_tot, Fx = u[b->EXF], up = b->kup * rho_tot * Fx, clr = b->kclr * Fx, deg = b->kcargo * u[b->EXI];

  r[b->EXF] = -up - clr;
  r[b->EXI] = up - deg;
  r[b->EXD] = deg;
  r[b->EXC] = clr;
  r[b->EXL] = 0; /* filled by the solver through boundary_sink */
  if (!J) return;
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

/* the transfers, uptake by every population, and the solver's boundary sink (row = the sink,
 * column = the species it collects) */
void BioExosomesPattern(const Biology *b, PetscInt fill[], PetscInt n)
{
  for (PetscInt q = 0; q < b->npop; q++) FILL(b->EXF, b->pop[q].species), FILL(b->EXI, b->pop[q].species);
  FILL(b->EXI, b->EXF), FILL(b->EXD, b->EXI), FILL(b->EXC, b->EXF);
  for (PetscInt s = 0; s < n; s++)
    if (b->sink[s] >= 0) FILL(b->sink[s], s);
}
