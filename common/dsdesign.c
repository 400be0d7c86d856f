#include <stdint.h>
#include "dsdesign.h"

const char *const DSDesignTypes[]  = {"grid", "lhs", "saltelli", "morris", "list", "DSDesignType", "DS_DESIGN_", NULL};
const char *const DSDesignBlocks[] = {"grid", "lhs", "A", "B", "AB", "morris", "list", NULL};

static uint64_t DSRotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void DSRandomSeed(DSRandom *r, uint64_t seed)
{
  for (int i = 0; i < 4; i++) { /* splitmix64 */
    uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
    z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z          = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    r->s[i]    = z ^ (z >> 31);
  }
}

static uint64_t DSRandomNext(DSRandom *r) /* xoshiro256** */
{
  uint64_t *s = r->s, result = DSRotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0], s[3] ^= s[1], s[1] ^= s[2], s[0] ^= s[3], s[2] ^= t, s[3] = DSRotl(s[3], 45);
  return result;
}

PetscReal DSRandomUniform(DSRandom *r) { return ((PetscReal)(DSRandomNext(r) >> 11) + 0.5) * 0x1.0p-53; }

PetscInt DSRandomInt(DSRandom *r, PetscInt n) { return (PetscInt)(DSRandomUniform(r) * n) % n; }

static PetscErrorCode DSDesignAlloc(DSDesign *d, PetscInt n, PetscInt k, DSDesignBlock block)
{
  PetscFunctionBeginUser;
  d->n = n, d->k = k;
  PetscCall(PetscMalloc5(n * k, &d->u, n, &d->block, n, &d->base, n, &d->var, n, &d->du));
  for (PetscInt i = 0; i < n; i++) d->block[i] = block, d->base[i] = i, d->var[i] = -1, d->du[i] = 0;
  for (PetscInt i = 0; i < n * k; i++) d->u[i] = PETSC_MAX_REAL; /* overwritten; list designs keep it */
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* every combination of 'levels' equally spaced quantiles 0, 1/(L-1), ..., 1; the last input varies fastest */
static PetscErrorCode DSDesignGrid(DSDesign *d, PetscInt k, PetscInt levels)
{
  PetscInt n = 1;
  PetscFunctionBeginUser;
  PetscCheck(levels >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "grid design: levels = %" PetscInt_FMT ": allowed at least 2", levels);
  for (PetscInt j = 0; j < k; j++) {
    PetscCheck(n <= 10000000 / levels, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "grid design: %" PetscInt_FMT " levels of %" PetscInt_FMT " inputs make more than 1e7 members", levels, k);
    n *= levels;
  }
  PetscCall(DSDesignAlloc(d, n, k, DS_BLOCK_GRID));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt rest = i;
    for (PetscInt j = k - 1; j >= 0; j--, rest /= levels) d->u[i * k + j] = (PetscReal)(rest % levels) / (levels - 1);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Latin hypercube: each input's range cut into n strata, one member in each, strata paired at random */
static PetscErrorCode DSDesignLHS(DSDesign *d, PetscInt k, PetscInt n, DSRandom *r)
{
  PetscInt *perm;
  PetscFunctionBeginUser;
  PetscCall(DSDesignAlloc(d, n, k, DS_BLOCK_LHS));
  PetscCall(PetscMalloc1(n, &perm));
  for (PetscInt j = 0; j < k; j++) {
    for (PetscInt i = 0; i < n; i++) perm[i] = i;
    for (PetscInt i = n - 1; i > 0; i--) { /* Fisher-Yates */
      PetscInt s = DSRandomInt(r, i + 1), t = perm[i];
      perm[i] = perm[s], perm[s] = t;
    }
    for (PetscInt i = 0; i < n; i++) d->u[i * k + j] = (perm[i] + DSRandomUniform(r)) / n;
  }
  PetscCall(PetscFree(perm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Saltelli's scheme: per base sample i, rows A_i, B_i (independent uniform draws) and AB_i^j =
 * A_i with input j from B_i, j = 0..k-1: N (k + 2) members */
static PetscErrorCode DSDesignSaltelli(DSDesign *d, PetscInt k, PetscInt N, DSRandom *r)
{
  PetscInt m = k + 2;
  PetscFunctionBeginUser;
  PetscCall(DSDesignAlloc(d, N * m, k, DS_BLOCK_A));
  for (PetscInt i = 0; i < N; i++) {
    PetscReal *A = &d->u[i * m * k], *B = A + k;
    for (PetscInt j = 0; j < k; j++) A[j] = DSRandomUniform(r);
    for (PetscInt j = 0; j < k; j++) B[j] = DSRandomUniform(r);
    for (PetscInt c = 0; c < m; c++) d->base[i * m + c] = i;
    d->block[i * m + 1] = DS_BLOCK_B;
    for (PetscInt v = 0; v < k; v++) {
      PetscReal *AB = A + (2 + v) * k;
      PetscCall(PetscArraycpy(AB, A, k));
      AB[v]                   = B[v];
      d->block[i * m + 2 + v] = DS_BLOCK_AB;
      d->var[i * m + 2 + v]   = v;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Morris trajectories: a random start on the p-level grid, then each input in random order moves by
 * +-Delta (up from the lower p/2 levels, down from the upper ones): r (k + 1) members */
static PetscErrorCode DSDesignMorris(DSDesign *d, PetscInt k, PetscInt r, PetscInt p, DSRandom *rng)
{
  PetscInt  *order, m = k + 1;
  PetscReal  delta = (PetscReal)p / (2 * (p - 1));
  PetscFunctionBeginUser;
  PetscCheck(p >= 2 && p % 2 == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "morris design: levels = %" PetscInt_FMT ": allowed an even number >= 2", p);
  PetscCall(DSDesignAlloc(d, r * m, k, DS_BLOCK_MORRIS));
  PetscCall(PetscMalloc1(k, &order));
  for (PetscInt t = 0; t < r; t++) {
    PetscReal *x = &d->u[t * m * k];
    for (PetscInt j = 0; j < k; j++) x[j] = (PetscReal)DSRandomInt(rng, p) / (p - 1);
    for (PetscInt j = 0; j < k; j++) order[j] = j;
    for (PetscInt j = k - 1; j > 0; j--) {
      PetscInt s = DSRandomInt(rng, j + 1), tmp = order[j];
      order[j] = order[s], order[s] = tmp;
    }
    for (PetscInt c = 0; c < m; c++) d->base[t * m + c] = t;
    for (PetscInt s = 1; s < m; s++) {
      PetscInt   v = order[s - 1];
      PetscReal *prev = x + (s - 1) * k, *cur = x + s * k;
      PetscCall(PetscArraycpy(cur, prev, k));
      d->du[t * m + s]  = prev[v] + delta <= 1 + 1e-12 ? delta : -delta;
      cur[v]            = PetscMin(1, PetscMax(0, prev[v] + d->du[t * m + s]));
      d->var[t * m + s] = v;
    }
  }
  PetscCall(PetscFree(order));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSDesignCreate(DSDesignType type, PetscInt k, PetscInt samples, PetscInt levels, PetscInt64 seed, DSDesign *d)
{
  DSRandom r;
  PetscFunctionBeginUser;
  PetscCheck(samples >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "design %s: samples = %" PetscInt_FMT ": allowed at least 1", DSDesignTypes[type], samples);
  DSRandomSeed(&r, (uint64_t)seed);
  switch (type) {
  case DS_DESIGN_GRID: PetscCall(DSDesignGrid(d, k, levels)); break;
  case DS_DESIGN_LHS: PetscCall(DSDesignLHS(d, k, samples, &r)); break;
  case DS_DESIGN_SALTELLI: PetscCall(DSDesignSaltelli(d, k, samples, &r)); break;
  case DS_DESIGN_MORRIS: PetscCall(DSDesignMorris(d, k, samples, levels, &r)); break;
  case DS_DESIGN_LIST: PetscCall(DSDesignAlloc(d, samples, k, DS_BLOCK_LIST)); break;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSDesignDestroy(DSDesign *d)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree5(d->u, d->block, d->base, d->var, d->du));
  PetscFunctionReturn(PETSC_SUCCESS);
}
