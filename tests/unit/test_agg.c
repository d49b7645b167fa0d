/**
 * collectd-workforce - tests/unit/test_agg.c
 * SPDX-License-Identifier: MIT
 *
 * Aggregation from records to metric rows (src/wf_agg.c): departures by
 * reason today and over 30 days, at a fixed "now" and UTC offset, the
 * headcount rows, today's check-ins by result on DingTalk and Feishu,
 * employees on leave and pending leave requests, and decimal quantities
 * read as millionths.
 **/
#include "unittest.h"
#include "unittest_metrics.h"

#include "wf_agg.h"
#include "wf_common.h"
#include "wf_metrics.h"

#include <stdlib.h>
#include <string.h>

#define PLUS_0800 (8 * 3600)

/* now: 2024-03-09T20:00:00Z, which is 2024-03-10T04:00:00+08:00. The UTC
 * date (9 March) differs from the local one (10 March) on purpose. */
#define NOW ((time_t)1710014400)
/* 2024-03-10T00:00:00+08:00 */
#define TODAY_START ((time_t)1710000000)
/* 2024-03-11T00:00:00+08:00 */
#define TOMORROW_START ((time_t)1710086400)
/* 2024-02-10T00:00:00+08:00: 29 days before today, across 29 February. */
#define WINDOW_START ((time_t)1707494400)

static const char *const documented_reasons[] = {"leave", "delete", "oapi",
                                                 "cancel", "unknown"};

typedef struct {
  wf_departures_t departures;
  wf_checkins_t checkins;
  wf_metrics_t metrics;
  wf_leave_t leave;
} fixture_t;

/* Prepares departures at NOW and +08:00. */
static int setup(void **state) {
  fixture_t *f = calloc(1, sizeof(*f));
  if (f == NULL)
    return -1;
  *state = f;
  return wf_departures_init(&f->departures, NOW, PLUS_0800);
}

/* Prepares DingTalk check-in counters (and departures, unused). */
static int setup_dingtalk(void **state) {
  if (setup(state) != 0)
    return -1;
  fixture_t *f = *state;
  return wf_checkins_init(&f->checkins, WF_CHECKINS_DINGTALK);
}

/* Prepares Feishu check-in counters (and departures, unused). */
static int setup_feishu(void **state) {
  if (setup(state) != 0)
    return -1;
  fixture_t *f = *state;
  return wf_checkins_init(&f->checkins, WF_CHECKINS_FEISHU);
}

static int teardown(void **state) {
  fixture_t *f = *state;
  wf_departures_free(&f->departures);
  wf_checkins_free(&f->checkins);
  wf_metrics_free(&f->metrics);
  wf_leave_free(&f->leave);
  free(f);
  return 0;
}

/* Counts one record, which must not fail. */
static void add(fixture_t *f, const char *leave_time, const char *reason) {
  assert_int_equal(wf_departures_add(&f->departures, leave_time, reason), 0);
}

static int64_t today(const fixture_t *f, const char *reason) {
  return wf_counts_get(&f->departures.today, reason);
}

static int64_t window(const fixture_t *f, const char *reason) {
  return wf_counts_get(&f->departures.window, reason);
}

static void test_init_bounds_and_declared_reasons(void **state) {
  fixture_t *f = *state;
  const wf_departures_t *d = &f->departures;
  assert_time_equal(d->day_start, TODAY_START);
  assert_time_equal(d->day_end, TOMORROW_START);
  assert_time_equal(d->window_start, WINDOW_START);
  assert_time_equal(wf_departures_window_start(d), WINDOW_START);
  assert_int_equal(d->skipped, 0);
  assert_int_equal(d->today.count, 5);
  assert_int_equal(d->window.count, 5);
  for (size_t i = 0; i < 5; i++) {
    assert_string_equal(d->today.items[i].name, documented_reasons[i]);
    assert_string_equal(d->window.items[i].name, documented_reasons[i]);
    assert_int_equal(d->today.items[i].count, 0);
    assert_int_equal(d->window.items[i].count, 0);
  }
}

static void test_local_midnight_today_counts_today(void **state) {
  fixture_t *f = *state;
  add(f, "2024-03-10T00:00:00+08:00", "leave");
  /* The same instant written in UTC. */
  add(f, "2024-03-09T16:00:00Z", "leave");
  assert_int_equal(today(f, "leave"), 2);
  assert_int_equal(window(f, "leave"), 2);
}

static void test_second_before_midnight_counts_only_in_30d(void **state) {
  fixture_t *f = *state;
  add(f, "2024-03-09T23:59:59+08:00", "leave");
  assert_int_equal(today(f, "leave"), 0);
  assert_int_equal(window(f, "leave"), 1);
  /* 2024-03-09T15:59:59Z is the same instant; its UTC date is today's. */
  add(f, "2024-03-09T15:59:59Z", "leave");
  assert_int_equal(today(f, "leave"), 0);
  assert_int_equal(window(f, "leave"), 2);
}

static void test_first_second_of_window_counts(void **state) {
  fixture_t *f = *state;
  add(f, "2024-02-10T00:00:00+08:00", "delete");
  assert_int_equal(window(f, "delete"), 1);
  assert_int_equal(today(f, "delete"), 0);
  /* One second earlier is outside: ignored, and not counted as skipped. */
  add(f, "2024-02-09T23:59:59+08:00", "delete");
  add(f, "2024-02-09T15:59:59Z", "delete");
  assert_int_equal(window(f, "delete"), 1);
  assert_int_equal(f->departures.skipped, 0);
}

static void test_tomorrow_excluded(void **state) {
  fixture_t *f = *state;
  /* The last second of today counts, even if it is still ahead of now. */
  add(f, "2024-03-10T23:59:59+08:00", "cancel");
  add(f, "2024-03-11T00:00:00+08:00", "cancel");
  add(f, "2024-03-11T08:00:00+08:00", "cancel");
  assert_int_equal(today(f, "cancel"), 1);
  assert_int_equal(window(f, "cancel"), 1);
  assert_int_equal(f->departures.skipped, 0);
}

static void test_each_documented_reason(void **state) {
  fixture_t *f = *state;
  for (size_t i = 0; i < 5; i++) {
    /* i + 1 records today and one more last week. */
    for (size_t n = 0; n <= i; n++)
      add(f, "2024-03-10T09:30:00+08:00", documented_reasons[i]);
    add(f, "2024-03-03T09:30:00+08:00", documented_reasons[i]);
  }
  for (size_t i = 0; i < 5; i++) {
    assert_int_equal(today(f, documented_reasons[i]), (int64_t)i + 1);
    assert_int_equal(window(f, documented_reasons[i]), (int64_t)i + 2);
  }
  /* No reason was added besides the documented ones. */
  assert_int_equal(f->departures.today.count, 5);
  assert_int_equal(f->departures.window.count, 5);
}

static void test_reason_case_is_folded(void **state) {
  fixture_t *f = *state;
  add(f, "2024-03-10T09:30:00+08:00", "LEAVE");
  add(f, "2024-03-10T09:30:00+08:00", "Oapi");
  assert_int_equal(today(f, "leave"), 1);
  assert_int_equal(today(f, "oapi"), 1);
  assert_int_equal(f->departures.window.count, 5);
}

static void test_missing_reason_reads_unknown(void **state) {
  fixture_t *f = *state;
  add(f, "2024-03-10T09:30:00+08:00", NULL);
  add(f, "2024-03-01T09:30:00+08:00", "");
  assert_int_equal(today(f, "unknown"), 1);
  assert_int_equal(window(f, "unknown"), 2);
  assert_int_equal(f->departures.window.count, 5);
}

static void test_unexpected_reason_keeps_its_own_instance(void **state) {
  fixture_t *f = *state;
  add(f, "2024-03-01T09:30:00+08:00", "Fired/Now");
  assert_int_equal(window(f, "fired_now"), 1);
  assert_int_equal(today(f, "fired_now"), 0);
  assert_int_equal(f->departures.window.count, 6);

  assert_int_equal(wf_departures_metrics(&f->departures, &f->metrics), 0);
  assert_float_equal(unittest_gauge(&f->metrics, "departures_30d", "fired_now"),
                     1.0, 0.0);
  /* Present today with 0, not absent. */
  assert_float_equal(
      unittest_gauge(&f->metrics, "departures_today", "fired_now"), 0.0, 0.0);
  /* Not lumped into "unknown". */
  assert_float_equal(unittest_gauge(&f->metrics, "departures_30d", "unknown"),
                     0.0, 0.0);
}

static void test_unreadable_leave_time_is_skipped(void **state) {
  fixture_t *f = *state;
  static const char *const bad[] = {
      "",           "garbage",    "2024-02-30T00:00:00Z",
      "2024-03-10", "1710014400", "2024-03-10T00:00:00+0800",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    add(f, bad[i], "leave");
  add(f, NULL, "leave");
  assert_int_equal(f->departures.skipped, 7);
  assert_int_equal(today(f, "leave"), 0);
  assert_int_equal(window(f, "leave"), 0);
}

static void test_metrics_rows_with_no_records(void **state) {
  fixture_t *f = *state;
  assert_int_equal(wf_departures_metrics(&f->departures, &f->metrics), 0);
  assert_int_equal(f->metrics.count, 10);
  for (size_t i = 0; i < 5; i++) {
    assert_float_equal(
        unittest_gauge(&f->metrics, "departures_today", documented_reasons[i]),
        0.0, 0.0);
    assert_float_equal(
        unittest_gauge(&f->metrics, "departures_30d", documented_reasons[i]),
        0.0, 0.0);
  }
}

static void test_metrics_rows_with_records(void **state) {
  fixture_t *f = *state;
  add(f, "2024-03-10T01:00:00+08:00", "leave");
  add(f, "2024-03-10T02:00:00+08:00", "leave");
  add(f, "2024-03-05T02:00:00+08:00", "leave");
  add(f, "2024-02-20T02:00:00+08:00", "delete");
  add(f, "2024-03-10T03:00:00+08:00", "oapi");
  assert_int_equal(wf_departures_metrics(&f->departures, &f->metrics), 0);
  assert_int_equal(f->metrics.count, 10);
  assert_float_equal(unittest_gauge(&f->metrics, "departures_today", "leave"),
                     2.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "departures_30d", "leave"),
                     3.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "departures_today", "delete"),
                     0.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "departures_30d", "delete"),
                     1.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "departures_today", "oapi"),
                     1.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "departures_30d", "oapi"), 1.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "departures_today", "cancel"),
                     0.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "departures_30d", "cancel"),
                     0.0, 0.0);
}

/* At -05:00 the local date is behind the UTC date. */
static void test_departures_at_minus_0500(void **state) {
  fixture_t *f = *state;
  wf_departures_free(&f->departures);
  /* now: 2024-03-10T03:00:00Z, which is 2024-03-09T22:00:00-05:00. */
  assert_int_equal(wf_departures_init(&f->departures, 1710039600, -5 * 3600),
                   0);
  /* 2024-03-09T00:00:00-05:00 = 2024-03-09T05:00:00Z */
  assert_time_equal(f->departures.day_start, 1709960400);
  add(f, "2024-03-10T01:00:00Z", "leave");
  add(f, "2024-03-09T04:59:59Z", "leave");
  assert_int_equal(today(f, "leave"), 1);
  assert_int_equal(window(f, "leave"), 2);
}

static void test_headcount_metrics(void **state) {
  fixture_t *f = *state;
  int64_t counts[WF_HR_COUNT] = {0};
  counts[WF_HR_PROBATION] = 3;
  counts[WF_HR_REGULAR] = 120;
  counts[WF_HR_LEAVING] = 2;
  counts[WF_HR_NOSTATUS] = 0;
  counts[WF_HR_PREENTRY] = 5;
  assert_int_equal(wf_headcount_metrics(counts, &f->metrics), 0);
  assert_int_equal(f->metrics.count, WF_HR_COUNT);
  assert_float_equal(unittest_gauge(&f->metrics, "headcount", "probation"), 3.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "headcount", "regular"), 120.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "headcount", "leaving"), 2.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "headcount", "nostatus"), 0.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "headcount", "preentry"), 5.0,
                     0.0);
}

static void test_hr_status_names_and_codes(void **state) {
  (void)state;
  assert_string_equal(wf_hr_status_name(WF_HR_PROBATION), "probation");
  assert_string_equal(wf_hr_status_name(WF_HR_REGULAR), "regular");
  assert_string_equal(wf_hr_status_name(WF_HR_LEAVING), "leaving");
  assert_string_equal(wf_hr_status_name(WF_HR_NOSTATUS), "nostatus");
  assert_string_equal(wf_hr_status_name(WF_HR_PREENTRY), "preentry");
  assert_null(wf_hr_status_name(WF_HR_COUNT));

  /* queryonjob status_list values (doc/platform-notes.md, Enumerations). */
  assert_string_equal(wf_hr_status_code(WF_HR_PROBATION), "2");
  assert_string_equal(wf_hr_status_code(WF_HR_REGULAR), "3");
  assert_string_equal(wf_hr_status_code(WF_HR_LEAVING), "5");
  assert_string_equal(wf_hr_status_code(WF_HR_NOSTATUS), "-1");
  assert_null(wf_hr_status_code(WF_HR_PREENTRY));
  assert_null(wf_hr_status_code(WF_HR_COUNT));
}

/* ---------------------------------------------------------------------
 * Check-ins: checkins, checkin_locations, abnormal_checkins and
 * abnormal_employees.
 * --------------------------------------------------------------------- */

/* DingTalk listRecord timeResult and locationResult values
 * (doc/platform-notes.md, Enumerations) as they come, and as type instances in
 * the order they are declared. */
static const char *const dt_time_values[] = {
    "Normal", "Early", "Late", "SeriousLate", "Absenteeism", "NotSigned"};
static const char *const dt_time_instances[] = {
    "normal", "early", "late", "seriouslate", "absenteeism", "notsigned"};
static const char *const dt_location_instances[] = {"normal", "outside",
                                                    "notsigned"};
/* Feishu check_in_result / check_out_result instances declared at 0. */
static const char *const fs_instances[] = {"normal", "early", "late",
                                           "lack",   "todo",  "noneedcheck"};

/* Counts one DingTalk check-in, which must not fail. */
static void dt_checkin(fixture_t *f, const char *user, const char *time_result,
                       const char *location_result) {
  assert_int_equal(wf_checkins_add_dingtalk(&f->checkins, user, time_result,
                                            location_result),
                   0);
}

/* Counts one Feishu result, which must not fail. */
static void fs_checkin(fixture_t *f, const char *user, const char *result) {
  assert_int_equal(wf_checkins_add_feishu(&f->checkins, user, result), 0);
}

static int64_t checkins(const fixture_t *f, const char *result) {
  return wf_counts_get(&f->checkins.results, result);
}

static int64_t locations(const fixture_t *f, const char *result) {
  return wf_counts_get(&f->checkins.locations, result);
}

/* Builds the rows and returns abnormal_checkins, checking that
 * abnormal_employees equals `employees`. */
static double abnormal_rows(fixture_t *f, double employees) {
  wf_metrics_clear(&f->metrics);
  assert_int_equal(wf_checkins_metrics(&f->checkins, &f->metrics), 0);
  assert_float_equal(unittest_gauge(&f->metrics, "abnormal_employees", ""),
                     employees, 0.0);
  return unittest_gauge(&f->metrics, "abnormal_checkins", "");
}

static void test_checkins_dingtalk_init_declares_results(void **state) {
  fixture_t *f = *state;
  const wf_checkins_t *c = &f->checkins;
  assert_int_equal(c->platform, WF_CHECKINS_DINGTALK);
  assert_int_equal(c->results.count, WF_ARRAY_SIZE(dt_time_instances));
  for (size_t i = 0; i < WF_ARRAY_SIZE(dt_time_instances); i++) {
    assert_string_equal(c->results.items[i].name, dt_time_instances[i]);
    assert_int_equal(c->results.items[i].count, 0);
  }
  assert_int_equal(c->locations.count, WF_ARRAY_SIZE(dt_location_instances));
  for (size_t i = 0; i < WF_ARRAY_SIZE(dt_location_instances); i++) {
    assert_string_equal(c->locations.items[i].name, dt_location_instances[i]);
    assert_int_equal(c->locations.items[i].count, 0);
  }
  assert_int_equal(c->abnormal, 0);
  assert_int_equal(c->abnormal_users.count, 0);
}

static void test_checkins_dingtalk_each_time_result_lower_case(void **state) {
  fixture_t *f = *state;
  /* i + 1 check-ins of each documented time result, all in the office. */
  for (size_t i = 0; i < WF_ARRAY_SIZE(dt_time_values); i++)
    for (size_t n = 0; n <= i; n++)
      dt_checkin(f, "user-0001", dt_time_values[i], "Normal");
  for (size_t i = 0; i < WF_ARRAY_SIZE(dt_time_instances); i++)
    assert_int_equal(checkins(f, dt_time_instances[i]), (int64_t)i + 1);
  /* Upper case folds into the declared instance, not a new one. */
  dt_checkin(f, "user-0001", "NORMAL", "NORMAL");
  assert_int_equal(checkins(f, "normal"), 2);
  assert_int_equal(locations(f, "normal"), 22);
  assert_int_equal(f->checkins.results.count, 6);
  assert_int_equal(f->checkins.locations.count, 3);
}

static void test_checkins_dingtalk_normal_is_not_abnormal(void **state) {
  fixture_t *f = *state;
  dt_checkin(f, "user-0001", "Normal", "Normal");
  dt_checkin(f, "user-0002", "Normal", "Normal");
  /* Only Outside makes the location abnormal. */
  dt_checkin(f, "user-0003", "Normal", "NotSigned");
  assert_int_equal(f->checkins.abnormal, 0);
  assert_float_equal(abnormal_rows(f, 0.0), 0.0, 0.0);
  assert_int_equal(checkins(f, "normal"), 3);
  assert_int_equal(locations(f, "notsigned"), 1);
}

static void test_checkins_dingtalk_time_result_not_normal(void **state) {
  fixture_t *f = *state;
  /* Every documented time result but Normal is abnormal, NotSigned
   * included; each user once. */
  static const char *const users[] = {"user-0001", "user-0002", "user-0003",
                                      "user-0004", "user-0005"};
  for (size_t i = 1; i < WF_ARRAY_SIZE(dt_time_values); i++)
    dt_checkin(f, users[i - 1], dt_time_values[i], "Normal");
  assert_int_equal(f->checkins.abnormal, 5);
  assert_float_equal(abnormal_rows(f, 5.0), 5.0, 0.0);
}

static void test_checkins_dingtalk_not_signed_is_abnormal(void **state) {
  fixture_t *f = *state;
  dt_checkin(f, "user-0001", "NotSigned", "NotSigned");
  assert_int_equal(checkins(f, "notsigned"), 1);
  assert_int_equal(locations(f, "notsigned"), 1);
  assert_float_equal(abnormal_rows(f, 1.0), 1.0, 0.0);
}

static void test_checkins_dingtalk_outside_is_abnormal(void **state) {
  fixture_t *f = *state;
  dt_checkin(f, "user-0001", "Normal", "Outside");
  assert_int_equal(checkins(f, "normal"), 1);
  assert_int_equal(locations(f, "outside"), 1);
  assert_float_equal(abnormal_rows(f, 1.0), 1.0, 0.0);
  /* Late and Outside at once is still one abnormal check-in. */
  dt_checkin(f, "user-0002", "Late", "Outside");
  assert_float_equal(abnormal_rows(f, 2.0), 2.0, 0.0);
}

static void test_checkins_dingtalk_unknown_time_result(void **state) {
  fixture_t *f = *state;
  dt_checkin(f, "user-0001", "Overtime", "Normal");
  assert_int_equal(checkins(f, "overtime"), 1);
  assert_int_equal(checkins(f, "normal"), 0);
  assert_int_equal(f->checkins.results.count, 7);
  assert_int_equal(locations(f, "normal"), 1);
  assert_float_equal(abnormal_rows(f, 1.0), 1.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "overtime"), 1.0,
                     0.0);
}

static void test_checkins_dingtalk_unknown_location(void **state) {
  fixture_t *f = *state;
  dt_checkin(f, "user-0001", "Normal", "Remote");
  assert_int_equal(locations(f, "remote"), 1);
  assert_int_equal(locations(f, "normal"), 0);
  assert_int_equal(f->checkins.locations.count, 4);
  assert_int_equal(checkins(f, "normal"), 1);
  assert_float_equal(abnormal_rows(f, 1.0), 1.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkin_locations", "remote"),
                     1.0, 0.0);
}

static void test_checkins_dingtalk_missing_results_read_unknown(void **state) {
  fixture_t *f = *state;
  dt_checkin(f, "user-0001", NULL, "Normal");
  assert_int_equal(checkins(f, "unknown"), 1);
  assert_int_equal(f->checkins.abnormal, 1);
  dt_checkin(f, "user-0002", "Normal", NULL);
  assert_int_equal(locations(f, "unknown"), 1);
  assert_int_equal(f->checkins.abnormal, 2);
  dt_checkin(f, "user-0003", "", "");
  assert_int_equal(checkins(f, "unknown"), 2);
  assert_int_equal(locations(f, "unknown"), 2);
  assert_float_equal(abnormal_rows(f, 3.0), 3.0, 0.0);
  assert_int_equal(f->checkins.results.count, 7);
  assert_int_equal(f->checkins.locations.count, 4);
}

static void test_checkins_abnormal_employees_are_distinct(void **state) {
  fixture_t *f = *state;
  dt_checkin(f, "user-0001", "Late", "Normal");
  dt_checkin(f, "user-0001", "Early", "Normal");
  dt_checkin(f, "user-0002", "Normal", "Outside");
  dt_checkin(f, "user-0003", "Normal", "Normal");
  dt_checkin(f, "user-0001", "Normal", "Outside");
  assert_float_equal(abnormal_rows(f, 2.0), 4.0, 0.0);
  /* A check-in without a user counts, but not as an employee. */
  dt_checkin(f, NULL, "Late", "Normal");
  dt_checkin(f, "", "Late", "Normal");
  assert_float_equal(abnormal_rows(f, 2.0), 6.0, 0.0);
}

static void test_checkins_same_user_twice_is_one_employee(void **state) {
  fixture_t *f = *state;
  dt_checkin(f, "user-0001", "Late", "Normal");
  dt_checkin(f, "user-0001", "Late", "Normal");
  assert_float_equal(abnormal_rows(f, 1.0), 2.0, 0.0);
  /* Building the rows twice gives the same rows. */
  assert_float_equal(abnormal_rows(f, 1.0), 2.0, 0.0);
}

static void test_checkins_dingtalk_metrics_rows(void **state) {
  fixture_t *f = *state;
  assert_int_equal(wf_checkins_metrics(&f->checkins, &f->metrics), 0);
  /* Nothing yet: every declared instance reads 0, nothing else. */
  assert_int_equal(f->metrics.count, 6 + 3 + 2);
  for (size_t i = 0; i < WF_ARRAY_SIZE(dt_time_instances); i++)
    assert_float_equal(
        unittest_gauge(&f->metrics, "checkins", dt_time_instances[i]), 0.0,
        0.0);
  for (size_t i = 0; i < WF_ARRAY_SIZE(dt_location_instances); i++)
    assert_float_equal(unittest_gauge(&f->metrics, "checkin_locations",
                                      dt_location_instances[i]),
                       0.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "abnormal_checkins", ""), 0.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "abnormal_employees", ""), 0.0,
                     0.0);

  dt_checkin(f, "user-0001", "Normal", "Normal");
  dt_checkin(f, "user-0001", "Normal", "Normal");
  dt_checkin(f, "user-0002", "Late", "Normal");
  dt_checkin(f, "user-0003", "SeriousLate", "Outside");
  dt_checkin(f, "user-0004", "NotSigned", "NotSigned");
  wf_metrics_clear(&f->metrics);
  assert_int_equal(wf_checkins_metrics(&f->checkins, &f->metrics), 0);
  assert_int_equal(f->metrics.count, 6 + 3 + 2);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "normal"), 2.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "early"), 0.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "late"), 1.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "seriouslate"),
                     1.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "absenteeism"),
                     0.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "notsigned"), 1.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkin_locations", "normal"),
                     3.0, 0.0);
  assert_float_equal(
      unittest_gauge(&f->metrics, "checkin_locations", "outside"), 1.0, 0.0);
  assert_float_equal(
      unittest_gauge(&f->metrics, "checkin_locations", "notsigned"), 1.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "abnormal_checkins", ""), 3.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "abnormal_employees", ""), 3.0,
                     0.0);
}

static void test_checkins_feishu_init_declares_results(void **state) {
  fixture_t *f = *state;
  const wf_checkins_t *c = &f->checkins;
  assert_int_equal(c->platform, WF_CHECKINS_FEISHU);
  assert_int_equal(c->results.count, WF_ARRAY_SIZE(fs_instances));
  for (size_t i = 0; i < WF_ARRAY_SIZE(fs_instances); i++) {
    assert_string_equal(c->results.items[i].name, fs_instances[i]);
    assert_int_equal(c->results.items[i].count, 0);
  }
  assert_int_equal(c->locations.count, 0);
  assert_int_equal(c->abnormal, 0);
}

static void test_checkins_feishu_normal_results(void **state) {
  fixture_t *f = *state;
  fs_checkin(f, "e1", "Normal");
  fs_checkin(f, "e1", "NoNeedCheck");
  fs_checkin(f, "e2", "Todo");
  fs_checkin(f, "e2", "SystemCheck");
  assert_int_equal(checkins(f, "normal"), 1);
  assert_int_equal(checkins(f, "noneedcheck"), 1);
  assert_int_equal(checkins(f, "todo"), 1);
  /* Not declared, but counted under its own name. */
  assert_int_equal(checkins(f, "systemcheck"), 1);
  assert_int_equal(f->checkins.abnormal, 0);
  assert_float_equal(abnormal_rows(f, 0.0), 0.0, 0.0);
}

static void test_checkins_feishu_abnormal_results(void **state) {
  fixture_t *f = *state;
  fs_checkin(f, "e1", "Early");
  fs_checkin(f, "e1", "Late");
  fs_checkin(f, "e2", "Lack");
  assert_int_equal(checkins(f, "early"), 1);
  assert_int_equal(checkins(f, "late"), 1);
  assert_int_equal(checkins(f, "lack"), 1);
  assert_float_equal(abnormal_rows(f, 2.0), 3.0, 0.0);
}

static void test_checkins_feishu_unknown_result(void **state) {
  fixture_t *f = *state;
  fs_checkin(f, "e1", "Overtime");
  assert_int_equal(checkins(f, "overtime"), 1);
  assert_int_equal(f->checkins.results.count, 7);
  assert_float_equal(abnormal_rows(f, 1.0), 1.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "overtime"), 1.0,
                     0.0);
}

static void test_checkins_feishu_missing_result_ignored(void **state) {
  fixture_t *f = *state;
  fs_checkin(f, "e1", NULL);
  fs_checkin(f, "e1", "");
  assert_int_equal(wf_counts_total(&f->checkins.results), 0);
  assert_int_equal(f->checkins.results.count, 6);
  assert_int_equal(checkins(f, "unknown"), 0);
  assert_float_equal(abnormal_rows(f, 0.0), 0.0, 0.0);
}

static void test_checkins_feishu_metrics_rows(void **state) {
  fixture_t *f = *state;
  fs_checkin(f, "e1", "Normal");
  fs_checkin(f, "e1", "Late");
  fs_checkin(f, "e2", "Lack");
  fs_checkin(f, "e2", "Lack");
  fs_checkin(f, "e3", "Todo");
  assert_int_equal(wf_checkins_metrics(&f->checkins, &f->metrics), 0);
  /* checkins by result and the two totals; no checkin_locations. */
  assert_int_equal(f->metrics.count, 6 + 2);
  for (size_t i = 0; i < f->metrics.count; i++)
    assert_string_not_equal(f->metrics.rows[i].type, "checkin_locations");
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "normal"), 1.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "early"), 0.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "late"), 1.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "lack"), 2.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "todo"), 1.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "checkins", "noneedcheck"),
                     0.0, 0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "abnormal_checkins", ""), 3.0,
                     0.0);
  assert_float_equal(unittest_gauge(&f->metrics, "abnormal_employees", ""), 2.0,
                     0.0);
}

/* ---------------------------------------------------------------------
 * Leave: on_leave and leave_pending from vacation records.
 * --------------------------------------------------------------------- */

/* NOW in epoch milliseconds, as vacation records give times. */
#define NOW_MS ((int64_t)NOW * 1000)
#define HOUR_MS ((int64_t)3600 * 1000)

/* Counts one vacation record at NOW, which must not fail. */
static void leave(fixture_t *f, const char *user_id, const char *record_type,
                  const char *status, int64_t start_ms, int64_t end_ms) {
  assert_int_equal(wf_leave_add(&f->leave, NOW, user_id, record_type, status,
                                start_ms, end_ms),
                   0);
}

static void test_leave_approved_containing_now_counts(void **state) {
  fixture_t *f = *state;
  leave(f, "u1", "leave", "success", NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  assert_int_equal(wf_leave_on_leave(&f->leave), 1);
  assert_int_equal(f->leave.pending, 0);
  leave(f, "u2", "leave", "success", NOW_MS - 24 * HOUR_MS,
        NOW_MS + 72 * HOUR_MS);
  assert_int_equal(wf_leave_on_leave(&f->leave), 2);
}

/* [start, end] is closed: a leave that starts or ends at this very
 * millisecond contains now. */
static void test_leave_bounds_are_inclusive(void **state) {
  fixture_t *f = *state;
  leave(f, "starts-now", "leave", "success", NOW_MS, NOW_MS + HOUR_MS);
  leave(f, "ends-now", "leave", "success", NOW_MS - HOUR_MS, NOW_MS);
  leave(f, "just-now", "leave", "success", NOW_MS, NOW_MS);
  assert_int_equal(wf_leave_on_leave(&f->leave), 3);
}

static void test_leave_future_and_past_do_not_count(void **state) {
  fixture_t *f = *state;
  leave(f, "future", "leave", "success", NOW_MS + 1, NOW_MS + HOUR_MS);
  leave(f, "past", "leave", "success", NOW_MS - HOUR_MS, NOW_MS - 1);
  leave(f, "tomorrow", "leave", "success", NOW_MS + 24 * HOUR_MS,
        NOW_MS + 32 * HOUR_MS);
  assert_int_equal(wf_leave_on_leave(&f->leave), 0);
  assert_int_equal(f->leave.pending, 0);
}

/* A request awaiting approval is pending whatever its dates, and nobody
 * is on leave by it yet. */
static void test_leave_init_is_pending(void **state) {
  fixture_t *f = *state;
  leave(f, "u1", "leave", "init", NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  leave(f, "u2", "leave", "init", NOW_MS + 24 * HOUR_MS, NOW_MS + 48 * HOUR_MS);
  leave(f, "u2", "leave", "init", NOW_MS - 48 * HOUR_MS, NOW_MS - 24 * HOUR_MS);
  assert_int_equal(f->leave.pending, 3);
  assert_int_equal(wf_leave_on_leave(&f->leave), 0);
}

static void test_leave_refused_or_withdrawn_do_not_count(void **state) {
  fixture_t *f = *state;
  static const char *const statuses[] = {"refuse", "abort", "revoke", "SUCCESS",
                                         ""};
  for (size_t i = 0; i < WF_ARRAY_SIZE(statuses); i++)
    leave(f, "u1", "leave", statuses[i], NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  assert_int_equal(wf_leave_on_leave(&f->leave), 0);
  assert_int_equal(f->leave.pending, 0);
}

/* Quota changes are no leave, whatever their status. */
static void test_leave_quota_records_never_count(void **state) {
  fixture_t *f = *state;
  static const char *const types[] = {"modify_quota", "update", "Leave", ""};
  static const char *const statuses[] = {"success", "init"};
  for (size_t i = 0; i < WF_ARRAY_SIZE(types); i++)
    for (size_t j = 0; j < WF_ARRAY_SIZE(statuses); j++)
      leave(f, "u1", types[i], statuses[j], NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  leave(f, "u1", NULL, "success", NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  leave(f, "u1", NULL, "init", NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  leave(f, "u1", "leave", NULL, NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  assert_int_equal(wf_leave_on_leave(&f->leave), 0);
  assert_int_equal(f->leave.pending, 0);
}

/* An employee with several approved records (a leave split over days, or
 * two leaves) is one employee on leave. */
static void test_leave_same_user_counts_once(void **state) {
  fixture_t *f = *state;
  leave(f, "u2", "leave", "success", NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  leave(f, "u1", "leave", "success", NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  leave(f, "u2", "leave", "success", NOW_MS, NOW_MS + 2 * HOUR_MS);
  leave(f, "u1", "leave", "success", NOW_MS - 2 * HOUR_MS, NOW_MS);
  assert_int_equal(wf_leave_on_leave(&f->leave), 2);
  /* Asking twice gives the same answer. */
  assert_int_equal(wf_leave_on_leave(&f->leave), 2);
  leave(f, "u3", "leave", "success", NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  leave(f, "u1", "leave", "success", NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  assert_int_equal(wf_leave_on_leave(&f->leave), 3);
}

/* An approved leave without an employee is nobody's; a request without
 * one is still pending. */
static void test_leave_without_user(void **state) {
  fixture_t *f = *state;
  leave(f, NULL, "leave", "success", NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  leave(f, "", "leave", "success", NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  assert_int_equal(wf_leave_on_leave(&f->leave), 0);
  leave(f, NULL, "leave", "init", NOW_MS - HOUR_MS, NOW_MS + HOUR_MS);
  assert_int_equal(f->leave.pending, 1);
}

/* ---------------------------------------------------------------------
 * Decimal quantities in millionths.
 * --------------------------------------------------------------------- */

static void test_decimal_parse_accepts(void **state) {
  (void)state;
  static const struct {
    const char *text;
    int64_t millionths;
  } cases[] = {
      {"2.5", 2500000},
      {"0.333333", 333333},
      {"-1.5", -1500000},
      {"3", 3000000},
      {"+1", 1000000},
      {"0", 0},
      {"-0", 0},
      {"0.000001", 1},
      {"-0.000001", -1},
      {"007.50", 7500000},
      {"9999", 9999000000LL},
      {"-9999", -9999000000LL},
      /* No leading digit: read as 0.5 by the code (not sent by Feishu). */
      {".5", 500000},
      {"-.25", -250000},
      /* The largest value: 10^12. */
      {"1000000000000", 1000000000000000000LL},
      {"-1000000000000", -1000000000000000000LL},
      {"999999999999.999999", 999999999999999999LL},
  };
  for (size_t i = 0; i < WF_ARRAY_SIZE(cases); i++) {
    int64_t value = 777;
    if (wf_decimal_parse(cases[i].text, &value) != 0)
      fail_msg("\"%s\" was refused", cases[i].text);
    if (value != cases[i].millionths)
      fail_msg("\"%s\" read %lld, expected %lld", cases[i].text,
               (long long)value, (long long)cases[i].millionths);
  }
}

static void test_decimal_parse_refuses(void **state) {
  (void)state;
  static const char *const texts[] = {
      "1.2345678", /* 7 decimals */
      "0.0000001",
      "abc",
      "",
      "1e3",
      "1E3",
      "1.",
      ".",
      "-",
      "+",
      "--1",
      "+-1",
      "1.2.3",
      "1,5",
      " 1",
      "1 ",
      "\t2",
      "0x10",
      "nan",
      "inf",
      "2.5天",
      "1000000000001",
      "-1000000000001",
      "99999999999999999999999999999999",
      "18446744073709551617",
  };
  for (size_t i = 0; i < WF_ARRAY_SIZE(texts); i++) {
    int64_t value = 777;
    if (wf_decimal_parse(texts[i], &value) == 0)
      fail_msg("\"%s\" was accepted as %lld", texts[i], (long long)value);
    /* A refused text leaves the output alone. */
    assert_int_equal(value, 777);
  }
  int64_t value = 777;
  assert_int_equal(wf_decimal_parse(NULL, &value), -1);
  assert_int_equal(value, 777);
}

/* Sums of millionths do not drift, where doubles would. */
static void test_decimal_sum_is_exact(void **state) {
  (void)state;
  int64_t sum = 0;
  for (int i = 0; i < 10; i++) {
    int64_t tenth = 0;
    assert_int_equal(wf_decimal_parse("0.1", &tenth), 0);
    assert_int_equal(tenth, 100000);
    sum += tenth;
  }
  assert_int_equal(sum, 1000000);
  assert_int_equal(sum, WF_DECIMAL_SCALE);

  sum = 0;
  for (int i = 0; i < 3; i++) {
    int64_t third = 0;
    assert_int_equal(wf_decimal_parse("0.333333", &third), 0);
    sum += third;
  }
  assert_int_equal(sum, 999999);
}

/* Sums of values read from answers stop at the edge of 64 bits instead of
 * overflowing; the sum is left as it was. */
static void test_sum_add_refuses_overflow(void **state) {
  (void)state;
  int64_t sum = 5;
  assert_int_equal(wf_sum_add(&sum, 7), 0);
  assert_int_equal(sum, 12);
  assert_int_equal(wf_sum_add(&sum, -20), 0);
  assert_int_equal(sum, -8);

  sum = INT64_MAX - 1;
  assert_int_equal(wf_sum_add(&sum, 1), 0);
  assert_int_equal(sum, INT64_MAX);
  assert_int_equal(wf_sum_add(&sum, 1), -1);
  assert_int_equal(sum, INT64_MAX);

  sum = INT64_MIN;
  assert_int_equal(wf_sum_add(&sum, -1), -1);
  assert_int_equal(sum, INT64_MIN);
}

#define DINGTALK_TEST(f)                                                       \
  cmocka_unit_test_setup_teardown(f, setup_dingtalk, teardown)
#define FEISHU_TEST(f)                                                         \
  cmocka_unit_test_setup_teardown(f, setup_feishu, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_init_bounds_and_declared_reasons,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_local_midnight_today_counts_today,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_second_before_midnight_counts_only_in_30d, setup, teardown),
      cmocka_unit_test_setup_teardown(test_first_second_of_window_counts, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_tomorrow_excluded, setup, teardown),
      cmocka_unit_test_setup_teardown(test_each_documented_reason, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_reason_case_is_folded, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_missing_reason_reads_unknown, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_unexpected_reason_keeps_its_own_instance, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unreadable_leave_time_is_skipped,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_metrics_rows_with_no_records, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_metrics_rows_with_records, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_departures_at_minus_0500, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_headcount_metrics, setup, teardown),
      cmocka_unit_test(test_hr_status_names_and_codes),
      DINGTALK_TEST(test_checkins_dingtalk_init_declares_results),
      DINGTALK_TEST(test_checkins_dingtalk_each_time_result_lower_case),
      DINGTALK_TEST(test_checkins_dingtalk_normal_is_not_abnormal),
      DINGTALK_TEST(test_checkins_dingtalk_time_result_not_normal),
      DINGTALK_TEST(test_checkins_dingtalk_not_signed_is_abnormal),
      DINGTALK_TEST(test_checkins_dingtalk_outside_is_abnormal),
      DINGTALK_TEST(test_checkins_dingtalk_unknown_time_result),
      DINGTALK_TEST(test_checkins_dingtalk_unknown_location),
      DINGTALK_TEST(test_checkins_dingtalk_missing_results_read_unknown),
      DINGTALK_TEST(test_checkins_abnormal_employees_are_distinct),
      DINGTALK_TEST(test_checkins_same_user_twice_is_one_employee),
      DINGTALK_TEST(test_checkins_dingtalk_metrics_rows),
      FEISHU_TEST(test_checkins_feishu_init_declares_results),
      FEISHU_TEST(test_checkins_feishu_normal_results),
      FEISHU_TEST(test_checkins_feishu_abnormal_results),
      FEISHU_TEST(test_checkins_feishu_unknown_result),
      FEISHU_TEST(test_checkins_feishu_missing_result_ignored),
      FEISHU_TEST(test_checkins_feishu_metrics_rows),
      cmocka_unit_test_setup_teardown(test_leave_approved_containing_now_counts,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_leave_bounds_are_inclusive, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_leave_future_and_past_do_not_count,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_leave_init_is_pending, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_leave_refused_or_withdrawn_do_not_count, setup, teardown),
      cmocka_unit_test_setup_teardown(test_leave_quota_records_never_count,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_leave_same_user_counts_once, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_leave_without_user, setup, teardown),
      cmocka_unit_test(test_decimal_parse_accepts),
      cmocka_unit_test(test_decimal_parse_refuses),
      cmocka_unit_test(test_decimal_sum_is_exact),
      cmocka_unit_test(test_sum_add_refuses_overflow),
  };
  return cmocka_run_group_tests_name("wf_agg", tests, NULL, NULL);
}
