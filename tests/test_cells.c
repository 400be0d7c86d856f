/* Cell types of the biology model against what was measured (doc/biology.md §3):
 *  - the osmolarity diagnostic against the ideal Donnan equilibrium, solved here independently
 *    (bisection on the cation concentration), and the healthy NP against measured osmolality;
 *  - the dose-response of each type (proliferation/synthesis switch, death rate) at the
 *    conditions of the in-vitro studies, against what those studies report (the published points
 *    are written below with their citation and the tolerance with which they are read);
 *  - the three cell therapies differ where the studies separate them, and only there.
 * Everything is read through the public model interface (DSModelReaction, DSModelDiagnostics). */
#include <string.h>
#include "dstest.h"
#include "biology.h"

static PetscInt FieldIndex(DSModel m, const char *name)
{
  PetscInt n, nd;
  TestCall(DSModelGetNumSpecies(m, &n));
  TestCall(DSModelGetNumDiagnostics(m, &nd));
  for (PetscInt s = 0; s < n + nd; s++) {
    const DSFieldInfo *info;
    TestCall(DSModelGetField(m, s, &info));
    if (!strcmp(info->name, name)) return s;
  }
  ck_abort_msg("no field %s", name);
  return -1;
}

/* Donnan by bisection: c+ - c- = F, c+ c- = (c/2)^2, osmolarity c+ + c- (no square root formula) */
static PetscReal DonnanBisection(PetscReal F, PetscReal c)
{
  PetscReal lo = 0, hi = F + c;
  for (int i = 0; i < 200; i++) {
    PetscReal cp = 0.5 * (lo + hi), cm = cp - F;
    if (cm * cp > 0.25 * c * c) hi = cp;
    else lo = cp;
  }
  return 2 * lo - F;
}

START_TEST(donnan_osmolarity)
{
  DSModel         m   = DSTestCreateModel("-model biology");
  const PetscInt  OSM = FieldIndex(m, "osmolarity"), AGG = FieldIndex(m, "aggrecan");
  PetscInt        nsp;
  const DSRegion  regions[3] = {DS_REGION_NP, DS_REGION_AF, DS_REGION_CEP};
  const PetscReal fcd[3] = {350, 190, 200}, c = 290; /* the documented defaults, mEq/kg and mOsm/kg */
  PetscScalar     u[32], d[32];

  TestCall(DSModelGetNumSpecies(m, &nsp));
  for (int r = 0; r < 3; r++)
    for (PetscReal A = 0; A <= 2.0 + 1e-12; A += 0.125) {
      DSPoint pt = {regions[r], {0, 0, 5.5}, 0};
      TestCall(DSModelInitial(m, &pt, u));
      u[AGG] = A;
      TestCall(DSModelDiagnostics(m, &pt, u, d));
      PetscReal expect = DonnanBisection(fcd[r] * A, c);
      ck_assert_msg(PetscAbsReal(d[OSM - nsp] - expect) < 1e-9 * expect, "osmolarity %s at aggrecan %g: %.12g, Donnan %.12g", DSRegionNames[regions[r]], (double)A, (double)d[OSM - nsp], (double)expect);
    }
  /* healthy NP (aggrecan 1): Ishihara et al. 1997 measured 420-450 mOsm/kg in bovine NP; IVD-like media
   * of Wuertz et al. 2008 and Liang et al. 2012 use 485. Read: inside [420, 485]. */
  DSPoint pt = {DS_REGION_NP, {0, 0, 5.5}, 0};
  TestCall(DSModelInitial(m, &pt, u));
  TestCall(DSModelDiagnostics(m, &pt, u, d));
  printf("healthy NP osmolarity %.1f mOsm/kg (measured 420-450 bovine, 485 IVD-like media)\n", (double)d[OSM - nsp]);
  ck_assert_double_ge(d[OSM - nsp], 420);
  ck_assert_double_le(d[OSM - nsp], 485);
  ck_assert_double_eq_tol(DSBioDonnanOsmolarity(0, 290, NULL), 290, 1e-12);
  TestCall(DSModelDestroy(&m));
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * The response of every population at one in-vitro condition: its proliferation/synthesis switch
 * Sn (0..1) and its death rate (1/day, <= 0), read from two models that differ only in the
 * proliferation rate (1/day and 0): r(prol 1) - r(prol 0) = rho Sn (1/24 h) (1 - rho_tot/K). */
enum { NAT, BM, AM, NPM, NPOP };
static const char *pop_names[NPOP] = {"cells_native", "cells_BMSC", "cells_AMSC", "cells_NPMSC"};
#define MODEL_OPTS \
  "-model biology -bio_capacity_factor 100 -bio_external_osmolarity 280 -injection1_what bmsc -injection1_dose 1e6 " \
  "-injection2_what amsc -injection2_dose 1e6 -injection3_what npmsc -injection3_dose 1e6 "

typedef struct {
  DSModel  grow, still;
  PetscInt sp[NPOP], O2, GLC, LAC, AGG, nsp;
} Lab;

static void LabCreate(Lab *lab)
{
  lab->grow  = DSTestCreateModel(MODEL_OPTS "-bio_native_proliferation_rate 1 -bio_BMSC_proliferation_rate 1 -bio_AMSC_proliferation_rate 1 -bio_NPMSC_proliferation_rate 1");
  lab->still = DSTestCreateModel(MODEL_OPTS "-bio_native_proliferation_rate 0 -bio_BMSC_proliferation_rate 0 -bio_AMSC_proliferation_rate 0 -bio_NPMSC_proliferation_rate 0");
  for (int q = 0; q < NPOP; q++) lab->sp[q] = FieldIndex(lab->grow, pop_names[q]);
  lab->O2 = FieldIndex(lab->grow, "oxygen"), lab->GLC = FieldIndex(lab->grow, "glucose"), lab->LAC = FieldIndex(lab->grow, "lactate"), lab->AGG = FieldIndex(lab->grow, "aggrecan");
  TestCall(DSModelGetNumSpecies(lab->grow, &lab->nsp));
}

/* glucose G [mM], pH, osmolarity [mOsm/kg] of the medium (set through aggrecan: FCD 350 x A, bath 280) */
static void LabRespond(Lab *lab, PetscReal G, PetscReal pH, PetscReal osm, PetscReal Sn[NPOP], PetscReal death[NPOP])
{
  DSPoint     pt = {DS_REGION_NP, {0, 0, 5.5}, 0};
  PetscScalar u[32], r1[32], r0[32];
  const PetscReal rho = 1, K = 100 * 4000.0, logi = 1 - NPOP * rho / K;

  for (PetscInt s = 0; s < lab->nsp; s++) u[s] = 0;
  u[lab->O2]  = 0.01 * 0.010268 * 101.3; /* 1 % O2: oxygen does not enter any response */
  u[lab->GLC] = G;
  u[lab->LAC] = (7.4 - pH) * 11.11;
  u[lab->AGG] = PetscSqrtReal(PetscMax(osm * osm - 280.0 * 280.0, 0)) / 350.0;
  for (int q = 0; q < NPOP; q++) u[lab->sp[q]] = rho;
  TestCall(DSModelReaction(lab->grow, &pt, u, r1, NULL));
  TestCall(DSModelReaction(lab->still, &pt, u, r0, NULL));
  for (int q = 0; q < NPOP; q++) {
    Sn[q]    = (r1[lab->sp[q]] - r0[lab->sp[q]]) / (rho * logi / 24.0);
    death[q] = 24.0 * r0[lab->sp[q]] / rho;
  }
}

static void LabDestroy(Lab *lab)
{
  TestCall(DSModelDestroy(&lab->grow));
  TestCall(DSModelDestroy(&lab->still));
}

#define EPS 1e-12

START_TEST(dose_response_published_points)
{
  Lab       lab;
  PetscReal Sn[NPOP], dth[NPOP];

  LabCreate(&lab);
  /* Naqvi & Buckley 2016 (Spine 41:743; porcine BMSCs in alginate, 5 and 20 % O2, pH 7.4/7.1/6.8/6.5):
   * viability and sGAG/collagen accumulation sustained at pH >= 6.8; cell death and minimal matrix at 6.5.
   * Read: at 6.8, 7.1, 7.4 no death and full switch; at 6.5 death and switch <= 0.1 ("minimal"). */
  for (PetscReal pH = 6.8; pH <= 7.4 + 1e-9; pH += 0.3) {
    LabRespond(&lab, 5, pH, 280, Sn, dth);
    ck_assert_msg(PetscAbsReal(dth[BM]) < EPS && PetscAbsReal(Sn[BM] - 1) < EPS, "BMSC at pH %g: death %g, switch %g", (double)pH, (double)dth[BM], (double)Sn[BM]);
  }
  LabRespond(&lab, 5, 6.5, 280, Sn, dth);
  ck_assert_double_lt(dth[BM], 0);
  ck_assert_double_le(Sn[BM], 0.1);
  /* Naqvi & Buckley 2015 (J Anat 227:757; BMSCs at 5 % O2): 1 mM glucose reduced viability, 5 mM did not.
   * Read: glucose death at 1 mM, none at 5 mM (pH 7.4, 280 mOsm/kg). */
  LabRespond(&lab, 1, 7.4, 280, Sn, dth);
  ck_assert_double_lt(dth[BM], 0);
  LabRespond(&lab, 5, 7.4, 280, Sn, dth);
  ck_assert_double_eq_tol(dth[BM], 0, EPS);
  /* Wuertz et al. 2008 (Spine 33:1843; rat BMSCs) and Liang et al. 2012 (J Transl Med 10:49; human AMSCs),
   * same media: no effect at 280 mOsm/kg (control), proliferation and matrix gene expression "strongly"
   * decreased and viability inhibited at 485. Read: switch 1 and no death at 280; at 485 the switch at
   * most 0.6 (a decrease of at least 40 %) and death. */
  LabRespond(&lab, 5.5, 7.4, 280, Sn, dth);
  for (int q = BM; q <= AM; q++) ck_assert_msg(PetscAbsReal(dth[q]) < EPS && PetscAbsReal(Sn[q] - 1) < EPS, "%s at 280 mOsm/kg: death %g switch %g", pop_names[q], (double)dth[q], (double)Sn[q]);
  LabRespond(&lab, 5.5, 7.4, 485, Sn, dth);
  for (int q = BM; q <= AM; q++) {
    ck_assert_double_le(Sn[q], 0.6);
    ck_assert_double_gt(Sn[q], 0);
    ck_assert_double_lt(dth[q], 0);
  }
  printf("485 mOsm/kg: switch BMSC %.3f AMSC %.3f NPMSC %.3f native %.3f\n", (double)Sn[BM], (double)Sn[AM], (double)Sn[NPM], (double)Sn[NAT]);
  /* Han et al. 2014 (Cells Tissues Organs 199:342; rat AMSCs and NPMSCs at pH 7.4/7.1/6.8/6.5): viability
   * and proliferation of both decreased from 7.4 to 6.5; NPMSCs significantly less inhibited and with
   * fewer apoptotic cells. Read: switch 1 at 7.4, strictly falling through 7.1, 6.8, 6.5 for both, NPMSC
   * above AMSC and NPMSC death smaller at each acidic pH, death at 6.5 for both. */
  PetscReal last[NPOP] = {0, 0, 2, 2};
  for (PetscReal pH = 7.4; pH >= 6.5 - 1e-9; pH -= 0.3) {
    LabRespond(&lab, 5.5, pH, 280, Sn, dth);
    for (int q = AM; q <= NPM; q++) {
      if (pH > 7.3) ck_assert_double_eq_tol(Sn[q], 1, EPS);
      else ck_assert_msg(Sn[q] < last[q], "%s switch not falling at pH %g", pop_names[q], (double)pH);
      last[q] = Sn[q];
    }
    if (pH < 7.3) {
      ck_assert_msg(Sn[NPM] > Sn[AM], "pH %g: NPMSC switch %g not above AMSC %g", (double)pH, (double)Sn[NPM], (double)Sn[AM]);
      ck_assert_msg(dth[NPM] > dth[AM], "pH %g: NPMSC death %g not below AMSC %g", (double)pH, (double)dth[NPM], (double)dth[AM]);
    }
    printf("pH %.1f: switch AMSC %.3f NPMSC %.3f BMSC %.3f; death (1/day) AMSC %.4f NPMSC %.4f BMSC %.4f\n", (double)pH, (double)Sn[AM], (double)Sn[NPM], (double)Sn[BM], (double)dth[AM], (double)dth[NPM], (double)dth[BM]);
  }
  ck_assert_double_lt(dth[AM], 0);
  ck_assert_double_lt(dth[NPM], 0);
  /* Tao et al. 2013 (Cell Biol Int 37:826; rat NPMSCs): 400 mOsm/kg slightly inhibited viability and
   * decreased SOX-9/aggrecan/collagen II; "NPMSCs could tolerate" it. Read: switch in [0.8, 1), death
   * slower than 0.01/day. And NPMSCs above AMSCs at 485 (Han et al. 2014, on their hyperosmotic work). */
  LabRespond(&lab, 5.5, 7.4, 400, Sn, dth);
  ck_assert_double_ge(Sn[NPM], 0.8);
  ck_assert_double_lt(Sn[NPM], 1);
  ck_assert_double_lt(dth[NPM], 0);
  ck_assert_double_gt(dth[NPM], -0.01);
  LabRespond(&lab, 5.5, 7.4, 485, Sn, dth);
  ck_assert_double_gt(Sn[NPM], Sn[AM]);
  /* Li et al. 2016 (J Orthop Res 34:1092; porcine disc organ culture): NP matrix synthesis at 430 mOsm/kg
   * (iso) above that at 330 and 550. Read for the natives: full switch at 430, reduced but not zero at 550. */
  LabRespond(&lab, 5.5, 7.4, 430, Sn, dth);
  ck_assert_double_eq_tol(Sn[NAT], 1, EPS);
  LabRespond(&lab, 5.5, 7.4, 550, Sn, dth);
  ck_assert_double_gt(Sn[NAT], 0);
  ck_assert_double_lt(Sn[NAT], 1);
  /* where no study separates BMSC from AMSC (glucose; osmolarity, same protocol), their responses are equal */
  for (PetscReal G = 0; G <= 3; G += 0.25) {
    LabRespond(&lab, G, 7.4, 280, Sn, dth);
    ck_assert_double_eq(dth[BM], dth[AM]);
    ck_assert_double_eq(Sn[BM], Sn[AM]);
  }
  for (PetscReal osm = 280; osm <= 700; osm += 35) {
    LabRespond(&lab, 5.5, 7.4, osm, Sn, dth);
    ck_assert_double_eq(dth[BM], dth[AM]);
    ck_assert_double_eq(Sn[BM], Sn[AM]);
  }
  LabDestroy(&lab);
}
END_TEST

Suite *CellsSuite(void)
{
  Suite *s  = suite_create("cells");
  TCase *tc = tcase_create("types");
  tcase_add_test(tc, donnan_osmolarity);
  tcase_add_test(tc, dose_response_published_points);
  suite_add_tcase(s, tc);
  return s;
}

int main(int argc, char **argv) { return DSTestRun(argc, argv, CellsSuite()); }
