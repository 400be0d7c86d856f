#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include "dsfiles.h"

PetscErrorCode DSFilesTaggedName(const char path[], const char tag[], char out[], size_t len)
{
  const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path, *dot = strrchr(base, '.');

  PetscFunctionBeginUser;
  if (!dot || dot == base) dot = base + strlen(base); /* no extension (or a hidden file's leading dot) */
  PetscCheck((size_t)snprintf(out, len, "%.*s.%s%s", (int)(dot - path), path, tag, dot) < len, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "file name '%s' is too long to add '.%s' to it", path, tag);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSFilesExists(MPI_Comm comm, const char path[], PetscBool *exists)
{
  struct stat st;
  PetscMPIInt rank;
  int         there = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) there = stat(path, &st) == 0;
  PetscCallMPI(MPI_Bcast(&there, 1, MPI_INT, 0, comm));
  *exists = there ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: without overwrite, link() refuses an existing target atomically; the file systems that
 * have no hard links fall back to a check and rename(). Returns an errno value (0: done). */
static int DSFilesRenameRank0(const char from[], const char to[], PetscBool overwrite)
{
  struct stat st;

  if (overwrite) return rename(from, to) ? errno : 0;
  if (!link(from, to)) return unlink(from) ? errno : 0;
  if (errno != EPERM && errno != ENOTSUP && errno != EXDEV) return errno;
  if (stat(to, &st) == 0) return EEXIST;
  return rename(from, to) ? errno : 0;
}

PetscErrorCode DSFilesCommit(MPI_Comm comm, const char from[], const char to[], PetscBool overwrite)
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) err = DSFilesRenameRank0(from, to, overwrite);
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(err != EEXIST, comm, PETSC_ERR_FILE_OPEN, "'%s' appeared while this run was going (another run?): the result stays in '%s'. Rename it yourself, or run with -output_overwrite", to, from);
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "cannot rename the finished result '%s' to '%s': %s. The result stays in '%s'", from, to, strerror(err), from);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSFilesRemove(MPI_Comm comm, const char path[])
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0 && remove(path) && errno != ENOENT) err = errno;
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCheck(!err, comm, PETSC_ERR_FILE_WRITE, "cannot remove '%s': %s", path, strerror(err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether two paths name the same file: the same directory (however written) and name. */
PetscBool DSFilesSame(const char a[], const char b[])
{
  char ca[PATH_MAX], cb[PATH_MAX], na[PATH_MAX], nb[PATH_MAX], ra[PATH_MAX], rb[PATH_MAX];

  if (!strcmp(a, b)) return PETSC_TRUE;
  snprintf(ca, sizeof ca, "%s", a), snprintf(cb, sizeof cb, "%s", b);
  snprintf(na, sizeof na, "%s", basename(ca)), snprintf(nb, sizeof nb, "%s", basename(cb));
  snprintf(ca, sizeof ca, "%s", a), snprintf(cb, sizeof cb, "%s", b);
  if (strcmp(na, nb) || !realpath(dirname(ca), ra) || !realpath(dirname(cb), rb)) return PETSC_FALSE;
  return (PetscBool)!strcmp(ra, rb);
}

