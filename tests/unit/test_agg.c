/**
 * collectd-workforce - tests/unit/test_agg.c
 *
 * Aggregation from records to metric rows (src/wf_agg.c): departures by
 * reason today and over 30 days, at a fixed "now" and UTC offset, and the
 * headcount rows.
 **/
#include "unittest.h"

#include "wf_agg.h"
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
  wf_metrics_t metrics;
} fixture_t;

/* Prepares departures at NOW and +08:00. */
static int setup(void **state) {
  fixture_t *f = calloc(1, sizeof(*f));
  if (f == NULL)
    return -1;
  *state = f;
  return wf_departures_init(&f->departures, NOW, PLUS_0800);
}

static int teardown(void **state) {
  fixture_t *f = *state;
  wf_departures_free(&f->departures);
  wf_metrics_free(&f->metrics);
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

/* The value of a metric row, failing the test when it is absent. */
static double gauge(const wf_metrics_t *m, const char *type,
                    const char *instance) {
  const wf_metric_t *r = wf_metrics_find(m, type, instance);
  if (r == NULL)
    fail_msg("no metric row %s/%s", type, instance);
  assert_int_equal(r->kind, WF_GAUGE);
  return r->value.gauge;
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
  assert_float_equal(gauge(&f->metrics, "departures_30d", "fired_now"), 1.0,
                     0.0);
  /* Present today with 0, not absent. */
  assert_float_equal(gauge(&f->metrics, "departures_today", "fired_now"), 0.0,
                     0.0);
  /* Not lumped into "unknown". */
  assert_float_equal(gauge(&f->metrics, "departures_30d", "unknown"), 0.0, 0.0);
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
        gauge(&f->metrics, "departures_today", documented_reasons[i]), 0.0,
        0.0);
    assert_float_equal(
        gauge(&f->metrics, "departures_30d", documented_reasons[i]), 0.0, 0.0);
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
  assert_float_equal(gauge(&f->metrics, "departures_today", "leave"), 2.0, 0.0);
  assert_float_equal(gauge(&f->metrics, "departures_30d", "leave"), 3.0, 0.0);
  assert_float_equal(gauge(&f->metrics, "departures_today", "delete"), 0.0,
                     0.0);
  assert_float_equal(gauge(&f->metrics, "departures_30d", "delete"), 1.0, 0.0);
  assert_float_equal(gauge(&f->metrics, "departures_today", "oapi"), 1.0, 0.0);
  assert_float_equal(gauge(&f->metrics, "departures_30d", "oapi"), 1.0, 0.0);
  assert_float_equal(gauge(&f->metrics, "departures_today", "cancel"), 0.0,
                     0.0);
  assert_float_equal(gauge(&f->metrics, "departures_30d", "cancel"), 0.0, 0.0);
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
  assert_float_equal(gauge(&f->metrics, "headcount", "probation"), 3.0, 0.0);
  assert_float_equal(gauge(&f->metrics, "headcount", "regular"), 120.0, 0.0);
  assert_float_equal(gauge(&f->metrics, "headcount", "leaving"), 2.0, 0.0);
  assert_float_equal(gauge(&f->metrics, "headcount", "nostatus"), 0.0, 0.0);
  assert_float_equal(gauge(&f->metrics, "headcount", "preentry"), 5.0, 0.0);
}

static void test_hr_status_names_and_codes(void **state) {
  (void)state;
  assert_string_equal(wf_hr_status_name(WF_HR_PROBATION), "probation");
  assert_string_equal(wf_hr_status_name(WF_HR_REGULAR), "regular");
  assert_string_equal(wf_hr_status_name(WF_HR_LEAVING), "leaving");
  assert_string_equal(wf_hr_status_name(WF_HR_NOSTATUS), "nostatus");
  assert_string_equal(wf_hr_status_name(WF_HR_PREENTRY), "preentry");
  assert_null(wf_hr_status_name(WF_HR_COUNT));

  /* queryonjob status_list values (api/NOTES.md). */
  assert_string_equal(wf_hr_status_code(WF_HR_PROBATION), "2");
  assert_string_equal(wf_hr_status_code(WF_HR_REGULAR), "3");
  assert_string_equal(wf_hr_status_code(WF_HR_LEAVING), "5");
  assert_string_equal(wf_hr_status_code(WF_HR_NOSTATUS), "-1");
  assert_null(wf_hr_status_code(WF_HR_PREENTRY));
  assert_null(wf_hr_status_code(WF_HR_COUNT));
}

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
  };
  return cmocka_run_group_tests_name("wf_agg", tests, NULL, NULL);
}
