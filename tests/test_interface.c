/* The model interface (models/dsmodel.c): a model that leaves out a required operation, breaks
 * a limit or refers to a field it does not have is refused when its type is set, with one line
 * that names the model and what is wrong; a species a model declares signed is not forced to
 * stay >= 0 by the integrator. */
#include "dstest.h"
#include "dsmodelimpl.h"
#include "dsintegrator.h"

static PetscErrorCode NoOpSetUp(DSModel m) { return PETSC_SUCCESS; }
static PetscErrorCode NoOpReaction(DSModel m, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[]) { return PETSC_SUCCESS; }
static PetscErrorCode NoOpBoundary(DSModel m, DSFaceKind k, const DSPoint *pt, DSBCType bc[], PetscScalar v[]) { return PETSC_SUCCESS; }
static PetscErrorCode NoOpInitial(DSModel m, const DSPoint *pt, PetscScalar u[]) { return PETSC_SUCCESS; }

static const DSFieldInfo two_fields[] = {{"a", "mM", "a species", 1}, {"b", "1", "a diagnostic", 1}};
static const DSFigure    bad_figure[] = {{"b_at_centre", "1", 2, DS_FIGURE_AT_CENTRE, DS_REGION_NP, 0, -1}}; /* field 2 does not exist */
static const DSInjectable bad_injectable[] = {{"x", "x dose", NULL, NULL}};

/* A complete model of one species and one diagnostic, then one defect per variant. */
static PetscErrorCode CreateVariant(DSModel m, int defect)
{
  PetscFunctionBeginUser;
  m->nspecies = 1, m->ndiag = 0, m->fields = two_fields;
  m->ops      = (DSModelOps){.setup = NoOpSetUp, .reaction = NoOpReaction, .boundary = NoOpBoundary, .initial = NoOpInitial};
  switch (defect) {
  case 1: m->ops.reaction = NULL; break;
  case 2: m->ops.initial = NULL; break;
  case 3: m->ndiag = 1; break; /* diagnostics without the operation */
  case 4: m->nspecies = DS_MAX_SPECIES + 1; break;
  case 5: m->nfigures = 1, m->figures = bad_figure; break;
  case 6: m->fields = NULL; break;
  case 7: m->ninjectables = 1, m->injectables = bad_injectable; break;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode Create0(DSModel m) { return CreateVariant(m, 0); }
static PetscErrorCode Create1(DSModel m) { return CreateVariant(m, 1); }
static PetscErrorCode Create2(DSModel m) { return CreateVariant(m, 2); }
static PetscErrorCode Create3(DSModel m) { return CreateVariant(m, 3); }
static PetscErrorCode Create4(DSModel m) { return CreateVariant(m, 4); }
static PetscErrorCode Create5(DSModel m) { return CreateVariant(m, 5); }
static PetscErrorCode Create6(DSModel m) { return CreateVariant(m, 6); }
static PetscErrorCode Create7(DSModel m) { return CreateVariant(m, 7); }

START_TEST(incomplete_models_are_refused_by_name)
{
  PetscErrorCode (*create[])(DSModel) = {Create0, Create1, Create2, Create3, Create4, Create5, Create6, Create7};
  const char *expect[] = {NULL,
                          "model 'variant1' is incomplete: it provides no 'reaction' operation",
                          "model 'variant2' is incomplete: it provides no 'initial' operation",
                          "model 'variant3' is incomplete: it provides no 'diagnostics' operation",
                          "model 'variant4' has 33 species: allowed 1 to 32",
                          "model 'variant5': key figure 'b_at_centre' refers to field 2, but the model has 1 fields",
                          "model 'variant6' is incomplete: no field table",
                          "model 'variant7': injectable 0 has no name or species"};
  for (int v = 0; v < 8; v++) {
    char    name[32];
    DSModel m;
    snprintf(name, sizeof name, "variant%d", v);
    TestCall(DSModelRegister(name, create[v]));
    TestCall(DSModelCreate(PETSC_COMM_WORLD, &m));
    DSTestErrorMessage[0] = 0;
    TestCall(PetscPushErrorHandler(DSTestRecordError, NULL));
    PetscErrorCode ierr = DSModelSetType(m, name);
    TestCall(PetscPopErrorHandler());
    printf("%s: %s\n", name, ierr ? DSTestErrorMessage : "accepted");
    if (!expect[v]) ck_assert_int_eq(ierr, 0);
    else {
      ck_assert_int_ne(ierr, 0);
      ck_assert_msg(strstr(DSTestErrorMessage, expect[v]), "%s: message '%s' lacks '%s'", name, DSTestErrorMessage, expect[v]);
      ck_assert_msg(!strchr(DSTestErrorMessage, '\n'), "%s: the message is not one line", name);
    }
    TestCall(DSModelDestroy(&m));
  }
}
END_TEST

/* test_linear declares its species signed. Zero-order uptake Q on a slab held at C0 at both
 * ends: u = C0 - Q (L^2 - s^2)/(2D) (s from the centre) is negative in the middle for
 * Q L^2/(2D) > C0. CVODE integrated to steady state must reach it; an integrator that forced
 * u >= 0 could not. */
static PetscReal SlabExact(const PetscReal x[3])
{
  PetscReal s = x[2] - 5;
  return 0.5 - 0.1 * (25 - s * s) / (2 * 1.8);
}

START_TEST(signed_species_follow_their_negative_closed_form)
{
  DSMesh       mesh;
  DSModel      model;
  DSProblem    prob;
  DSIntegrator integ;
  DM           dm;
  Vec          U;
  PetscReal    l2, linf, h, umin;
  memset(&ds_test, 0, sizeof ds_test);
  for (PetscInt r = 0; r < DS_NUM_REGIONS; r++) ds_test.D[r] = 1.8;
  ds_test.C0 = 0.5, ds_test.Q = 0.1; /* centre value 0.5 - 0.1 x 25 / 3.6 = -0.1944 mM */
  TestCall(DSTestCreate("-model test_linear -mesh_type slab -mesh_height 10 -mesh_cep_thickness 0 -mesh_nz 100 -time_final 1000 -time_steady -time_steady_tol 1e-10 -cvode_rtol 1e-8", &mesh, &model, &prob));
  TestCall(DSProblemGetDM(prob, &dm));
  TestCall(DMCreateGlobalVector(dm, &U));
  TestCall(DSProblemInitialState(prob, U));
  TestCall(DSIntegratorCreate(prob, &integ));
  TestCall(DSIntegratorSetFromOptions(integ));
  TestCall(DSIntegratorSetProgress(integ, PETSC_FALSE));
  TestCall(DSIntegratorSolve(integ, U));
  TestCall(VecMin(U, NULL, &umin));
  TestCall(DSTestError(prob, U, SlabExact, &l2, &linf, &h));
  printf("signed species: minimum %.6f mM (closed form at the centre -0.194444), max error %.2e mM\n", (double)umin, (double)linf);
  ck_assert_double_lt(umin, -0.19);
  ck_assert_double_lt(linf, 1.5e-4); /* discretisation error of the half-cell Dirichlet faces: 6.9e-5 at 100 cells */
  TestCall(VecDestroy(&U));
  TestCall(DSIntegratorDestroy(&integ));
  TestCall(DSTestDestroy(&mesh, &model, &prob));
}
END_TEST

Suite *InterfaceSuite(void)
{
  Suite *s  = suite_create("interface");
  TCase *tc = tcase_create("model interface");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, incomplete_models_are_refused_by_name);
  tcase_add_test(tc, signed_species_follow_their_negative_closed_form);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) { return DSTestRun(argc, argv, InterfaceSuite()); }
