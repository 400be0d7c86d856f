/* The study shared by solver/app/dsstudyfile.c (reading and checking the study file) and
 * dsstudy.c (members, journal, table). Private to solver/app. */
#ifndef DSSTUDYIMPL_H
#define DSSTUDYIMPL_H
#include "dsstudy.h"
#include "dsparam.h"
#include "dsdesign.h"

#define DS_STUDY_MAX_VARS 256
#define DS_STUDY_MAX_QOI  32
#define DS_STUDY_MAX_SET  128
#define DS_STUDY_KEY      128
#define DS_STUDY_VALUE    512

typedef struct {
  char        key[DS_STUDY_KEY]; /* without '-' */
  char        unit[64];
  DSPlausible dist;
  PetscBool   has_row;           /* a parameter row of the model or the mesh: its allowed range is known */
  PetscBool   mesh_key;          /* a key of the mesh (geometry, endplate): members differ in their mesh */
  PetscReal   min, max;
} DSStudyVar;

typedef struct {
  char      name[DS_STUDY_KEY]; /* a global of the run's CSV, e.g. glucose_NP_centre */
  char      unit[64];           /* "" when the model does not declare it (balances): see the run's CSV */
  PetscBool at_end;
  PetscReal t; /* h */
} DSStudyQoI;

typedef struct {
  char         path[PETSC_MAX_PATH_LEN], dir[PETSC_MAX_PATH_LEN], name[256];
  char         base[PETSC_MAX_PATH_LEN];                    /* base scenario ("" none), relative paths resolved */
  char         table[PETSC_MAX_PATH_LEN], journal[PETSC_MAX_PATH_LEN + 16], work[PETSC_MAX_PATH_LEN + 16];
  char         model[64];
  PetscInt     nset;
  char         setkey[DS_STUDY_MAX_SET][DS_STUDY_KEY], setval[DS_STUDY_MAX_SET][DS_STUDY_VALUE];
  PetscInt     nvar, nq;
  DSStudyVar   var[DS_STUDY_MAX_VARS];
  DSStudyQoI   q[DS_STUDY_MAX_QOI];
  PetscBool    uncertain;                                   /* every documented range of the model */
  DSDesignType design;
  PetscInt     samples, levels, group_size, nlist, abort_after;
  PetscInt64   seed;
  PetscReal   *list;                                        /* list design: nlist x nvar values */
  PetscBool    overwrite, design_only;
  PetscBool    reuse; /* -study_reuse: members keep the mesh and steady solver set up by the one before */
  DSDesign     d;
  PetscReal   *x;                                           /* n x nvar input values of every member */
  uint64_t     fingerprint;
} DSStudy;

/* dsstudyfile.c */
PetscErrorCode DSStudyRead(MPI_Comm comm, const char path[], DSStudy *st);
PetscErrorCode DSStudyCheck(MPI_Comm comm, DSStudy *st);
/* dsstudytable.c: the members table as netCDF, written from the CSV's text (modified in place) */
PetscErrorCode DSStudyNetCDFPath(const DSStudy *st, char path[], size_t size);
PetscErrorCode DSStudyWriteNetCDF(const DSStudy *st, char *csv);
/* dsstudy.c */
PetscErrorCode DSStudyParseTime(const char key[], const char text[], PetscReal *t);
#endif
