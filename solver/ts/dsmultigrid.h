/* DSMultigrid: geometric multigrid (PETSc PCMG) on the structured DMDA grid of a DSProblem.
 * Levels halve the grid in every direction (an odd count leaves its last coarse cell with one
 * fine cell), interpolation is piecewise constant per species (cell aggregation), coarse
 * operators are Galerkin (P^T A P) of the assembled matrix, summed aggregate by aggregate by
 * DSMultigridUpdate. Any grid size, any rank count. */
#ifndef DSMULTIGRID_H
#define DSMULTIGRID_H
#include <petscksp.h>

/* Turns pc into PCMG with this hierarchy; levels until the coarsest grid has at most
 * max_coarse_cells cells (it is then solved directly). direct: the coarse operators come from
 * DSMultigridUpdate; otherwise PCMG forms them with PETSc's MatPtAP. */
PetscErrorCode DSMultigridSetUp(PC pc, DM dm, PetscInt max_coarse_cells, PetscBool direct, PetscInt *nlevels);

/* The coarse operators P^T A P from the fine operator A; call it whenever A has changed and the
 * PC is about to be set up again (a no-op for a PC that DSMultigridSetUp did not make). */
PetscErrorCode DSMultigridUpdate(PC pc, Mat A);

/* If ksp's PC is MG and -<prefix>pc_mg_levels is not given: DSMultigridSetUp with at most 2000
 * coarse cells, direct coarse operators on several ranks, and one SOR sweep per level as the
 * smoother (options given by the user win). */
PetscErrorCode DSMultigridSetUpFromOptions(KSP ksp, DM dm, const char prefix[]);

#endif
