/* The study file: read with libyaml into a DSStudy (dsstudyimpl.h); every error names the key,
 * the value and what is allowed. The checks against the model come in DSStudyCheck (dsstudy.c). */
#include <yaml.h>
#include <libgen.h>
#include "dsstudyimpl.h"

#define ERRQ(...) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, __VA_ARGS__)

typedef struct {
  yaml_document_t doc;
  const char     *path;
} DSYDoc;

static yaml_node_t *DSYNode(DSYDoc *y, int id) { return yaml_document_get_node(&y->doc, id); }
static const char  *DSYScalar(yaml_node_t *n) { return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL; }

static PetscErrorCode DSYReal(DSYDoc *y, yaml_node_t *n, const char key[], PetscReal *v)
{
  const char *s = DSYScalar(n);
  char       *end;
  PetscFunctionBeginUser;
  PetscCheck(s, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': %s must be a number (line %zu)", y->path, key, n ? n->start_mark.line + 1 : 0);
  *v = strtod(s, &end);
  PetscCheck(end != s && !*end && !PetscIsInfOrNanReal(*v), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': %s = '%s' is not a number (line %zu)", y->path, key, s, n->start_mark.line + 1);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSYInt(DSYDoc *y, yaml_node_t *n, const char key[], PetscInt lo, PetscInt64 *v)
{
  PetscReal r;
  PetscFunctionBeginUser;
  PetscCall(DSYReal(y, n, key, &r));
  PetscCheck(r == PetscFloorReal(r) && r >= lo && r <= 9e15, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': %s = %s: allowed a whole number >= %" PetscInt_FMT, y->path, key, DSYScalar(n), lo);
  *v = (PetscInt64)r;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 'set': nested keys joined with '_', lists joined with ',', as in a scenario file */
static PetscErrorCode DSYFlatten(DSYDoc *y, yaml_node_t *n, const char prefix[], DSStudy *st)
{
  PetscFunctionBeginUser;
  if (n->type == YAML_MAPPING_NODE) {
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
      char key[DS_STUDY_KEY];
      PetscCall(PetscSNPrintf(key, sizeof key, "%s%s%s", prefix, prefix[0] ? "_" : "", DSYScalar(DSYNode(y, p->key))));
      PetscCall(DSYFlatten(y, DSYNode(y, p->value), key, st));
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(st->nset < DS_STUDY_MAX_SET, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': more than %d keys under 'set'", y->path, DS_STUDY_MAX_SET);
  PetscCall(PetscStrncpy(st->setkey[st->nset], prefix, DS_STUDY_KEY));
  st->setval[st->nset][0] = 0;
  if (n->type == YAML_SCALAR_NODE) PetscCall(PetscStrncpy(st->setval[st->nset], DSYScalar(n), DS_STUDY_VALUE));
  else
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
      const char *v = DSYScalar(DSYNode(y, *it));
      PetscCheck(v, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': set %s: a list may hold values only", y->path, prefix);
      if (it > n->data.sequence.items.start) PetscCall(PetscStrlcat(st->setval[st->nset], ",", DS_STUDY_VALUE));
      PetscCall(PetscStrlcat(st->setval[st->nset], v, DS_STUDY_VALUE));
    }
  st->nset++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static yaml_node_t *DSYGet(DSYDoc *y, yaml_node_t *map, const char key[])
{
  if (!map || map->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    const char *k = DSYScalar(DSYNode(y, p->key));
    if (k && !strcmp(k, key)) return DSYNode(y, p->value);
  }
  return NULL;
}

/* keys of a mapping must be among 'allowed' (NULL-terminated) */
static PetscErrorCode DSYCheckKeys(DSYDoc *y, yaml_node_t *map, const char where[], const char *const allowed[], const char list[])
{
  PetscFunctionBeginUser;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    const char *k  = DSYScalar(DSYNode(y, p->key));
    PetscBool   ok = PETSC_FALSE;
    for (PetscInt i = 0; k && allowed[i]; i++) ok = (PetscBool)(ok || !strcmp(k, allowed[i]));
    PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': unknown key '%s' in %s (line %zu): allowed %s", y->path, k ? k : "?", where, DSYNode(y, p->key)->start_mark.line + 1, list);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSYChoice(DSYDoc *y, yaml_node_t *n, const char key[], const char *const choices[], PetscInt nchoices, PetscInt *which)
{
  const char *s = DSYScalar(n);
  char        list[256] = "";
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < nchoices; i++) {
    if (s && !strcmp(s, choices[i])) {
      *which = i;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    PetscCall(PetscStrlcat(list, i ? ", " : "", sizeof list));
    PetscCall(PetscStrlcat(list, choices[i], sizeof list));
  }
  ERRQ("study file '%s': %s = '%s': allowed %s", y->path, key, s ? s : "(not a single value)", list);
}

/* one entry of 'vary': 'uncertain' (the documented range) or {distribution, range, mode | mean, sd} */
static PetscErrorCode DSYVar(DSYDoc *y, const char key[], yaml_node_t *n, DSStudyVar *v)
{
  static const char *const keys[] = {"distribution", "range", "mode", "mean", "sd", NULL};
  const char              *s      = DSYScalar(n);
  PetscInt                 dist = 0;
  char                     what[256];
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(v, sizeof *v));
  PetscCall(PetscStrncpy(v->key, key, sizeof v->key));
  if (s) {
    PetscCheck(!strcmp(s, "uncertain"), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': vary %s = '%s': allowed 'uncertain' (its documented plausible range) or {distribution: ..., range: [a, b]}", y->path, key, s);
    PetscFunctionReturn(PETSC_SUCCESS); /* dist = none: filled from the row in DSStudyCheck */
  }
  PetscCheck(n->type == YAML_MAPPING_NODE, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': vary %s: allowed 'uncertain' or a mapping {distribution, range} (line %zu)", y->path, key, n->start_mark.line + 1);
  PetscCall(PetscSNPrintf(what, sizeof what, "vary %s", key));
  PetscCall(DSYCheckKeys(y, n, what, keys, "distribution, range, mode (triangular), mean and sd (normal)"));
  PetscCall(PetscSNPrintf(what, sizeof what, "vary %s distribution", key));
  PetscCall(DSYChoice(y, DSYGet(y, n, "distribution"), what, DSDistributions + 1, 4, &dist));
  v->dist.dist   = (DSDistribution)(dist + 1);
  v->dist.source = "study file";
  if (v->dist.dist == DS_DIST_NORMAL) {
    PetscCall(DSYReal(y, DSYGet(y, n, "mean"), "normal distribution: mean", &v->dist.a));
    PetscCall(DSYReal(y, DSYGet(y, n, "sd"), "normal distribution: sd", &v->dist.b));
  } else {
    yaml_node_t *r = DSYGet(y, n, "range");
    PetscCheck(r && r->type == YAML_SEQUENCE_NODE && r->data.sequence.items.top - r->data.sequence.items.start == 2, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': vary %s: range must be a list of two numbers [a, b]", y->path, key);
    PetscCall(DSYReal(y, DSYNode(y, r->data.sequence.items.start[0]), "range", &v->dist.a));
    PetscCall(DSYReal(y, DSYNode(y, r->data.sequence.items.start[1]), "range", &v->dist.b));
    if (v->dist.dist == DS_DIST_TRIANGULAR) PetscCall(DSYReal(y, DSYGet(y, n, "mode"), "triangular distribution: mode", &v->dist.mode));
  }
  PetscCall(PetscSNPrintf(what, sizeof what, "study file '%s': vary %s", y->path, key));
  PetscCall(DSPlausibleCheck(&v->dist, what));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSYVary(DSYDoc *y, yaml_node_t *n, DSStudy *st)
{
  PetscFunctionBeginUser;
  PetscCheck(n->type == YAML_MAPPING_NODE, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': vary must be a mapping of input keys (line %zu)", y->path, n->start_mark.line + 1);
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    const char *k = DSYScalar(DSYNode(y, p->key));
    PetscCheck(st->nvar < DS_STUDY_MAX_VARS, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': more than %d varied keys", y->path, DS_STUDY_MAX_VARS);
    for (PetscInt j = 0; j < st->nvar; j++) PetscCheck(strcmp(st->var[j].key, k), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': vary %s is given twice", y->path, k);
    PetscCall(DSYVar(y, k, DSYNode(y, p->value), &st->var[st->nvar++]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 'members': a list of mappings key: value, every member giving the same keys */
static PetscErrorCode DSYMembers(DSYDoc *y, yaml_node_t *n, DSStudy *st)
{
  PetscFunctionBeginUser;
  PetscCheck(n && n->type == YAML_SEQUENCE_NODE && n->data.sequence.items.top > n->data.sequence.items.start, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': design type list needs 'members': a list of {key: value, ...}", y->path);
  st->nlist = (PetscInt)(n->data.sequence.items.top - n->data.sequence.items.start);
  yaml_node_t *first = DSYNode(y, n->data.sequence.items.start[0]);
  PetscCheck(first->type == YAML_MAPPING_NODE && !st->nvar, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': each member is a mapping {key: value}; with a list design, give no 'vary'", y->path);
  for (yaml_node_pair_t *p = first->data.mapping.pairs.start; p < first->data.mapping.pairs.top && st->nvar < DS_STUDY_MAX_VARS; p++) PetscCall(PetscStrncpy(st->var[st->nvar++].key, DSYScalar(DSYNode(y, p->key)), DS_STUDY_KEY));
  PetscCall(PetscMalloc1(st->nlist * st->nvar, &st->list));
  for (PetscInt i = 0; i < st->nlist; i++) {
    yaml_node_t *m = DSYNode(y, n->data.sequence.items.start[i]);
    PetscCheck(m->type == YAML_MAPPING_NODE && m->data.mapping.pairs.top - m->data.mapping.pairs.start == st->nvar, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
               "study file '%s': member %" PetscInt_FMT " (line %zu) must give exactly the keys of the first member (%" PetscInt_FMT ")", y->path, i, m->start_mark.line + 1, st->nvar);
    for (PetscInt j = 0; j < st->nvar; j++) {
      yaml_node_t *v = DSYGet(y, m, st->var[j].key);
      PetscCheck(v, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': member %" PetscInt_FMT " (line %zu) does not give %s", y->path, i, m->start_mark.line + 1, st->var[j].key);
      PetscCall(DSYReal(y, v, st->var[j].key, &st->list[i * st->nvar + j]));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSYAddQoI(DSYDoc *y, DSStudy *st, const char name[], yaml_node_t *time)
{
  DSStudyQoI *q = &st->q[st->nq];
  PetscFunctionBeginUser;
  PetscCheck(st->nq < DS_STUDY_MAX_QOI, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': more than %d quantities", y->path, DS_STUDY_MAX_QOI);
  PetscCall(PetscMemzero(q, sizeof *q));
  PetscCall(PetscStrncpy(q->name, name, sizeof q->name));
  q->at_end = (PetscBool)(!time || !strcmp(DSYScalar(time) ? DSYScalar(time) : "", "end"));
  if (!q->at_end) PetscCall(DSStudyParseTime(name, DSYScalar(time), &q->t));
  st->nq++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 'quantities': NAME (at the end) or {name: NAME, times: [t1, t2, end]} */
static PetscErrorCode DSYQuantities(DSYDoc *y, yaml_node_t *n, DSStudy *st)
{
  static const char *const keys[] = {"name", "times", NULL};
  PetscFunctionBeginUser;
  PetscCheck(n && n->type == YAML_SEQUENCE_NODE, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': quantities must be a list (of global names, or {name: ..., times: [...]})", y->path);
  for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
    yaml_node_t *e = DSYNode(y, *it), *times;
    if (DSYScalar(e)) {
      PetscCall(DSYAddQoI(y, st, DSYScalar(e), NULL));
      continue;
    }
    PetscCheck(e->type == YAML_MAPPING_NODE && DSYScalar(DSYGet(y, e, "name")), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': quantity at line %zu: allowed a name or {name: ..., times: [...]}", y->path, e->start_mark.line + 1);
    PetscCall(DSYCheckKeys(y, e, "a quantity", keys, "name, times"));
    times = DSYGet(y, e, "times");
    if (!times || DSYScalar(times)) PetscCall(DSYAddQoI(y, st, DSYScalar(DSYGet(y, e, "name")), times));
    else
      for (yaml_node_item_t *t = times->data.sequence.items.start; t < times->data.sequence.items.top; t++) PetscCall(DSYAddQoI(y, st, DSYScalar(DSYGet(y, e, "name")), DSYNode(y, *t)));
  }
  PetscCheck(st->nq > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': no quantities: name at least one global of the run's CSV", y->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSYDesign(DSYDoc *y, yaml_node_t *n, DSStudy *st)
{
  static const char *const keys[] = {"type", "samples", "levels", NULL};
  PetscInt                 type = 0;
  PetscInt64               v;
  PetscFunctionBeginUser;
  PetscCheck(n && n->type == YAML_MAPPING_NODE, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': design must be a mapping {type: grid|lhs|saltelli|morris|list, samples: N, levels: L}", y->path);
  PetscCall(DSYCheckKeys(y, n, "design", keys, "type, samples, levels"));
  PetscCall(DSYChoice(y, DSYGet(y, n, "type"), "design type", DSDesignTypes, 5, &type));
  st->design = (DSDesignType)type;
  st->levels = st->design == DS_DESIGN_MORRIS ? 4 : 3;
  if (DSYGet(y, n, "levels")) {
    PetscCall(DSYInt(y, DSYGet(y, n, "levels"), "design levels", 2, &v));
    st->levels = (PetscInt)v;
  }
  if (DSYGet(y, n, "samples")) {
    PetscCall(DSYInt(y, DSYGet(y, n, "samples"), "design samples", 1, &v));
    st->samples = (PetscInt)v;
  }
  PetscCheck(st->samples > 0 || st->design == DS_DESIGN_GRID || st->design == DS_DESIGN_LIST, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': design %s needs samples (%s)", y->path, DSDesignTypes[type],
             st->design == DS_DESIGN_SALTELLI ? "base samples N: N (k + 2) members" : st->design == DS_DESIGN_MORRIS ? "trajectories r: r (k + 1) members" : "members");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSYRoot(DSYDoc *y, yaml_node_t *root, DSStudy *st)
{
  static const char *const keys[] = {"base", "set", "vary", "uncertain", "design", "members", "quantities", "seed", "group_size", "output", NULL};
  yaml_node_t             *n;
  PetscInt64               v;
  PetscFunctionBeginUser;
  PetscCheck(root && root->type == YAML_MAPPING_NODE, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': the root must be a mapping of keys", y->path);
  PetscCall(DSYCheckKeys(y, root, "the study file", keys, "base, set, vary, uncertain, design, members, quantities, seed, group_size, output"));
  if ((n = DSYGet(y, root, "base"))) {
    PetscCheck(DSYScalar(n), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': base must be the path of a scenario file", y->path);
    if (DSYScalar(n)[0] == '/') PetscCall(PetscStrncpy(st->base, DSYScalar(n), sizeof st->base));
    else PetscCall(PetscSNPrintf(st->base, sizeof st->base, "%s/%s", st->dir, DSYScalar(n)));
  }
  if ((n = DSYGet(y, root, "set"))) PetscCall(DSYFlatten(y, n, "", st));
  if ((n = DSYGet(y, root, "vary"))) PetscCall(DSYVary(y, n, st));
  if ((n = DSYGet(y, root, "uncertain"))) {
    PetscInt yes = 0;
    PetscCall(DSYChoice(y, n, "uncertain", (const char *const[]){"false", "true"}, 2, &yes));
    st->uncertain = (PetscBool)yes;
  }
  PetscCall(DSYDesign(y, DSYGet(y, root, "design"), st));
  n = DSYGet(y, root, "members");
  PetscCheck(!n == (st->design != DS_DESIGN_LIST), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': 'members' goes with design type list, and only with it", y->path);
  if (n) PetscCall(DSYMembers(y, n, st));
  PetscCall(DSYQuantities(y, DSYGet(y, root, "quantities"), st));
  if ((n = DSYGet(y, root, "seed"))) PetscCall(DSYInt(y, n, "seed", 0, &st->seed));
  if ((n = DSYGet(y, root, "group_size"))) {
    PetscCall(DSYInt(y, n, "group_size", 1, &v));
    st->group_size = (PetscInt)v;
  }
  if ((n = DSYGet(y, root, "output"))) {
    PetscCheck(DSYScalar(n), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "study file '%s': output must be a file name (the members table, CSV)", y->path);
    PetscCall(PetscStrncpy(st->table, DSYScalar(n), sizeof st->table));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSStudySetNames(const char path[], DSStudy *st)
{
  char  copy[PETSC_MAX_PATH_LEN], *dot;
  FILE *f = fopen(path, "r");
  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot read the study file '%s'", path);
  (void)fclose(f);
  PetscCall(PetscStrncpy(st->path, path, sizeof st->path));
  PetscCall(PetscStrncpy(copy, path, sizeof copy));
  PetscCall(PetscStrncpy(st->dir, dirname(copy), sizeof st->dir));
  PetscCall(PetscStrncpy(copy, path, sizeof copy));
  PetscCall(PetscStrncpy(st->name, basename(copy), sizeof st->name));
  if ((dot = strrchr(st->name, '.')) && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"))) *dot = 0;
  PetscCall(PetscSNPrintf(st->table, sizeof st->table, "%s.csv", st->name));
  st->group_size = 1, st->seed = 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSStudyRead(MPI_Comm comm, const char path[], DSStudy *st)
{
  yaml_parser_t  parser;
  DSYDoc         y = {.path = path};
  FILE          *f;
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(st, sizeof *st));
  PetscCall(DSStudySetNames(path, st));
  f = fopen(path, "r");
  PetscCheck(yaml_parser_initialize(&parser), PETSC_COMM_SELF, PETSC_ERR_MEM, "libyaml: cannot initialise a parser");
  yaml_parser_set_input_file(&parser, f);
  if (!yaml_parser_load(&parser, &y.doc)) {
    char msg[512];
    (void)PetscSNPrintf(msg, sizeof msg, "study file '%s' is not valid YAML: line %zu, column %zu: %s", path, parser.problem_mark.line + 1, parser.problem_mark.column + 1, parser.problem ? parser.problem : "?");
    yaml_parser_delete(&parser);
    (void)fclose(f);
    ERRQ("%s", msg);
  }
  ierr = DSYRoot(&y, yaml_document_get_root_node(&y.doc), st);
  yaml_document_delete(&y.doc);
  yaml_parser_delete(&parser);
  (void)fclose(f);
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}
