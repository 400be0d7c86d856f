/* DSSchedule: the injection schedule, read from -injectionN_* (N = 1..DS_MAX_INJECTIONS) for any
 * model that declares injectables (DSInjectable, models/dsmodel.h): what (an injectable's name),
 * time, dose (or dose_ug), volume or radius of the injected sphere, centre (default: the NP centre
 * of the mesh), region (only cells of NP, AF or CEP), repeats. It tells the model what is
 * injected (DSModelSelectInjectables) and turns the schedule into sorted DSEvents. */
#ifndef DSSCHEDULE_H
#define DSSCHEDULE_H
#include "dsmesh.h"
#include "dsmodel.h"
#include "dsproblem.h"

#define DS_MAX_INJECTIONS 8

typedef struct _p_DSSchedule *DSSchedule;

PetscErrorCode DSScheduleCreate(MPI_Comm comm, DSSchedule *schedule);
/* Call after DSMeshSetFromOptions and DSModelSetFromOptions, before DSModelSetUp/DSMeshSetUp. */
PetscErrorCode DSScheduleSetFromOptions(DSSchedule schedule, DSMesh mesh, DSModel model);
PetscErrorCode DSScheduleGetEvents(DSSchedule schedule, PetscInt *n, const DSEvent **events);
PetscErrorCode DSScheduleDestroy(DSSchedule *schedule);
#endif
