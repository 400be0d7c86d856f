#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "dscsv.h"

struct _p_DSCSV {
  MPI_Comm comm;
  FILE    *f; /* rank 0 only */
  PetscInt ncols;
  char     path[PETSC_MAX_PATH_LEN];
};

static PetscErrorCode DSCSVNew(MPI_Comm comm, const char path[], PetscInt ncols, DSCSV *csv)
{
  DSCSV c;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  c->comm = comm, c->ncols = ncols;
  PetscCall(PetscStrncpy(c->path, path, sizeof c->path));
  *csv = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every rank learns whether rank 0's file operation worked (errno value, 0: it did). */
static PetscErrorCode DSCSVShare(DSCSV c, int err, const char what[])
{
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, c->comm));
  PetscCheck(err != EEXIST, c->comm, PETSC_ERR_FILE_OPEN, "'%s' exists: refusing to overwrite it (pass -output_overwrite to replace it)", c->path);
  PetscCheck(!err, c->comm, PETSC_ERR_FILE_OPEN, "cannot %s the CSV table '%s': %s", what, c->path, strerror(err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int DSCSVWriteHeader(FILE *f, PetscInt ncols, const char *const names[], const char *const units[])
{
  fprintf(f, "time_h");
  for (PetscInt g = 0; g < ncols; g++) {
    if (!strcmp(units[g], "1")) fprintf(f, ",%s", names[g]);
    else fprintf(f, ",%s [%s]", names[g], units[g]);
  }
  fprintf(f, "\n");
  return fflush(f) || ferror(f) ? (errno ? errno : EIO) : 0;
}

PetscErrorCode DSCSVCreate(MPI_Comm comm, const char path[], PetscBool overwrite, PetscInt ncols, const char *const names[], const char *const units[], DSCSV *csv)
{
  PetscMPIInt rank;
  DSCSV       c;
  int         err = 0;

  PetscFunctionBeginUser;
  PetscCall(DSCSVNew(comm, path, ncols, &c));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    int fd = open(path, O_WRONLY | O_CREAT | (overwrite ? O_TRUNC : O_EXCL), 0644);
    if (fd < 0) err = errno;
    else if (!(c->f = fdopen(fd, "w"))) err = errno, close(fd);
    else err = DSCSVWriteHeader(c->f, ncols, names, units);
  }
  *csv = c;
  PetscCall(DSCSVShare(c, err, "create"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSCSVReopen(MPI_Comm comm, const char path[], long long bytes, PetscInt ncols, DSCSV *csv)
{
  PetscMPIInt rank;
  DSCSV       c;
  int         err = 0;

  PetscFunctionBeginUser;
  PetscCall(DSCSVNew(comm, path, ncols, &c));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    if (!(c->f = fopen(path, "r+"))) err = errno;
    else if (fseek(c->f, 0, SEEK_END) || ftell(c->f) < bytes) err = EINVAL; /* shorter than at the checkpoint */
    else if (ftruncate(fileno(c->f), (off_t)bytes) || fseek(c->f, 0, SEEK_END)) err = errno;
  }
  *csv = c;
  PetscCall(DSCSVShare(c, err, err == EINVAL ? "continue (it is shorter than at the checkpoint)" : "continue"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSCSVGetLength(DSCSV c, long long *bytes)
{
  PetscFunctionBeginUser;
  *bytes = c->f ? (long long)ftell(c->f) : 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSCSVWriteRow(DSCSV c, PetscReal t, const PetscReal values[])
{
  int err = 0;

  PetscFunctionBeginUser;
  if (c->f) {
    fprintf(c->f, "%.17g", (double)t);
    for (PetscInt q = 0; q < c->ncols; q++) fprintf(c->f, ",%.17g", (double)values[q]);
    fprintf(c->f, "\n");
    if (fflush(c->f) || ferror(c->f)) err = errno ? errno : EIO;
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, c->comm));
  PetscCheck(!err, c->comm, PETSC_ERR_FILE_WRITE, "cannot write a row of '%s' at t = %g h: %s", c->path, (double)t, strerror(err));
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
