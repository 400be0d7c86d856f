#include "dsschedule.h"
#include "dsoptions.h"

struct _p_DSSchedule {
  MPI_Comm comm;
  PetscInt nevents;
  DSEvent *events;
};

/* One -injectionN_* block as given. */
typedef struct {
  PetscInt  n;          /* N */
  PetscInt  injectable; /* index in the model's injectables; -1: not given */
  PetscInt  species, count;
  PetscReal time, amount, radius, centre[3], every;
  DSRegion  region;
  PetscBool injury;                 /* the needle injures the tissue (the model's DSInjury) */
  PetscReal entry[3], needle_radius; /* mm */
} DSInjectionInput;

static const char *const ds_injection_subkeys[] = {"time", "dose", "dose_ug", "volume", "radius", "centre", "region", "repeat_every", "repeat_count", "injury", "needle_gauge", "needle_entry"};
static const char *const ds_bool_values[]       = {"true", "false", "yes", "no", "on", "off", "1", "0"};

/* Needle gauge -> outer diameter (mm): the designated metric sizes of ISO 9626:2016 (stainless
 * steel needle tubing), gauges 10 to 34 */
#define DS_GAUGE_MIN 10
#define DS_GAUGE_MAX 34
static const PetscReal ds_gauge_mm[DS_GAUGE_MAX - DS_GAUGE_MIN + 1] = {3.4, 3.0, 2.7, 2.4, 2.1, 1.8, 1.6, 1.4, 1.2, 1.1, 0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.45, 0.4, 0.36, 0.33, 0.3, 0.25, 0.23, 0.2, 0.18};
#define DS_NEEDLE_HELP_GAUGE "needle gauge for the injury track [G], 10-34 (outer diameter by ISO 9626; default 22 G = 0.7 mm)"
#define DS_NEEDLE_HELP_ENTRY "where the needle enters the disc [mm] (default: the outer surface, posterolateral: from the centre along (-1, 1, 0)/sqrt 2; on image meshes (-1, -1, 0)/sqrt 2, RAS+)"
#define DS_NEEDLE_HELP_INJURY "the needle injures the tissue along its track: cells killed, cytokine (model keys bio_injury_*) [bool]"

PetscErrorCode DSScheduleCreate(MPI_Comm comm, DSSchedule *schedule)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(schedule));
  (*schedule)->comm = comm;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSScheduleDestroy(DSSchedule *schedule)
{
  PetscFunctionBeginUser;
  if (!*schedule) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*schedule)->events));
  PetscCall(PetscFree(*schedule));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSScheduleGetEvents(DSSchedule schedule, PetscInt *n, const DSEvent **events)
{
  PetscFunctionBeginUser;
  *n      = schedule->nevents;
  *events = schedule->events;
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define DS_KEY(buf, n, sub) (PetscSNPrintf(buf, sizeof buf, "-injection%" PetscInt_FMT "_%s", (PetscInt)(n), sub), buf)

/* Injection 1 is listed by -help; 2..N read the same keys silently (the help text says so). */
static PetscErrorCode DSGetReal(PetscOptionItems *PetscOptionsObject, PetscBool show, const char *key, const char *help, PetscReal *value, PetscBool *set)
{
  PetscFunctionBeginUser;
  if (show) PetscCall(PetscOptionsReal(key, help, NULL, *value, value, set));
  else PetscCall(PetscOptionsGetReal(NULL, NULL, key, value, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSGetString(PetscOptionItems *PetscOptionsObject, PetscBool show, const char *key, const char *help, char value[], size_t len, PetscBool *set)
{
  PetscFunctionBeginUser;
  if (show) PetscCall(PetscOptionsString(key, help, NULL, value, value, len, set));
  else PetscCall(PetscOptionsGetString(NULL, NULL, key, value, len, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSInjectableList(DSModel model, const char sep[], char list[], size_t len)
{
  const DSInjectable *inj;
  PetscInt            n;

  PetscFunctionBeginUser;
  PetscCall(DSModelGetInjectables(model, &n, &inj));
  list[0] = 0;
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(PetscStrlcat(list, i ? sep : "", len));
    PetscCall(PetscStrlcat(list, inj[i].name, len));
  }
  if (!n) {
    const char *name;
    PetscCall(DSModelGetName(model, &name));
    PetscCall(PetscSNPrintf(list, len, "nothing: model %s declares no injectables (-model biology injects cells, exosomes and protein factors)", name));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -help lists the keys of injection 1 even when it is not given. */
static PetscErrorCode DSScheduleListKeys(PetscOptionItems *PetscOptionsObject, const PetscReal centre[3])
{
  PetscReal dummy = 0, c[3] = {centre[0], centre[1], centre[2]};
  PetscInt  idummy = 0, n = 3;
  PetscBool bdummy = PETSC_FALSE;
  char      region[16] = "any";

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsReal("-injection1_time", "injection time [h]", NULL, dummy, &dummy, NULL));
  PetscCall(PetscOptionsReal("-injection1_dose", "injected amount in the species' unit: cells, particles or ng [cells, particles or ng]", NULL, dummy, &dummy, NULL));
  PetscCall(PetscOptionsReal("-injection1_dose_ug", "exosome dose as protein [ug], x bio_particles_per_ug", NULL, dummy, &dummy, NULL));
  PetscCall(PetscOptionsReal("-injection1_volume", "injected volume [uL] (1 uL = 1 mm^3; sphere; default 100 uL)", NULL, 100, &dummy, NULL));
  PetscCall(PetscOptionsReal("-injection1_radius", "radius of the injected sphere [mm] (instead of the volume)", NULL, dummy, &dummy, NULL));
  PetscCall(PetscOptionsRealArray("-injection1_centre", "centre of the injection [mm] (default the NP centre (0, 0, mesh_height/2))", NULL, c, &n, NULL));
  PetscCall(PetscOptionsString("-injection1_region", "inject only into cells of this region: NP, AF, CEP or any", NULL, region, region, sizeof region, NULL));
  PetscCall(PetscOptionsReal("-injection1_repeat_every", "interval between repeated doses [h]", NULL, dummy, &dummy, NULL));
  PetscCall(PetscOptionsInt("-injection1_repeat_count", "number of repeated doses after the first [1]", NULL, idummy, &idummy, NULL));
  PetscCall(PetscOptionsBool("-injection1_injury", DS_NEEDLE_HELP_INJURY, NULL, PETSC_FALSE, &bdummy, NULL));
  PetscCall(PetscOptionsInt("-injection1_needle_gauge", DS_NEEDLE_HELP_GAUGE, NULL, 22, &idummy, NULL));
  n = 3;
  PetscCall(PetscOptionsRealArray("-injection1_needle_entry", DS_NEEDLE_HELP_ENTRY, NULL, c, &n, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -injectionN_what: the injectable's index, or -1 when not given (then no other key of N may be). */
static PetscErrorCode DSScheduleReadWhat(PetscOptionItems *PetscOptionsObject, DSModel model, PetscInt N, PetscInt *which)
{
  const DSInjectable *inj;
  PetscInt            n;
  char                key[64], what[64] = "", allowed[512], help[640];
  PetscBool           set, show = (PetscBool)(N == 1);

  PetscFunctionBeginUser;
  *which = -1;
  PetscCall(DSModelGetInjectables(model, &n, &inj));
  PetscCall(DSInjectableList(model, ", ", allowed, sizeof allowed));
  PetscCall(PetscSNPrintf(help, sizeof help, "what injectionN (N = 1..%d) injects: %s", DS_MAX_INJECTIONS, allowed));
  PetscCall(DSGetString(PetscOptionsObject, show, DS_KEY(key, N, "what"), help, what, sizeof what, &set));
  if (!set) {
    for (size_t k = 0; k < PETSC_STATIC_ARRAY_LENGTH(ds_injection_subkeys); k++) {
      PetscBool has;
      PetscCall(PetscOptionsHasName(NULL, NULL, DS_KEY(key, N, ds_injection_subkeys[k]), &has));
      PetscCheck(!has, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input %s is given but -injection%" PetscInt_FMT "_what is missing: allowed %s", key, N, allowed);
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (PetscInt i = 0; i < n && *which < 0; i++) {
    PetscBool eq;
    PetscCall(PetscStrcasecmp(what, inj[i].name, &eq));
    if (eq) *which = i;
  }
  PetscCheck(*which >= 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_UNKNOWN_TYPE, "input -injection%" PetscInt_FMT "_what = %s is not known: allowed %s", N, what, allowed);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -injectionN_dose (the species' amount unit) or -injectionN_dose_ug (through the injectable's
 * conversion parameter). */
static PetscErrorCode DSScheduleReadDose(PetscOptionItems *PetscOptionsObject, DSModel model, const DSInjectable *inj, DSInjectionInput *in)
{
  const PetscInt N = in->n;
  PetscBool      show = (PetscBool)(N == 1), set_dose, set_ug;
  PetscReal      dose = 0, dose_ug = 0;
  char           key[64], unit[64];

  PetscFunctionBeginUser;
  PetscCall(DSModelGetAmountUnit(model, in->species, PETSC_FALSE, PETSC_FALSE, unit, sizeof unit));
  PetscCall(DSGetReal(PetscOptionsObject, show, DS_KEY(key, N, "dose"), "injected amount in the species' unit: cells, particles or ng [cells, particles or ng]", &dose, &set_dose));
  PetscCall(DSGetReal(PetscOptionsObject, show, DS_KEY(key, N, "dose_ug"), "exosome dose as protein [ug], x bio_particles_per_ug", &dose_ug, &set_ug));
  PetscCheck(set_dose || set_ug, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_dose is missing: give the number of %s injected%s", N, unit,
             inj->per_ug_key ? " (or -injectionN_dose_ug, ug of protein)" : "");
  PetscCheck(!(set_dose && set_ug), PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_dose and -injection%" PetscInt_FMT "_dose_ug are both given: give one", N, N);
  PetscCheck(!set_ug || inj->per_ug_key, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_dose_ug is for exosomes: -injection%" PetscInt_FMT "_what = %s injects %s, give -injection%" PetscInt_FMT "_dose (%s)", N, N,
             inj->name, unit, N, unit);
  if (set_ug) {
    PetscReal per_ug;
    PetscCheck(dose_ug > 0 && !PetscIsInfOrNanReal(dose_ug), PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "input -injection%" PetscInt_FMT "_dose_ug = %g ug is out of range: allowed > 0 ug", N, (double)dose_ug);
    PetscCall(DSModelGetParameter(model, inj->per_ug_key, &per_ug));
    in->amount = dose_ug * per_ug;
  } else {
    PetscCheck(dose > 0 && !PetscIsInfOrNanReal(dose), PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "input -injection%" PetscInt_FMT "_dose = %g is out of range: allowed > 0 %s", N, (double)dose, unit);
    in->amount = dose;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSScheduleReadRegion(PetscOptionItems *PetscOptionsObject, DSInjectionInput *in)
{
  char      key[64], name[32] = "any";
  PetscBool set;

  PetscFunctionBeginUser;
  in->region = DS_REGION_OUTSIDE; /* any */
  PetscCall(DSGetString(PetscOptionsObject, (PetscBool)(in->n == 1), DS_KEY(key, in->n, "region"), "inject only into cells of this region: NP, AF, CEP or any", name, sizeof name, &set));
  if (!set) PetscFunctionReturn(PETSC_SUCCESS);
  PetscBool found;
  PetscCall(PetscStrcasecmp(name, "any", &found));
  for (PetscInt r = DS_REGION_NP; r < DS_NUM_REGIONS && !found; r++) {
    PetscCall(PetscStrcasecmp(name, DSRegionNames[r], &found));
    if (found) in->region = (DSRegion)r;
  }
  PetscCheck(found, PETSC_COMM_WORLD, PETSC_ERR_ARG_UNKNOWN_TYPE, "input %s = %s is not a region: allowed NP, AF, CEP or any", key, name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Where: a sphere given by its volume (default 100 uL) or radius, its centre (default: the NP
 * centre), and optionally one region. */
static PetscErrorCode DSScheduleReadWhere(PetscOptionItems *PetscOptionsObject, DSMesh mesh, DSInjectionInput *in)
{
  const PetscInt N = in->n;
  PetscBool      show = (PetscBool)(N == 1), set_vol, set_rad, set;
  PetscReal      volume = 100, radius = 0;
  PetscInt       n = 3;
  char           key[64];

  PetscFunctionBeginUser;
  PetscCall(DSGetReal(PetscOptionsObject, show, DS_KEY(key, N, "volume"), "injected volume [uL] (1 uL = 1 mm^3; sphere; default 100 uL)", &volume, &set_vol));
  PetscCall(DSGetReal(PetscOptionsObject, show, DS_KEY(key, N, "radius"), "radius of the injected sphere [mm] (instead of the volume)", &radius, &set_rad));
  PetscCheck(!(set_vol && set_rad), PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_volume and -injection%" PetscInt_FMT "_radius are both given: give one", N, N);
  if (set_rad) {
    PetscCheck(radius >= 0 && radius <= 1000, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "input -injection%" PetscInt_FMT "_radius = %g mm is out of range: allowed [0, 1000] mm", N, (double)radius);
    in->radius = radius;
  } else {
    PetscCheck(volume > 0 && volume <= 1e6, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "input -injection%" PetscInt_FMT "_volume = %g uL is out of range: allowed (0, 1e6] uL", N, (double)volume);
    in->radius = PetscCbrtReal(3 * volume / (4 * PETSC_PI)); /* of a sphere of that volume (1 uL = 1 mm^3) */
  }
  PetscCall(DSMeshGetRegionCentre(mesh, DS_REGION_NP, in->centre));
  if (show) PetscCall(PetscOptionsRealArray(DS_KEY(key, N, "centre"), "centre of the injection [mm] (default the NP centre (0, 0, mesh_height/2))", NULL, in->centre, &n, &set));
  else PetscCall(PetscOptionsGetRealArray(NULL, NULL, DS_KEY(key, N, "centre"), in->centre, &n, &set));
  PetscCheck(!set || n == 3, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input %s needs 3 values (x, y, z in mm), got %" PetscInt_FMT, key, n);
  {
    DSRegion at;
    PetscCall(DSMeshGetRegionAtPoint(mesh, in->centre, &at));
    PetscCheck(at != DS_REGION_OUTSIDE, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "input -injection%" PetscInt_FMT "_centre = (%g, %g, %g) mm lies outside the disc: give a point of the disc (the NP centre is the default)", N,
               (double)in->centre[0], (double)in->centre[1], (double)in->centre[2]);
  }
  PetscCall(DSScheduleReadRegion(PetscOptionsObject, in));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -injectionN_injury: read with what, since the model lays out its species for it. */
static PetscErrorCode DSScheduleReadInjury(PetscOptionItems *PetscOptionsObject, DSInjectionInput *in)
{
  char key[64];

  PetscFunctionBeginUser;
  in->injury = PETSC_FALSE;
  if (in->n == 1) PetscCall(PetscOptionsBool(DS_KEY(key, in->n, "injury"), DS_NEEDLE_HELP_INJURY, NULL, in->injury, &in->injury, NULL));
  else PetscCall(PetscOptionsGetBool(NULL, NULL, DS_KEY(key, in->n, "injury"), &in->injury, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The default entry: the disc's surface, reached from the centre along the posterolateral
 * direction (marching in steps of 0.05 mm, then bisecting to 1e-9 mm): (-1, 1, 0)/sqrt 2 on the
 * analytic meshes (x antero-posterior), (-1, -1, 0)/sqrt 2 on an image's world axes (RAS+: -y is
 * posterior, -x the patient's left). */
static PetscErrorCode DSScheduleDefaultEntry(DSMesh mesh, const PetscReal c[3], PetscReal entry[3])
{
  PetscReal  dir[3] = {-PETSC_SQRT2 / 2, PETSC_SQRT2 / 2, 0};
  PetscReal  in = 0, out = -1, x[3];
  DSRegion   at;
  DSMeshType type;

  PetscFunctionBeginUser;
  PetscCall(DSMeshGetType(mesh, &type));
  if (type == DS_MESH_IMAGE) dir[1] = -dir[1];
  for (PetscReal s = 0.05; s <= 2000 && out < 0; s += 0.05) {
    for (PetscInt d = 0; d < 3; d++) x[d] = c[d] + s * dir[d];
    PetscCall(DSMeshGetRegionAtPoint(mesh, x, &at));
    if (at == DS_REGION_OUTSIDE) out = s;
    else in = s;
  }
  PetscCheck(out > 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "no disc surface within 2 m of the injection centre");
  while (out - in > 1e-9) {
    PetscReal mid = 0.5 * (in + out);
    for (PetscInt d = 0; d < 3; d++) x[d] = c[d] + mid * dir[d];
    PetscCall(DSMeshGetRegionAtPoint(mesh, x, &at));
    if (at == DS_REGION_OUTSIDE) out = mid;
    else in = mid;
  }
  for (PetscInt d = 0; d < 3; d++) entry[d] = c[d] + in * dir[d];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -injectionN_needle_gauge and _needle_entry: only with the injury (they would change nothing else). */
static PetscErrorCode DSScheduleReadNeedle(PetscOptionItems *PetscOptionsObject, DSMesh mesh, DSInjectionInput *in)
{
  const PetscInt N = in->n;
  PetscBool      show = (PetscBool)(N == 1), set_g, set_e, ok;
  PetscInt       gauge = 22, n = 3;
  char           key[64], why[256];

  PetscFunctionBeginUser;
  if (show) PetscCall(PetscOptionsInt(DS_KEY(key, N, "needle_gauge"), DS_NEEDLE_HELP_GAUGE, NULL, gauge, &gauge, &set_g));
  else PetscCall(PetscOptionsGetInt(NULL, NULL, DS_KEY(key, N, "needle_gauge"), &gauge, &set_g));
  for (PetscInt d = 0; d < 3; d++) in->entry[d] = in->centre[d];
  if (in->injury) {
    DSMeshType type;
    PetscCall(DSMeshGetType(mesh, &type));
    PetscCheck(type != DS_MESH_SLAB && type != DS_MESH_WELL_MIXED, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_injury needs a needle track, which the %s mesh has no room for: use -mesh_type axisymmetric or 3d", N, DSMeshTypes[type]);
    PetscCall(DSScheduleDefaultEntry(mesh, in->centre, in->entry));
  }
  if (show) PetscCall(PetscOptionsRealArray(DS_KEY(key, N, "needle_entry"), DS_NEEDLE_HELP_ENTRY, NULL, in->entry, &n, &set_e));
  else PetscCall(PetscOptionsGetRealArray(NULL, NULL, DS_KEY(key, N, "needle_entry"), in->entry, &n, &set_e));
  PetscCheck(in->injury || !(set_g || set_e), PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_needle_%s is given but -injection%" PetscInt_FMT "_injury is off: the needle matters only for the injury; set -injection%" PetscInt_FMT "_injury true or remove it", N,
             set_g ? "gauge" : "entry", N, N);
  in->needle_radius = 0.5 * ds_gauge_mm[gauge - DS_GAUGE_MIN];
  if (!in->injury) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DSMeshCheckTrack(mesh, in->entry, in->centre, why, sizeof why, &ok));
  PetscCheck(ok, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_injury: the needle track from (%g, %g, %g) mm (-injection%" PetscInt_FMT "_needle_entry) to the centre (%g, %g, %g) mm cannot be represented: %s", N, (double)in->entry[0],
             (double)in->entry[1], (double)in->entry[2], N, (double)in->centre[0], (double)in->centre[1], (double)in->centre[2], why);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSScheduleReadWhenAndRepeats(PetscOptionItems *PetscOptionsObject, DSInjectionInput *in)
{
  const PetscInt N = in->n;
  PetscBool      show = (PetscBool)(N == 1), set;
  char           key[64];

  PetscFunctionBeginUser;
  PetscCall(DSGetReal(PetscOptionsObject, show, DS_KEY(key, N, "time"), "injection time [h]", &in->time, &set));
  PetscCheck(in->time >= 0 && !PetscIsInfOrNanReal(in->time), PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "input %s = %g h is out of range: allowed >= 0 h", key, (double)in->time);
  PetscCall(DSGetReal(PetscOptionsObject, show, DS_KEY(key, N, "repeat_every"), "interval between repeated doses [h]", &in->every, &set));
  if (show) PetscCall(PetscOptionsInt(DS_KEY(key, N, "repeat_count"), "number of repeated doses after the first [1]", NULL, in->count, &in->count, &set));
  else PetscCall(PetscOptionsGetInt(NULL, NULL, DS_KEY(key, N, "repeat_count"), &in->count, &set));
  PetscCheck(in->count == 0 || in->every > 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "input -injection%" PetscInt_FMT "_repeat_count = %" PetscInt_FMT " needs -injection%" PetscInt_FMT "_repeat_every > 0 h", N, in->count, N);
  PetscCheck(in->every >= 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "input -injection%" PetscInt_FMT "_repeat_every = %g h is out of range: allowed > 0 h", N, (double)in->every);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int DSCompareEvents(const void *a, const void *b)
{
  const DSEvent *x = (const DSEvent *)a, *y = (const DSEvent *)b;
  return x->time < y->time ? -1 : x->time > y->time ? 1 : 0;
}

/* Every dose of the given injections, sorted by time. */
static PetscErrorCode DSScheduleExpand(DSSchedule s, DSModel model, const DSInjectionInput in[], PetscInt ngiven)
{
  const DSInjectable *inj;
  PetscInt            ninj, nev = 0;

  PetscFunctionBeginUser;
  PetscCall(DSModelGetInjectables(model, &ninj, &inj));
  for (PetscInt i = 0; i < ngiven; i++) nev += 1 + in[i].count;
  PetscCall(PetscFree(s->events));
  PetscCall(PetscCalloc1(nev + 1, &s->events));
  s->nevents = 0;
  for (PetscInt i = 0; i < ngiven; i++)
    for (PetscInt k = 0; k <= in[i].count; k++) {
      DSEvent *ev = &s->events[s->nevents++];
      ev->time    = in[i].time + k * in[i].every;
      ev->species = in[i].species;
      ev->amount  = in[i].amount;
      ev->radius  = in[i].radius;
      ev->region  = in[i].region;
      ev->injury  = in[i].injury;
      ev->needle_radius = in[i].needle_radius;
      for (PetscInt d = 0; d < 3; d++) ev->entry[d] = in[i].entry[d];
      for (PetscInt d = 0; d < 3; d++) ev->centre[d] = in[i].centre[d];
      PetscCall(PetscSNPrintf(ev->label, sizeof ev->label, "%s (injection%" PetscInt_FMT ")", inj[in[i].injectable].label, in[i].n));
    }
  qsort(s->events, (size_t)s->nevents, sizeof(DSEvent), DSCompareEvents); /* ties: order is irrelevant (additions commute) */
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The raw values of injection N, checked before PETSc parses them (key, value and what is allowed). */
static PetscErrorCode DSScheduleCheckOptions(PetscInt N)
{
  const char *reals[][2] = {{"time", "h"}, {"repeat_every", "h"}, {"dose", "cells, particles or ng"}, {"dose_ug", "ug"}, {"volume", "uL"}, {"radius", "mm"}};
  char        key[64];

  PetscFunctionBeginUser;
  for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) PetscCall(DSOptionsCheckReal(DS_KEY(key, N, reals[i][0]), reals[i][1]));
  PetscCall(DSOptionsCheckRealArray(DS_KEY(key, N, "centre"), "mm", 3, PETSC_TRUE));
  PetscCall(DSOptionsCheckInt(DS_KEY(key, N, "repeat_count"), 0, 1000));
  PetscCall(DSOptionsCheckString(DS_KEY(key, N, "what")));
  PetscCall(DSOptionsCheckString(DS_KEY(key, N, "region")));
  PetscCall(DSOptionsCheckChoice(DS_KEY(key, N, "injury"), PETSC_STATIC_ARRAY_LENGTH(ds_bool_values), ds_bool_values));
  PetscCall(DSOptionsCheckInt(DS_KEY(key, N, "needle_gauge"), DS_GAUGE_MIN, DS_GAUGE_MAX));
  PetscCall(DSOptionsCheckRealArray(DS_KEY(key, N, "needle_entry"), "mm", 3, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every injection N: what (the model then selects its injectables), then when, how much, where. */
static PetscErrorCode DSScheduleReadOptions(DSSchedule s, DSMesh mesh, DSModel model, PetscOptionItems *PetscOptionsObject, DSInjectionInput in[], PetscInt *ngiven)
{
  PetscBool           used[64] = {PETSC_FALSE}, injury = PETSC_FALSE;
  const DSInjectable *inj;
  PetscInt            ninj;

  PetscFunctionBeginUser;
  PetscCall(DSModelGetInjectables(model, &ninj, &inj));
  *ngiven = 0;
  for (PetscInt N = 1; N <= DS_MAX_INJECTIONS; N++) {
    PetscInt which;
    PetscCall(DSScheduleReadWhat(PetscOptionsObject, model, N, &which));
    if (which < 0) continue;
    PetscCall(PetscMemzero(&in[*ngiven], sizeof in[*ngiven]));
    in[*ngiven].n = N, in[*ngiven].injectable = which, used[which] = PETSC_TRUE;
    PetscCall(DSScheduleReadInjury(PetscOptionsObject, &in[*ngiven]));
    injury = (PetscBool)(injury || in[*ngiven].injury);
    (*ngiven)++;
  }
  if (injury) PetscCall(DSModelSetInjury(model, PETSC_TRUE));
  PetscCall(DSModelSelectInjectables(model, used));
  for (PetscInt i = 0; i < *ngiven; i++) {
    const DSInjectable *what = &inj[in[i].injectable];
    PetscCall(DSModelGetSpeciesIndex(model, what->species, &in[i].species));
    PetscCheck(in[i].species >= 0, s->comm, PETSC_ERR_PLIB, "model declares injectable %s into species %s, which it does not carry", what->name, what->species);
    PetscCall(DSScheduleReadWhenAndRepeats(PetscOptionsObject, &in[i]));
    PetscCall(DSScheduleReadDose(PetscOptionsObject, model, what, &in[i]));
    PetscCall(DSScheduleReadWhere(PetscOptionsObject, mesh, &in[i]));
    PetscCall(DSScheduleReadNeedle(PetscOptionsObject, mesh, &in[i]));
  }
  if (*ngiven == 0 || in[0].n != 1) {
    PetscReal centre[3];
    PetscCall(DSMeshGetRegionCentre(mesh, DS_REGION_NP, centre));
    PetscCall(DSScheduleListKeys(PetscOptionsObject, centre));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The model learns what is injected first (its species may depend on it); then the doses are
 * read against the species that receive them. */
PetscErrorCode DSScheduleSetFromOptions(DSSchedule s, DSMesh mesh, DSModel model)
{
  DSInjectionInput in[DS_MAX_INJECTIONS];
  PetscInt         ninj, ngiven = 0;

  PetscFunctionBeginUser;
  PetscCall(DSModelGetInjectables(model, &ninj, NULL));
  PetscCheck(ninj <= 64, s->comm, PETSC_ERR_SUP, "at most 64 injectables per model");
  for (PetscInt N = 1; N <= DS_MAX_INJECTIONS; N++) PetscCall(DSScheduleCheckOptions(N));
  DSOptionsBlock(s->comm, "Injections (solver/app)", DSScheduleReadOptions(s, mesh, model, PetscOptionsObject, in, &ngiven));
  PetscCall(DSScheduleExpand(s, model, in, ngiven));
  PetscFunctionReturn(PETSC_SUCCESS);
}
