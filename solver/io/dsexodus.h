/* DSExodus: results as an Exodus II file written with plain netCDF-C calls, for ParaView.
 *
 * Cells of the disc become QUAD4 elements (axisymmetric r-z plane; the 1D slab as a strip of
 * quads) or HEX8 elements (3D), one element block per region (NP, AF, CEP; empty regions are
 * left out). Element variables hold true cell data; global variables hold key figures. Rank 0
 * writes; the file is synced after every step so a killed run leaves a readable file. */
#ifndef DSEXODUS_H
#define DSEXODUS_H
#include "dsmesh.h"

typedef struct _p_DSExodus *DSExodus;

/* Collective. Writes the mesh. Refuses (error, nothing written) when 'path' exists and
 * overwrite is false. Variable names in the file are "<name>_<unit>" ("<name>" for unit "1"). */
PetscErrorCode DSExodusCreate(DSMesh mesh, const char path[], PetscBool overwrite, const char title[], PetscInt nfields, const char *const names[],
                              const char *const units[], PetscInt nglobals, const char *const gnames[], const char *const gunits[], DSExodus *ex);
/* The same; an axisymmetric mesh's r-z plane is written revolved about the axis into 'sectors'
 * sectors of HEX8 elements (x = r cos, y = r sin, z; those at the axis have two edges collapsed),
 * each holding its r-z cell's values, so that ParaView slices and iso-surfaces a solid disc.
 * sectors = 0, or another mesh type: as DSExodusCreate. */
PetscErrorCode DSExodusCreateRevolved(DSMesh mesh, const char path[], PetscBool overwrite, const char title[], PetscInt sectors, PetscInt nfields, const char *const names[],
                                      const char *const units[], PetscInt nglobals, const char *const gnames[], const char *const gunits[], DSExodus *ex);
/* Collective. Appends a time step (time in h). 'fields' is a global Vec of a DMDA with the
 * mesh's layout and nfields dof (see DSMeshGetDM/DMDACreateCompatibleDMDA). */
PetscErrorCode DSExodusWriteStep(DSExodus ex, PetscReal time_h, Vec fields, const PetscReal globals[]);
/* Collective, for a restart: opens the existing file 'path' written by the same run (the mesh and
 * the variables are checked) and continues after its first 'step' steps; later steps in the file
 * are overwritten. On error *ex is still set and must be destroyed. */
PetscErrorCode DSExodusReopen(DSMesh mesh, const char path[], PetscInt sectors, PetscInt step, PetscInt nfields, const char *const names[], const char *const units[], PetscInt nglobals, const char *const gnames[],
                              const char *const gunits[], DSExodus *ex);
/* The number of steps written (the next step's index). */
PetscErrorCode DSExodusGetNumSteps(DSExodus ex, PetscInt *nsteps);
PetscErrorCode DSExodusDestroy(DSExodus *ex);
#endif
