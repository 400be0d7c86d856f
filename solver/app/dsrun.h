/* DSRun: the discsim program as a library call: read the scenario from the options database,
 * refuse bad input before computing, integrate, write Exodus + CSV, print the summary. */
#ifndef DSRUN_H
#define DSRUN_H
#include <petscsys.h>

PetscErrorCode DSRunFromOptions(MPI_Comm comm, const char scenario_name[]);

/* Set-up kept from one run to the next of a study group: the mesh (with its DM) and, in Newton
 * mode, the steady solver (its matrix and pattern, Krylov and preconditioner objects, multigrid
 * hierarchy). Valid only while every run's options differ in model parameters and injections
 * alone, which the study checks; after a failed run, reset it. */
typedef struct _p_DSRunCache *DSRunCache;
PetscErrorCode DSRunCacheCreate(DSRunCache *cache);
PetscErrorCode DSRunCacheReset(DSRunCache cache);
PetscErrorCode DSRunCacheDestroy(DSRunCache *cache);
/* DSRunFromOptions with set-up taken from, or left in, the cache (NULL: none) */
PetscErrorCode DSRunFromOptionsCached(MPI_Comm comm, const char scenario_name[], DSRunCache cache);
/* Refuses every option no part of discsim (or PETSc's infrastructure) has read, except keys that
 * start with one of the NULL-terminated prefixes in 'later' (NULL: none): those are read later. */
PetscErrorCode DSCheckUnusedOptions(MPI_Comm comm, const char *const later[]);
#endif
