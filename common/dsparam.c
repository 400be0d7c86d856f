#include <petscviewer.h>
#include "dsparam.h"
#include "dsoptions.h"

const char *const DSDistributions[] = {"none", "uniform", "loguniform", "normal", "triangular", "DSDistribution", "DS_DIST_", NULL};

/* Standard normal quantile: Acklam's rational approximation (relative error 1.2e-9) refined by one
 * Halley step on erfc, which brings it to double precision. */
static PetscReal DSNormalQuantile(PetscReal u)
{
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
  double              q, r, x;
  if (u < 0.02425 || u > 1 - 0.02425) {
    q = sqrt(-2 * log(u < 0.5 ? u : 1 - u));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    if (u > 0.5) x = -x;
  } else {
    q = u - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  double e = 0.5 * erfc(-x / sqrt(2.0)) - u, g = e * sqrt(2 * PETSC_PI) * exp(x * x / 2);
  return (PetscReal)(x - g / (1 + x * g / 2));
}

PetscErrorCode DSPlausibleQuantile(const DSPlausible *pl, PetscReal u, PetscReal *x)
{
  PetscFunctionBeginUser;
  PetscCheck((u > 0 && u < 1) || (pl->dist != DS_DIST_NORMAL && u >= 0 && u <= 1), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "quantile %g is outside (0, 1)", (double)u);
  switch (pl->dist) {
  case DS_DIST_UNIFORM: *x = pl->a + u * (pl->b - pl->a); break;
  case DS_DIST_LOGUNIFORM: *x = PetscExpReal(PetscLogReal(pl->a) + u * (PetscLogReal(pl->b) - PetscLogReal(pl->a))); break;
  case DS_DIST_NORMAL: *x = pl->a + pl->b * DSNormalQuantile(u); break;
  case DS_DIST_TRIANGULAR: {
    PetscReal w = pl->b - pl->a, f = w > 0 ? (pl->mode - pl->a) / w : 0;
    *x = u < f ? pl->a + PetscSqrtReal(u * w * (pl->mode - pl->a)) : pl->b - PetscSqrtReal((1 - u) * w * (pl->b - pl->mode));
  } break;
  default: SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "no distribution to take a quantile of");
  }
  /* the end points exactly, whatever the rounding of the formulas */
  if (pl->dist != DS_DIST_NORMAL && u == 0) *x = pl->a;
  if (pl->dist != DS_DIST_NORMAL && u == 1) *x = pl->b;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSPlausibleCheck(const DSPlausible *pl, const char what[])
{
  PetscFunctionBeginUser;
  PetscCheck(pl->dist > DS_DIST_NONE && pl->dist <= DS_DIST_TRIANGULAR, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "%s: no distribution: allowed uniform, loguniform, normal or triangular", what);
  PetscCheck(!PetscIsInfOrNanReal(pl->a) && !PetscIsInfOrNanReal(pl->b), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "%s: the range must be finite numbers", what);
  if (pl->dist == DS_DIST_NORMAL) PetscCheck(pl->b > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%s: normal distribution with standard deviation %g: allowed > 0", what, (double)pl->b);
  else PetscCheck(pl->a < pl->b, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%s: range [%g, %g] is empty: the first value must be below the second", what, (double)pl->a, (double)pl->b);
  if (pl->dist == DS_DIST_LOGUNIFORM) PetscCheck(pl->a > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%s: loguniform range [%g, %g] must be above 0", what, (double)pl->a, (double)pl->b);
  if (pl->dist == DS_DIST_TRIANGULAR) PetscCheck(pl->mode >= pl->a && pl->mode <= pl->b, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%s: triangular mode %g lies outside its range [%g, %g]", what, (double)pl->mode, (double)pl->a, (double)pl->b);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSPlausibleFormat(const DSPlausible *pl, char out[], size_t len)
{
  PetscFunctionBeginUser;
  out[0] = 0;
  if (pl->dist == DS_DIST_NORMAL) PetscCall(PetscSNPrintf(out, len, "normal (mean %g, sd %g)", (double)pl->a, (double)pl->b));
  else if (pl->dist == DS_DIST_TRIANGULAR) PetscCall(PetscSNPrintf(out, len, "triangular [%g, %g], mode %g", (double)pl->a, (double)pl->b, (double)pl->mode));
  else if (pl->dist != DS_DIST_NONE) PetscCall(PetscSNPrintf(out, len, "%s [%g, %g]", DSDistributions[pl->dist], (double)pl->a, (double)pl->b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

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
    char     range[128], plaus[160] = "";
    PetscCall(DSPlausibleFormat(&p->plausible, range, sizeof range));
    if (range[0]) PetscCall(PetscSNPrintf(plaus, sizeof plaus, "; plausible %s", range));
    PetscCall(PetscSNPrintf(text, sizeof text, "%s [%s] range %s%g, %g]%s%s", p->help, p->unit, p->min_open ? "(" : "[", (double)p->min,
                            (double)p->max, p->illustrative ? " (illustrative)" : "", plaus));
    PetscCall(DSOptionsCheckReal(key, p->unit));
    PetscCall(PetscOptionsReal(key, text, NULL, p->value, &p->value, &p->set));
    PetscCall(DSParamCheckRange(p));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSParamsViewMarkdown(PetscViewer viewer, const char *title, PetscInt n, const DSParam params[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n### %s\n\n| key | unit | default | allowed | source | plausible range (source) | meaning |\n|---|---|---|---|---|---|---|\n", title));
  for (PetscInt i = 0; i < n; i++) {
    const DSParam *p = &params[i];
    char           range[128], plaus[512] = "";
    PetscCall(DSPlausibleFormat(&p->plausible, range, sizeof range));
    if (range[0]) PetscCall(PetscSNPrintf(plaus, sizeof plaus, "%s (%s%s)", range, p->plausible.source, p->plausible.illustrative ? "; *illustrative*" : ""));
    PetscCall(PetscViewerASCIIPrintf(viewer, "| `-%s` | %s | %g | %s%g, %g] | %s%s | %s | %s |\n", p->key, p->unit, (double)p->value, p->min_open ? "(" : "[",
                                     (double)p->min, (double)p->max, p->source, p->illustrative && !strstr(p->source, "illustrative") ? " *(illustrative)*" : "", plaus, p->help));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
