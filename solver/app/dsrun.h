/* DSRun: the discsim program as a library call: read the scenario from the options database,
 * refuse bad input before computing, integrate, write Exodus + CSV, print the summary. */
#ifndef DSRUN_H
#define DSRUN_H
#include <petscsys.h>

PetscErrorCode DSRunFromOptions(MPI_Comm comm, const char scenario_name[]);
PetscErrorCode DSCheckUnusedOptions(MPI_Comm comm);
#endif
