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

/* The first syntax error with its position, or nesting deeper than DS_SCENARIO_MAX_DEPTH. */
static PetscErrorCode DSScenarioParse(yaml_parser_t *parser, const char path[])
{
  PetscInt depth = 0;

  PetscFunctionBeginUser;
  for (PetscBool done = PETSC_FALSE; !done;) {
    yaml_event_t event;
    PetscCheck(yaml_parser_parse(parser, &event), PETSC_COMM_WORLD, PETSC_ERR_FILE_UNEXPECTED, "scenario file '%s' is not valid YAML: line %zu, column %zu: %s%s%s", path, parser->problem_mark.line + 1,
               parser->problem_mark.column + 1, parser->problem ? parser->problem : "syntax error", parser->context ? " " : "", parser->context ? parser->context : "");
    if (event.type == YAML_MAPPING_START_EVENT || event.type == YAML_SEQUENCE_START_EVENT) depth++;
    if (event.type == YAML_MAPPING_END_EVENT || event.type == YAML_SEQUENCE_END_EVENT) depth--;
    done           = (PetscBool)(event.type == YAML_STREAM_END_EVENT);
    size_t line    = event.start_mark.line + 1;
    yaml_event_delete(&event);
    PetscCheck(depth <= DS_SCENARIO_MAX_DEPTH, PETSC_COMM_WORLD, PETSC_ERR_FILE_UNEXPECTED, "scenario file '%s', line %zu: nested deeper than %d levels: discsim's keys use two (e.g. mesh: {nr: 40})", path, line,
               DS_SCENARIO_MAX_DEPTH);
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
