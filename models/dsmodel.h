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
#include "dsunits.h"

typedef struct _p_DSModel *DSModel;

typedef struct {
  const char *name;        /* used for output variables, e.g. "glucose" */
  const char *unit;        /* e.g. "mM" */
  const char *description;
  PetscReal   scale;       /* typical magnitude, in unit: sets the absolute tolerance */
  PetscBool   may_be_negative; /* species only: PETSC_FALSE (default) = the integrator keeps it >= 0 */
} DSFieldInfo;

typedef struct {
  DSRegion  region;
  PetscReal x[3]; /* mm */
  PetscReal t;    /* h */
} DSPoint;

typedef enum { DS_BC_NOFLUX = 0, DS_BC_DIRICHLET = 1 } DSBCType;

typedef enum {
  DS_FIGURE_AT_CENTRE      = 0, /* value at the centre of 'region' */
  DS_FIGURE_MINIMUM        = 1, /* minimum over the disc, with its location */
  DS_FIGURE_INTEGRAL       = 2, /* integral over 'region' (DS_REGION_OUTSIDE: the whole disc), unit x mm^3 */
  DS_FIGURE_MEAN           = 3, /* volume average over 'region' (DS_REGION_OUTSIDE: the whole disc) */
  DS_FIGURE_FRACTION_BELOW = 4, /* volume fraction of 'region' where the field < threshold, unit 1 */
  DS_FIGURE_FRACTION_ABOVE = 5  /* volume fraction of 'region' where the field > threshold, unit 1 */
} DSFigureKind;

/* A key figure the solver computes at every output time, writes as a global variable and prints. */
typedef struct {
  const char  *name; /* e.g. "pO2_NP_centre" */
  const char  *unit; /* of the figure (for an integral: the field's unit x mm^3, e.g. "cells") */
  PetscInt     field; /* species index, or nspecies + diagnostic index */
  DSFigureKind kind;
  DSRegion     region;
  PetscReal    threshold;      /* DS_FIGURE_FRACTION_BELOW, _ABOVE: in the field's unit */
  PetscInt     persistence_of; /* DS_FIGURE_INTEGRAL: >= 0 reports when the figure falls below fractions
                                  of the amount last injected into this species (events); -1: never */
} DSFigure;

/* What a model lets users inject: -injectionN_what NAME adds a dose (in the amount unit of
 * SPECIES, e.g. cells or particles) to that species. The schedule itself (times, repeats, doses,
 * where) is read by the program (solver/app/dsschedule.c) for every model alike. */
typedef struct {
  const char *name;         /* value of -injectionN_what, e.g. "bmsc" */
  const char *label;        /* in the run log, e.g. "BMSC cells" */
  const char *species;      /* field name of the species that receives the dose, e.g. "cells_BMSC" */
  const char *per_ug_key;   /* NULL, or the key of a parameter converting a dose in ug of protein
                               (-injectionN_dose_ug) into the species' amount unit */
} DSInjectable;

#define DS_MAX_SPECIES           32

/* What a needle injection does to the tissue it damages, for a model that declares it
 * (DSModelSetInjury, doc/biology.md §9.1). The solver applies it, knowing no biology: in the
 * damaged tissue (the needle track widened by 'margin', a volume fraction of each cell) it moves
 * the fraction 'kill_fraction' of each species in kill[] into 'killed_into' (an accumulator, so
 * that the totals stay exact), and adds 'pulse_per_damaged' (the pulse species' amount unit per
 * mm^3 of damaged tissue) there and 'pulse_per_injected' (per mm^3 injected) over the injected
 * sphere, as a dose. */
typedef struct {
  PetscInt  nkill, kill[DS_MAX_SPECIES]; /* species killed in damaged tissue (cell populations) */
  PetscInt  killed_into;     /* species receiving what is killed */
  PetscReal kill_fraction;   /* [0, 1] */
  PetscReal margin;          /* mm: width of the damage zone beyond the needle's outer surface */
  PetscInt  pulse;           /* species receiving the pulse, or -1 */
  PetscReal pulse_per_damaged, pulse_per_injected;
} DSInjury;

#define DS_MAX_DIAGNOSTICS       16
#define DS_MAX_FIGURES           128

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
/* the model's parameter rows (values in force, allowed and plausible ranges) */
PetscErrorCode DSModelGetParameters(DSModel model, PetscInt *n, const DSParam **rows);
PetscErrorCode DSModelGetFigures(DSModel model, PetscInt *n, const DSFigure **figures);
PetscErrorCode DSModelGetDiffusivity(DSModel model, DSRegion region, PetscReal D[]);
PetscErrorCode DSModelGetInjectables(DSModel model, PetscInt *n, const DSInjectable **injectables);
/* Tells the model which of its injectables the schedule uses (used[i] for injectable i), before
 * DSModelSetUp: a model may carry species only for what is injected. */
PetscErrorCode DSModelSelectInjectables(DSModel model, const PetscBool used[]);
/* Whether an injection injures the tissue (DSInjury): call before DSModelSelectInjectables and
 * DSModelSetUp (a model may carry species for it); an error for a model that declares no injury. */
PetscErrorCode DSModelSetInjury(DSModel model, PetscBool active);
/* After DSModelSetUp: the injury effect, or NULL when it is not active */
PetscErrorCode DSModelGetInjury(DSModel model, const DSInjury **injury);
/* species index of a field name, or -1 */
PetscErrorCode DSModelGetSpeciesIndex(DSModel model, const char name[], PetscInt *species);
/* value in force of a parameter, by key without the '-' (an error if the model has no such key) */
PetscErrorCode DSModelGetParameter(DSModel model, const char key[], PetscReal *value);
PetscErrorCode DSModelGetAmountUnit(DSModel model, PetscInt species, PetscBool per_area, PetscBool rate, char out[], size_t len);
PetscErrorCode DSModelGetBoundarySink(DSModel model, PetscInt species, PetscInt *sink);
/* 1 where d r_row / d u_col may be nonzero (row-major); NULL means a full block */
PetscErrorCode DSModelGetJacobianFill(DSModel model, const PetscInt **fill);

PetscErrorCode DSModelReaction(DSModel model, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[]);
PetscErrorCode DSModelBoundary(DSModel model, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[]);
PetscErrorCode DSModelInitial(DSModel model, const DSPoint *pt, PetscScalar u[]);
PetscErrorCode DSModelDiagnostics(DSModel model, const DSPoint *pt, const PetscScalar u[], PetscScalar d[]);
PetscErrorCode DSModelCheckJacobian(DSModel model, const DSPoint *pt, const PetscScalar u[], PetscReal *relerr);
#endif
