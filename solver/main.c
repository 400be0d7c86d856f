static const char help[] = "discsim: nutrient, oxygen and pH fields of the intervertebral disc.\n"
                           "Usage: discsim [SCENARIO.yaml] [-key value ...]; command-line keys override the scenario's.\n"
                           "Units: length mm, time h, concentrations mM, diffusivities m^2/s, cell densities cells/mm^3.\n\n";

#include <petscsys.h>
#include "dsrun.h"

/* "discsim file.yaml -k v" becomes "discsim -options_file_yaml file.yaml -k v": PETSc inserts
 * options in argument order, so keys given after the scenario override it. */
static char **DSArgsWithScenario(int *argc, char **argv, char name[], size_t len)
{
  static char  flag[] = "-options_file_yaml";
  static char *args[1024];
  int          n      = 0;

  strncpy(name, "discsim", len);
  if (*argc < 2 || argv[1][0] == '-' || *argc > 1020) return argv;
  const char *base = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
  strncpy(name, base, len - 1);
  name[len - 1] = 0;
  char *dot = strrchr(name, '.');
  if (dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"))) *dot = 0;
  args[n++] = argv[0];
  args[n++] = flag;
  for (int i = 1; i < *argc; i++) args[n++] = argv[i];
  args[n] = NULL;
  *argc   = n;
  return args;
}

int main(int argc, char **argv)
{
  char scenario[256];

  argv = DSArgsWithScenario(&argc, argv, scenario, sizeof scenario);
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(DSRunFromOptions(PETSC_COMM_WORLD, scenario));
  PetscCall(PetscFinalize());
  return 0;
}
