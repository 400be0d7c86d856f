/* DSStudy: many runs of one scenario from a study file (YAML): the varied keys with their
 * distributions, a design (grid, Latin hypercube, Saltelli, Morris or a list of members), the
 * quantities of interest and a seed. Members run on MPI sub-communicators of -study_group_size
 * ranks; each one's results go as one row to a journal, so that an interrupted study resumes
 * where it stopped; at the end the members table (CSV) is written sorted by member. doc/studies.md. */
#ifndef DSSTUDY_H
#define DSSTUDY_H
#include <petscsys.h>

/* Reads the study file and the -study_* options, checks everything before any member runs, runs
 * the members not yet in the journal and writes the table. */
PetscErrorCode DSStudyRunFile(MPI_Comm comm, const char path[]);
#endif
