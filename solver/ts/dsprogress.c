#include <unistd.h>
#include "dsprogress.h"

PetscErrorCode DSProgressStart(DSProgress *p, MPI_Comm comm, PetscBool requested)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  p->enabled = (PetscBool)(requested && rank == 0 && isatty(STDERR_FILENO));
  p->shown   = PETSC_FALSE;
  p->start = p->last = MPI_Wtime();
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void DSFormatSeconds(double s, char *buf, size_t n)
{
  if (s < 120) (void)PetscSNPrintf(buf, n, "%.0f s", s);
  else if (s < 7200) (void)PetscSNPrintf(buf, n, "%.1f min", s / 60);
  else (void)PetscSNPrintf(buf, n, "%.1f h", s / 3600);
}

PetscErrorCode DSProgressUpdate(DSProgress *p, PetscReal t, PetscReal tend, PetscReal fraction)
{
  double now = MPI_Wtime(), elapsed = now - p->start;
  char   eta[32] = "?";

  PetscFunctionBeginUser;
  if (!p->enabled || elapsed < 2.0 || now - p->last < 0.25) PetscFunctionReturn(PETSC_SUCCESS);
  if (fraction > 0) DSFormatSeconds(elapsed * (1 - fraction) / fraction, eta, sizeof eta);
  if (tend > 0) fprintf(stderr, "\r  t = %-10.4g h of %.4g h  %5.1f %%  ETA %-10s", (double)t, (double)tend, 100 * (double)fraction, eta);
  else fprintf(stderr, "\r  t = %-10.4g h  towards steady state %5.1f %%  ETA %-10s", (double)t, 100 * (double)fraction, eta);
  fflush(stderr);
  p->shown = PETSC_TRUE;
  p->last  = now;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSProgressEnd(DSProgress *p)
{
  PetscFunctionBeginUser;
  if (p->shown) fprintf(stderr, "\r%70s\r", "");
  p->shown = PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}
