/* Needle injury (doc/biology.md §9.1): the cells killed and the cytokine added along a needle
 * track against the closed forms of the track's geometry, exact transfers into the accumulator,
 * and injury off leaving a run unchanged. */
#include <unistd.h>
#include "dstest.h"
#include "dsmodelimpl.h"

static PetscReal Param(DSModel m, const char *key)
{
  PetscReal v;
  TestCall(DSModelGetParameter(m, key, &v));
  return v;
}

/* The biology model with injury active, on a mesh from options; U at its initial state. */
static void CreateInjured(const char *options, DSMesh *mesh, DSModel *model, DSProblem *prob, Vec *U)
{
  PetscBool none[64] = {PETSC_FALSE};
  PetscInt  nsp;
  DM        dm;
  TestCall(DSTestSetOptions(options));
  TestCall(DSMeshCreate(PETSC_COMM_WORLD, mesh));
  TestCall(DSMeshSetFromOptions(*mesh));
  TestCall(DSModelCreate(PETSC_COMM_WORLD, model));
  TestCall(DSModelSetFromOptions(*model));
  TestCall(DSModelSetInjury(*model, PETSC_TRUE));
  TestCall(DSModelSelectInjectables(*model, none));
  TestCall(DSModelGetNumSpecies(*model, &nsp));
  TestCall(DSMeshSetUp(*mesh, nsp));
  TestCall(DSProblemCreate(*mesh, *model, prob));
  TestCall(DSProblemGetDM(*prob, &dm));
  TestCall(DMCreateGlobalVector(dm, U));
  TestCall(DSProblemInitialState(*prob, *U));
}

static void Stored(DSProblem prob, Vec U, DSBalance b[])
{
  TestCall(DSProblemComputeBalance(prob, 0, U, b));
}

/* 3D mesh, a slanted track wholly inside the NP (7.35 mm long): killed = f v rho_NP pi r^2 L with
 * r = needle radius + margin; the natives lose exactly what the accumulator gains; the cytokine
 * gains pulse x pi r^2 L along the track plus pulse_bolus x (4/3) pi R^3 over the sphere. The
 * geometry is integrated by the midpoint rule (spacing <= r/32): 0.1 % allowed. */
START_TEST(track_in_3d_matches_the_cylinder)
{
  DSMesh    mesh;
  DSModel   model;
  DSProblem prob;
  Vec       U;
  DSBalance before[DS_MAX_SPECIES], after[DS_MAX_SPECIES];
  DSEvent   ev = {0, 0, 1, {0, 0, 6}, 2.0, "test needle", DS_REGION_OUTSIDE, PETSC_TRUE, {-5, 5, 4}, 0.25};
  PetscInt  NAT, KILL, CYT;
  CreateInjured("-model biology -mesh_type 3d -mesh_nx 20 -mesh_ny 30 -mesh_nz 12 -bio_viable_fraction 0.5 -bio_injury_kill_fraction 0.7 -bio_injury_margin 0.15 -bio_injury_cytokine_track 2 -bio_injury_cytokine_bolus 0.3", &mesh,
                &model, &prob, &U);
  TestCall(DSModelGetSpeciesIndex(model, "cells_native", &NAT));
  TestCall(DSModelGetSpeciesIndex(model, "cells_killed_injury", &KILL));
  TestCall(DSModelGetSpeciesIndex(model, "cytokine", &CYT));
  ck_assert_int_ge(KILL, 0);
  Stored(prob, U, before);
  ev.species = NAT, ev.amount = 0; /* only the injury (and a zero dose) */
  DSInjuryResult res;
  TestCall(DSProblemInjure(prob, &ev, U, &res));
  Stored(prob, U, after);
  const PetscReal r = 0.25 + 0.15, L = PetscSqrtReal(25 + 25 + 4), V = PETSC_PI * r * r * L;
  const PetscReal killed = 0.7 * 0.5 * Param(model, "bio_cells_NP") * V, pulse = 2 * V + 0.3 * 4.0 / 3.0 * PETSC_PI * 8;
  printf("3D track: damaged %.6g mm^3 (cylinder %.6g), killed %.6g cells (closed form %.6g), cytokine %.6g (closed form %.6g)\n", (double)res.damaged, (double)V, (double)(after[KILL].stored - before[KILL].stored), (double)killed,
         (double)(after[CYT].stored - before[CYT].stored), (double)pulse);
  ck_assert_double_eq_tol(res.damaged / V, 1, 1e-3);
  ck_assert_double_eq_tol((after[KILL].stored - before[KILL].stored) / killed, 1, 1e-3);
  ck_assert_double_eq_tol((before[NAT].stored - after[NAT].stored) / (after[KILL].stored - before[KILL].stored), 1, 1e-12);
  ck_assert_double_eq_tol((after[CYT].stored - before[CYT].stored) / pulse, 1, 1e-3);
  ck_assert_double_eq_tol((after[CYT].stored - before[CYT].stored) / (res.pulse_track + res.pulse_bolus), 1, 1e-12);
  TestCall(VecDestroy(&U));
  TestCall(DSTestDestroy(&mesh, &model, &prob));
}
END_TEST

/* The program on the axisymmetric mesh: an 18 G needle (ISO 9626: 1.2 mm) on the default
 * posterolateral track from the outer surface (20 mm) to the NP centre, at t = 0. The track
 * crosses 12.8 mm of NP and 7.2 mm of AF at mid-height: killed = f v pi r^2 (rho_NP 12.8 +
 * rho_AF 7.2), in the t = 0 output; cytokine_injected = pulse pi r^2 20 + pulse_bolus V. Then
 * 0.1 % allowed (the midpoint rule over the rings). Then the same run with injury explicitly off gives the CSV of the run without the key, byte for byte. */
START_TEST(program_track_and_injury_off)
{
  static char opts[2048], dir[] = "/tmp/dstestXXXXXX", csv[512], header[65536], last[65536], first[65536];
  static char base[65536];
  const char *common = "-model biology -mesh_type axisymmetric -mesh_nr 40 -mesh_nz 20 -bio_viable_fraction 0.4 -injection1_what bmsc -injection1_dose 1e6 -injection1_volume 100 -time_final 2 -output_times 0 -quiet";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(csv, sizeof csv, "%s/a.csv", dir);
  snprintf(opts, sizeof opts, "%s -injection1_injury true -injection1_needle_gauge 18 -bio_injury_kill_fraction 0.8 -bio_injury_margin 0.1 -bio_injury_cytokine_track 3 -bio_injury_cytokine_bolus 0.2 -output_file %s/a.exo -output_csv %s", common, dir, csv);
  TestCall(DSTestRunProgram(opts, csv, header, sizeof header, last, sizeof last));
  FILE *f = fopen(csv, "r");
  ck_assert_ptr_nonnull(f);
  ck_assert_ptr_nonnull(fgets(first, sizeof first, f)); /* header */
  ck_assert_ptr_nonnull(fgets(first, sizeof first, f)); /* t = 0 */
  fclose(f);
  const PetscReal r = 0.6 + 0.1, A = PETSC_PI * r * r;
  const PetscReal killed = 0.8 * 0.4 * A * (4000 * 12.8 + 9000 * 7.2), cyt = 3 * A * 20 + 0.2 * 100;
  PetscReal       got = DSTestCSVValue(header, first, "cells_killed_injury_disc"), gcyt = DSTestCSVValue(header, first, "cytokine_injected");
  printf("18 G track at t = 0: killed %.6g cells (closed form %.6g), cytokine injected %.6g (closed form %.6g)\n", (double)got, (double)killed, (double)gcyt, (double)cyt);
  ck_assert_double_eq_tol(got / killed, 1, 1e-3);
  ck_assert_double_eq_tol(gcyt / cyt, 1, 1e-3);
  /* injury off: identical to no key */
  for (int k = 0; k < 2; k++) {
    snprintf(csv, sizeof csv, "%s/off%d.csv", dir, k);
    snprintf(opts, sizeof opts, "%s %s -output_file %s/off%d.exo -output_csv %s", common, k ? "-injection1_injury false" : "", dir, k, csv);
    TestCall(DSTestRunProgram(opts, csv, header, sizeof header, last, sizeof last));
    if (k == 0) memcpy(base, last, sizeof base);
  }
  ck_assert_str_eq(base, last);
  ck_assert_ptr_null(strstr(header, "killed"));
}
END_TEST

Suite *InjurySuite(void)
{
  Suite *s  = suite_create("injury");
  TCase *tc = tcase_create("needle injury");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, track_in_3d_matches_the_cylinder);
  tcase_add_test(tc, program_track_and_injury_off);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) { return DSTestRun(argc, argv, InjurySuite()); }
