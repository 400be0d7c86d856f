/* libFuzzer harness of discsim's input path: each input is a scenario file. PETSc starts once;
 * per input the options database is cleared, the file is checked and inserted as the program
 * does (solver/app/dsscenario.c), and the mesh, model and injection schedule read and validate
 * their options, up to where computing starts; then everything is freed. A crash, a sanitizer
 * report or a leak is a finding; an error return is the expected answer to bad input.
 * Build and run: bash bench/fuzz.sh SECONDS (a build with clang, -Dfuzz=true). */
#include <stdio.h>
#include <unistd.h>
#include "dsmesh.h"
#include "dsmodel.h"
#include "dsschedule.h"
#include "dsscenario.h"
#include "dsrun.h"

static char ds_fuzz_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  static char *args[] = {"fuzz_scenario", NULL};
  static int   nargs  = 1;
  char       **pargs  = args;

  (void)argc, (void)argv; /* libFuzzer's own flags are not PETSc's */
  if (PetscInitialize(&nargs, &pargs, NULL, NULL)) return 1;
  if (PetscPushErrorHandler(PetscIgnoreErrorHandler, NULL)) return 1;
  snprintf(ds_fuzz_path, sizeof ds_fuzz_path, "/tmp/discsim-fuzz-%d.yaml", (int)getpid());
  return 0;
}

/* The program's input path, each object freed on every path. */
static PetscErrorCode DSFuzzOne(const char path[])
{
  static const char *const late[] = {"time_", "cvode_", "output_", "newton_", "steady_", "quiet", "parameters_markdown", NULL};
  DSMesh         mesh     = NULL;
  DSModel        model    = NULL;
  DSSchedule     schedule = NULL;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(DSScenarioCheckYAML(path));
  PetscCall(PetscOptionsInsertFileYAML(PETSC_COMM_WORLD, NULL, path, PETSC_TRUE));
  ierr = DSMeshCreate(PETSC_COMM_WORLD, &mesh);
  if (!ierr) ierr = DSMeshSetFromOptions(mesh);
  if (!ierr) ierr = DSModelCreate(PETSC_COMM_WORLD, &model);
  if (!ierr) ierr = DSModelSetFromOptions(model);
  if (!ierr) ierr = DSScheduleCreate(PETSC_COMM_WORLD, &schedule);
  if (!ierr) ierr = DSScheduleSetFromOptions(schedule, mesh, model);
  if (!ierr) ierr = DSCheckUnusedOptions(PETSC_COMM_WORLD, late);
  PetscCall(DSScheduleDestroy(&schedule));
  PetscCall(DSModelDestroy(&model));
  PetscCall(DSMeshDestroy(&mesh));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
  FILE *f = fopen(ds_fuzz_path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  (void)DSFuzzOne(ds_fuzz_path); /* an error is the expected answer to most inputs */
  return 0;
}
