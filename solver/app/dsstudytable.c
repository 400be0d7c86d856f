/* The members table as netCDF (TABLE.nc beside TABLE.csv): one variable per column along the
 * dimension 'member', inputs and quantities as doubles with their units (NaN where a member has
 * no value), the design columns, status and reason as strings. Written from the finished CSV, so
 * both files hold the same numbers (the CSV's 17 digits convert back to the same doubles). */
#include <errno.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <unistd.h>
#include "dsstudyimpl.h"

#define DSNCCall(path, call) \
  do { \
    int ds_nc_status_ = (call); \
    PetscCheck(ds_nc_status_ == NC_NOERR, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "study table '%s': %s (in %s)", path, nc_strerror(ds_nc_status_), #call); \
  } while (0)

/* The CSV's cells of one line, in place: commas end cells, a quoted last cell (the reason) keeps its commas */
static PetscInt DSStudySplitLine(char *line, char *cell[], PetscInt max)
{
  PetscInt n = 0;
  char    *nl = strchr(line, '\n');
  if (nl) *nl = 0;
  while (n < max) {
    char *comma;
    if (*line == '"') {
      char *end = strrchr(line + 1, '"');
      cell[n++] = line + 1;
      if (end) *end = 0;
      break;
    }
    cell[n++] = line;
    if (!(comma = strchr(line, ','))) break;
    *comma = 0, line = comma + 1;
  }
  return n;
}

/* A variable name from a CSV column name: its text before " [", '@' written as "_at_" */
static PetscErrorCode DSStudyColumnVariable(const char column[], char name[], size_t len, char unit[], size_t ulen)
{
  const char *br = strstr(column, " [");
  size_t      n  = br ? (size_t)(br - column) : strlen(column);
  PetscFunctionBeginUser;
  name[0] = unit[0] = 0;
  for (size_t i = 0, o = 0; i < n && o + 5 < len; i++) {
    if (column[i] == '@') name[o++] = '_', name[o++] = 'a', name[o++] = 't', name[o++] = '_';
    else name[o++] = column[i] == '.' ? 'p' : column[i];
    name[o] = 0;
  }
  if (br) PetscCall(PetscStrncpy(unit, br + 2, PetscMin(ulen, strlen(br + 2))));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Variable kinds by column: text (design, var, status, reason), integer (member, base) or double */
static int DSStudyColumnType(const DSStudy *st, PetscInt c)
{
  PetscInt nnum = st->nvar + st->nq;
  if (c == 0 || c == 2) return NC_INT;
  if (c == 1 || c == 3 || c >= 5 + nnum) return NC_STRING;
  return NC_DOUBLE;
}

static PetscErrorCode DSStudyDefineTable(const DSStudy *st, const char path[], int ncid, char *head[], PetscInt ncol, int varid[])
{
  int dim;
  PetscFunctionBeginUser;
  DSNCCall(path, nc_def_dim(ncid, "member", (size_t)st->d.n, &dim));
  for (PetscInt c = 0; c < ncol; c++) {
    char name[256], unit[64], what[DS_STUDY_KEY + 64];
    PetscCall(DSStudyColumnVariable(head[c], name, sizeof name, unit, sizeof unit));
    DSNCCall(path, nc_def_var(ncid, name, DSStudyColumnType(st, c), 1, &dim, &varid[c]));
    if (c >= 5 && c < 5 + st->nvar && !unit[0] && st->var[c - 5].unit[0]) PetscCall(PetscStrncpy(unit, st->var[c - 5].unit, sizeof unit)); /* "1": the CSV omits it */
    if (unit[0]) DSNCCall(path, nc_put_att_text(ncid, varid[c], "units", strlen(unit), unit));
    if (c >= 5 && c < 5 + st->nvar) {
      PetscCall(PetscSNPrintf(what, sizeof what, "input: the key -%s", st->var[c - 5].key));
      DSNCCall(path, nc_put_att_text(ncid, varid[c], "long_name", strlen(what), what));
    } else if (c >= 5 + st->nvar && c < 5 + st->nvar + st->nq) {
      const DSStudyQoI *q = &st->q[c - 5 - st->nvar];
      double            t = q->at_end ? NAN : (double)q->t;
      PetscCall(PetscSNPrintf(what, sizeof what, "quantity: %s %s", q->name, q->at_end ? "at the end of the run" : "at the time in time_h"));
      DSNCCall(path, nc_put_att_text(ncid, varid[c], "long_name", strlen(what), what));
      DSNCCall(path, nc_put_att_double(ncid, varid[c], "time_h", NC_DOUBLE, 1, &t));
    }
    if (DSStudyColumnType(st, c) == NC_DOUBLE) {
      double fill = NAN;
      DSNCCall(path, nc_put_att_double(ncid, varid[c], "_FillValue", NC_DOUBLE, 1, &fill));
    }
  }
  DSNCCall(path, nc_put_att_text(ncid, NC_GLOBAL, "title", strlen(st->name), st->name));
  DSNCCall(path, nc_put_att_text(ncid, NC_GLOBAL, "study_file", strlen(st->path), st->path));
  DSNCCall(path, nc_put_att_text(ncid, NC_GLOBAL, "design", strlen(DSDesignTypes[st->design]), DSDesignTypes[st->design]));
  DSNCCall(path, nc_put_att_longlong(ncid, NC_GLOBAL, "seed", NC_INT64, 1, (const long long *)&st->seed));
  DSNCCall(path, nc_put_att_text(ncid, NC_GLOBAL, "source", 13, "discsim-study"));
  DSNCCall(path, nc_enddef(ncid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One column of every member at once (per-value writes are slow with HDF5, strings most):
 * cells[m] is member m's text of the column. */
static PetscErrorCode DSStudyPutColumn(const DSStudy *st, const char path[], int ncid, int varid, PetscInt c, size_t n, const char **cells)
{
  PetscFunctionBeginUser;
  if (DSStudyColumnType(st, c) == NC_STRING) {
    DSNCCall(path, nc_put_var_string(ncid, varid, cells));
  } else if (DSStudyColumnType(st, c) == NC_INT) {
    int *v;
    PetscCall(PetscMalloc1(n, &v));
    for (size_t m = 0; m < n; m++) v[m] = (int)strtol(cells[m], NULL, 10);
    DSNCCall(path, nc_put_var_int(ncid, varid, v));
    PetscCall(PetscFree(v));
  } else {
    double *v;
    PetscCall(PetscMalloc1(n, &v));
    for (size_t m = 0; m < n; m++) {
      char *end;
      v[m] = strtod(cells[m], &end);
      if (end == cells[m]) v[m] = NAN;
    }
    DSNCCall(path, nc_put_var_double(ncid, varid, v));
    PetscCall(PetscFree(v));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* TABLE.nc for TABLE.csv (TABLE.csv.nc for a table not named .csv) */
PetscErrorCode DSStudyNetCDFPath(const DSStudy *st, char path[], size_t size)
{
  size_t len = strlen(st->table);
  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(path, st->table, size));
  if (len > 4 && !strcmp(path + len - 4, ".csv")) path[len - 4] = 0;
  PetscCall(PetscStrlcat(path, ".nc", size));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: TABLE.nc from the text of TABLE.csv (header and one line per member, sorted) */
PetscErrorCode DSStudyWriteNetCDF(const DSStudy *st, char *csv)
{
  char        path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 8], **cell;
  const char **all;
  PetscInt ncol = 5 + st->nvar + st->nq + 2, got;
  int      ncid, *varid;
  char    *line = csv, *next;
  PetscFunctionBeginUser;
  PetscCall(DSStudyNetCDFPath(st, path, sizeof path));
  PetscCall(PetscSNPrintf(tmp, sizeof tmp, "%s.tmp", path));
  PetscCall(PetscMalloc2(ncol, &cell, ncol, &varid));
  next = strchr(line, '\n'), *next = 0;
  got  = DSStudySplitLine(line, cell, ncol);
  PetscCheck(got == ncol, PETSC_COMM_SELF, PETSC_ERR_PLIB, "study table '%s': %" PetscInt_FMT " columns in the header, expected %" PetscInt_FMT, st->table, got, ncol);
  DSNCCall(tmp, nc_create(tmp, NC_CLOBBER | NC_NETCDF4, &ncid));
  PetscCall(DSStudyDefineTable(st, tmp, ncid, cell, ncol, varid));
  PetscCall(PetscMalloc1((size_t)ncol * st->d.n, &all));
  for (size_t m = 0; m < (size_t)st->d.n; m++) {
    PetscCheck(next && next[1], PETSC_COMM_SELF, PETSC_ERR_PLIB, "study table '%s': no line for member %zu", st->table, m);
    line = next + 1, next = strchr(line, '\n');
    if (next) *next = 0;
    got = DSStudySplitLine(line, cell, ncol);
    for (PetscInt c = 0; c < ncol; c++) all[c * st->d.n + m] = c < got ? cell[c] : "";
  }
  for (PetscInt c = 0; c < ncol; c++) PetscCall(DSStudyPutColumn(st, tmp, ncid, varid[c], c, (size_t)st->d.n, all + c * st->d.n));
  PetscCall(PetscFree(all));
  DSNCCall(tmp, nc_close(ncid));
  PetscCheck(!rename(tmp, path), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "study: cannot rename '%s' to '%s' (%s)", tmp, path, strerror(errno));
  PetscCall(PetscFree2(cell, varid));
  PetscFunctionReturn(PETSC_SUCCESS);
}
