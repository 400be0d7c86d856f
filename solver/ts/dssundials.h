/* The one way discsim checks SUNDIALS return codes: DSCallSUNDIALS(cvode_mem, call) turns a
 * negative return into a PETSc error naming the call, file and line, the return code and the
 * message SUNDIALS reported through its error handler. */
#ifndef DSSUNDIALS_H
#define DSSUNDIALS_H
#include <petscsys.h>

PetscErrorCode DSSundialsCheck(int flag, const char *call, const char *file, int line);
void           DSSundialsErrorHandler(int code, const char *module, const char *function, char *msg, void *ctx);
const char    *DSSundialsLastMessage(void);

#define DSCallSUNDIALS(call) \
  do { \
    int ds_sun_flag_ = (call); \
    if (ds_sun_flag_ < 0) PetscCall(DSSundialsCheck(ds_sun_flag_, #call, __FILE__, __LINE__)); \
  } while (0)
#endif
