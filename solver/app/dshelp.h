#ifndef DSHELP_H
#define DSHELP_H
#include <petscsys.h>

/* -help: discsim's own keys, grouped (mesh, model, biology, injections, time, output, solver),
 * with their values in force, defaults and units; the keys of every model whatever -model is
 * chosen. PETSc's own help (every option of every object) is behind -help_petsc.
 *
 * DSHelpTake(argc, argv) runs before PetscInitialize: it returns the mode and, for -help,
 * captures PETSc's help printing (PetscHelpPrintf) so that it can be regrouped; -help_petsc is
 * turned into PETSc's -help. After the run has read every option (and computed nothing),
 * DSHelpView prints the groups on rank 0. */
typedef enum { DS_HELP_NONE, DS_HELP_OWN, DS_HELP_PETSC } DSHelpMode;

DSHelpMode     DSHelpTake(int argc, char **argv);
PetscErrorCode DSHelpView(MPI_Comm comm, const char usage[]);
#endif
