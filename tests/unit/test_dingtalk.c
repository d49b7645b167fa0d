/**
 * collectd-workforce - tests/unit/test_dingtalk.c
 * SPDX-License-Identifier: MIT
 *
 * The DingTalk client without the network (src/wf_dingtalk.c): answers
 * read from tests/data/, parsed with the JSON helpers (src/wf_json.c),
 * then fed to the page parsers (empLeaveRecords, queryonjob, listRecord,
 * checkin/record/get, vacation/record/list, report/simplelist); and the
 * classification of answers into what the client does next, one cmocka
 * test per answer.
 **/
#include "unittest.h"
#include "unittest_fixture.h"
#include "unittest_json.h"
#include "unittest_metrics.h"

#include "unittest_decls.h"
#include "wf_agg.h"
#include "wf_common.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_metrics.h"
#include "wf_strlist.h"
#include "wf_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef WF_TEST_DATA_DIR
#error "WF_TEST_DATA_DIR must name the directory of the JSON fixtures"
#endif

#define PLUS_0800 (8 * 3600)
/* now: 2024-03-09T20:00:00Z, which is 2024-03-10T04:00:00+08:00. The
 * fixtures' leaveTime values are chosen around this day. */
#define NOW ((time_t)1710014400)
/* 2024-03-10T00:00:00+08:00 and 2024-03-11T00:00:00+08:00: today at
 * +08:00, the day of the listRecord and checkinRecord fixtures. */
#define TODAY_START ((time_t)1710000000)
#define TOMORROW_START ((time_t)1710086400)

/* The fixture with DingTalk's check-in counters, and departures at NOW
 * and +08:00. */
static int setup(void **state) {
  if (unittest_fixture_setup(state, WF_CHECKINS_DINGTALK) != 0)
    return -1;
  unittest_fixture_t *f = *state;
  return wf_departures_init(&f->departures, NOW, PLUS_0800);
}

/* Checks that tests/data/<name> is refused by wf_json_parse with an error
 * message that contains `expected`. */
static void expect_parse_error(const char *name, const char *expected) {
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", WF_TEST_DATA_DIR, name);
  size_t size = 0;
  char *text = unittest_read_file(path, &size);
  char error[128] = "";
  json_object *obj = wf_json_parse(text, size, error, sizeof(error));
  free(text);
  if (obj != NULL) {
    json_object_put(obj);
    fail_msg("%s parsed although it is not valid JSON", name);
  }
  assert_non_null(strstr(error, expected));
}

/* Parses a literal; NULL when refused, with the reason in `error`. */
static json_object *parse_text(const char *text, char *error, size_t size) {
  error[0] = '\0';
  return wf_json_parse(text, strlen(text), error, size);
}

static int64_t today(const unittest_fixture_t *f, const char *reason) {
  return wf_counts_get(&f->departures.today, reason);
}

static int64_t window(const unittest_fixture_t *f, const char *reason) {
  return wf_counts_get(&f->departures.window, reason);
}

/* ---------------------------------------------------------------------
 * JSON helpers.
 * --------------------------------------------------------------------- */

static void test_json_parse_accepts_a_page(void **state) {
  unittest_fixture_t *f = *state;
  json_object *answer = unittest_fixture_load(f, "queryonjob-page1.json");
  assert_true(json_object_is_type(answer, json_type_object));
  /* Trailing white space after the value is allowed. */
  char error[128];
  json_object *obj = parse_text("{\"a\": 1}\r\n\t ", error, sizeof(error));
  assert_non_null(obj);
  json_object_put(obj);
}

static void test_json_parse_rejects_truncated(void **state) {
  (void)state;
  expect_parse_error("empLeaveRecords-truncated.json", "not complete");
  char error[128];
  assert_null(
      parse_text("{\"errcode\": 0, \"result\": {", error, sizeof(error)));
  assert_string_equal(error, "answer is not complete JSON");
}

static void test_json_parse_rejects_trailing_garbage(void **state) {
  (void)state;
  static const char *const texts[] = {"{} x", "{}x", "{\"a\":1}{\"b\":2}",
                                      "[1,2] <html>", "{}\n\0"};
  for (size_t i = 0; i < WF_ARRAY_SIZE(texts); i++) {
    char error[128] = "";
    /* Include the NUL of the last text as a byte of the answer. */
    size_t size = strlen(texts[i]) + ((i == 4) ? 2 : 0);
    json_object *obj = wf_json_parse(texts[i], size, error, sizeof(error));
    if (obj != NULL) {
      json_object_put(obj);
      fail_msg("wf_json_parse accepted \"%s\"", texts[i]);
    }
    assert_string_equal(error, "answer has data after the JSON value");
  }
}

/* Builds `depth` nested arrays: "[[[...]]]". */
static char *nested_arrays(size_t depth) {
  char *text = malloc(2 * depth + 1);
  assert_non_null(text);
  memset(text, '[', depth);
  memset(text + depth, ']', depth);
  text[2 * depth] = '\0';
  return text;
}

static void test_json_parse_nesting_limit(void **state) {
  (void)state;
  char error[128];
  char *text = nested_arrays(32);
  json_object *obj = parse_text(text, error, sizeof(error));
  free(text);
  assert_non_null(obj);
  json_object_put(obj);

  text = nested_arrays(33);
  obj = parse_text(text, error, sizeof(error));
  free(text);
  if (obj != NULL) {
    json_object_put(obj);
    fail_msg("33 levels of nesting were accepted");
  }
  assert_non_null(strstr(error, "not JSON"));

  text = nested_arrays(1000);
  obj = parse_text(text, error, sizeof(error));
  free(text);
  if (obj != NULL) {
    json_object_put(obj);
    fail_msg("1000 levels of nesting were accepted");
  }
}

static void test_json_parse_rejects_empty(void **state) {
  (void)state;
  char error[128] = "";
  assert_null(wf_json_parse("", 0, error, sizeof(error)));
  assert_string_equal(error, "empty answer");
  error[0] = '\0';
  assert_null(wf_json_parse(NULL, 0, error, sizeof(error)));
  assert_string_equal(error, "empty answer");
  error[0] = '\0';
  assert_null(wf_json_parse("{}", 0, error, sizeof(error)));
  assert_string_equal(error, "empty answer");
  /* White space only is not a document either. */
  assert_null(parse_text("  \n", error, sizeof(error)));
  assert_string_not_equal(error, "");
}

static void test_json_int64(void **state) {
  (void)state;
  char error[128];
  json_object *obj = parse_text(
      "{\"s\": \"50\", \"n\": 50, \"neg\": \"-1\", \"bad\": \"5x\", "
      "\"empty\": \"\", \"bool\": true, \"float\": 50.5, \"null\": null, "
      "\"obj\": {}}",
      error, sizeof(error));
  assert_non_null(obj);

  int64_t v = 0;
  bool s_ok = wf_json_int64(obj, "s", &v);
  int64_t s = v;
  bool n_ok = wf_json_int64(obj, "n", &v);
  int64_t n = v;
  bool neg_ok = wf_json_int64(obj, "neg", &v);
  int64_t neg = v;
  v = 777;
  bool bad_ok =
      wf_json_int64(obj, "bad", &v) || wf_json_int64(obj, "empty", &v) ||
      wf_json_int64(obj, "bool", &v) || wf_json_int64(obj, "float", &v) ||
      wf_json_int64(obj, "null", &v) || wf_json_int64(obj, "obj", &v) ||
      wf_json_int64(obj, "absent", &v) || wf_json_int64(NULL, "n", &v);
  json_object_put(obj);

  assert_true(s_ok);
  assert_int_equal(s, 50);
  assert_true(n_ok);
  assert_int_equal(n, 50);
  assert_true(neg_ok);
  assert_int_equal(neg, -1);
  assert_false(bad_ok);
  /* A refused value leaves the output alone. */
  assert_int_equal(v, 777);
}

static void test_json_cursor(void **state) {
  (void)state;
  char error[128];
  json_object *obj =
      parse_text("{\"n\": 50, \"s\": \"eyJvZmZzZXQiOjN9\", \"z\": 0, "
                 "\"null\": null, \"b\": false}",
                 error, sizeof(error));
  assert_non_null(obj);
  char n[32] = "";
  char s[32] = "";
  char z[32] = "";
  char absent[32] = "untouched";
  bool n_ok = wf_json_cursor(obj, "n", n, sizeof(n));
  bool s_ok = wf_json_cursor(obj, "s", s, sizeof(s));
  bool z_ok = wf_json_cursor(obj, "z", z, sizeof(z));
  bool others = wf_json_cursor(obj, "null", absent, sizeof(absent)) ||
                wf_json_cursor(obj, "b", absent, sizeof(absent)) ||
                wf_json_cursor(obj, "absent", absent, sizeof(absent));
  json_object_put(obj);

  assert_true(n_ok);
  assert_string_equal(n, "50");
  assert_true(s_ok);
  assert_string_equal(s, "eyJvZmZzZXQiOjN9");
  assert_true(z_ok);
  assert_string_equal(z, "0");
  assert_false(others);
  assert_string_equal(absent, "untouched");
}

static void test_json_typed_getters_refuse_other_types(void **state) {
  (void)state;
  char error[128];
  json_object *obj =
      parse_text("{\"o\": {}, \"a\": [], \"s\": \"x\", \"t\": \"true\"}", error,
                 sizeof(error));
  assert_non_null(obj);
  bool object_ok = wf_json_object(obj, "o") != NULL &&
                   wf_json_object(obj, "a") == NULL &&
                   wf_json_object(obj, "s") == NULL;
  bool array_ok = wf_json_array(obj, "a") != NULL &&
                  wf_json_array(obj, "o") == NULL &&
                  wf_json_array(NULL, "a") == NULL;
  const char *s = wf_json_string(obj, "s");
  bool string_ok = s != NULL && strcmp(s, "x") == 0 &&
                   wf_json_string(obj, "o") == NULL &&
                   wf_json_string(wf_json_array(obj, "a"), "s") == NULL;
  bool b = false;
  bool bool_ok = wf_json_bool(obj, "t", &b) && b;
  json_object_put(obj);
  assert_true(object_ok);
  assert_true(array_ok);
  assert_true(string_ok);
  assert_true(bool_ok);
}

/* ---------------------------------------------------------------------
 * empLeaveRecords pages.
 * --------------------------------------------------------------------- */

static void test_leave_records_first_page(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "empLeaveRecords-page1.json");
  assert_int_equal(dt_parse_leave_records(f->answer, &f->departures, f->next,
                                          sizeof(f->next), &f->err),
                   0);
  assert_string_equal(f->next, "eyJvZmZzZXQiOjN9");
  assert_int_equal(today(f, "leave"), 1);
  assert_int_equal(window(f, "leave"), 1);
  /* 2024-03-09T16:00:00Z is local midnight: today. */
  assert_int_equal(today(f, "oapi"), 1);
  assert_int_equal(today(f, "delete"), 0);
  assert_int_equal(window(f, "delete"), 1);
  assert_int_equal(f->departures.skipped, 0);
  assert_int_equal(f->err.kind, WF_ERR_NONE);
}

static void test_leave_records_last_page(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "empLeaveRecords-last.json");
  assert_int_equal(dt_parse_leave_records(f->answer, &f->departures, f->next,
                                          sizeof(f->next), &f->err),
                   0);
  /* No nextToken: the list is complete. */
  assert_string_equal(f->next, "");
  /* The first second of the window counts, the second before does not. */
  assert_int_equal(window(f, "cancel"), 1);
  assert_int_equal(window(f, "leave"), 0);
  assert_int_equal(window(f, "transferred_out"), 1);
  assert_int_equal(today(f, "transferred_out"), 0);
  assert_int_equal(f->departures.skipped, 0);
}

static void test_leave_records_pages_accumulate(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "empLeaveRecords-page1.json");
  assert_int_equal(dt_parse_leave_records(f->answer, &f->departures, f->next,
                                          sizeof(f->next), &f->err),
                   0);
  unittest_fixture_load(f, "empLeaveRecords-last.json");
  assert_int_equal(dt_parse_leave_records(f->answer, &f->departures, f->next,
                                          sizeof(f->next), &f->err),
                   0);
  assert_string_equal(f->next, "");
  assert_int_equal(wf_counts_total(&f->departures.window), 5);
  assert_int_equal(wf_counts_total(&f->departures.today), 2);
}

static void test_leave_records_malformed_records_are_skipped(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "empLeaveRecords-malformed.json");
  assert_int_equal(dt_parse_leave_records(f->answer, &f->departures, f->next,
                                          sizeof(f->next), &f->err),
                   0);
  /* Missing, numeric, unreadable and null leaveTime, a string and a null
   * in place of a record. */
  assert_int_equal(f->departures.skipped, 6);
  /* A numeric or missing leaveReason reads "unknown". */
  assert_int_equal(today(f, "unknown"), 2);
  assert_int_equal(wf_counts_total(&f->departures.window), 2);
  /* A numeric nextToken is followed as text. */
  assert_string_equal(f->next, "100");
}

static void test_leave_records_without_records_list(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "empLeaveRecords-no-records.json");
  assert_int_equal(dt_parse_leave_records(f->answer, &f->departures, f->next,
                                          sizeof(f->next), &f->err),
                   -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_string_equal(f->err.endpoint, "empLeaveRecords");
  assert_int_equal(wf_counts_total(&f->departures.window), 0);

  /* records of the wrong type, and no answer at all. */
  unittest_fixture_answer(f, "{\"records\": {}}");
  wf_error_clear(&f->err);
  assert_int_equal(dt_parse_leave_records(f->answer, &f->departures, f->next,
                                          sizeof(f->next), &f->err),
                   -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  wf_error_clear(&f->err);
  assert_int_equal(dt_parse_leave_records(NULL, &f->departures, f->next,
                                          sizeof(f->next), &f->err),
                   -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
}

/* ---------------------------------------------------------------------
 * queryonjob / querypreentry pages.
 * --------------------------------------------------------------------- */

static void test_id_page_with_numeric_cursor(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "queryonjob-page1.json");
  assert_int_equal(dt_parse_id_page(f->answer, "queryonjob", &f->ids, f->next,
                                    sizeof(f->next), &f->err),
                   0);
  assert_string_equal(f->next, "50");
  assert_int_equal(f->ids.count, 3);
  assert_string_equal(f->ids.items[0], "user-0001");
  assert_string_equal(f->ids.items[1], "user-0002");
  assert_string_equal(f->ids.items[2], "user-0003");
}

static void test_id_page_with_string_cursor(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "queryonjob-page2.json");
  assert_int_equal(dt_parse_id_page(f->answer, "queryonjob", &f->ids, f->next,
                                    sizeof(f->next), &f->err),
                   0);
  assert_string_equal(f->next, "100");
  assert_int_equal(f->ids.count, 2);
  assert_string_equal(f->ids.items[0], "user-0004");
}

static void test_id_pages_append_until_last(void **state) {
  unittest_fixture_t *f = *state;
  static const char *const pages[] = {
      "queryonjob-page1.json", "queryonjob-page2.json", "queryonjob-last.json"};
  static const char *const cursors[] = {"50", "100", ""};
  for (size_t i = 0; i < WF_ARRAY_SIZE(pages); i++) {
    unittest_fixture_load(f, pages[i]);
    assert_int_equal(dt_parse_id_page(f->answer, "queryonjob", &f->ids, f->next,
                                      sizeof(f->next), &f->err),
                     0);
    assert_string_equal(f->next, cursors[i]);
  }
  /* Appended as they came; the caller removes the repeated user-0002. */
  assert_int_equal(f->ids.count, 6);
  assert_string_equal(f->ids.items[5], "user-0005");
  wf_strlist_sort_unique(&f->ids);
  assert_int_equal(f->ids.count, 5);
}

static void test_id_page_without_result(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "queryonjob-no-result.json");
  assert_int_equal(dt_parse_id_page(f->answer, "querypreentry", &f->ids,
                                    f->next, sizeof(f->next), &f->err),
                   -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_string_equal(f->err.endpoint, "querypreentry");
  assert_int_equal(f->ids.count, 0);
}

static void test_id_page_with_non_string_item(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "queryonjob-non-string-id.json");
  assert_int_equal(dt_parse_id_page(f->answer, "queryonjob", &f->ids, f->next,
                                    sizeof(f->next), &f->err),
                   -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_string_equal(f->err.endpoint, "queryonjob");
  assert_non_null(strstr(f->err.detail, "data_list"));
}

/* ---------------------------------------------------------------------
 * listRecord answers (attendance).
 * --------------------------------------------------------------------- */

static int64_t checkins(const unittest_fixture_t *f, const char *result) {
  return wf_counts_get(&f->checkins.results, result);
}

static int64_t locations(const unittest_fixture_t *f, const char *result) {
  return wf_counts_get(&f->checkins.locations, result);
}

/* Parses f->answer as one listRecord answer for today at +08:00. */
static int parse_records(unittest_fixture_t *f) {
  return dt_parse_records(f->answer, TODAY_START, TOMORROW_START, &f->checkins,
                          &f->err);
}

/* Text of the fixtures' personal fields (addresses, remarks, device and
 * network ids, visitors): none may reach a metric row. */
static const char *const personal_fragments[] = {
    "浙江",  "杭州",  "上海",   "客户", "先生",   "女士",  "1380", "1390",
    "a4:5e", "b8:27", "device", "acme", "static", "user-", "经理", "赵总"};

/* Fails when a row's type instance holds personal data from an answer. */
static void assert_no_personal_data(const wf_metrics_t *m) {
  for (size_t i = 0; i < m->count; i++)
    for (size_t j = 0; j < WF_ARRAY_SIZE(personal_fragments); j++)
      if (strstr(m->rows[i].instance, personal_fragments[j]) != NULL)
        fail_msg("row %s/%s holds \"%s\"", m->rows[i].type, m->rows[i].instance,
                 personal_fragments[j]);
}

static void test_records_of_today_are_counted(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "listRecord-today.json");
  assert_int_equal(parse_records(f), 0);
  assert_int_equal(f->err.kind, WF_ERR_NONE);
  /* Today's five, the one without workDate, and the one at the last
   * millisecond of today; yesterday's two and tomorrow's one are not. */
  assert_int_equal(wf_counts_total(&f->checkins.results), 6);
  assert_int_equal(checkins(f, "normal"), 2);
  assert_int_equal(checkins(f, "early"), 1);
  assert_int_equal(checkins(f, "late"), 1);
  assert_int_equal(checkins(f, "seriouslate"), 1);
  assert_int_equal(checkins(f, "absenteeism"), 0);
  assert_int_equal(checkins(f, "notsigned"), 1);
  assert_int_equal(wf_counts_total(&f->checkins.locations), 6);
  assert_int_equal(locations(f, "normal"), 4);
  assert_int_equal(locations(f, "outside"), 1);
  assert_int_equal(locations(f, "notsigned"), 1);
  assert_int_equal(f->checkins.abnormal, 4);
  /* Only the documented instances. */
  assert_int_equal(f->checkins.results.count, 6);
  assert_int_equal(f->checkins.locations.count, 3);

  assert_int_equal(wf_checkins_metrics(&f->checkins, &f->metrics), 0);
  /* user-0001 (Early), user-0002, user-0003 and user-0007. */
  assert_float_equal(unittest_gauge(&f->metrics, "abnormal_employees", ""), 4.0,
                     0.0);
  assert_no_personal_data(&f->metrics);
}

static void test_records_of_other_days_are_skipped(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "listRecord-today.json");
  /* The fixture read for the day before (2024-03-09 at +08:00): only its
   * two records of that day, and the one without workDate. */
  assert_int_equal(dt_parse_records(f->answer, TODAY_START - WF_SECONDS_PER_DAY,
                                    TODAY_START, &f->checkins, &f->err),
                   0);
  assert_int_equal(wf_counts_total(&f->checkins.results), 3);
  assert_int_equal(checkins(f, "late"), 1);
  assert_int_equal(checkins(f, "early"), 1);
  assert_int_equal(checkins(f, "normal"), 1);
  assert_int_equal(locations(f, "outside"), 1);
  assert_int_equal(f->checkins.abnormal, 2);
}

static void test_records_pages_accumulate(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "listRecord-today.json");
  assert_int_equal(parse_records(f), 0);
  unittest_fixture_load(f, "listRecord-empty.json");
  assert_int_equal(parse_records(f), 0);
  unittest_fixture_load(f, "listRecord-today.json");
  assert_int_equal(parse_records(f), 0);
  assert_int_equal(wf_counts_total(&f->checkins.results), 12);
  assert_int_equal(f->checkins.abnormal, 8);
}

static void test_records_empty_list(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "listRecord-empty.json");
  assert_int_equal(parse_records(f), 0);
  assert_int_equal(wf_counts_total(&f->checkins.results), 0);
  assert_int_equal(wf_counts_total(&f->checkins.locations), 0);
  assert_int_equal(f->checkins.abnormal, 0);
}

/* Items of recordresult that are not objects are not check-ins: they must
 * neither crash the parser nor be counted (as "unknown" and abnormal). */
static void test_records_non_object_items_are_ignored(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "listRecord-malformed.json");
  assert_int_equal(parse_records(f), 0);
  assert_int_equal(checkins(f, "normal"), 1);
  assert_int_equal(locations(f, "normal"), 1);
  assert_int_equal(checkins(f, "unknown"), 0);
  assert_int_equal(locations(f, "unknown"), 0);
  assert_int_equal(wf_counts_total(&f->checkins.results), 1);
  assert_int_equal(f->checkins.abnormal, 0);
}

static void test_records_without_recordresult(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "listRecord-no-recordresult.json");
  assert_int_equal(parse_records(f), -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_string_equal(f->err.endpoint, "listRecord");
  assert_string_not_equal(f->err.detail, "");
  assert_int_equal(wf_counts_total(&f->checkins.results), 0);

  /* recordresult of the wrong type, and no answer at all. */
  unittest_fixture_answer(f, "{\"errcode\":0,\"recordresult\":{}}");
  wf_error_clear(&f->err);
  assert_int_equal(parse_records(f), -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  wf_error_clear(&f->err);
  assert_int_equal(dt_parse_records(NULL, TODAY_START, TOMORROW_START,
                                    &f->checkins, &f->err),
                   -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
}

/* ---------------------------------------------------------------------
 * checkin/record/get answers (sign-ins).
 * --------------------------------------------------------------------- */

/* Parses f->answer as one sign-in page of today until NOW. */
static int parse_signins(unittest_fixture_t *f) {
  return dt_parse_signins(f->answer, TODAY_START, NOW, &f->signins, f->next,
                          sizeof(f->next), &f->err);
}

static void test_signins_first_page(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "checkinRecord-page1.json");
  assert_int_equal(parse_signins(f), 0);
  /* The first second of today, a sign-in at 02:00 and one at the very
   * second of "now"; not the millisecond before today, the second after
   * now, nor the sign-in without checkin_time. */
  assert_int_equal(f->signins, 3);
  assert_string_equal(f->next, "100");
  assert_int_equal(f->err.kind, WF_ERR_NONE);
}

static void test_signins_string_cursor(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "checkinRecord-page2.json");
  assert_int_equal(parse_signins(f), 0);
  /* Tomorrow's sign-in and the one with a null checkin_time are not. */
  assert_int_equal(f->signins, 1);
  assert_string_equal(f->next, "200");
}

static void test_signins_last_page_has_no_cursor(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "checkinRecord-last.json");
  assert_int_equal(parse_signins(f), 0);
  assert_int_equal(f->signins, 1);
  assert_string_equal(f->next, "");

  /* A null next_cursor means the same ("null: no more data"). */
  unittest_fixture_answer(
      f, "{\"errcode\":0,\"result\":{\"next_cursor\":null,\"page_list\":[]}}");
  snprintf(f->next, sizeof(f->next), "untouched");
  assert_int_equal(parse_signins(f), 0);
  assert_string_equal(f->next, "");
  assert_int_equal(f->signins, 1);
}

static void test_signins_pages_accumulate(void **state) {
  unittest_fixture_t *f = *state;
  static const char *const pages[] = {"checkinRecord-page1.json",
                                      "checkinRecord-page2.json",
                                      "checkinRecord-last.json"};
  static const char *const cursors[] = {"100", "200", ""};
  for (size_t i = 0; i < WF_ARRAY_SIZE(pages); i++) {
    unittest_fixture_load(f, pages[i]);
    assert_int_equal(parse_signins(f), 0);
    assert_string_equal(f->next, cursors[i]);
  }
  assert_int_equal(f->signins, 5);
}

static void test_signins_window_bounds(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "checkinRecord-page1.json");
  /* Until one second before now: the sign-in at now drops out. */
  assert_int_equal(dt_parse_signins(f->answer, TODAY_START, NOW - 1,
                                    &f->signins, f->next, sizeof(f->next),
                                    &f->err),
                   0);
  assert_int_equal(f->signins, 2);
  /* From the second before today: the millisecond before today counts. */
  f->signins = 0;
  assert_int_equal(dt_parse_signins(f->answer, TODAY_START - 1, NOW,
                                    &f->signins, f->next, sizeof(f->next),
                                    &f->err),
                   0);
  assert_int_equal(f->signins, 4);
}

static void test_signins_without_result(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "checkinRecord-no-result.json");
  f->signins = 7;
  assert_int_equal(parse_signins(f), -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_string_equal(f->err.endpoint, "checkinRecord");
  assert_string_not_equal(f->err.detail, "");
  assert_int_equal(f->signins, 7);

  wf_error_clear(&f->err);
  assert_int_equal(dt_parse_signins(NULL, TODAY_START, NOW, &f->signins,
                                    f->next, sizeof(f->next), &f->err),
                   -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
}

static void test_signins_result_without_page_list(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "checkinRecord-no-page-list.json");
  assert_int_equal(parse_signins(f), 0);
  assert_int_equal(f->signins, 0);
  assert_string_equal(f->next, "");
  assert_int_equal(f->err.kind, WF_ERR_NONE);
}

/* ---------------------------------------------------------------------
 * vacation/record/list pages (on_leave, leave_pending).
 * --------------------------------------------------------------------- */

/* Records on the page parse_leave_page read last. */
static size_t leave_page_records;

/* Parses f->answer as one vacation record page at NOW. `has_more` starts
 * as `before` so that a test sees whether the parser set it. */
static int parse_leave_page(unittest_fixture_t *f, bool before,
                            bool *has_more) {
  *has_more = before;
  leave_page_records = 12345;
  return dt_parse_leave_page(f->answer, NOW, &f->leave, &leave_page_records,
                             has_more, &f->err);
}

static void test_leave_page_with_more(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "vacationRecords-page1.json");
  bool has_more = false;
  assert_int_equal(parse_leave_page(f, false, &has_more), 0);
  assert_true(has_more);
  /* The offset of the next page moves by what the page held. */
  assert_int_equal(leave_page_records, 7);
  assert_int_equal(f->err.kind, WF_ERR_NONE);
  /* u1 is on leave by two approved records and counts once; the pending
   * request counts whatever its dates; refused, withdrawn, future leave
   * and a quota change do not. */
  assert_int_equal(wf_leave_on_leave(&f->leave), 1);
  assert_string_equal(f->leave.on_leave_users.items[0], "u1");
  assert_int_equal(f->leave.pending, 1);
}

static void test_leave_page_last(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "vacationRecords-last.json");
  bool has_more = true;
  assert_int_equal(parse_leave_page(f, true, &has_more), 0);
  assert_false(has_more);
  assert_int_equal(leave_page_records, 6);
  /* A leave starting or ending at this very millisecond contains now; a
   * pending quota update is no leave request. */
  assert_int_equal(wf_leave_on_leave(&f->leave), 2);
  assert_string_equal(f->leave.on_leave_users.items[0], "u7");
  assert_string_equal(f->leave.on_leave_users.items[1], "u8");
  assert_int_equal(f->leave.pending, 1);
}

static void test_leave_pages_accumulate(void **state) {
  unittest_fixture_t *f = *state;
  bool has_more = false;
  unittest_fixture_load(f, "vacationRecords-page1.json");
  assert_int_equal(parse_leave_page(f, false, &has_more), 0);
  assert_true(has_more);
  unittest_fixture_load(f, "vacationRecords-last.json");
  assert_int_equal(parse_leave_page(f, true, &has_more), 0);
  assert_false(has_more);
  assert_int_equal(wf_leave_on_leave(&f->leave), 3);
  assert_int_equal(f->leave.pending, 2);
}

/* Without has_more, the page is the last. */
static void test_leave_page_without_has_more(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "vacationRecords-no-has-more.json");
  bool has_more = true;
  assert_int_equal(parse_leave_page(f, true, &has_more), 0);
  assert_false(has_more);
  assert_int_equal(wf_leave_on_leave(&f->leave), 1);
  assert_int_equal(f->leave.pending, 0);
}

static void test_leave_page_malformed_records(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "vacationRecords-malformed.json");
  bool has_more = false;
  assert_int_equal(parse_leave_page(f, false, &has_more), 0);
  /* has_more as the string "true" is followed. */
  assert_true(has_more);
  /* Items that are not objects are ignored; times given as strings are
   * read; a leave without end_time, userid or status is nobody's, a
   * record without leave_record_type is no leave. */
  assert_int_equal(wf_leave_on_leave(&f->leave), 1);
  assert_string_equal(f->leave.on_leave_users.items[0], "u14");
  assert_int_equal(f->leave.pending, 1);
  assert_int_equal(f->err.kind, WF_ERR_NONE);
}

static void test_leave_page_without_records_list(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_answer(f, "{\"errcode\":0,\"result\":{\"has_more\":false}}");
  bool has_more = true;
  assert_int_equal(parse_leave_page(f, true, &has_more), 0);
  assert_false(has_more);
  assert_int_equal(wf_leave_on_leave(&f->leave), 0);
  assert_int_equal(f->leave.pending, 0);
}

static void test_leave_page_without_result(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "vacationRecords-no-result.json");
  bool has_more = false;
  assert_int_equal(parse_leave_page(f, false, &has_more), -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_string_equal(f->err.endpoint, "vacationRecords");
  assert_string_not_equal(f->err.detail, "");
  assert_int_equal(wf_leave_on_leave(&f->leave), 0);

  /* result of the wrong type, and no answer at all. */
  unittest_fixture_answer(f, "{\"errcode\":0,\"result\":[]}");
  wf_error_clear(&f->err);
  assert_int_equal(parse_leave_page(f, false, &has_more), -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  wf_error_clear(&f->err);
  assert_int_equal(dt_parse_leave_page(NULL, NOW, &f->leave,
                                       &leave_page_records, &has_more, &f->err),
                   -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
}

/* ---------------------------------------------------------------------
 * report/simplelist pages (reports_today).
 * --------------------------------------------------------------------- */

/* Parses f->answer as one report page into f->templates and f->next. */
static int parse_report_page(unittest_fixture_t *f) {
  return dt_parse_report_page(f->answer, &f->templates, f->next,
                              sizeof(f->next), &f->err);
}

static int64_t reports(const unittest_fixture_t *f, const char *template_name) {
  return wf_counts_get(&f->templates, template_name);
}

static void test_report_page_counts_templates(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "reportList-page1.json");
  assert_int_equal(parse_report_page(f), 0);
  assert_int_equal(f->err.kind, WF_ERR_NONE);
  /* Chinese names intact, ASCII lower-cased, '/' replaced; a missing or
   * empty name reads "unknown"; items that are not objects are not
   * reports. */
  assert_int_equal(reports(f, "日报"), 2);
  assert_int_equal(reports(f, "周报"), 1);
  assert_int_equal(reports(f, "weekly report"), 1);
  assert_int_equal(reports(f, "Weekly Report"), 0);
  assert_int_equal(reports(f, "sales_daily"), 1);
  assert_int_equal(reports(f, "unknown"), 2);
  assert_int_equal(f->templates.count, 5);
  assert_int_equal(wf_counts_total(&f->templates), 7);
  /* has_more: the numeric next_cursor is followed as text. */
  assert_string_equal(f->next, "10");
}

static void test_report_pages_accumulate(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "reportList-page1.json");
  assert_int_equal(parse_report_page(f), 0);
  unittest_fixture_load(f, "reportList-last.json");
  assert_int_equal(parse_report_page(f), 0);
  /* has_more false: no next page, although next_cursor is there. */
  assert_string_equal(f->next, "");
  assert_int_equal(reports(f, "日报"), 3);
  assert_int_equal(reports(f, "weekly report"), 2);
  assert_int_equal(wf_counts_total(&f->templates), 9);
}

static void test_report_page_cursor_only_while_has_more(void **state) {
  unittest_fixture_t *f = *state;
  static const struct {
    const char *body;
    const char *next;
  } cases[] = {
      {"{\"result\":{\"data_list\":[],\"has_more\":true,"
       "\"next_cursor\":\"c2\"}}",
       "c2"},
      {"{\"result\":{\"data_list\":[],\"has_more\":true}}", ""},
      {"{\"result\":{\"data_list\":[],\"next_cursor\":30}}", ""},
      {"{\"result\":{\"has_more\":false,\"next_cursor\":30}}", ""},
  };
  for (size_t i = 0; i < WF_ARRAY_SIZE(cases); i++) {
    unittest_fixture_answer(f, cases[i].body);
    snprintf(f->next, sizeof(f->next), "untouched");
    assert_int_equal(parse_report_page(f), 0);
    assert_string_equal(f->next, cases[i].next);
  }
  assert_int_equal(wf_counts_total(&f->templates), 0);
}

static void test_report_page_without_result(void **state) {
  unittest_fixture_t *f = *state;
  unittest_fixture_load(f, "reportList-no-result.json");
  assert_int_equal(parse_report_page(f), -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_string_equal(f->err.endpoint, "reportList");
  assert_string_not_equal(f->err.detail, "");
  assert_int_equal(f->templates.count, 0);
  wf_error_clear(&f->err);
  assert_int_equal(dt_parse_report_page(NULL, &f->templates, f->next,
                                        sizeof(f->next), &f->err),
                   -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
}

/* ---------------------------------------------------------------------
 * dt_classify: one test per answer.
 * --------------------------------------------------------------------- */

typedef struct {
  const char *name; /* the cmocka test name */
  wf_host_t host;
  long http_status;
  const char *body; /* NULL: the body was not JSON */
  wf_verdict_t verdict;
  wf_error_kind_t kind; /* WF_ERR_NONE unless the verdict is WF_VERDICT_FAIL */
  long long errcode;
  const char *code;
  long retry_after;
} classify_case_t;

static const classify_case_t classify_cases[] = {
    {"classify oapi errcode 0 HTTP 200 -> OK", WF_HOST_DINGTALK_OAPI, 200,
     "{\"errcode\":0,\"errmsg\":\"ok\",\"result\":{}}", WF_VERDICT_OK,
     WF_ERR_NONE, 0, "", -1},
    {"classify oapi errcode -1 (busy) -> RETRY", WF_HOST_DINGTALK_OAPI, 200,
     "{\"errcode\":-1,\"errmsg\":\"系统繁忙\"}", WF_VERDICT_RETRY, WF_ERR_NONE,
     -1, "", -1},
    {"classify oapi errcode 40001 -> TOKEN", WF_HOST_DINGTALK_OAPI, 200,
     "{\"errcode\":40001,\"errmsg\":\"invalid credential\"}", WF_VERDICT_TOKEN,
     WF_ERR_NONE, 40001, "", -1},
    {"classify oapi errcode 40014 -> TOKEN", WF_HOST_DINGTALK_OAPI, 200,
     "{\"errcode\":40014,\"errmsg\":\"不合法的access_token\"}",
     WF_VERDICT_TOKEN, WF_ERR_NONE, 40014, "", -1},
    {"classify oapi errcode 41001 -> TOKEN", WF_HOST_DINGTALK_OAPI, 200,
     "{\"errcode\":41001,\"errmsg\":\"缺少access_token参数\"}",
     WF_VERDICT_TOKEN, WF_ERR_NONE, 41001, "", -1},
    {"classify oapi errcode 42001 -> TOKEN", WF_HOST_DINGTALK_OAPI, 200,
     "{\"errcode\":42001,\"errmsg\":\"access_token超时\"}", WF_VERDICT_TOKEN,
     WF_ERR_NONE, 42001, "", -1},
    {"classify oapi errcode 88 -> TOKEN", WF_HOST_DINGTALK_OAPI, 200,
     "{\"errcode\":88,\"errmsg\":\"鉴权异常\"}", WF_VERDICT_TOKEN, WF_ERR_NONE,
     88, "", -1},
    {"classify oapi errcode as a string \"40001\" -> TOKEN",
     WF_HOST_DINGTALK_OAPI, 200,
     "{\"errcode\":\"40001\",\"errmsg\":\"invalid credential\"}",
     WF_VERDICT_TOKEN, WF_ERR_NONE, 40001, "", -1},
    {"classify oapi errcode 90018 -> THROTTLE", WF_HOST_DINGTALK_OAPI, 200,
     "{\"errcode\":90018,\"errmsg\":\"请求频率超限\"}", WF_VERDICT_THROTTLE,
     WF_ERR_NONE, 90018, "", -1},
    {"classify oapi errcode 90002 -> THROTTLE", WF_HOST_DINGTALK_OAPI, 200,
     "{\"errcode\":90002,\"errmsg\":\"请求频率超限\"}", WF_VERDICT_THROTTLE,
     WF_ERR_NONE, 90002, "", -1},
    {"classify oapi errcode 90020 -> FAIL quota", WF_HOST_DINGTALK_OAPI, 200,
     "{\"errcode\":90020,\"errmsg\":\"月调用量超限\"}", WF_VERDICT_FAIL,
     WF_ERR_QUOTA, 90020, "", -1},
    {"classify oapi errcode 60011 -> FAIL platform", WF_HOST_DINGTALK_OAPI, 200,
     "{\"errcode\":60011,\"errmsg\":\"管理员权限不足\"}", WF_VERDICT_FAIL,
     WF_ERR_PLATFORM, 60011, "", -1},
    {"classify oapi errcode 0 without HTTP 200 -> RETRY", WF_HOST_DINGTALK_OAPI,
     502, "{\"errcode\":0}", WF_VERDICT_RETRY, WF_ERR_NONE, 0, "", -1},
    {"classify oapi HTTP 200 without errcode -> FAIL bad answer",
     WF_HOST_DINGTALK_OAPI, 200, "{\"result\":{}}", WF_VERDICT_FAIL,
     WF_ERR_BAD_ANSWER, 0, "", -1},
    {"classify oapi HTTP 200 not JSON -> FAIL bad answer",
     WF_HOST_DINGTALK_OAPI, 200, NULL, WF_VERDICT_FAIL, WF_ERR_BAD_ANSWER, 0,
     "", -1},
    {"classify IP block status 1111 wait 5 -> FAIL throttled 300 s",
     WF_HOST_DINGTALK_OAPI, 200,
     "{\"status\":1111,\"wait\":5,\"message\":\"ip limited\"}", WF_VERDICT_FAIL,
     WF_ERR_THROTTLED, 0, "", 300},
    {"classify IP block on v1.0 wait 2 -> FAIL throttled 120 s",
     WF_HOST_DINGTALK_API, 403, "{\"status\":1111,\"wait\":2}", WF_VERDICT_FAIL,
     WF_ERR_THROTTLED, 0, "", 120},
    {"classify v1.0 HTTP 200 -> OK", WF_HOST_DINGTALK_API, 200,
     "{\"records\":[],\"nextToken\":\"\"}", WF_VERDICT_OK, WF_ERR_NONE, 0, "",
     -1},
    {"classify v1.0 HTTP 200 not JSON -> FAIL bad answer", WF_HOST_DINGTALK_API,
     200, NULL, WF_VERDICT_FAIL, WF_ERR_BAD_ANSWER, 0, "", -1},
    {"classify v1.0 400 InvalidAuthentication -> TOKEN", WF_HOST_DINGTALK_API,
     400,
     "{\"code\":\"InvalidAuthentication\",\"message\":\"不合法的access_token\","
     "\"requestid\":\"r1\"}",
     WF_VERDICT_TOKEN, WF_ERR_NONE, 0, "InvalidAuthentication", -1},
    {"classify v1.0 401 -> TOKEN", WF_HOST_DINGTALK_API, 401, NULL,
     WF_VERDICT_TOKEN, WF_ERR_NONE, 0, "", -1},
    {"classify v1.0 403 QpsLimitForAppkeyAndApi -> THROTTLE",
     WF_HOST_DINGTALK_API, 403,
     "{\"code\":\"Forbidden.AccessDenied.QpsLimitForAppkeyAndApi\","
     "\"message\":\"app qps limit\"}",
     WF_VERDICT_THROTTLE, WF_ERR_NONE, 0,
     "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", -1},
    {"classify v1.0 403 ApiCountLimitForOrg -> FAIL quota",
     WF_HOST_DINGTALK_API, 403,
     "{\"code\":\"Forbidden.AccessDenied.ApiCountLimitForOrg\","
     "\"message\":\"org api count limit\"}",
     WF_VERDICT_FAIL, WF_ERR_QUOTA, 0,
     "Forbidden.AccessDenied.ApiCountLimitForOrg", -1},
    {"classify v1.0 429 -> THROTTLE", WF_HOST_DINGTALK_API, 429,
     "{\"code\":\"Throttling\",\"message\":\"too many requests\"}",
     WF_VERDICT_THROTTLE, WF_ERR_NONE, 0, "Throttling", -1},
    {"classify v1.0 500 -> RETRY", WF_HOST_DINGTALK_API, 500,
     "{\"code\":\"InternalError\",\"message\":\"internal error\"}",
     WF_VERDICT_RETRY, WF_ERR_NONE, 0, "InternalError", -1},
    {"classify v1.0 503 not JSON -> RETRY", WF_HOST_DINGTALK_API, 503, NULL,
     WF_VERDICT_RETRY, WF_ERR_NONE, 0, "", -1},
    {"classify v1.0 400 invalidParameter -> FAIL platform",
     WF_HOST_DINGTALK_API, 400,
     "{\"code\":\"invalidParameter.param.invalid\",\"message\":\"bad "
     "param\"}",
     WF_VERDICT_FAIL, WF_ERR_PLATFORM, 0, "invalidParameter.param.invalid", -1},
};

/* Runs one row of classify_cases (the test's initial state). */
static void test_classify_case(void **state) {
  const classify_case_t *row = *state;
  json_object *answer = NULL;
  if (row->body != NULL) {
    char error[128];
    answer = parse_text(row->body, error, sizeof(error));
    if (answer == NULL)
      fail_msg("test body does not parse: %s", error);
  }
  wf_error_t err;
  memset(&err, 0xA5, sizeof(err)); /* dt_classify must fill it all */
  wf_verdict_t verdict =
      dt_classify(row->host, "queryonjob", row->http_status, answer, &err);
  json_object_put(answer);

  assert_int_equal(verdict, row->verdict);
  assert_int_equal(err.kind, row->kind);
  assert_string_equal(err.endpoint, "queryonjob");
  assert_int_equal(err.http_status, row->http_status);
  assert_int_equal(err.errcode, row->errcode);
  assert_string_equal(err.code, row->code);
  assert_int_equal(err.retry_after, row->retry_after);
  if (verdict == WF_VERDICT_FAIL)
    assert_string_not_equal(err.detail, "");
}

/* ---------------------------------------------------------------------
 * report/getunreadcount, blackboard/listids and blackboard/get answers.
 * --------------------------------------------------------------------- */

static void test_unread_count(void **state) {
  unittest_fixture_t *f = *state;
  int64_t count = -1;
  unittest_fixture_answer(f,
                          "{\"errcode\":0,\"count\":28,\"request_id\":\"x\"}");
  assert_int_equal(dt_parse_unread_count(f->answer, &count, &f->err), 0);
  assert_int_equal(count, 28);

  /* Missing, not a number, negative. */
  static const char *const refused[] = {
      "{\"errcode\":0}",
      "{\"errcode\":0,\"count\":\"many\"}",
      "{\"errcode\":0,\"count\":-3}",
  };
  for (size_t i = 0; i < WF_ARRAY_SIZE(refused); i++) {
    unittest_fixture_answer(f, refused[i]);
    wf_error_clear(&f->err);
    assert_int_equal(dt_parse_unread_count(f->answer, &count, &f->err), -1);
    assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
    assert_string_equal(f->err.endpoint, "reportUnread");
  }
}

static void test_announcement_ids_accumulate(void **state) {
  unittest_fixture_t *f = *state;
  size_t count = 0;
  bool repeated = true;
  unittest_fixture_answer(
      f, "{\"errcode\":0,\"result\":[\"b1\",\"b2\",7,\"b3\"]}");
  assert_int_equal(
      dt_parse_announcement_ids(f->answer, &f->ids, &count, &repeated, &f->err),
      0);
  /* The page has four items; the number is not an id. */
  assert_int_equal(count, 4);
  assert_false(repeated);
  assert_int_equal(f->ids.count, 3);

  unittest_fixture_answer(f, "{\"errcode\":0,\"result\":[\"b4\"]}");
  assert_int_equal(
      dt_parse_announcement_ids(f->answer, &f->ids, &count, &repeated, &f->err),
      0);
  assert_int_equal(count, 1);
  assert_false(repeated);
  assert_int_equal(f->ids.count, 4);
  assert_string_equal(f->ids.items[3], "b4");
}

/* A page that repeats an id of an earlier page is how page-number paging
 * loops; the caller stops on it. */
static void test_announcement_ids_repeated(void **state) {
  unittest_fixture_t *f = *state;
  size_t count = 0;
  bool repeated = false;
  unittest_fixture_answer(f, "{\"errcode\":0,\"result\":[\"b1\",\"b2\"]}");
  assert_int_equal(
      dt_parse_announcement_ids(f->answer, &f->ids, &count, &repeated, &f->err),
      0);
  assert_false(repeated);
  assert_int_equal(
      dt_parse_announcement_ids(f->answer, &f->ids, &count, &repeated, &f->err),
      0);
  assert_true(repeated);
}

static void test_announcement_ids_without_result(void **state) {
  unittest_fixture_t *f = *state;
  size_t count = 9;
  bool repeated = false;
  unittest_fixture_answer(f, "{\"errcode\":0,\"result\":{\"ids\":[]}}");
  assert_int_equal(
      dt_parse_announcement_ids(f->answer, &f->ids, &count, &repeated, &f->err),
      -1);
  assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
  assert_string_equal(f->err.endpoint, "blackboardList");
  assert_int_equal(f->ids.count, 0);
}

static void test_announcement_unread_sum(void **state) {
  unittest_fixture_t *f = *state;
  int64_t unread = 0;
  unittest_fixture_answer(f, "{\"errcode\":0,\"result\":{\"title\":\"t\","
                             "\"unread_count\":12,\"read_count\":3}}");
  assert_int_equal(dt_parse_announcement(f->answer, &unread, &f->err), 0);
  assert_int_equal(dt_parse_announcement(f->answer, &unread, &f->err), 0);
  assert_int_equal(unread, 24);
}

/* Missing, negative, and a count whose sum would overflow: refused, the
 * sum so far kept. */
static void test_announcement_unread_refused(void **state) {
  unittest_fixture_t *f = *state;
  static const char *const refused[] = {
      "{\"errcode\":0,\"result\":{\"read_count\":3}}",
      "{\"errcode\":0,\"unread_count\":3}",
      "{\"errcode\":0,\"result\":{\"unread_count\":-1}}",
      "{\"errcode\":0,\"result\":{\"unread_count\":9223372036854775807}}",
  };
  for (size_t i = 0; i < WF_ARRAY_SIZE(refused); i++) {
    int64_t unread = 5;
    unittest_fixture_answer(f, refused[i]);
    wf_error_clear(&f->err);
    assert_int_equal(dt_parse_announcement(f->answer, &unread, &f->err), -1);
    assert_int_equal(f->err.kind, WF_ERR_BAD_ANSWER);
    assert_string_equal(f->err.endpoint, "blackboardGet");
    assert_int_equal(unread, 5);
  }
}

#define PARSER_TEST(f)                                                         \
  cmocka_unit_test_setup_teardown(f, setup, unittest_fixture_teardown)

int main(void) {
  static const struct CMUnitTest fixed[] = {
      PARSER_TEST(test_json_parse_accepts_a_page),
      cmocka_unit_test(test_json_parse_rejects_truncated),
      cmocka_unit_test(test_json_parse_rejects_trailing_garbage),
      cmocka_unit_test(test_json_parse_nesting_limit),
      cmocka_unit_test(test_json_parse_rejects_empty),
      cmocka_unit_test(test_json_int64),
      cmocka_unit_test(test_json_cursor),
      cmocka_unit_test(test_json_typed_getters_refuse_other_types),
      PARSER_TEST(test_leave_records_first_page),
      PARSER_TEST(test_leave_records_last_page),
      PARSER_TEST(test_leave_records_pages_accumulate),
      PARSER_TEST(test_leave_records_malformed_records_are_skipped),
      PARSER_TEST(test_leave_records_without_records_list),
      PARSER_TEST(test_id_page_with_numeric_cursor),
      PARSER_TEST(test_id_page_with_string_cursor),
      PARSER_TEST(test_id_pages_append_until_last),
      PARSER_TEST(test_id_page_without_result),
      PARSER_TEST(test_id_page_with_non_string_item),
      PARSER_TEST(test_records_of_today_are_counted),
      PARSER_TEST(test_records_of_other_days_are_skipped),
      PARSER_TEST(test_records_pages_accumulate),
      PARSER_TEST(test_records_empty_list),
      PARSER_TEST(test_records_non_object_items_are_ignored),
      PARSER_TEST(test_records_without_recordresult),
      PARSER_TEST(test_signins_first_page),
      PARSER_TEST(test_signins_string_cursor),
      PARSER_TEST(test_signins_last_page_has_no_cursor),
      PARSER_TEST(test_signins_pages_accumulate),
      PARSER_TEST(test_signins_window_bounds),
      PARSER_TEST(test_signins_without_result),
      PARSER_TEST(test_signins_result_without_page_list),
      PARSER_TEST(test_leave_page_with_more),
      PARSER_TEST(test_leave_page_last),
      PARSER_TEST(test_leave_pages_accumulate),
      PARSER_TEST(test_leave_page_without_has_more),
      PARSER_TEST(test_leave_page_malformed_records),
      PARSER_TEST(test_leave_page_without_records_list),
      PARSER_TEST(test_leave_page_without_result),
      PARSER_TEST(test_report_page_counts_templates),
      PARSER_TEST(test_report_pages_accumulate),
      PARSER_TEST(test_report_page_cursor_only_while_has_more),
      PARSER_TEST(test_report_page_without_result),
      PARSER_TEST(test_unread_count),
      PARSER_TEST(test_announcement_ids_accumulate),
      PARSER_TEST(test_announcement_ids_repeated),
      PARSER_TEST(test_announcement_ids_without_result),
      PARSER_TEST(test_announcement_unread_sum),
      PARSER_TEST(test_announcement_unread_refused),
  };

  /* The fixed tests, then one test per classify_cases row, named after
   * it. */
  struct CMUnitTest tests[WF_ARRAY_SIZE(fixed) + WF_ARRAY_SIZE(classify_cases)];
  unittest_row_tests(tests, fixed, classify_cases, test_classify_case);
  return cmocka_run_group_tests_name("wf_dingtalk", tests, NULL, NULL);
}
