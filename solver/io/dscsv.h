/* DSCSV: a table of global quantities over time, one row per output time, written by rank 0:
 * a header "time_h,name [unit],..." ("name" alone for unit "1") and rows of %.17g numbers (round-
 * trip exact: the dose bookkeeping is checked to round-off from it). Flushed after every row,
 * every write checked (a full disk is an error, not a cut row). */
#ifndef DSCSV_H
#define DSCSV_H
#include <petscsys.h>

typedef struct _p_DSCSV *DSCSV;

/* Collective. Creates 'path'; without overwrite an existing file is refused, atomically (two runs
 * cannot both create it). */
PetscErrorCode DSCSVCreate(MPI_Comm comm, const char path[], PetscBool overwrite, PetscInt ncols, const char *const names[], const char *const units[], DSCSV *csv);
/* Collective, for a restart: cuts an existing table back to its first 'bytes' bytes (the length
 * it had at a checkpoint, see DSCSVGetLength) and appends from there. */
PetscErrorCode DSCSVReopen(MPI_Comm comm, const char path[], long long bytes, PetscInt ncols, DSCSV *csv);
/* The length of the table written so far, in bytes (on rank 0; 0 elsewhere). */
PetscErrorCode DSCSVGetLength(DSCSV csv, long long *bytes);
PetscErrorCode DSCSVWriteRow(DSCSV csv, PetscReal time_h, const PetscReal values[]);
PetscErrorCode DSCSVDestroy(DSCSV *csv);
#endif
