/* Injected protein factors of the biology model (models/biology/factors.c, doc/biology.md §7a):
 * each pool's transfers conserve its dose, in one cell and in a disc with leakage; the depot ->
 * free -> decayed chain against the two-compartment (Bateman) closed form; the effects on aggrecan
 * turnover against 1 + Emax C/(EC50 + C) and 1 - Emax C/(EC50 + C) on the MMP share; the analytic
 * Jacobian and its pattern with the factors' species; bad input. Expected values come from the
 * constants written here, not from the program. */
#include <string.h>
#include <unistd.h>
#include "dstest.h"
#include "dsmodelimpl.h"

#define LN2      0.69314718055994530942
#define HOURS_YR (365.25 * 24)



static const char *FACTORS = "-injection1_what op1 -injection1_dose 1e4 -injection2_what timp1 -injection2_dose 1e3";
static const char *FAC[2] = {"op1", "timp1"};
static const char *FSUFFIX[4] = {"depot", "free", "decayed", "leaked"};

static void FactorSpecies(DSModel m, const char *what, PetscInt sp[4]) { DSTestPoolSpecies(m, what, FSUFFIX, 4, sp); }

/* every pool's rates sum to zero at random states; the free factor's boundary outflux goes to leaked */
START_TEST(factor_transfers_conserve)
{
  char     opts[512];
  unsigned seed = 5;
  snprintf(opts, sizeof opts, "-model biology -injection3_what npmsc -injection3_dose 1e6 -injection4_what exo_bmsc -injection4_dose 1e9 %s", FACTORS);
  DSModel  m = DSTestCreateModel(opts);
  PetscInt nsp, sp[2][4], sink;
  TestCall(DSModelGetNumSpecies(m, &nsp));
  ck_assert_int_eq(nsp, 9 + 5 + 2 * 4);
  for (int k = 0; k < 2; k++) {
    FactorSpecies(m, FAC[k], sp[k]);
    TestCall(DSModelGetBoundarySink(m, sp[k][1], &sink));
    ck_assert_int_eq(sink, sp[k][3]);
    TestCall(DSModelGetBoundarySink(m, sp[k][0], &sink));
    ck_assert_int_eq(sink, -1);
  }
  PetscReal worst = 0;
  for (int trial = 0; trial < 300; trial++) {
    DSPoint     pt = {(DSRegion)(1 + trial % 3), {0, 0, 0}, 0};
    PetscScalar u[DS_MAX_SPECIES], r[DS_MAX_SPECIES];
    DSTestRandomState(m, &seed, u);
    TestCall(DSModelReaction(m, &pt, u, r, NULL));
    for (int k = 0; k < 2; k++) {
      ck_assert_double_eq(r[sp[k][3]], 0);
      worst = PetscMax(worst, DSTestPoolImbalance(r, sp[k], 4));
    }
  }
  printf("factor transfers, 2 pools: worst |sum of a pool's rates| / sum |rates| = %.2e\n", (double)worst);
  ck_assert_double_le(worst, 1e-15);
  TestCall(DSModelDestroy(&m));
}
END_TEST

/* In one well-mixed cell (no boundary), a dose A into the depot at t0: P = A e^{-a s},
 * C = A a/(b - a) (e^{-a s} - e^{-b s}) (s = t - t0, a = ln 2/release half-life, b = ln 2/half-life). */
START_TEST(depot_and_free_follow_the_two_compartment_solution)
{
  char            opts[1024], dir[] = "/tmp/dsfacXXXXXX", csv[512], header[65536], last[65536], line[65536];
  const PetscReal A = 1000, t0 = 10, hr = 20, hd = 30, a = LN2 / hr, b = LN2 / hd;
  PetscReal       worst = 0, worst_sum = 0;
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(csv, sizeof csv, "%s/w.csv", dir);
  snprintf(opts, sizeof opts, "-model biology -mesh_type well_mixed -injection1_what op1 -injection1_time %g -injection1_dose %g -bio_op1_release_half_life %g -bio_op1_half_life %g "
           "-time_final 200 -output_times 5,11,20,35,50,80,120,200 -cvode_rtol 1e-10 -cvode_atol_factor 1e-14 -quiet -output_file %s/w.exo -output_csv %s", (double)t0, (double)A, (double)hr, (double)hd, dir, csv);
  TestCall(DSTestRunProgram(opts, csv, header, sizeof header, last, sizeof last));
  FILE *f = fopen(csv, "r");
  ck_assert_ptr_nonnull(f);
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
  int rows = 0;
  while (fgets(line, sizeof line, f)) {
    PetscReal t = DSTestCSVValue(header, line, "time_h"), s = t - t0;
    PetscReal P = DSTestCSVValue(header, line, "op1_depot_disc"), C = DSTestCSVValue(header, line, "op1_free_disc"), D = DSTestCSVValue(header, line, "op1_decayed_disc");
    PetscReal Pe = s < 0 ? 0 : A * PetscExpReal(-a * s), Ce = s < 0 ? 0 : A * a / (b - a) * (PetscExpReal(-a * s) - PetscExpReal(-b * s));
    worst = PetscMax(worst, (PetscAbsReal(P - Pe) + PetscAbsReal(C - Ce)) / A);
    if (s > 0) worst_sum = PetscMax(worst_sum, PetscAbsReal(P + C + D - A) / A);
    rows++;
  }
  fclose(f);
  printf("well mixed factor pool over %d outputs: worst |depot, free - closed form| / dose %.2e; |depot + free + decayed - dose| / dose %.2e\n", rows, (double)worst, (double)worst_sum);
  ck_assert_int_ge(rows, 9);
  ck_assert_double_lt(worst, 1e-6);
  ck_assert_double_lt(worst_sum, 1e-12);
}
END_TEST

/* In a disc with diffusion and leakage, repeated doses: depot + free + decayed + leaked = injected
 * at every output (LU preconditioner: the linear invariant then holds to round-off) */
START_TEST(bookkeeping_closes_in_a_disc)
{
  char      opts[1024], dir[] = "/tmp/dsfacXXXXXX", csv[512], header[65536], last[65536], line[65536];
  PetscReal worst = 0, leaked = 0;
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(csv, sizeof csv, "%s/b.csv", dir);
  snprintf(opts, sizeof opts, "-model biology -mesh_type axisymmetric -mesh_nr 10 -mesh_nz 6 -injection1_what op1 -injection1_time 5 -injection1_dose 1e4 -injection1_volume 20 -injection1_repeat_every 48 -injection1_repeat_count 2 "
           "-injection2_what timp1 -injection2_time 20 -injection2_dose 500 -injection2_volume 20 -bio_op1_release_half_life 12 -bio_timp1_D 1e-10 -time_final 400 -output_times 1,6,30,60,100,200,300 "
           "-newton_pc_type lu -quiet -output_file %s/b.exo -output_csv %s", dir, csv);
  TestCall(DSTestRunProgram(opts, csv, header, sizeof header, last, sizeof last));
  FILE *f = fopen(csv, "r");
  ck_assert_ptr_nonnull(f);
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
  while (fgets(line, sizeof line, f))
    for (int k = 0; k < 2; k++) {
      char      col[64];
      PetscReal kept = 0, injected;
      snprintf(col, sizeof col, "%s_depot_injected", FAC[k]);
      injected = DSTestCSVValue(header, line, col);
      for (int j = 0; j < 4; j++) {
        snprintf(col, sizeof col, "%s_%s_disc", FAC[k], FSUFFIX[j]);
        kept += DSTestCSVValue(header, line, col);
      }
      if (injected > 0) worst = PetscMax(worst, PetscAbsReal(kept - injected) / injected);
    }
  fclose(f);
  ck_assert_double_eq_tol(DSTestCSVValue(header, last, "op1_depot_injected"), 3e4, 1e-9);
  leaked = DSTestCSVValue(header, last, "timp1_leaked_disc");
  printf("factor bookkeeping in a disc: worst |depot + free + decayed + leaked - injected| / injected = %.2e; TIMP-1 leaked %g of 500 ng\n", (double)worst, (double)leaked);
  ck_assert_double_gt(leaked, 1); /* leakage really happened */
  ck_assert_double_lt(worst, 1e-10); /* round-off of the LU solves over ~100 steps (measured 3e-12) */
}
END_TEST

/* The healthy NP (aggrecan 1, MMP 1, healthy cells) is stationary; with free factor C the
 * aggrecan rate is k_A (1 + E h) - k_A for OP-1 and k_A s E h for TIMP-1 (s: MMP share), with
 * h = C/(EC50 + C) and k_A = ln 2 / 12 y; together k_A [(1 + E1 h1) - 1 + s E2 h2]. The pools'
 * own rates: depot -a P, free a P - b C. */
START_TEST(effects_on_aggrecan_turnover)
{
  char            opts[1024];
  const PetscReal E1 = 1.5, EC1 = 0.2, E2 = 0.8, EC2 = 0.05, share = 0.4, hr = 7, hd = 30;
  snprintf(opts, sizeof opts, "-model biology %s -bio_op1_Emax_synthesis %g -bio_op1_EC50 %g -bio_timp1_Emax_mmp %g -bio_timp1_EC50 %g -bio_aggrecan_mmp_share %g -bio_op1_release_half_life %g -bio_op1_half_life %g",
           FACTORS, (double)E1, (double)EC1, (double)E2, (double)EC2, (double)share, (double)hr, (double)hd);
  DSModel         m = DSTestCreateModel(opts);
  DSPoint         pt = {DS_REGION_NP, {0, 0, 5.5}, 0};
  PetscScalar     u[DS_MAX_SPECIES], r[DS_MAX_SPECIES];
  PetscInt        AGG = DSTestSpecies(m, "aggrecan"), COL = DSTestSpecies(m, "collagen2"), op[4], ti[4];
  const PetscReal kA = LN2 / (12 * HOURS_YR), kC = LN2 / (95 * HOURS_YR), Cs[] = {0, 0.01, 0.05, 0.2, 1, 50};
  FactorSpecies(m, "op1", op);
  FactorSpecies(m, "timp1", ti);
  TestCall(DSModelInitial(m, &pt, u));
  u[DSTestSpecies(m, "oxygen")] = 2 * 0.010268, u[DSTestSpecies(m, "glucose")] = 3, u[DSTestSpecies(m, "lactate")] = 0.3 * 11.11; /* pH 7.1 */
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(Cs); i++)
    for (size_t j = 0; j < PETSC_STATIC_ARRAY_LENGTH(Cs); j++) {
      const PetscReal h1 = Cs[i] / (EC1 + Cs[i]), h2 = Cs[j] / (EC2 + Cs[j]);
      u[op[1]] = Cs[i], u[ti[1]] = Cs[j], u[op[0]] = 3.0;
      TestCall(DSModelReaction(m, &pt, u, r, NULL));
      ck_assert_double_eq_tol(r[AGG], kA * (E1 * h1 + share * E2 * h2), 1e-12 * kA);
      ck_assert_double_eq_tol(r[COL], kC * (E1 * h1 + 0.5 * E2 * h2), 1e-12 * kC); /* collagen II: its own share 0.5 */
      ck_assert_double_eq_tol(r[op[0]], -LN2 / hr * 3.0, 1e-14);
      ck_assert_double_eq_tol(r[op[1]], LN2 / hr * 3.0 - LN2 / hd * Cs[i], 1e-13);
    }
  /* at C = EC50, half the largest effect: synthesis x (1 + E1/2) */
  u[op[1]] = EC1, u[ti[1]] = 0;
  TestCall(DSModelReaction(m, &pt, u, r, NULL));
  ck_assert_double_eq_tol(r[AGG], kA * E1 / 2, 1e-12 * kA);
  TestCall(DSModelDestroy(&m));
}
END_TEST

/* analytic Jacobian against centred differences at wide states, and nothing outside the pattern */
START_TEST(jacobian_with_factors)
{
  char            opts[512];
  unsigned        seed = 77;
  snprintf(opts, sizeof opts, "-model biology -bio_preset degenerate -injection3_what bmsc -injection3_dose 1e6 -injection4_what exo_bmsc -injection4_dose 1e9 %s", FACTORS);
  DSModel         m = DSTestCreateModel(opts);
  PetscInt        nsp, GLC = DSTestSpecies(m, "glucose"), LAC = DSTestSpecies(m, "lactate"), outside = 0, op[4], ti[4], hit = 0;
  PetscReal       worst = 0;
  const PetscInt *fill;
  TestCall(DSModelGetNumSpecies(m, &nsp));
  TestCall(DSModelGetJacobianFill(m, &fill));
  FactorSpecies(m, "op1", op);
  FactorSpecies(m, "timp1", ti);
  ck_assert_int_eq(fill[DSTestSpecies(m, "aggrecan") * nsp + op[1]], 1);
  ck_assert_int_eq(fill[DSTestSpecies(m, "collagen2") * nsp + ti[1]], 1);
  ck_assert_int_eq(fill[DSTestSpecies(m, "aggrecan") * nsp + op[0]], 0); /* the carrier does not act */
  for (int trial = 0; trial < 400; trial++) {
    DSPoint     pt = {(DSRegion)(1 + trial % 3), {0, 0, 0}, 0};
    PetscScalar u[DS_MAX_SPECIES], r[DS_MAX_SPECIES], J[DS_MAX_SPECIES * DS_MAX_SPECIES];
    PetscReal   err;
    for (PetscInt s = 0; s < nsp; s++) {
      const DSFieldInfo *info;
      TestCall(DSModelGetField(m, s, &info));
      u[s] = DSTestUniform(&seed, 0.01, 3) * info->scale;
    }
    u[GLC] = DSTestUniform(&seed, 0.6, 4), u[LAC] = DSTestUniform(&seed, 0, 4); /* away from the switches' kinks */
    u[op[1]] = DSTestUniform(&seed, 0.001, 1), u[ti[1]] = DSTestUniform(&seed, 0.001, 0.3);
    TestCall(DSModelCheckJacobian(m, &pt, u, &err));
    worst = PetscMax(worst, err);
    TestCall(DSModelReaction(m, &pt, u, r, J));
    for (PetscInt i = 0; i < nsp * nsp; i++) outside += J[i] != 0 && !fill[i] && i / nsp != i % nsp;
    hit += J[DSTestSpecies(m, "aggrecan") * nsp + ti[1]] != 0;
  }
  printf("biology with 2 factor pools (%d species): worst relative Jacobian error %.2e\n", (int)nsp, (double)worst);
  ck_assert_double_lt(worst, 1e-5);
  ck_assert_int_eq(outside, 0);
  ck_assert_int_eq(hit, 400);
  TestCall(DSModelDestroy(&m));
}
END_TEST

START_TEST(bad_factor_input)
{
  ck_assert_int_ne(DSTestFailingModel("-model biology -injection1_what gdf7 -injection1_dose 100"), 0);
  ck_assert_msg(strstr(DSTestErrorMessage, "-injection1_what = gdf7") && strstr(DSTestErrorMessage, "op1") && strstr(DSTestErrorMessage, "timp1"), "message: %s", DSTestErrorMessage);
  ck_assert_int_ne(DSTestFailingModel("-model biology -injection1_what op1 -injection1_dose -5"), 0);
  ck_assert_msg(strstr(DSTestErrorMessage, "-injection1_dose = -5") && strstr(DSTestErrorMessage, "ng"), "message: %s", DSTestErrorMessage);
  ck_assert_int_ne(DSTestFailingModel("-model biology -injection1_what timp1 -injection1_dose_ug 5"), 0);
  ck_assert_msg(strstr(DSTestErrorMessage, "-injection1_dose_ug") && strstr(DSTestErrorMessage, "ng"), "message: %s", DSTestErrorMessage);
  ck_assert_int_ne(DSTestFailingModel("-model biology -injection1_what op1 -injection1_dose 5 -bio_timp1_Emax_mmp 1.5"), 0);
  ck_assert_msg(strstr(DSTestErrorMessage, "bio_timp1_Emax_mmp"), "message: %s", DSTestErrorMessage);
  ck_assert_int_ne(DSTestFailingModel("-model biology -injection1_what op1 -injection1_dose 5 -bio_op1_release_half_life 0"), 0);
  ck_assert_msg(strstr(DSTestErrorMessage, "bio_op1_release_half_life"), "message: %s", DSTestErrorMessage);
}
END_TEST

Suite *FactorSuite(void)
{
  Suite *s  = suite_create("factors");
  TCase *tc = tcase_create("model");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, factor_transfers_conserve);
  tcase_add_test(tc, depot_and_free_follow_the_two_compartment_solution);
  tcase_add_test(tc, bookkeeping_closes_in_a_disc);
  tcase_add_test(tc, effects_on_aggrecan_turnover);
  tcase_add_test(tc, jacobian_with_factors);
  tcase_add_test(tc, bad_factor_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) { return DSTestRun(argc, argv, FactorSuite()); }
