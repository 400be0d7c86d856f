/* A one-line progress display (simulated time, percent, ETA) on rank 0's terminal; silent when
 * stderr is not a terminal, when not requested, or for runs shorter than two seconds. tend <= 0
 * means a steady-state search: fraction is then the progress of the rate towards its tolerance. */
#ifndef DSPROGRESS_H
#define DSPROGRESS_H
#include <petscsys.h>

typedef struct {
  PetscBool enabled, shown;
  double    start, last;
} DSProgress;

PetscErrorCode DSProgressStart(DSProgress *p, MPI_Comm comm, PetscBool requested);
PetscErrorCode DSProgressUpdate(DSProgress *p, PetscReal t, PetscReal tend, PetscReal fraction);
PetscErrorCode DSProgressEnd(DSProgress *p);
#endif
