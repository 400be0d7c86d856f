/* Strict checks of raw option values, before PETSc parses them. PETSc 3.18 refuses a value that is
 * not a number without naming the key, wraps integers to 32 bits (2^32 + 3 cells runs as 3),
 * truncates lists and takes an empty value for the default; these checks refuse all of that with
 * the key, the value and what is allowed. Times (unit "h") also accept a unit suffix h, d, w
 * or y (365.25 d). Each checked value is written back in canonical form (times in hours), so
 * that the PETSc call that follows reads a clean number (PETSc 3.18 refuses "40, 0 , 9" without
 * naming the key, and leaks). Each returns at once when the key is not given. */
#ifndef DSOPTIONS_H
#define DSOPTIONS_H
#include <petscsys.h>
#include "dsunits.h"

/* key with its leading '-'; unit as shown to the user ("h": time units accepted) */
PetscErrorCode DSOptionsCheckReal(const char key[], const char unit[]);
PetscErrorCode DSOptionsCheckInt(const char key[], PetscInt min, PetscInt max);
/* a comma-separated list of at most maxn numbers (exactly maxn when exact) */
PetscErrorCode DSOptionsCheckRealArray(const char key[], const char unit[], PetscInt maxn, PetscBool exact);
/* a name (string) must not be empty */
PetscErrorCode DSOptionsCheckString(const char key[]);
/* a name that must be one of n choices (case-insensitive) */
PetscErrorCode DSOptionsCheckChoice(const char key[], PetscInt n, const char *const choices[]);
/* a comma-separated list of distinct names, each one of n choices (case-insensitive) */
PetscErrorCode DSOptionsCheckChoiceList(const char key[], PetscInt n, const char *const choices[]);

/* An options block (PetscOptionsBegin/End) around 'call', closed on every path: an error inside
 * a block would otherwise return before PetscOptionsEnd and leak the block. 'call' is evaluated
 * where PetscOptionsObject is in scope. */
#define DSOptionsBlock(comm, title, call) \
  do { \
    PetscErrorCode ds_block_ierr_; \
    PetscOptionsBegin(comm, NULL, title, NULL); \
    ds_block_ierr_ = (call); \
    PetscOptionsEnd(); \
    PetscCall(ds_block_ierr_); \
  } while (0)
#endif
