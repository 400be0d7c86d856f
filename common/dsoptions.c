#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include "dsoptions.h"

/* hours per unit of a time suffix, or 0 when the suffix is not one */
static PetscReal DSTimeUnit(const char *s)
{
  const struct {
    const char *suffix;
    PetscReal   hours;
  } units[] = {{"h", 1}, {"d", DS_HOURS_PER_DAY}, {"w", DS_HOURS_PER_WEEK}, {"y", DS_HOURS_PER_YEAR}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (!strcmp(s, units[i].suffix)) return units[i].hours;
  return 0;
}

/* One number, finite, nothing after it but a time unit when times are allowed. */
static PetscBool DSParseReal(const char *text, PetscBool time_units, PetscReal *value)
{
  char  *end;
  double v;

  while (isspace((unsigned char)*text)) text++;
  errno = 0;
  v     = strtod(text, &end);
  if (end == text || errno == ERANGE) return PETSC_FALSE;
  while (isspace((unsigned char)*end)) end++;
  if (*end) {
    char      suffix[8];
    size_t    n = strcspn(end, " \t");
    PetscReal f;
    if (!time_units || n >= sizeof suffix) return PETSC_FALSE;
    memcpy(suffix, end, n), suffix[n] = 0;
    for (end += n; isspace((unsigned char)*end); end++) {}
    if (*end || !(f = DSTimeUnit(suffix))) return PETSC_FALSE;
    v *= f;
  }
  if (!isfinite(v)) return PETSC_FALSE;
  *value = v;
  return PETSC_TRUE;
}

/* The raw text of a given key; *given is false when the key is absent. An empty value is refused. */
static PetscErrorCode DSOptionsRaw(const char key[], const char what[], char text[], size_t len, PetscBool *given)
{
  PetscBool has;

  PetscFunctionBeginUser;
  text[0] = 0;
  PetscCall(PetscOptionsHasName(NULL, NULL, key, &has));
  *given = has;
  if (!has) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscOptionsGetString(NULL, NULL, key, text, len, NULL));
  PetscCheck(text[0], PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input %s is given without a value: give %s", key, what);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void DSRealAllowed(const char unit[], char what[], size_t len)
{
  if (!strcmp(unit, "h")) (void)PetscSNPrintf(what, len, "a time in h, or with a unit: h, d, w or y (e.g. 37d)");
  else if (!strcmp(unit, "1")) (void)PetscSNPrintf(what, len, "a number (dimensionless)");
  else (void)PetscSNPrintf(what, len, "a number in %s", unit);
}

PetscErrorCode DSOptionsCheckReal(const char key[], const char unit[])
{
  char      text[256], what[96];
  PetscBool given, is_time = (PetscBool)!strcmp(unit, "h");
  PetscReal v;

  PetscFunctionBeginUser;
  DSRealAllowed(unit, what, sizeof what);
  PetscCall(DSOptionsRaw(key, what, text, sizeof text, &given));
  if (!given) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(DSParseReal(text, is_time, &v), PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input %s = %s is not a number: allowed %s", key, text, what);
  { /* written back in canonical form (hours for times; exact: %.17g round-trips), so that PETSc
     * never parses what it would refuse without the key, e.g. spaces around the number */
    char canonical[64];
    PetscCall(PetscSNPrintf(canonical, sizeof canonical, "%.17g", (double)v));
    PetscCall(PetscOptionsSetValue(NULL, key, canonical));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSOptionsCheckInt(const char key[], PetscInt min, PetscInt max)
{
  char      text[256], what[96], *end;
  PetscBool given;
  long long v;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(what, sizeof what, "a whole number in [%" PetscInt_FMT ", %" PetscInt_FMT "]", min, max));
  PetscCall(DSOptionsRaw(key, what, text, sizeof text, &given));
  if (!given) PetscFunctionReturn(PETSC_SUCCESS);
  errno = 0;
  v     = strtoll(text, &end, 10);
  while (isspace((unsigned char)*end)) end++;
  PetscCheck(end != text && !*end && errno != ERANGE, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input %s = %s is not a whole number: allowed %s", key, text, what);
  PetscCheck(v >= min && v <= max, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "input %s = %s is out of range: allowed [%" PetscInt_FMT ", %" PetscInt_FMT "]", key, text, min, max);
  PetscCall(PetscSNPrintf(text, sizeof text, "%lld", v)); /* canonical, as for reals */
  PetscCall(PetscOptionsSetValue(NULL, key, text));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSOptionsCheckRealArray(const char key[], const char unit[], PetscInt maxn, PetscBool exact)
{
  char      text[16384], what[160], out[16384] = "", *save = NULL;
  PetscBool given, is_time = (PetscBool)!strcmp(unit, "h");
  PetscInt  n = 0;

  PetscFunctionBeginUser;
  DSRealAllowed(unit, what, sizeof what);
  PetscCall(DSOptionsRaw(key, what, text, sizeof text, &given));
  if (!given) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(strlen(text) < sizeof text - 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "input %s is longer than %zu characters", key, sizeof text - 2);
  for (const char *p = text; *p; p++) /* an empty entry ("1,,3" or a trailing comma) */
    PetscCheck(!(*p == ',' && (p == text || p[1] == ',' || p[1] == 0)), PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input %s = %s has an empty entry: give comma-separated values, each %s", key, text, what);
  for (char *item = strtok_r(text, ",", &save); item; item = strtok_r(NULL, ",", &save), n++) {
    PetscReal v;
    char      num[64];
    PetscCheck(DSParseReal(item, is_time, &v), PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input %s: entry %" PetscInt_FMT " = %s is not a number: allowed %s", key, n + 1, item, what);
    PetscCall(PetscSNPrintf(num, sizeof num, "%s%.17g", n ? "," : "", (double)v));
    PetscCall(PetscStrlcat(out, num, sizeof out));
  }
  PetscCheck(n <= maxn && (!exact || n == maxn), PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "input %s has %" PetscInt_FMT " values: allowed %s%" PetscInt_FMT, key, n, exact ? "exactly " : "at most ", maxn);
  PetscCall(PetscOptionsSetValue(NULL, key, out)); /* canonical: "40,0,9" for "40, 0 , 9" */
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSOptionsCheckString(const char key[])
{
  char      text[256];
  PetscBool given;

  PetscFunctionBeginUser;
  PetscCall(DSOptionsRaw(key, "a name", text, sizeof text, &given));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSChoicesAllowed(PetscInt n, const char *const choices[], char allowed[], size_t len)
{
  PetscFunctionBeginUser;
  allowed[0] = 0;
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(PetscStrlcat(allowed, i ? ", " : "", len));
    PetscCall(PetscStrlcat(allowed, choices[i], len));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSOptionsCheckChoice(const char key[], PetscInt n, const char *const choices[])
{
  char      text[256], allowed[512];
  PetscBool given, found = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(DSChoicesAllowed(n, choices, allowed, sizeof allowed));
  PetscCall(DSOptionsRaw(key, allowed, text, sizeof text, &given));
  if (!given) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt i = 0; i < n && !found; i++) PetscCall(PetscStrcasecmp(text, choices[i], &found));
  PetscCheck(found, PETSC_COMM_WORLD, PETSC_ERR_ARG_UNKNOWN_TYPE, "input %s = %s is not known: allowed %s", key, text, allowed);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The index of a name among the choices (case-insensitive, surrounding spaces ignored), or -1. */
static PetscInt DSChoiceIndex(char *item, PetscInt n, const char *const choices[])
{
  while (isspace((unsigned char)*item)) item++;
  for (size_t l = strlen(item); l > 0 && isspace((unsigned char)item[l - 1]); l--) item[l - 1] = 0;
  for (PetscInt i = 0; i < n; i++) {
    PetscBool eq = PETSC_FALSE;
    if (PetscStrcasecmp(item, choices[i], &eq) == PETSC_SUCCESS && eq) return i;
  }
  return -1;
}

PetscErrorCode DSOptionsCheckChoiceList(const char key[], PetscInt n, const char *const choices[])
{
  char      text[256], allowed[512], what[560], out[512] = "", *save = NULL;
  PetscBool given, used[64] = {PETSC_FALSE};
  PetscInt  count = 0;

  PetscFunctionBeginUser;
  PetscCheck(n <= 64, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "at most 64 choices");
  PetscCall(DSChoicesAllowed(n, choices, allowed, sizeof allowed));
  PetscCall(PetscSNPrintf(what, sizeof what, "a comma-separated list of %s", allowed));
  PetscCall(DSOptionsRaw(key, what, text, sizeof text, &given));
  if (!given) PetscFunctionReturn(PETSC_SUCCESS);
  for (const char *p = text; *p; p++)
    PetscCheck(!(*p == ',' && (p == text || p[1] == ',' || p[1] == 0)), PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input %s = %s has an empty entry: allowed %s", key, text, what);
  PetscCall(PetscStrncpy(out, text, sizeof out)); /* for the messages: strtok_r cuts text */
  for (char *item = strtok_r(text, ",", &save); item; item = strtok_r(NULL, ",", &save), count++) {
    PetscInt i = DSChoiceIndex(item, n, choices);
    PetscCheck(i >= 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_UNKNOWN_TYPE, "input %s = %s: entry '%s' is not known: allowed %s", key, out, item, what);
    PetscCheck(!used[i], PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input %s = %s names '%s' twice: give each at most once", key, out, choices[i]);
    used[i] = PETSC_TRUE;
  }
  out[0] = 0; /* canonical: the choices' own spelling, no spaces */
  for (PetscInt i = 0, k = 0; i < n; i++) {
    if (!used[i]) continue;
    PetscCall(PetscStrlcat(out, k++ ? "," : "", sizeof out));
    PetscCall(PetscStrlcat(out, choices[i], sizeof out));
  }
  PetscCall(PetscOptionsSetValue(NULL, key, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
