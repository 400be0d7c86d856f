#include <sys/stat.h>
#include "dsrun.h"
#include "dsintegrator.h"
#include "dsexodus.h"
#include "dssteady.h"

#define DS_MAX_GLOBALS 128

/* Dose persistence of one figure after the last injection into its reference species: when it
 * falls below a fraction of that dose (h after the injection), and its effective half-life: the
 * time from its peak to half the peak (for an amount that starts at the dose, the time to half
 * the dose; for internalised cargo, which rises first, the decay after uptake). */
typedef struct {
  PetscInt  figure;
  PetscReal inj_time, dose;          /* of the last injection seen, h and amount */
  PetscReal t_prev, r_prev;          /* previous step: time, figure / dose */
  PetscReal t_peak, r_peak;          /* the maximum since the injection */
  PetscReal t_pp, r_pp;              /* the step before the previous one */
  PetscBool peak_refined;            /* the peak was placed between steps (parabola) */
  PetscReal t_fraction, t_half;      /* h; -1 until reached */
} DSPersistence;

typedef struct {
  DSProblem   prob;
  DSIntegrator integ;
  DSPersistence persist[8];
  PetscInt    npersist;
  PetscReal   persistence_fraction;
  DSModel     model;
  DSExodus    exo;
  FILE       *csv;
  Vec         out;
  PetscInt    nfig, nsp, nglobals, nsteps;
  PetscReal   glob[DS_MAX_GLOBALS], fig[DS_MAX_GLOBALS], where[DS_MAX_GLOBALS][3], t_last;
  DSBalance   balance[DS_MAX_SPECIES];
  const char *gname[DS_MAX_GLOBALS], *gunit[DS_MAX_GLOBALS];
  char        ustore[DS_MAX_SPECIES][2][64], figunit[DS_MAX_GLOBALS][64];
  PetscBool   has_injections[DS_MAX_SPECIES];
  char        gstore[DS_MAX_GLOBALS][64];
} DSRunContext;

/* PETSc options consumed outside the option blocks discsim reads. */
static const char *const ds_infrastructure_options[] = {"options_left", "error_traceback", "log_view", "malloc_dump", "malloc_debug", "memory_view", "info", "options_view", "check_pointer_intensity", "malloc_test", NULL};

PetscErrorCode DSCheckUnusedOptions(MPI_Comm comm)
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
    if (infra) continue;
    PetscCall(PetscSNPrintf(item, sizeof item, "%s-%s%s%s", nbad ? ", " : "", names[i], values[i] ? " = " : "", values[i] ? values[i] : ""));
    PetscCall(PetscStrlcat(list, item, sizeof list));
    nbad++;
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscCheck(!nbad, comm, PETSC_ERR_ARG_WRONG, "unknown input key%s %s (from the scenario file or the command line; misspelt?). Run discsim -help for every key. Nothing was computed", nbad > 1 ? "s" : "", list);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0 looks and tells the others: rank 0 may already have created the file. */
static PetscErrorCode DSRunRefuseExisting(MPI_Comm comm, const char path[], PetscBool overwrite)
{
  struct stat st;
  PetscMPIInt rank;
  int         exists = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) exists = stat(path, &st) == 0;
  PetscCallMPI(MPI_Bcast(&exists, 1, MPI_INT, 0, comm));
  PetscCheck(overwrite || !exists, comm, PETSC_ERR_FILE_OPEN, "output file '%s' exists: refusing to overwrite it (pass -output_overwrite to replace it, or choose -output_file)", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunAddGlobal(DSRunContext *ctx, const char *name, const char *suffix, const char *unit)
{
  PetscFunctionBeginUser;
  PetscCheck(ctx->nglobals < DS_MAX_GLOBALS, PETSC_COMM_SELF, PETSC_ERR_SUP, "too many global variables");
  PetscCall(PetscSNPrintf(ctx->gstore[ctx->nglobals], sizeof ctx->gstore[0], "%s%s", name, suffix));
  ctx->gname[ctx->nglobals] = ctx->gstore[ctx->nglobals];
  ctx->gunit[ctx->nglobals] = unit;
  ctx->nglobals++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Global variables: the model's key figures, the location of each minimum, dose persistence, and
 * per species the amount stored, the boundary influx, the net reaction (the conservation balance)
 * and, for species that receive injections, the amount injected so far. */
static PetscErrorCode DSRunDeclareGlobals(DSRunContext *ctx, PetscBool per_area)
{
  const DSFigure *figs;
  const DSEvent  *ev;
  PetscInt        nev;

  PetscFunctionBeginUser;
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
    if (figs[f].kind == DS_FIGURE_INTEGRAL && figs[f].persistence_of >= 0 && ctx->npersist < 8) {
      char suffix[64];
      PetscCall(PetscSNPrintf(suffix, sizeof suffix, "_below_%g_of_dose_after", (double)ctx->persistence_fraction));
      PetscCall(DSRunAddGlobal(ctx, figs[f].name, suffix, "h"));
      PetscCall(DSRunAddGlobal(ctx, figs[f].name, "_half_life", "h"));
      ctx->persist[ctx->npersist].figure     = f;
      ctx->persist[ctx->npersist].inj_time   = -1;
      ctx->persist[ctx->npersist].t_fraction = -1; /* -1: not (yet) reached */
      ctx->persist[ctx->npersist].t_half     = -1;
      ctx->npersist++;
    }
  }
  PetscCall(DSModelGetEvents(ctx->model, &nev, &ev));
  for (PetscInt e = 0; e < nev; e++) {
    PetscReal tfinal;
    PetscCall(DSIntegratorGetFinalTime(ctx->integ, &tfinal, NULL));
    PetscCheck(ev[e].time <= tfinal, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "%s is scheduled at t = %g h, after -time_final = %g h: it would never happen. Raise -time_final or remove it", ev[e].label, (double)ev[e].time, (double)tfinal);
  }
  for (PetscInt s = 0; s < ctx->nsp; s++) {
    const DSFieldInfo *info;
    PetscBool          injected = PETSC_FALSE;
    PetscCall(DSModelGetField(ctx->model, s, &info));
    PetscCall(DSModelGetAmountUnit(ctx->model, s, per_area, PETSC_FALSE, ctx->ustore[s][0], sizeof ctx->ustore[s][0]));
    PetscCall(DSModelGetAmountUnit(ctx->model, s, per_area, PETSC_TRUE, ctx->ustore[s][1], sizeof ctx->ustore[s][1]));
    PetscCall(DSRunAddGlobal(ctx, info->name, "_stored", ctx->ustore[s][0]));
    PetscCall(DSRunAddGlobal(ctx, info->name, "_influx", ctx->ustore[s][1]));
    PetscCall(DSRunAddGlobal(ctx, info->name, "_reaction", ctx->ustore[s][1]));
    for (PetscInt e = 0; e < nev; e++) injected = (PetscBool)(injected || ev[e].species == s);
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

static PetscErrorCode DSRunCSVHeader(DSRunContext *ctx)
{
  PetscFunctionBeginUser;
  if (!ctx->csv) PetscFunctionReturn(PETSC_SUCCESS);
  fprintf(ctx->csv, "time_h");
  for (PetscInt g = 0; g < ctx->nglobals; g++) {
    PetscBool unitless;
    PetscCall(PetscStrcmp(ctx->gunit[g], "1", &unitless));
    if (unitless) fprintf(ctx->csv, ",%s", ctx->gname[g]);
    else fprintf(ctx->csv, ",%s [%s]", ctx->gname[g], ctx->gunit[g]);
  }
  fprintf(ctx->csv, "\n");
  fflush(ctx->csv);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunMonitor(void *vctx, PetscReal t, Vec U)
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
    if (k < ctx->npersist && ctx->persist[k].figure == f) {
      ctx->glob[g++] = ctx->persist[k].t_fraction;
      ctx->glob[g++] = ctx->persist[k].t_half;
      k++;
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
  if (ctx->csv) {
    fprintf(ctx->csv, "%.17g", (double)t); /* round-trip exact: the bookkeeping is checked to round-off */
    for (PetscInt q = 0; q < ctx->nglobals; q++) fprintf(ctx->csv, ",%.17g", (double)ctx->glob[q]);
    fprintf(ctx->csv, "\n");
    fflush(ctx->csv);
  }
  ctx->nsteps++;
  ctx->t_last = t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* After every step: crossing times of the persistence figures, interpolated log-linearly. */
static PetscErrorCode DSRunTrackPersistence(void *vctx, PetscReal t, Vec U)
{
  DSRunContext   *ctx = (DSRunContext *)vctx;
  const DSFigure *figs;

  PetscFunctionBeginUser;
  PetscCall(DSModelGetFigures(ctx->model, &ctx->nfig, &figs));
  for (PetscInt k = 0; k < ctx->npersist; k++) {
    DSPersistence  *P = &ctx->persist[k];
    const DSFigure *fig = &figs[P->figure];
    PetscReal       value, where[3], inj_time, dose, r;
    PetscCall(DSIntegratorGetInjected(ctx->integ, fig->persistence_of, NULL, &inj_time, &dose));
    if (dose <= 0) continue;
    PetscCall(DSProblemComputeFigure(ctx->prob, t, U, fig, &value, where));
    r = value / dose;
    if (inj_time != P->inj_time) { /* a new dose: start again */
      P->inj_time = inj_time, P->dose = dose, P->t_fraction = -1, P->t_half = -1;
      P->t_prev = P->t_peak = P->t_pp = t, P->r_prev = P->r_peak = P->r_pp = r;
      P->peak_refined = PETSC_TRUE; /* a peak at the injection itself needs no refinement */
      continue;
    }
    if (r > P->r_peak && P->t_half < 0) P->t_peak = t, P->r_peak = r, P->peak_refined = PETSC_FALSE;
    else if (!P->peak_refined && P->t_peak == P->t_prev && P->t_pp < P->t_prev) {
      /* just past a maximum between steps: the vertex of the parabola through the last three */
      PetscReal h1 = P->t_prev - P->t_pp, h2 = t - P->t_prev;
      PetscReal d1 = (P->r_prev - P->r_pp) / h1, d2 = (r - P->r_prev) / h2, c = (d2 - d1) / (h1 + h2);
      if (c < 0) {
        PetscReal tv = 0.5 * (P->t_pp + P->t_prev) - d1 / (2 * c);
        if (tv > P->t_pp && tv < t) P->t_peak = tv, P->r_peak = P->r_prev + d1 * (tv - P->t_prev) + c * (tv - P->t_pp) * (tv - P->t_prev);
      }
      P->peak_refined = PETSC_TRUE;
    }
    const PetscReal targets[2] = {ctx->persistence_fraction, 0.5 * P->r_peak};
    const PetscReal origin[2]  = {P->inj_time, P->t_peak};
    PetscReal      *found[2]   = {&P->t_fraction, &P->t_half};
    for (PetscInt q = 0; q < 2; q++) {
      if (*found[q] >= 0 || r >= targets[q] || P->r_prev < targets[q]) continue;
      PetscReal w = (P->r_prev > 0 && r > 0) ? PetscLogReal(P->r_prev / targets[q]) / PetscLogReal(P->r_prev / r) : 1;
      *found[q]   = P->t_prev + w * (t - P->t_prev) - origin[q];
    }
    P->t_pp = P->t_prev, P->r_pp = P->r_prev;
    P->t_prev = t, P->r_prev = r;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunPrintFigures(MPI_Comm comm, DSRunContext *ctx)
{
  const DSFigure *figs;

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
    DSPersistence *P = &ctx->persist[k];
    if (P->inj_time < 0) continue;
    PetscCall(PetscPrintf(comm, "  persistence of %s after the dose at t = %g h (peak %.3g of the dose at t = %g h): ", figs[P->figure].name, (double)P->inj_time, (double)P->r_peak, (double)P->t_peak));
    if (P->t_fraction >= 0) PetscCall(PetscPrintf(comm, "below %g of the dose %.4g h after it", (double)ctx->persistence_fraction, (double)P->t_fraction));
    else if (P->r_peak < ctx->persistence_fraction) PetscCall(PetscPrintf(comm, "never above %g of the dose", (double)ctx->persistence_fraction));
    else PetscCall(PetscPrintf(comm, "still above %g of the dose at the end", (double)ctx->persistence_fraction));
    if (P->t_half >= 0) PetscCall(PetscPrintf(comm, "; effective half-life (peak to half the peak) %.4g h\n", (double)P->t_half));
    else PetscCall(PetscPrintf(comm, "; not yet down to half its peak\n"));
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

static PetscErrorCode DSRunSummary(MPI_Comm comm, DSRunContext *ctx, const DSIntegratorStats *st, PetscBool steady_mode)
{
  PetscViewer v = PETSC_VIEWER_STDOUT_(comm);

  PetscFunctionBeginUser;
  if (steady_mode && st->steady) PetscCall(PetscPrintf(comm, "steady state reached at t = %g h (%.3g d): relative rate of change %.3g 1/h < %.3g 1/h\n", (double)st->t_reached, (double)(st->t_reached / 24), (double)st->rate, (double)st->steady_tol));
  else if (steady_mode) PetscCall(PetscPrintf(comm, "WARNING: steady state NOT reached by -time_final = %g h: relative rate of change still %.3g 1/h (tolerance %.3g 1/h)\n", (double)st->t_reached, (double)st->rate, (double)st->steady_tol));
  else PetscCall(PetscPrintf(comm, "reached t = %g h (%.3g d)\n", (double)st->t_reached, (double)(st->t_reached / 24)));
  PetscCall(DSIntegratorStatsView(st, v));
  PetscCall(PetscPrintf(comm, "wall time: %.3f s\n", st->wall));
  PetscCall(DSRunPrintFigures(comm, ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Newton on the steady equations; when it fails from the initial state, march in time (pseudo-
 * transient continuation) until the relative rate is below 1e-3 1/h and try Newton again.
 * The Newton solver is destroyed before the output is written: its memory is not needed twice. */
static PetscErrorCode DSRunSteadyNewton(MPI_Comm comm, DSRunContext *ctx, DSSteady *steady, DSIntegrator integ, Vec U)
{
  DSSteadyStats     st;
  DSIntegratorStats ist;
  double            start = MPI_Wtime();

  PetscFunctionBeginUser;
  PetscCall(DSSteadySolve(*steady, U, &st));
  if (st.reason <= 0) {
    PetscCall(PetscPrintf(comm, "Newton from the initial state did not converge (%s after %" PetscInt_FMT " iterations): time-marching to a relative rate of 1e-3 1/h, then Newton again\n", SNESConvergedReasons[st.reason], st.newton_iters));
    PetscCall(DSProblemInitialState(ctx->prob, U));
    PetscCall(DSIntegratorSetSteady(integ, PETSC_TRUE, 1e-3));
    PetscCall(DSIntegratorSetMonitor(integ, NULL, NULL));
    PetscCall(DSIntegratorSolve(integ, U));
    PetscCall(DSIntegratorGetStats(integ, &ist));
    PetscCall(PetscPrintf(comm, "time-marching: t = %g h, relative rate %.3g 1/h; ", (double)ist.t_reached, (double)ist.rate));
    PetscCall(DSIntegratorStatsView(&ist, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(DSSteadySolve(*steady, U, &st));
    PetscCheck(st.reason > 0, comm, PETSC_ERR_NOT_CONVERGED, "steady Newton solve failed even after time-marching: %s after %" PetscInt_FMT " iterations, |F| = %g mM/h. Use -time_steady_method cvode", SNESConvergedReasons[st.reason], st.newton_iters, (double)st.residual);
  }
  PetscCall(DSSteadyDestroy(steady));
  PetscCall(DSRunMonitor(ctx, 0, U));
  PetscCall(PetscPrintf(comm, "steady state by Newton (SNES): %" PetscInt_FMT " Newton iterations, %" PetscInt_FMT " linear iterations, |F| = %.3g mM/h (%s); written as the single output step, t = 0 h\n", st.newton_iters, st.linear_iters, (double)st.residual, SNESConvergedReasons[st.reason]));
  PetscCall(PetscPrintf(comm, "wall time: %.3f s\n", MPI_Wtime() - start));
  PetscCall(DSRunPrintFigures(comm, ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef enum { DS_STEADY_CVODE = 0, DS_STEADY_NEWTON = 1 } DSSteadyMethod;
static const char *const DSSteadyMethods[] = {"cvode", "newton", "DSSteadyMethod", "DS_STEADY_", NULL};

typedef struct {
  char           exo[PETSC_MAX_PATH_LEN], csv[PETSC_MAX_PATH_LEN];
  PetscBool      overwrite, quiet, csv_set, markdown;
  DSSteadyMethod method;
  PetscReal      persistence_fraction;
} DSRunOptions;

static PetscErrorCode DSRunReadOptions(MPI_Comm comm, const char scenario[], DSRunOptions *o)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(o, sizeof *o));
  PetscCall(PetscSNPrintf(o->exo, sizeof o->exo, "%s.exo", scenario));
  PetscOptionsBegin(comm, NULL, "Output (solver/)", NULL);
  PetscCall(PetscOptionsString("-output_file", "Exodus II (netCDF) result file [path]", NULL, o->exo, o->exo, sizeof o->exo, NULL));
  PetscCall(PetscOptionsString("-output_csv", "CSV of the key figures over time (default: the result file with .csv) [path]", NULL, o->csv, o->csv, sizeof o->csv, &o->csv_set));
  PetscCall(PetscOptionsBool("-output_overwrite", "replace existing output files [bool]", NULL, o->overwrite, &o->overwrite, NULL));
  PetscCall(PetscOptionsBool("-quiet", "no progress display [bool]", NULL, o->quiet, &o->quiet, NULL));
  PetscCall(PetscOptionsEnum("-time_steady_method", "cvode: integrate in time until steady (-time_steady); newton: solve the steady equations directly (SNES, options -steady_), falling back to time-marching when Newton fails", NULL, DSSteadyMethods, (PetscEnum)o->method, (PetscEnum *)&o->method, NULL));
  o->persistence_fraction = 0.1;
  PetscCall(PetscOptionsReal("-output_persistence_fraction", "report when a dose-tracked amount falls below this fraction of the last dose [1]", NULL, o->persistence_fraction, &o->persistence_fraction, NULL));
  PetscCheck(o->persistence_fraction > 0 && o->persistence_fraction < 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "input -output_persistence_fraction = %g is out of range: allowed (0, 1)", (double)o->persistence_fraction);
  PetscCall(PetscOptionsBool("-parameters_markdown", "print the parameter tables (Markdown) and exit [bool]", NULL, o->markdown, &o->markdown, NULL));
  PetscOptionsEnd();
  if (!o->csv_set) {
    size_t len;
    PetscCall(PetscStrncpy(o->csv, o->exo, sizeof o->csv));
    PetscCall(PetscStrlen(o->csv, &len));
    if (len > 4 && !strcmp(o->csv + len - 4, ".exo")) o->csv[len - 4] = 0;
    PetscCall(PetscStrlcat(o->csv, ".csv", sizeof o->csv));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSRunOpenOutputs(MPI_Comm comm, DSRunContext *ctx, DSMesh mesh, const DSRunOptions *o, const char scenario[])
{
  PetscInt     nfields, ndiag;
  const char  *names[64], *units[64];
  PetscMPIInt  rank;
  DSMeshType   type;
  DM           dmout;

  PetscFunctionBeginUser;
  PetscCall(DSRunRefuseExisting(comm, o->exo, o->overwrite));
  PetscCall(DSRunRefuseExisting(comm, o->csv, o->overwrite));
  PetscCall(DSModelGetNumDiagnostics(ctx->model, &ndiag));
  nfields = ctx->nsp + ndiag;
  for (PetscInt f = 0; f < nfields; f++) {
    const DSFieldInfo *info;
    PetscCall(DSModelGetField(ctx->model, f, &info));
    names[f] = info->name, units[f] = info->unit;
  }
  PetscCall(DSMeshGetType(mesh, &type));
  ctx->persistence_fraction = o->persistence_fraction;
  PetscCall(DSRunDeclareGlobals(ctx, (PetscBool)(type == DS_MESH_SLAB || type == DS_MESH_WELL_MIXED)));
  PetscCall(DSExodusCreate(mesh, o->exo, o->overwrite, scenario, nfields, names, units, ctx->nglobals, ctx->gname, ctx->gunit, &ctx->exo));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    ctx->csv = fopen(o->csv, "w");
    PetscCheck(ctx->csv, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open -output_csv '%s' for writing", o->csv);
  }
  PetscCall(DSRunCSVHeader(ctx));
  PetscCall(DSProblemGetOutputDM(ctx->prob, &dmout));
  PetscCall(DMCreateGlobalVector(dmout, &ctx->out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSRunFromOptions(MPI_Comm comm, const char scenario[])
{
  DSMesh       mesh;
  DSIntegrator integ;
  DSRunContext ctx;
  DSRunOptions o;
  Vec          U;
  DM           dm;
  PetscBool    help, steady_mode;
  DSSteady     steady = NULL;
  PetscInt     nactive, n[3];
  PetscMPIInt  size;
  DSIntegratorStats st;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&ctx, sizeof ctx));
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  PetscCall(DSRunReadOptions(comm, scenario, &o));
  PetscCall(DSMeshCreate(comm, &mesh));
  PetscCall(DSMeshSetFromOptions(mesh));
  PetscCall(DSModelCreate(comm, &ctx.model));
  PetscCall(DSModelSetFromOptions(ctx.model));
  if (o.markdown) {
    PetscCall(DSMeshViewParametersMarkdown(mesh, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(DSModelViewParametersMarkdown(ctx.model, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(DSMeshDestroy(&mesh));
    PetscCall(DSModelDestroy(&ctx.model));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(DSModelGetNumSpecies(ctx.model, &ctx.nsp));
  PetscCall(DSMeshSetUp(mesh, ctx.nsp));
  PetscCall(DSProblemCreate(mesh, ctx.model, &ctx.prob));
  PetscCall(DSIntegratorCreate(ctx.prob, &integ));
  ctx.integ = integ;
  PetscCall(DSIntegratorSetFromOptions(integ));
  PetscCall(DSIntegratorSetProgress(integ, (PetscBool)!o.quiet));
  PetscCall(DSProblemGetDM(ctx.prob, &dm));
  PetscCall(DMCreateGlobalVector(dm, &U));
  PetscCall(DSProblemInitialState(ctx.prob, U));
  /* each solver reads its options and builds its preconditioner now: bad keys are caught before
   * the run; in Newton mode the integrator's matrices are built only if the fallback needs them */
  if (o.method == DS_STEADY_NEWTON) PetscCall(DSSteadyCreate(ctx.prob, U, &steady));
  else PetscCall(DSIntegratorSetUp(integ, U));
  if (help) {
    PetscCall(PetscPrintf(comm, "\n(-help: listed every key above with its unit and default; nothing computed)\n"));
  } else {
    PetscReal tfinal;
    PetscCall(DSCheckUnusedOptions(comm));
    PetscCall(DSRunOpenOutputs(comm, &ctx, mesh, &o, scenario));
    PetscCall(DSMeshGetNumActiveCells(mesh, &nactive));
    PetscCall(DSMeshGetSizes(mesh, n));
    PetscCallMPI(MPI_Comm_size(comm, &size));
    PetscCall(DSIntegratorGetFinalTime(integ, &tfinal, &steady_mode));
    steady_mode = (PetscBool)(steady_mode || o.method == DS_STEADY_NEWTON);
    if (o.method == DS_STEADY_NEWTON) PetscCall(PetscPrintf(comm, "discsim: scenario %s, steady state by Newton on %d MPI rank%s\n", scenario, size, size > 1 ? "s" : ""));
    else PetscCall(PetscPrintf(comm, "discsim: scenario %s, %s run to %s%g h on %d MPI rank%s\n", scenario, steady_mode ? "steady-state" : "transient", steady_mode ? "at most " : "", (double)tfinal, size, size > 1 ? "s" : ""));
    PetscCall(DSMeshView(mesh, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(DSModelView(ctx.model, PETSC_VIEWER_STDOUT_(comm)));
    PetscCall(PetscPrintf(comm, "unknowns: %" PetscInt_FMT " (%" PetscInt_FMT " cells x %" PetscInt_FMT " species)\n", nactive * ctx.nsp, nactive, ctx.nsp));
    if (o.method == DS_STEADY_NEWTON) PetscCall(DSRunSteadyNewton(comm, &ctx, &steady, integ, U));
    else {
      PetscCall(DSIntegratorSetMonitor(integ, DSRunMonitor, &ctx));
      if (ctx.npersist) PetscCall(DSIntegratorSetStepFunction(integ, DSRunTrackPersistence, &ctx));
      PetscCall(DSIntegratorSolve(integ, U));
      PetscCall(DSIntegratorGetStats(integ, &st));
      PetscCall(DSRunSummary(comm, &ctx, &st, steady_mode));
    }
    PetscCall(PetscPrintf(comm, "wrote %s (%" PetscInt_FMT " time steps; open it in ParaView) and %s\n", o.exo, ctx.nsteps, o.csv));
  }
  PetscCall(VecDestroy(&U));
  if (ctx.csv) fclose(ctx.csv);
  PetscCall(DSExodusDestroy(&ctx.exo));
  PetscCall(VecDestroy(&ctx.out));
  PetscCall(DSIntegratorDestroy(&integ));
  PetscCall(DSSteadyDestroy(&steady));
  PetscCall(DSProblemDestroy(&ctx.prob));
  PetscCall(DSModelDestroy(&ctx.model));
  PetscCall(DSMeshDestroy(&mesh));
  PetscFunctionReturn(PETSC_SUCCESS);
}
