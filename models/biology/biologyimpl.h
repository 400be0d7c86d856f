/* Private to the biology model (models/biology/): its data, its type tables and its processes.
 * Each process file (populations.c, matrix.c, inflammation.c, exosomes.c) holds the rates, the
 * analytic Jacobian and the declared Jacobian pattern of its own rows, side by side, so that a
 * change to an equation and to its derivative and pattern is made in one place. */
#ifndef BIOLOGYIMPL_H
#define BIOLOGYIMPL_H
#include "dsnutrient.h"
#include "biology.h"

/* ------------------------------------------------------------------------------------------
 * Types: one row per MSC population and per exosome source (types.c). Adding a type is adding
 * a row there, with its values documented in doc/biology.md and doc/parameters.md. */
enum { M_O2, M_GLY, M_GTH, M_PHTH, M_PHW, M_ACID, M_OSMTH, M_OSMW, M_OSMD, M_PROL, M_MATRIX, M_PARA, M_N }; /* per cell type parameters */
#define BIO_MAX_CELL_TYPES 8
#define BIO_MAX_EXO_SOURCES 8

typedef struct {
  const char *name;         /* "BMSC": species cells_BMSC, keys -bio_BMSC_* */
  const char *what;         /* -injectionN_what value, e.g. "bmsc" */
  PetscReal   value[M_N];   /* defaults, in the units of BioCellTypeParameters (types.c) */
  const char *source[M_N];  /* source of each default; NULL: illustrative (no measurement) */
  PetscInt    measured;     /* bit k set: value k is measured (or bracketed by measurements), not illustrative */
  DSPlausible plausible[M_N];
} BioCellType;

/* per exosome source parameters (keys -bio_<what>_<row>, e.g. -bio_exo_bmsc_diameter) */
enum { X_DIAMETER, X_UPTAKE, X_CLR_HL, X_CARGO_HL, X_EMAX_SYN, X_EMAX_MMP, X_EMAX_DEATH, X_N };
/* the species of one source's vesicle pool: <what>_free, _internal, _degraded, _cleared, _leaked */
enum { POOL_FREE, POOL_INTERNAL, POOL_DEGRADED, POOL_CLEARED, POOL_LEAKED, POOL_N };

typedef struct {
  const char *what;         /* -injectionN_what value, e.g. "exo_bmsc": species exo_bmsc_free, ... */
  const char *label;        /* e.g. "BMSC exosomes" */
  PetscReal   value[X_N];   /* defaults, in the units of the rows in exosomes.c (exo_source_rows) */
  const char *source[X_N];  /* source of each default (NULL: illustrative) */
} BioExoSource;

/* Injectable soluble protein factors (factors.c): per factor the diffusivity [m^2/s] (all regions),
 * the half-life of the free factor in the disc [h], the half-life of its release from the injected carrier [h], EC50 [ng/mm^3] and the largest effect [1]
 * on its target: matrix synthesis (growth factor) or MMP-mediated matrix degradation (inhibitor).
 * Keys -bio_<what>_<row>, e.g. -bio_op1_EC50. */
enum { G_D, G_DECAY_HL, G_RELEASE_HL, G_EC50, G_EMAX, G_N };
/* the species of one factor's pool: <what>_depot (receives the dose), _free, _decayed, _leaked */
enum { FPOOL_DEPOT, FPOOL_FREE, FPOOL_DECAYED, FPOOL_LEAKED, FPOOL_N };
typedef enum { FACTOR_SYNTHESIS, FACTOR_DEGRADATION } BioFactorTarget;
#define BIO_MAX_FACTORS 4

typedef struct {
  const char     *what;        /* -injectionN_what value, e.g. "op1": species op1_depot, ... */
  const char     *label;       /* e.g. "rhOP-1 (BMP-7)" */
  BioFactorTarget target;
  PetscReal       value[G_N];  /* defaults, in the units of the rows in factors.c */
  const char     *source[G_N]; /* source of each default (NULL: illustrative) */
  PetscBool       measured[G_N];
  DSPlausible     plausible[G_N];
} BioFactor;

extern const BioFactor    BioFactors[];
extern const PetscInt     BioNumFactors;
extern const BioCellType  BioCellTypes[];
extern const PetscInt     BioNumCellTypes;
extern const BioExoSource BioExoSources[];
extern const PetscInt     BioNumExoSources;

/* ------------------------------------------------------------------------------------------
 * Parameters: the nutrient component's block, the model's own rows, then M_N rows per cell type */
enum {
  P_NUT, /* DS_NUT_NPARAM rows of the nutrient component (dsnutrient.h) */
  P_D_CYT = P_NUT + DS_NUT_NPARAM, P_CEP_FACTOR, P_VIABLE,
  P_DEATH_RATE, P_DEATH_K, P_NAT_GTH, P_NAT_PHTH, P_NAT_ACID, P_NAT_OSMTH, P_NAT_OSMD, P_NAT_PROL,
  P_CAPACITY, P_WIDTH_G, P_WIDTH_PH, P_WIDTH_OSM, P_FCD_NP, P_FCD_AF, P_FCD_CEP, P_OSM_EXT,
  P_AGG_HL_NP, P_AGG_HL_AF, P_AGG_HL_CEP, P_COL_HL, P_AGG_SHARE, P_COL_SHARE, P_INIT_AGG, P_INIT_COL,
  P_MMP_HL, P_MMP_GAIN, P_CYT_HL, P_CYT_PROD, P_PARA_MAX, P_PARA_HALF,
  P_EXO_FIBRE_R_NP, P_EXO_FIBRE_R_AF, P_EXO_FIBRE_R_CEP, P_EXO_FIBRE_PHI_NP, P_EXO_FIBRE_PHI_AF, P_EXO_FIBRE_PHI_CEP, P_EXO_EC50, P_PER_UG,
  P_MSC /* BioNumCellTypes blocks of M_N, then BioNumExoSources blocks of X_N (from P_EXO) */
};
#define P_EXO (P_MSC + BioNumCellTypes * M_N)
/* the needle-injury rows (injury.c), after the exosome-source rows */
enum { INJ_KILL, INJ_MARGIN, INJ_CYT_TRACK, INJ_CYT_BOLUS, INJ_N };
#define P_INJ (P_EXO + BioNumExoSources * X_N)
/* the protein-factor rows (factors.c), after the needle-injury rows: BioNumFactors blocks of G_N */
#define P_FAC (P_INJ + INJ_N)

/* ------------------------------------------------------------------------------------------
 * Model data */
enum { DIAG_PH, DIAG_PO2, DIAG_CELLS, DIAG_EXO, DIAG_INJECTED, DIAG_EXO_INT, DIAG_OSM, DIAG_DEATH_GLC, DIAG_DEATH_PH, DIAG_DEATH_OSM, DIAG_DEATH_CROWD, NDIAG }; /* then one per vesicle pool: its free + internalised */
#define BIO_MAX_POP (1 + BIO_MAX_CELL_TYPES)

typedef struct {
  PetscInt  species;
  PetscReal fO2, fgly, Gth, pHth, wpH, kacid, Osmth, wOsm, kosm, rprol, fmat, potency; /* kacid 1/(h pH), kosm 1/(h mOsm/kg), rprol 1/h */
} Population;

/* One vesicle pool per injected exosome source (exosomes.c): its species and rate constants. */
typedef struct {
  PetscInt  src;                    /* row of BioExoSources */
  PetscInt  sp[POOL_N];             /* species of free, internalised, degraded, cleared, leaked */
  PetscInt  diag;                   /* diagnostic index of its free + internalised */
  PetscReal kup, kclr, kcargo;      /* mm^3/(cell h), 1/h, 1/h */
  PetscReal Emax[3];                /* largest effect on synthesis, MMP production, death */
} ExoPool;
/* One pool per injected protein factor (factors.c): its species and constants. */
typedef struct {
  PetscInt        src;             /* row of BioFactors */
  PetscInt        sp[FPOOL_N];     /* species of depot, free, decayed, leaked */
  BioFactorTarget target;
  PetscReal       krel, kdec;      /* 1/h */
  PetscReal       EC50, Emax;      /* ng/mm^3, 1 */
} FactorPool;
/* Death rates of one population by cause, in 1/h (<= 0), cargo protection included */
typedef struct {
  PetscReal glc, acid, osm, crowd;
} BioDeath;

typedef struct {
  /* layout (BuildLayout): species indices, fields, figures, boundary sinks */
  DSNutrient   nut;
  PetscInt     nmsc, msc_type[BIO_MAX_CELL_TYPES];
  PetscInt     O2, GLC, LAC, NAT, MSC0, AGG, COL, MMP, CYT, nsp, ndiag;
  PetscBool    injury;                      /* injections injure: species KILLED, the effect inj (injury.c) */
  PetscInt     KILLED;                      /* cells_killed_injury, or -1 */
  DSInjury     inj;
  PetscInt     nexo;                        /* vesicle pools: one per exosome source the schedule injects */
  ExoPool      pool[BIO_MAX_EXO_SOURCES];
  char         exo_names[BIO_MAX_EXO_SOURCES][POOL_N + 1][48]; /* species names, then the pool's total */
  char         exo_free_name[BIO_MAX_EXO_SOURCES][48];     /* injectable species, per source row */
  char        *exo_text;                    /* keys and help texts of the generated exosome rows */
  PetscInt     nfac;                        /* factor pools: one per protein factor the schedule injects */
  FactorPool   fpool[BIO_MAX_FACTORS];
  char         fac_names[BIO_MAX_FACTORS][FPOOL_N][48];
  char         fac_depot_name[BIO_MAX_FACTORS][48]; /* injectable species, per factor row */
  char        *fac_text;                    /* keys and help texts of the generated factor rows */
  DSFieldInfo  fields[DS_MAX_SPECIES + NDIAG + BIO_MAX_EXO_SOURCES];
  PetscInt     sink[DS_MAX_SPECIES];
  PetscInt    *fill; /* nsp x nsp Jacobian pattern (m->jacobian_fill), built by setup */
  DSFigure     figures[DS_MAX_FIGURES];
  char         fignames[DS_MAX_FIGURES][48];
  PetscInt     preset;
  /* what may be injected: the cell types, then the exosome sources (types.c) */
  DSInjectable injectables[BIO_MAX_CELL_TYPES + BIO_MAX_EXO_SOURCES + BIO_MAX_FACTORS];
  char         type_species[BIO_MAX_CELL_TYPES][40], type_label[BIO_MAX_CELL_TYPES][40];
  char        *text; /* keys and help texts of the generated parameter rows */
  PetscReal   *defaults; /* of every parameter: the presets start from them */
  /* derived constants (internal units, 1/h etc.), filled by setup */
  PetscInt     npop;
  Population   pop[BIO_MAX_POP];
  PetscReal    rho_ref[DS_NUM_REGIONS];
  PetscReal    kAsyn[DS_NUM_REGIONS], kAdeg[DS_NUM_REGIONS], kAmmp[DS_NUM_REGIONS], kCsyn, kCdeg, kCmmp;
  PetscReal    kM, aI, kCyt, pCyt, Pmax, Rhalf, EC50;
  PetscReal    death_a, death_K, wG, capacity;
  PetscReal    fcd[DS_NUM_REGIONS], osm_ext; /* healthy fixed charge density [mEq/kg water], bath osmolarity [mOsm/kg] */
} Biology;

/* What several processes read in one cell, computed once per call of the reaction. */
typedef struct {
  PetscReal rho_ref, Kcap, G, pH, rho_tot, logi;
  PetscReal E[3];                                /* cargo effects on synthesis, MMP, death (EXO_SYN..) */
  PetscReal dE[3][BIO_MAX_EXO_SOURCES];          /* their derivatives by each pool's internalised amount */
  PetscReal Fsyn, dFsyn[BIO_MAX_FACTORS];         /* protein factors: synthesis multiplier, its derivative by each pool's free factor */
  PetscReal Fdeg, dFdeg[BIO_MAX_FACTORS];         /* and the multiplier of MMP-mediated degradation */
  PetscReal Osm, dOsm_dA;                        /* Donnan osmolarity [mOsm/kg] and its derivative in aggrecan */
  PetscReal P, dP_dR;                            /* MSC paracrine action */
  PetscReal Sn[BIO_MAX_POP], dSn_dG[BIO_MAX_POP], dSn_dL[BIO_MAX_POP], dSn_dA[BIO_MAX_POP]; /* synthesis/proliferation switch */
  PetscReal Syn, dSyn_dG, dSyn_dL, dSyn_dA, dSyn_drho[BIO_MAX_POP];                    /* matrix synthesis drive */
} BioState;

enum { EXO_SYN, EXO_MMP, EXO_DEATH };
#define BIO_DPH_DL (-1 / 11.11) /* d pH / d lactate (Bibby 2005), 1/mM */

/* types.c */
PetscErrorCode BioCellTypeParameters(Biology *b, DSParam rows[]);
#define BIO_TEXT 200 /* characters of a generated row's key, and of its help */
PetscErrorCode BioGeneratedRow(const DSParam *tmpl, PetscReal value, const char owner[], const char label[], const char sep[], char *text, DSParam *p);
PetscErrorCode BioCreateInjectables(DSModel m, Biology *b);
/* exosomes.c: the per-source rows, the pools' layout and constants, the cargo effects */
PetscErrorCode BioExoSourceParameters(Biology *b, DSParam rows[]);
void           BioExoLayout(Biology *b, PetscInt *s);
void           BioExoFields(Biology *b);
PetscErrorCode BioExoFigures(Biology *b, PetscInt *nf);
void           BioExoSetUp(DSModel m, Biology *b);
void           BioExoEffects(const Biology *b, const PetscScalar u[], BioState *s);
void           BioExoDiagnostics(const Biology *b, const PetscScalar u[], PetscScalar d[]);
/* factors.c: the per-factor rows, the pools' layout and constants, the effects */
PetscErrorCode BioFactorParameters(Biology *b, DSParam rows[]);
void           BioFactorLayout(Biology *b, PetscInt *s);
void           BioFactorFields(Biology *b);
PetscErrorCode BioFactorFigures(Biology *b, PetscInt *nf);
void           BioFactorSetUp(DSModel m, Biology *b);
void           BioFactorEffects(const Biology *b, const PetscScalar u[], BioState *s);
void           BioFactorKinetics(const Biology *b, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n);
void           BioFactorsPattern(const Biology *b, PetscInt fill[], PetscInt n);
/* injury.c: the needle-injury rows and effect */
void           BioInjuryParameters(DSParam rows[]);
void           BioInjurySetUp(DSModel m, Biology *b);
/* biology.c: a key figure (name copied) */
PetscErrorCode BioAddFigure(Biology *b, PetscInt *nf, const char *name, const char *unit, PetscInt field, DSFigureKind kind, DSRegion region, PetscReal threshold, PetscInt persistence_of);

/* the processes: rates r[] and Jacobian rows J (row-major n x n, may be NULL) of their own
 * species, and their Jacobian pattern (fill row-major n x n) */
void BioStateCompute(const Biology *b, const DSPoint *pt, const PetscScalar u[], BioState *s);
void BioDeathRates(const Biology *b, const BioState *s, PetscInt q, BioDeath *d);
void BioMetabolism(DSModel m, const Biology *b, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n);
void BioMetabolismPattern(const Biology *b, PetscInt fill[], PetscInt n);
void BioPopulations(const Biology *b, const BioState *s, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n);
void BioPopulationsPattern(const Biology *b, PetscInt fill[], PetscInt n);
void BioMatrix(const Biology *b, const BioState *s, const DSPoint *pt, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n);
void BioMatrixPattern(const Biology *b, PetscInt fill[], PetscInt n);
void BioInflammation(const Biology *b, const BioState *s, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n);
void BioInflammationPattern(const Biology *b, PetscInt fill[], PetscInt n);
void BioExosomes(const Biology *b, const BioState *s, const PetscScalar u[], PetscScalar r[], PetscScalar J[], PetscInt n);
void BioExosomesPattern(const Biology *b, PetscInt fill[], PetscInt n);
#endif
