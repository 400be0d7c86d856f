/* PETSc's allocations through discsim's huge-page advice (solver/app/dsmalloc.c): a large block
 * ends up on 2 MiB pages (where the kernel allows them), keeps its contents through PetscRealloc,
 * is zeroed by PetscCalloc, and is freed by PETSc; a small one is left as PETSc makes it. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <petscsys.h>
#include "dsmalloc.h"

/* kB of anonymous memory on huge pages in this process (/proc/self/smaps_rollup) */
static long AnonHugeKiB(void)
{
  FILE *f = fopen("/proc/self/smaps_rollup", "r");
  char  line[256];
  long  kib = -1;

  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "AnonHugePages: %ld kB", &kib) == 1) break;
  fclose(f);
  return kib;
}

/* the kernel gives huge pages to advised memory unless it is set to [never] */
static int HugePagesAllowed(void)
{
  FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  char  line[256] = "";

  if (!f) return 0;
  if (!fgets(line, sizeof line, f)) line[0] = 0;
  fclose(f);
  return strstr(line, "[always]") || strstr(line, "[madvise]");
}

#define MiB ((size_t)1 << 20)

START_TEST(large_block_on_huge_pages)
{
  const size_t n = 64 * MiB / sizeof(double);
  double      *x;
  long         before = AnonHugeKiB(), after;

  if (!HugePagesAllowed() || before < 0) {
    printf("transparent huge pages are off here: nothing to check\n");
    return;
  }
  ck_assert(!PetscMalloc1(n, &x));
  for (size_t i = 0; i < n; i++) x[i] = (double)i;
  after = AnonHugeKiB();
  printf("64 MiB block: %ld kB more on huge pages\n", after - before);
  /* the whole 2 MiB pages inside the block are 62 MiB; the kernel may fall back for a few */
  ck_assert_int_ge(after - before, 48 * 1024);
  ck_assert(!PetscFree(x));
}
END_TEST

START_TEST(realloc_and_calloc_keep_their_promises)
{
  const size_t n = 8 * MiB / sizeof(double);
  double      *x, *z;

  ck_assert(!PetscMalloc1(n, &x));
  for (size_t i = 0; i < n; i++) x[i] = (double)i;
  ck_assert(!PetscRealloc(2 * n * sizeof(double), &x));
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) bad += x[i] != (double)i;
  ck_assert_uint_eq(bad, 0);
  for (size_t i = n; i < 2 * n; i++) x[i] = -1.0;
  ck_assert(!PetscCalloc1(2 * n, &z));
  for (size_t i = 0; i < 2 * n; i++) bad += z[i] != 0.0;
  ck_assert_uint_eq(bad, 0);
  ck_assert(!PetscFree(z));
  ck_assert(!PetscFree(x));
}
END_TEST

START_TEST(small_blocks_untouched)
{
  long   before = AnonHugeKiB();
  char  *s[64];

  for (int i = 0; i < 64; i++) {
    ck_assert(!PetscMalloc1(64 * 1024, &s[i]));
    memset(s[i], i, 64 * 1024);
  }
  /* 4 MiB in 64 KiB blocks: below the advice's threshold, in PETSc's (glibc's) heap */
  ck_assert_int_le(AnonHugeKiB() - before, 2048);
  for (int i = 0; i < 64; i++) ck_assert(!PetscFree(s[i]));
}
END_TEST

int main(int argc, char **argv)
{
  Suite   *suite = suite_create("malloc");
  TCase   *tc    = tcase_create("huge pages");
  SRunner *sr;
  int      failed;

  DSMallocPrepareHugePages(argc, argv);
  if (PetscInitialize(&argc, &argv, NULL, NULL)) return 1;
  tcase_add_test(tc, large_block_on_huge_pages);
  tcase_add_test(tc, realloc_and_calloc_keep_their_promises);
  tcase_add_test(tc, small_blocks_untouched);
  suite_add_tcase(suite, tc);
  sr = srunner_create(suite);
  srunner_set_fork_status(sr, CK_NOFORK);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  if (PetscFinalize()) return 1;
  return failed ? 1 : 0;
}
