/**
 * collectd-workforce - tests/unit/test_check_cost.c
 * SPDX-License-Identifier: MIT
 *
 * The cost arithmetic of collectd-workforce-check --probe
 * (src/wf_cost.c): calls a poll and a month per collector, what
 * counts against DingTalk's monthly quota, and the quota comparison.
 **/
#include "unittest.h"

#include "wf_cost.h"

#include <string.h>

/* Polls in a 31-day month at the default interval of 300 s. */
#define POLLS_300 8928LL

/* A DingTalk account with 320 on-job employees and 7 pre-entry. */
static wf_cost_input_t dingtalk(unsigned collect) {
  wf_cost_input_t in = {.platform = WF_PLATFORM_DINGTALK,
                        .collect = collect,
                        .interval = 300,
                        .employees = {48, 240, 16, 16, 7}};
  return in;
}

/* The cost of `collector` in a report; fails when it is not there. */
static const wf_cost_t *item(const wf_cost_report_t *r,
                             wf_collector_t collector) {
  for (size_t i = 0; i < r->count; i++)
    if (r->items[i].collector == collector)
      return &r->items[i];
  fail_msg("collector %u is not in the report", (unsigned)collector);
  return NULL;
}

static void test_default_collectors_cost_no_quota(void **state) {
  (void)state;
  wf_cost_input_t in = dingtalk(WF_COLLECT_DEPARTURES | WF_COLLECT_HEADCOUNT);
  wf_cost_report_t r;
  wf_cost_compute(&in, &r);
  assert_int_equal(r.count, 2);
  assert_int_equal(r.polls_per_month, POLLS_300);

  const wf_cost_t *departures = item(&r, WF_COLLECT_DEPARTURES);
  assert_int_equal(departures->per_poll, 1);
  assert_true(departures->at_least);
  assert_false(departures->counted);
  assert_int_equal(departures->per_month, POLLS_300);

  /* One page per status (240 regular: 5 pages of 50) and pre-entry. */
  const wf_cost_t *headcount = item(&r, WF_COLLECT_HEADCOUNT);
  assert_int_equal(headcount->per_poll, 1 + 5 + 1 + 1 + 1);
  assert_false(headcount->at_least);
  assert_false(headcount->counted);

  assert_int_equal(r.counted_per_month, 0);
  assert_int_equal(r.employee_list_per_poll, 0);
  assert_true(wf_cost_within(&r, WF_DEFAULT_MONTHLY_QUOTA));
}

static void test_counted_collectors_over_every_employee(void **state) {
  (void)state;
  wf_cost_input_t in =
      dingtalk(WF_COLLECT_ATTENDANCE | WF_COLLECT_SIGNINS | WF_COLLECT_LEAVE);
  in.leave_types = 2;
  wf_cost_report_t r;
  wf_cost_compute(&in, &r);
  assert_int_equal(r.users, 320);

  const wf_cost_t *attendance = item(&r, WF_COLLECT_ATTENDANCE);
  assert_int_equal(attendance->per_poll, 7); /* ceil(320 / 50) */
  assert_false(attendance->at_least);
  assert_true(attendance->counted);
  assert_int_equal(attendance->per_month, 7 * POLLS_300);

  const wf_cost_t *signins = item(&r, WF_COLLECT_SIGNINS);
  assert_int_equal(signins->per_poll, 32); /* ceil(320 / 10) */
  assert_true(signins->at_least);
  assert_true(signins->counted);

  const wf_cost_t *leave = item(&r, WF_COLLECT_LEAVE);
  assert_int_equal(leave->per_poll, 2 * 7);
  assert_int_equal(leave->per_day, 0);
  assert_true(leave->at_least);

  /* headcount is off: the employee list is read for them, not counted. */
  assert_int_equal(r.employee_list_per_poll, 9);
  assert_int_equal(r.counted_per_month, (7 + 32 + 14) * POLLS_300);
  assert_true(r.counted_at_least);
  assert_false(wf_cost_within(&r, WF_DEFAULT_MONTHLY_QUOTA));
  assert_true(wf_cost_within(&r, 0)); /* no limit */
}

static void test_user_ids_replace_the_employee_list(void **state) {
  (void)state;
  wf_cost_input_t in = dingtalk(WF_COLLECT_ATTENDANCE | WF_COLLECT_SIGNINS);
  in.user_ids = 120;
  wf_cost_report_t r;
  wf_cost_compute(&in, &r);
  assert_int_equal(r.users, 120);
  assert_int_equal(item(&r, WF_COLLECT_ATTENDANCE)->per_poll, 3);
  assert_int_equal(item(&r, WF_COLLECT_SIGNINS)->per_poll, 12);
  assert_int_equal(r.employee_list_per_poll, 0);
}

static void test_leave_without_types_reads_the_type_list_daily(void **state) {
  (void)state;
  wf_cost_input_t in = dingtalk(WF_COLLECT_LEAVE | WF_COLLECT_HEADCOUNT);
  wf_cost_report_t r;
  wf_cost_compute(&in, &r);
  const wf_cost_t *leave = item(&r, WF_COLLECT_LEAVE);
  assert_int_equal(leave->per_poll, 7); /* at least one type */
  assert_int_equal(leave->per_day, 1);  /* vacation/type/list */
  assert_true(leave->at_least);
  assert_int_equal(leave->per_month, 7 * POLLS_300 + WF_COST_MONTH_DAYS);
  /* headcount reads the list anyway. */
  assert_int_equal(r.employee_list_per_poll, 0);
}

static void test_reports_and_announcements(void **state) {
  (void)state;
  wf_cost_input_t in = dingtalk(WF_COLLECT_REPORTS | WF_COLLECT_ANNOUNCEMENTS);
  in.report_readers = 2;
  in.interval = 3600;
  wf_cost_report_t r;
  wf_cost_compute(&in, &r);
  assert_int_equal(r.polls_per_month, 31 * 24);
  const wf_cost_t *reports = item(&r, WF_COLLECT_REPORTS);
  assert_int_equal(reports->per_poll, 3); /* 2 readers + 1 page */
  assert_int_equal(reports->per_day, 1);  /* the template list */
  assert_true(reports->at_least);
  assert_true(reports->counted);
  const wf_cost_t *announcements = item(&r, WF_COLLECT_ANNOUNCEMENTS);
  assert_int_equal(announcements->per_poll, 1);
  assert_true(announcements->at_least);
  assert_int_equal(r.counted_per_month, (3 + 1) * 31 * 24 + 31);
  assert_true(wf_cost_within(&r, WF_DEFAULT_MONTHLY_QUOTA));
}

static void test_feishu_never_counted(void **state) {
  (void)state;
  wf_cost_input_t in = {.platform = WF_PLATFORM_FEISHU,
                        .collect =
                            WF_COLLECT_ATTENDANCE | WF_COLLECT_LEAVE_EXPIRY,
                        .interval = 60,
                        .user_ids = 120,
                        .employees = {-1, -1, -1, -1, -1},
                        .leave_types = 2,
                        .employment_ids = 3};
  wf_cost_report_t r;
  wf_cost_compute(&in, &r);
  assert_int_equal(r.polls_per_month, 31 * 24 * 60);
  assert_int_equal(item(&r, WF_COLLECT_ATTENDANCE)->per_poll, 3);
  assert_false(item(&r, WF_COLLECT_ATTENDANCE)->counted);
  assert_int_equal(item(&r, WF_COLLECT_LEAVE_EXPIRY)->per_poll, 6);
  assert_false(item(&r, WF_COLLECT_LEAVE_EXPIRY)->counted);
  assert_int_equal(r.counted_per_month, 0);
  assert_int_equal(r.employee_list_per_poll, 0);
}

static void test_unknown_and_empty_lists(void **state) {
  (void)state;
  wf_cost_input_t in = dingtalk(WF_COLLECT_HEADCOUNT | WF_COLLECT_ATTENDANCE);
  for (int s = 0; s < WF_HR_COUNT; s++)
    in.employees[s] = -1;
  in.interval = 7;
  wf_cost_report_t r;
  wf_cost_compute(&in, &r);
  /* 31 x 86400 / 7 = 382628.57...: a started poll counts. */
  assert_int_equal(r.polls_per_month, 382629);
  const wf_cost_t *headcount = item(&r, WF_COLLECT_HEADCOUNT);
  assert_int_equal(headcount->per_poll, 5); /* one call a list at least */
  assert_true(headcount->at_least);
  assert_int_equal(item(&r, WF_COLLECT_ATTENDANCE)->per_poll, 0);

  /* Empty lists still take one call each; nobody to watch, no calls. */
  memset(in.employees, 0, sizeof(in.employees));
  wf_cost_compute(&in, &r);
  assert_int_equal(item(&r, WF_COLLECT_HEADCOUNT)->per_poll, 5);
  assert_false(item(&r, WF_COLLECT_HEADCOUNT)->at_least);
  assert_int_equal(item(&r, WF_COLLECT_ATTENDANCE)->per_month, 0);
}

static void test_quota_boundary(void **state) {
  (void)state;
  /* 1000 users a day: 20 listRecord calls a poll, one poll a day. */
  wf_cost_input_t in = dingtalk(WF_COLLECT_ATTENDANCE);
  in.user_ids = 1000;
  in.interval = 86400;
  wf_cost_report_t r;
  wf_cost_compute(&in, &r);
  assert_int_equal(r.counted_per_month, 20 * 31);
  assert_true(wf_cost_within(&r, 620));
  assert_false(wf_cost_within(&r, 619));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_collectors_cost_no_quota),
      cmocka_unit_test(test_counted_collectors_over_every_employee),
      cmocka_unit_test(test_user_ids_replace_the_employee_list),
      cmocka_unit_test(test_leave_without_types_reads_the_type_list_daily),
      cmocka_unit_test(test_reports_and_announcements),
      cmocka_unit_test(test_feishu_never_counted),
      cmocka_unit_test(test_unknown_and_empty_lists),
      cmocka_unit_test(test_quota_boundary),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
