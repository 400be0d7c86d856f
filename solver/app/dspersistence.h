/* DSPersistence: how long an injected dose stays. For one tracked amount (a key figure) after an
 * injection into its reference species (the last one, or the k-th: then only until the next
 * injection into that species): when it falls below a fraction of that dose (h after the
 * injection), its effective half-life: the time from its peak to half the peak (for an amount that
 * starts at the dose, the time to half the dose; for internalised cargo, which rises first, the
 * decay after uptake), and its residence: the integral of amount / dose over time (h) from the
 * injection to the next one or the end (1/k for a single exponential decay with rate k followed to
 * the end). Crossings and the integral are interpolated log-linearly between steps (exact for
 * exponentials), and a peak between steps is placed at the vertex of the parabola through the
 * last three. */
#ifndef DSPERSISTENCE_H
#define DSPERSISTENCE_H
#include <petscsys.h>

typedef struct {
  PetscInt  figure;                  /* index of the tracked key figure */
  PetscReal fraction;                /* of the dose, e.g. 0.1 */
  PetscReal inj_time, dose;          /* of the last injection seen, h and amount; inj_time < 0: none yet */
  PetscReal t_prev, r_prev;          /* previous step: time, amount / dose */
  PetscReal t_peak, r_peak;          /* the maximum since the injection */
  PetscReal t_pp, r_pp;              /* the step before the previous one */
  PetscBool peak_refined;            /* the peak was placed between steps (parabola) */
  PetscReal t_fraction, t_half;      /* h; -1 until reached */
  PetscReal residence;               /* h: integral of amount / dose since the injection */
  PetscInt  dose_index;              /* -1: the last injection; k >= 0: the k-th (from 0) only */
  PetscReal window;                  /* dose_index >= 0: the time of that injection (h) */
} DSPersistence;

void           DSPersistenceInit(DSPersistence *p, PetscInt figure, PetscReal fraction);
/* a tracker of the k-th dose only, injected at time 'at' (h) */
void           DSPersistenceSetDose(DSPersistence *p, PetscInt k, PetscReal at);
/* whether an update with the last injection's time and dose would change the tracker (a k-th
 * dose tracker ignores the steps outside its dose's window): callers skip computing the amount */
PetscBool      DSPersistenceWants(const DSPersistence *p, PetscReal inj_time, PetscReal dose);
/* after every step (and injection): the amount at t, and the last injection's time and dose */
void           DSPersistenceUpdate(DSPersistence *p, PetscReal t, PetscReal amount, PetscReal inj_time, PetscReal dose);
/* The tracker as DS_PERSISTENCE_PACKED numbers and back (checkpoints). */
#define DS_PERSISTENCE_PACKED 14
void           DSPersistencePack(const DSPersistence *p, PetscReal v[DS_PERSISTENCE_PACKED]);
void           DSPersistenceUnpack(DSPersistence *p, const PetscReal v[DS_PERSISTENCE_PACKED]);
PetscErrorCode DSPersistenceView(const DSPersistence *p, const char name[], MPI_Comm comm);
/* one row of the per-dose table (the k-th dose tracker) */
PetscErrorCode DSPersistenceViewRow(const DSPersistence *p, MPI_Comm comm);
#endif
