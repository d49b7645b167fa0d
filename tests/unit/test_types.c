/**
 * collectd-workforce - tests/unit/test_types.c
 * SPDX-License-Identifier: MIT
 *
 * The plugin's one list of its types (wf_metric_types, src/wf_metrics.c)
 * and the types file collectd loads (src/workforce.types.db) name the same
 * types with the same kinds: a type added to one and not the other fails
 * here, not in collectd's log.
 **/
#include "unittest.h"

#include "wf_metrics.h"

#include <stdio.h>
#include <string.h>

#ifndef WF_TYPES_DB
#error "WF_TYPES_DB names src/workforce.types.db"
#endif

/* A line of the types file: its type and its data source kind. */
typedef struct {
  char name[64];
  char kind[16];
} db_type_t;

/* Reads the types file's types into `types`; returns how many. */
static size_t read_types_db(db_type_t *types, size_t max) {
  FILE *f = fopen(WF_TYPES_DB, "r");
  assert_non_null(f);
  char line[256];
  size_t n = 0;
  while (fgets(line, sizeof(line), f) != NULL) {
    if (line[0] == '#' || line[0] == '\n')
      continue;
    assert_true(n < max);
    char source[128];
    assert_int_equal(sscanf(line, "%63s %127s", types[n].name, source), 2);
    /* "value:GAUGE:0:U" */
    const char *kind = strchr(source, ':');
    assert_non_null(kind);
    snprintf(types[n].kind, sizeof(types[n].kind), "%.*s",
             (int)strcspn(kind + 1, ":"), kind + 1);
    n++;
  }
  fclose(f);
  return n;
}

static void test_types_db_names_every_type_of_the_plugin(void **state) {
  (void)state;
  db_type_t db[64];
  size_t in_db = read_types_db(db, 64);
  size_t count = 0;
  const wf_metric_type_t *types = wf_metric_types(&count);

  assert_int_equal(in_db, count);
  for (size_t i = 0; i < in_db; i++) {
    const wf_metric_type_t *t = wf_metric_type(db[i].name);
    if (t == NULL)
      fail_msg("%s is in workforce.types.db but not in wf_metric_types",
               db[i].name);
    assert_string_equal(db[i].kind,
                        (t->kind == WF_DERIVE) ? "DERIVE" : "GAUGE");
  }
  for (size_t i = 0; i < count; i++) {
    bool found = false;
    for (size_t j = 0; j < in_db && !found; j++)
      found = strcmp(db[j].name, types[i].name) == 0;
    if (!found)
      fail_msg("%s is in wf_metric_types but not in workforce.types.db",
               types[i].name);
    /* A gauge of an account can take a threshold: it has its words. */
    if (types[i].kind == WF_GAUGE && types[i].of_account)
      assert_non_null(types[i].phrase);
  }
}

static void test_unknown_type(void **state) {
  (void)state;
  assert_null(wf_metric_type("cpu"));
  assert_null(wf_metric_type(""));
  const wf_metric_type_t *robot = wf_metric_type("robot_messages");
  assert_non_null(robot);
  assert_false(robot->of_account);
  assert_int_equal(robot->kind, WF_DERIVE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_types_db_names_every_type_of_the_plugin),
      cmocka_unit_test(test_unknown_type),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
