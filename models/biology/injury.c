/* Needle injury of the biology model (doc/biology.md §9.1): what an injection that injures does
 * to the tissue the needle damages. The solver finds the damaged tissue (the needle track, from
 * the needle's gauge, entry and the injection centre) and applies the effect declared here
 * (DSInjury): it kills a fraction of every cell population there, moving the cells into the
 * accumulator cells_killed_injury (so that the cell totals stay exact), and raises the cytokine
 * in the damaged tissue and over the injected volume. Off unless an injection asks for it
 * (-injectionN_injury): no data fix a default for the human disc. */
#include "biologyimpl.h"

#define ILLUS "illustrative (no measurement)"

static const DSParam injury_rows[INJ_N] = {
  [INJ_KILL]   = {"bio_injury_kill_fraction", "1", "fraction of the viable cells (every population) killed in the needle-damaged tissue", 1, 0, 1, PETSC_FALSE,
                  "Korecki 2008: localised cell death at the needle insertion site, viability kept elsewhere", PETSC_TRUE, PETSC_FALSE, {DS_DIST_UNIFORM, 0.5, 1, 0, "illustrative", PETSC_TRUE}},
  [INJ_MARGIN] = {"bio_injury_margin", "mm", "width of the damage zone beyond the needle's outer surface", 0.1, 0, 10, PETSC_FALSE, ILLUS, PETSC_TRUE, PETSC_FALSE, {DS_DIST_UNIFORM, 0, 0.5, 0, "illustrative", PETSC_TRUE}},
  [INJ_CYT_TRACK] = {"bio_injury_cytokine_track", "1", "rise of the cytokine level in the needle-damaged tissue (amount per damaged volume)", 1, 0, 1000, PETSC_FALSE, ILLUS, PETSC_TRUE, PETSC_FALSE,
                     {DS_DIST_LOGUNIFORM, 0.1, 10, 0, "illustrative", PETSC_TRUE}},
  [INJ_CYT_BOLUS] = {"bio_injury_cytokine_bolus", "1", "rise of the cytokine level over the injected volume (amount per injected volume)", 0.1, 0, 1000, PETSC_FALSE, ILLUS, PETSC_TRUE, PETSC_FALSE,
                     {DS_DIST_UNIFORM, 0, 1, 0, "illustrative", PETSC_TRUE}},
};

void BioInjuryParameters(DSParam rows[])
{
  for (PetscInt i = 0; i < INJ_N; i++) rows[i] = injury_rows[i];
}

/* The effect in the layout of this run: every population is killed into the accumulator. */
void BioInjurySetUp(DSModel m, Biology *b)
{
  DSInjury *inj = &b->inj;

  m->injury = NULL;
  if (!b->injury) return;
  inj->nkill = b->npop;
  for (PetscInt q = 0; q < b->npop; q++) inj->kill[q] = b->pop[q].species;
  inj->killed_into        = b->KILLED;
  inj->kill_fraction      = DSModelParam(m, P_INJ + INJ_KILL);
  inj->margin             = DSModelParam(m, P_INJ + INJ_MARGIN);
  inj->pulse              = b->CYT;
  inj->pulse_per_damaged  = DSModelParam(m, P_INJ + INJ_CYT_TRACK);
  inj->pulse_per_injected = DSModelParam(m, P_INJ + INJ_CYT_BOLUS);
  m->injury               = inj;
}
