#ifndef DSMODELIMPL_H
#define DSMODELIMPL_H
#include "dsmodel.h"
#include "dsgrade.h"

typedef struct {
  PetscErrorCode (*setfromoptions)(DSModel, PetscOptionItems *);
  PetscErrorCode (*setup)(DSModel);
  /* r = rate of change of each species in the cell (unit/h); J (row-major nspecies^2, may be NULL) = dr/du */
  PetscErrorCode (*reaction)(DSModel, const DSPoint *, const PetscScalar[], PetscScalar[], PetscScalar[]);
  PetscErrorCode (*boundary)(DSModel, DSFaceKind, const DSPoint *, DSBCType[], PetscScalar[]);
  PetscErrorCode (*initial)(DSModel, const DSPoint *, PetscScalar[]);
  PetscErrorCode (*diagnostics)(DSModel, const DSPoint *, const PetscScalar[], PetscScalar[]);
  PetscErrorCode (*destroy)(DSModel);
  /* told which injectables the schedule uses (may change the species layout) */
  PetscErrorCode (*selectinjectables)(DSModel, const PetscBool used[]);
  /* told whether injections injure the tissue (may change the species layout); set-up then
   * points 'injury' at the effect */
  PetscErrorCode (*setinjury)(DSModel, PetscBool active);
} DSModelOps;
/* Required: setup, reaction, boundary, initial, and diagnostics when ndiag > 0; nspecies in
 * [1, DS_MAX_SPECIES], ndiag <= DS_MAX_DIAGNOSTICS, nfigures <= DS_MAX_FIGURES, fields for all
 * of them and figures that refer to existing fields. DSModelSetType and DSModelSetUp check it and
 * name what is missing.
 * Optional parts of a model (set in the create or setup function; zero/NULL = absent):
 *  - injectables, ninjectables: what -injectionN_what may name (DSInjectable);
 *  - boundary_sink[s]: species that receives species s's outflux through Dirichlet boundary
 *    faces (in the boundary cell), or -1: exact bookkeeping of what leaves the disc;
 *  - injury: the effect of a needle injection on the tissue (DSInjury), with ops.setinjury;
 *  - jacobian_fill[row * nspecies + col]: 1 where d r_row / d u_col can be nonzero (NULL: a
 *    full block). Matrices then store only these entries; DSModelCheckJacobian (and so the
 *    test suite) fails when a nonzero derivative lies outside the pattern. */

struct _p_DSModel {
  MPI_Comm           comm;
  char              *type;
  PetscInt           nspecies, ndiag, nfigures, nparams;
  const DSFieldInfo *fields;     /* nspecies species followed by ndiag diagnostics */
  const DSFigure    *figures;
  DSParam           *params;     /* owned copy; the implementation reads values from here */
  PetscReal         *D;          /* DS_NUM_REGIONS x nspecies, mm^2/h, filled by setup; 0: does not diffuse */
  PetscInt           ninjectables;
  const DSInjectable *injectables;
  const PetscInt    *boundary_sink;
  const PetscInt    *jacobian_fill;
  const DSInjury    *injury;     /* set by set-up when injury is active (optional) */
  PetscBool          setup;
  /* optional: the model's values per degeneration grade (-disc_grade; keys grade_prefix + row key),
   * shown by -parameters_markdown; view_note: a line for the run header (what a preset set) */
  const DSGradeRow  *grade_rows;
  PetscInt           ngrade_rows;
  const char        *grade_prefix, *view_note;
  DSModelOps         ops;
  void              *data;
};

/* Convenience for implementations: copy a parameter table into the model. */
PetscErrorCode DSModelSetParameters(DSModel model, PetscInt n, const DSParam params[]);
/* The value in force of parameter i of the model's table (implementations index by their enum). */
static inline PetscReal DSModelParam(DSModel model, PetscInt i) { return model->params[i].value; }
/* Checks the required operations and limits above; the message names the model and what is wrong. */
PetscErrorCode DSModelCheckInterface(DSModel model);

/* The model types shipped with discsim (registered by DSModelRegisterAll) */
PetscErrorCode DSModelCreate_Nutrient(DSModel);
PetscErrorCode DSModelCreate_Biology(DSModel);
#endif
