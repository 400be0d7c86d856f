#include <stdio.h>
#include "dscsv.h"

struct _p_DSCSV {
  MPI_Comm comm;
  FILE    *f; /* rank 0 only */
  PetscInt ncols;
  char     path[PETSC_MAX_PATH_LEN];
};

PetscErrorCode DSCSVCreate(MPI_Comm comm, const char path[], PetscInt ncols, const char *const names[], const char *const units[], DSCSV *csv)
{
  PetscMPIInt rank;
  DSCSV       c;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  c->comm = comm, c->ncols = ncols;
  PetscCall(PetscStrncpy(c->path, path, sizeof c->path));
  *csv = c;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank) PetscFunctionReturn(PETSC_SUCCESS);
  c->f = fopen(path, "w");
  PetscCheck(c->f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open -output_csv '%s' for writing", path);
  fprintf(c->f, "time_h");
  for (PetscInt g = 0; g < ncols; g++) {
    PetscBool unitless;
    PetscCall(PetscStrcmp(units[g], "1", &unitless));
    if (unitless) fprintf(c->f, ",%s", names[g]);
    else fprintf(c->f, ",%s [%s]", names[g], units[g]);
  }
  fprintf(c->f, "\n");
  PetscCheck(fflush(c->f) == 0 && !ferror(c->f), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write the CSV header to '%s' (disk full?)", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSCSVWriteRow(DSCSV c, PetscReal t, const PetscReal values[])
{
  PetscFunctionBeginUser;
  if (!c->f) PetscFunctionReturn(PETSC_SUCCESS);
  fprintf(c->f, "%.17g", (double)t);
  for (PetscInt q = 0; q < c->ncols; q++) fprintf(c->f, ",%.17g", (double)values[q]);
  fprintf(c->f, "\n");
  PetscCheck(fflush(c->f) == 0 && !ferror(c->f), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write a row of '%s' at t = %g h (disk full?)", c->path, (double)t);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSCSVDestroy(DSCSV *csv)
{
  PetscFunctionBeginUser;
  if (!*csv) PetscFunctionReturn(PETSC_SUCCESS);
  if ((*csv)->f) fclose((*csv)->f);
  PetscCall(PetscFree(*csv));
  PetscFunctionReturn(PETSC_SUCCESS);
}
