static const char help[] = "discsim: nutrient, oxygen and pH fields of the intervertebral disc.\n"
                           "Usage: discsim [SCENARIO.yaml] [-key value ...]; command-line keys override the scenario's.\n"
                           "Units: length mm, time h, concentrations mM, diffusivities m^2/s, cell densities cells/mm^3.\n"
                           "Errors print one line; -error_traceback adds PETSc's full trace.\n\n";

#include <unistd.h>
#include <petscsys.h>
#include "dsrun.h"

/* "discsim file.yaml -k v": the scenario is the first argument when it is not a key. It is
 * loaded after PETSc starts (so a bad file gets a clear error) and the command line is then
 * inserted again, so keys given on the command line (and in PETSC_OPTIONS) override the scenario's. */
static const char *DSTakeScenario(int *argc, char **argv, char name[], size_t len)
{
  const char *path;

  strncpy(name, "discsim", len);
  if (*argc < 2 || argv[1][0] == '-') return NULL;
  path           = argv[1];
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  strncpy(name, base, len - 1);
  name[len - 1] = 0;
  char *dot = strrchr(name, '.');
  if (dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"))) *dot = 0;
  for (int i = 1; i < *argc; i++) argv[i] = argv[i + 1];
  (*argc)--;
  return path;
}

static PetscErrorCode DSLoadScenario(const char *path, int *argc, char ***argv)
{
  FILE *f;

  PetscFunctionBeginUser;
  if (!path) PetscFunctionReturn(PETSC_SUCCESS);
  f = fopen(path, "r");
  PetscCheck(f, PETSC_COMM_WORLD, PETSC_ERR_FILE_OPEN, "cannot read the scenario file '%s'", path);
  fclose(f);
  PetscCall(PetscOptionsInsertFileYAML(PETSC_COMM_WORLD, NULL, path, PETSC_TRUE));
  PetscCall(PetscOptionsInsert(NULL, argc, argv, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static char      ds_first_error[4096];
static PetscBool ds_traceback;

/* Keeps the first (innermost) message: it names the key, the value and what is allowed. */
static PetscErrorCode DSErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL) (void)PetscSNPrintf(ds_first_error, sizeof ds_first_error, "%s", mess ? mess : "(no message)");
  if (ds_traceback) return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
  return n;
}

int main(int argc, char **argv)
{
  char           scenario[256];
  PetscErrorCode ierr;
  PetscMPIInt    rank, size;

  const char *path = DSTakeScenario(&argc, argv, scenario, sizeof scenario);
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-error_traceback", &ds_traceback, NULL));
  PetscCall(PetscPushErrorHandler(DSErrorHandler, NULL));
  ierr = DSLoadScenario(path, &argc, &argv);
  if (!ierr) ierr = DSRunFromOptions(PETSC_COMM_WORLD, scenario);
  if (ierr) {
    PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
    PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
    if (rank == 0 || size == 1) fprintf(stderr, "discsim: error: %s\n", ds_first_error);
    fflush(stderr);
    if (size > 1) {
      /* ranks may be stuck in a collective call: end them all. Rank 0 speaks for a collective error. */
      if (rank != 0) {
        sleep(2);
        fprintf(stderr, "discsim: error on rank %d: %s\n", rank, ds_first_error);
      }
      MPI_Abort(PETSC_COMM_WORLD, 1);
    }
    (void)PetscFinalize();
    return 1;
  }
  PetscCall(PetscFinalize());
  return 0;
}
