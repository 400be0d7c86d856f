#include <petscviewer.h>
#include "dsparam.h"
#include "dsoptions.h"

PetscErrorCode DSParamCheckRange(const DSParam *p)
{
  PetscFunctionBeginUser;
  PetscBool below = p->min_open ? (PetscBool)(p->value <= p->min) : (PetscBool)(p->value < p->min);
  PetscCheck(!PetscIsInfOrNanReal(p->value) && !below && p->value <= p->max, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "input -%s = %g %s is out of range: allowed %s%g, %g] %s (%s)", p->key, (double)p->value, p->unit,
             p->min_open ? "(" : "[", (double)p->min, (double)p->max, p->unit, p->help);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSParamsSetFromOptions(PetscOptionItems *PetscOptionsObject, PetscInt n, DSParam params[])
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) {
    DSParam *p = &params[i];
    char     key[256], text[512];
    PetscCall(PetscSNPrintf(key, sizeof key, "-%s", p->key));
    PetscCall(PetscSNPrintf(text, sizeof text, "%s [%s] range %s%g, %g]%s", p->help, p->unit, p->min_open ? "(" : "[", (double)p->min,
                            (double)p->max, p->illustrative ? " (illustrative)" : ""));
    PetscCall(DSOptionsCheckReal(key, p->unit));
    PetscCall(PetscOptionsReal(key, text, NULL, p->value, &p->value, &p->set));
    PetscCall(DSParamCheckRange(p));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSParamsViewMarkdown(PetscViewer viewer, const char *title, PetscInt n, const DSParam params[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n### %s\n\n| key | unit | default | allowed | source | meaning |\n|---|---|---|---|---|---|\n", title));
  for (PetscInt i = 0; i < n; i++) {
    const DSParam *p = &params[i];
    PetscCall(PetscViewerASCIIPrintf(viewer, "| `-%s` | %s | %g | %s%g, %g] | %s%s | %s |\n", p->key, p->unit, (double)p->value, p->min_open ? "(" : "[",
                                     (double)p->min, (double)p->max, p->source, p->illustrative && !strstr(p->source, "illustrative") ? " *(illustrative)*" : "", p->help));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
