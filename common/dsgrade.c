/* Degeneration grade presets (dsgrade.h). */
#include <string.h>
#include "dsgrade.h"
#include "dsoptions.h"

PetscErrorCode DSGradeGet(PetscInt *grade)
{
  PetscBool set;

  PetscFunctionBeginUser;
  *grade = 0;
  PetscCall(DSOptionsCheckInt(DS_GRADE_KEY, 1, DS_GRADE_N));
  PetscCall(PetscOptionsGetInt(NULL, NULL, DS_GRADE_KEY, grade, &set));
  if (!set) *grade = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSGradeApply(PetscInt g, const char prefix[], PetscInt nrows, const DSGradeRow rows[], PetscInt n, DSParam params[], char note[], size_t len)
{
  PetscFunctionBeginUser;
  PetscCheck(g >= 1 && g <= DS_GRADE_N, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "grade %" PetscInt_FMT " outside [1, %d]", g, DS_GRADE_N);
  for (PetscInt r = 0; r < nrows; r++) {
    char     key[128], item[192];
    PetscInt j;
    PetscCall(PetscSNPrintf(key, sizeof key, "%s%s", prefix, rows[r].key));
    for (j = 0; j < n; j++)
      if (!strcmp(params[j].key, key)) break;
    PetscCheck(j < n, PETSC_COMM_SELF, PETSC_ERR_PLIB, "grade table names -%s, which is not a parameter of its owner", key);
    if (params[j].set) PetscCall(PetscSNPrintf(item, sizeof item, "%s-%s kept (given)", r ? ", " : "", key));
    else {
      params[j].value = rows[r].value[g - 1];
      PetscCall(DSParamCheckRange(&params[j]));
      PetscCall(PetscSNPrintf(item, sizeof item, "%s-%s %g%s%s", r ? ", " : "", key, (double)params[j].value, strcmp(params[j].unit, "1") ? " " : "", strcmp(params[j].unit, "1") ? params[j].unit : ""));
    }
    PetscCall(PetscStrlcat(note, item, len));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSGradeViewMarkdown(PetscViewer viewer, const char title[], const char prefix[], PetscInt nrows, const DSGradeRow rows[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n### %s\n\n| key | unit | grade 1 | grade 2 | grade 3 | grade 4 | grade 5 | source |\n|---|---|---|---|---|---|---|---|\n", title));
  for (PetscInt r = 0; r < nrows; r++) {
    PetscCall(PetscViewerASCIIPrintf(viewer, "| `-%s%s` | %s |", prefix, rows[r].key, rows[r].unit));
    for (PetscInt g = 0; g < DS_GRADE_N; g++) PetscCall(PetscViewerASCIIPrintf(viewer, " %g |", (double)rows[r].value[g]));
    PetscCall(PetscViewerASCIIPrintf(viewer, " %s%s |\n", rows[r].source, rows[r].illustrative ? " *(illustrative)*" : ""));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
