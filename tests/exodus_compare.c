/* exodus_compare a.exo b.exo rtol: compare two discsim Exodus II files (as written by
 * solver/io/dsexodus.c) for regression tests.
 *
 * The files must agree in time values, element blocks (names and sizes), element and global
 * variable names; every element and global variable must agree within rtol relative to the
 * largest |value| of that variable anywhere in the two files (a relative measure that stays
 * defined where the variable passes through zero). Prints the worst relative difference per
 * variable. Exit status: 0 all within rtol, 1 different, 2 usage error or unreadable input.
 * Plain netCDF-C: no PETSc needed. */
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_LEN 257 /* up to Exodus' longest names; the file's len_name says how many are used */
#define SAME      0
#define DIFFERENT 1
#define UNREADABLE 2

typedef struct {
  const char *path;
  int         nc;
  size_t      nsteps, nblk, nvar, nglo;
  double     *time;
  size_t      len_name;
  char      (*blkname)[NAME_LEN], (*varname)[NAME_LEN], (*gloname)[NAME_LEN];
  size_t     *blksize;
} ExoFile;

/* Report a netCDF failure; nonzero when there was one. */
static int Failed(int status, const ExoFile *f, const char what[])
{
  if (status == NC_NOERR) return 0;
  fprintf(stderr, "exodus_compare: cannot read %s of '%s': %s\n", what, f->path, nc_strerror(status));
  return 1;
}

static void *Alloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size);
  if (!p) {
    fprintf(stderr, "exodus_compare: out of memory\n");
    exit(UNREADABLE);
  }
  return p;
}

/* Length of a dimension; an absent one counts as 0 when optional. */
static int DimLen(ExoFile *f, const char name[], int optional, size_t *len)
{
  int dim, status = nc_inq_dimid(f->nc, name, &dim);
  *len = 0;
  if (status == NC_EBADDIM && optional) return 0;
  if (Failed(status, f, name)) return 1;
  return Failed(nc_inq_dimlen(f->nc, dim, len), f, name);
}

/* Rows of a char(n, len_name) variable such as eb_names, NUL-terminated. */
static int ReadNames(ExoFile *f, const char var[], size_t n, char (*names)[NAME_LEN])
{
  int id;
  if (!n) return 0;
  if (Failed(nc_inq_varid(f->nc, var, &id), f, var)) return 1;
  for (size_t i = 0; i < n; i++) {
    size_t start[2] = {i, 0}, count[2] = {1, f->len_name};
    if (Failed(nc_get_vara_text(f->nc, id, start, count, names[i]), f, var)) return 1;
    names[i][NAME_LEN - 1] = '\0';
  }
  return 0;
}

static int ReadHeader(ExoFile *f)
{
  int id;
  int status = nc_open(f->path, NC_NOWRITE, &f->nc);
  if (status != NC_NOERR) {
    fprintf(stderr, "exodus_compare: cannot open '%s': %s\n", f->path, nc_strerror(status));
    f->nc = -1;
    return 1;
  }
  if (DimLen(f, "len_name", 0, &f->len_name)) return 1;
  if (f->len_name >= NAME_LEN) f->len_name = NAME_LEN - 1;
  if (DimLen(f, "time_step", 0, &f->nsteps) || DimLen(f, "num_el_blk", 0, &f->nblk) || DimLen(f, "num_elem_var", 1, &f->nvar) || DimLen(f, "num_glo_var", 1, &f->nglo)) return 1;
  f->time    = Alloc(f->nsteps, sizeof *f->time);
  f->blkname = Alloc(f->nblk, sizeof *f->blkname);
  f->blksize = Alloc(f->nblk, sizeof *f->blksize);
  f->varname = Alloc(f->nvar, sizeof *f->varname);
  f->gloname = Alloc(f->nglo, sizeof *f->gloname);
  if (f->nsteps && (Failed(nc_inq_varid(f->nc, "time_whole", &id), f, "time_whole") || Failed(nc_get_var_double(f->nc, id, f->time), f, "time_whole"))) return 1;
  for (size_t b = 0; b < f->nblk; b++) {
    char dim[64];
    snprintf(dim, sizeof dim, "num_el_in_blk%zu", b + 1);
    if (DimLen(f, dim, 0, &f->blksize[b])) return 1;
  }
  return ReadNames(f, "eb_names", f->nblk, f->blkname) || ReadNames(f, "name_elem_var", f->nvar, f->varname) || ReadNames(f, "name_glo_var", f->nglo, f->gloname);
}

static int SameNames(const char *what, size_t na, char (*a)[NAME_LEN], size_t nb, char (*b)[NAME_LEN])
{
  if (na != nb) {
    printf("different number of %ss: %zu and %zu\n", what, na, nb);
    return 0;
  }
  for (size_t i = 0; i < na; i++)
    if (strcmp(a[i], b[i])) {
      printf("%s %zu differs: '%s' and '%s'\n", what, i + 1, a[i], b[i]);
      return 0;
    }
  return 1;
}

/* Everything except the values must match, or the values cannot be compared. */
static int SameStructure(const ExoFile *a, const ExoFile *b, double rtol)
{
  double tmax = 0, tdiff = 0;
  if (a->nsteps != b->nsteps) {
    printf("different number of time steps: %zu and %zu\n", a->nsteps, b->nsteps);
    return 0;
  }
  for (size_t s = 0; s < a->nsteps; s++) {
    tmax  = fmax(tmax, fmax(fabs(a->time[s]), fabs(b->time[s])));
    tdiff = fmax(tdiff, fabs(a->time[s] - b->time[s]));
  }
  if (tdiff > rtol * tmax || tdiff != tdiff) {
    printf("time values differ by up to %g h\n", tdiff);
    return 0;
  }
  if (!SameNames("element block", a->nblk, a->blkname, b->nblk, b->blkname)) return 0;
  for (size_t k = 0; k < a->nblk; k++)
    if (a->blksize[k] != b->blksize[k]) {
      printf("element block '%s' has %zu and %zu elements\n", a->blkname[k], a->blksize[k], b->blksize[k]);
      return 0;
    }
  return SameNames("element variable", a->nvar, a->varname, b->nvar, b->varname) && SameNames("global variable", a->nglo, a->gloname, b->nglo, b->gloname);
}

/* Running worst difference and largest |value| of one variable. NaN against a number counts
 * as an infinite difference; NaN against NaN as equal. */
typedef struct {
  double maxabs, maxdiff;
} Stat;

static void Accumulate(Stat *st, const double *x, const double *y, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    int    nx = x[i] != x[i], ny = y[i] != y[i];
    double d  = nx && ny ? 0 : nx || ny ? INFINITY : fabs(x[i] - y[i]);
    if (!nx) st->maxabs = fmax(st->maxabs, fabs(x[i]));
    if (!ny) st->maxabs = fmax(st->maxabs, fabs(y[i]));
    st->maxdiff = fmax(st->maxdiff, d);
  }
}

/* A whole variable of a file; *absent when the truth table left it out. */
static int ReadVar(ExoFile *f, const char var[], size_t n, double **x, int *absent)
{
  int id, status = nc_inq_varid(f->nc, var, &id);
  *absent = status == NC_ENOTVAR;
  *x      = NULL;
  if (*absent) return 0;
  if (Failed(status, f, var)) return 1;
  *x = Alloc(n, sizeof **x);
  return Failed(nc_get_var_double(f->nc, id, *x), f, var);
}

/* Compare one array variable; returns UNREADABLE, DIFFERENT or SAME. */
static int CompareVar(ExoFile *a, ExoFile *b, const char var[], size_t n, Stat *st)
{
  double *x = NULL, *y = NULL; /* freed on every path, also when the first read fails */
  int     absent_a, absent_b, result = SAME;
  if (ReadVar(a, var, n, &x, &absent_a) || ReadVar(b, var, n, &y, &absent_b)) result = UNREADABLE;
  else if (absent_a != absent_b) {
    printf("%s is only in '%s'\n", var, absent_a ? b->path : a->path);
    result = DIFFERENT;
  } else if (!absent_a) Accumulate(st, x, y, n);
  free(x);
  free(y);
  return result;
}

static int Report(const char kind[], const char name[], Stat st, double rtol)
{
  double rel = st.maxdiff == 0 ? 0 : st.maxabs > 0 ? st.maxdiff / st.maxabs : INFINITY;
  int    ok  = rel <= rtol;
  printf("%-7s %-32s %12.4e %12.4e  %s\n", kind, name, rel, st.maxabs, ok ? "ok" : "DIFFERENT");
  return ok ? SAME : DIFFERENT;
}

static int CompareElementVars(ExoFile *a, ExoFile *b, double rtol)
{
  int result = SAME;
  for (size_t v = 0; v < a->nvar; v++) {
    Stat st = {0, 0};
    for (size_t k = 0; k < a->nblk; k++) {
      char var[64];
      int  r;
      snprintf(var, sizeof var, "vals_elem_var%zueb%zu", v + 1, k + 1);
      r = CompareVar(a, b, var, a->nsteps * a->blksize[k], &st);
      if (r == UNREADABLE) return UNREADABLE;
      if (r == DIFFERENT) result = DIFFERENT;
    }
    if (Report("element", a->varname[v], st, rtol) == DIFFERENT) result = DIFFERENT;
  }
  return result;
}

static int CompareGlobalVars(ExoFile *a, ExoFile *b, double rtol)
{
  double *x = NULL, *y = NULL; /* freed on every path, also when the first read fails */
  int     absent_a, absent_b, result = SAME;
  size_t  n = a->nsteps * a->nglo;
  if (!a->nglo) return SAME;
  if (ReadVar(a, "vals_glo_var", n, &x, &absent_a) || ReadVar(b, "vals_glo_var", n, &y, &absent_b) || absent_a || absent_b) {
    if (absent_a || absent_b) fprintf(stderr, "exodus_compare: vals_glo_var is missing\n");
    free(x);
    free(y);
    return UNREADABLE;
  }
  for (size_t g = 0; g < a->nglo; g++) {
    Stat st = {0, 0};
    for (size_t s = 0; s < a->nsteps; s++) Accumulate(&st, &x[s * a->nglo + g], &y[s * a->nglo + g], 1);
    if (Report("global", a->gloname[g], st, rtol) == DIFFERENT) result = DIFFERENT;
  }
  free(x);
  free(y);
  return result;
}

static void Close(ExoFile *f)
{
  if (f->nc >= 0) nc_close(f->nc);
  free(f->time);
  free(f->blkname);
  free(f->blksize);
  free(f->varname);
  free(f->gloname);
}

int main(int argc, char **argv)
{
  ExoFile a = {.nc = -1}, b = {.nc = -1};
  char   *end;
  double  rtol;
  int     result, re, rg;

  if (argc != 4 || (rtol = strtod(argv[3], &end), *end != '\0') || !(rtol >= 0)) {
    fprintf(stderr, "usage: exodus_compare a.exo b.exo rtol   (rtol >= 0, relative to the largest |value| of each variable)\n");
    return UNREADABLE;
  }
  a.path = argv[1], b.path = argv[2];
  if (ReadHeader(&a) || ReadHeader(&b)) result = UNREADABLE;
  else if (!SameStructure(&a, &b, rtol)) result = DIFFERENT;
  else {
    printf("%-7s %-32s %12s %12s\n", "kind", "variable", "worst rel", "max |value|");
    re     = CompareElementVars(&a, &b, rtol);
    rg     = re == UNREADABLE ? UNREADABLE : CompareGlobalVars(&a, &b, rtol);
    result = re == UNREADABLE || rg == UNREADABLE ? UNREADABLE : re == DIFFERENT || rg == DIFFERENT ? DIFFERENT : SAME;
  }
  Close(&a);
  Close(&b);
  if (result == SAME) printf("exodus_compare: '%s' and '%s' agree within rtol = %g\n", a.path, b.path, rtol);
  if (result == DIFFERENT) printf("exodus_compare: '%s' and '%s' differ (rtol = %g)\n", a.path, b.path, rtol);
  return result;
}
