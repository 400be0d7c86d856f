#include <ctype.h>
#include <yaml.h>
#include "dsscenario.h"

static PetscBool DSIsKey(const char *a) { return (PetscBool)(a[0] == '-' && isalpha((unsigned char)a[1])); }

static PetscBool DSIsYAMLName(const char *a)
{
  const char *dot = strrchr(a, '.');
  return (PetscBool)(dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml")));
}

static void DSScenarioSetName(DSScenario *sc)
{
  const char *base = strrchr(sc->path, '/') ? strrchr(sc->path, '/') + 1 : sc->path;
  snprintf(sc->name, sizeof sc->name, "%s", base);
  char *dot = strrchr(sc->name, '.');
  if (dot && DSIsYAMLName(sc->name)) *dot = 0;
}

void DSScenarioTake(int *argc, char **argv, DSScenario *sc)
{
  int kept = 1;

  memset(sc, 0, sizeof *sc);
  snprintf(sc->name, sizeof sc->name, "discsim");
  for (int i = 1; i < *argc; i++) {
    const char *a          = argv[i];
    PetscBool   positional = (PetscBool)(a[0] != '-' && (i == 1 || !DSIsKey(argv[i - 1]) || (DSIsYAMLName(a) && strcmp(argv[i - 1], "-options_file"))));
    if (!positional) argv[kept++] = argv[i];
    else if (!sc->path) sc->path = a;
    else if (!sc->stray[0]) snprintf(sc->stray, sizeof sc->stray, "%s", a);
  }
  argv[kept] = NULL;
  *argc      = kept;
  if (sc->path) DSScenarioSetName(sc);
}

/* The shape discsim reads (and the only one PETSc 3.18's YAML loader handles without leaking on
 * its error paths, found by bench/fuzz.sh): one document, a mapping at the root, plain names as
 * keys, values that are scalars, lists of scalars or mappings of the same kind; no anchors,
 * aliases or tags. */
typedef struct {
  PetscInt  depth, ndocs;
  PetscBool is_map[DS_SCENARIO_MAX_DEPTH + 2], want_key[DS_SCENARIO_MAX_DEPTH + 2];
} DSYAMLShape;

/* letters, digits and _, starting with a letter: what PETSc accepts in an option name */
static PetscBool DSIsPlainName(const char *s)
{
  if (!isalpha((unsigned char)s[0])) return PETSC_FALSE;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_') return PETSC_FALSE;
  return PETSC_TRUE;
}

/* NULL when the event fits the shape, else what is wrong. */
static const char *DSYAMLShapeEvent(DSYAMLShape *sh, const yaml_event_t *e)
{
  const PetscInt d = sh->depth;
  const PetscBool in_map = (PetscBool)(d > 0 && sh->is_map[d]), key = (PetscBool)(in_map && sh->want_key[d]);

  const yaml_char_t *anchor = e->type == YAML_SCALAR_EVENT ? e->data.scalar.anchor : e->type == YAML_MAPPING_START_EVENT ? e->data.mapping_start.anchor : e->type == YAML_SEQUENCE_START_EVENT ? e->data.sequence_start.anchor : NULL;
  const yaml_char_t *tag    = e->type == YAML_SCALAR_EVENT ? e->data.scalar.tag : e->type == YAML_MAPPING_START_EVENT ? e->data.mapping_start.tag : e->type == YAML_SEQUENCE_START_EVENT ? e->data.sequence_start.tag : NULL;

  if (anchor) return "an anchor (&name): write the values out";
  if (tag) return "a tag (!name or !!type): give plain values";
  switch (e->type) {
  case YAML_DOCUMENT_START_EVENT: return ++sh->ndocs > 1 ? "more than one YAML document: give one" : NULL;
  case YAML_ALIAS_EVENT: return "an alias (*name): write the value out";
  case YAML_SCALAR_EVENT:
    if (d == 0) return "the scenario must be a mapping of keys, e.g. 'mesh: {nr: 40}'";
    if (key && !DSIsPlainName((const char *)e->data.scalar.value)) return "a key must be a plain name: letters, digits and _, starting with a letter";
    if (in_map) sh->want_key[d] = (PetscBool)!key;
    return NULL;
  case YAML_MAPPING_START_EVENT:
  case YAML_SEQUENCE_START_EVENT:
    if (d == 0 && e->type == YAML_SEQUENCE_START_EVENT) return "the scenario must be a mapping of keys, e.g. 'mesh: {nr: 40}', not a list";
    if (key) return "a key must be a plain name";
    if (d > 0 && !in_map) return "a list may hold values only, not lists or mappings";
    if (d + 1 > DS_SCENARIO_MAX_DEPTH) return "nested deeper than 8 levels: discsim's keys use two (e.g. mesh: {nr: 40})";
    sh->depth++;
    sh->is_map[sh->depth]   = (PetscBool)(e->type == YAML_MAPPING_START_EVENT);
    sh->want_key[sh->depth] = PETSC_TRUE;
    return NULL;
  case YAML_MAPPING_END_EVENT:
  case YAML_SEQUENCE_END_EVENT:
    sh->depth--;
    if (sh->depth > 0 && sh->is_map[sh->depth]) sh->want_key[sh->depth] = PETSC_TRUE; /* the value is complete */
    return NULL;
  default: return NULL;
  }
}

/* The first syntax error with its position, or the first event that does not fit the shape. */
static PetscErrorCode DSScenarioParse(yaml_parser_t *parser, const char path[])
{
  DSYAMLShape shape;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&shape, sizeof shape));
  for (PetscBool done = PETSC_FALSE; !done;) {
    yaml_event_t event;
    PetscCheck(yaml_parser_parse(parser, &event), PETSC_COMM_WORLD, PETSC_ERR_FILE_UNEXPECTED, "scenario file '%s' is not valid YAML: line %zu, column %zu: %s%s%s", path, parser->problem_mark.line + 1,
               parser->problem_mark.column + 1, parser->problem ? parser->problem : "syntax error", parser->context ? " " : "", parser->context ? parser->context : "");
    const char *wrong = DSYAMLShapeEvent(&shape, &event);
    size_t      line = event.start_mark.line + 1, column = event.start_mark.column + 1;
    done             = (PetscBool)(event.type == YAML_STREAM_END_EVENT);
    yaml_event_delete(&event);
    PetscCheck(!wrong, PETSC_COMM_WORLD, PETSC_ERR_FILE_UNEXPECTED, "scenario file '%s', line %zu, column %zu: %s", path, line, column, wrong);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSScenarioCheckYAML(const char path[])
{
  yaml_parser_t  parser;
  FILE          *f = fopen(path, "r");
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_WORLD, PETSC_ERR_FILE_OPEN, "cannot read the scenario file '%s'", path);
  PetscCheck(yaml_parser_initialize(&parser), PETSC_COMM_WORLD, PETSC_ERR_MEM, "cannot start the YAML parser");
  yaml_parser_set_input_file(&parser, f);
  ierr = DSScenarioParse(&parser, path);
  yaml_parser_delete(&parser); /* on every path */
  fclose(f);
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSScenarioLoad(const DSScenario *sc, int *argc, char ***argv)
{
  PetscFunctionBeginUser;
  PetscCheck(!sc->stray[0], PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "stray argument '%s': discsim takes one scenario file (SCENARIO.yaml, anywhere on the line) and -key value pairs", sc->stray);
  if (!sc->path) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DSScenarioCheckYAML(sc->path));
  PetscCall(PetscOptionsInsertFileYAML(PETSC_COMM_WORLD, NULL, sc->path, PETSC_TRUE));
  PetscCall(PetscOptionsInsert(NULL, argc, argv, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}
