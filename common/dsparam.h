/* One input parameter: its key, unit, default, allowed range and source.
 * Every scalar input of discsim (mesh geometry, model constants, solver settings) is declared
 * through this table so that -help, range checks and doc/parameters.md come from one place. */
#ifndef DSPARAM_H
#define DSPARAM_H
#include <petscviewer.h>

typedef struct {
  const char *key;          /* options-database key without the leading '-' */
  const char *unit;         /* unit of the value the user types, e.g. "mm", "m^2/s", "1" */
  const char *help;         /* one line: what it is */
  PetscReal   value;        /* default on input, the value in force after DSParamsSetFromOptions */
  PetscReal   min, max;     /* allowed closed range, in the user unit */
  PetscBool   min_open;     /* PETSC_TRUE: value must be > min (strictly) */
  const char *source;       /* short citation, expanded in doc/parameters.md */
  PetscBool   illustrative; /* no measurement behind the default */
  PetscBool   set;          /* output: given by the user */
} DSParam;

PetscErrorCode DSParamsSetFromOptions(PetscOptionItems *PetscOptionsObject, PetscInt n, DSParam params[]);
PetscErrorCode DSParamCheckRange(const DSParam *p);
PetscErrorCode DSParamsViewMarkdown(PetscViewer viewer, const char *title, PetscInt n, const DSParam params[]);
#endif
