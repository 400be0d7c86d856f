/* Studies (dsstudy.h): checks against the model, the design, the members on sub-communicators,
 * the journal (one row per finished member, appended and synced) and the sorted members table. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>
#include "dsstudyimpl.h"
#include "dsrun.h"
#include "dsmodel.h"
#include "dsmesh.h"
#include "dsoptions.h"
#include "dsschedule.h"

PetscErrorCode DSStudyParseTime(const char key[], const char text[], PetscReal *t)
{
  char     *end;
  PetscReal f = 1;
  PetscFunctionBeginUser;
  PetscCheck(text, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study quantity %s: a time must be a number in h, or with a unit h, d, w or y, or 'end'", key);
  *t = strtod(text, &end);
  if (!strcmp(end, "d")) f = DS_HOURS_PER_DAY;
  else if (!strcmp(end, "w")) f = DS_HOURS_PER_WEEK;
  else if (!strcmp(end, "y")) f = DS_HOURS_PER_YEAR;
  else PetscCheck(end != text && (!*end || !strcmp(end, "h")), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study quantity %s: time '%s' is not a time: allowed a number in h, or with a unit h, d, w or y (e.g. 30d), or 'end'", key, text);
  PetscCheck(*t >= 0 && !PetscIsInfOrNanReal(*t), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study quantity %s: time %s must be >= 0", key, text);
  *t *= f;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The options of the base scenario and 'set', in a private database (collective on comm) */
static PetscErrorCode DSStudyBaseOptions(MPI_Comm comm, const DSStudy *st, PetscOptions *db)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsCreate(db));
  if (st->base[0]) PetscCall(PetscOptionsInsertFileYAML(comm, *db, st->base, PETSC_TRUE));
  for (PetscInt i = 0; i < st->nset; i++) {
    char key[DS_STUDY_KEY + 1];
    PetscCall(PetscSNPrintf(key, sizeof key, "-%s", st->setkey[i]));
    PetscCall(PetscOptionsSetValue(*db, key, st->setval[i]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const DSParam *DSStudyFindRow(const char key[], PetscInt n, const DSParam rows[])
{
  for (PetscInt i = 0; i < n; i++)
    if (!strcmp(rows[i].key, key)) return &rows[i];
  return NULL;
}

/* a varied key: its row (unit, allowed range), its documented range for 'uncertain', the range
 * inside what the program accepts */
static PetscErrorCode DSStudyCheckVar(DSStudy *st, DSStudyVar *v, PetscInt nm, const DSParam *mrows, PetscInt ng, const DSParam *grows)
{
  const DSParam *row = DSStudyFindRow(v->key, nm, mrows);
  PetscFunctionBeginUser;
  v->mesh_key = (PetscBool)!row;
  if (!row) row = DSStudyFindRow(v->key, ng, grows);
  if (!row) {
    PetscInt       ne;
    const DSParam *erows;
    PetscCall(DSMeshGetEndplateParameters(&ne, &erows));
    row = DSStudyFindRow(v->key, ne, erows);
  }
  if (!row && !strncmp(v->key, "injection", 9)) v->mesh_key = PETSC_FALSE; /* the schedule's: the mesh stays */
  PetscCheck(row || !strncmp(v->key, "injection", 9) || !strncmp(v->key, "endplate_patch", 14), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
             "study file '%s': vary %s: not a parameter of model '%s' or of the mesh (nor an injection or endplate patch key): discsim -help lists the keys", st->path, v->key, st->model);
  if (!row) PetscFunctionReturn(PETSC_SUCCESS);
  v->has_row = PETSC_TRUE, v->min = row->min, v->max = row->max;
  PetscCall(PetscStrncpy(v->unit, row->unit, sizeof v->unit));
  if (st->design == DS_DESIGN_LIST) PetscFunctionReturn(PETSC_SUCCESS);
  if (v->dist.dist == DS_DIST_NONE) {
    PetscCheck(row->plausible.dist != DS_DIST_NONE, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
               "study file '%s': vary %s: uncertain, but the key has no documented plausible range (doc/parameters.md): give {distribution: ..., range: [a, b]}", st->path, v->key);
    v->dist = row->plausible;
  }
  if (v->dist.dist != DS_DIST_NORMAL)
    PetscCheck(v->dist.a >= row->min && v->dist.b <= row->max && (!row->min_open || v->dist.a > row->min), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
               "study file '%s': vary %s: range [%g, %g] %s is not inside the allowed %s%g, %g] %s", st->path, v->key, (double)v->dist.a, (double)v->dist.b, row->unit, row->min_open ? "(" : "[", (double)row->min,
               (double)row->max, row->unit);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 'uncertain: true': every row of the model with a documented range that is not listed already
 * nor fixed by 'set' (a value the user fixed stays fixed) */
static PetscErrorCode DSStudyAddUncertain(DSStudy *st, PetscInt nm, const DSParam *mrows)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < nm; i++) {
    PetscBool listed = PETSC_FALSE;
    if (mrows[i].plausible.dist == DS_DIST_NONE) continue;
    for (PetscInt j = 0; j < st->nvar; j++) listed = (PetscBool)(listed || !strcmp(st->var[j].key, mrows[i].key));
    for (PetscInt j = 0; j < st->nset; j++) listed = (PetscBool)(listed || !strcmp(st->setkey[j], mrows[i].key));
    if (listed) continue;
    PetscCheck(st->nvar < DS_STUDY_MAX_VARS, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': more than %d varied keys", st->path, DS_STUDY_MAX_VARS);
    PetscCall(PetscMemzero(&st->var[st->nvar], sizeof st->var[0]));
    PetscCall(PetscStrncpy(st->var[st->nvar++].key, mrows[i].key, DS_STUDY_KEY));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the dose trackers' quantities (solver/app/dsrun.c): [_doseN]_half_life, _residence, _below_... */
static PetscBool DSStudyIsPersistenceSuffix(const char *suffix)
{
  if (!strncmp(suffix, "_dose", 5)) {
    suffix += 5;
    if (!(*suffix >= '0' && *suffix <= '9')) return PETSC_FALSE;
    while (*suffix >= '0' && *suffix <= '9') suffix++;
  }
  return (PetscBool)(!strcmp(suffix, "_half_life") || !strcmp(suffix, "_residence") || !strncmp(suffix, "_below_", 7));
}

/* A quantity must be a global the run writes: a key figure (with _at_x/_y/_z of a minimum, the
 * persistence times of a tracked integral) or a balance <field>_stored/_influx/_reaction/_injected. */
static PetscErrorCode DSStudyCheckQoI(DSStudy *st, DSModel model, DSStudyQoI *q)
{
  const DSFigure *figs;
  PetscInt        nfig, nsp, ndiag;
  PetscFunctionBeginUser;
  PetscCall(DSModelGetFigures(model, &nfig, &figs));
  for (PetscInt f = 0; f < nfig; f++) {
    size_t      len = strlen(figs[f].name);
    const char *suffix = q->name + len;
    if (strncmp(q->name, figs[f].name, len)) continue;
    if (!*suffix) PetscCall(PetscStrncpy(q->unit, strcmp(figs[f].unit, "1") ? figs[f].unit : "", sizeof q->unit));
    else if (figs[f].kind == DS_FIGURE_MINIMUM && (!strcmp(suffix, "_at_x") || !strcmp(suffix, "_at_y") || !strcmp(suffix, "_at_z"))) PetscCall(PetscStrncpy(q->unit, "mm", sizeof q->unit));
    else if (figs[f].persistence_of >= 0 && DSStudyIsPersistenceSuffix(suffix)) PetscCall(PetscStrncpy(q->unit, "h", sizeof q->unit));
    else continue;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(DSModelGetNumSpecies(model, &nsp));
  PetscCall(DSModelGetNumDiagnostics(model, &ndiag));
  for (PetscInt s = 0; s < nsp; s++) {
    const DSFieldInfo *info;
    size_t             len;
    PetscCall(DSModelGetField(model, s, &info));
    len = strlen(info->name);
    if (!strncmp(q->name, info->name, len) && (!strcmp(q->name + len, "_stored") || !strcmp(q->name + len, "_influx") || !strcmp(q->name + len, "_reaction") || !strcmp(q->name + len, "_injected"))) PetscFunctionReturn(PETSC_SUCCESS);
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': quantity '%s' is not an output of model '%s': allowed its key figures (discsim prints them; doc/units.md) and <species>_stored, _influx, _reaction", st->path, q->name, st->model);
}

/* What the base scenario injects decides the model's species and figures (e.g. one vesicle pool per
 * exosome source, with its persistence figures): select those injectables, as a run does. */
static PetscErrorCode DSStudySelectInjectables(PetscOptions db, DSModel model)
{
  PetscInt            n;
  const DSInjectable *inj;
  PetscBool           used[64] = {PETSC_FALSE};
  PetscFunctionBeginUser;
  PetscCall(DSModelGetInjectables(model, &n, &inj));
  if (n <= 0 || n > 64) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt N = 1; N <= DS_MAX_INJECTIONS; N++) {
    char key[64], what[64];
    PetscBool set;
    PetscCall(PetscSNPrintf(key, sizeof key, "-injection%" PetscInt_FMT "_what", N));
    PetscCall(PetscOptionsGetString(db, NULL, key, what, sizeof what, &set));
    for (PetscInt i = 0; set && i < n; i++) used[i] = (PetscBool)(used[i] || !strcmp(inj[i].name, what));
  }
  PetscCall(DSModelSelectInjectables(model, used));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSStudyCheck(MPI_Comm comm, DSStudy *st)
{
  PetscOptions   db;
  DSModel        model;
  const DSParam *mrows, *grows;
  PetscInt       nm, ng;
  PetscMPIInt    size;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCheck(size % st->group_size == 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study: group_size = %" PetscInt_FMT " does not divide the %d MPI ranks: allowed a divisor of the number of ranks", st->group_size, size);
  PetscCall(DSStudyBaseOptions(comm, st, &db));
  PetscCall(PetscStrncpy(st->model, "nutrient", sizeof st->model));
  PetscCall(PetscOptionsGetString(db, NULL, "-model", st->model, sizeof st->model, NULL));
  PetscCall(DSModelRegisterAll());
  PetscCall(DSModelCreate(PETSC_COMM_SELF, &model));
  PetscCall(DSModelSetType(model, st->model));
  PetscCall(DSStudySelectInjectables(db, model));
  PetscCall(PetscOptionsDestroy(&db));
  PetscCall(DSModelGetParameters(model, &nm, &mrows));
  PetscCall(DSMeshGetParameters(&ng, &grows));
  if (st->uncertain) PetscCall(DSStudyAddUncertain(st, nm, mrows));
  PetscCheck(st->nvar > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': nothing varies: give 'vary', 'uncertain: true' or a list of members", st->path);
  for (PetscInt j = 0; j < st->nvar; j++) PetscCall(DSStudyCheckVar(st, &st->var[j], nm, mrows, ng, grows));
  for (PetscInt q = 0; q < st->nq; q++) PetscCall(DSStudyCheckQoI(st, model, &st->q[q]));
  PetscCall(DSModelDestroy(&model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the design in quantiles, then the input values of every member */
static PetscErrorCode DSStudyBuildDesign(DSStudy *st)
{
  PetscInt k = st->nvar, n;
  PetscFunctionBeginUser;
  PetscCall(DSDesignCreate(st->design, k, st->design == DS_DESIGN_LIST ? st->nlist : st->design == DS_DESIGN_GRID ? 1 : st->samples, st->levels, st->seed, &st->d));
  n = st->d.n;
  PetscCall(PetscMalloc1(n * k, &st->x));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < k; j++) {
      DSStudyVar *v = &st->var[j];
      PetscReal   u = st->d.u[i * k + j], *x = &st->x[i * k + j];
      if (st->design == DS_DESIGN_LIST) *x = st->list[i * k + j];
      else PetscCall(DSPlausibleQuantile(&v->dist, v->dist.dist == DS_DIST_NORMAL ? PetscMin(PetscMax(u, 1e-3), 1 - 1e-3) : u, x));
      if (st->design == DS_DESIGN_LIST && v->has_row)
        PetscCheck(*x >= v->min && *x <= v->max, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': member %" PetscInt_FMT ": %s = %g %s is out of range: allowed [%g, %g] %s", st->path, i, v->key, (double)*x, v->unit, (double)v->min, (double)v->max, v->unit);
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void DSHash(uint64_t *h, const void *data, size_t len) /* FNV-1a, 64 bits */
{
  const unsigned char *p = (const unsigned char *)data;
  for (size_t i = 0; i < len; i++) *h = (*h ^ p[i]) * 0x100000001b3ULL;
}

/* What a journal must match to be resumed: the base scenario's text, the fixed keys, the members'
 * inputs, the quantities and the group size (results differ in the last digits between sizes). */
static PetscErrorCode DSStudyFingerprint(DSStudy *st)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  PetscFunctionBeginUser;
  if (st->base[0]) {
    char   buf[4096];
    size_t got;
    FILE  *f = fopen(st->base, "r");
    PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "study file '%s': cannot read the base scenario '%s'", st->path, st->base);
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) DSHash(&h, buf, got);
    (void)fclose(f);
  }
  for (PetscInt i = 0; i < st->nset; i++) DSHash(&h, st->setkey[i], strlen(st->setkey[i])), DSHash(&h, st->setval[i], strlen(st->setval[i]));
  for (PetscInt j = 0; j < st->nvar; j++) DSHash(&h, st->var[j].key, strlen(st->var[j].key));
  for (PetscInt q = 0; q < st->nq; q++) DSHash(&h, st->q[q].name, strlen(st->q[q].name)), DSHash(&h, &st->q[q].t, sizeof st->q[q].t), DSHash(&h, &st->q[q].at_end, sizeof st->q[q].at_end);
  DSHash(&h, st->x, sizeof(PetscReal) * st->d.n * st->nvar);
  DSHash(&h, &st->group_size, sizeof st->group_size);
  st->fingerprint = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSStudyHeader(const DSStudy *st, char *out, size_t len)
{
  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(out, "member,design,base,var,du", len));
  for (PetscInt j = 0; j < st->nvar; j++) {
    char col[256];
    PetscCall(PetscSNPrintf(col, sizeof col, st->var[j].unit[0] && strcmp(st->var[j].unit, "1") ? ",%s [%s]" : ",%s", st->var[j].key, st->var[j].unit));
    PetscCall(PetscStrlcat(out, col, len));
  }
  for (PetscInt q = 0; q < st->nq; q++) {
    char col[256], at[64];
    if (st->q[q].at_end) PetscCall(PetscStrncpy(at, "end", sizeof at));
    else PetscCall(PetscSNPrintf(at, sizeof at, "%gh", (double)st->q[q].t));
    PetscCall(PetscSNPrintf(col, sizeof col, st->q[q].unit[0] ? ",%s@%s [%s]" : ",%s@%s", st->q[q].name, at, st->q[q].unit));
    PetscCall(PetscStrlcat(out, col, len));
  }
  PetscCall(PetscStrlcat(out, ",status,reason\n", len));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The first part of a member's row: its design coordinates and inputs (17 digits: exact) */
static PetscErrorCode DSStudyRowInputs(const DSStudy *st, PetscInt m, char *out, size_t len)
{
  char  cell[64];
  PetscInt v = st->d.var[m];
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(out, len, "%" PetscInt_FMT ",%s,%" PetscInt_FMT ",%s,%.17g", m, DSDesignBlocks[st->d.block[m]], st->d.base[m], v >= 0 ? st->var[v].key : "", (double)st->d.du[m]));
  for (PetscInt j = 0; j < st->nvar; j++) {
    PetscCall(PetscSNPrintf(cell, sizeof cell, ",%.17g", (double)st->x[m * st->nvar + j]));
    PetscCall(PetscStrlcat(out, cell, len));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A member's failure: the first (innermost) PETSc message, as the program prints it */
static char ds_member_error[1024];

static PetscErrorCode DSStudyErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL && !ds_member_error[0]) (void)PetscSNPrintf(ds_member_error, sizeof ds_member_error, "%s", mess ? mess : "(no message)");
  return n;
}

static PetscErrorCode DSStudyQuiet(FILE *fd, const char format[], va_list args) { return PETSC_SUCCESS; }

/* One cell of a CSV line: the text between the commas */
static PetscErrorCode DSStudyCell(const char *line, PetscInt col, char *out, size_t len)
{
  const char *end;
  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < col && line; c++) line = strchr(line, ',') ? strchr(line, ',') + 1 : NULL;
  out[0] = 0;
  if (!line) PetscFunctionReturn(PETSC_SUCCESS);
  end = line + strcspn(line, ",\n");
  PetscCall(PetscStrncpy(out, line, PetscMin(len, (size_t)(end - line) + 1)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Column of a global (name before " [unit]") in the header line, or -1 */
static PetscInt DSStudyColumn(const char *header, const char name[])
{
  size_t len = strlen(name);
  for (PetscInt c = 0; header; c++) {
    if (!strncmp(header, name, len) && (header[len] == ',' || header[len] == ' ' || header[len] == '\n' || !header[len])) return c;
    header = strchr(header, ',') ? strchr(header, ',') + 1 : NULL;
  }
  return -1;
}

/* The quantities from a finished member's CSV, appended to row; reason says what is missing */
static PetscErrorCode DSStudyReadQuantities(const DSStudy *st, const char csv[], char *row, size_t len, char reason[], size_t rlen)
{
  char  *text = NULL, *line, *last = NULL, cell[64];
  size_t size = 0;
  FILE  *f    = fopen(csv, "r");
  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "study: cannot read the member's table '%s'", csv);
  while (getdelim(&text, &size, 0, f) > 0) { }
  (void)fclose(f);
  for (PetscInt q = 0; q < st->nq && !reason[0]; q++) {
    const DSStudyQoI *Q   = &st->q[q];
    PetscInt          col = DSStudyColumn(text, Q->name);
    cell[0]               = 0;
    for (line = strchr(text, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
      PetscReal t = strtod(line + 1, NULL);
      last        = line + 1;
      if (!Q->at_end && PetscAbsReal(t - Q->t) <= 1e-9 * PetscMax(1, Q->t)) PetscCall(DSStudyCell(line + 1, col, cell, sizeof cell));
    }
    if (Q->at_end && last) PetscCall(DSStudyCell(last, col, cell, sizeof cell));
    if (col < 0) PetscCall(PetscSNPrintf(reason, rlen, "quantity %s is not among the run's outputs", Q->name));
    else if (!cell[0]) PetscCall(PetscSNPrintf(reason, rlen, "quantity %s: the run wrote no output at t = %g h (steady state reached before it?)", Q->name, (double)Q->t));
    PetscCall(PetscStrlcat(row, ",", len));
    PetscCall(PetscStrlcat(row, cell, len));
  }
  free(text);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The member's options: the base, its inputs, its result files in the work folder, -quiet, and the
 * output times the quantities ask for */
static PetscErrorCode DSStudyMemberOptions(MPI_Comm gcomm, const DSStudy *st, PetscInt m, PetscOptions *db, char exo[], char csv[])
{
  char key[DS_STUDY_KEY + 1], val[64], times[DS_STUDY_VALUE] = "";
  PetscFunctionBeginUser;
  PetscCall(DSStudyBaseOptions(gcomm, st, db));
  for (PetscInt j = 0; j < st->nvar; j++) {
    PetscCall(PetscSNPrintf(key, sizeof key, "-%s", st->var[j].key));
    PetscCall(PetscSNPrintf(val, sizeof val, "%.17g", (double)st->x[m * st->nvar + j]));
    PetscCall(PetscOptionsSetValue(*db, key, val));
  }
  PetscCall(PetscSNPrintf(exo, PETSC_MAX_PATH_LEN, "%s/member%" PetscInt_FMT ".exo", st->work, m));
  PetscCall(PetscSNPrintf(csv, PETSC_MAX_PATH_LEN, "%s/member%" PetscInt_FMT ".csv", st->work, m));
  PetscCall(PetscOptionsSetValue(*db, "-output_file", exo));
  PetscCall(PetscOptionsSetValue(*db, "-output_csv", csv));
  PetscCall(PetscOptionsSetValue(*db, "-output_overwrite", "true"));
  PetscCall(PetscOptionsSetValue(*db, "-quiet", "true"));
  for (PetscInt q = 0; q < st->nq; q++) {
    PetscBool dup = PETSC_FALSE;
    for (PetscInt p = 0; p < q; p++) dup = (PetscBool)(dup || (!st->q[p].at_end && st->q[p].t == st->q[q].t));
    if (st->q[q].at_end || dup || st->q[q].t == 0) continue;
    PetscCall(PetscSNPrintf(val, sizeof val, "%s%.17g", times[0] ? "," : "", (double)st->q[q].t));
    PetscCall(PetscStrlcat(times, val, sizeof times));
  }
  if (times[0]) PetscCall(PetscOptionsSetValue(*db, "-output_times", times));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Runs member m on the group; on the group's rank 0, row gets the member's whole journal line */
static PetscErrorCode DSStudyRunMember(MPI_Comm gcomm, const DSStudy *st, PetscInt m, DSRunCache cache, char *row, size_t len, PetscBool *ok)
{
  PetscMPIInt    failed;
  PetscOptions   db;
  PetscErrorCode ierr;
  PetscMPIInt    grank;
  char           exo[PETSC_MAX_PATH_LEN], csv[PETSC_MAX_PATH_LEN], reason[1024] = "", qcells[8192] = "", name[64];
  PetscErrorCode (*vfprintf_saved)(FILE *, const char[], va_list) = PetscVFPrintf;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(gcomm, &grank));
  PetscCall(DSStudyMemberOptions(gcomm, st, m, &db, exo, csv));
  PetscCall(PetscSNPrintf(name, sizeof name, "%s_member%" PetscInt_FMT, st->name, m));
  ds_member_error[0] = 0;
  PetscCall(PetscOptionsPush(db));
  PetscCall(PetscPushErrorHandler(DSStudyErrorHandler, NULL));
  PetscVFPrintf = DSStudyQuiet;
  ierr          = DSRunFromOptionsCached(gcomm, name, cache);
  PetscVFPrintf = vfprintf_saved;
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&db));
  /* a failed member may leave the kept solver half-assembled: the next one builds afresh */
  failed = ierr ? 1 : 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, gcomm));
  if (failed) PetscCall(DSRunCacheReset(cache));
  if (ierr) PetscCall(PetscSNPrintf(reason, sizeof reason, "%s", ds_member_error[0] ? ds_member_error : "the run failed without a message"));
  if (grank == 0 && !ierr) PetscCall(DSStudyReadQuantities(st, csv, qcells, sizeof qcells, reason, sizeof reason));
  if (grank == 0) {
    (void)unlink(exo), (void)unlink(csv);
    PetscCall(DSStudyRowInputs(st, m, row, len));
    if (reason[0]) {
      for (char *c = reason; *c; c++)
        if (*c == '"' || *c == '\n' || *c == '\r') *c = *c == '"' ? '\'' : ' ';
      for (PetscInt q = 0; q < st->nq; q++) PetscCall(PetscStrlcat(row, ",", len));
      PetscCall(PetscStrlcat(row, ",failed,\"", len));
      PetscCall(PetscStrlcat(row, reason, len));
      PetscCall(PetscStrlcat(row, "\"\n", len));
    } else {
      PetscCall(PetscStrlcat(row, qcells, len));
      PetscCall(PetscStrlcat(row, ",ok,\n", len));
    }
  }
  *ok = (PetscBool)!reason[0];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Appends one whole line with one write() on a descriptor opened O_APPEND, then syncs: a line
 * is in the journal whole or (killed during the call) cut, and a cut last line is dropped on resume. */
static PetscErrorCode DSStudyAppend(const char path[], const char *line)
{
  int     fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
  size_t  n  = strlen(line);
  ssize_t w;
  PetscFunctionBeginUser;
  PetscCheck(fd >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "study: cannot open the journal '%s' (%s)", path, strerror(errno));
  w = write(fd, line, n);
  PetscCheck(w == (ssize_t)n && !fsync(fd), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "study: cannot write the journal '%s' (%s): disk full?", path, strerror(errno));
  PetscCheck(!close(fd), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "study: cannot close the journal '%s' (%s)", path, strerror(errno));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The journal's whole text (NULL if none), with a cut last line removed from the file */
static PetscErrorCode DSStudyReadJournal(const char path[], PetscBool fix, char **text)
{
  size_t size = 0;
  FILE  *f    = fopen(path, "r");
  char  *end;
  PetscFunctionBeginUser;
  *text = NULL;
  if (!f) PetscFunctionReturn(PETSC_SUCCESS);
  if (getdelim(text, &size, 0, f) <= 0) (*text = realloc(*text, 1)), (*text)[0] = 0;
  (void)fclose(f);
  end = strrchr(*text, '\n');
  if (!end) end = *text - 1;
  if (end[1] && fix) {
    end[1] = 0;
    PetscCheck(!truncate(path, (off_t)strlen(*text)), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "study: cannot drop the cut last line of the journal '%s'", path);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: what the journal holds (done[m] = 1 ok, 2 failed); a journal of another study is refused */
static PetscErrorCode DSStudyResume(const DSStudy *st, char *done, PetscInt *ndone)
{
  char *text, first[128];
  PetscFunctionBeginUser;
  *ndone = 0;
  PetscCall(DSStudyReadJournal(st->journal, PETSC_TRUE, &text));
  PetscCall(PetscSNPrintf(first, sizeof first, "# discsim-study journal %016llx\n", (unsigned long long)st->fingerprint));
  if (!text || !text[0]) {
    free(text);
    PetscCall(DSStudyAppend(st->journal, first));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (strncmp(text, first, strlen(first))) {
    free(text);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "study: the journal '%s' belongs to another study (the study file, its base scenario, the seed, the design or the group size changed since): pass -study_overwrite to start again", st->journal);
  }
  for (char *line = strchr(text, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
    char    *end;
    PetscInt m = (PetscInt)strtol(line + 1, &end, 10);
    if (end == line + 1 || m < 0 || m >= st->d.n) continue;
    if (!done[m]) (*ndone)++;
    done[m] = strstr(line + 1, ",failed,\"") && strstr(line + 1, ",failed,\"") < strchr(line + 1, '\n') ? 2 : 1;
  }
  free(text);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: counts of ok and failed rows in the journal (the progress line) */
static PetscErrorCode DSStudyCount(const DSStudy *st, PetscInt *nok, PetscInt *nfailed)
{
  char *text;
  PetscFunctionBeginUser;
  *nok = *nfailed = 0;
  PetscCall(DSStudyReadJournal(st->journal, PETSC_FALSE, &text));
  for (char *line = text ? strchr(text, '\n') : NULL; line && line[1]; line = strchr(line + 1, '\n')) {
    char *nl = strchr(line + 1, '\n'), *f = strstr(line + 1, ",failed,\"");
    if (f && f < nl) (*nfailed)++;
    else (*nok)++;
  }
  free(text);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: the members table, sorted by member, written to NAME.tmp, synced and renamed */
static PetscErrorCode DSStudyWriteTable(const DSStudy *st, PetscBool planned)
{
  char     *text = NULL, **line, header[16384], tmp[PETSC_MAX_PATH_LEN + 8], row[16384];
  FILE     *f;
  PetscInt  missing = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(st->d.n, &line));
  if (!planned) PetscCall(DSStudyReadJournal(st->journal, PETSC_FALSE, &text));
  for (char *l = text ? strchr(text, '\n') : NULL; l && l[1]; l = strchr(l + 1, '\n')) {
    PetscInt m = (PetscInt)strtol(l + 1, NULL, 10);
    if (m >= 0 && m < st->d.n) line[m] = l + 1;
  }
  PetscCall(DSStudyHeader(st, header, sizeof header));
  PetscCall(PetscSNPrintf(tmp, sizeof tmp, "%s.tmp", st->table));
  f = fopen(tmp, "w");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "study: cannot write '%s' (%s)", tmp, strerror(errno));
  fputs(header, f);
  for (PetscInt m = 0; m < st->d.n; m++) {
    if (line[m]) fwrite(line[m], 1, (size_t)(strchr(line[m], '\n') - line[m] + 1), f);
    else {
      PetscCall(DSStudyRowInputs(st, m, row, sizeof row));
      for (PetscInt q = 0; q < st->nq; q++) PetscCall(PetscStrlcat(row, ",", sizeof row));
      fprintf(f, "%s,%s,\n", row, planned ? "planned" : "missing");
      missing++;
    }
  }
  PetscCheck(!fflush(f) && !fsync(fileno(f)) && !ferror(f), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "study: cannot write '%s' (%s): disk full?", tmp, strerror(errno));
  (void)fclose(f);
  PetscCheck(!rename(tmp, st->table), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "study: cannot rename '%s' to '%s' (%s)", tmp, st->table, strerror(errno));
  free(text);
  PetscCall(DSStudyReadJournal(st->table, PETSC_FALSE, &text)); /* the table's whole text */
  PetscCall(DSStudyWriteNetCDF(st, text));
  free(text);
  PetscCall(PetscFree(line));
  PetscCheck(planned || !missing, PETSC_COMM_SELF, PETSC_ERR_PLIB, "study: %" PetscInt_FMT " members have no row in the journal", missing);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: the progress line on a terminal (members done, failed, rate, ETA), else a line every 10 % */
static PetscErrorCode DSStudyProgress(const DSStudy *st, PetscInt ndone0, double start, PetscInt *last_tenth)
{
  PetscInt nok, nfailed, done, tenth;
  double   el = MPI_Wtime() - start, rate;
  PetscFunctionBeginUser;
  PetscCall(DSStudyCount(st, &nok, &nfailed));
  done  = nok + nfailed;
  rate  = done > ndone0 ? (done - ndone0) / el : 0;
  tenth = (10 * done) / PetscMax(st->d.n, 1);
  if (isatty(2)) fprintf(stderr, "\r  study %s: %" PetscInt_FMT "/%" PetscInt_FMT " members, %" PetscInt_FMT " failed, %.3g members/s, ETA %.0f s   ", st->name, done, st->d.n, nfailed, rate, rate > 0 ? (st->d.n - done) / rate : 0.0);
  else if (tenth > *last_tenth) fprintf(stderr, "study %s: %" PetscInt_FMT "/%" PetscInt_FMT " members, %" PetscInt_FMT " failed, %.3g members/s, ETA %.0f s\n", st->name, done, st->d.n, nfailed, rate, rate > 0 ? (st->d.n - done) / rate : 0.0);
  *last_tenth = tenth;
  fflush(stderr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Members may keep the set-up of the one before (mesh, steady solver) when they differ in model
 * parameters and injections only; a study varying the mesh builds it for every member */
static PetscBool DSStudyCanReuse(const DSStudy *st)
{
  if (!st->reuse) return PETSC_FALSE;
  for (PetscInt j = 0; j < st->nvar; j++)
    if (st->var[j].mesh_key) return PETSC_FALSE;
  return PETSC_TRUE;
}

/* The members not in the journal, in turn to the groups: member todo[i] to group i mod ngroups */
static PetscErrorCode DSStudyRunMembers(MPI_Comm comm, DSStudy *st, const char *done, PetscInt ndone0)
{
  DSRunCache  cache = NULL;
  MPI_Comm    gcomm;
  PetscMPIInt rank, size, grank;
  PetscInt    ngroups, g, i = 0, mine = 0, last_tenth = -1;
  char       *row;
  double      start = MPI_Wtime();
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  ngroups = size / st->group_size, g = rank / st->group_size;
  PetscCallMPI(MPI_Comm_split(comm, (PetscMPIInt)g, rank, &gcomm));
  PetscCallMPI(MPI_Comm_rank(gcomm, &grank));
  PetscCall(PetscMalloc1(65536, &row));
  if (DSStudyCanReuse(st)) PetscCall(DSRunCacheCreate(&cache));
  for (PetscInt m = 0; m < st->d.n; m++) {
    PetscBool ok;
    if (done[m]) continue;
    if (i++ % ngroups != g) continue;
    PetscCall(DSStudyRunMember(gcomm, st, m, cache, row, 65536, &ok));
    if (grank == 0) PetscCall(DSStudyAppend(st->journal, row));
    if (grank == 0 && st->abort_after > 0 && ++mine >= st->abort_after) (void)raise(SIGKILL); /* tests: a kill */
    if (rank == 0) PetscCall(DSStudyProgress(st, ndone0, start, &last_tenth));
  }
  if (rank == 0 && isatty(2)) fprintf(stderr, "\r%80s\r", "");
  PetscCall(PetscFree(row));
  PetscCall(DSRunCacheDestroy(&cache));
  PetscCallMPI(MPI_Comm_free(&gcomm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSStudyGetOptions(DSStudy *st)
{
  PetscBool set;
  PetscFunctionBeginUser;
  PetscCall(DSOptionsCheckString("-study_output"));
  PetscCall(DSOptionsCheckInt("-study_group_size", 1, 1 << 20));
  PetscCall(DSOptionsCheckInt("-study_abort_after", 0, 1 << 30));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-study_output", st->table, sizeof st->table, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-study_group_size", &st->group_size, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-study_abort_after", &st->abort_after, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-study_overwrite", &st->overwrite, &set));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-study_design_only", &st->design_only, &set));
  st->reuse = PETSC_TRUE;
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-study_reuse", &st->reuse, &set));
  PetscCall(PetscSNPrintf(st->journal, sizeof st->journal, "%s.journal", st->table));
  PetscCall(PetscSNPrintf(st->work, sizeof st->work, "%s.members", st->table));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: refuse to replace a finished table; start again or resume the journal */
static PetscErrorCode DSStudyPrepare(const DSStudy *st, char *done, PetscInt *ndone)
{
  struct stat sb;
  char        nc[PETSC_MAX_PATH_LEN];
  PetscFunctionBeginUser;
  PetscCheck(st->overwrite || stat(st->table, &sb), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "study table '%s' exists: refusing to overwrite it (pass -study_overwrite to run the study again, or choose -study_output)", st->table);
  PetscCall(DSStudyNetCDFPath(st, nc, sizeof nc));
  PetscCheck(st->overwrite || stat(nc, &sb), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "study table '%s' exists: refusing to overwrite it (pass -study_overwrite to run the study again, or choose -study_output)", nc);
  if (st->overwrite) (void)unlink(st->journal);
  PetscCheck(!mkdir(st->work, 0755) || errno == EEXIST, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "study: cannot make the folder '%s' for the members' files (%s)", st->work, strerror(errno));
  PetscCall(DSStudyResume(st, done, ndone));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSStudyRunFile(MPI_Comm comm, const char path[])
{
  DSStudy    *st;
  char       *done;
  PetscMPIInt rank, size;
  PetscInt    ndone = 0, nok, nfailed;
  double      start = MPI_Wtime();
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscNew(&st));
  PetscCall(DSStudyRead(comm, path, st));
  PetscCall(DSStudyGetOptions(st));
  PetscCall(DSStudyCheck(comm, st));
  PetscCall(DSStudyBuildDesign(st));
  PetscCall(DSStudyFingerprint(st));
  if (st->design_only) {
    if (rank == 0) PetscCall(DSStudyWriteTable(st, PETSC_TRUE));
    PetscCall(PetscPrintf(comm, "study %s: %" PetscInt_FMT " members planned (%s design of %" PetscInt_FMT " inputs), none run; wrote %s\n", st->name, st->d.n, DSDesignTypes[st->design], st->nvar, st->table));
  } else {
    PetscCall(PetscCalloc1(st->d.n, &done));
    if (rank == 0) PetscCall(DSStudyPrepare(st, done, &ndone));
    PetscCallMPI(MPI_Bcast(done, (PetscMPIInt)st->d.n, MPI_CHAR, 0, comm));
    PetscCallMPI(MPI_Bcast(&ndone, 1, MPIU_INT, 0, comm));
    PetscCall(PetscPrintf(comm, "study %s: %" PetscInt_FMT " members (%s design of %" PetscInt_FMT " inputs, seed %" PetscInt64_FMT "), %" PetscInt_FMT " already in the journal; %d groups of %" PetscInt_FMT " rank(s); %s\n", st->name, st->d.n, DSDesignTypes[st->design], st->nvar, st->seed, ndone, size / (PetscMPIInt)st->group_size, st->group_size,
                          DSStudyCanReuse(st) ? "each member keeps the mesh and steady solver set up by the one before" : (st->reuse ? "every member sets up its own mesh (mesh keys vary)" : "every member sets up its own mesh (-study_reuse false)")));
    PetscCall(DSStudyRunMembers(comm, st, done, ndone));
    PetscCallMPI(MPI_Barrier(comm));
    if (rank == 0) {
      PetscCall(DSStudyCount(st, &nok, &nfailed));
      PetscCall(DSStudyWriteTable(st, PETSC_FALSE));
      (void)unlink(st->journal), (void)rmdir(st->work);
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "study %s: %" PetscInt_FMT " ok, %" PetscInt_FMT " failed; %" PetscInt_FMT " run now in %.3f s (%.3g members/s); wrote %s\n", st->name, nok, nfailed, st->d.n - ndone, MPI_Wtime() - start, (st->d.n - ndone) / (MPI_Wtime() - start), st->table));
    }
    PetscCall(PetscFree(done));
  }
  PetscCall(DSDesignDestroy(&st->d));
  PetscCall(PetscFree(st->x));
  PetscCall(PetscFree(st->list));
  PetscCall(PetscFree(st));
  PetscFunctionReturn(PETSC_SUCCESS);
}
