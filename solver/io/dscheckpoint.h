/* DSCheckpoint: the full state of a run at one time, in a netCDF file, to continue it later.
 *
 * Holds the state Vec (a DMDA vector, stored in the DMDA's natural ordering so that a run may
 * continue on another number of ranks) and named arrays of numbers and texts that the parts of
 * the run add (time, event position, dose bookkeeping, output positions, ...). Written to a
 * temporary name, synced to disk and renamed: a checkpoint file is complete or absent. */
#ifndef DSCHECKPOINT_H
#define DSCHECKPOINT_H
#include <petscdmda.h>

typedef struct _p_DSCheckpoint *DSCheckpoint;

PetscErrorCode DSCheckpointCreate(MPI_Comm comm, DSCheckpoint *cp);
PetscErrorCode DSCheckpointDestroy(DSCheckpoint *cp);
/* Records (names: letters, digits and '_'); setting a name again replaces its values. */
PetscErrorCode DSCheckpointSetValues(DSCheckpoint cp, const char name[], PetscInt n, const PetscReal v[]);
PetscErrorCode DSCheckpointSetText(DSCheckpoint cp, const char name[], const char text[]);
/* Collective after DSCheckpointLoad: the record must exist with exactly n values (an error
 * naming the file and the record otherwise). */
PetscErrorCode DSCheckpointGetValues(DSCheckpoint cp, const char name[], PetscInt n, PetscReal v[]);
/* The text (empty if absent), on every rank. */
PetscErrorCode DSCheckpointGetText(DSCheckpoint cp, const char name[], char text[], size_t len);
/* Collective: writes the records and U atomically to 'path'. */
PetscErrorCode DSCheckpointWrite(DSCheckpoint cp, const char path[], Vec U);
/* Collective: reads 'path' into the records and U (same global size and block size); U NULL:
 * the records only (to check that the checkpoint belongs to this run before reading the state). */
PetscErrorCode DSCheckpointLoad(DSCheckpoint cp, const char path[], Vec U);
#endif
