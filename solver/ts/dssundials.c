#include "dssundials.h"
#include <cvode/cvode.h>

static char ds_sundials_message[1024] = "(no message)";

/* Errors are kept for the message of the PETSc error that follows; warnings (code > 0, e.g. a
 * step so small that t + h = t) reach the user at once, from rank 0. */
void DSSundialsErrorHandler(int code, const char *module, const char *function, char *msg, void *ctx)
{
  PetscMPIInt rank = 0;

  (void)PetscSNPrintf(ds_sundials_message, sizeof ds_sundials_message, "%s %s: %s", module, function, msg);
  if (code <= 0) return;
  (void)MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (!rank) fprintf(stderr, "discsim: warning: SUNDIALS %s\n", ds_sundials_message);
}

const char *DSSundialsLastMessage(void) { return ds_sundials_message; }

PetscErrorCode DSSundialsCheck(int flag, const char *call, const char *file, int line)
{
  char *name = CVodeGetReturnFlagName(flag);
  char  text[256];

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(text, name ? name : "?", sizeof text));
  free(name);
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "SUNDIALS call %s failed at %s:%d, return code %d (as a CVODE code: %s): %s", call, file, line, flag, text, ds_sundials_message);
}
