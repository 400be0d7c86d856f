#ifndef DSMALLOC_H
#define DSMALLOC_H
/* Call before PetscInitialize: PETSc's allocations of 4 MiB and more (vectors, matrices, work
 * arrays) are asked to live on 2 MiB transparent huge pages. A 10^6-cell steady solve touches
 * 1.4 GB; in 4 KiB pages that is 3.4e5 page faults, about an eighth of the run on this project's
 * virtual machines (doc/performance.md). Nothing else changes: same values, same alignment.
 * Left off when the user asks PETSc for its tracing allocator (-malloc_debug, -malloc_dump,
 * -malloc_view, -malloc_test, -log_view_memory, on the command line or in PETSC_OPTIONS; also
 * with -options_file, whose contents are read only by PetscInitialize): PETSc installs it only over
 * its default one. Any -malloc* option (-malloc_coalesce true is PETSc's default) turns the advice
 * off, and a kernel whose huge pages are off ignores it. */
void DSMallocPrepareHugePages(int argc, char **argv);
#endif
