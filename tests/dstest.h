/* Shared helpers of discsim's Check tests: a configurable one-species linear model
 * ("test_linear": zero/first-order uptake or a manufactured source) registered through the
 * public model interface, and mesh/problem construction from an options string. */
#ifndef DSTEST_H
#define DSTEST_H
#include <check.h>
#include "dsmesh.h"
#include "dsmodel.h"
#include "dsproblem.h"
#include "dssteady.h"

typedef struct {
  PetscReal D[DS_NUM_REGIONS]; /* mm^2/h */
  PetscReal Q;                 /* zero-order uptake, mM/h */
  PetscReal k;                 /* first-order uptake, 1/h */
  PetscReal C0;                /* Dirichlet value on every supply/bone face when exact == NULL, mM */
  PetscReal (*exact)(const PetscReal x[3]);
  PetscReal (*source)(const PetscReal x[3], DSRegion region);
  /* test_decay model: u decays (rate k, 1/h) into 'decayed'; u's boundary outflux goes to 'lost';
   * u is injectable (-injectionN_what u) */
} DSTestConfig;

extern DSTestConfig ds_test;

/* PETSc calls inside Check tests: a failure fails the test with PETSc's message. */
#define TestCall(call) \
  do { \
    PetscErrorCode ierr_ = (call); \
    ck_assert_msg(ierr_ == 0, "PETSc error %d in %s", (int)ierr_, #call); \
  } while (0)

PetscErrorCode DSTestRegisterModels(void);
/* a mesh of the given options, set up with one unknown per cell (Check-asserted) */
DSMesh         DSTestCreateMesh(const char options[]);
/* the error DSMeshSetFromOptions returns for these options (0: accepted), with 'handler' (NULL:
 * PetscReturnErrorHandler) catching the messages */
PetscErrorCode DSTestMeshOptionsError(const char options[], PetscErrorCode (*handler)(MPI_Comm, int, const char *, const char *, PetscErrorCode, PetscErrorType, const char *, void *));
PetscErrorCode DSTestSetOptions(const char options[]);
PetscErrorCode DSTestCreate(const char options[], DSMesh *mesh, DSModel *model, DSProblem *prob);
/* a model of the given options, as the program makes it (mesh and model options, then the
 * injection schedule); DSTestCreateModel also sets it up (Check-asserted) */
PetscErrorCode DSTestModelFromOptions(const char options[], DSModel *model);
DSModel        DSTestCreateModel(const char options[]);
/* Species by name (-1: none); a pool's species <what>_<suffix[j]>, j < n (Check-asserted to exist) */
PetscInt       DSTestSpecies(DSModel m, const char name[]);
void           DSTestPoolSpecies(DSModel m, const char what[], const char *const suffix[], PetscInt n, PetscInt sp[]);
/* uniform in [lo, hi) from rand_r; a random state of the model: each species in [0, 3) x its scale */
PetscReal      DSTestUniform(unsigned *seed, PetscReal lo, PetscReal hi);
void           DSTestRandomState(DSModel m, unsigned *seed, PetscScalar u[]);
/* |sum of the rates r[sp[j]], j < n| / sum of their magnitudes: 0 for transfers within a pool */
PetscReal      DSTestPoolImbalance(const PetscScalar r[], const PetscInt sp[], PetscInt n);
/* Bad-input tests: DSTestRecordError (a PETSc error handler) keeps the first, innermost message
 * of an error in DSTestErrorMessage; DSTestFailingModel sets a model up from options that must
 * fail and returns the error code (0: accepted). */
extern char    DSTestErrorMessage[2048];
PetscErrorCode DSTestRecordError(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx);
PetscErrorCode DSTestFailingModel(const char options[]);
/* the events of the schedule read by the last DSTestModelFromOptions */
void           DSTestGetEvents(PetscInt *n, const DSEvent **events);
PetscErrorCode DSTestDestroy(DSMesh *mesh, DSModel *model, DSProblem *prob);
PetscErrorCode DSTestError(DSProblem prob, Vec U, PetscReal (*exact)(const PetscReal[3]), PetscReal *l2, PetscReal *linf, PetscReal *h);
PetscReal      DSTestOrder(PetscReal e_coarse, PetscReal e_fine, PetscReal h_coarse, PetscReal h_fine);
int            DSTestRun(int argc, char **argv, Suite *suite);
/* runs the discsim program's driver (as `discsim`) in-process with these options; returns the CSV's last row */
PetscErrorCode DSTestRunProgram(const char options[], const char csv[], char header[], size_t hlen, char last[], size_t llen);
PetscReal      DSTestCSVValue(const char header[], const char row[], const char column[]);
#endif
