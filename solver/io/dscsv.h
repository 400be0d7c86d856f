/* DSCSV: a table of global quantities over time, one row per output time, written by rank 0:
 * a header "time_h,name [unit],..." ("name" alone for unit "1") and rows of %.17g numbers (round-
 * trip exact: the dose bookkeeping is checked to round-off from it). Flushed after every row. */
#ifndef DSCSV_H
#define DSCSV_H
#include <petscsys.h>

typedef struct _p_DSCSV *DSCSV;

/* Collective. The caller has checked that it may write 'path'. */
PetscErrorCode DSCSVCreate(MPI_Comm comm, const char path[], PetscInt ncols, const char *const names[], const char *const units[], DSCSV *csv);
PetscErrorCode DSCSVWriteRow(DSCSV csv, PetscReal time_h, const PetscReal values[]);
PetscErrorCode DSCSVDestroy(DSCSV *csv);
#endif
