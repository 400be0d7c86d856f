/* DSModel: reaction kinetics behind one interface.
 *
 * A model declares its species (name, unit), derived diagnostic fields, its parameters (name,
 * unit, default, source, allowed range), per-region diffusivities, a per-cell rate function with
 * its analytic Jacobian block, boundary values per boundary kind, and the key figures a user
 * reads off. It knows nothing about the mesh: a cell is described to it by a DSPoint.
 *
 * Units inside discsim: length mm, time h, concentration mM (= nmol/mm^3), cells/mm^3. */
#ifndef DSMODEL_H
#define DSMODEL_H
#include <petscviewer.h>
#include "dsregion.h"
#include "dsparam.h"

typedef struct _p_DSModel *DSModel;

typedef struct {
  const char *name;        /* used for output variables, e.g. "glucose" */
  const char *unit;        /* e.g. "mM" */
  const char *description;
  PetscReal   scale;       /* typical magnitude, in unit: sets the absolute tolerance */
} DSFieldInfo;

typedef struct {
  DSRegion  region;
  PetscReal x[3]; /* mm */
  PetscReal t;    /* h */
} DSPoint;

typedef enum { DS_BC_NOFLUX = 0, DS_BC_DIRICHLET = 1 } DSBCType;

typedef enum { DS_FIGURE_AT_CENTRE = 0, DS_FIGURE_MINIMUM = 1 } DSFigureKind;

/* A key figure: a field's value at the centre of a region, or its disc-wide minimum. */
typedef struct {
  const char  *name; /* e.g. "pO2_NP_centre" */
  const char  *unit;
  PetscInt     field; /* species index, or nspecies + diagnostic index */
  DSFigureKind kind;
  DSRegion     region; /* for DS_FIGURE_AT_CENTRE */
} DSFigure;

/* Conversion of user units to discsim's internal ones. */
#define DS_M2_PER_S_TO_MM2_PER_H 3.6e9
#define DS_HOURS_PER_DAY         24.0

PetscErrorCode DSModelRegister(const char name[], PetscErrorCode (*create)(DSModel));
PetscErrorCode DSModelRegisterAll(void);
PetscErrorCode DSModelGetRegisteredNames(PetscInt *n, const char ***names);
PetscErrorCode DSModelCreate(MPI_Comm comm, DSModel *model);
PetscErrorCode DSModelSetType(DSModel model, const char type[]);
PetscErrorCode DSModelSetFromOptions(DSModel model);
PetscErrorCode DSModelSetUp(DSModel model);
PetscErrorCode DSModelDestroy(DSModel *model);
PetscErrorCode DSModelView(DSModel model, PetscViewer viewer);
PetscErrorCode DSModelViewParametersMarkdown(DSModel model, PetscViewer viewer);

PetscErrorCode DSModelGetName(DSModel model, const char **name);
PetscErrorCode DSModelGetNumSpecies(DSModel model, PetscInt *n);
PetscErrorCode DSModelGetNumDiagnostics(DSModel model, PetscInt *n);
PetscErrorCode DSModelGetField(DSModel model, PetscInt field, const DSFieldInfo **info);
PetscErrorCode DSModelGetFigures(DSModel model, PetscInt *n, const DSFigure **figures);
PetscErrorCode DSModelGetDiffusivity(DSModel model, DSRegion region, PetscReal D[]);

PetscErrorCode DSModelReaction(DSModel model, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[]);
PetscErrorCode DSModelBoundary(DSModel model, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[]);
PetscErrorCode DSModelInitial(DSModel model, const DSPoint *pt, PetscScalar u[]);
PetscErrorCode DSModelDiagnostics(DSModel model, const DSPoint *pt, const PetscScalar u[], PetscScalar d[]);
PetscErrorCode DSModelCheckJacobian(DSModel model, const DSPoint *pt, const PetscScalar u[], PetscReal *relerr);
#endif
