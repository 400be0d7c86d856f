/* madvise and MADV_HUGEPAGE are Linux extensions, hidden by the project-wide _POSIX_C_SOURCE */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/mman.h>
#include <petscsys.h>
#include "dsmalloc.h"

#define DS_HUGE_PAGE ((size_t)2 << 20)
#define DS_HUGE_MIN  ((size_t)4 << 20)

/* Only the whole 2 MiB pages inside the block are advised: the block's ends share pages with
 * nothing else (mmap'ed blocks, see DSMallocPrepareHugePages) but need not be aligned. */
static void DSMallocAdvise(void *p, size_t n)
{
#if defined(MADV_HUGEPAGE)
  uintptr_t begin = ((uintptr_t)p + DS_HUGE_PAGE - 1) & ~(uintptr_t)(DS_HUGE_PAGE - 1);
  uintptr_t end   = ((uintptr_t)p + n) & ~(uintptr_t)(DS_HUGE_PAGE - 1);
  if (n >= DS_HUGE_MIN && end > begin) (void)madvise((void *)begin, end - begin, MADV_HUGEPAGE); /* a hint: an error only means no huge pages */
#else
  (void)p, (void)n;
#endif
}

/* PETSc's own allocator (saved by DSMallocPrepareHugePages) does the work: the same layout and
 * alignment as without discsim, and its free. Only the advice is added. */
static PetscErrorCode (*ds_malloc)(size_t, PetscBool, int, const char[], const char[], void **);
static PetscErrorCode (*ds_realloc)(size_t, int, const char[], const char[], void **);

static PetscErrorCode DSMallocHuge(size_t n, PetscBool clear, int line, const char func[], const char file[], void **result)
{
  PetscErrorCode ierr = (*ds_malloc)(n, clear, line, func, file, result);

  /* a large block is a fresh mapping that calloc leaves untouched (the kernel's pages are
   * zero), so the advice comes before the first touch of all but its first page */
  if (!ierr && *result) DSMallocAdvise(*result, n);
  return ierr;
}

static PetscErrorCode DSReallocHuge(size_t n, int line, const char func[], const char file[], void **result)
{
  PetscErrorCode ierr = (*ds_realloc)(n, line, func, file, result);

  if (!ierr && *result) DSMallocAdvise(*result, n);
  return ierr;
}

/* PETSc's tracing allocator is asked for by -malloc*, -log_view_memory; an options file may ask
 * for it too, unseen here */
static int DSWantsPetscTracing(const char *arg)
{
  return !strncmp(arg, "-malloc", 7) || !strncmp(arg, "-log_view_memory", 16) || !strncmp(arg, "-options_file", 13);
}

static int DSPetscTracingRequested(int argc, char **argv)
{
  const char *env = getenv("PETSC_OPTIONS");

  for (int i = 1; i < argc; i++)
    if (DSWantsPetscTracing(argv[i])) return 1;
  return env && (strstr(env, "-malloc") || strstr(env, "-log_view_memory"));
}

void DSMallocPrepareHugePages(int argc, char **argv)
{
  if (DSPetscTracingRequested(argc, argv)) return;
  /* a fixed threshold: every block of 4 MiB or more gets its own fresh mapping (glibc would
   * otherwise raise the threshold to 32 MiB after the first such free and carve large blocks
   * out of the heap, already touched, or shared with small ones) */
  if (!mallopt(M_MMAP_THRESHOLD, (int)DS_HUGE_MIN)) return;
  ds_malloc  = PetscTrMalloc;
  ds_realloc = PetscTrRealloc;
  (void)PetscMallocSet(DSMallocHuge, PetscTrFree, DSReallocHuge);
}
