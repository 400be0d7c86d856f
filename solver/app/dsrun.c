#include <sys/stat.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include "dsrunimpl.h"
#include "dssensitivity.h"
#include "dsfiles.h"
#include "dsoptions.h"

/* PETSc options consumed outside the option blocks discsim reads. */
static const char *const ds_infrastructure_options[] = {"options_left", "error_traceback", "log_view", "malloc_dump", "malloc_debug", "memory_view", "info", "options_view", "check_pointer_intensity", "malloc_test", NULL};

/* -log_view's rows for the run's own phases (inclusive times), beside the solvers' events: the
 * set-up (options, mesh, problem, solver objects; DSRunMeshSetUp its mesh part), the output
 * (figures, balances, fields, Exodus and CSV writes) and the tear-down */
static PetscLogEvent DS_RunSetUp, DS_RunMeshSetUp, DS_RunOutput, DS_RunDestroy;

static PetscErrorCode DSRunRegisterEvents(void)
{
  static PetscBool    done = PETSC_FALSE;
  static PetscClassId classid;

  PetscFunctionBeginUser;
  if (done) PetscFunctionReturn(PETSC_SUCCESS);
  done = PETSC_TRUE;
  PetscCall(PetscClassIdRegister("DSRun", &classid));
  PetscCall(PetscLogEventRegister("DSRunSetUp", classid, &DS_RunSetUp));
  PetscCall(PetscLogEventRegister("DSRunMeshSetUp", classid, &DS_RunMeshSetUp));
  PetscCall(PetscLogEventRegister("DSRunOutput", classid, &DS_RunOutput));
  PetscCall(PetscLogEventRegister("DSRunDestroy", classid, &DS_RunDestroy));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Keys read only once the problem exists (the integrator's and the solvers' options): the early
 * check leaves them to the final one. */
static const char *const ds_options_read_late[] = {"time_", "cvode_", "output_times", "output_interval", "newton_", "steady_", NULL};

static PetscBool DSStartsWithAny(const char name[], const char *const prefixes[])
{
  for (PetscInt k = 0; prefixes && prefixes[k]; k++)
    if (!strncmp(name, prefixes[k], strlen(prefixes[k]))) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscErrorCode DSCheckUnusedOptions(MPI_Comm comm, const char *const later[])
{
  PetscInt  n, nbad = 0;
  char    **names, **values, list[2048] = "";

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    PetscBool infra = PETSC_FALSE;
    char      item[256];
    for (PetscInt k = 0; ds_infrastructure_options[k]; k++) {
      PetscBool match;
      PetscCall(PetscStrcmp(names[i], ds_infrastructure_options[k], &match));
      infra = (PetscBool)(infra || match);
    }
    if (infra || DSStartsWithAny(names[i], later)) continue;
    PetscCall(PetscSNPrintf(item, sizeof item, "%s-%s%s%s", nbad ? ", " : "", names[i], values[i] ? " = " : "", values[i] ? values[i] : ""));
    PetscCall(PetscStrlcat(list, item, sizeof list));
    nbad++;
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscCheck(!nbad, comm, PETSC_ERR_ARG_WRONG, "unknown input key%s %s (from the scenario file or the command line; misspelt?). Run discsim -help for every key. Nothing was computed", nbad > 1 ? "s" : "", list);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunAddGlobal(DSRunContext *ctx, const char *name, const char *suffix, const char *unit)
{
  PetscFunctionBeginUser;
  PetscCheck(ctx->nglobals < DS_MAX_GLOBALS, PETSC_COMM_SELF, PETSC_ERR_SUP, "model '%s' asks for more than %d output quantities (key figures, balances, injections): DS_MAX_GLOBALS in solver/app/dsrun.c",
             ctx->scenario, DS_MAX_GLOBALS);
  PetscCall(PetscSNPrintf(ctx->gstore[ctx->nglobals], sizeof ctx->gstore[0], "%s%s", name, suffix));
  ctx->gname[ctx->nglobals] = ctx->gstore[ctx->nglobals];
  ctx->gunit[ctx->nglobals] = unit;
  ctx->nglobals++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A dose tracker of figure f with its three output quantities (h): below the fraction of the dose,
 * half-life, residence; 'dose' -1 for the last dose, k >= 0 for the k-th dose into the species. */
static PetscErrorCode DSRunAddTracker(DSRunContext *ctx, const DSFigure *fig, PetscInt f, PetscInt dose, PetscReal at)
{
  char prefix[64], suffix[64];

  PetscFunctionBeginUser;
  PetscCheck(ctx->npersist < DS_MAX_PERSIST, PETSC_COMM_SELF, PETSC_ERR_SUP, "more than %d dose trackers (tracked figures x doses): DS_MAX_PERSIST in solver/app/dsrunimpl.h", DS_MAX_PERSIST);
  if (dose >= 0) PetscCall(PetscSNPrintf(prefix, sizeof prefix, "_dose%" PetscInt_FMT, dose + 1));
  else prefix[0] = 0;
  PetscCall(PetscSNPrintf(suffix, sizeof suffix, "%s_below_%g_of_dose_after", prefix, (double)ctx->o.persistence_fraction));
  PetscCall(DSRunAddGlobal(ctx, fig->name, suffix, "h"));
  PetscCall(PetscSNPrintf(suffix, sizeof suffix, "%s_half_life", prefix));
  PetscCall(DSRunAddGlobal(ctx, fig->name, suffix, "h"));
  PetscCall(PetscSNPrintf(suffix, sizeof suffix, "%s_residence", prefix));
  PetscCall(DSRunAddGlobal(ctx, fig->name, suffix, "h"));
  DSPersistenceInit(&ctx->persist[ctx->npersist], f, ctx->o.persistence_fraction);
  if (dose >= 0) DSPersistenceSetDose(&ctx->persist[ctx->npersist], dose, at);
  ctx->npersist++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Global variables, first the model's key figures, with the location of each minimum and the
 * dose persistence of the figures that track one: after the last dose and, when the schedule
 * injects the species more than once, after each dose (until the next). */
static PetscErrorCode DSRunDeclareFigures(DSRunContext *ctx, PetscBool per_area)
{
  const DSFigure *figs;

  const DSEvent  *ev;
  PetscInt        nev;

  PetscFunctionBeginUser;
  PetscCall(DSScheduleGetEvents(ctx->schedule, &nev, &ev));
  PetscCall(DSModelGetFigures(ctx->model, &ctx->nfig, &figs));
  for (PetscInt f = 0; f < ctx->nfig; f++) {
    const char *unit = figs[f].unit;
    if (per_area && figs[f].kind == DS_FIGURE_INTEGRAL) { /* 1D meshes: per mm^2 of cross-section */
      PetscCall(PetscSNPrintf(ctx->figunit[f], sizeof ctx->figunit[f], "%s/mm^2", figs[f].unit));
      unit = ctx->figunit[f];
    }
    PetscCall(DSRunAddGlobal(ctx, figs[f].name, "", unit));
    if (figs[f].kind == DS_FIGURE_MINIMUM) {
      PetscCall(DSRunAddGlobal(ctx, figs[f].name, "_at_x", "mm"));
      PetscCall(DSRunAddGlobal(ctx, figs[f].name, "_at_y", "mm"));
      PetscCall(DSRunAddGlobal(ctx, figs[f].name, "_at_z", "mm"));
    }
    if (figs[f].kind == DS_FIGURE_INTEGRAL && figs[f].persistence_of >= 0) {
      PetscInt ndose = 0;
      PetscCall(DSRunAddTracker(ctx, &figs[f], f, -1, 0));
      for (PetscInt e = 0; e < nev; e++) ndose += ev[e].species == figs[f].persistence_of;
      if (ndose > 1 && ctx->npersist + ndose > DS_MAX_PERSIST) { /* the last dose is still tracked */
        PetscCall(PetscPrintf(ctx->comm, "note: %" PetscInt_FMT " doses tracked by %s: too many for a per-dose table (DS_MAX_PERSIST = %d trackers in all); only the last dose is reported\n", ndose, figs[f].name, DS_MAX_PERSIST));
        ndose = 0;
      }
      for (PetscInt e = 0, k = 0; e < nev && ndose > 1; e++)
        if (ev[e].species == figs[f].persistence_of) PetscCall(DSRunAddTracker(ctx, &figs[f], f, k++, ev[e].time));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Then per species the amount stored, the boundary influx and the net reaction (the
 * conservation balance) and, for species that receive injections, the amount injected so far. */
static PetscErrorCode DSRunDeclareBalances(DSRunContext *ctx, PetscBool per_area)
{
  const DSEvent  *ev;
  const DSInjury *inj;
  PetscInt        nev, pulse = -1;

  PetscFunctionBeginUser;
  PetscCall(DSScheduleGetEvents(ctx->schedule, &nev, &ev));
  PetscCall(DSModelGetInjury(ctx->model, &inj));
  if (inj) pulse = inj->pulse; /* the injury's pulse counts as injected */
  for (PetscInt s = 0; s < ctx->nsp; s++) {
    const DSFieldInfo *info;
    PetscBool          injected = PETSC_FALSE;
    PetscCall(DSModelGetField(ctx->model, s, &info));
    PetscCall(DSModelGetAmountUnit(ctx->model, s, per_area, PETSC_FALSE, ctx->ustore[s][0], sizeof ctx->ustore[s][0]));
    PetscCall(DSModelGetAmountUnit(ctx->model, s, per_area, PETSC_TRUE, ctx->ustore[s][1], sizeof ctx->ustore[s][1]));
    PetscCall(DSRunAddGlobal(ctx, info->name, "_stored", ctx->ustore[s][0]));
    PetscCall(DSRunAddGlobal(ctx, info->name, "_influx", ctx->ustore[s][1]));
    PetscCall(DSRunAddGlobal(ctx, info->name, "_reaction", ctx->ustore[s][1]));
    for (PetscInt e = 0; e < nev; e++) injected = (PetscBool)(injected || ev[e].species == s || (ev[e].injury && s == pulse));
    ctx->has_injections[s] = injected;
  }
  for (PetscInt s = 0; s < ctx->nsp; s++) {
    const DSFieldInfo *info;
    if (!ctx->has_injections[s]) continue;
    PetscCall(DSModelGetField(ctx->model, s, &info));
    PetscCall(DSRunAddGlobal(ctx, info->name, "_injected", ctx->ustore[s][0]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Before any computing: every injection within the simulated time, none in steady Newton mode. */
static PetscErrorCode DSRunCheckSchedule(DSRunContext *ctx)
{
  const DSEvent *ev;
  PetscInt       nev;
  PetscReal      tfinal;

  PetscFunctionBeginUser;
  PetscCall(DSScheduleGetEvents(ctx->schedule, &nev, &ev));
  PetscCall(DSIntegratorGetFinalTime(ctx->integ, &tfinal, NULL));
  for (PetscInt e = 0; e < nev; e++)
    PetscCheck(ev[e].time <= tfinal, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "%s is scheduled at t = %g h, after -time_final = %g h: it would never happen. Raise -time_final or remove it", ev[e].label, (double)ev[e].time, (double)tfinal);
  PetscCheck(!nev || ctx->o.method != 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_INCOMP, "input -time_steady_method = newton solves for a steady state, which has no time for the %" PetscInt_FMT " scheduled injection%s (%s first): use -time_steady_method cvode with -time_steady, or remove the injections", nev,
             nev > 1 ? "s" : "", ev[0].label);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* At every output time: figures, balance, the Exodus step and the CSV row. */
static PetscErrorCode DSRunMonitorImpl(void *vctx, PetscReal t, Vec U)
{
  DSRunContext   *ctx = (DSRunContext *)vctx;
  const DSFigure *figs;
  PetscInt        g = 0;

  PetscFunctionBeginUser;
  PetscCall(DSModelGetFigures(ctx->model, &ctx->nfig, &figs));
  PetscCall(DSProblemComputeFigures(ctx->prob, t, U, ctx->fig, ctx->where));
  PetscCall(DSProblemComputeBalance(ctx->prob, t, U, ctx->balance));
  for (PetscInt f = 0, k = 0; f < ctx->nfig; f++) {
    ctx->glob[g++] = ctx->fig[f];
    if (figs[f].kind == DS_FIGURE_MINIMUM)
      for (PetscInt d = 0; d < 3; d++) ctx->glob[g++] = ctx->where[f][d];
    for (; k < ctx->npersist && ctx->persist[k].figure == f; k++) {
      ctx->glob[g++] = ctx->persist[k].t_fraction;
      ctx->glob[g++] = ctx->persist[k].t_half;
      ctx->glob[g++] = ctx->persist[k].inj_time < 0 ? -1 : ctx->persist[k].residence;
    }
  }
  for (PetscInt s = 0; s < ctx->nsp; s++) {
    ctx->glob[g++] = ctx->balance[s].stored;
    ctx->glob[g++] = ctx->balance[s].influx;
    ctx->glob[g++] = ctx->balance[s].reaction;
  }
  for (PetscInt s = 0; s < ctx->nsp; s++)
    if (ctx->has_injections[s]) PetscCall(DSIntegratorGetInjected(ctx->integ, s, &ctx->glob[g++], NULL, NULL));
  PetscCall(DSProblemComputeOutputFields(ctx->prob, t, U, ctx->out));
  PetscCall(DSExodusWriteStep(ctx->exo, t, ctx->out, ctx->glob));
  PetscCall(DSCSVWriteRow(ctx->csv, t, ctx->glob));
  ctx->nsteps++;
  ctx->t_last = t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSRunMonitor(void *vctx, PetscReal t, Vec U)
{
  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(DS_RunOutput, 0, 0, 0, 0));
  PetscCall(DSRunMonitorImpl(vctx, t, U));
  PetscCall(PetscLogEventEnd(DS_RunOutput, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* After every step: the persistence of each tracked figure. A figure is computed once per step,
 * and only if a tracker wants it: with one tracker per dose (12 doses of one source: 24 trackers),
 * computing it for every tracker took 17 % of a 3D biology year (doc/performance.md). The
 * trackers of one figure are adjacent (DSRunDeclareFigures). */
static PetscErrorCode DSRunTrackPersistence(void *vctx, PetscReal t, Vec U)
{
  DSRunContext   *ctx = (DSRunContext *)vctx;
  const DSFigure *figs;
  PetscInt        computed = -1; /* the figure whose value is in 'value' */
  PetscReal       value    = 0, where[3];

  PetscFunctionBeginUser;
  PetscCall(DSModelGetFigures(ctx->model, &ctx->nfig, &figs));
  for (PetscInt k = 0; k < ctx->npersist; k++) {
    const PetscInt  f   = ctx->persist[k].figure;
    const DSFigure *fig = &figs[f];
    PetscReal       inj_time, dose;
    PetscCall(DSIntegratorGetInjected(ctx->integ, fig->persistence_of, NULL, &inj_time, &dose));
    if (!DSPersistenceWants(&ctx->persist[k], inj_time, dose)) continue;
    if (computed != f) PetscCall(DSProblemComputeFigure(ctx->prob, t, U, fig, &value, where));
    computed = f;
    DSPersistenceUpdate(&ctx->persist[k], t, value, inj_time, dose);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunPrintFigures(DSRunContext *ctx)
{
  const DSFigure *figs;
  MPI_Comm        comm = ctx->comm;

  PetscFunctionBeginUser;
  PetscCall(DSModelGetFigures(ctx->model, &ctx->nfig, &figs));
  PetscCall(PetscPrintf(comm, "key figures at t = %g h:\n", (double)ctx->t_last));
  for (PetscInt f = 0; f < ctx->nfig; f++) {
    PetscBool unitless;
    PetscCall(PetscStrcmp(figs[f].unit, "1", &unitless));
    PetscCall(PetscPrintf(comm, "  %-28s %12.6g %-9s", figs[f].name, (double)ctx->fig[f], unitless ? "" : figs[f].unit));
    if (figs[f].kind == DS_FIGURE_MINIMUM) PetscCall(PetscPrintf(comm, "  at (x, y, z) = (%.2f, %.2f, %.2f) mm", (double)ctx->where[f][0], (double)ctx->where[f][1], (double)ctx->where[f][2]));
    PetscCall(PetscPrintf(comm, "\n"));
  }
  for (PetscInt k = 0; k < ctx->npersist; k++) {
    const DSPersistence *p = &ctx->persist[k];
    if (p->dose_index < 0) PetscCall(DSPersistenceView(p, figs[p->figure].name, comm));
    if (p->dose_index == 0)
      PetscCall(PetscPrintf(comm, "  per dose, %s (until the next dose into the same species; '-': not reached by then):\n    dose    time [h]   peak/dose below %g [h] half-life [h] residence [h]\n", figs[p->figure].name,
                            (double)ctx->o.persistence_fraction));
    if (p->dose_index >= 0) PetscCall(DSPersistenceViewRow(p, comm));
  }
  PetscCall(PetscPrintf(comm, "balance (per species: stored, boundary influx, net reaction; influx + reaction = rate of change of the total):\n"));
  for (PetscInt s = 0; s < ctx->nsp; s++) {
    const DSFieldInfo *info;
    PetscCall(DSModelGetField(ctx->model, s, &info));
    PetscCall(PetscPrintf(comm, "  %-13s stored %12.5g %s  influx %12.5g %s  reaction %12.5g %s\n", info->name, (double)ctx->balance[s].stored, ctx->ustore[s][0], (double)ctx->balance[s].influx, ctx->ustore[s][1],
                          (double)ctx->balance[s].reaction, ctx->ustore[s][1]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunSummary(DSRunContext *ctx, const DSIntegratorStats *st, PetscBool steady_mode)
{
  MPI_Comm comm = ctx->comm;

  PetscFunctionBeginUser;
  if (steady_mode && st->steady) PetscCall(PetscPrintf(comm, "steady state reached at t = %g h (%.3g d): relative rate of change %.3g 1/h < %.3g 1/h\n", (double)st->t_reached, (double)(st->t_reached / 24), (double)st->rate, (double)st->steady_tol));
  else if (steady_mode) PetscCall(PetscPrintf(comm, "WARNING: steady state NOT reached by -time_final = %g h: relative rate of change still %.3g 1/h (tolerance %.3g 1/h)\n", (double)st->t_reached, (double)st->rate, (double)st->steady_tol));
  else PetscCall(PetscPrintf(comm, "reached t = %g h (%.3g d)\n", (double)st->t_reached, (double)(st->t_reached / 24)));
  PetscCall(DSIntegratorStatsView(st, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(PetscPrintf(comm, "wall time: %.3f s\n", st->wall));
  PetscCall(DSRunPrintFigures(ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -steady_sensitivity: at the converged steady state, while the Newton solver still exists. */
static PetscErrorCode DSRunSensitivity(DSRunContext *ctx)
{
  DSSensitivity  sens = NULL;
  PetscErrorCode ierr;
  double         start = MPI_Wtime();

  PetscFunctionBeginUser;
  ierr = DSSensitivityCompute(ctx->steady, ctx->mesh, ctx->model, ctx->prob, ctx->U, &sens);
  if (!ierr) ierr = DSSensitivityView(sens, 6, ctx->comm);
  if (!ierr) ierr = DSSensitivityWriteCSV(sens, ctx->comm, ctx->o.sensitivity, ctx->o.overwrite);
  PetscCall(DSSensitivityDestroy(&sens));
  PetscCall(ierr);
  PetscCall(PetscPrintf(ctx->comm, "wrote %s (every figure x parameter; %.2f s)\n", ctx->o.sensitivity, MPI_Wtime() - start));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A borrowed solver stays with the cache; an own one is destroyed (its memory is not needed twice) */
static PetscErrorCode DSRunReleaseSteady(DSRunContext *ctx)
{
  PetscFunctionBeginUser;
  if (ctx->steady_borrowed) ctx->steady = NULL;
  else PetscCall(DSSteadyDestroy(&ctx->steady));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Newton on the steady equations; when it fails from the initial state, march in time (pseudo-
 * transient continuation) until the relative rate is below 1e-3 1/h and try Newton again.
 * The Newton solver is destroyed before the output is written: its memory is not needed twice. */
static PetscErrorCode DSRunSteadyNewton(DSRunContext *ctx)
{
  MPI_Comm          comm = ctx->comm;
  DSSteadyStats     st;
  DSIntegratorStats ist;
  double            start = MPI_Wtime();
  PetscReal         tstamp;

  PetscFunctionBeginUser;
  PetscCall(DSSteadySolve(ctx->steady, ctx->U, &st));
  if (st.reason <= 0) {
    PetscCall(PetscPrintf(comm, "Newton from the initial state did not converge (%s after %" PetscInt_FMT " iterations): time-marching to a relative rate of 1e-3 1/h, then Newton again\n", SNESConvergedReasons[st.reason], st.newton_iters));
    PetscCall(DSProblemInitialState(ctx->prob, ctx->U));
    PetscCall(DSIntegratorSetSteady(ctx->integ, PETSC_TRUE, 1e-3));
    PetscCall(DSIntegratorSetMonitor(ctx->integ, NULL, NULL));
    PetscCall(DSIntegratorSolve(ctx->integ, ctx->U));
    PetscCall(DSIntegratorGetStats(ctx->integ, &ist));
    PetscCall(PetscPrintf(comm, "time-marching: t = %g h, relative rate %.3g 1/h; ", (double)ist.t_reached, (double)ist.rate));
    PetscCall(DSIntegratorStatsView(&ist, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(DSSteadySetCoarseGrids(ctx->steady, 0)); /* from the time-marched state, not a coarse grid's */
    PetscCall(DSSteadySolve(ctx->steady, ctx->U, &st));
    PetscCheck(st.reason > 0, comm, PETSC_ERR_NOT_CONVERGED, "steady Newton solve failed even after time-marching: %s after %" PetscInt_FMT " iterations, |F| = %g (2-norm of the species' rates, each in its unit per h). Use -time_steady_method cvode", SNESConvergedReasons[st.reason], st.newton_iters, (double)st.residual);
  }
  if (ctx->o.sensitivity_set) PetscCall(DSRunSensitivity(ctx));
  PetscCall(DSRunReleaseSteady(ctx));
  /* stamped at -time_final, the time the steady state stands for in steady mode, so that it does
   * not read as the initial state (ParaView shows the time, not a label) */
  PetscCall(DSIntegratorGetFinalTime(ctx->integ, &tstamp, NULL));
  PetscCall(DSRunMonitor(ctx, tstamp, ctx->U));
  if (st.coarse_grids) PetscCall(PetscPrintf(comm, "grid sequencing: started from the steady state of %" PetscInt_FMT " coarser grid%s (%" PetscInt_FMT " Newton iterations there)\n", st.coarse_grids, st.coarse_grids > 1 ? "s" : "", st.coarse_newton_iters));
  PetscCall(PetscPrintf(comm, "steady state by Newton (SNES): %" PetscInt_FMT " Newton iterations, %" PetscInt_FMT " linear iterations, |F| = %.3g (2-norm of the species' rates, each in its unit/h) (%s); written as the single output step, stamped t = -time_final = %g h\n", st.newton_iters, st.linear_iters, (double)st.residual, SNESConvergedReasons[st.reason], (double)tstamp));
  PetscCall(PetscPrintf(comm, "wall time: %.3f s\n", MPI_Wtime() - start));
  PetscCall(DSRunPrintFigures(ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef enum { DS_STEADY_CVODE = 0, DS_STEADY_NEWTON = 1 } DSSteadyMethod;
static const char *const DSSteadyMethods[] = {"cvode", "newton", "DSSteadyMethod", "DS_STEADY_", NULL};

static PetscErrorCode DSRunReadOutputOptions(MPI_Comm comm, DSRunOptions *o, PetscOptionItems *PetscOptionsObject)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsString("-output_file", "Exodus II (netCDF) result file [path]", NULL, o->exo, o->exo, sizeof o->exo, NULL));
  PetscCall(PetscOptionsString("-output_csv", "CSV of the key figures over time (default: the result file with .csv) [path]", NULL, o->csv, o->csv, sizeof o->csv, &o->csv_set));
  PetscCall(PetscOptionsBool("-output_overwrite", "replace existing output files [bool]", NULL, o->overwrite, &o->overwrite, NULL));
  PetscCall(PetscOptionsInt("-output_revolve", "axisymmetric meshes: write the r-z plane revolved into this many sectors of a solid 3D disc (0: the plane itself) [1]", NULL, o->revolve, &o->revolve, NULL));
  PetscCheck(o->revolve == 0 || o->revolve >= 3, comm, PETSC_ERR_ARG_OUTOFRANGE, "input -output_revolve = %" PetscInt_FMT " is out of range: allowed 0 (no revolution) or [3, 720] sectors", o->revolve);
  PetscCall(PetscOptionsBool("-quiet", "no progress display [bool]", NULL, o->quiet, &o->quiet, NULL));
  PetscCall(PetscOptionsEnum("-time_steady_method", "cvode: integrate in time until steady (-time_steady); newton: solve the steady equations directly (SNES, options -steady_), falling back to time-marching when Newton fails", NULL, DSSteadyMethods, (PetscEnum)o->method, (PetscEnum *)&o->method, NULL));
  o->persistence_fraction = 0.1;
  PetscCall(PetscOptionsReal("-output_persistence_fraction", "report when a dose-tracked amount falls below this fraction of the last dose [1]", NULL, o->persistence_fraction, &o->persistence_fraction, NULL));
  PetscCheck(o->persistence_fraction > 0 && o->persistence_fraction < 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "input -output_persistence_fraction = %g is out of range: allowed (0, 1)", (double)o->persistence_fraction);
  PetscCall(PetscOptionsBool("-steady_sensitivity", "with -time_steady_method newton: d(key figure)/d(parameter) of every figure and model parameter at the steady state, ranked, and their table in <result>.sensitivity.csv [bool]", NULL, o->sensitivity_set, &o->sensitivity_set, NULL));
  PetscCheck(!o->sensitivity_set || o->method == 1, comm, PETSC_ERR_ARG_INCOMP, "input -steady_sensitivity needs -time_steady_method newton (sensitivities of a steady state)");
  o->coarse_grids = -1;
  PetscCall(PetscOptionsInt("-steady_coarse_grids", "with -time_steady_method newton: coarser grids (each with half the cells per direction) whose steady state starts Newton on the mesh; -1: in 1D/2D as many as keep 5000 cells, none in 3D; 0: none [1]", NULL, o->coarse_grids, &o->coarse_grids, NULL));
  PetscCheck(o->coarse_grids >= -1 && o->coarse_grids <= 8, comm, PETSC_ERR_ARG_OUTOFRANGE, "input -steady_coarse_grids = %" PetscInt_FMT " is out of range: allowed -1 (automatic), 0 (none) to 8", o->coarse_grids);
  PetscCall(PetscOptionsBool("-parameters_markdown", "print the parameter tables (Markdown) and exit [bool]", NULL, o->markdown, &o->markdown, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunReadOptions(MPI_Comm comm, const char scenario[], DSRunOptions *o)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(o, sizeof *o));
  PetscCall(PetscOptionsHasHelp(NULL, &o->help));
  PetscCall(PetscSNPrintf(o->exo, sizeof o->exo, "%s.exo", scenario));
  PetscCall(DSOptionsCheckString("-output_file"));
  PetscCall(DSOptionsCheckString("-output_csv"));
  PetscCall(DSOptionsCheckInt("-output_revolve", 0, 720));
  PetscCall(DSOptionsCheckChoice("-time_steady_method", 2, DSSteadyMethods));
  PetscCall(DSOptionsCheckReal("-output_persistence_fraction", "1"));
  DSOptionsBlock(comm, "Output (solver/)", DSRunReadOutputOptions(comm, o, PetscOptionsObject));
  if (!o->csv_set) {
    size_t len;
    PetscCall(PetscStrncpy(o->csv, o->exo, sizeof o->csv));
    PetscCall(PetscStrlen(o->csv, &len));
    if (len > 4 && !strcmp(o->csv + len - 4, ".exo")) o->csv[len - 4] = 0;
    PetscCall(PetscStrlcat(o->csv, ".csv", sizeof o->csv));
  }
  {
    size_t len;
    PetscCall(PetscStrncpy(o->sensitivity, o->exo, sizeof o->sensitivity));
    PetscCall(PetscStrlen(o->sensitivity, &len));
    if (len > 4 && !strcmp(o->sensitivity + len - 4, ".exo")) o->sensitivity[len - 4] = 0;
    PetscCall(PetscStrlcat(o->sensitivity, ".sensitivity.csv", sizeof o->sensitivity));
  }
  PetscCheck(!DSFilesSame(o->exo, o->csv), comm, PETSC_ERR_ARG_WRONG, "input -output_csv = %s names the same file as -output_file = %s: the CSV would destroy the Exodus result. Give two different files", o->csv, o->exo);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunOpenOutputs(DSRunContext *ctx)
{
  PetscInt    nfields, ndiag;
  const char *names[DS_MAX_SPECIES + DS_MAX_DIAGNOSTICS], *units[DS_MAX_SPECIES + DS_MAX_DIAGNOSTICS];
  DSMeshType  type;
  DM          dmout;
  PetscBool   per_area;

  PetscFunctionBeginUser;
  PetscCall(DSModelGetNumDiagnostics(ctx->model, &ndiag));
  nfields = ctx->nsp + ndiag;
  for (PetscInt f = 0; f < nfields; f++) {
    const DSFieldInfo *info;
    PetscCall(DSModelGetField(ctx->model, f, &info));
    names[f] = info->name, units[f] = info->unit;
  }
  PetscCall(DSMeshGetType(ctx->mesh, &type));
  per_area = (PetscBool)(type == DS_MESH_SLAB || type == DS_MESH_WELL_MIXED);
  PetscCall(DSRunDeclareFigures(ctx, per_area));
  PetscCall(DSRunDeclareBalances(ctx, per_area));
  PetscCall(DSRunCreateOutputs(ctx, nfields, names, units));
  PetscCall(DSProblemGetOutputDM(ctx->prob, &dmout));
  PetscCall(DMCreateGlobalVector(dmout, &ctx->out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The mesh read from this run's options is set up, or, when the cache holds one (the same
 * options: the study checks it), replaced by the cached one. */
static PetscErrorCode DSRunSetUpMesh(DSRunContext *ctx)
{
  DSRunCache c = ctx->cache;

  PetscFunctionBeginUser;
  if (c && c->mesh) {
    PetscCheck(c->nsp == ctx->nsp, ctx->comm, PETSC_ERR_PLIB, "the cached mesh has %" PetscInt_FMT " fields per cell, the model %" PetscInt_FMT " species", c->nsp, ctx->nsp);
    PetscCall(DSMeshDestroy(&ctx->mesh));
    ctx->mesh = c->mesh, ctx->mesh_borrowed = PETSC_TRUE;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscLogEventBegin(DS_RunMeshSetUp, 0, 0, 0, 0));
  PetscCall(DSMeshSetUp(ctx->mesh, ctx->nsp));
  PetscCall(PetscLogEventEnd(DS_RunMeshSetUp, 0, 0, 0, 0));
  if (c) c->mesh = ctx->mesh, c->nsp = ctx->nsp, ctx->mesh_borrowed = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunSetUpSteady(DSRunContext *ctx)
{
  DSRunCache c = ctx->cache;

  PetscFunctionBeginUser;
  if (c && c->steady) {
    PetscCall(DSSteadySetProblem(c->steady, ctx->prob));
    PetscCall(DSSteadySetCoarseGrids(c->steady, ctx->o.coarse_grids));
    ctx->steady = c->steady, ctx->steady_borrowed = PETSC_TRUE;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(DSSteadyCreate(ctx->prob, ctx->U, &ctx->steady));
  PetscCall(DSSteadySetCoarseGrids(ctx->steady, ctx->o.coarse_grids));
  if (c) c->steady = ctx->steady, ctx->steady_borrowed = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Reads every input and builds everything the run needs, so that bad input is refused before
 * computing: each solver reads its options now (the steady Newton solver builds its preconditioner
 * in its first iteration, the integrator at set-up); in Newton mode
 * the integrator's matrices are built only if the fallback needs them. */
static PetscErrorCode DSRunSetUp(DSRunContext *ctx)
{
  const DSEvent *ev;
  PetscInt       nev;
  DM             dm;

  PetscFunctionBeginUser;
  PetscCall(DSRunReadOptions(ctx->comm, ctx->scenario, &ctx->o));
  PetscCall(DSRunReadCheckpointOptions(ctx));
  PetscCall(DSMeshCreate(ctx->comm, &ctx->mesh));
  PetscCall(DSMeshSetFromOptions(ctx->mesh));
  PetscCall(DSModelCreate(ctx->comm, &ctx->model));
  PetscCall(DSModelSetFromOptions(ctx->model));
  PetscCall(DSScheduleCreate(ctx->comm, &ctx->schedule));
  PetscCall(DSScheduleSetFromOptions(ctx->schedule, ctx->mesh, ctx->model));
  if (ctx->o.markdown) PetscFunctionReturn(PETSC_SUCCESS);
  /* a misspelt mesh, model or injection key is refused now, before any memory is spent on the
   * problem; the integrator's and solvers' keys are checked once they have been read */
  if (!ctx->o.help) PetscCall(DSCheckUnusedOptions(ctx->comm, ds_options_read_late));
  PetscCall(DSModelGetNumSpecies(ctx->model, &ctx->nsp));
  PetscCall(DSRunSetUpMesh(ctx));
  PetscCall(DSProblemCreate(ctx->mesh, ctx->model, &ctx->prob));
  PetscCall(DSIntegratorCreate(ctx->prob, &ctx->integ));
  PetscCall(DSIntegratorSetFromOptions(ctx->integ));
  PetscCall(DSIntegratorSetProgress(ctx->integ, (PetscBool)!ctx->o.quiet));
  PetscCall(DSScheduleGetEvents(ctx->schedule, &nev, &ev));
  PetscCall(DSIntegratorSetEvents(ctx->integ, nev, ev));
  PetscCall(DSProblemGetDM(ctx->prob, &dm));
  PetscCall(DMCreateGlobalVector(dm, &ctx->U));
  PetscCall(DSProblemInitialState(ctx->prob, ctx->U));
  if (ctx->o.method == DS_STEADY_NEWTON) PetscCall(DSRunSetUpSteady(ctx));
  else PetscCall(DSIntegratorSetUp(ctx->integ, ctx->U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunHeader(DSRunContext *ctx, PetscReal tfinal, PetscBool steady_mode)
{
  MPI_Comm    comm = ctx->comm;
  PetscInt    nactive;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCall(DSMeshGetNumActiveCells(ctx->mesh, &nactive));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (ctx->o.method == DS_STEADY_NEWTON) PetscCall(PetscPrintf(comm, "discsim: scenario %s, steady state by Newton on %d MPI rank%s\n", ctx->scenario, size, size > 1 ? "s" : ""));
  else PetscCall(PetscPrintf(comm, "discsim: scenario %s, %s run to %s%g h on %d MPI rank%s\n", ctx->scenario, steady_mode ? "steady-state" : "transient", steady_mode ? "at most " : "", (double)tfinal, size, size > 1 ? "s" : ""));
  PetscCall(DSMeshView(ctx->mesh, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(DSModelView(ctx->model, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(PetscPrintf(comm, "unknowns: %" PetscInt_FMT " (%" PetscInt_FMT " cells x %" PetscInt_FMT " species)\n", nactive * ctx->nsp, nactive, ctx->nsp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunExecute(DSRunContext *ctx)
{
  PetscReal         tfinal;
  PetscBool         steady_mode;
  DSIntegratorStats st;

  PetscFunctionBeginUser;
  PetscCall(DSCheckUnusedOptions(ctx->comm, NULL));
  PetscCall(DSRunCheckSchedule(ctx));
  PetscCall(PetscLogEventBegin(DS_RunOutput, 0, 0, 0, 0));
  PetscCall(DSRunOpenOutputs(ctx));
  PetscCall(PetscLogEventEnd(DS_RunOutput, 0, 0, 0, 0));
  PetscCall(DSIntegratorGetFinalTime(ctx->integ, &tfinal, &steady_mode));
  steady_mode = (PetscBool)(steady_mode || ctx->o.method == DS_STEADY_NEWTON);
  PetscCall(DSRunHeader(ctx, tfinal, steady_mode));
  if (ctx->o.method == DS_STEADY_NEWTON) PetscCall(DSRunSteadyNewton(ctx));
  else {
    PetscCall(DSIntegratorSetMonitor(ctx->integ, DSRunMonitor, ctx));
    if (ctx->npersist) PetscCall(DSIntegratorSetStepFunction(ctx->integ, DSRunTrackPersistence, ctx));
    PetscCall(DSIntegratorSolve(ctx->integ, ctx->U));
    PetscCall(DSIntegratorGetStats(ctx->integ, &st));
    PetscCall(DSRunSummary(ctx, &st, steady_mode));
  }
  PetscCall(PetscLogEventBegin(DS_RunOutput, 0, 0, 0, 0));
  PetscCall(DSRunCommitOutputs(ctx));
  PetscCall(PetscLogEventEnd(DS_RunOutput, 0, 0, 0, 0));
  PetscCall(PetscPrintf(ctx->comm, "wrote %s (%" PetscInt_FMT " time steps; open it in ParaView) and %s\n", ctx->o.exo, ctx->nsteps, ctx->o.csv));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunDestroy(DSRunContext *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&ctx->U));
  PetscCall(DSCSVDestroy(&ctx->csv));
  PetscCall(DSExodusDestroy(&ctx->exo));
  PetscCall(VecDestroy(&ctx->out));
  PetscCall(DSIntegratorDestroy(&ctx->integ));
  PetscCall(DSRunReleaseSteady(ctx));
  PetscCall(DSProblemDestroy(&ctx->prob));
  PetscCall(DSScheduleDestroy(&ctx->schedule));
  PetscCall(DSModelDestroy(&ctx->model));
  if (ctx->mesh_borrowed) ctx->mesh = NULL;
  else PetscCall(DSMeshDestroy(&ctx->mesh));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSRunCacheCreate(DSRunCache *cache)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(cache));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSRunCacheReset(DSRunCache c)
{
  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DSSteadyDestroy(&c->steady)); /* before the mesh: its matrix lives on the mesh's DM */
  PetscCall(DSMeshDestroy(&c->mesh));
  c->nsp = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSRunCacheDestroy(DSRunCache *cache)
{
  PetscFunctionBeginUser;
  if (!*cache) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DSRunCacheReset(*cache));
  PetscCall(PetscFree(*cache));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSRunFromOptions(MPI_Comm comm, const char scenario[])
{
  PetscFunctionBeginUser;
  PetscCall(DSRunFromOptionsCached(comm, scenario, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSRunFromOptionsCached(MPI_Comm comm, const char scenario[], DSRunCache cache)
{
  DSRunContext  *ctx;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(1, &ctx)); /* large (output names): on the heap */
  ctx->comm = comm, ctx->scenario = scenario, ctx->cache = cache;
  PetscCall(DSRunRegisterEvents());
  PetscCall(PetscLogEventBegin(DS_RunSetUp, 0, 0, 0, 0));
  ierr = DSRunSetUp(ctx);
  PetscCall(PetscLogEventEnd(DS_RunSetUp, 0, 0, 0, 0));
  if (!ierr && ctx->o.markdown) {
    ierr = DSMeshViewParametersMarkdown(ctx->mesh, PETSC_VIEWER_STDOUT_(comm));
    if (!ierr) ierr = DSModelViewParametersMarkdown(ctx->model, PETSC_VIEWER_STDOUT_(comm));
  } else if (!ierr && ctx->o.help) ierr = PETSC_SUCCESS; /* nothing computed; main() prints the keys (dshelp.c) */
  else if (!ierr) ierr = DSRunExecute(ctx);
  PetscCall(PetscLogEventBegin(DS_RunDestroy, 0, 0, 0, 0));
  PetscCall(DSRunDestroy(ctx)); /* on every path */
  PetscCall(PetscLogEventEnd(DS_RunDestroy, 0, 0, 0, 0));
  PetscCall(PetscFree(ctx));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}
