static const char help[] = "discsim: nutrient, oxygen and pH fields of the intervertebral disc.\n"
                           "Usage: discsim [SCENARIO.yaml] [-key value ...]; the scenario may stand anywhere; command-line keys override its keys.\n"
                           "Units: length mm, time h, concentrations mM, diffusivities m^2/s, cell densities cells/mm^3.\n"
                           "Errors print one line; -error_traceback adds PETSc's full trace.\n\n";

#include <unistd.h>
#include <petscsys.h>
#include "dsrun.h"
#include "dsscenario.h"
#include "dshelp.h"
#include "dsmpistart.h"

static char      ds_first_error[4096];
static PetscBool ds_traceback;

/* Keeps the first (innermost) message: it names the key, the value and what is allowed. */
static PetscErrorCode DSErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL) (void)PetscSNPrintf(ds_first_error, sizeof ds_first_error, "%s", mess ? mess : "(no message)");
  if (ds_traceback) return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
  return n;
}

/* PETSc reads -options_file during PetscInitialize and answers a missing file with its own
 * 20-line error block: refuse it first, in one line. */
static int DSCheckOptionsFiles(int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-options_file") && strcmp(argv[i], "-options_file_yaml")) continue;
    FILE *f = i + 1 < argc ? fopen(argv[i + 1], "r") : NULL;
    if (!f) {
      fprintf(stderr, "discsim: error: cannot read %s '%s'\n", argv[i], i + 1 < argc ? argv[i + 1] : "(no file given)");
      return 1;
    }
    fclose(f);
  }
  return 0;
}

int main(int argc, char **argv)
{
  DSScenario     scenario;
  PetscErrorCode ierr;
  PetscMPIInt    rank, size;
  DSHelpMode     helpmode;

  /* the scenario is taken out of the arguments before PETSc sees them; it is loaded after PETSc
   * starts (so that a bad file gets a clear error) and the command line is inserted again, so
   * keys given there (and in PETSC_OPTIONS) override the scenario's */
  DSScenarioTake(&argc, argv, &scenario);
  if (DSCheckOptionsFiles(argc, argv)) return 1;
  helpmode = DSHelpTake(argc, argv); /* -help: discsim's keys grouped; -help_petsc: PETSc's own help */
  DSMPIPrepareSingleton();
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-error_traceback", &ds_traceback, NULL));
  PetscCall(PetscPushErrorHandler(DSErrorHandler, NULL));
  ierr = DSScenarioLoad(&scenario, &argc, &argv);
  if (!ierr) ierr = DSRunFromOptions(PETSC_COMM_WORLD, scenario.name);
  if (!ierr && helpmode == DS_HELP_OWN) ierr = DSHelpView(PETSC_COMM_WORLD, help);
  if (!ierr && helpmode == DS_HELP_PETSC) ierr = PetscPrintf(PETSC_COMM_WORLD, "\n(-help_petsc: PETSc's help for every object this run uses; nothing computed. discsim's keys, grouped: -help)\n");
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
