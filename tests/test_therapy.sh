#!/usr/bin/env bash
# The biology model against closed forms, run as a user runs discsim:
#  1. a healthy disc left alone keeps its matrix (and MMP, and cells) constant for 10 years;
#  2. MSCs proliferating in a well-mixed NP (no nutrient use) follow the logistic closed form;
#  3. an exosome dose in a well-mixed NP (no nutrient use, constant cells) follows the two-
#     compartment solution free -> internalised -> degraded, and the reported persistence time
#     and effective half-life equal the roots of that solution;
#  4. two exosome sources in one well-mixed run (one dosed twice, one with its own uptake,
#     clearance and cargo half-life): each pool follows its superposed closed form, and each dose's
#     residence (integral of amount/dose until the next dose) and half-life equal the closed form's;
#  5. exosome bookkeeping in a disc, two sources with doses next to the endplate so vesicles leak,
#     one repeated: per pool, injected = free + internalised + degraded + cleared + leaked at every
#     output, to round-off (exact linear solves: see test_events.c).
#  6. the three cell therapies in a well-mixed NP held at pH 6.9 (no metabolism, proliferation, synthesis):
#     each type dies at the rate its documented laws give there (acid death from its pH threshold,
#     osmotic death at the Donnan osmolarity of the slowly decaying aggrecan), integrated here;
#     BMSC > NPMSC > AMSC as the in-vitro studies order them (doc/biology.md §3.3).
set -u
discsim=$(realpath "$1"); src=$(realpath "$2")
source "$src/tools/env.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
run() { local name=$1; shift; "$discsim" -model biology -quiet -output_file "$name.exo" "$@" > "$name.txt" 2>&1 || { cat "$name.txt"; exit 1; }; }
WM="-mesh_type well_mixed -mesh_height 11 -cvode_rtol 1e-10 -cvode_atol_factor 1e-12 -cvode_max_step 0.5"

run healthy -mesh_type axisymmetric -mesh_nr 30 -mesh_nz 16 -time_final 87660 -output_interval 4383
# an uncharged matrix (-bio_FCD_NP 0: osmolarity = the bath's 290 mOsm/kg, below the BMSC threshold): the logistic law alone
run logistic $WM -bio_viable_fraction 0 -bio_FCD_NP 0 -bio_BMSC_oxygen_factor 0 -bio_BMSC_glycolysis_factor 0 -bio_BMSC_proliferation_rate 0.5 \
    -injection1_what bmsc -injection1_time 0 -injection1_dose 4400 -injection1_radius 100 -time_final 720 -output_interval 24
run exosomes $WM -bio_oxygen_rate_factor 0 -bio_glycolysis_factor 0 -injection1_what exo_bmsc -injection1_time 0 -injection1_dose 1e9 \
    -injection1_radius 100 -time_final 400 -output_interval 10

run pools $WM -bio_oxygen_rate_factor 0 -bio_glycolysis_factor 0 -injection1_what exo_bmsc -injection1_time 0 -injection1_dose 1e9 \
    -injection1_radius 100 -injection1_repeat_every 150 -injection1_repeat_count 1 -injection2_what exo_plmsc -injection2_time 40 -injection2_dose 3e9 \
    -injection2_radius 100 -bio_exo_plmsc_uptake_rate 2e-5 -bio_exo_plmsc_clearance_half_life 6 -bio_exo_plmsc_cargo_half_life 11 -time_final 400 -output_interval 10
run leak -mesh_type axisymmetric -mesh_nr 30 -mesh_nz 16 -newton_pc_type lu -cvode_atol_factor 1e-13 -injection1_what exo_amsc -injection1_time 24 -injection1_dose 1e10 \
    -injection1_radius 1.5 -injection1_centre 0,0,10 -injection1_repeat_every 72 -injection1_repeat_count 2 \
    -injection2_what exo_imsc -injection2_time 60 -injection2_dose 5e9 -injection2_radius 1.5 -injection2_centre 3,0,1 -time_final 400 -output_interval 8
ACID="-bio_viable_fraction 0 -bio_lactate_vertebra 5.555 -bio_lactate_af_outer 5.555 -bio_initial_lactate 5.555 -injection1_time 0 -injection1_dose 4400 -injection1_radius 100 -time_final 720 -output_interval 24"
for T in BMSC AMSC NPMSC; do
  t=$(echo $T | tr A-Z a-z)
  run acid_$t $WM $ACID -injection1_what $t -bio_${T}_oxygen_factor 0 -bio_${T}_glycolysis_factor 0 -bio_${T}_proliferation_rate 0 -bio_${T}_matrix_factor 0
done


python3 - <<'PY'
import csv, math
def rows(name): return list(csv.DictReader(open(name + ".csv")))
def col(row, name): return float(next(v for k, v in row.items() if k == name or k.startswith(name + " [")))
ok = fail = 0
def check(what, good, detail):
    global ok, fail
    ok += good; fail += not good
    print(("ok   " if good else "FAIL ") + what + ": " + detail)

# 1. healthy disc, 10 years
h = rows("healthy")
worst = max(abs(col(r, k) - 1) for r in h for k in ("aggrecan_NP_mean", "collagen2_NP_mean", "mmp_NP_mean"))
cells = [col(r, "cells_native_stored") for r in h]
check("healthy matrix and MMP constant over 10 years", worst < 1e-9 and len(h) >= 20, "worst |x - 1| = %.1e over %d outputs to t = %.0f h" % (worst, len(h), col(h[-1], "time_h")))
check("healthy native cells constant", abs(cells[-1] / cells[0] - 1) < 1e-9, "relative change %.1e" % (cells[-1] / cells[0] - 1))

# 2. logistic: rho = K / (1 + (K/rho0 - 1) exp(-r t)), K = 4000 cells/mm^3, r = 0.5/day, volume 11 mm^3
V, K, r, rho0 = 11.0, 4000.0, 0.5 / 24, 4400 / 11.0
worst = 0
for row in rows("logistic"):
    t = col(row, "time_h")
    exact = V * K / (1 + (K / rho0 - 1) * math.exp(-r * t))
    worst = max(worst, abs(col(row, "cells_BMSC_stored") / exact - 1))
check("logistic growth", worst < 1e-6, "worst relative difference from the closed form %.1e (rho0 = K/10, 30 days)" % worst)

# 3. exosomes: F' = -a F (a = k_up rho + k_clr), I' = k_up rho F - k_c I
D, rho, kup, kclr, kc = 1e9, 4000.0, 1e-5, math.log(2) / 12, math.log(2) / 24
a = kup * rho + kclr
F = lambda t: D * math.exp(-a * t)
I = lambda t: kup * rho * D * (math.exp(-a * t) - math.exp(-kc * t)) / (kc - a)
worst = 0
for row in rows("exosomes"):
    t = col(row, "time_h")
    for name, exact in (("exo_bmsc_free_disc", F(t)), ("exo_bmsc_internal_disc", I(t))):
        if exact > 1e-6 * D:
            worst = max(worst, abs(col(row, name) / exact - 1))
check("well-mixed exosomes: free and internalised", worst < 1e-6, "worst relative difference from the closed form %.1e" % worst)
def root(f, lo, hi):
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
    return 0.5 * (lo + hi)
last = rows("exosomes")[-1]
T = lambda t: (F(t) + I(t)) / D
t10, t50 = root(lambda t: T(t) - 0.1, 0, 400), root(lambda t: T(t) - 0.5, 0, 400)
tpeak = math.log(a / kc) / (a - kc)
thalf_cargo = root(lambda t: I(t) - 0.5 * I(tpeak), tpeak, 400) - tpeak
t10_cargo = root(lambda t: I(t) / D - 0.1, tpeak, 400)
for name, got, exact in (("total vesicles below 0.1 of the dose", col(last, "exo_bmsc_total_disc_below_0.1_of_dose_after"), t10),
                         ("total vesicles effective half-life", col(last, "exo_bmsc_total_disc_half_life"), t50),
                         ("cargo below 0.1 of the dose", col(last, "exo_bmsc_internal_disc_below_0.1_of_dose_after"), t10_cargo),
                         ("cargo effective half-life (peak to half)", col(last, "exo_bmsc_internal_disc_half_life"), thalf_cargo)):
    check(name, abs(got / exact - 1) < 1e-4, "%.6f h, closed form %.6f h" % (got, exact))
# the residence of a single dose followed to t = 400 h: integral of (F + I)/D, closed form
res = (1 - math.exp(-a * 400)) / a + kup * rho / (kc - a) * ((1 - math.exp(-a * 400)) / a - (1 - math.exp(-kc * 400)) / kc)
got = col(last, "exo_bmsc_total_disc_residence")
check("total vesicles residence (integral of amount/dose)", abs(got / res - 1) < 1e-4, "%.6f h, closed form %.6f h" % (got, res))

# 4. two pools in one run, superposed closed forms per pool (doses D_k at t_k)
def pool(doses, kup, kclr, kc):
    a = kup * rho + kclr
    Fp = lambda t: sum(Dk * math.exp(-a * (t - tk)) for tk, Dk in doses if t > tk)
    Ip = lambda t: sum(kup * rho * Dk * (math.exp(-a * (t - tk)) - math.exp(-kc * (t - tk))) / (kc - a) for tk, Dk in doses if t > tk)
    return Fp, Ip
pools = {"exo_bmsc": ([(0, 1e9), (150, 1e9)], 1e-5, math.log(2) / 12, math.log(2) / 24),
         "exo_plmsc": ([(40, 3e9)], 2e-5, math.log(2) / 6, math.log(2) / 11)}
worst = 0
for row in rows("pools"):
    t = col(row, "time_h")
    if t in (0, 40, 150): continue  # an output at a dose's time: before or after it
    for what, (doses, kp, kq, kcp) in pools.items():
        Fp, Ip = pool(doses, kp, kq, kcp)
        for name, exact in (("%s_free_disc" % what, Fp(t)), ("%s_internal_disc" % what, Ip(t))):
            if exact > 1e-6 * doses[0][1]:
                worst = max(worst, abs(col(row, name) / exact - 1))
check("two pools in one run: free and internalised of each", worst < 1e-6, "worst relative difference from the superposed closed forms %.1e" % worst)
def simpson(f, lo, hi, n=20000):
    h = (hi - lo) / n
    return h / 3 * (f(lo) + f(hi) + sum((4 if i % 2 else 2) * f(lo + i * h) for i in range(1, n)))
last = rows("pools")[-1]
Fp, Ip = pool(*pools["exo_bmsc"])
Tb = lambda t: (Fp(t) + Ip(t)) / 1e9
for k, (lo, hi) in enumerate(((0, 150), (150, 400))):
    exact = simpson(Tb, lo + 1e-12, hi - 1e-12)
    got = col(last, "exo_bmsc_total_disc_dose%d_residence" % (k + 1))
    check("BMSC dose %d residence until %s" % (k + 1, "the next dose" if k == 0 else "the end"), abs(got / exact - 1) < 1e-4, "%.6f h, closed form %.6f h" % (got, exact))
peak2 = Tb(150 + 1e-9)
exact = root(lambda t: Tb(t) - 0.5 * peak2, 150 + 1e-9, 400) - 150
got = col(last, "exo_bmsc_total_disc_dose2_half_life")
check("BMSC dose 2 half-life (on the remainder of dose 1)", abs(got / exact - 1) < 1e-4, "%.6f h, closed form %.6f h (peak %.4f of the dose)" % (got, exact, peak2))
Fq, Iq = pool(*pools["exo_plmsc"])
exact = root(lambda t: (Fq(t) + Iq(t)) / 3e9 - 0.5, 40, 400) - 40
got = col(last, "exo_plmsc_total_disc_half_life")
check("placenta-MSC pool half-life (its own rates)", abs(got / exact - 1) < 1e-4, "%.6f h, closed form %.6f h" % (got, exact))

# 5. bookkeeping per pool, two sources with leakage
for what, ndoses in (("exo_amsc", 3), ("exo_imsc", 1)):
    worst, n = 0, 0
    for row in rows("leak"):
        inj = col(row, "%s_free_injected" % what)
        if inj <= 0: continue
        kept = sum(col(row, "%s_%s_disc" % (what, k)) for k in ("free", "internal", "degraded", "cleared", "leaked"))
        worst, n = max(worst, abs(kept / inj - 1)), n + 1
    last = rows("leak")[-1]
    check("%s bookkeeping with leakage, %d dose(s)" % (what, ndoses), worst < 1e-12 and col(last, "%s_leaked_disc" % what) > 1e-4 * col(last, "%s_free_injected" % what),
          "worst |kept/injected - 1| = %.1e over %d outputs; leaked %.3g of %.3g particles" % (worst, n, col(last, "%s_leaked_disc" % what), col(last, "%s_free_injected" % what)))
# 6. therapies at pH 6.9 (lactate 5.555 mM). Without natives (and MSC matrix factor 0) nothing synthesises and MMP is 0, so aggrecan
# decays as exp(-k t), k = (1 - 0.5) ln 2 / 12 y, and the osmolarity with it: sqrt((350 A)^2 + 290^2)
# mOsm/kg (bio_FCD_NP, bio_external_osmolarity). ln(rho/rho0) = integral of the death rate (trapezoid).
pH, kA = 7.4 - 5.555 / 11.11, 0.5 * math.log(2) / (12 * 8766)
law = {"BMSC": (6.8, 1.0, 300, 0.01), "AMSC": (7.2, 0.2, 300, 0.01), "NPMSC": (7.2, 0.1, 300, 0.005)}  # pH_th, acid rate, osm_th, osm rate (doc/biology.md §3.3)
def log_survival(t, pth, ka, oth, ko, n=2000):
    rate = lambda s: (-ka * max(pth - pH, 0) - ko * max(math.hypot(350 * math.exp(-kA * s), 290) - oth, 0) / 100) / 24  # 1/h
    h = t / n
    return h * (0.5 * rate(0) + sum(rate(i * h) for i in range(1, n)) + 0.5 * rate(t)) if t > 0 else 0.0
left = {}
for T, (pth, ka, oth, ko) in law.items():
    d = -ka * max(pth - pH, 0) - ko * max(math.hypot(350, 290) - oth, 0) / 100  # 1/day at t = 0
    worst = 0
    r = rows("acid_" + T.lower())
    for row in r:
        worst = max(worst, abs(col(row, "cells_%s_stored" % T) / (4400 * math.exp(log_survival(col(row, "time_h"), pth, ka, oth, ko))) - 1))
    left[T] = col(r[-1], "cells_%s_stored" % T)
    check("%s at pH 6.9 dies at its documented rate (%.5f /day at the start)" % (T, d), worst < 1e-6, "worst relative difference %.1e over 30 days" % worst)
check("therapies ordered as measured at pH 6.9: BMSC > NPMSC > AMSC", left["BMSC"] > left["NPMSC"] > left["AMSC"],
      "viable after 30 days: BMSC %.0f, NPMSC %.0f, AMSC %.0f of 4400" % (left["BMSC"], left["NPMSC"], left["AMSC"]))
print("%d passed, %d failed" % (ok, fail))
raise SystemExit(1 if fail else 0)
PY
