/* The Newton matrix of the implicit steps: the assembled Jacobian of the whole discrete system
 * (diffusion, boundary faces, reactions, outside cells) against centred differences of its
 * right-hand side, and the two identities that let the integrator keep P = I - gP J without J
 * (solver/ts/dsnewtonimpl.h), against products with the explicitly assembled J. Runs on 1 and
 * 2 ranks (ghost couplings). The steady Newton solver's state against a much tighter solve. */
#include "dstest.h"
#include "dsnewtonimpl.h"
#include "dssteady.h"

typedef struct {
  DSMesh    mesh;
  DSModel   model;
  DSProblem prob;
  Vec       U, v, Jv, work;
  Mat       J;
} Setting;

/* a rough, far-from-steady state (initial state times [0.2, 1.8)) and a direction v of the same
 * magnitudes per unknown, random sign; J = dF/dU at U */
static void SettingCreate(const char options[], unsigned seed, Setting *s)
{
  DM           dm;
  PetscScalar *u, *v;
  PetscInt     n;

  TestCall(DSTestCreate(options, &s->mesh, &s->model, &s->prob));
  TestCall(DSProblemGetDM(s->prob, &dm));
  TestCall(DMCreateGlobalVector(dm, &s->U));
  TestCall(VecDuplicate(s->U, &s->v));
  TestCall(VecDuplicate(s->U, &s->Jv));
  TestCall(VecDuplicate(s->U, &s->work));
  TestCall(DSProblemInitialState(s->prob, s->U));
  TestCall(VecGetLocalSize(s->U, &n));
  TestCall(VecGetArray(s->U, &u));
  TestCall(VecGetArray(s->v, &v));
  for (PetscInt i = 0; i < n; i++) {
    u[i] *= DSTestUniform(&seed, 0.2, 1.8);
    v[i] = u[i] * DSTestUniform(&seed, -1, 1);
  }
  TestCall(VecRestoreArray(s->v, &v));
  TestCall(VecRestoreArray(s->U, &u));
  TestCall(DSProblemCreateMatrix(s->prob, &s->J));
  TestCall(DSProblemComputeJacobian(s->prob, 0, s->U, s->J));
  TestCall(MatMult(s->J, s->v, s->Jv));
}

static void SettingDestroy(Setting *s)
{
  TestCall(MatDestroy(&s->J));
  TestCall(VecDestroy(&s->U));
  TestCall(VecDestroy(&s->v));
  TestCall(VecDestroy(&s->Jv));
  TestCall(VecDestroy(&s->work));
  TestCall(DSTestDestroy(&s->mesh, &s->model, &s->prob));
}

/* |a - b|_2 / |b|_2 */
static PetscReal RelativeDifference(Vec a, Vec b, Vec work)
{
  PetscReal d, nb;
  TestCall(VecWAXPY(work, -1.0, b, a));
  TestCall(VecNorm(work, NORM_2, &d));
  TestCall(VecNorm(b, NORM_2, &nb));
  ck_assert_double_gt(nb, 0);
  return d / nb;
}

static const char *settings[] = {
  "-model nutrient -mesh_type axisymmetric -mesh_nr 24 -mesh_nz 12",
  "-model nutrient -mesh_type 3d -mesh_nx 10 -mesh_ny 12 -mesh_nz 6",
  "-model biology -mesh_type axisymmetric -mesh_nr 16 -mesh_nz 8",
  "-model nutrient -mesh_type axisymmetric -mesh_nr 24 -mesh_nz 12 -endplate_patch1_shape ring -endplate_patch1_r1 0.3 -endplate_patch1_r2 0.6 -endplate_patch1_factor 0.2",
};

/* J v against (F(U + e v) - F(U - e v)) / 2e: O(e^2) truncation plus round-off eps |F| / e;
 * a missing or wrong coupling (a face, a boundary term, a ghost) shows as O(1) */
START_TEST(assembled_jacobian_matches_rhs_differences)
{
  for (size_t c = 0; c < sizeof settings / sizeof settings[0]; c++) {
    Setting   s;
    Vec       Up, Fp, Fm, fd;
    PetscReal err, eps = 1e-5;
    SettingCreate(settings[c], 17 + (unsigned)c, &s);
    TestCall(VecDuplicate(s.U, &Up));
    TestCall(VecDuplicate(s.U, &Fp));
    TestCall(VecDuplicate(s.U, &Fm));
    TestCall(VecDuplicate(s.U, &fd));
    TestCall(VecWAXPY(Up, eps, s.v, s.U));
    TestCall(DSProblemComputeRHS(s.prob, 0, Up, Fp));
    TestCall(VecWAXPY(Up, -eps, s.v, s.U));
    TestCall(DSProblemComputeRHS(s.prob, 0, Up, Fm));
    TestCall(VecWAXPY(fd, -1.0, Fm, Fp));
    TestCall(VecScale(fd, 0.5 / eps));
    err = RelativeDifference(s.Jv, fd, s.work);
    TestCall(PetscPrintf(PETSC_COMM_WORLD, "%s: |J v - centred difference| / |difference| = %.2e\n", settings[c], (double)err));
    ck_assert_double_lt(err, 1e-6);
    /* again after in-place re-assemblies (values written into the fixed pattern, another path):
     * first at another state, so that stale values would show */
    TestCall(DSProblemComputeJacobian(s.prob, 0, Up, s.J));
    TestCall(DSProblemComputeJacobian(s.prob, 0, s.U, s.J));
    TestCall(MatMult(s.J, s.v, s.Jv));
    err = RelativeDifference(s.Jv, fd, s.work);
    TestCall(PetscPrintf(PETSC_COMM_WORLD, "%s, re-assembled in place: |J v - centred difference| / |difference| = %.2e\n", settings[c], (double)err));
    ck_assert_double_lt(err, 1e-6);
    TestCall(VecDestroy(&Up));
    TestCall(VecDestroy(&Fp));
    TestCall(VecDestroy(&Fm));
    TestCall(VecDestroy(&fd));
    SettingDestroy(&s);
  }
}
END_TEST

/* |P v - (v - g J v)| / (|v| + g |J v|), with J v from the assembled J */
static PetscReal NewtonResidual(Setting *s, Mat P, PetscReal g)
{
  Vec       Pv, ref;
  PetscReal d, nv, njv;
  TestCall(VecDuplicate(s->U, &Pv));
  TestCall(VecDuplicate(s->U, &ref));
  TestCall(MatMult(P, s->v, Pv));
  TestCall(VecWAXPY(ref, -g, s->Jv, s->v));
  TestCall(VecAXPY(Pv, -1.0, ref));
  TestCall(VecNorm(Pv, NORM_2, &d));
  TestCall(VecNorm(s->v, NORM_2, &nv));
  TestCall(VecNorm(s->Jv, NORM_2, &njv));
  TestCall(VecDestroy(&Pv));
  TestCall(VecDestroy(&ref));
  return d / (nv + g * njv);
}

/* P formed at gP, then rescaled along a sequence of gammas as CVODE does between set-ups (each
 * within 30 % of the last, drifting to 3x and back below gP): P v = v - g J v and J v recovered
 * from P agree with the assembled J to round-off. gP spans g |J| from 1e-3 (tiny first steps,
 * where J v from P loses the most) to 1e3 (long steps). */
START_TEST(newton_matrix_rescale_and_jacobian_products)
{
  const PetscReal drift[] = {1.25, 1.25, 1.25, 1.25, 1.25, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.75};
  for (size_t c = 0; c < sizeof settings / sizeof settings[0]; c++) {
    Setting   s;
    PetscReal normJ;
    SettingCreate(settings[c], 29 + (unsigned)c, &s);
    TestCall(MatNorm(s.J, NORM_INFINITY, &normJ));
    for (int e = 0; e < 3; e++) {
      const PetscReal gJ = e == 0 ? 1e-3 : e == 1 ? 1.0 : 1e3;
      Mat       P;
      Vec       JvP;
      PetscReal g = gJ / normJ, worst_P, worst_Jv;
      TestCall(MatDuplicate(s.J, MAT_COPY_VALUES, &P));
      TestCall(VecDuplicate(s.U, &JvP));
      TestCall(DSNewtonMatrixFromJacobian(P, g));
      worst_P = NewtonResidual(&s, P, g);
      TestCall(DSNewtonMatrixJacobianTimes(P, g, s.v, JvP));
      worst_Jv = RelativeDifference(JvP, s.Jv, s.work);
      for (size_t k = 0; k < sizeof drift / sizeof drift[0]; k++) {
        PetscReal gnew = g * drift[k];
        TestCall(DSNewtonMatrixRescale(P, g, gnew));
        g        = gnew;
        worst_P  = PetscMax(worst_P, NewtonResidual(&s, P, g));
        TestCall(DSNewtonMatrixJacobianTimes(P, g, s.v, JvP));
        worst_Jv = PetscMax(worst_Jv, RelativeDifference(JvP, s.Jv, s.work));
      }
      TestCall(PetscPrintf(PETSC_COMM_WORLD, "%s, gP |J| = %g: worst |P v - (v - g J v)| %.2e, worst |J v from P - J v| / |J v| %.2e over %d rescales\n", settings[c], (double)gJ, (double)worst_P, (double)worst_Jv, (int)(sizeof drift / sizeof drift[0])));
      ck_assert_double_lt(worst_P, 1e-13);
      /* J v from P loses about eps (1 + g|J|)/(g|J|) relative to |J v| (dsnewtonimpl.h) */
      ck_assert_double_lt(worst_Jv, 100 * PETSC_MACHINE_EPSILON * (1 + 1 / gJ));
      TestCall(VecDestroy(&JvP));
      TestCall(MatDestroy(&P));
    }
    SettingDestroy(&s);
  }
}
END_TEST

/* a non-positive gamma is refused, not turned into a singular or sign-flipped matrix */
START_TEST(nonpositive_gamma_is_refused)
{
  Setting s;
  SettingCreate(settings[0], 3, &s);
  TestCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ck_assert_int_ne(DSNewtonMatrixFromJacobian(s.J, 0), 0);
  ck_assert_int_ne(DSNewtonMatrixRescale(s.J, 1e-3, -1e-3), 0);
  TestCall(PetscPopErrorHandler());
  SettingDestroy(&s);
}
END_TEST

/* The steady Newton solve ends its last linear solve once |F + J s| is half the Newton tolerance
 * (solver/ts/dssteady.c). The state it returns must meet that tolerance, max(atol, rtol |F0|)
 * with the defaults 1e-10, and agree with a solve to |F| ~ 1e-12 far below the 6 significant
 * digits the program prints (limit 1e-8 of each species' maximum). */
static void SteadySolve(DSProblem prob, const char options[], Vec U, DSSteadyStats *st)
{
  DSSteady s;
  TestCall(PetscOptionsClearValue(NULL, "-steady_snes_rtol"));
  TestCall(PetscOptionsClearValue(NULL, "-steady_snes_atol"));
  TestCall(PetscOptionsInsertString(NULL, options));
  TestCall(DSProblemInitialState(prob, U));
  TestCall(DSSteadyCreate(prob, U, &s));
  TestCall(DSSteadySolve(s, U, st));
  TestCall(DSSteadyDestroy(&s));
  ck_assert_int_gt(st->reason, 0);
}

START_TEST(steady_newton_meets_its_tolerance)
{
  const char   *cases[] = {"-model nutrient -mesh_type 3d -mesh_nx 26 -mesh_ny 40 -mesh_nz 16", "-model nutrient -mesh_type axisymmetric -mesh_nr 100 -mesh_nz 50"};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    DSMesh        mesh;
    DSModel       model;
    DSProblem     prob;
    DM            dm;
    Vec           U, Ut, F;
    DSSteadyStats st, stt;
    PetscReal     f0, diff[3], size[3], worst = 0;
    TestCall(DSTestCreate(cases[c], &mesh, &model, &prob));
    TestCall(DSProblemGetDM(prob, &dm));
    TestCall(DMCreateGlobalVector(dm, &U));
    TestCall(VecDuplicate(U, &Ut));
    TestCall(VecDuplicate(U, &F));
    TestCall(DSProblemInitialState(prob, U));
    TestCall(DSProblemComputeRHS(prob, 0, U, F));
    TestCall(VecNorm(F, NORM_2, &f0));
    SteadySolve(prob, "", U, &st);
    SteadySolve(prob, "-steady_snes_rtol 1e-20 -steady_snes_atol 1e-12", Ut, &stt);
    TestCall(VecAXPY(U, -1.0, Ut));
    TestCall(VecStrideNormAll(U, NORM_INFINITY, diff));
    TestCall(VecStrideNormAll(Ut, NORM_INFINITY, size));
    for (int s = 0; s < 3; s++) worst = PetscMax(worst, diff[s] / size[s]);
    TestCall(PetscPrintf(PETSC_COMM_WORLD, "%s: |F| %.2e after %d Newton / %d linear iterations (tolerance %.2e); tight solve |F| %.2e after %d / %d; largest difference %.2e of a species' maximum\n", cases[c], (double)st.residual, (int)st.newton_iters, (int)st.linear_iters, (double)PetscMax(1e-10, 1e-10 * f0), (double)stt.residual, (int)stt.newton_iters, (int)stt.linear_iters, (double)worst));
    ck_assert_double_le(st.residual, PetscMax(1e-10, 1e-10 * f0));
    ck_assert_double_le(stt.residual, 1e-11);
    ck_assert_double_lt(worst, 1e-8);
    TestCall(VecDestroy(&U));
    TestCall(VecDestroy(&Ut));
    TestCall(VecDestroy(&F));
    TestCall(DSTestDestroy(&mesh, &model, &prob));
  }
}
END_TEST

int main(int argc, char **argv)
{
  Suite *suite = suite_create("newton");
  TCase *tc    = tcase_create("newton");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, assembled_jacobian_matches_rhs_differences);
  tcase_add_test(tc, newton_matrix_rescale_and_jacobian_products);
  tcase_add_test(tc, nonpositive_gamma_is_refused);
  tcase_add_test(tc, steady_newton_meets_its_tolerance);
  suite_add_tcase(suite, tc);
  return DSTestRun(argc, argv, suite);
}
