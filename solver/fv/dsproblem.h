/* DSProblem: the method-of-lines system dU/dt = F(U) of a model on a mesh.
 *
 * Two-point-flux finite volumes: the flux through a face between cells a and b of species s is
 * T_s (u_b - u_a) with T_s = A / (h_a/D_a,s + h_b/D_b,s), i.e. the harmonic mean of the two
 * diffusivities weighted by the centre-to-face distances; through a Dirichlet face it is
 * A D_a,s / h_a (u_boundary - u_a); no-flux and symmetry faces carry none. Cells outside the
 * disc relax to zero (F = -u) so that they stay zero and the Jacobian stays regular. */
#ifndef DSPROBLEM_H
#define DSPROBLEM_H
#include "dsmesh.h"
#include "dsmodel.h"

typedef struct _p_DSProblem *DSProblem;

/* An injection: 'amount' (the species' amount unit: cells, particles, nmol) of one species,
 * spread uniformly over the disc cells of 'region' (DS_REGION_OUTSIDE: any region) whose centres
 * lie within 'radius' of 'centre' (the nearest such cell when none does), at 'time'. The
 * integrator stops there, adds it and restarts. The program builds these from the injection
 * schedule (solver/app/dsschedule.c). */
typedef struct {
  PetscReal time;      /* h */
  PetscInt  species;
  PetscReal amount;    /* species unit x mm^3 */
  PetscReal centre[3]; /* mm, in the mesh's physical coordinates (dsmesh.h) */
  PetscReal radius;    /* mm */
  char      label[64]; /* shown in the run log, e.g. "BMSC cells (injection1)" */
  DSRegion  region;    /* only cells of this region; DS_REGION_OUTSIDE: any */
  /* The needle (doc/biology.md §9.1): with 'injury', before the dose, the model's DSInjury acts
   * on the track from 'entry' to 'centre' (radius: the needle's plus the model's margin) */
  PetscBool injury;
  PetscReal entry[3];      /* mm: where the needle enters the disc */
  PetscReal needle_radius; /* mm: half the needle's outer diameter */
} DSEvent;

/* What an injury did (DSProblemInjure): damaged volume (mm^3, sum of each cell's share of the
 * track), cells killed (moved into the model's accumulator; the sum over every killed species,
 * in their amount unit) and the pulse added (the pulse species' amount unit), along the track
 * and over the injected sphere. */
typedef struct {
  PetscReal damaged, killed, pulse_track, pulse_bolus;
} DSInjuryResult;

/* Per species, over the disc: amount stored (the species' amount unit, e.g. nmol for mM, cells
 * for cells/mm^3), boundary influx and net reaction (that unit per h). For the slab the amounts
 * are per mm^2 of cross-section. */
typedef struct {
  PetscReal stored, influx, reaction;
} DSBalance;

PetscErrorCode DSProblemCreate(DSMesh mesh, DSModel model, DSProblem *prob);
PetscErrorCode DSProblemDestroy(DSProblem *prob);
PetscErrorCode DSProblemGetDM(DSProblem prob, DM *dm);
PetscErrorCode DSProblemGetMesh(DSProblem prob, DSMesh *mesh);
PetscErrorCode DSProblemGetModel(DSProblem prob, DSModel *model);
PetscErrorCode DSProblemCreateMatrix(DSProblem prob, Mat *J); /* preallocated, not assembled: fill with DSProblemComputeJacobian */
PetscErrorCode DSProblemInitialState(DSProblem prob, Vec U);
/* Uto (cells of 'to' inside the disc) from Ufrom by DSMeshInterpolationWeights on from's mesh:
 * the same model on another mesh of the same disc (solver/fv/dsinterp.c); cells with no cell of
 * 'from' inside the disc around them keep their value. Collective. */
PetscErrorCode DSProblemInterpolate(DSProblem from, Vec Ufrom, DSProblem to, Vec Uto);
PetscErrorCode DSProblemComputeRHS(DSProblem prob, PetscReal t, Vec U, Vec F);
PetscErrorCode DSProblemComputeJacobian(DSProblem prob, PetscReal t, Vec U, Mat J);
PetscErrorCode DSProblemComputeBalance(DSProblem prob, PetscReal t, Vec U, DSBalance balance[]);
PetscErrorCode DSProblemGetOutputDM(DSProblem prob, DM *dmout);
PetscErrorCode DSProblemComputeOutputFields(DSProblem prob, PetscReal t, Vec U, Vec out);
PetscErrorCode DSProblemComputeFigures(DSProblem prob, PetscReal t, Vec U, PetscReal value[], PetscReal where[][3]);
PetscErrorCode DSProblemComputeFigure(DSProblem prob, PetscReal t, Vec U, const DSFigure *fig, PetscReal *value, PetscReal where[3]);
PetscErrorCode DSProblemInject(DSProblem prob, const DSEvent *ev, Vec U, PetscReal *volume);
PetscErrorCode DSProblemInjure(DSProblem prob, const DSEvent *ev, Vec U, DSInjuryResult *res);
PetscErrorCode DSProblemGetAbsoluteTolerances(DSProblem prob, PetscReal factor, Vec atol);
/* 1 for unknowns that must stay >= 0 (every species but those the model lets be negative), 0 otherwise */
/* Collective: the entry of w (a vector over the unknowns) of largest magnitude, non-finite ones
 * first, described for a message: "<species><what> = <value> <unit><per> in the <region> cell
 * (i, j, k) centred at (x, y, z) mm" (per NULL: no unit). *nonfinite (may be NULL) tells whether
 * it is NaN or Inf. */
PetscErrorCode DSProblemLocateWorst(DSProblem prob, Vec w, const char what[], const char per[], PetscBool *nonfinite, char text[], size_t len);
PetscErrorCode DSProblemGetConstraints(DSProblem prob, Vec constraints);
#endif
