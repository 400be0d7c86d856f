/* DSRun: the discsim program as a library call: read the scenario from the options database,
 * refuse bad input before computing, integrate, write Exodus + CSV, print the summary. */
#ifndef DSRUN_H
#define DSRUN_H
#include <petscsys.h>

PetscErrorCode DSRunFromOptions(MPI_Comm comm, const char scenario_name[]);
/* Refuses every option no part of discsim (or PETSc's infrastructure) has read, except keys that
 * start with one of the NULL-terminated prefixes in 'later' (NULL: none): those are read later. */
PetscErrorCode DSCheckUnusedOptions(MPI_Comm comm, const char *const later[]);
#endif
