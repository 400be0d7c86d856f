/* The run context shared by solver/app/dsrun.c (set-up, execution) and dsrunrestart.c
 * (checkpoints, restart, the results' file names). Private to solver/app. */
#ifndef DSRUNIMPL_H
#define DSRUNIMPL_H
#include "dsrun.h"
#include "dsintegrator.h"
#include "dsexodus.h"
#include "dscsv.h"
#include "dssteady.h"
#include "dsschedule.h"
#include "dspersistence.h"

#define DS_MAX_GLOBALS 2048
#define DS_MAX_PERSIST 256 /* dose trackers: per tracked figure the last dose and, with repeated doses, each one */

typedef struct {
  char           exo[PETSC_MAX_PATH_LEN], csv[PETSC_MAX_PATH_LEN];          /* the results' final names */
  char           exo_part[PETSC_MAX_PATH_LEN], csv_part[PETSC_MAX_PATH_LEN]; /* their names while written */
  char           checkpoint[PETSC_MAX_PATH_LEN], restart[PETSC_MAX_PATH_LEN];
  char           sensitivity[PETSC_MAX_PATH_LEN]; /* the sensitivity table (-steady_sensitivity) */
  PetscReal      checkpoint_every, checkpoint_wall; /* h of simulated time, s of wall time; 0: never */
  PetscBool      overwrite, quiet, csv_set, markdown, help, restart_set, sensitivity_set;
  PetscInt       coarse_grids; /* -steady_coarse_grids */
  PetscInt       method; /* DSSteadyMethod */
  PetscInt       revolve; /* sectors of the revolved axisymmetric output; 0: the r-z plane */
  PetscReal      persistence_fraction;
} DSRunOptions;

/* Everything one run owns: made by DSRunSetUp, freed by DSRunDestroy on every path. */
typedef struct {
  MPI_Comm      comm;
  const char   *scenario;
  DSRunOptions  o;
  DSMesh        mesh;
  DSModel       model;
  DSSchedule    schedule;
  DSProblem     prob;
  DSIntegrator  integ;
  DSSteady      steady;
  DSRunCache    cache;                        /* NULL, or where mesh and steady solver are kept */
  PetscBool     mesh_borrowed, steady_borrowed; /* owned by the cache: not destroyed by the run */
  Vec           U, out;
  DSExodus      exo;
  DSCSV         csv;
  DSPersistence persist[DS_MAX_PERSIST];
  PetscInt      npersist, nfig, nsp, nglobals, nsteps;
  PetscReal     glob[DS_MAX_GLOBALS], fig[DS_MAX_FIGURES], where[DS_MAX_FIGURES][3], t_last;
  DSBalance     balance[DS_MAX_SPECIES];
  const char   *gname[DS_MAX_GLOBALS], *gunit[DS_MAX_GLOBALS];
  char          ustore[DS_MAX_SPECIES][2][64], figunit[DS_MAX_FIGURES][64];
  PetscBool     has_injections[DS_MAX_SPECIES];
  char          gstore[DS_MAX_GLOBALS][64];
} DSRunContext;


struct _p_DSRunCache {
  DSMesh   mesh;   /* set up for nsp species */
  PetscInt nsp;
  DSSteady steady; /* NULL until a Newton run made one */
};

/* dsrunrestart.c */
PetscErrorCode DSRunReadCheckpointOptions(DSRunContext *ctx);
PetscErrorCode DSRunCreateOutputs(DSRunContext *ctx, PetscInt nfields, const char *const names[], const char *const units[]);
PetscErrorCode DSRunCommitOutputs(DSRunContext *ctx);
PetscErrorCode DSRunMonitor(void *vctx, PetscReal t, Vec U);
#endif
