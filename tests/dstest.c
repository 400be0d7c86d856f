#include "dstest.h"
#include "dsmodelimpl.h"
#include "dsrun.h"
#include "dsschedule.h"

DSTestConfig ds_test;

/* signed: the linear tests include solutions below zero (tests/test_interface.c) */
static const DSFieldInfo test_fields[] = {{"u", "mM", "test species", 1.0, PETSC_TRUE}};

static PetscErrorCode TestSetUp(DSModel m)
{
  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) m->D[r] = ds_test.D[r];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode TestReaction(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[])
{
  PetscFunctionBeginUser;
  r[0] = -ds_test.Q - ds_test.k * u[0] + (ds_test.source ? ds_test.source(pt->x, pt->region) : 0);
  if (J) J[0] = -ds_test.k;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode TestBoundary(DSModel m, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[])
{
  PetscFunctionBeginUser;
  bc[0]    = DS_BC_DIRICHLET;
  value[0] = ds_test.exact ? ds_test.exact(pt->x) : ds_test.C0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode TestInitial(DSModel m, const DSPoint *pt, PetscScalar u[])
{
  PetscFunctionBeginUser;
  u[0] = ds_test.C0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSModelCreate_TestLinear(DSModel m)
{
  PetscFunctionBeginUser;
  m->nspecies     = 1;
  m->fields       = test_fields;
  m->ops.setup    = TestSetUp;
  m->ops.reaction = TestReaction;
  m->ops.boundary = TestBoundary;
  m->ops.initial  = TestInitial;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- test_decay: u (diffusing, Dirichlet 0 outside, no flux at bone), decayed, lost ---- */
static const DSFieldInfo decay_fields[] = {{"u", "mM", "decaying species", 1.0}, {"decayed", "mM", "what decayed", 1.0}, {"lost", "mM", "what left through the boundary", 1.0}};
static const DSFigure    decay_figures[] = {
  {"u_total", "nmol", 0, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, 0},
  {"decayed_total", "nmol", 1, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, -1},
  {"lost_total", "nmol", 2, DS_FIGURE_INTEGRAL, DS_REGION_OUTSIDE, 0, -1},
  {"u_NP_mean", "mM", 0, DS_FIGURE_MEAN, DS_REGION_NP, 0, -1},
  {"u_NP_fraction_below_1", "1", 0, DS_FIGURE_FRACTION_BELOW, DS_REGION_NP, 1.0, -1},
};
static const PetscInt decay_sink[] = {2, -1, -1};
static const DSInjectable decay_injectables[] = {{"u", "test dose", "u", NULL}};
static const PetscInt decay_fill[] = {1, 0, 0, 1, 1, 0, 1, 0, 1}; /* decayed <- u; lost <- u (the sink) */

static PetscErrorCode DecaySetUp(DSModel m)
{
  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) m->D[r * 3] = ds_test.D[r];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DecayReaction(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[])
{
  PetscFunctionBeginUser;
  r[0] = -ds_test.k * u[0], r[1] = ds_test.k * u[0], r[2] = 0;
  if (J) {
    for (PetscInt i = 0; i < 9; i++) J[i] = 0;
    J[0] = -ds_test.k, J[3] = ds_test.k;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DecayBoundary(DSModel m, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[])
{
  PetscFunctionBeginUser;
  if (kind == DS_BOUNDARY_VERTEBRA || kind == DS_BOUNDARY_AF_OUTER) bc[0] = DS_BC_DIRICHLET, value[0] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DecayInitial(DSModel m, const DSPoint *pt, PetscScalar u[])
{
  PetscFunctionBeginUser;
  u[0] = u[1] = u[2] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSModelCreate_TestDecay(DSModel m)
{
  PetscFunctionBeginUser;
  m->nspecies      = 3;
  m->fields        = decay_fields;
  m->figures       = decay_figures;
  m->nfigures      = 5;
  m->boundary_sink = decay_sink;
  m->jacobian_fill = decay_fill;
  m->injectables   = decay_injectables;
  m->ninjectables  = 1;
  m->ops.setup     = DecaySetUp;
  m->ops.reaction  = DecayReaction;
  m->ops.boundary  = DecayBoundary;
  m->ops.initial   = DecayInitial;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- test_zero_order: u with zero-order uptake, its constants as model parameters (so that
 * -steady_sensitivity differentiates them), Dirichlet C0 on every boundary face ---- */
enum { ZO_UPTAKE, ZO_D, ZO_C0, ZO_N };
static const DSParam zero_order_rows[ZO_N] = {
  [ZO_UPTAKE] = {"test_uptake", "mM/h", "zero-order uptake", 0.1, 0, 10, PETSC_FALSE, "test", PETSC_TRUE},
  [ZO_D]      = {"test_D", "mm^2/h", "diffusivity in every region", 1.8, 0, 100, PETSC_TRUE, "test", PETSC_TRUE},
  [ZO_C0]     = {"test_C0", "mM", "value on every boundary face", 4, 0, 100, PETSC_FALSE, "test", PETSC_TRUE},
};
static const DSFigure zero_order_figures[] = {{"u_centre", "mM", 0, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1}};
static PetscErrorCode ZeroOrderSetUp(DSModel m)
{
  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) m->D[r] = DSModelParam(m, ZO_D);
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode ZeroOrderReaction(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[])
{
  PetscFunctionBeginUser;
  r[0] = -DSModelParam(m, ZO_UPTAKE);
  if (J) J[0] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode ZeroOrderBoundary(DSModel m, DSFaceKind kind, const DSPoint *pt, DSBCType bc[], PetscScalar value[])
{
  PetscFunctionBeginUser;
  bc[0] = DS_BC_DIRICHLET, value[0] = DSModelParam(m, ZO_C0);
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode ZeroOrderInitial(DSModel m, const DSPoint *pt, PetscScalar u[])
{
  PetscFunctionBeginUser;
  u[0] = DSModelParam(m, ZO_C0);
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode DSModelCreate_TestZeroOrder(DSModel m)
{
  PetscFunctionBeginUser;
  m->nspecies     = 1;
  m->fields       = test_fields;
  m->figures      = zero_order_figures;
  m->nfigures     = 1;
  m->ops.setup    = ZeroOrderSetUp;
  m->ops.reaction = ZeroOrderReaction;
  m->ops.boundary = ZeroOrderBoundary;
  m->ops.initial  = ZeroOrderInitial;
  PetscCall(DSModelSetParameters(m, ZO_N, zero_order_rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSTestRunProgram(const char options[], const char csv[], char header[], size_t hlen, char last[], size_t llen)
{
  FILE *f;
  char  line[65536];

  PetscFunctionBeginUser;
  PetscCall(DSTestSetOptions(options));
  PetscCall(DSRunFromOptions(PETSC_COMM_WORLD, "test"));
  f = fopen(csv, "r");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "no CSV %s", csv);
  header[0] = last[0] = 0;
  if (fgets(line, sizeof line, f)) PetscCall(PetscStrncpy(header, line, hlen));
  while (fgets(line, sizeof line, f)) PetscCall(PetscStrncpy(last, line, llen));
  fclose(f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The value in 'row' under the CSV column whose name starts with 'column' (followed by ' [' or ','). */
PetscReal DSTestCSVValue(const char header[], const char row[], const char column[])
{
  char        h[65536], r[65536], *hs, *rs;
  const char *hv = strtok_r(strcpy(h, header), ",\n", &hs);
  const char *rv = strtok_r(strcpy(r, row), ",\n", &rs);
  size_t      n  = strlen(column);
  while (hv && rv) {
    if (!strncmp(hv, column, n) && (hv[n] == 0 || hv[n] == ' ')) return atof(rv);
    hv = strtok_r(NULL, ",\n", &hs);
    rv = strtok_r(NULL, ",\n", &rs);
  }
  return NAN;
}

PetscErrorCode DSTestRegisterModels(void)
{
  PetscFunctionBeginUser;
  PetscCall(DSModelRegisterAll());
  PetscCall(DSModelRegister("test_decay", DSModelCreate_TestDecay));
  PetscCall(DSModelRegister("test_linear", DSModelCreate_TestLinear));
  PetscCall(DSModelRegister("test_zero_order", DSModelCreate_TestZeroOrder));
  PetscFunctionReturn(PETSC_SUCCESS);
}

DSMesh DSTestCreateMesh(const char options[])
{
  DSMesh mesh;
  TestCall(DSTestSetOptions(options));
  TestCall(DSMeshCreate(PETSC_COMM_WORLD, &mesh));
  TestCall(DSMeshSetFromOptions(mesh));
  TestCall(DSMeshSetUp(mesh, 1));
  return mesh;
}

PetscErrorCode DSTestMeshOptionsError(const char options[], PetscErrorCode (*handler)(MPI_Comm, int, const char *, const char *, PetscErrorCode, PetscErrorType, const char *, void *))
{
  DSMesh         mesh;
  PetscErrorCode ierr;
  TestCall(DSTestSetOptions(options));
  TestCall(DSMeshCreate(PETSC_COMM_WORLD, &mesh));
  TestCall(PetscPushErrorHandler(handler ? handler : PetscReturnErrorHandler, NULL));
  ierr = DSMeshSetFromOptions(mesh);
  TestCall(PetscPopErrorHandler());
  TestCall(DSMeshDestroy(&mesh));
  return ierr;
}

PetscErrorCode DSTestSetOptions(const char options[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(PetscOptionsInsertString(NULL, options));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSTestCreate(const char options[], DSMesh *mesh, DSModel *model, DSProblem *prob)
{
  PetscInt nsp;

  PetscFunctionBeginUser;
  PetscCall(DSTestSetOptions(options));
  PetscCall(DSMeshCreate(PETSC_COMM_WORLD, mesh));
  PetscCall(DSMeshSetFromOptions(*mesh));
  PetscCall(DSModelCreate(PETSC_COMM_WORLD, model));
  PetscCall(DSModelSetFromOptions(*model));
  {
    PetscInt   ninj;
    PetscBool *none; /* the model as the program makes it when nothing is injected */
    PetscCall(DSModelGetInjectables(*model, &ninj, NULL));
    PetscCall(PetscCalloc1(ninj + 1, &none));
    PetscCall(DSModelSelectInjectables(*model, none));
    PetscCall(PetscFree(none));
  }
  PetscCall(DSModelGetNumSpecies(*model, &nsp));
  PetscCall(DSMeshSetUp(*mesh, nsp));
  PetscCall(DSProblemCreate(*mesh, *model, prob));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static DSEvent  ds_test_events[256];
static PetscInt ds_test_nevents;

PetscInt DSTestSpecies(DSModel m, const char name[])
{
  PetscInt n;
  TestCall(DSModelGetNumSpecies(m, &n));
  for (PetscInt s = 0; s < n; s++) {
    const DSFieldInfo *info;
    TestCall(DSModelGetField(m, s, &info));
    if (!strcmp(info->name, name)) return s;
  }
  return -1;
}

void DSTestPoolSpecies(DSModel m, const char what[], const char *const suffix[], PetscInt n, PetscInt sp[])
{
  for (PetscInt j = 0; j < n; j++) {
    char name[64];
    snprintf(name, sizeof name, "%s_%s", what, suffix[j]);
    sp[j] = DSTestSpecies(m, name);
    ck_assert_msg(sp[j] >= 0, "no species %s", name);
  }
}

PetscReal DSTestUniform(unsigned *seed, PetscReal lo, PetscReal hi) { return lo + (hi - lo) * (rand_r(seed) / (PetscReal)RAND_MAX); }

void DSTestRandomState(DSModel m, unsigned *seed, PetscScalar u[])
{
  PetscInt nsp;
  TestCall(DSModelGetNumSpecies(m, &nsp));
  for (PetscInt s = 0; s < nsp; s++) {
    const DSFieldInfo *info;
    TestCall(DSModelGetField(m, s, &info));
    u[s] = DSTestUniform(seed, 0, 3) * info->scale;
  }
}

PetscReal DSTestPoolImbalance(const PetscScalar r[], const PetscInt sp[], PetscInt n)
{
  PetscReal sum = 0, mag = 0;
  for (PetscInt j = 0; j < n; j++) sum += r[sp[j]], mag += PetscAbsReal(r[sp[j]]);
  return PetscAbsReal(sum) / (mag + 1e-300);
}

char DSTestErrorMessage[2048];

PetscErrorCode DSTestRecordError(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL) snprintf(DSTestErrorMessage, sizeof DSTestErrorMessage, "%s", mess ? mess : "");
  return n;
}

PetscErrorCode DSTestFailingModel(const char options[])
{
  DSModel        m = NULL;
  PetscErrorCode ierr;

  DSTestErrorMessage[0] = 0;
  TestCall(PetscPushErrorHandler(DSTestRecordError, NULL));
  ierr = DSTestModelFromOptions(options, &m);
  TestCall(PetscPopErrorHandler());
  TestCall(DSModelDestroy(&m));
  return ierr;
}

/* As the program does: the mesh's and the model's options, then the injection schedule (which
 * tells the model what is injected); its events are kept for DSTestGetEvents. */
PetscErrorCode DSTestModelFromOptions(const char options[], DSModel *model)
{
  DSMesh         mesh     = NULL;
  DSSchedule     schedule = NULL;
  const DSEvent *ev;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  *model = NULL;
  PetscCall(DSTestSetOptions(options));
  ierr = DSMeshCreate(PETSC_COMM_WORLD, &mesh);
  if (!ierr) ierr = DSMeshSetFromOptions(mesh);
  if (!ierr) ierr = DSModelCreate(PETSC_COMM_WORLD, model);
  if (!ierr) ierr = DSModelSetFromOptions(*model);
  if (!ierr) ierr = DSScheduleCreate(PETSC_COMM_WORLD, &schedule);
  if (!ierr) ierr = DSScheduleSetFromOptions(schedule, mesh, *model);
  if (!ierr) ierr = DSScheduleGetEvents(schedule, &ds_test_nevents, &ev);
  if (!ierr && ds_test_nevents <= 256) ierr = PetscArraycpy(ds_test_events, ev, ds_test_nevents);
  PetscCall(DSScheduleDestroy(&schedule)); /* on every path; the model is the caller's */
  PetscCall(DSMeshDestroy(&mesh));
  PetscCall(ierr);
  PetscCheck(ds_test_nevents <= 256, PETSC_COMM_SELF, PETSC_ERR_SUP, "more than 256 test events");
  PetscFunctionReturn(PETSC_SUCCESS);
}

void DSTestGetEvents(PetscInt *n, const DSEvent **events)
{
  *n      = ds_test_nevents;
  *events = ds_test_events;
}

DSModel DSTestCreateModel(const char options[])
{
  DSModel m;
  TestCall(DSTestModelFromOptions(options, &m));
  TestCall(DSModelSetUp(m));
  return m;
}

PetscErrorCode DSTestDestroy(DSMesh *mesh, DSModel *model, DSProblem *prob)
{
  PetscFunctionBeginUser;
  PetscCall(DSProblemDestroy(prob));
  PetscCall(DSModelDestroy(model));
  PetscCall(DSMeshDestroy(mesh));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Volume-weighted L2 and max errors of species 0 against exact(), and h = (V_disc / N)^(1/dim). */
PetscErrorCode DSTestError(DSProblem prob, Vec U, PetscReal (*exact)(const PetscReal[3]), PetscReal *l2, PetscReal *linf, PetscReal *h)
{
  DSMesh             mesh;
  DM                 dm;
  const PetscScalar *u;
  PetscInt           xs[3], xm[3], dim, nsp, c = 0, nact = 0;
  PetscReal          loc[4] = {0, 0, 0, 0}, glob[4];
  DSModel            model;

  PetscFunctionBeginUser;
  PetscCall(DSProblemGetMesh(prob, &mesh));
  PetscCall(DSProblemGetModel(prob, &model));
  PetscCall(DSModelGetNumSpecies(model, &nsp));
  PetscCall(DSMeshGetDimension(mesh, &dim));
  PetscCall(DSProblemGetDM(prob, &dm));
  PetscCall(DMDAGetCorners(dm, &xs[0], &xs[1], &xs[2], &xm[0], &xm[1], &xm[2]));
  PetscCall(VecGetArrayRead(U, &u));
  for (PetscInt k = xs[2]; k < xs[2] + xm[2]; k++)
    for (PetscInt j = xs[1]; j < xs[1] + xm[1]; j++)
      for (PetscInt i = xs[0]; i < xs[0] + xm[0]; i++, c++) {
        DSCell cell;
        PetscCall(DSMeshGetCell(mesh, i, j, k, &cell));
        if (cell.region == DS_REGION_OUTSIDE) continue;
        PetscReal e = PetscAbsReal(u[c * nsp] - exact(cell.x));
        loc[0] += cell.volume * e * e;
        loc[1] += cell.volume;
        loc[2] = PetscMax(loc[2], e);
        nact++;
      }
  loc[3] = nact;
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(MPIU_Allreduce(loc, glob, 2, MPIU_REAL, MPI_SUM, PETSC_COMM_WORLD));
  PetscCall(MPIU_Allreduce(&loc[2], &glob[2], 1, MPIU_REAL, MPI_MAX, PETSC_COMM_WORLD));
  PetscCall(MPIU_Allreduce(&loc[3], &glob[3], 1, MPIU_REAL, MPI_SUM, PETSC_COMM_WORLD));
  *l2   = PetscSqrtReal(glob[0] / glob[1]);
  *linf = glob[2];
  *h    = PetscPowReal(glob[1] / glob[3], 1.0 / dim);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal DSTestOrder(PetscReal ec, PetscReal ef, PetscReal hc, PetscReal hf) { return PetscLogReal(ec / ef) / PetscLogReal(hc / hf); }

int DSTestRun(int argc, char **argv, Suite *suite)
{
  SRunner *sr;
  int      failed;

  if (PetscInitialize(&argc, &argv, NULL, NULL)) return 1;
  if (DSTestRegisterModels()) return 1;
  sr = srunner_create(suite);
  srunner_set_fork_status(sr, CK_NOFORK);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  if (PetscFinalize()) return 1;
  return failed ? 1 : 0;
}
