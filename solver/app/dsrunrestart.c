/* The results' files over a run's life: written under partial names and renamed when the run has
 * finished; checkpoints of the whole run state while it goes on; a restart that continues a
 * killed or failed run from its last checkpoint, appending to its partial results. */
#include "dsrunimpl.h"
#include "dscheckpoint.h"
#include "dsfiles.h"
#include "dsoptions.h"

#define DS_CHECKPOINT_WALL_DEFAULT 900.0 /* s: at most 15 min of computing lost to a killed run */

/* "<output stem>.checkpoint.nc" beside the result. */
static PetscErrorCode DSRunDefaultCheckpointName(const char exo[], char out[], size_t len)
{
  size_t n;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(out, exo, len));
  PetscCall(PetscStrlen(out, &n));
  if (n > 4 && !strcmp(out + n - 4, ".exo")) out[n - 4] = 0;
  PetscCall(PetscStrlcat(out, ".checkpoint.nc", len));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunReadCheckpointBlock(DSRunOptions *o, PetscOptionItems *PetscOptionsObject)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsString("-checkpoint_file", "checkpoint of the whole run state, to continue a killed or failed run with -restart (default: the result file with .checkpoint.nc; removed when the run finishes) [path]", NULL, o->checkpoint, o->checkpoint, sizeof o->checkpoint, NULL));
  PetscCall(PetscOptionsReal("-checkpoint_interval", "write a checkpoint every this much simulated time (0: only by wall time and on failure) [h]", NULL, o->checkpoint_every, &o->checkpoint_every, NULL));
  PetscCheck(o->checkpoint_every >= 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "input -checkpoint_interval = %g h is out of range: allowed >= 0 h (0: none by simulated time)", (double)o->checkpoint_every);
  PetscCall(PetscOptionsReal("-checkpoint_wall_interval", "write a checkpoint every this much wall-clock time (0: only by simulated time and on failure) [s]", NULL, o->checkpoint_wall, &o->checkpoint_wall, NULL));
  PetscCheck(o->checkpoint_wall >= 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "input -checkpoint_wall_interval = %g s is out of range: allowed >= 0 s (0: none by wall time)", (double)o->checkpoint_wall);
  PetscCall(PetscOptionsString("-restart", "continue the run from this checkpoint, appending to its partial results [path]", NULL, o->restart, o->restart, sizeof o->restart, &o->restart_set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* After the output options: checkpoint settings, the partial names, and the restart file. */
PetscErrorCode DSRunReadCheckpointOptions(DSRunContext *ctx)
{
  DSRunOptions *o = &ctx->o;
  PetscBool     exists;

  PetscFunctionBeginUser;
  PetscCall(DSOptionsCheckString("-checkpoint_file"));
  PetscCall(DSOptionsCheckString("-restart"));
  PetscCall(DSOptionsCheckReal("-checkpoint_interval", "h"));
  PetscCall(DSOptionsCheckReal("-checkpoint_wall_interval", "s"));
  PetscCall(DSRunDefaultCheckpointName(o->exo, o->checkpoint, sizeof o->checkpoint));
  o->checkpoint_wall = DS_CHECKPOINT_WALL_DEFAULT;
  DSOptionsBlock(ctx->comm, "Checkpoints and restart (solver/)", DSRunReadCheckpointBlock(o, PetscOptionsObject));
  PetscCall(DSFilesTaggedName(o->exo, "partial", o->exo_part, sizeof o->exo_part));
  PetscCall(DSFilesTaggedName(o->csv, "partial", o->csv_part, sizeof o->csv_part));
  PetscCheck(!DSFilesSame(o->checkpoint, o->exo) && !DSFilesSame(o->checkpoint, o->csv) && !DSFilesSame(o->checkpoint, o->exo_part) && !DSFilesSame(o->checkpoint, o->csv_part), ctx->comm, PETSC_ERR_ARG_WRONG,
             "input -checkpoint_file = %s names one of the result files (%s, %s): give a file of its own", o->checkpoint, o->exo, o->csv);
  if (!o->restart_set || o->help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DSFilesExists(ctx->comm, o->restart, &exists));
  PetscCheck(exists, ctx->comm, PETSC_ERR_FILE_OPEN, "input -restart = %s: no such file. A run writes its checkpoint to -checkpoint_file (default: the result file with .checkpoint.nc)", o->restart);
  PetscCheck(o->method == 0, ctx->comm, PETSC_ERR_ARG_INCOMP, "input -restart continues a time integration; -time_steady_method newton has none. Drop -restart");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A new run: the final results must not exist (unless overwriting), nor the leftovers of a run
 * that was killed or failed (its partial results, its checkpoint), which it would destroy. */
static PetscErrorCode DSRunRefuseExisting(DSRunContext *ctx)
{
  const DSRunOptions *o = &ctx->o;
  PetscBool           exo, csv, part_exo, part_csv, cp;

  PetscFunctionBeginUser;
  PetscCall(DSFilesExists(ctx->comm, o->exo, &exo));
  PetscCall(DSFilesExists(ctx->comm, o->csv, &csv));
  PetscCall(DSFilesExists(ctx->comm, o->exo_part, &part_exo));
  PetscCall(DSFilesExists(ctx->comm, o->csv_part, &part_csv));
  PetscCall(DSFilesExists(ctx->comm, o->checkpoint, &cp));
  if (o->overwrite) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(!exo && !csv, ctx->comm, PETSC_ERR_FILE_OPEN, "output file '%s' exists: refusing to overwrite it (pass -output_overwrite to replace it, or choose -output_file)", exo ? o->exo : o->csv);
  if (o->sensitivity_set) {
    PetscBool sens;
    PetscCall(DSFilesExists(ctx->comm, o->sensitivity, &sens));
    PetscCheck(!sens, ctx->comm, PETSC_ERR_FILE_OPEN, "output file '%s' exists: refusing to overwrite it (pass -output_overwrite to replace it, or choose -output_file)", o->sensitivity);
  }
  PetscCheck(!(part_exo || part_csv) || !cp, ctx->comm, PETSC_ERR_FILE_OPEN, "'%s' is the partial result of a run that was killed or failed (or is still running), and '%s' its checkpoint: continue that run by adding -restart %s, or start again with -output_overwrite", part_exo ? o->exo_part : o->csv_part, o->checkpoint, o->checkpoint);
  PetscCheck(!(part_exo || part_csv), ctx->comm, PETSC_ERR_FILE_OPEN, "'%s' is the partial result of a run that was killed or failed before its first checkpoint (or is still running): start again with -output_overwrite, or remove it", part_exo ? o->exo_part : o->csv_part);
  PetscCheck(!cp, ctx->comm, PETSC_ERR_FILE_OPEN, "checkpoint '%s' of an earlier run exists but its partial results do not: remove it, or pass -output_overwrite", o->checkpoint);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The checks that a checkpoint belongs to this run: species, mesh, injections and output times. */
static PetscErrorCode DSRunIdentity(DSRunContext *ctx, DSCheckpoint cp, PetscBool load)
{
  PetscInt        n[3], nev, nout;
  const DSEvent  *ev;
  const PetscReal *tout;
  PetscReal       sizes[3], *events, *buf;
  char            species[1024] = "", saved[1024];

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < ctx->nsp; s++) {
    const DSFieldInfo *info;
    PetscCall(DSModelGetField(ctx->model, s, &info));
    PetscCall(PetscStrlcat(species, s ? "," : "", sizeof species));
    PetscCall(PetscStrlcat(species, info->name, sizeof species));
  }
  PetscCall(DSMeshGetSizes(ctx->mesh, n));
  for (PetscInt d = 0; d < 3; d++) sizes[d] = (PetscReal)n[d];
  PetscCall(DSScheduleGetEvents(ctx->schedule, &nev, &ev));
  PetscCall(DSIntegratorGetOutputTimes(ctx->integ, &nout, &tout));
  PetscCall(PetscMalloc2(3 * nev + 1, &events, PetscMax(3 * nev, nout) + 3, &buf));
  for (PetscInt e = 0; e < nev; e++) events[3 * e] = ev[e].time, events[3 * e + 1] = (PetscReal)ev[e].species, events[3 * e + 2] = ev[e].amount;
  if (!load) {
    PetscCall(DSCheckpointSetText(cp, "species", species));
    PetscCall(DSCheckpointSetValues(cp, "mesh_sizes", 3, sizes));
    PetscCall(DSCheckpointSetValues(cp, "injections", 3 * nev, events));
    PetscCall(DSCheckpointSetValues(cp, "output_times", nout, tout));
  } else {
    PetscCall(DSCheckpointGetText(cp, "species", saved, sizeof saved));
    PetscCheck(!strcmp(saved, species), ctx->comm, PETSC_ERR_ARG_INCOMP, "checkpoint '%s' was written by a run with the species %s; this run has %s: restart with the scenario and options of that run", ctx->o.restart, saved, species);
    PetscCall(DSCheckpointGetValues(cp, "mesh_sizes", 3, buf));
    PetscCheck(buf[0] == sizes[0] && buf[1] == sizes[1] && buf[2] == sizes[2], ctx->comm, PETSC_ERR_ARG_INCOMP, "checkpoint '%s' was written on a %d x %d x %d mesh; this run's is %d x %d x %d: restart with the mesh of that run", ctx->o.restart, (int)buf[0], (int)buf[1], (int)buf[2], (int)n[0], (int)n[1], (int)n[2]);
    PetscCall(DSCheckpointGetValues(cp, "injections", 3 * nev, buf));
    for (PetscInt k = 0; k < 3 * nev; k++) PetscCheck(buf[k] == events[k], ctx->comm, PETSC_ERR_ARG_INCOMP, "checkpoint '%s' was written by a run with other injections (%s differs): restart with the injections of that run", ctx->o.restart, ev[k / 3].label);
    PetscCall(DSCheckpointGetValues(cp, "output_times", nout, buf));
    for (PetscInt k = 0; k < nout; k++) PetscCheck(buf[k] == tout[k], ctx->comm, PETSC_ERR_ARG_INCOMP, "checkpoint '%s' was written by a run with other output times (entry %" PetscInt_FMT ": %g h, now %g h): restart with the -time_final and output times of that run", ctx->o.restart, k + 1, (double)buf[k], (double)tout[k]);
  }
  PetscCall(PetscFree2(events, buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define DS_NCOUNTERS 8

/* The integrator's state and the run's own (output positions, dose trackers) as records. */
static PetscErrorCode DSRunPackState(DSRunContext *ctx, DSCheckpoint cp, const DSIntegratorState *st)
{
  const DSIntegratorStats *c = &st->stats;
  PetscReal counters[DS_NCOUNTERS] = {(PetscReal)c->steps, (PetscReal)c->rhs_evals, (PetscReal)c->newton_iters, (PetscReal)c->newton_fails, (PetscReal)c->linear_iters, (PetscReal)c->prec_setups, (PetscReal)c->prec_solves, (PetscReal)c->error_test_fails};
  PetscReal position[4], persist[DS_MAX_PERSIST * DS_PERSISTENCE_PACKED];
  PetscInt  steps;
  long long bytes;

  PetscFunctionBeginUser;
  PetscCall(DSExodusGetNumSteps(ctx->exo, &steps));
  PetscCall(DSCSVGetLength(ctx->csv, &bytes));
  position[0] = st->t, position[1] = (PetscReal)st->next_event, position[2] = (PetscReal)steps, position[3] = (PetscReal)bytes;
  PetscCall(DSCheckpointSetValues(cp, "position", 4, position)); /* t (h), injections applied, Exodus steps, CSV bytes */
  PetscCall(DSCheckpointSetValues(cp, "counters", DS_NCOUNTERS, counters));
  PetscCall(DSCheckpointSetValues(cp, "injected", ctx->nsp, st->injected));
  PetscCall(DSCheckpointSetValues(cp, "last_injection_time", ctx->nsp, st->last_injection_time));
  PetscCall(DSCheckpointSetValues(cp, "last_injection_amount", ctx->nsp, st->last_injection_amount));
  for (PetscInt k = 0; k < ctx->npersist; k++) DSPersistencePack(&ctx->persist[k], &persist[k * DS_PERSISTENCE_PACKED]);
  PetscCall(DSCheckpointSetValues(cp, "dose_trackers", ctx->npersist * DS_PERSISTENCE_PACKED, persist));
  PetscCall(DSCheckpointSetValues(cp, "last_output_time", 1, &ctx->t_last));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunUnpackState(DSRunContext *ctx, DSCheckpoint cp, DSIntegratorState *st, PetscReal position[4])
{
  DSIntegratorStats *c = &st->stats;
  PetscReal          counters[DS_NCOUNTERS], persist[DS_MAX_PERSIST * DS_PERSISTENCE_PACKED];

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(st, sizeof *st));
  PetscCall(DSCheckpointGetValues(cp, "position", 4, position));
  PetscCall(DSCheckpointGetValues(cp, "counters", DS_NCOUNTERS, counters));
  PetscCall(DSCheckpointGetValues(cp, "injected", ctx->nsp, st->injected));
  PetscCall(DSCheckpointGetValues(cp, "last_injection_time", ctx->nsp, st->last_injection_time));
  PetscCall(DSCheckpointGetValues(cp, "last_injection_amount", ctx->nsp, st->last_injection_amount));
  PetscCall(DSCheckpointGetValues(cp, "dose_trackers", ctx->npersist * DS_PERSISTENCE_PACKED, persist));
  PetscCall(DSCheckpointGetValues(cp, "last_output_time", 1, &ctx->t_last));
  for (PetscInt k = 0; k < ctx->npersist; k++) DSPersistenceUnpack(&ctx->persist[k], &persist[k * DS_PERSISTENCE_PACKED]);
  st->t = position[0], st->next_event = (PetscInt)position[1];
  c->steps = (long)counters[0], c->rhs_evals = (long)counters[1], c->newton_iters = (long)counters[2], c->newton_fails = (long)counters[3];
  c->linear_iters = (long)counters[4], c->prec_setups = (long)counters[5], c->prec_solves = (long)counters[6], c->error_test_fails = (long)counters[7];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The integrator's checkpoint function. After a failure the last good state also becomes the last
 * step of the partial results (after the checkpoint, which a restart continues from). */
static PetscErrorCode DSRunCheckpoint(void *vctx, const DSIntegratorState *st, Vec U, PetscBool failed)
{
  DSRunContext  *ctx = (DSRunContext *)vctx;
  DSCheckpoint   cp;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(DSCheckpointCreate(ctx->comm, &cp));
  ierr = DSRunIdentity(ctx, cp, PETSC_FALSE);
  if (!ierr) ierr = DSRunPackState(ctx, cp, st);
  if (!ierr) ierr = DSCheckpointWrite(cp, ctx->o.checkpoint, U);
  PetscCall(DSCheckpointDestroy(&cp));
  PetscCall(ierr);
  if (!failed) PetscFunctionReturn(PETSC_SUCCESS);
  if (st->t > ctx->t_last) PetscCall(DSRunMonitor(ctx, st->t, U));
  PetscCall(PetscPrintf(ctx->comm, "the last good state, t = %g h, is the last step of %s and %s, and checkpoint %s holds it: after changing what the message below suggests, continue with -restart %s\n", (double)st->t, ctx->o.exo_part, ctx->o.csv_part,
                        ctx->o.checkpoint, ctx->o.checkpoint));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A restart: the checkpoint into U, the integrator and the trackers; the partial results reopened
 * where they stood at the checkpoint. */
static PetscErrorCode DSRunLoad(DSRunContext *ctx, PetscInt nfields, const char *const names[], const char *const units[])
{
  DSCheckpoint      cp;
  DSIntegratorState st;
  PetscReal         position[4];
  PetscBool         exo, csv;
  PetscErrorCode    ierr;
  PetscInt          nev;
  const DSEvent    *ev;

  PetscFunctionBeginUser;
  PetscCall(DSFilesExists(ctx->comm, ctx->o.exo, &exo));
  PetscCall(DSFilesExists(ctx->comm, ctx->o.csv, &csv));
  PetscCheck(ctx->o.overwrite || !(exo || csv), ctx->comm, PETSC_ERR_FILE_OPEN, "output file '%s' exists, where the restarted run will put its result: move it away or pass -output_overwrite", exo ? ctx->o.exo : ctx->o.csv);
  PetscCall(DSFilesExists(ctx->comm, ctx->o.exo_part, &exo));
  PetscCall(DSFilesExists(ctx->comm, ctx->o.csv_part, &csv));
  PetscCheck(exo && csv, ctx->comm, PETSC_ERR_FILE_OPEN, "-restart %s continues the partial results of the interrupted run, but '%s' is missing: restart with the -output_file of that run", ctx->o.restart, exo ? ctx->o.csv_part : ctx->o.exo_part);
  PetscCall(DSCheckpointCreate(ctx->comm, &cp));
  ierr = DSCheckpointLoad(cp, ctx->o.restart, NULL);
  if (!ierr) ierr = DSRunIdentity(ctx, cp, PETSC_TRUE);
  if (!ierr) ierr = DSCheckpointLoad(cp, ctx->o.restart, ctx->U);
  if (!ierr) ierr = DSRunUnpackState(ctx, cp, &st, position);
  PetscCall(DSCheckpointDestroy(&cp));
  PetscCall(ierr);
  PetscCall(DSIntegratorSetRestart(ctx->integ, &st));
  ctx->nsteps = (PetscInt)position[2];
  PetscCall(DSExodusReopen(ctx->mesh, ctx->o.exo_part, ctx->o.revolve, ctx->nsteps, nfields, names, units, ctx->nglobals, ctx->gname, ctx->gunit, &ctx->exo));
  PetscCall(DSCSVReopen(ctx->comm, ctx->o.csv_part, (long long)position[3], ctx->nglobals, &ctx->csv));
  PetscCall(DSScheduleGetEvents(ctx->schedule, &nev, &ev));
  PetscCall(PetscPrintf(ctx->comm, "restart from %s: t = %g h, %" PetscInt_FMT " of %" PetscInt_FMT " injections applied, %" PetscInt_FMT " output steps kept in %s\n", ctx->o.restart, (double)st.t, st.next_event, nev, ctx->nsteps, ctx->o.exo_part));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSRunCreateOutputs(DSRunContext *ctx, PetscInt nfields, const char *const names[], const char *const units[])
{
  PetscFunctionBeginUser;
  if (ctx->o.method == 0) PetscCall(DSIntegratorSetCheckpoint(ctx->integ, DSRunCheckpoint, ctx, ctx->o.checkpoint_every, ctx->o.checkpoint_wall));
  if (ctx->o.restart_set) {
    PetscCall(DSRunLoad(ctx, nfields, names, units));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(DSRunRefuseExisting(ctx));
  if (ctx->o.revolve) {
    DSMeshType type;
    PetscCall(DSMeshGetType(ctx->mesh, &type));
    PetscCheck(type == DS_MESH_AXISYMMETRIC, ctx->comm, PETSC_ERR_ARG_INCOMP, "input -output_revolve = %" PetscInt_FMT " revolves an axisymmetric result; this mesh is %s (give -output_revolve 0)", ctx->o.revolve, DSMeshTypes[type]);
  }
  PetscCall(DSExodusCreateRevolved(ctx->mesh, ctx->o.exo_part, ctx->o.overwrite, ctx->scenario, ctx->o.revolve, nfields, names, units, ctx->nglobals, ctx->gname, ctx->gunit, &ctx->exo));
  PetscCall(DSCSVCreate(ctx->comm, ctx->o.csv_part, ctx->o.overwrite, ctx->nglobals, ctx->gname, ctx->gunit, &ctx->csv));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The run has finished: close the results, give them their final names, drop the checkpoint. */
PetscErrorCode DSRunCommitOutputs(DSRunContext *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(DSExodusDestroy(&ctx->exo));
  PetscCall(DSCSVDestroy(&ctx->csv));
  PetscCall(DSFilesCommit(ctx->comm, ctx->o.exo_part, ctx->o.exo, ctx->o.overwrite));
  PetscCall(DSFilesCommit(ctx->comm, ctx->o.csv_part, ctx->o.csv, ctx->o.overwrite));
  PetscCall(DSFilesRemove(ctx->comm, ctx->o.checkpoint));
  PetscFunctionReturn(PETSC_SUCCESS);
}
