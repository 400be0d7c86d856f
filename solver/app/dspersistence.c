#include "dspersistence.h"

void DSPersistenceInit(DSPersistence *p, PetscInt figure, PetscReal fraction)
{
  PetscMemzero(p, sizeof *p);
  p->figure     = figure;
  p->fraction   = fraction;
  p->inj_time   = -1;
  p->t_fraction = -1; /* -1: not (yet) reached */
  p->t_half     = -1;
  p->dose_index = -1;
}

void DSPersistenceSetDose(DSPersistence *p, PetscInt k, PetscReal at)
{
  p->dose_index = k;
  p->window     = at;
}

/* integral of r between two steps, log-linear (exact for an exponential), trapezoid otherwise */
static PetscReal DSPersistenceArea(PetscReal h, PetscReal r0, PetscReal r1)
{
  if (r0 > 0 && r1 > 0 && PetscAbsReal(r1 - r0) > 1e-9 * r0) return h * (r1 - r0) / PetscLogReal(r1 / r0);
  return 0.5 * h * (r0 + r1);
}

/* just past a maximum between steps: the vertex of the parabola through the last three */
static void DSPersistenceRefinePeak(DSPersistence *P, PetscReal t, PetscReal r)
{
  PetscReal h1 = P->t_prev - P->t_pp, h2 = t - P->t_prev;
  PetscReal d1 = (P->r_prev - P->r_pp) / h1, d2 = (r - P->r_prev) / h2, c = (d2 - d1) / (h1 + h2);
  if (c < 0) {
    PetscReal tv = 0.5 * (P->t_pp + P->t_prev) - d1 / (2 * c);
    if (tv > P->t_pp && tv < t) P->t_peak = tv, P->r_peak = P->r_prev + d1 * (tv - P->t_prev) + c * (tv - P->t_pp) * (tv - P->t_prev);
  }
  P->peak_refined = PETSC_TRUE;
}

PetscBool DSPersistenceWants(const DSPersistence *P, PetscReal inj_time, PetscReal dose)
{
  if (dose <= 0) return PETSC_FALSE;
  return (PetscBool)(P->dose_index < 0 || inj_time == P->window); /* a k-th dose tracker: not before its dose, nor after the next one */
}

void DSPersistenceUpdate(DSPersistence *P, PetscReal t, PetscReal amount, PetscReal inj_time, PetscReal dose)
{
  if (!DSPersistenceWants(P, inj_time, dose)) return;
  const PetscReal r = amount / dose;
  if (inj_time == P->inj_time && t <= P->t_prev) return; /* a time seen already (an output time that is also a step's) */
  if (inj_time != P->inj_time) { /* a new dose: start again */
    P->inj_time = inj_time, P->dose = dose, P->t_fraction = -1, P->t_half = -1, P->residence = 0;
    P->t_prev = P->t_peak = P->t_pp = t, P->r_prev = P->r_peak = P->r_pp = r;
    P->peak_refined = PETSC_TRUE; /* a peak at the injection itself needs no refinement */
    return;
  }
  if (r > P->r_peak && P->t_half < 0) P->t_peak = t, P->r_peak = r, P->peak_refined = PETSC_FALSE;
  else if (!P->peak_refined && P->t_peak == P->t_prev && P->t_pp < P->t_prev) DSPersistenceRefinePeak(P, t, r);
  const PetscReal targets[2] = {P->fraction, 0.5 * P->r_peak};
  const PetscReal origin[2]  = {P->inj_time, P->t_peak};
  PetscReal      *found[2]   = {&P->t_fraction, &P->t_half};
  for (PetscInt q = 0; q < 2; q++) {
    if (*found[q] >= 0 || r >= targets[q] || P->r_prev < targets[q]) continue;
    PetscReal w = (P->r_prev > 0 && r > 0) ? PetscLogReal(P->r_prev / targets[q]) / PetscLogReal(P->r_prev / r) : 1;
    *found[q]   = P->t_prev + w * (t - P->t_prev) - origin[q];
  }
  P->residence += DSPersistenceArea(t - P->t_prev, P->r_prev, r);
  P->t_pp = P->t_prev, P->r_pp = P->r_prev;
  P->t_prev = t, P->r_prev = r;
}

PetscErrorCode DSPersistenceView(const DSPersistence *P, const char name[], MPI_Comm comm)
{
  PetscFunctionBeginUser;
  if (P->inj_time < 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscPrintf(comm, "  persistence of %s after the dose at t = %g h (peak %.3g of the dose at t = %g h): ", name, (double)P->inj_time, (double)P->r_peak, (double)P->t_peak));
  if (P->t_fraction >= 0) PetscCall(PetscPrintf(comm, "below %g of the dose %.4g h after it", (double)P->fraction, (double)P->t_fraction));
  else if (P->r_peak < P->fraction) PetscCall(PetscPrintf(comm, "never above %g of the dose", (double)P->fraction));
  else PetscCall(PetscPrintf(comm, "still above %g of the dose at the end", (double)P->fraction));
  if (P->t_half >= 0) PetscCall(PetscPrintf(comm, "; effective half-life (peak to half the peak) %.4g h", (double)P->t_half));
  else PetscCall(PetscPrintf(comm, "; not yet down to half its peak"));
  PetscCall(PetscPrintf(comm, "; residence %.4g h\n", (double)P->residence));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -1 prints as "-" (not reached before the next dose or the end) */
static PetscErrorCode DSPersistenceViewTime(PetscReal t, MPI_Comm comm)
{
  PetscFunctionBeginUser;
  if (t >= 0) PetscCall(PetscPrintf(comm, " %12.4g", (double)t));
  else PetscCall(PetscPrintf(comm, " %12s", "-"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSPersistenceViewRow(const DSPersistence *P, MPI_Comm comm)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "    %4" PetscInt_FMT " %12.4g %12.4g", P->dose_index + 1, (double)P->window, (double)(P->inj_time < 0 ? 0 : P->r_peak)));
  PetscCall(DSPersistenceViewTime(P->inj_time < 0 ? -1 : P->t_fraction, comm));
  PetscCall(DSPersistenceViewTime(P->inj_time < 0 ? -1 : P->t_half, comm));
  PetscCall(DSPersistenceViewTime(P->inj_time < 0 ? -1 : P->residence, comm));
  PetscCall(PetscPrintf(comm, "\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void DSPersistencePack(const DSPersistence *p, PetscReal v[DS_PERSISTENCE_PACKED])
{
  const PetscReal w[DS_PERSISTENCE_PACKED] = {(PetscReal)p->figure, p->fraction, p->inj_time, p->dose, p->t_prev, p->r_prev, p->t_peak, p->r_peak, p->t_pp, p->r_pp, (PetscReal)p->peak_refined, p->t_fraction, p->t_half, p->residence};
  for (PetscInt i = 0; i < DS_PERSISTENCE_PACKED; i++) v[i] = w[i];
}

void DSPersistenceUnpack(DSPersistence *p, const PetscReal v[DS_PERSISTENCE_PACKED])
{
  p->figure = (PetscInt)v[0], p->fraction = v[1], p->inj_time = v[2], p->dose = v[3], p->t_prev = v[4], p->r_prev = v[5], p->t_peak = v[6], p->r_peak = v[7];
  p->t_pp = v[8], p->r_pp = v[9], p->peak_refined = v[10] != 0 ? PETSC_TRUE : PETSC_FALSE, p->t_fraction = v[11], p->t_half = v[12], p->residence = v[13];
}
