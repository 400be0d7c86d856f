/* The "biology" model (models/biology/): death thresholds, matrix homeostasis and turnover
 * constants (Sivan 2006/2008), exact exosome bookkeeping, cargo decay, expansion of the injection
 * schedule, quasi-positivity, metabolism against the nutrient model, presets, and the analytic
 * Jacobian at wide random states (low glucose, acid, all MSC types, cargo). Expected values are
 * computed here from the published constants, not from the model's internals. */
#include <string.h>
#include "dstest.h"
#include "dsnutrient.h"
#include "biology.h"

#define ALPHA    0.010268 /* mM/kPa */
#define LN2      0.69314718055994530942
#define HOURS_YR (365.25 * 24)




/* the healthy state of a region from the model's initial condition, with the given glucose and pH */
static void HealthyState(DSModel m, DSRegion region, PetscReal G, PetscReal pH, PetscScalar u[])
{
  DSPoint pt = {region, {0, 0, 5.5}, 0};
  TestCall(DSModelInitial(m, &pt, u));
  u[DSTestSpecies(m, "oxygen")]  = 2.0 * ALPHA;
  u[DSTestSpecies(m, "glucose")] = G;
  u[DSTestSpecies(m, "lactate")] = (7.4 - pH) * 11.11;
}

static const char *MSC_ALL = "-injection1_what bmsc -injection1_dose 1e6 -injection2_what amsc -injection2_dose 1e6 -injection3_what npmsc -injection3_dose 1e6 "
                             "-injection4_what exo_bmsc -injection4_dose 1e10";

START_TEST(death_switches_at_thresholds)
{
  char        opts[512];
  /* the NPMSC laws with the values written here (not the defaults): pH threshold 6.5, acid death 0.5, no osmotic death */
  snprintf(opts, sizeof opts, "-model biology -bio_NPMSC_proliferation_rate 0 -bio_NPMSC_pH_threshold 6.5 -bio_NPMSC_acid_death_rate 0.5 -bio_NPMSC_osmotic_death_rate 0 %s", MSC_ALL);
  DSModel     m = DSTestCreateModel(opts);
  DSPoint     pt = {DS_REGION_NP, {0, 0, 5.5}, 0};
  PetscScalar u[16], r[16];
  PetscInt    NAT = DSTestSpecies(m, "cells_native"), NPM = DSTestSpecies(m, "cells_NPMSC"), GLC = DSTestSpecies(m, "glucose"), LAC = DSTestSpecies(m, "lactate"), EXI = DSTestSpecies(m, "exo_bmsc_internal");
  ck_assert_int_ge(NPM, 0);

  /* glucose: threshold 0.5 mM, Zhu law alpha = -2 (0.5 - G)/(G + 0.5) per day (K = 0.5 mM) */
  HealthyState(m, DS_REGION_NP, 2, 7.1, u);
  u[NPM] = 1000;
  const PetscReal above[] = {0.5 + 1e-12, 0.5, 0.5 + 1e-6, 3.0};
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(above); i++) {
    u[GLC] = above[i];
    TestCall(DSModelReaction(m, &pt, u, r, NULL));
    ck_assert_msg(r[NAT] == 0, "native death at G = %.15g mM >= threshold: %g", (double)above[i], (double)r[NAT]);
  }
  const PetscReal below[] = {0.5 - 1e-9, 0.4, 0.1, 0.0};
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(below); i++) {
    PetscReal G = below[i], expect = 4000 * (-2.0 * (0.5 - G) / (G + 0.5)) / 24.0;
    u[GLC] = G;
    TestCall(DSModelReaction(m, &pt, u, r, NULL));
    ck_assert_double_lt(r[NAT], 0);
    ck_assert_double_eq_tol(r[NAT], expect, 1e-12 * PetscAbsReal(expect) + 1e-300);
    ck_assert_double_eq_tol(r[NPM], 1000 * (-2.0 * (0.5 - G) / (G + 0.5)) / 24.0, 1e-12 * PetscAbsReal(expect) + 1e-300); /* NPMSC: same glucose threshold */
  }
  ck_assert_double_eq(DSBioGlucoseDeathRate(0.5, 0.5, 0.5, 2), 0);
  ck_assert_double_eq_tol(DSBioGlucoseDeathRate(0.0, 0.5, 0.5, 2), -2.0, 1e-15);

  /* pH: natives 6.78, NPMSC 6.5 (acid tolerant); acid death k (pH_th - pH) per day, k = 1 (native), 0.5 (NPMSC) */
  u[GLC] = 2;
  const PetscReal pHs[] = {6.78 + 1e-9, 6.7, 6.5 + 1e-9, 6.3};
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(pHs); i++) {
    u[LAC] = (7.4 - pHs[i]) * 11.11;
    PetscReal pH = DSBibbyPH(u[LAC]);
    TestCall(DSModelReaction(m, &pt, u, r, NULL));
    PetscReal nat = pH >= 6.78 ? 0 : 4000 * (-1.0 * (6.78 - pH)) / 24.0, npm = pH >= 6.5 ? 0 : 1000 * (-0.5 * (6.5 - pH)) / 24.0;
    if (nat == 0) ck_assert_msg(r[NAT] == 0, "native death at pH %.12g: %g", (double)pH, (double)r[NAT]);
    else ck_assert_double_eq_tol(r[NAT], nat, 1e-12 * PetscAbsReal(nat));
    if (npm == 0) ck_assert_msg(r[NPM] == 0, "NPMSC death at pH %.12g: %g", (double)pH, (double)r[NPM]);
    else ck_assert_double_eq_tol(r[NPM], npm, 1e-12 * PetscAbsReal(npm));
  }
  /* cargo at EC50 halves the largest reduction: BMSC exosomes Emax_death = 0.5, so death x 0.75 */
  u[LAC] = (7.4 - 6.5) * 11.11;
  u[EXI] = 1e6;
  PetscReal pH = DSBibbyPH(u[LAC]);
  TestCall(DSModelReaction(m, &pt, u, r, NULL));
  ck_assert_double_eq_tol(r[NAT], 0.75 * 4000 * (-(6.78 - pH)) / 24.0, 1e-12 * 4000);
  TestCall(DSModelDestroy(&m));
}
END_TEST

START_TEST(matrix_homeostasis_and_turnover)
{
  DSModel         m = DSTestCreateModel("-model biology");
  PetscScalar     u[16], r[16];
  PetscInt        AGG = DSTestSpecies(m, "aggrecan"), COL = DSTestSpecies(m, "collagen2"), MMP = DSTestSpecies(m, "mmp"), NAT = DSTestSpecies(m, "cells_native"), CYT = DSTestSpecies(m, "cytokine");
  const DSRegion  regions[3] = {DS_REGION_NP, DS_REGION_AF, DS_REGION_CEP};
  const PetscReal rho[3] = {4000, 9000, 15000}, agg_years[3] = {12, 11.2, 12};
  const PetscReal kA_NP = LN2 / (12 * HOURS_YR);

  for (int ir = 0; ir < 3; ir++) {
    DSPoint pt = {regions[ir], {0, 0, 5.5}, 0};
    for (PetscReal G = 1.5; G <= 4.0; G += 0.5)
      for (PetscReal pH = 6.97; pH <= 7.33 + 1e-9; pH += 0.09) {
        HealthyState(m, regions[ir], G, pH, u);
        ck_assert_double_eq(u[NAT], rho[ir]);
        ck_assert_double_eq(u[AGG], 1);
        ck_assert_double_eq(u[COL], 1);
        ck_assert_double_eq(u[MMP], 1);
        ck_assert_double_eq(u[CYT], 0);
        TestCall(DSModelReaction(m, &pt, u, r, NULL));
        ck_assert_msg(PetscAbsReal(r[AGG]) <= 1e-15 * kA_NP, "aggrecan not stationary in %s at G %g pH %g: %g", DSRegionNames[regions[ir]], (double)G, (double)pH, (double)r[AGG]);
        ck_assert_msg(PetscAbsReal(r[COL]) <= 1e-15 * kA_NP, "collagen2 not stationary: %g", (double)r[COL]);
        ck_assert_msg(PetscAbsReal(r[MMP]) <= 1e-15, "mmp not stationary: %g", (double)r[MMP]);
        ck_assert_msg(r[NAT] == 0 && r[CYT] == 0, "cells or cytokine not stationary: %g %g", (double)r[NAT], (double)r[CYT]);
      }
    /* synthesis off (no cells), MMP at 1: the effective first-order decay is ln 2 / half-life */
    HealthyState(m, regions[ir], 3, 7.1, u);
    u[NAT] = 0, u[AGG] = 0.7, u[COL] = 0.9;
    TestCall(DSModelReaction(m, &pt, u, r, NULL));
    ck_assert_double_eq_tol(-r[AGG] / u[AGG], LN2 / (agg_years[ir] * HOURS_YR), 1e-12 * kA_NP);
    ck_assert_double_eq_tol(-r[COL] / u[COL], LN2 / (95 * HOURS_YR), 1e-12 * kA_NP);
    /* MMP relaxes to 0 with its 24 h half-life when nothing produces it */
    ck_assert_double_eq_tol(-r[MMP] / u[MMP], LN2 / 24, 1e-14);
  }
  TestCall(DSModelDestroy(&m));
}
END_TEST

/* every source injected: four vesicle pools, each a closed set of transfers whose boundary outflux
 * goes to its own leaked species */
static const char *EXO_ALL = "-injection5_what exo_amsc -injection5_dose 1e9 -injection6_what exo_imsc -injection6_dose 1e9 -injection7_what exo_plmsc -injection7_dose 1e9";
static const char *EXO_SOURCES[4] = {"exo_bmsc", "exo_amsc", "exo_imsc", "exo_plmsc"};
static const char *POOL_SUFFIX[5] = {"free", "internal", "degraded", "cleared", "leaked"};

static void PoolSpecies(DSModel m, const char *what, PetscInt sp[5]) { DSTestPoolSpecies(m, what, POOL_SUFFIX, 5, sp); }

START_TEST(exosome_transfers_conserve)
{
  char     opts[1024];
  unsigned seed = 99;
  snprintf(opts, sizeof opts, "-model biology %s %s", MSC_ALL, EXO_ALL);
  DSModel  m = DSTestCreateModel(opts);
  PetscInt nsp, sp[4][5], sink;
  TestCall(DSModelGetNumSpecies(m, &nsp));
  ck_assert_int_eq(nsp, 11 + 4 * 5);
  for (int k = 0; k < 4; k++) PoolSpecies(m, EXO_SOURCES[k], sp[k]);
  for (PetscInt s = 0; s < nsp; s++) {
    PetscInt expect = -1;
    for (int k = 0; k < 4; k++)
      if (s == sp[k][0]) expect = sp[k][4];
    TestCall(DSModelGetBoundarySink(m, s, &sink));
    ck_assert_int_eq(sink, expect);
  }
  PetscReal worst = 0;
  for (int trial = 0; trial < 500; trial++) {
    DSPoint     pt = {(DSRegion)(1 + trial % 3), {0, 0, 0}, 0};
    PetscScalar u[DS_MAX_SPECIES], r[DS_MAX_SPECIES];
    DSTestRandomState(m, &seed, u);
    for (int k = 0; k < 4; k++) u[sp[k][0]] *= DSTestUniform(&seed, 0, 1000);
    TestCall(DSModelReaction(m, &pt, u, r, NULL));
    for (int k = 0; k < 4; k++) {
      ck_assert_double_eq(r[sp[k][4]], 0);
      worst = PetscMax(worst, DSTestPoolImbalance(r, sp[k], 5));
    }
  }
  printf("exosome transfers, 4 pools: worst |sum of a pool's rates| / sum |rates| = %.2e\n", (double)worst);
  ck_assert_double_le(worst, 1e-15);
  TestCall(DSModelDestroy(&m));
}
END_TEST

START_TEST(cargo_decays_with_its_half_life)
{
  const PetscReal halves[] = {24, 11, 34};
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(halves); i++) {
    char opts[128];
    if (i) snprintf(opts, sizeof opts, "-model biology -injection1_what exo_bmsc -injection1_dose 1e9 -bio_exo_bmsc_cargo_half_life %g", (double)halves[i]);
    else snprintf(opts, sizeof opts, "-model biology -injection1_what exo_bmsc -injection1_dose 1e9"); /* the default: 24 h */
    DSModel     m = DSTestCreateModel(opts);
    DSPoint     pt = {DS_REGION_NP, {0, 0, 5.5}, 0};
    PetscScalar u[16], r[16];
    PetscInt    EXF = DSTestSpecies(m, "exo_bmsc_free"), EXI = DSTestSpecies(m, "exo_bmsc_internal"), EXD = DSTestSpecies(m, "exo_bmsc_degraded");
    HealthyState(m, DS_REGION_NP, 3, 7.1, u);
    u[EXF] = 0, u[EXI] = 3.7e7;
    TestCall(DSModelReaction(m, &pt, u, r, NULL));
    ck_assert_double_eq_tol(-r[EXI] / u[EXI], LN2 / halves[i], 1e-14);
    ck_assert_double_eq_tol(r[EXD], -r[EXI], 1e-14 * PetscAbsReal(r[EXI]));
    TestCall(DSModelDestroy(&m));
  }
}
END_TEST

START_TEST(schedule_expands)
{
  DSModel        m = DSTestCreateModel("-model biology -mesh_height 12 -bio_particles_per_ug 2e9 "
                                 "-injection1_what bmsc -injection1_time 24 -injection1_dose 1e6 -injection1_volume 100 -injection1_repeat_every 168 -injection1_repeat_count 2 "
                                 "-injection2_what exo_amsc -injection2_time 10 -injection2_dose_ug 5 -injection2_radius 1.5 -injection2_centre 1,0,4");
  PetscInt       n, BM = DSTestSpecies(m, "cells_BMSC"), EXF = DSTestSpecies(m, "exo_amsc_free");
  const DSEvent *ev;
  ck_assert_int_ge(BM, 0);
  ck_assert_int_eq(DSTestSpecies(m, "cells_AMSC"), -1); /* only injected types become species */
  ck_assert_int_eq(DSTestSpecies(m, "cells_NPMSC"), -1);
  DSTestGetEvents(&n, &ev);
  ck_assert_int_eq(n, 4);
  const PetscReal times[4] = {10, 24, 192, 360};
  for (int i = 0; i < 4; i++) {
    ck_assert_double_eq_tol(ev[i].time, times[i], 1e-12);
    if (i == 0) {
      ck_assert_int_eq(ev[i].species, EXF);
      ck_assert_double_eq_tol(ev[i].amount, 1e10, 1);
      ck_assert_double_eq_tol(ev[i].radius, 1.5, 1e-15);
      ck_assert_double_eq(ev[i].centre[0], 1);
      ck_assert_double_eq(ev[i].centre[1], 0);
      ck_assert_double_eq(ev[i].centre[2], 4);
    } else {
      ck_assert_int_eq(ev[i].species, BM);
      ck_assert_double_eq(ev[i].amount, 1e6);
      ck_assert_double_eq_tol(ev[i].radius, 2.8794119114849, 1e-12); /* (3 x 100 / 4 pi)^(1/3) mm */
      ck_assert_double_eq(ev[i].centre[0], 0);
      ck_assert_double_eq(ev[i].centre[2], 6); /* NP centre: height / 2 */
    }
  }
  /* the dose-tracked figures point at the pool's free vesicles */
  PetscInt        nf, npersist = 0;
  const DSFigure *figs;
  TestCall(DSModelGetFigures(m, &nf, &figs));
  for (PetscInt f = 0; f < nf; f++)
    if (figs[f].persistence_of >= 0) {
      ck_assert_int_eq(figs[f].persistence_of, EXF);
      ck_assert_int_eq(figs[f].kind, DS_FIGURE_INTEGRAL);
      npersist++;
    }
  ck_assert_int_eq(npersist, 2);
  TestCall(DSModelDestroy(&m));

  /* refusals name the key */
  PetscErrorCode ierr = DSTestFailingModel("-model biology -injection3_what stem_cells -injection3_dose 1");
  ck_assert_int_ne(ierr, 0);
  ck_assert_msg(strstr(DSTestErrorMessage, "-injection3_what = stem_cells") && strstr(DSTestErrorMessage, "exo_plmsc"), "message: %s", DSTestErrorMessage);
  ierr = DSTestFailingModel("-model biology -injection2_what npmsc -injection2_time 5");
  ck_assert_int_ne(ierr, 0);
  ck_assert_msg(strstr(DSTestErrorMessage, "-injection2_dose"), "message: %s", DSTestErrorMessage);
  ierr = DSTestFailingModel("-model biology -injection1_what amsc -injection1_dose_ug 3");
  ck_assert_int_ne(ierr, 0);
  ck_assert_msg(strstr(DSTestErrorMessage, "-injection1_dose_ug"), "message: %s", DSTestErrorMessage);
  ierr = DSTestFailingModel("-model biology -injection5_time 5");
  ck_assert_int_ne(ierr, 0);
  ck_assert_msg(strstr(DSTestErrorMessage, "-injection5_what"), "message: %s", DSTestErrorMessage);
  ierr = DSTestFailingModel("-model biology -injection1_what exo_bmsc -injection1_dose 1e9 -injection1_repeat_count 3");
  ck_assert_int_ne(ierr, 0);
  ck_assert_msg(strstr(DSTestErrorMessage, "-injection1_repeat_every"), "message: %s", DSTestErrorMessage);
}
END_TEST

START_TEST(quasi_positivity)
{
  char     opts[512];
  unsigned seed = 2024;
  snprintf(opts, sizeof opts, "-model biology -bio_preset degenerate -bio_native_proliferation_rate 0.1 %s", MSC_ALL);
  DSModel  m = DSTestCreateModel(opts);
  PetscInt nsp, LAC = DSTestSpecies(m, "lactate");
  TestCall(DSModelGetNumSpecies(m, &nsp));
  for (PetscInt s = 0; s < nsp; s++)
    for (int trial = 0; trial < 300; trial++) {
      DSPoint     pt = {(DSRegion)(1 + trial % 3), {0, 0, 0}, 0};
      PetscScalar u[16], r[16];
      for (PetscInt c = 0; c < nsp; c++) {
        const DSFieldInfo *info;
        TestCall(DSModelGetField(m, c, &info));
        u[c] = DSTestUniform(&seed, 0, 3) * info->scale;
        if (trial % 5 == 0) u[c] *= 10; /* crowded, inflamed, acid states too */
      }
      u[LAC] = DSTestUniform(&seed, 0, 40); /* down to pH 3.8 */
      u[s]   = 0;
      TestCall(DSModelReaction(m, &pt, u, r, NULL));
      ck_assert_msg(r[s] >= 0, "species %" PetscInt_FMT " at zero has rate %g", s, (double)r[s]);
    }
  TestCall(DSModelDestroy(&m));
}
END_TEST

START_TEST(metabolism_matches_nutrient_model)
{
  /* natives at 4000/mm^3 plus 2000 BMSCs (both factors set to 1.5): rates = nutrient(4000) + 1.5 nutrient(2000) */
  DSModel     bio = DSTestCreateModel("-model biology -bio_BMSC_oxygen_factor 1.5 -bio_BMSC_glycolysis_factor 1.5 -injection1_what bmsc -injection1_dose 1e6");
  DSModel     n4  = DSTestCreateModel("-model nutrient");
  DSModel     n2  = DSTestCreateModel("-model nutrient -nutrient_cells_NP 2000");
  DSPoint     pt = {DS_REGION_NP, {0, 0, 5.5}, 0};
  PetscScalar u[16], r[16], v[3], r4[3], r2[3];
  PetscInt    BM = DSTestSpecies(bio, "cells_BMSC");
  HealthyState(bio, DS_REGION_NP, 1.3, 6.9, u);
  u[0] = 1.7 * ALPHA;
  for (int i = 0; i < 3; i++) v[i] = u[i];
  u[BM] = 0;
  TestCall(DSModelReaction(bio, &pt, u, r, NULL));
  TestCall(DSModelReaction(n4, &pt, v, r4, NULL));
  for (int i = 0; i < 3; i++) ck_assert_double_eq_tol(r[i], r4[i], 1e-14 * PetscAbsReal(r4[i]));
  u[BM] = 2000;
  TestCall(DSModelReaction(bio, &pt, u, r, NULL));
  TestCall(DSModelReaction(n2, &pt, v, r2, NULL));
  for (int i = 0; i < 3; i++) ck_assert_double_eq_tol(r[i], r4[i] + 1.5 * r2[i], 1e-13 * PetscAbsReal(r4[i]));
  TestCall(DSModelDestroy(&bio));
  TestCall(DSModelDestroy(&n4));
  TestCall(DSModelDestroy(&n2));
}
END_TEST

START_TEST(presets_set_defaults_keys_override)
{
  DSModel     m = DSTestCreateModel("-model biology -bio_preset degenerate");
  DSPoint     pt = {DS_REGION_NP, {0, 0, 5.5}, 0};
  PetscScalar u[16];
  PetscReal   D[16], Dh[16];
  TestCall(DSModelInitial(m, &pt, u));
  ck_assert_double_eq_tol(u[DSTestSpecies(m, "cells_native")], 1600, 1e-9); /* 40 % of 4000 (Zhu 2017) */
  ck_assert_double_eq_tol(u[DSTestSpecies(m, "aggrecan")], 0.6, 1e-15);
  ck_assert_double_eq_tol(u[DSTestSpecies(m, "cytokine")], 1.0, 1e-3);
  TestCall(DSModelGetDiffusivity(m, DS_REGION_CEP, D));
  ck_assert_double_eq_tol(D[DSTestSpecies(m, "glucose")], 0.543 * 3e-10 * 3.6e9, 1e-15);
  ck_assert_double_eq(D[DSTestSpecies(m, "cells_native")], 0);
  ck_assert_double_eq(D[DSTestSpecies(m, "aggrecan")], 0);
  TestCall(DSModelDestroy(&m));
  m = DSTestCreateModel("-model biology -bio_preset degenerate -bio_viable_fraction 0.8 -bio_CEP_diffusivity_factor 1");
  TestCall(DSModelInitial(m, &pt, u));
  ck_assert_double_eq_tol(u[DSTestSpecies(m, "cells_native")], 3200, 1e-9);
  TestCall(DSModelGetDiffusivity(m, DS_REGION_CEP, D));
  TestCall(DSModelDestroy(&m));
  m = DSTestCreateModel("-model biology");
  TestCall(DSModelGetDiffusivity(m, DS_REGION_CEP, Dh));
  ck_assert_double_eq(D[DSTestSpecies(m, "glucose")], Dh[DSTestSpecies(m, "glucose")]);
  TestCall(DSModelDestroy(&m));
}
END_TEST

/* Away from the switch points (|x - kink| > 1e-3) the analytic block must match centred differences,
 * at states the generic test does not reach: starvation, acid, crowding, all MSC types, cargo. */
START_TEST(jacobian_at_wide_states)
{
  char     opts[512];
  unsigned seed = 31;
  snprintf(opts, sizeof opts, "-model biology -bio_preset degenerate -bio_native_proliferation_rate 0.2 -bio_BMSC_proliferation_rate 0.5 %s %s", MSC_ALL, EXO_ALL);
  DSModel         m = DSTestCreateModel(opts);
  PetscInt        nsp, GLC = DSTestSpecies(m, "glucose"), LAC = DSTestSpecies(m, "lactate");
  const PetscReal Gk[] = {0.5, 0.25, 0}, pHk[] = {6.78, 6.68, 6.8, 6.7, 6.5, 6.4, 4.95};
  PetscReal       worst = 0;
  int             used = 0, hit[DS_MAX_SPECIES * DS_MAX_SPECIES] = {0}, outside = 0, nfill = 0, nhit = 0;
  const PetscInt *fill;
  TestCall(DSModelGetNumSpecies(m, &nsp));
  TestCall(DSModelGetJacobianFill(m, &fill));
  ck_assert_ptr_nonnull(fill);
  for (int trial = 0; trial < 2000 && used < 600; trial++) {
    DSPoint     pt = {(DSRegion)(1 + trial % 3), {0, 0, 0}, 0};
    PetscScalar u[DS_MAX_SPECIES];
    PetscReal   err;
    PetscBool   near = PETSC_FALSE;
    for (PetscInt s = 0; s < nsp; s++) {
      const DSFieldInfo *info;
      TestCall(DSModelGetField(m, s, &info));
      u[s] = DSTestUniform(&seed, 0.01, 3) * info->scale;
    }
    u[GLC] = DSTestUniform(&seed, 0.01, 1.5);
    u[LAC] = DSTestUniform(&seed, 0, 30);
    PetscReal pH = DSBibbyPH(u[LAC]);
    for (size_t k = 0; k < PETSC_STATIC_ARRAY_LENGTH(Gk); k++) near = (PetscBool)(near || PetscAbsReal(u[GLC] - Gk[k]) < 1e-3);
    for (size_t k = 0; k < PETSC_STATIC_ARRAY_LENGTH(pHk); k++) near = (PetscBool)(near || PetscAbsReal(pH - pHk[k]) < 1e-3);
    if (near) continue;
    used++;
    TestCall(DSModelCheckJacobian(m, &pt, u, &err));
    worst = PetscMax(worst, err);
    { /* the analytic block itself: nothing the matrices would drop (outside the pattern) */
      PetscScalar r[DS_MAX_SPECIES], J[DS_MAX_SPECIES * DS_MAX_SPECIES];
      TestCall(DSModelReaction(m, &pt, u, r, J));
      for (PetscInt i = 0; i < nsp * nsp; i++) {
        if (J[i] != 0) hit[i] = 1;
        if (J[i] != 0 && !fill[i] && i / nsp != i % nsp) outside++;
      }
    }
  }
  { /* and nothing superfluous: every off-diagonal entry but the solver's sink is nonzero somewhere */
    for (PetscInt i = 0; i < nsp * nsp; i++) {
      PetscInt sink;
      TestCall(DSModelGetBoundarySink(m, i % nsp, &sink));
      if (fill[i] && i / nsp != i % nsp && i / nsp != sink) nfill++, nhit += hit[i];
    }
  }
  printf("biology with 3 MSC types and 4 vesicle pools: worst relative Jacobian error at %d wide states %.2e; %d of %d off-diagonal pattern entries nonzero somewhere\n", used, (double)worst, nhit, nfill);
  ck_assert_int_ge(used, 500);
  ck_assert_double_lt(worst, 1e-5);
  ck_assert_int_eq(outside, 0);
  ck_assert_int_eq(nhit, nfill);
  TestCall(DSModelDestroy(&m));
}
END_TEST

/* The declared Jacobian pattern: diagonal and boundary sink present, strictly sparser than a full
 * block for every species set (8: nothing injected, 14: one MSC type and one vesicle pool, 16: all
 * three types and one pool). */
START_TEST(jacobian_pattern_is_sparse)
{
  char        opts[512];
  const char *sched[3] = {"", "-injection1_what npmsc -injection1_dose 1e7 -injection2_what exo_bmsc -injection2_dose 1e10", MSC_ALL};
  const int   expect_n[3] = {8, 14, 16};
  for (int k = 0; k < 3; k++) {
    snprintf(opts, sizeof opts, "-model biology %s", sched[k]);
    DSModel         m = DSTestCreateModel(opts);
    PetscInt        nsp, nz = 0, O2 = DSTestSpecies(m, "oxygen"), GLC = DSTestSpecies(m, "glucose");
    PetscInt        AGG = DSTestSpecies(m, "aggrecan"), COL = DSTestSpecies(m, "collagen2"), CYT = DSTestSpecies(m, "cytokine"), EXI = DSTestSpecies(m, "exo_bmsc_internal");
    const PetscInt *fill;
    TestCall(DSModelGetNumSpecies(m, &nsp));
    ck_assert_int_eq(nsp, expect_n[k]);
    TestCall(DSModelGetJacobianFill(m, &fill));
    ck_assert_ptr_nonnull(fill);
    for (PetscInt i = 0; i < nsp * nsp; i++) nz += fill[i] != 0;
    /* a few structural zeros: oxygen uptake has no glucose law, matrix species do not couple, no
     * cargo effect on cytokine */
    ck_assert_int_eq(fill[O2 * nsp + GLC], 0);
    ck_assert_int_eq(fill[AGG * nsp + COL], 0);
    if (EXI >= 0) ck_assert_int_eq(fill[CYT * nsp + EXI], 0);
    ck_assert_int_lt(nz, nsp * nsp);
    printf("biology, %d species: Jacobian pattern %d of %d entries, fill %.3f\n", (int)nsp, (int)nz, (int)(nsp * nsp), (double)nz / (double)(nsp * nsp));
    if (nsp == 14) ck_assert_double_lt((double)nz / (nsp * nsp), 0.5);
    TestCall(DSModelDestroy(&m));
  }
}
END_TEST

/* Each pool diffuses with the Stokes-Einstein diffusivity of its vesicle size, hindered by the
 * Ogston law with the region's fibre radius and fraction; computed here from the constants. */
static PetscReal OgstonD(PetscReal d_nm, PetscReal rf_nm, PetscReal phi)
{
  const PetscReal kT = 1.380649e-23 * (273.15 + 37), eta = 0.6913e-3; /* J; Pa s, water at 37 C */
  return kT / (6 * PETSC_PI * eta * 0.5 * d_nm * 1e-9) * exp(-sqrt(phi) * (1 + 0.5 * d_nm / rf_nm)) * 3.6e9; /* mm^2/h */
}

START_TEST(exosome_diffusivity_by_size)
{
  DSModel         m = DSTestCreateModel("-model biology -bio_preset degenerate -injection1_what exo_bmsc -injection1_dose 1e9 -injection2_what exo_plmsc -injection2_dose 1e9 "
                                        "-bio_exo_plmsc_diameter 60 -bio_exo_fibre_radius_AF 40 -bio_exo_fibre_fraction_AF 0.1");
  const DSRegion  regions[3] = {DS_REGION_NP, DS_REGION_AF, DS_REGION_CEP};
  const PetscReal rf[3] = {15, 40, 15}, phi[3] = {0.03, 0.1, 0.18}, factor[3] = {1, 1, 0.543}; /* CEP: degenerate preset x 0.543 */
  const PetscReal diam[2] = {100, 60};
  const char     *names[2] = {"exo_bmsc_free", "exo_plmsc_free"};
  for (int r = 0; r < 3; r++) {
    PetscReal D[DS_MAX_SPECIES];
    TestCall(DSModelGetDiffusivity(m, regions[r], D));
    for (int k = 0; k < 2; k++) {
      PetscReal expect = factor[r] * OgstonD(diam[k], rf[r], phi[r]);
      ck_assert_double_eq_tol(D[DSTestSpecies(m, names[k])], expect, 1e-12 * expect);
    }
    ck_assert_double_eq(D[DSTestSpecies(m, "exo_bmsc_internal")], 0);
  }
  /* 100 nm in water at 37 C: 6.57 um^2/s, the textbook magnitude */
  ck_assert_double_eq_tol(DSBioExoDiffusivity(100, 1, 0), 6.57e-12, 0.01e-12);
  TestCall(DSModelDestroy(&m));
}
END_TEST

/* Two pools' cargo shares one saturation: at I_1 = I_2 = EC50 each holds a third, so the death
 * reduction is (Emax_1 + Emax_2)/3 (BMSC 0.5, AMSC 0.3 by default) */
START_TEST(cargo_of_two_pools_saturates_together)
{
  DSModel     m = DSTestCreateModel("-model biology -injection1_what exo_bmsc -injection1_dose 1e9 -injection2_what exo_amsc -injection2_dose 1e9");
  DSPoint     pt = {DS_REGION_NP, {0, 0, 5.5}, 0};
  PetscScalar u[DS_MAX_SPECIES], r[DS_MAX_SPECIES];
  PetscInt    NAT = DSTestSpecies(m, "cells_native"), LAC = DSTestSpecies(m, "lactate");
  HealthyState(m, DS_REGION_NP, 3, 6.5, u);
  u[DSTestSpecies(m, "exo_bmsc_internal")] = 1e6, u[DSTestSpecies(m, "exo_amsc_internal")] = 1e6;
  PetscReal pH = DSBibbyPH(u[LAC]);
  TestCall(DSModelReaction(m, &pt, u, r, NULL));
  ck_assert_double_eq_tol(r[NAT], (1 - 0.8 / 3) * 4000 * (-(6.78 - pH)) / 24.0, 1e-12 * 4000);
  TestCall(DSModelDestroy(&m));
}
END_TEST

Suite *BiologySuite(void)
{
  Suite *s  = suite_create("biology");
  TCase *tc = tcase_create("model");
  tcase_add_test(tc, death_switches_at_thresholds);
  tcase_add_test(tc, matrix_homeostasis_and_turnover);
  tcase_add_test(tc, exosome_transfers_conserve);
  tcase_add_test(tc, cargo_decays_with_its_half_life);
  tcase_add_test(tc, exosome_diffusivity_by_size);
  tcase_add_test(tc, cargo_of_two_pools_saturates_together);
  tcase_add_test(tc, schedule_expands);
  tcase_add_test(tc, quasi_positivity);
  tcase_add_test(tc, metabolism_matches_nutrient_model);
  tcase_add_test(tc, presets_set_defaults_keys_override);
  tcase_add_test(tc, jacobian_at_wide_states);
  tcase_add_test(tc, jacobian_pattern_is_sparse);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) { return DSTestRun(argc, argv, BiologySuite()); }
