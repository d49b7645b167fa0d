/**
 * collectd-workforce - tests/unit/unittest_fixture.h
 * SPDX-License-Identifier: MIT
 *
 * The fixture of the tests of the platform clients' parsers (test_dingtalk,
 * test_feishu): what a test may hold, released by the teardown whether the
 * test passed or not, and the answer it parses, loaded from tests/data/ or
 * given as text. Needs WF_TEST_DATA_DIR and json-c.
 **/
#ifndef UNITTEST_FIXTURE_H
#define UNITTEST_FIXTURE_H

#include "unittest.h"
#include "unittest_json.h"

#include "wf_agg.h"
#include "wf_error.h"
#include "wf_feishu.h"
#include "wf_json.h"
#include "wf_metrics.h"
#include "wf_strlist.h"

#include <string.h>

/* Everything a test may hold; the teardown releases it whether the test
 * passed or not. What one client's tests do not use stays empty. */
typedef struct {
  json_object *answer;
  wf_checkins_t checkins;
  wf_metrics_t metrics;
  wf_error_t err;
  /* DingTalk's pages. */
  wf_departures_t departures;
  int64_t signins;
  wf_strlist_t ids;
  wf_leave_t leave;
  wf_counts_t templates;
  char next[256];
  /* Feishu's user_tasks/query pages. */
  wf_feishu_rejects_t rejects;
} unittest_fixture_t;

/* Makes the test's fixture (its state): the error cleared, next
 * "untouched" and check-in counters for `platform`. */
static inline int unittest_fixture_setup(void **state,
                                         wf_checkins_platform_t platform) {
  unittest_fixture_t *f = calloc(1, sizeof(*f));
  if (f == NULL)
    return -1;
  *state = f;
  wf_error_clear(&f->err);
  snprintf(f->next, sizeof(f->next), "untouched");
  return wf_checkins_init(&f->checkins, platform);
}

static inline int unittest_fixture_teardown(void **state) {
  unittest_fixture_t *f = *state;
  json_object_put(f->answer);
  wf_checkins_free(&f->checkins);
  wf_metrics_free(&f->metrics);
  wf_departures_free(&f->departures);
  wf_strlist_free(&f->ids);
  wf_leave_free(&f->leave);
  wf_counts_free(&f->templates);
  wf_feishu_rejects_free(&f->rejects);
  free(f);
  return 0;
}

/* Parses tests/data/<name> into f->answer, replacing the previous one. */
static inline json_object *unittest_fixture_load(unittest_fixture_t *f,
                                                 const char *name) {
  return unittest_load_json(&f->answer, name);
}

/* Parses `text` into f->answer, replacing the previous one. Fails the
 * test when it is not valid JSON. */
static inline json_object *unittest_fixture_answer(unittest_fixture_t *f,
                                                   const char *text) {
  char error[128] = "";
  json_object_put(f->answer);
  f->answer = wf_json_parse(text, strlen(text), error, sizeof(error));
  if (f->answer == NULL)
    fail_msg("%s: %s", text, error);
  return f->answer;
}

#endif /* UNITTEST_FIXTURE_H */
