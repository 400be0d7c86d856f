/* The scenario file: found among the command-line arguments, checked as YAML (with line and
 * column on errors, and a bound on nesting), then loaded into the options database with the
 * command line inserted again on top, so that keys given there override the file's. */
#ifndef DSSCENARIO_H
#define DSSCENARIO_H
#include <petscsys.h>

#define DS_SCENARIO_MAX_DEPTH 8 /* nesting levels of mappings and lists; discsim's keys use 2 */

typedef struct {
  const char *path;       /* NULL: no scenario file */
  char        name[256];  /* the file's name without folder and .yaml: names the outputs */
  char        stray[256]; /* a second positional argument, refused after PETSc starts */
} DSScenario;

/* Before PetscInitialize: takes the scenario out of argv. The scenario is the first argument
 * that is not a key or a key's value, or any argument ending in .yaml or .yml. */
void           DSScenarioTake(int *argc, char **argv, DSScenario *sc);
/* After PetscInitialize: refuses stray arguments, checks and loads the file. */
PetscErrorCode DSScenarioLoad(const DSScenario *sc, int *argc, char ***argv);
/* Checks a YAML file: syntax (line and column of the first error) and nesting depth. */
PetscErrorCode DSScenarioCheckYAML(const char path[]);
#endif
