/* Kinetics: the Bibby laws against their published values, the model's rates in its units,
 * analytic Jacobian blocks of every registered model against finite differences, and
 * quasi-positivity (a species at zero is never consumed), which keeps concentrations >= 0. */
#include "dstest.h"
#include "dsnutrient.h"

START_TEST(bibby_published_values)
{
  /* Bibby et al. 2005 (doc/parameters.md, Sources): at pH 7.4 and 5.8 kPa, Q_O2 = 6.04 and Q_lac = 171.6 nmol/10^6 cells/h */
  ck_assert_double_eq_tol(DSBibbyOxygenRate(7.4, 5.8), 6.04, 0.005);
  ck_assert_double_eq_tol(DSBibbyLactateRate(7.4, 5.8), 171.6, 0.05);
  ck_assert_double_eq_tol(DSBibbyPH(0.0), 7.4, 1e-12);
  ck_assert_double_eq_tol(DSBibbyPH(11.11), 6.4, 1e-12);
  ck_assert_double_eq_tol(DSBibbyOxygenRate(7.4, 0.0), 0.0, 1e-15);
}
END_TEST


START_TEST(nutrient_rates_in_model_units)
{
  /* 10^6 cells/mm^3 make nmol/(10^6 cells h) equal to mM/h */
  DSModel     m = DSTestCreateModel("-model nutrient -nutrient_cells_NP 1e6 -nutrient_glucose_cutoff 1e-6");
  DSPoint     pt = {DS_REGION_NP, {0, 0, 0}, 0};
  PetscScalar u[3] = {5.8 * 0.010268, 4.0, 0.0}, r[3];
  TestCall(DSModelReaction(m, &pt, u, r, NULL));
  ck_assert_double_eq_tol(r[0], -6.04, 0.005);
  ck_assert_double_eq_tol(r[2], 171.6, 0.05);
  ck_assert_double_eq_tol(r[1], -0.5 * r[2], 1e-12);
  pt.region = DS_REGION_OUTSIDE; /* no cells: no reaction */
  TestCall(DSModelReaction(m, &pt, u, r, NULL));
  ck_assert_double_eq(r[0], 0);
  TestCall(DSModelDestroy(&m));
}
END_TEST

static PetscReal Uniform(unsigned *seed, PetscReal lo, PetscReal hi) { return lo + (hi - lo) * (rand_r(seed) / (PetscReal)RAND_MAX); }

START_TEST(jacobians_match_finite_differences)
{
  PetscInt     n;
  const char **names;
  unsigned     seed = 12345;
  TestCall(DSModelGetRegisteredNames(&n, &names));
  ck_assert_int_ge(n, 2);
  for (PetscInt i = 0; i < n; i++) {
    char    opts[128];
    PetscInt nsp;
    snprintf(opts, sizeof opts, "-model %s", names[i]);
    DSModel m = DSTestCreateModel(opts);
    TestCall(DSModelGetNumSpecies(m, &nsp));
    PetscReal worst = 0;
    for (int trial = 0; trial < 200; trial++) {
      DSPoint     pt = {(DSRegion)(1 + trial % 3), {Uniform(&seed, -10, 10), 0, Uniform(&seed, 0, 10)}, Uniform(&seed, 0, 100)};
      PetscScalar u[16];
      PetscReal   err;
      for (PetscInt s = 0; s < nsp; s++) {
        const DSFieldInfo *info;
        TestCall(DSModelGetField(m, s, &info));
        u[s] = Uniform(&seed, 0.01, 2.0) * info->scale; /* away from the kinks at zero */
      }
      TestCall(DSModelCheckJacobian(m, &pt, u, &err));
      worst = PetscMax(worst, err);
    }
    printf("model %s: worst relative Jacobian error vs centred differences %.2e\n", names[i], (double)worst);
    ck_assert_double_lt(worst, 1e-5);
    TestCall(DSModelDestroy(&m));
  }
  TestCall(PetscFree(names));
}
END_TEST

START_TEST(consumption_vanishes_at_zero)
{
  DSModel     m = DSTestCreateModel("-model nutrient");
  unsigned    seed = 7;
  PetscScalar u[3], r[3];
  for (int trial = 0; trial < 300; trial++) {
    DSPoint pt = {(DSRegion)(1 + trial % 3), {0, 0, 0}, 0};
    u[0] = Uniform(&seed, 0, 0.06), u[1] = Uniform(&seed, 0, 5), u[2] = Uniform(&seed, 0, 40);
    u[trial % 2] = 0; /* oxygen or glucose exhausted */
    TestCall(DSModelReaction(m, &pt, u, r, NULL));
    ck_assert_double_ge(r[trial % 2], 0);
  }
  TestCall(DSModelDestroy(&m));
}
END_TEST

START_TEST(out_of_range_parameter_is_refused)
{
  DSModel        m;
  PetscErrorCode ierr;
  TestCall(DSTestSetOptions("-model nutrient -nutrient_cells_NP -5"));
  TestCall(DSModelCreate(PETSC_COMM_WORLD, &m));
  TestCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = DSModelSetFromOptions(m);
  TestCall(PetscPopErrorHandler());
  ck_assert_int_eq(ierr, PETSC_ERR_ARG_OUTOFRANGE);
  TestCall(DSModelDestroy(&m));
}
END_TEST

Suite *KineticsSuite(void)
{
  Suite *s  = suite_create("kinetics");
  TCase *tc = tcase_create("models");
  tcase_add_test(tc, bibby_published_values);
  tcase_add_test(tc, nutrient_rates_in_model_units);
  tcase_add_test(tc, jacobians_match_finite_differences);
  tcase_add_test(tc, consumption_vanishes_at_zero);
  tcase_add_test(tc, out_of_range_parameter_is_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) { return DSTestRun(argc, argv, KineticsSuite()); }
