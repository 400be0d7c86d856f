static const char help[] = "discsim-study: many discsim runs from one study file (doc/studies.md).\n"
                           "Usage: [mpiexec -n N] discsim-study STUDY.yaml [-study_output TABLE.csv] [-study_group_size n] [-study_overwrite] [-study_design_only] [-study_reuse false]\n";

#include <petscsys.h>
#include "dsstudy.h"
#include "dsmpistart.h"

static char ds_first_error[4096];

static PetscErrorCode DSErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL) (void)PetscSNPrintf(ds_first_error, sizeof ds_first_error, "%s", mess ? mess : "(no message)");
  return n;
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;
  const char    *path = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
  PetscMPIInt    rank, size;

  DSMPIPrepareSingleton();
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscPushErrorHandler(DSErrorHandler, NULL));
  if (!path) ierr = PetscError(PETSC_COMM_SELF, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_USER_INPUT, PETSC_ERROR_INITIAL, "no study file: usage: discsim-study STUDY.yaml [-study_* options]");
  else ierr = DSStudyRunFile(PETSC_COMM_WORLD, path);
  if (ierr) {
    PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
    PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
    if (rank == 0) fprintf(stderr, "discsim-study: error: %s\n", ds_first_error);
    fflush(stderr);
    if (size > 1) MPI_Abort(PETSC_COMM_WORLD, 1);
    (void)PetscFinalize();
    return 1;
  }
  PetscCall(PetscFinalize());
  return 0;
}
