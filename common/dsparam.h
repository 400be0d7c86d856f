/* One input parameter: its key, unit, default, allowed range and source.
 * Every scalar input of discsim (mesh geometry, model constants, solver settings) is declared
 * through this table so that -help, range checks and doc/parameters.md come from one place. */
#ifndef DSPARAM_H
#define DSPARAM_H
#include <petscviewer.h>

/* How a parameter varies over the discs a study should cover (its plausible range), separate from
 * the range the program accepts. DS_DIST_NONE: no documented range, the parameter is not uncertain. */
typedef enum { DS_DIST_NONE = 0, DS_DIST_UNIFORM, DS_DIST_LOGUNIFORM, DS_DIST_NORMAL, DS_DIST_TRIANGULAR } DSDistribution;
extern const char *const DSDistributions[]; /* "none", "uniform", "loguniform", "normal", "triangular" */

typedef struct {
  DSDistribution dist;
  PetscReal      a, b;         /* uniform, loguniform, triangular: [a, b]; normal: mean a, standard deviation b */
  PetscReal      mode;         /* triangular only: the most likely value, a <= mode <= b */
  const char    *source;       /* where the range comes from (short citation, expanded in doc/parameters.md) */
  PetscBool      illustrative; /* the range is a choice, not a measured spread */
} DSPlausible;

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
  DSPlausible plausible;    /* plausible range with its distribution; dist = DS_DIST_NONE: none documented */
} DSParam;

PetscErrorCode DSParamsSetFromOptions(PetscOptionItems *PetscOptionsObject, PetscInt n, DSParam params[]);
PetscErrorCode DSParamCheckRange(const DSParam *p);
/* The value at quantile u in (0, 1) of a distribution (inverse CDF); in the parameter's unit. */
PetscErrorCode DSPlausibleQuantile(const DSPlausible *pl, PetscReal u, PetscReal *x);
/* Refuses a distribution that is not one (a >= b, a <= 0 for loguniform, mode outside [a, b], sd <= 0),
 * naming 'what' (e.g. the key) in the message. */
PetscErrorCode DSPlausibleCheck(const DSPlausible *pl, const char what[]);
/* "loguniform [7.7e-10, 3e-09]", "normal (mean 1, sd 0.1)", "" for none */
PetscErrorCode DSPlausibleFormat(const DSPlausible *pl, char out[], size_t len);
PetscErrorCode DSParamsViewMarkdown(PetscViewer viewer, const char *title, PetscInt n, const DSParam params[]);
#endif
