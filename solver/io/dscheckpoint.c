#include <errno.h>
#include <fcntl.h>
#include <netcdf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "dscheckpoint.h"

#define DS_CP_MAX_RECORDS 48
#define DS_CP_NAME_LEN    64
#define DS_CP_FORMAT      "discsim checkpoint 1"

#define DSCPCall(path, call) \
  do { \
    int ds_nc_status_ = (call); \
    PetscCheck(ds_nc_status_ == NC_NOERR, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "checkpoint '%s': %s (in %s)", path, nc_strerror(ds_nc_status_), #call); \
  } while (0)

typedef struct {
  char       name[DS_CP_NAME_LEN];
  PetscInt   n;    /* values; -1: a text */
  PetscReal *v;
  char      *text;
} DSCPRecord;

struct _p_DSCheckpoint {
  MPI_Comm    comm;
  PetscMPIInt rank;
  PetscInt    nrec;
  DSCPRecord  rec[DS_CP_MAX_RECORDS];
  char        path[PETSC_MAX_PATH_LEN]; /* the file loaded, for messages */
};

PetscErrorCode DSCheckpointCreate(MPI_Comm comm, DSCheckpoint *cp)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(cp));
  (*cp)->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &(*cp)->rank));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSCheckpointDestroy(DSCheckpoint *cp)
{
  PetscFunctionBeginUser;
  if (!*cp) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt r = 0; r < (*cp)->nrec; r++) {
    PetscCall(PetscFree((*cp)->rec[r].v));
    PetscCall(PetscFree((*cp)->rec[r].text));
  }
  PetscCall(PetscFree(*cp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The record of that name, made empty (new or replaced). */
static PetscErrorCode DSCheckpointRecord(DSCheckpoint cp, const char name[], DSCPRecord **rec)
{
  PetscInt r = 0;

  PetscFunctionBeginUser;
  PetscCheck(strlen(name) < DS_CP_NAME_LEN && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == strlen(name), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "checkpoint record name '%s' must be letters, digits and '_'", name);
  while (r < cp->nrec && strcmp(cp->rec[r].name, name)) r++;
  PetscCheck(r < DS_CP_MAX_RECORDS, PETSC_COMM_SELF, PETSC_ERR_SUP, "more than %d checkpoint records: DS_CP_MAX_RECORDS in solver/io/dscheckpoint.c", DS_CP_MAX_RECORDS);
  if (r == cp->nrec) cp->nrec++;
  *rec = &cp->rec[r];
  PetscCall(PetscFree((*rec)->v));
  PetscCall(PetscFree((*rec)->text));
  PetscCall(PetscStrncpy((*rec)->name, name, sizeof (*rec)->name));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSCheckpointSetValues(DSCheckpoint cp, const char name[], PetscInt n, const PetscReal v[])
{
  DSCPRecord *rec;

  PetscFunctionBeginUser;
  PetscCall(DSCheckpointRecord(cp, name, &rec));
  rec->n = n;
  PetscCall(PetscMalloc1(PetscMax(n, 1), &rec->v));
  if (n) PetscCall(PetscArraycpy(rec->v, v, n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSCheckpointSetText(DSCheckpoint cp, const char name[], const char text[])
{
  DSCPRecord *rec;

  PetscFunctionBeginUser;
  PetscCall(DSCheckpointRecord(cp, name, &rec));
  rec->n = -1;
  PetscCall(PetscStrallocpy(text, &rec->text));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const DSCPRecord *DSCheckpointFind(DSCheckpoint cp, const char name[])
{
  for (PetscInt r = 0; r < cp->nrec; r++)
    if (!strcmp(cp->rec[r].name, name)) return &cp->rec[r];
  return NULL;
}

PetscErrorCode DSCheckpointGetValues(DSCheckpoint cp, const char name[], PetscInt n, PetscReal v[])
{
  const DSCPRecord *rec = DSCheckpointFind(cp, name);

  PetscFunctionBeginUser;
  PetscCheck(rec && rec->n >= 0, cp->comm, PETSC_ERR_FILE_UNEXPECTED, "checkpoint '%s' has no record '%s': it was not written by this version of discsim for this kind of run", cp->path, name);
  PetscCheck(rec->n == n, cp->comm, PETSC_ERR_FILE_UNEXPECTED, "checkpoint '%s': record '%s' has %" PetscInt_FMT " values, this run needs %" PetscInt_FMT ": it was written by a different run", cp->path, name, rec->n, n);
  if (n) PetscCall(PetscArraycpy(v, rec->v, n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSCheckpointGetText(DSCheckpoint cp, const char name[], char text[], size_t len)
{
  const DSCPRecord *rec = DSCheckpointFind(cp, name);

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(text, rec && rec->text ? rec->text : "", len));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: the records as variables (numbers, each with its own dimension) and attributes (texts). */
static PetscErrorCode DSCheckpointPutRecords(DSCheckpoint cp, int ncid, const char path[])
{
  int varid[DS_CP_MAX_RECORDS];

  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < cp->nrec; r++) {
    const DSCPRecord *rec = &cp->rec[r];
    char              dim[DS_CP_NAME_LEN + 8];
    int               dimid;
    varid[r] = -1;
    if (rec->n < 0) {
      DSCPCall(path, nc_put_att_text(ncid, NC_GLOBAL, rec->name, strlen(rec->text), rec->text));
      continue;
    }
    PetscCall(PetscSNPrintf(dim, sizeof dim, "%s_n", rec->name));
    DSCPCall(path, nc_def_dim(ncid, dim, (size_t)PetscMax(rec->n, 1), &dimid));
    DSCPCall(path, nc_def_var(ncid, rec->name, NC_DOUBLE, 1, &dimid, &varid[r]));
    DSCPCall(path, nc_put_att_int(ncid, varid[r], "count", NC_INT, 1, (int[]){(int)rec->n}));
  }
  DSCPCall(path, nc_enddef(ncid));
  for (PetscInt r = 0; r < cp->nrec; r++)
    if (varid[r] >= 0 && cp->rec[r].n > 0) DSCPCall(path, nc_put_var_double(ncid, varid[r], cp->rec[r].v));
  PetscCall(PetscInfo(NULL, "checkpoint %s: %" PetscInt_FMT " records\n", path, cp->nrec));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: the whole file under a temporary name, on disk (fsync), then renamed over 'path'. */
static PetscErrorCode DSCheckpointWriteRank0(DSCheckpoint cp, const char path[], Vec natural, PetscInt bs)
{
  char               tmp[PETSC_MAX_PATH_LEN + 8];
  int                ncid = -1, dims[2], varid, fd;
  PetscInt           n;
  const PetscScalar *u;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(tmp, sizeof tmp, "%s.tmp", path));
  PetscCall(VecGetSize(natural, &n));
  DSCPCall(tmp, nc_create(tmp, NC_CLOBBER | NC_64BIT_DATA, &ncid));
  DSCPCall(tmp, nc_put_att_text(ncid, NC_GLOBAL, "format", strlen(DS_CP_FORMAT), DS_CP_FORMAT));
  DSCPCall(tmp, nc_def_dim(ncid, "cells", (size_t)(n / bs), &dims[0]));
  DSCPCall(tmp, nc_def_dim(ncid, "components", (size_t)bs, &dims[1]));
  DSCPCall(tmp, nc_def_var(ncid, "state", NC_DOUBLE, 2, dims, &varid));
  PetscCall(DSCheckpointPutRecords(cp, ncid, tmp));
  PetscCall(VecGetArrayRead(natural, &u));
  DSCPCall(tmp, nc_put_var_double(ncid, varid, (const double *)u));
  PetscCall(VecRestoreArrayRead(natural, &u));
  DSCPCall(tmp, nc_close(ncid));
  fd = open(tmp, O_RDONLY);
  PetscCheck(fd >= 0 && !fsync(fd), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "checkpoint '%s' could not be synced to disk: %s", tmp, strerror(errno));
  close(fd);
  PetscCheck(!rename(tmp, path), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot rename checkpoint '%s' to '%s': %s", tmp, path, strerror(errno));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* An error on rank 0 becomes an error on every rank (rank 0 keeps its detailed message). */
static PetscErrorCode DSCheckpointShare(DSCheckpoint cp, PetscErrorCode ierr0, const char what[], const char path[])
{
  int failed = ierr0 != PETSC_SUCCESS;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Bcast(&failed, 1, MPI_INT, 0, cp->comm));
  if (cp->rank == 0) PetscCall(ierr0);
  PetscCheck(!failed, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s checkpoint '%s' failed on rank 0", what, path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The natural-ordered copy of U gathered on rank 0 (and the scatter, for the way back). */
static PetscErrorCode DSCheckpointGather(Vec U, Vec *natural, Vec *zero, VecScatter *scatter)
{
  DM dm;

  PetscFunctionBeginUser;
  PetscCall(VecGetDM(U, &dm));
  PetscCheck(dm, PetscObjectComm((PetscObject)U), PETSC_ERR_ARG_WRONG, "a checkpoint holds a vector of a DMDA");
  PetscCall(DMDACreateNaturalVector(dm, natural));
  PetscCall(VecScatterCreateToZero(*natural, scatter, zero));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSCheckpointWrite(DSCheckpoint cp, const char path[], Vec U)
{
  Vec            natural, zero;
  VecScatter     scatter;
  DM             dm;
  PetscInt       bs;
  PetscErrorCode ierr0 = PETSC_SUCCESS;

  PetscFunctionBeginUser;
  PetscCall(DSCheckpointGather(U, &natural, &zero, &scatter));
  PetscCall(VecGetDM(U, &dm));
  PetscCall(VecGetBlockSize(U, &bs));
  PetscCall(DMDAGlobalToNaturalBegin(dm, U, INSERT_VALUES, natural));
  PetscCall(DMDAGlobalToNaturalEnd(dm, U, INSERT_VALUES, natural));
  PetscCall(VecScatterBegin(scatter, natural, zero, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(scatter, natural, zero, INSERT_VALUES, SCATTER_FORWARD));
  if (cp->rank == 0) ierr0 = DSCheckpointWriteRank0(cp, path, zero, bs);
  PetscCall(VecScatterDestroy(&scatter));
  PetscCall(VecDestroy(&zero));
  PetscCall(VecDestroy(&natural));
  PetscCall(DSCheckpointShare(cp, ierr0, "writing", path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: one record from variable varid (or a text from a global attribute). */
static PetscErrorCode DSCheckpointGetRecord(DSCheckpoint cp, int ncid, int varid, const char path[])
{
  char     name[NC_MAX_NAME + 1];
  int      dimid, count = 0;
  size_t   len;
  PetscReal *v;

  PetscFunctionBeginUser;
  DSCPCall(path, nc_inq_varname(ncid, varid, name));
  if (!strcmp(name, "state")) PetscFunctionReturn(PETSC_SUCCESS);
  DSCPCall(path, nc_inq_vardimid(ncid, varid, &dimid));
  DSCPCall(path, nc_inq_dimlen(ncid, dimid, &len));
  DSCPCall(path, nc_get_att_int(ncid, varid, "count", &count));
  PetscCheck(count >= 0 && (size_t)count <= len, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "checkpoint '%s': record '%s' is damaged", path, name);
  PetscCall(PetscMalloc1(len, &v));
  DSCPCall(path, nc_get_var_double(ncid, varid, v));
  PetscCall(DSCheckpointSetValues(cp, name, count, v));
  PetscCall(PetscFree(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: the format, the records, and the state into 'zero' (checked against its size). */
static PetscErrorCode DSCheckpointReadRank0(DSCheckpoint cp, const char path[], Vec zero, PetscInt bs)
{
  int          ncid, nvars, natts, dimid, varid;
  size_t       ncells, ncomp, len = 0;
  char         format[64] = "";
  PetscInt     n;
  PetscScalar *u;

  PetscFunctionBeginUser;
  DSCPCall(path, nc_open(path, NC_NOWRITE, &ncid));
  if (nc_inq_attlen(ncid, NC_GLOBAL, "format", &len) == NC_NOERR && len < sizeof format) DSCPCall(path, nc_get_att_text(ncid, NC_GLOBAL, "format", format));
  PetscCheck(!strcmp(format, DS_CP_FORMAT), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' is not a discsim checkpoint (format '%s', expected '%s')", path, format, DS_CP_FORMAT);
  DSCPCall(path, nc_inq(ncid, NULL, &nvars, &natts, NULL));
  for (int a = 0; a < natts; a++) { /* texts */
    char name[NC_MAX_NAME + 1], *text;
    DSCPCall(path, nc_inq_attname(ncid, NC_GLOBAL, a, name));
    DSCPCall(path, nc_inq_attlen(ncid, NC_GLOBAL, name, &len));
    PetscCall(PetscCalloc1(len + 1, &text));
    DSCPCall(path, nc_get_att_text(ncid, NC_GLOBAL, name, text));
    if (strcmp(name, "format")) PetscCall(DSCheckpointSetText(cp, name, text));
    PetscCall(PetscFree(text));
  }
  for (int v = 0; v < nvars; v++) PetscCall(DSCheckpointGetRecord(cp, ncid, v, path));
  if (!zero) { /* the records only */
    DSCPCall(path, nc_close(ncid));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  DSCPCall(path, nc_inq_dimid(ncid, "cells", &dimid));
  DSCPCall(path, nc_inq_dimlen(ncid, dimid, &ncells));
  DSCPCall(path, nc_inq_dimid(ncid, "components", &dimid));
  DSCPCall(path, nc_inq_dimlen(ncid, dimid, &ncomp));
  PetscCall(VecGetSize(zero, &n));
  PetscCheck(ncomp == (size_t)bs && ncells * ncomp == (size_t)n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "checkpoint '%s' holds %zu cells x %zu species, this run has %" PetscInt_FMT " x %" PetscInt_FMT ": it was written by a different run (another mesh or model)", path, ncells, ncomp, n / bs, bs);
  DSCPCall(path, nc_inq_varid(ncid, "state", &varid));
  PetscCall(VecGetArray(zero, &u));
  DSCPCall(path, nc_get_var_double(ncid, varid, (double *)u));
  PetscCall(VecRestoreArray(zero, &u));
  DSCPCall(path, nc_close(ncid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0's records to every rank. */
static PetscErrorCode DSCheckpointBroadcastRecords(DSCheckpoint cp)
{
  PetscInt nrec = cp->nrec;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Bcast(&nrec, 1, MPIU_INT, 0, cp->comm));
  for (PetscInt r = 0; r < nrec; r++) {
    DSCPRecord rec = cp->rank == 0 ? cp->rec[r] : (DSCPRecord){{0}, 0, NULL, NULL};
    PetscInt   len = rec.text ? (PetscInt)strlen(rec.text) + 1 : 0;
    PetscCallMPI(MPI_Bcast(rec.name, DS_CP_NAME_LEN, MPI_CHAR, 0, cp->comm));
    PetscCallMPI(MPI_Bcast(&rec.n, 1, MPIU_INT, 0, cp->comm));
    PetscCallMPI(MPI_Bcast(&len, 1, MPIU_INT, 0, cp->comm));
    if (cp->rank == 0) {
      if (rec.n > 0) PetscCallMPI(MPI_Bcast(rec.v, (PetscMPIInt)rec.n, MPIU_REAL, 0, cp->comm));
      if (len) PetscCallMPI(MPI_Bcast(rec.text, (PetscMPIInt)len, MPI_CHAR, 0, cp->comm));
      continue;
    }
    if (rec.n >= 0) {
      PetscCall(PetscMalloc1(PetscMax(rec.n, 1), &rec.v));
      if (rec.n > 0) PetscCallMPI(MPI_Bcast(rec.v, (PetscMPIInt)rec.n, MPIU_REAL, 0, cp->comm));
      PetscCall(DSCheckpointSetValues(cp, rec.name, rec.n, rec.v));
      PetscCall(PetscFree(rec.v));
    } else {
      PetscCall(PetscMalloc1(len, &rec.text));
      PetscCallMPI(MPI_Bcast(rec.text, (PetscMPIInt)len, MPI_CHAR, 0, cp->comm));
      PetscCall(DSCheckpointSetText(cp, rec.name, rec.text));
      PetscCall(PetscFree(rec.text));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSCheckpointLoad(DSCheckpoint cp, const char path[], Vec U)
{
  Vec            natural, zero;
  VecScatter     scatter;
  DM             dm;
  PetscInt       bs;
  PetscErrorCode ierr0 = PETSC_SUCCESS;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(cp->path, path, sizeof cp->path));
  if (!U) {
    if (cp->rank == 0) ierr0 = DSCheckpointReadRank0(cp, path, NULL, 0);
    PetscCall(DSCheckpointShare(cp, ierr0, "reading", path));
    PetscCall(DSCheckpointBroadcastRecords(cp));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(DSCheckpointGather(U, &natural, &zero, &scatter));
  PetscCall(VecGetDM(U, &dm));
  PetscCall(VecGetBlockSize(U, &bs));
  if (cp->rank == 0) ierr0 = DSCheckpointReadRank0(cp, path, zero, bs);
  ierr0 = DSCheckpointShare(cp, ierr0, "reading", path);
  if (!ierr0) {
    PetscCall(DSCheckpointBroadcastRecords(cp));
    PetscCall(VecScatterBegin(scatter, zero, natural, INSERT_VALUES, SCATTER_REVERSE));
    PetscCall(VecScatterEnd(scatter, zero, natural, INSERT_VALUES, SCATTER_REVERSE));
    PetscCall(DMDANaturalToGlobalBegin(dm, natural, INSERT_VALUES, U));
    PetscCall(DMDANaturalToGlobalEnd(dm, natural, INSERT_VALUES, U));
  }
  PetscCall(VecScatterDestroy(&scatter)); /* also after a failed read */
  PetscCall(VecDestroy(&zero));
  PetscCall(VecDestroy(&natural));
  PetscCall(ierr0);
  PetscFunctionReturn(PETSC_SUCCESS);
}
