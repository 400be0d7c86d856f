/* The Bibby et al. (2005, Spine 30:487) laws used by the "nutrient" model, in their published
 * units: rates in nmol per 10^6 cells per hour, pO2 p in kPa, lactate in mM. */
#ifndef NUTRIENT_H
#define NUTRIENT_H
#include <petscsys.h>

PetscReal DSBibbyPH(PetscReal lactate_mM);
PetscReal DSBibbyOxygenRate(PetscReal pH, PetscReal p_kPa);
PetscReal DSBibbyLactateRate(PetscReal pH, PetscReal p_kPa);
#endif
