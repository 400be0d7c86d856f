/* Conversions between the units users type and discsim's internal ones (length mm, time h,
 * concentration mM = nmol/mm^3). doc/units.md lists every key with its unit. */
#ifndef DSUNITS_H
#define DSUNITS_H

#define DS_M2_PER_S_TO_MM2_PER_H 3.6e9    /* 1 m^2/s = 1e6 mm^2 x 3600 s/h */
#define DS_HOURS_PER_DAY         24.0
#define DS_HOURS_PER_WEEK        168.0
#define DS_HOURS_PER_YEAR        8766.0   /* 365.25 d */
#endif
