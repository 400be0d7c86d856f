#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <petscsys.h>
#include "dshelp.h"
#include "dsmodel.h"

/* PETSc prints every option it reads, in blocks ("Title:" then "  -key <now V : formerly D>: help
 * (man page)"), through the function pointer PetscHelpPrintf. Under -help discsim captures that
 * text, marks which model printed a "Kinetics model" block, and prints its own keys grouped. */
static char  *ds_help_text;
static PetscErrorCode (*ds_vfprintf)(FILE *, const char[], va_list); /* PETSc's own */
static size_t ds_help_len, ds_help_cap;

static void DSHelpAppend(const char *s, size_t n)
{
  if (ds_help_len + n + 1 > ds_help_cap) {
    size_t cap = 2 * (ds_help_cap + n + 1024);
    char  *p   = realloc(ds_help_text, cap);
    if (!p) return;
    ds_help_text = p, ds_help_cap = cap;
  }
  memcpy(ds_help_text + ds_help_len, s, n);
  ds_help_len += n;
  ds_help_text[ds_help_len] = 0;
}

/* Everything PETSc prints to stdout (option blocks, type lists, its own banner) is captured;
 * errors (stderr) pass through. discsim's grouped help is written with fprintf on rank 0. */
static PetscErrorCode DSHelpCapture(FILE *fd, const char format[], va_list ap)
{
  char line[8192];
  int  n;

  if (fd != stdout) return ds_vfprintf(fd, format, ap);
  n = vsnprintf(line, sizeof line, format, ap);
  if (n > 0) DSHelpAppend(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  return PETSC_SUCCESS;
}

DSHelpMode DSHelpTake(int argc, char **argv)
{
  DSHelpMode mode = DS_HELP_NONE;

  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-help_petsc")) {
      static char petsc_help[] = "-help";
      argv[i] = petsc_help, mode = DS_HELP_PETSC; /* PETSc's own -help: every option of every object */
      return mode;
    }
    if (!strcmp(argv[i], "-help") || !strcmp(argv[i], "-h")) mode = DS_HELP_OWN;
  }
  if (mode == DS_HELP_OWN) ds_vfprintf = PetscVFPrintf, PetscVFPrintf = DSHelpCapture; /* until the end: PetscFinalize's help too */
  return mode;
}

/* The keys of the models not chosen: each prints its block again (PETSc prints a block title
 * once, so its record of printed blocks is reset), marked with the model's name. */
static PetscErrorCode DSHelpOtherModels(MPI_Comm comm, const char chosen[])
{
  PetscInt     n;
  const char **names;
  char         mark[80];

  PetscFunctionBeginUser;
  PetscCall(DSModelGetRegisteredNames(&n, &names));
  for (PetscInt i = 0; i < n; i++) {
    DSModel m;
    if (!strcmp(names[i], chosen)) continue;
    PetscCall(PetscOptionsHelpPrintedDestroy(&PetscOptionsHelpPrintedSingleton));
    PetscCall(PetscOptionsHelpPrintedCreate(&PetscOptionsHelpPrintedSingleton));
    PetscCall(PetscSNPrintf(mark, sizeof mark, "\n@model %s\n", names[i]));
    DSHelpAppend(mark, strlen(mark));
    PetscCall(DSModelCreate(comm, &m));
    PetscCall(DSModelSetType(m, names[i]));
    PetscCall(DSModelSetFromOptions(m));
    PetscCall(DSModelDestroy(&m));
  }
  PetscCall(PetscFree(names)); /* the list DSModelGetRegisteredNames made */
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  const char *title;
  const char *prefixes[8]; /* a key belongs to the first group with a matching prefix ("=" exact) */
} DSHelpGroup;

static const DSHelpGroup ds_groups[] = {
  {"Mesh: geometry, resolution, endplate exchange (patches N = 1..8, each key as -endplate_patchN_...), degeneration grade", {"mesh_", "endplate_", "=disc_grade"}},
  {"Model: the kinetics", {"=model", "@"}},
  {"Injections: N = 1..8, each key as -injectionN_...; what may be injected depends on the model", {"injection"}},
  {"Time", {"time_", "=output_times", "=output_interval"}},
  {"Output", {"output_", "=quiet", "=parameters_markdown", "=steady_sensitivity"}},
  {"Checkpoints and restart: continue a killed or failed run", {"checkpoint_", "=restart"}},
  {"Solver: time integration (CVODE), its linear solver (-newton_), steady solves (-steady_)",
   {"cvode_", "=newton_pc_type", "=newton_ksp_type", "=newton_ksp_rtol", "=steady_snes_type", "=steady_snes_rtol", "=steady_snes_max_it", "=steady_ksp_type"}},
};

#define DS_HELP_MODEL_GROUP 1

static PetscErrorCode DSHelpPrintf(MPI_Comm comm, const char format[], ...)
{
  PetscMPIInt rank;
  va_list     ap;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    va_start(ap, format);
    vfprintf(stdout, format, ap);
    va_end(ap);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* group of a key ("model" keys also by the model block they were printed in: '@' + model) */
static int DSHelpGroupOf(const char *key, const char *model)
{
  for (size_t g = 0; g < sizeof ds_groups / sizeof ds_groups[0]; g++)
    for (int p = 0; p < 8 && ds_groups[g].prefixes[p]; p++) {
      const char *pre = ds_groups[g].prefixes[p];
      if (pre[0] == '=' ? !strcmp(key, pre + 1) : pre[0] == '@' ? model != NULL : !strncmp(key, pre, strlen(pre))) return (int)g;
    }
  return -1;
}

/* "  -key <now V : formerly D>: help (Man)" -> key, value, default, help */
static void DSHelpParse(char *line, char **key, char **value, char **def, char **help)
{
  char *s = line, *lt, *gt, *sep, *man;

  while (*s == ' ') s++;
  *key = s + 1, *value = *def = (char *)"", *help = (char *)"";
  s += strcspn(s, " :<");
  lt = strchr(s, '<'), gt = lt ? strchr(lt, '>') : NULL;
  *s = 0;
  if (!lt || !gt) {
    *help = s + 1;
    return;
  }
  *gt = 0, *value = lt + 1;
  if (!strncmp(*value, "now ", 4)) *value += 4;
  if ((sep = strstr(*value, " : "))) {
    *sep = 0, *def = sep + 3;
    if (!strncmp(*def, "formerly ", 9)) *def += 9;
  }
  *help = gt + 1;
  while (**help == ':' || **help == ' ') (*help)++;
  man = strrchr(*help, '(');
  if (man && man > *help && !strchr(man, ' ') && man[strlen(man) - 1] == ')') man[-1] = 0; /* PETSc's man page */
}

/* One group: every captured key line of it, once, as "-key value  help (default D)"; the keys of
 * one model's block only when only_model is given */
static PetscErrorCode DSHelpViewGroup(MPI_Comm comm, int g, char *text, const char *only_model)
{
  char        seen[16384] = " ";
  const char *model = NULL, *pending = NULL;

  PetscFunctionBeginUser;
  for (char *line = text, *next; line && *line; line = next) {
    char *key, *value, *def, *help, tag[80];
    next = strchr(line, '\n');
    if (next) *next++ = 0;
    if (!strncmp(line, "@model ", 7)) pending = line + 7;
    else if (line[0] && line[0] != ' ' && line[0] != '-') model = !strcmp(line, "Kinetics model (models/):") ? pending : NULL;
    if (strncmp(line, "  -", 3) || line[3] == '-') continue;
    DSHelpParse(line, &key, &value, &def, &help);
    if (!strcmp(key, "model") ? only_model != NULL : !only_model != !model || (only_model && strcmp(model, only_model))) continue;
    if (DSHelpGroupOf(key, model) != g) continue;
    PetscCall(PetscSNPrintf(tag, sizeof tag, " %s ", key));
    if (strstr(seen, tag) || strlen(seen) + strlen(tag) >= sizeof seen) continue;
    PetscCall(PetscStrlcat(seen, tag + 1, sizeof seen));
    PetscCall(DSHelpPrintf(comm, "  -%-34s %-12s  %s", key, value, help));
    if (def[0] && strcmp(def, value)) PetscCall(DSHelpPrintf(comm, " (default %s)", def));
    PetscCall(DSHelpPrintf(comm, "\n"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSHelpViewAll(MPI_Comm comm)
{
  PetscInt     n;
  const char **names;

  PetscFunctionBeginUser;
  PetscCall(DSModelGetRegisteredNames(&n, &names));
  for (int g = 0; g < (int)(sizeof ds_groups / sizeof ds_groups[0]); g++) {
    char *copy = strdup(ds_help_text ? ds_help_text : "");
    PetscCall(DSHelpPrintf(comm, "\n%s\n", ds_groups[g].title));
    PetscCall(DSHelpViewGroup(comm, g, copy, NULL));
    for (PetscInt i = 0; g == DS_HELP_MODEL_GROUP && i < n; i++) {
      PetscCall(DSHelpPrintf(comm, " keys of -model %s (used only with it):\n", names[i]));
      free(copy), copy = strdup(ds_help_text);
      PetscCall(DSHelpViewGroup(comm, g, copy, names[i]));
    }
    free(copy);
  }
  PetscCall(PetscFree(names));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSHelpView(MPI_Comm comm, const char usage[])
{
  char   chosen[64] = "nutrient", mark[80];
  char  *first;
  size_t off, n;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-model", chosen, sizeof chosen, NULL));
  /* the run's own model block came first: mark it with the chosen model */
  PetscCall(PetscSNPrintf(mark, sizeof mark, "\n@model %s\n", chosen));
  first = ds_help_text ? strstr(ds_help_text, "Kinetics model (models/):") : NULL;
  if (first) {
    off = (size_t)(first - ds_help_text), n = strlen(mark);
    DSHelpAppend(mark, n); /* room at the end (may move the text), then shift the tail */
    memmove(ds_help_text + off + n, ds_help_text + off, ds_help_len - n - off);
    memcpy(ds_help_text + off, mark, n);
  }
  PetscCall(DSHelpOtherModels(comm, chosen));
  PetscCall(DSHelpPrintf(comm, "%s", usage));
  PetscCall(DSHelpPrintf(comm, "Every key of discsim, as: -key  value in force  help [unit] (default, when the scenario or the command line changed it)\n"));
  PetscCall(DSHelpViewAll(comm));
  PetscCall(DSHelpPrintf(comm, "\nPETSc's own options (every solver, preconditioner, viewer and debugging key): discsim -help_petsc\n"));
  PetscCall(DSHelpPrintf(comm, "(-help: nothing was computed)\n"));
  fflush(stdout);
  ds_help_len = 0; /* what PETSc prints from now on (PetscFinalize) is dropped */
  PetscFunctionReturn(PETSC_SUCCESS);
}
