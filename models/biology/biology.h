/* Laws of the "biology" model (models/biology/populations.c), exposed for tests. Units: glucose in mM,
 * rates per day as published (the model converts to 1/h), volumes in uL (= mm^3). */
#ifndef BIOLOGY_H
#define BIOLOGY_H
#include <petscsys.h>
#include "dsunits.h"

/* Glucose death law of the Zhu 2012 lineage, in 1/day (<= 0):
 * alpha = -a (G_th - G+)/(G+ + K) for G+ = max(G, 0) < G_th, and exactly 0 for G >= G_th. */
PetscReal DSBioGlucoseDeathRate(PetscReal G, PetscReal G_th, PetscReal K, PetscReal a_per_day);
/* Acid death, in 1/day (<= 0): -k (pH_th - pH) for pH < pH_th, exactly 0 for pH >= pH_th. */
PetscReal DSBioAcidDeathRate(PetscReal pH, PetscReal pH_th, PetscReal k_per_day_per_pH);
/* C1 switch: 0 for x <= th - w, 3s^2 - 2s^3 with s = (x - th + w)/w in between, exactly 1 for x >= th.
 * *dsdx (may be NULL) is its derivative. */
PetscReal DSBioSwitch(PetscReal x, PetscReal th, PetscReal w, PetscReal *dsdx);
/* Exosome transport: the Stokes-Einstein diffusivity of a sphere of this diameter in water at 37 C,
 * D0 = k_B T/(3 pi eta d), hindered by a random network of fibres of radius r_f and volume
 * fraction phi by the law of Ogston (1958): D = D0 exp(-sqrt(phi) (1 + d/(2 r_f))). In m^2/s. */
#define DS_BIO_KB            1.380649e-23 /* J/K, exact (SI 2019) */
#define DS_BIO_T37           310.15       /* K */
#define DS_BIO_ETA_WATER_37  0.6913e-3    /* Pa s, water at 37 C (Kestin, Sokolov & Wakeham 1978) */
PetscReal DSBioExoDiffusivity(PetscReal diameter_nm, PetscReal fibre_radius_nm, PetscReal solid_fraction);
/* Ideal Donnan osmolarity of the interstitial fluid, in mOsm/kg: the cation and anion concentrations
 * c+ c- = (c_ext/2)^2, c+ - c- = FCD give c+ + c- = sqrt(FCD^2 + c_ext^2), with FCD in mEq/kg water and
 * c_ext the osmolarity of the bathing fluid (2 x its NaCl). *dosm_dfcd (may be NULL): derivative. */
PetscReal DSBioDonnanOsmolarity(PetscReal fcd, PetscReal c_ext, PetscReal *dosm_dfcd);
/* Osmotic death, in 1/day (<= 0): -k (osm - osm_th)/100 for osm > osm_th, exactly 0 otherwise (k per day per 100 mOsm/kg). */
PetscReal DSBioOsmoticDeathRate(PetscReal osm, PetscReal osm_th, PetscReal k_per_day_per_100);
#endif
