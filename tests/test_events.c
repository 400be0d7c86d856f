/* Injections (events), boundary sinks, integral/mean/fraction figures and dose persistence, with
 * the test_decay model (u decays at rate k into 'decayed'; u's boundary outflux goes to 'lost'). */
#include <unistd.h>
#include "dstest.h"
#include "dsmodelimpl.h"

static DSEvent Event(PetscReal t, PetscReal amount, PetscReal z, PetscReal radius)
{
  DSEvent e = {t, 0, amount, {0, 0, z}, radius, "test dose", DS_REGION_OUTSIDE};
  return e;
}

static PetscReal Figure(DSProblem prob, Vec U, PetscInt which)
{
  DSModel         model;
  const DSFigure *figs;
  PetscInt        n;
  PetscReal       v, where[3];
  TestCall(DSProblemGetModel(prob, &model));
  TestCall(DSModelGetFigures(model, &n, &figs));
  TestCall(DSProblemComputeFigure(prob, 0, U, &figs[which], &v, where));
  return v;
}

static void InjectAndMeasure(const char *options, DSEvent ev)
{
  DSMesh    mesh;
  DSModel   model;
  DSProblem prob;
  DM        dm;
  Vec       U;
  PetscReal volume;
  TestCall(DSTestCreate(options, &mesh, &model, &prob));
  TestCall(DSProblemGetDM(prob, &dm));
  TestCall(DMCreateGlobalVector(dm, &U));
  TestCall(VecSet(U, 0));
  TestCall(DSProblemInject(prob, &ev, U, &volume));
  PetscReal total = Figure(prob, U, 0);
  printf("injected %g into %.4g mm^3 (radius %g mm): integral afterwards %.15g\n", (double)ev.amount, (double)volume, (double)ev.radius, (double)total);
  ck_assert_double_eq_tol(total / ev.amount, 1, 1e-13);
  ck_assert_double_gt(volume, 0);
  /* the mean over the NP and the fraction of the NP below 1 mM follow from the sphere's volume */
  PetscReal np_volume = Figure(prob, U, 3) > 0 ? ev.amount / Figure(prob, U, 3) : 0;
  ck_assert_double_eq_tol(Figure(prob, U, 4), 1 - volume / np_volume, 1e-12);
  TestCall(VecDestroy(&U));
  TestCall(DSTestDestroy(&mesh, &model, &prob));
}

START_TEST(injection_adds_exactly_its_dose)
{
  memset(&ds_test, 0, sizeof ds_test);
  InjectAndMeasure("-model test_decay -mesh_type axisymmetric -mesh_nr 40 -mesh_nz 20", Event(0, 1234.5, 5.5, 2.0));
  InjectAndMeasure("-model test_decay -mesh_type 3d -mesh_nx 20 -mesh_ny 30 -mesh_nz 12", Event(0, 777.0, 5.5, 3.0));
  InjectAndMeasure("-model test_decay -mesh_type axisymmetric -mesh_nr 40 -mesh_nz 20", Event(0, 5.0, 5.5, 1e-3)); /* smaller than a cell: the nearest */
}
END_TEST

/* Integral of u over one region (DS_REGION_OUTSIDE: the disc). */
static PetscReal RegionIntegral(DSProblem prob, Vec U, DSRegion region)
{
  DSFigure  fig = {"u_in_region", "nmol", 0, DS_FIGURE_INTEGRAL, region, 0, -1};
  PetscReal v, where[3];
  TestCall(DSProblemComputeFigure(prob, 0, U, &fig, &v, where));
  return v;
}

/* -injection1_region NP: a sphere that reaches from the NP into the AF puts its whole dose into the
 * NP cells it covers; the same sphere without the region puts part of it into the AF. The keys
 * are read as the program reads them, and the default centre is the mesh's NP centre. */
START_TEST(injection_into_one_region)
{
  const char    *geometry = "-model test_decay -mesh_type axisymmetric -mesh_nr 40 -mesh_nz 20 -mesh_height 9";
  char           opts[512];
  DSModel        m;
  DSMesh         mesh;
  DSProblem      prob;
  DM             dm;
  Vec            U;
  PetscInt       n;
  const DSEvent *ev;
  PetscReal      volume;
  memset(&ds_test, 0, sizeof ds_test);
  snprintf(opts, sizeof opts, "%s -injection1_what u -injection1_dose 100 -injection1_radius 6 -injection1_centre 11,0,4.5 -injection1_region np -injection2_what u -injection2_dose 1", geometry);
  TestCall(DSTestModelFromOptions(opts, &m));
  TestCall(DSModelDestroy(&m));
  DSTestGetEvents(&n, &ev);
  ck_assert_int_eq(n, 2);
  DSEvent in_np = ev[0], anywhere = ev[0];
  ck_assert_int_eq(in_np.region, DS_REGION_NP);
  ck_assert_int_eq(ev[1].region, DS_REGION_OUTSIDE); /* default: any region */
  ck_assert_double_eq(ev[1].centre[0], 0);
  ck_assert_double_eq(ev[1].centre[2], 4.5); /* default centre: the NP centre of a 9 mm disc */
  anywhere.region = DS_REGION_OUTSIDE;

  TestCall(DSTestCreate(geometry, &mesh, &m, &prob));
  TestCall(DSProblemGetDM(prob, &dm));
  TestCall(DMCreateGlobalVector(dm, &U));
  TestCall(VecSet(U, 0));
  TestCall(DSProblemInject(prob, &in_np, U, &volume));
  PetscReal np = RegionIntegral(prob, U, DS_REGION_NP), disc = RegionIntegral(prob, U, DS_REGION_OUTSIDE);
  printf("region NP: %.15g of 100 in the NP, %.15g in the disc (into %.4g mm^3)\n", (double)np, (double)disc, (double)volume);
  ck_assert_double_eq_tol(np, 100, 1e-12);
  ck_assert_double_eq_tol(disc, 100, 1e-12);
  TestCall(VecSet(U, 0));
  TestCall(DSProblemInject(prob, &anywhere, U, &volume));
  np = RegionIntegral(prob, U, DS_REGION_NP), disc = RegionIntegral(prob, U, DS_REGION_OUTSIDE);
  printf("any region: %.15g of 100 in the NP, %.15g in the disc (into %.4g mm^3)\n", (double)np, (double)disc, (double)volume);
  ck_assert_double_lt(np, 90);
  ck_assert_double_eq_tol(disc, 100, 1e-12);
  TestCall(VecDestroy(&U));
  TestCall(DSTestDestroy(&mesh, &m, &prob));

  /* a region that is not one is refused by name */
  snprintf(opts, sizeof opts, "%s -injection1_what u -injection1_dose 1 -injection1_region bone", geometry);
  m = NULL;
  TestCall(PetscPushErrorHandler(DSTestRecordError, NULL));
  PetscErrorCode ierr = DSTestModelFromOptions(opts, &m);
  TestCall(PetscPopErrorHandler());
  ck_assert_int_ne(ierr, 0);
  ck_assert_msg(strstr(DSTestErrorMessage, "input -injection1_region = bone is not a region: allowed NP, AF, CEP or any"), "message: %s", DSTestErrorMessage);
  TestCall(DSModelDestroy(&m));
}
END_TEST

static char header[65536], last[65536];

/* Well mixed: u = A exp(-k (t - t0)) after a dose A at t0: the half-life is ln 2 / k and the
 * amount falls below a fraction f of the dose after ln(1/f) / k. */
START_TEST(well_mixed_decay_and_persistence)
{
  char      opts[1024], dir[] = "/tmp/dstestXXXXXX", csv[512];
  PetscReal k = PetscLogReal(2.0) / 24.0, A = 5.0;
  memset(&ds_test, 0, sizeof ds_test);
  ds_test.k = k;
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(csv, sizeof csv, "%s/w.csv", dir);
  snprintf(opts, sizeof opts, "-model test_decay -injection1_what u -injection1_time 10 -injection1_dose %g -injection1_radius 1 -injection1_centre 0,0,5.5 -mesh_type well_mixed -time_final 200", (double)A);
  snprintf(opts + strlen(opts), sizeof opts - strlen(opts), " -cvode_rtol 1e-10 -cvode_atol_factor 1e-14 -quiet -output_file %s/w.exo -output_csv %s", dir, csv);
  TestCall(DSTestRunProgram(opts, csv, header, sizeof header, last, sizeof last));
  PetscReal half = DSTestCSVValue(header, last, "u_total_half_life"), tenth = DSTestCSVValue(header, last, "u_total_below_0.1_of_dose_after");
  PetscReal u = DSTestCSVValue(header, last, "u_total"), decayed = DSTestCSVValue(header, last, "decayed_total");
  printf("well mixed: half-life %.8g h (exact 24), below 0.1 of the dose after %.8g h (exact %.8g), u(200 h) = %.10g (exact %.10g)\n", (double)half, (double)tenth, (double)(PetscLogReal(10.0) / k), (double)u,
         (double)(A * PetscExpReal(-k * 190)));
  ck_assert_double_eq_tol(half / 24.0, 1, 1e-6);
  ck_assert_double_eq_tol(tenth / (PetscLogReal(10.0) / k), 1, 1e-6);
  ck_assert_double_eq_tol(u / (A * PetscExpReal(-k * 190)), 1, 1e-6);
  ck_assert_double_eq_tol((u + decayed) / A, 1, 1e-9);
}
END_TEST

/* With diffusion, decay and leakage through the Dirichlet faces, and a dose repeated three
 * times: injected = in the disc + decayed + lost, at every output, to round-off. The sum is a
 * linear invariant of the ODE system, which BDF keeps exactly when every Newton correction
 * solves its linear system exactly: hence the LU preconditioner here (with an iterative one the
 * bookkeeping closes to the linear-solver tolerance, ~1e-8). */
START_TEST(bookkeeping_closes_with_repeated_doses)
{
  char      opts[1024], dir[] = "/tmp/dstestXXXXXX", csv[512], line[65536];
  PetscReal worst = 0;
  memset(&ds_test, 0, sizeof ds_test);
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) ds_test.D[r] = 0.5;
  ds_test.k = 0.01;
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(csv, sizeof csv, "%s/b.csv", dir);
  snprintf(opts, sizeof opts, "-model test_decay -injection1_what u -injection1_time 5 -injection1_dose 100 -injection1_radius 4 -injection1_repeat_every 24 -injection1_repeat_count 2 -mesh_type axisymmetric -mesh_nr 40 -mesh_nz 20 -time_final 120 -output_times 1,5,10,29,30,53,60,90 -cvode_rtol 1e-8 -newton_pc_type lu -quiet -output_file %s/b.exo -output_csv %s", dir, csv);
  TestCall(DSTestRunProgram(opts, csv, header, sizeof header, last, sizeof last));
  FILE *f = fopen(csv, "r");
  ck_assert_ptr_nonnull(f);
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
  int rows = 0;
  while (fgets(line, sizeof line, f)) {
    PetscReal injected = DSTestCSVValue(header, line, "u_injected");
    PetscReal kept     = DSTestCSVValue(header, line, "u_total") + DSTestCSVValue(header, line, "decayed_total") + DSTestCSVValue(header, line, "lost_total");
    if (injected > 0) worst = PetscMax(worst, PetscAbsReal(kept - injected) / injected);
    rows++;
  }
  fclose(f);
  PetscReal lost = DSTestCSVValue(header, last, "lost_total");
  printf("bookkeeping over %d outputs: worst |in disc + decayed + lost - injected| / injected = %.2e; injected %g, lost %g\n", rows, (double)worst, (double)DSTestCSVValue(header, last, "u_injected"), (double)lost);
  ck_assert_double_eq_tol(DSTestCSVValue(header, last, "u_injected"), 300, 1e-12);
  ck_assert_double_gt(lost, 1); /* leakage really happened */
  ck_assert_double_lt(worst, 1e-12);
}
END_TEST

/* A Jacobian pattern that leaves out a nonzero derivative must fail the Jacobian check (the
 * matrices would silently drop it). */
START_TEST(incomplete_jacobian_pattern_is_caught)
{
  static const PetscInt wrong[] = {1, 0, 0, 0, 1, 0, 1, 0, 1}; /* omits d(decayed)/du */
  DSPoint               pt      = {DS_REGION_NP, {0, 0, 5}, 0};
  PetscScalar           u[3]    = {1.0, 0.5, 0.2};
  PetscReal             err;
  memset(&ds_test, 0, sizeof ds_test);
  ds_test.k = 0.1;
  DSModel m = DSTestCreateModel("-model test_decay");
  TestCall(DSModelCheckJacobian(m, &pt, u, &err));
  ck_assert_double_lt(err, 1e-6);
  m->jacobian_fill = wrong;
  TestCall(DSModelCheckJacobian(m, &pt, u, &err));
  ck_assert_double_ge(err, 1.0);
  TestCall(DSModelDestroy(&m));
}
END_TEST

Suite *EventsSuite(void)
{
  Suite *s  = suite_create("events");
  TCase *tc = tcase_create("injections and bookkeeping");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, injection_adds_exactly_its_dose);
  tcase_add_test(tc, injection_into_one_region);
  tcase_add_test(tc, well_mixed_decay_and_persistence);
  tcase_add_test(tc, bookkeeping_closes_with_repeated_doses);
  tcase_add_test(tc, incomplete_jacobian_pattern_is_caught);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) { return DSTestRun(argc, argv, EventsSuite()); }
