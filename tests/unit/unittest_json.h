/**
 * collectd-workforce - tests/unit/unittest_json.h
 * SPDX-License-Identifier: MIT
 *
 * Loading JSON fixtures from tests/data/, for the tests of the platform
 * clients. Needs WF_TEST_DATA_DIR and json-c.
 **/
#ifndef UNITTEST_JSON_H
#define UNITTEST_JSON_H

#include "unittest.h"
#include "wf_json.h"

/* Parses tests/data/<name> with wf_json_parse into *answer, releasing the
 * previous one. Fails the test when it is not valid JSON. */
static inline json_object *unittest_load_json(json_object **answer,
                                              const char *name) {
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", WF_TEST_DATA_DIR, name);
  size_t size = 0;
  char *text = unittest_read_file(path, &size);
  char error[128] = "";
  json_object_put(*answer);
  *answer = wf_json_parse(text, size, error, sizeof(error));
  free(text);
  if (*answer == NULL)
    fail_msg("%s: %s", name, error);
  return *answer;
}

#endif /* UNITTEST_JSON_H */
