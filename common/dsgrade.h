/* The degeneration grade of a disc: -disc_grade N on the Pfirrmann et al. (2001) MRI scale, 1
 * (homogeneous, bright, normal height) to 5 (black, collapsed). A grade is a preset: it fills the
 * keys the user did not set with the values of its column. No layer owns all of them, so each
 * layer that has grade-dependent values keeps its own table of DSGradeRow (mesh/: the height;
 * models/nutrient/: water content and viable cell density) and reads the grade with DSGradeGet.
 * Sources of every value: doc/biology.md ("Degeneration grades"). */
#ifndef DSGRADE_H
#define DSGRADE_H
#include "dsparam.h"

#define DS_GRADE_N 5
#define DS_GRADE_KEY "-disc_grade"

/* One key's value per grade (grade 1 = the default of the key's row) */
typedef struct {
  const char *key;               /* without '-' and without the owner's prefix, e.g. "water_NP" */
  const char *unit;
  PetscReal   value[DS_GRADE_N]; /* grades 1..5 */
  const char *source;            /* short citation, expanded in doc/ */
  PetscBool   illustrative;      /* the mapping of values to grades is a choice */
} DSGradeRow;

/* The grade given with -disc_grade (0: none); refuses a value outside [1, 5] naming the key. */
PetscErrorCode DSGradeGet(PetscInt *grade);
/* Sets, for grade g in [1, 5], each row's key (prefix + key) in params[] to its value unless the
 * user set that key; appends "-key value unit, ..." (or "-key kept (given)") to note. */
PetscErrorCode DSGradeApply(PetscInt g, const char prefix[], PetscInt nrows, const DSGradeRow rows[], PetscInt n, DSParam params[], char note[], size_t len);
/* A markdown table: one row per key, one column per grade, then the source */
PetscErrorCode DSGradeViewMarkdown(PetscViewer viewer, const char title[], const char prefix[], PetscInt nrows, const DSGradeRow rows[]);
#endif
