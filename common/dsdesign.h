/* Designs of computer experiments in the unit cube: which quantile u in [0, 1] each input takes
 * in each member of a study. A study maps u through each input's distribution
 * (DSPlausibleQuantile). Deterministic: the same type, sizes and seed give the same design on
 * every machine (xoshiro256** seeded by splitmix64; no library random generator). */
#ifndef DSDESIGN_H
#define DSDESIGN_H
#include <petscsys.h>

typedef enum { DS_DESIGN_GRID = 0, DS_DESIGN_LHS, DS_DESIGN_SALTELLI, DS_DESIGN_MORRIS, DS_DESIGN_LIST } DSDesignType;
extern const char *const DSDesignTypes[]; /* "grid", "lhs", "saltelli", "morris", "list" */

typedef enum { DS_BLOCK_GRID = 0, DS_BLOCK_LHS, DS_BLOCK_A, DS_BLOCK_B, DS_BLOCK_AB, DS_BLOCK_MORRIS, DS_BLOCK_LIST } DSDesignBlock;
extern const char *const DSDesignBlocks[]; /* "grid", "lhs", "A", "B", "AB", "morris", "list" */

typedef struct {
  PetscInt   n, k;   /* members, inputs */
  PetscReal *u;      /* n x k, row-major: quantile of input j in member i (list: unused, NaN) */
  PetscInt  *block;  /* DSDesignBlock of each member */
  PetscInt  *base;   /* saltelli: base sample of the member; morris: trajectory; otherwise the member */
  PetscInt  *var;    /* saltelli AB: the input taken from B; morris: the input changed from the previous member; -1: none */
  PetscReal *du;     /* morris: the change of that input's quantile (+-Delta); 0 otherwise */
} DSDesign;

/* samples: grid: levels per input; lhs: members; saltelli: base samples N (N (k + 2) members);
 * morris: trajectories r (r (k + 1) members), with 'levels' p (even) and Delta = p / (2 (p - 1));
 * list: members. */
PetscErrorCode DSDesignCreate(DSDesignType type, PetscInt k, PetscInt samples, PetscInt levels, PetscInt64 seed, DSDesign *d);
PetscErrorCode DSDesignDestroy(DSDesign *d);

/* The generator, exposed for the tests. */
typedef struct {
  uint64_t s[4];
} DSRandom;
void      DSRandomSeed(DSRandom *r, uint64_t seed);
PetscReal DSRandomUniform(DSRandom *r); /* in (0, 1), 53 bits */
PetscInt  DSRandomInt(DSRandom *r, PetscInt n); /* in [0, n) */
#endif
