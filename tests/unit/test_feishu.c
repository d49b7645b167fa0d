/**
 * collectd-workforce - tests/unit/test_feishu.c
 * SPDX-License-Identifier: MIT
 *
 * The Feishu client without the network (src/wf_feishu.c): user_tasks/query
 * and leave_employ_expire_records answers read from tests/data/ and fed to
 * the parsers, and the classification of answers into what the client
 * does next, one cmocka test per answer.
 **/
#include "unittest.h"
#include "unittest_fixture.h"
#include "unittest_json.h"
#include "unittest_metrics.h"

#include "unittest_decls.h"
#include "wf_agg.h"
#include "wf_common.h"
#include "wf_error.h"
#include "wf_feishu.h"
#include "wf_json.h"
#include "wf_metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef WF_TEST_DATA_DIR
#error "WF_TEST_DATA_DIR must name the directory of the JSON fixtures"
#endif

/* The local day of the userTasks fixtures, as Feishu writes it. */
#define TODAY 20240310L

/* The fixture with Feishu's check-in counters. */
static int setup(void **state) {
  return unittest_fixture_setup(state, WF_CHECKINS_FEISHU);
}

/* Parses f->answer as one user_tasks/query answer for TODAY. */
static int parse(unittest_fixture_t *f) {
  return fs_parse_user_tasks(f->answer, TODAY, &f->checkins, &f->rejects,
                             &f->err);
}

static int64_t checkins(const unittest_fixture_t *f, const char *result) {
  return wf_counts_get(&f->checkins.results, result);
}

/* Fails unless `list` holds exactly the `n` strings of `expected`, in
 * order. */
static void assert_ids(const wf_strlist_t *list, const char *const *expected,
                       size_t n) {
  assert_int_equal(list->count, n);
  for (size_t i = 0; i < n; i++)
    assert_string_equal(list->items[i], expected[i]);
}

/* ---------------------------------------------------------------------
 * user_tasks/query answers.
 * --------------------------------------------------------------------- */

static void test_user_tasks_both_results_counted(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "userTasks-today.json");
  assert_int_equal(parse(f), 0);
  assert_int_equal(f->err.kind, WF_ERR_NONE);
  /* Each record's check-in and check-out result, for e1, e2 and e5; the
   * check-out result e5's second record lacks is no check-in. */
  assert_int_equal(checkins(f, "normal"), 1);
  assert_int_equal(checkins(f, "early"), 1);
  assert_int_equal(checkins(f, "late"), 1);
  assert_int_equal(checkins(f, "todo"), 1);
  assert_int_equal(checkins(f, "lack"), 2);
  assert_int_equal(checkins(f, "noneedcheck"), 2);
  assert_int_equal(checkins(f, "systemcheck"), 1);
  assert_int_equal(wf_counts_total(&f->checkins.results), 9);
  /* e1's Early and Late, e2's two Lacks. */
  assert_int_equal(f->checkins.abnormal, 4);
  /* Employees are told apart by user_id, never by employee_name. */
  wf_strlist_sort_unique(&f->checkins.abnormal_users);
  static const char *const abnormal_users[] = {"e1", "e2"};
  assert_ids(&f->checkins.abnormal_users, abnormal_users,
             WF_ARRAY_SIZE(abnormal_users));

  assert_int_equal(wf_checkins_metrics(&f->checkins, &f->metrics), 0);
  assert_float_equal(unittest_gauge(&f->metrics, "abnormal_checkins", ""), 4.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "abnormal_employees", ""), 2.0,
                     0.0);
  assert_null(wf_metrics_find(&f->metrics, "checkin_locations", "normal"));
  /* Nothing of the answer but the results reaches a row. */
  for (size_t i = 0; i < f->metrics.count; i++) {
    const char *instance = f->metrics.rows[i].instance;
    if (strstr(instance, "测试") != NULL || strstr(instance, "杭州") != NULL ||
        strstr(instance, "device") != NULL || strstr(instance, "e1") != NULL)
      fail_msg("row %s/%s holds data of the answer", f->metrics.rows[i].type,
               instance);
  }
}

static void test_user_tasks_other_days_skipped(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "userTasks-today.json");
  /* Read for the day before: only e3's record of 2024-03-09. */
  assert_int_equal(fs_parse_user_tasks(f->answer, 20240309L, &f->checkins,
                                       &f->rejects, &f->err),
                   0);
  assert_int_equal(wf_counts_total(&f->checkins.results), 2);
  assert_int_equal(checkins(f, "late"), 2);
  assert_int_equal(f->checkins.abnormal, 2);
}

static void test_user_tasks_rejected_ids_collected(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "userTasks-today.json");
  assert_int_equal(parse(f), 0);
  static const char *const invalid[] = {"e404", "e405"};
  static const char *const unauthorized[] = {"e403"};
  assert_ids(&f->rejects.invalid, invalid, WF_ARRAY_SIZE(invalid));
  assert_ids(&f->rejects.unauthorized, unauthorized,
             WF_ARRAY_SIZE(unauthorized));
}

static void test_user_tasks_rejected_ids_skip_non_strings(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "userTasks-rejected.json");
  assert_int_equal(parse(f), 0);
  static const char *const invalid[] = {"e901", "e903"};
  static const char *const unauthorized[] = {"e904"};
  assert_ids(&f->rejects.invalid, invalid, WF_ARRAY_SIZE(invalid));
  assert_ids(&f->rejects.unauthorized, unauthorized,
             WF_ARRAY_SIZE(unauthorized));
  assert_int_equal(wf_counts_total(&f->checkins.results), 0);
}

static void test_user_tasks_pages_accumulate(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "userTasks-today.json");
  assert_int_equal(parse(f), 0);
  unittest_fixture_load(f, "userTasks-no-names.json");
  assert_int_equal(parse(f), 0);
  assert_int_equal(wf_counts_total(&f->checkins.results), 11);
  assert_int_equal(checkins(f, "late"), 2);
  assert_int_equal(checkins(f, "normal"), 2);
  assert_int_equal(f->checkins.abnormal, 5);
  /* The second batch named no rejected ids: the first batch's stay. */
  assert_int_equal(f->rejects.invalid.count, 2);
  assert_int_equal(f->rejects.unauthorized.count, 1);
}

static void test_user_tasks_employee_name_not_needed(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "userTasks-no-names.json");
  assert_int_equal(parse(f), 0);
  assert_int_equal(checkins(f, "late"), 1);
  assert_int_equal(checkins(f, "normal"), 1);
  assert_int_equal(f->checkins.abnormal, 1);
  assert_int_equal(f->rejects.invalid.count, 0);
  assert_int_equal(f->rejects.unauthorized.count, 0);
  /* The employee is known by user_id alone. */
  assert_int_equal(f->checkins.abnormal_users.count, 1);
  assert_string_equal(f->checkins.abnormal_users.items[0], "e7");
}

static void test_user_tasks_without_data(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "userTasks-no-data.json");
  assert_int_equal(parse(f), -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_string_equal(f->err.endpoint, "userTasks");
  assert_string_not_equal(f->err.detail, "");
  assert_int_equal(wf_counts_total(&f->checkins.results), 0);

  wf_error_clear(&f->err);
  assert_int_equal(
      fs_parse_user_tasks(NULL, TODAY, &f->checkins, &f->rejects, &f->err), -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
}

/* ---------------------------------------------------------------------
 * leave_employ_expire_records answers (leave_expiring).
 * --------------------------------------------------------------------- */

/* Parses tests/data/<name> into running totals of days and hours, in
 * millionths, that start at `days` and `hours`. */
static int parse_expiry(unittest_fixture_t *f, const char *name, int64_t *days,
                        int64_t *hours) {
  unittest_fixture_load(f, name);
  return fs_parse_expiry(f->answer, days, hours, &f->err);
}

static void test_expiry_days_and_hours_summed(void **state) {
  unittest_fixture_t *f = *state;
  int64_t days = 0;
  int64_t hours = 0;
  assert_int_equal(
      parse_expiry(f, "leaveExpiry-days-hours.json", &days, &hours), 0);
  assert_int_equal(f->err.kind, WF_ERR_NONE);
  /* 2.5 + 0.333333 days, 4 + 1.5 hours; items that are not objects are
   * skipped. */
  assert_int_equal(days, 2833333);
  assert_int_equal(hours, 5500000);
}

/* The totals run over every employment of a leave type. */
static void test_expiry_adds_to_running_totals(void **state) {
  unittest_fixture_t *f = *state;
  int64_t days = 1000000;
  int64_t hours = 250000;
  assert_int_equal(
      parse_expiry(f, "leaveExpiry-days-hours.json", &days, &hours), 0);
  assert_int_equal(
      parse_expiry(f, "leaveExpiry-days-hours.json", &days, &hours), 0);
  assert_int_equal(days, 1000000 + 2 * 2833333);
  assert_int_equal(hours, 250000 + 2 * 5500000);
}

static void test_expiry_empty_records(void **state) {
  unittest_fixture_t *f = *state;
  int64_t days = 0;
  int64_t hours = 0;
  assert_int_equal(parse_expiry(f, "leaveExpiry-empty.json", &days, &hours), 0);
  assert_int_equal(days, 0);
  assert_int_equal(hours, 0);
  assert_int_equal(f->err.kind, WF_ERR_NONE);

  /* data without records: nothing expires either. */
  unittest_fixture_answer(f, "{\"code\":0,\"data\":{}}");
  assert_int_equal(fs_parse_expiry(f->answer, &days, &hours, &f->err), 0);
  assert_int_equal(days, 0);
  assert_int_equal(hours, 0);
}

static void test_expiry_unknown_unit_refused(void **state) {
  unittest_fixture_t *f = *state;
  int64_t days = 0;
  int64_t hours = 0;
  assert_int_equal(parse_expiry(f, "leaveExpiry-bad-unit.json", &days, &hours),
                   -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_string_equal(f->err.endpoint, "leaveExpiry");
  assert_non_null(strstr(f->err.detail, "granting_unit 3"));

  /* A record without granting_unit is refused too. */
  unittest_fixture_answer(
      f, "{\"code\":0,\"data\":{\"records\":[{\"left_granting_quantity\":"
         "\"1\"}]}}");
  wf_error_clear(&f->err);
  assert_int_equal(fs_parse_expiry(f->answer, &days, &hours, &f->err), -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
}

static void test_expiry_non_decimal_quantity_refused(void **state) {
  unittest_fixture_t *f = *state;
  int64_t days = 0;
  int64_t hours = 0;
  assert_int_equal(
      parse_expiry(f, "leaveExpiry-bad-quantity.json", &days, &hours), -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_string_equal(f->err.endpoint, "leaveExpiry");
  assert_non_null(strstr(f->err.detail, "left_granting_quantity"));

  /* Missing, and with more than 6 decimals. */
  static const char *const texts[] = {
      "{\"data\":{\"records\":[{\"granting_unit\":1}]}}",
      "{\"data\":{\"records\":[{\"granting_unit\":1,"
      "\"left_granting_quantity\":\"0.1234567\"}]}}",
  };
  for (size_t i = 0; i < WF_ARRAY_SIZE(texts); i++) {
    unittest_fixture_answer(f, texts[i]);
    wf_error_clear(&f->err);
    assert_int_equal(fs_parse_expiry(f->answer, &days, &hours, &f->err), -1);
    assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  }
}

/* Ten grants of the largest quantity a decimal may have add up beyond 64
 * bits: the answer is refused rather than the sum wrapping round. */
static void test_expiry_sum_overflow_refused(void **state) {
  unittest_fixture_t *f = *state;
  char text[2048];
  size_t used = (size_t)snprintf(text, sizeof(text),
                                 "{\"code\":0,\"data\":{\"records\":[");
  for (int i = 0; i < 10; i++)
    used += (size_t)snprintf(text + used, sizeof(text) - used,
                             "%s{\"granting_unit\":1,"
                             "\"left_granting_quantity\":\"1000000000000\"}",
                             i ? "," : "");
  snprintf(text + used, sizeof(text) - used, "]}}");
  unittest_fixture_answer(f, text);

  int64_t days = 0;
  int64_t hours = 0;
  wf_error_clear(&f->err);
  assert_int_equal(fs_parse_expiry(f->answer, &days, &hours, &f->err), -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_non_null(strstr(f->err.detail, "adds up"));
  assert_true(days > 0);
  assert_int_equal(hours, 0);
}

static void test_expiry_without_data(void **state) {
  unittest_fixture_t *f = *state;
  int64_t days = 7;
  int64_t hours = 8;
  assert_int_equal(parse_expiry(f, "leaveExpiry-no-data.json", &days, &hours),
                   -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_string_equal(f->err.endpoint, "leaveExpiry");
  assert_string_not_equal(f->err.detail, "");
  assert_int_equal(days, 7);
  assert_int_equal(hours, 8);

  wf_error_clear(&f->err);
  assert_int_equal(fs_parse_expiry(NULL, &days, &hours, &f->err), -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
}

/* ---------------------------------------------------------------------
 * fs_classify: one test per answer.
 * --------------------------------------------------------------------- */

typedef struct {
  const char *name; /* the cmocka test name */
  long http_status;
  const char *body; /* NULL: the body was not JSON */
  wf_verdict_t verdict;
  wf_error_kind_t kind; /* WF_ERR_NONE unless the verdict is WF_VERDICT_FAIL */
  long long errcode;
} classify_case_t;

static const classify_case_t classify_cases[] = {
    {"classify code 0 HTTP 200 -> OK", 200,
     "{\"code\":0,\"msg\":\"success\",\"data\":{}}", WF_VERDICT_OK, WF_ERR_NONE,
     0},
    {"classify code 99991661 -> TOKEN", 400,
     "{\"code\":99991661,\"msg\":\"Missing access token for "
     "authorization.\"}",
     WF_VERDICT_TOKEN, WF_ERR_NONE, 99991661},
    {"classify code 99991663 -> TOKEN", 400,
     "{\"code\":99991663,\"msg\":\"Invalid access token for "
     "authorization.\"}",
     WF_VERDICT_TOKEN, WF_ERR_NONE, 99991663},
    {"classify code 99991664 -> TOKEN", 400,
     "{\"code\":99991664,\"msg\":\"invalid tenant access token\"}",
     WF_VERDICT_TOKEN, WF_ERR_NONE, 99991664},
    {"classify code 99991668 with HTTP 200 -> TOKEN", 200,
     "{\"code\":99991668,\"msg\":\"token invalid\"}", WF_VERDICT_TOKEN,
     WF_ERR_NONE, 99991668},
    {"classify code 99991671 -> TOKEN", 400,
     "{\"code\":99991671,\"msg\":\"token format error\"}", WF_VERDICT_TOKEN,
     WF_ERR_NONE, 99991671},
    {"classify HTTP 429 code 99991400 -> THROTTLE", 429,
     "{\"code\":99991400,\"msg\":\"request trigger frequency limit\"}",
     WF_VERDICT_THROTTLE, WF_ERR_NONE, 99991400},
    {"classify HTTP 429 not JSON -> THROTTLE", 429, NULL, WF_VERDICT_THROTTLE,
     WF_ERR_NONE, 0},
    {"classify HTTP 400 code 99991400 -> THROTTLE", 400,
     "{\"code\":99991400,\"msg\":\"request trigger frequency limit\"}",
     WF_VERDICT_THROTTLE, WF_ERR_NONE, 99991400},
    {"classify HTTP 500 -> RETRY", 500,
     "{\"code\":1,\"msg\":\"internal error\"}", WF_VERDICT_RETRY, WF_ERR_NONE,
     1},
    {"classify HTTP 503 not JSON -> RETRY", 503, NULL, WF_VERDICT_RETRY,
     WF_ERR_NONE, 0},
    {"classify code 0 with HTTP 502 -> RETRY", 502, "{\"code\":0}",
     WF_VERDICT_RETRY, WF_ERR_NONE, 0},
    {"classify code 1220001 -> FAIL platform", 200,
     "{\"code\":1220001,\"msg\":\"param is invalid\"}", WF_VERDICT_FAIL,
     WF_ERR_PLATFORM, 1220001},
    {"classify HTTP 400 code 10014 -> FAIL platform", 400,
     "{\"code\":10014,\"msg\":\"app secret invalid\"}", WF_VERDICT_FAIL,
     WF_ERR_PLATFORM, 10014},
    {"classify HTTP 200 not JSON -> FAIL bad answer", 200, NULL,
     WF_VERDICT_FAIL, WF_ERR_BAD_ANSWER, 0},
    {"classify HTTP 200 without code -> FAIL bad answer", 200,
     "{\"msg\":\"success\",\"data\":{}}", WF_VERDICT_FAIL, WF_ERR_BAD_ANSWER,
     0},
    {"classify HTTP 400 not JSON -> FAIL platform", 400, NULL, WF_VERDICT_FAIL,
     WF_ERR_PLATFORM, 0},
};

/* Runs one row of classify_cases (the test's initial state). */
static void test_classify_case(void **state) {
  const classify_case_t *row = *state;
  json_object *answer = NULL;
  if (row->body != NULL) {
    char error[128] = "";
    answer = wf_json_parse(row->body, strlen(row->body), error, sizeof(error));
    if (answer == NULL)
      fail_msg("test body does not parse: %s", error);
  }
  wf_error_t err;
  memset(&err, 0xA5, sizeof(err)); /* fs_classify must fill it all */
  wf_verdict_t verdict =
      fs_classify(WF_HOST_FEISHU, "userTasks", row->http_status, answer, &err);
  json_object_put(answer);

  assert_int_equal(verdict, row->verdict);
  assert_int_equal(err.kind, row->kind);
  assert_string_equal(err.endpoint, "userTasks");
  assert_int_equal(err.http_status, row->http_status);
  assert_int_equal(err.errcode, row->errcode);
  assert_string_equal(err.code, "");
  assert_int_equal(err.retry_after, -1);
  if (verdict == WF_VERDICT_FAIL)
    assert_string_not_equal(err.detail, "");
}

#define PARSER_TEST(f)                                                         \
  cmocka_unit_test_setup_teardown(f, setup, unittest_fixture_teardown)

int main(void) {
  static const struct CMUnitTest fixed[] = {
      PARSER_TEST(test_user_tasks_both_results_counted),
      PARSER_TEST(test_user_tasks_other_days_skipped),
      PARSER_TEST(test_user_tasks_rejected_ids_collected),
      PARSER_TEST(test_user_tasks_rejected_ids_skip_non_strings),
      PARSER_TEST(test_user_tasks_pages_accumulate),
      PARSER_TEST(test_user_tasks_employee_name_not_needed),
      PARSER_TEST(test_user_tasks_without_data),
      PARSER_TEST(test_expiry_days_and_hours_summed),
      PARSER_TEST(test_expiry_adds_to_running_totals),
      PARSER_TEST(test_expiry_empty_records),
      PARSER_TEST(test_expiry_unknown_unit_refused),
      PARSER_TEST(test_expiry_non_decimal_quantity_refused),
      PARSER_TEST(test_expiry_sum_overflow_refused),
      PARSER_TEST(test_expiry_without_data),
  };

  /* The fixed tests, then one test per classify_cases row, named after
   * it. */
  struct CMUnitTest tests[WF_ARRAY_SIZE(fixed) + WF_ARRAY_SIZE(classify_cases)];
  unittest_row_tests(tests, fixed, classify_cases, test_classify_case);
  return cmocka_run_group_tests_name("wf_feishu", tests, NULL, NULL);
}
