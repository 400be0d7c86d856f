/* DSFiles: how a run's result files come into being without ever losing a result.
 *
 * A result is written under a "partial" name (healthy.exo -> healthy.partial.exo) and renamed to
 * its final name only when the run has finished: a killed or failed run never leaves a file
 * that looks complete, and -output_overwrite replaces an old result only once the new one is
 * whole. Rank 0 touches the file system; every function here is collective. */
#ifndef DSFILES_H
#define DSFILES_H
#include <petscsys.h>

/* "dir/name.ext" -> "dir/name.<tag>.ext" ("dir/name" -> "dir/name.<tag>") */
PetscErrorCode DSFilesTaggedName(const char path[], const char tag[], char out[], size_t len);
/* Whether two paths name the same file (the same directory, however written, and name). */
PetscBool DSFilesSame(const char a[], const char b[]);
/* Whether the file exists (rank 0 looks, every rank learns). */
PetscErrorCode DSFilesExists(MPI_Comm comm, const char path[], PetscBool *exists);
/* Rename 'from' to 'to'. Without overwrite an existing 'to' is never replaced (even one that
 * appeared while the run went on): that is an error naming both files. */
PetscErrorCode DSFilesCommit(MPI_Comm comm, const char from[], const char to[], PetscBool overwrite);
/* Remove the file if it exists. */
PetscErrorCode DSFilesRemove(MPI_Comm comm, const char path[]);
#endif
