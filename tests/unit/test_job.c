/**
 * collectd-workforce - tests/unit/test_job.c
 * SPDX-License-Identifier: MIT
 *
 * What a collector's job decides after a poll (src/wf_job.c): the rest
 * after a failure, the WARNING and OKAY of a failing collector, each once,
 * the cost of a counted collector's next poll, whether it may run under
 * MonthlyQuota, and what its polls teach the planner.
 **/
#include "unittest.h"

#include "wf_job.h"
#include "wf_time.h"

#define PLUS_0800 (8 * 3600)

static wf_error_t failure(wf_error_kind_t kind) {
  wf_error_t err;
  wf_error_set(&err, kind, "listRecord", "failed");
  return err;
}

static void test_pause_after_quota_is_the_month_turn(void **state) {
  (void)state;
  /* 2026-03-15T10:00:00+08:00: the month turns at 2026-04-01T00:00+08:00. */
  time_t now = 1773540000;
  wf_error_t err = failure(WF_ERR_QUOTA);
  time_t until = wf_job_pause_after(&err, now, PLUS_0800);
  assert_int_equal(until, wf_next_month_start(now, PLUS_0800));
  char text[32];
  wf_local_format(until, PLUS_0800, "%Y-%m-%d %H:%M", text, sizeof(text));
  assert_string_equal(text, "2026-04-01 00:00");
}

static void test_pause_after_throttling_is_what_was_asked(void **state) {
  (void)state;
  wf_error_t err = failure(WF_ERR_THROTTLED);
  err.retry_after = 300;
  assert_int_equal(wf_job_pause_after(&err, 1000, 0), 1300);
  /* Throttled without a time to wait: the next poll. */
  err.retry_after = 0;
  assert_int_equal(wf_job_pause_after(&err, 1000, 0), 0);
}

static void test_other_failures_wait_for_the_next_poll(void **state) {
  (void)state;
  wf_error_kind_t kinds[] = {WF_ERR_TRANSPORT,  WF_ERR_AUTH,   WF_ERR_PLATFORM,
                             WF_ERR_BAD_ANSWER, WF_ERR_PAGING, WF_ERR_BUDGET};
  for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
    wf_error_t err = failure(kinds[i]);
    assert_int_equal(wf_job_pause_after(&err, 1000, 0), 0);
  }
}

static void test_unreachable_warns_after_three_failures(void **state) {
  (void)state;
  wf_health_t health = {0};
  wf_error_t err = failure(WF_ERR_TRANSPORT);
  assert_int_equal(wf_health_update(&health, &err), WF_HEALTH_QUIET);
  assert_int_equal(wf_health_update(&health, &err), WF_HEALTH_QUIET);
  assert_int_equal(wf_health_update(&health, &err), WF_HEALTH_WARNING);
  /* Once per failure streak. */
  assert_int_equal(wf_health_update(&health, &err), WF_HEALTH_QUIET);
  assert_int_equal(health.failures, 4);
  /* Its recovery once, then quiet. */
  assert_int_equal(wf_health_update(&health, NULL), WF_HEALTH_OKAY);
  assert_int_equal(wf_health_update(&health, NULL), WF_HEALTH_QUIET);
  assert_int_equal(health.failures, 0);
}

static void test_refused_credentials_and_quota_warn_at_once(void **state) {
  (void)state;
  wf_error_kind_t kinds[] = {WF_ERR_AUTH, WF_ERR_QUOTA};
  for (size_t i = 0; i < 2; i++) {
    wf_health_t health = {0};
    wf_error_t err = failure(kinds[i]);
    assert_int_equal(wf_health_update(&health, &err), WF_HEALTH_WARNING);
    assert_int_equal(wf_health_update(&health, &err), WF_HEALTH_QUIET);
  }
}

static void test_short_streaks_stay_quiet(void **state) {
  (void)state;
  wf_health_t health = {0};
  wf_error_t err = failure(WF_ERR_PLATFORM);
  for (int i = 0; i < 5; i++) {
    assert_int_equal(wf_health_update(&health, &err), WF_HEALTH_QUIET);
    assert_int_equal(wf_health_update(&health, &err), WF_HEALTH_QUIET);
    /* A success between: no WARNING went out, so no OKAY either. */
    assert_int_equal(wf_health_update(&health, NULL), WF_HEALTH_QUIET);
  }
}

static void test_cost_of_the_last_poll(void **state) {
  (void)state;
  /* 20 calls for 1,000 users last time, 1,000 now: 20. */
  assert_int_equal(wf_job_cost(20, 1000, 1000, 99, 99), 20);
  /* A collector that reads no users: its last poll's. */
  assert_int_equal(wf_job_cost(13, 0, 0, 2, 0), 13);
  /* Users unknown now: the last poll's. */
  assert_int_equal(wf_job_cost(20, 1000, -1, 0, 0), 20);
}

static void test_cost_follows_the_users(void **state) {
  (void)state;
  /* 20 calls for 1,000 users; 1,100 now: 22; 1,001: 21 (rounded up). */
  assert_int_equal(wf_job_cost(20, 1000, 1100, 0, 0), 22);
  assert_int_equal(wf_job_cost(20, 1000, 1001, 0, 0), 21);
  /* Fewer users, fewer calls. */
  assert_int_equal(wf_job_cost(20, 1000, 500, 0, 0), 10);
}

static void test_cost_before_a_complete_poll(void **state) {
  (void)state;
  /* The cost model's estimate. */
  assert_int_equal(wf_job_cost(0, 0, 1000, 20, 0), 20);
  /* A poll the budget line cut short taught the planner more. */
  assert_int_equal(wf_job_cost(0, 0, 1000, 20, 40), 40);
  /* The model knows more than the planner: the model. */
  assert_int_equal(wf_job_cost(0, 0, 1000, 20, 5), 20);
  /* No estimate at all: one call, never nothing. */
  assert_int_equal(wf_job_cost(0, 0, 0, 0, 0), 1);
}

static void test_collectors_that_read_users(void **state) {
  (void)state;
  assert_true(wf_job_reads_users(WF_COLLECT_ATTENDANCE));
  assert_true(wf_job_reads_users(WF_COLLECT_SIGNINS));
  assert_true(wf_job_reads_users(WF_COLLECT_LEAVE));
  assert_false(wf_job_reads_users(WF_COLLECT_HEADCOUNT));
  assert_false(wf_job_reads_users(WF_COLLECT_REPORTS));
  assert_false(wf_job_reads_users(WF_COLLECT_LEAVE_EXPIRY));
}

static void test_who_needs_the_employee_lists(void **state) {
  (void)state;
  /* headcount always; attendance only without a UserID list. */
  assert_true(
      wf_job_needs_roster(WF_PLATFORM_DINGTALK, WF_COLLECT_HEADCOUNT, true));
  assert_true(
      wf_job_needs_roster(WF_PLATFORM_DINGTALK, WF_COLLECT_ATTENDANCE, false));
  assert_false(wf_job_needs_roster(
      WF_PLATFORM_DINGTALK, WF_COLLECT_ATTENDANCE | WF_COLLECT_LEAVE, true));
  assert_false(wf_job_needs_roster(
      WF_PLATFORM_DINGTALK, WF_COLLECT_DEPARTURES | WF_COLLECT_REPORTS, false));
  /* Feishu has no employee lists to read. */
  assert_false(wf_job_needs_roster(
      WF_PLATFORM_FEISHU, WF_COLLECT_ATTENDANCE | WF_COLLECT_HEADCOUNT, false));
}

static void test_only_counted_collectors_have_a_weight(void **state) {
  (void)state;
  assert_true(wf_job_plan_weight(WF_PLATFORM_DINGTALK, WF_COLLECT_ATTENDANCE) >
              wf_job_plan_weight(WF_PLATFORM_DINGTALK, WF_COLLECT_REPORTS));
  assert_true(wf_job_plan_weight(WF_PLATFORM_DINGTALK, WF_COLLECT_REPORTS) >
              wf_job_plan_weight(WF_PLATFORM_DINGTALK, WF_COLLECT_LEAVE));
  assert_true(wf_job_plan_weight(WF_PLATFORM_DINGTALK, WF_COLLECT_SIGNINS) > 0);
  assert_true(
      wf_job_plan_weight(WF_PLATFORM_DINGTALK, WF_COLLECT_ANNOUNCEMENTS) > 0);
  /* Not counted against the quota. */
  assert_true(wf_job_plan_weight(WF_PLATFORM_DINGTALK, WF_COLLECT_DEPARTURES) ==
              0);
  assert_true(wf_job_plan_weight(WF_PLATFORM_DINGTALK, WF_COLLECT_HEADCOUNT) ==
              0);
  /* Feishu has no monthly quota. */
  assert_true(wf_job_plan_weight(WF_PLATFORM_FEISHU, WF_COLLECT_ATTENDANCE) ==
              0);
}

static void test_model_cost_of_one_poll(void **state) {
  (void)state;
  wf_account_config_t cfg = {.platform = WF_PLATFORM_DINGTALK, .interval = 60};
  /* attendance: a list of 50 users a call. */
  assert_int_equal(wf_job_model_cost(&cfg, WF_COLLECT_ATTENDANCE, 1000, 0), 20);
  assert_int_equal(wf_job_model_cost(&cfg, WF_COLLECT_ATTENDANCE, 1001, 0), 21);
  /* leave: one list per leave type, as read from the platform... */
  assert_int_equal(wf_job_model_cost(&cfg, WF_COLLECT_LEAVE, 1000, 3), 60);
  /* ...or as LeaveType names them, whatever the platform listed. */
  wf_pairs_add(&cfg.leave_types, "annual", "Annual");
  assert_int_equal(wf_job_model_cost(&cfg, WF_COLLECT_LEAVE, 1000, 3), 20);
  wf_pairs_free(&cfg.leave_types);
  /* Users unknown: the model's floor, never a negative count. */
  assert_true(wf_job_model_cost(&cfg, WF_COLLECT_ATTENDANCE, -1, 0) >= 0);
}

static void test_a_poll_beyond_the_month_is_refused_once(void **state) {
  (void)state;
  wf_job_plan_t plan = {.slot = 0};
  assert_int_equal(wf_job_plan_fit(&plan, 100, 5000), WF_JOB_FITS);
  assert_int_equal(wf_job_plan_fit(&plan, 5000, 5000), WF_JOB_FITS);
  assert_int_equal(wf_job_plan_fit(&plan, 5001, 5000), WF_JOB_REFUSED);
  assert_int_equal(wf_job_plan_fit(&plan, 6000, 5000), WF_JOB_STILL_REFUSED);
  assert_true(plan.refused);
  assert_int_equal(wf_job_plan_fit(&plan, 4000, 5000), WF_JOB_FITS_AGAIN);
  assert_int_equal(wf_job_plan_fit(&plan, 4000, 5000), WF_JOB_FITS);
  assert_false(plan.refused);
}

static void test_complete_polls_teach_the_cost(void **state) {
  (void)state;
  wf_job_plan_t plan = {.slot = 0};
  wf_job_plan_learn(&plan, true, 20, 1000);
  assert_int_equal(plan.calls, 20);
  assert_int_equal(plan.users, 1000);
  /* A poll that spent nothing (cut short at once) teaches nothing. */
  wf_job_plan_learn(&plan, true, 0, 1200);
  wf_job_plan_learn(&plan, false, 0, 1200);
  assert_int_equal(plan.calls, 20);
  assert_int_equal(plan.users, 1000);
  /* A poll that failed after spending: no cost to go by any more. */
  wf_job_plan_learn(&plan, false, 7, 1200);
  assert_int_equal(plan.calls, 0);
  wf_job_plan_learn(&plan, true, 24, 1200);
  assert_int_equal(plan.calls, 24);
  assert_int_equal(plan.users, 1200);
}

static void test_costs_are_told_when_they_move_by_a_tenth(void **state) {
  (void)state;
  assert_true(wf_job_plan_news(0, 33));
  assert_false(wf_job_plan_news(100, 100));
  assert_false(wf_job_plan_news(100, 109));
  assert_false(wf_job_plan_news(100, 91));
  assert_true(wf_job_plan_news(100, 110));
  assert_true(wf_job_plan_news(100, 90));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pause_after_quota_is_the_month_turn),
      cmocka_unit_test(test_pause_after_throttling_is_what_was_asked),
      cmocka_unit_test(test_other_failures_wait_for_the_next_poll),
      cmocka_unit_test(test_unreachable_warns_after_three_failures),
      cmocka_unit_test(test_refused_credentials_and_quota_warn_at_once),
      cmocka_unit_test(test_short_streaks_stay_quiet),
      cmocka_unit_test(test_cost_of_the_last_poll),
      cmocka_unit_test(test_cost_follows_the_users),
      cmocka_unit_test(test_cost_before_a_complete_poll),
      cmocka_unit_test(test_collectors_that_read_users),
      cmocka_unit_test(test_who_needs_the_employee_lists),
      cmocka_unit_test(test_only_counted_collectors_have_a_weight),
      cmocka_unit_test(test_model_cost_of_one_poll),
      cmocka_unit_test(test_a_poll_beyond_the_month_is_refused_once),
      cmocka_unit_test(test_complete_polls_teach_the_cost),
      cmocka_unit_test(test_costs_are_told_when_they_move_by_a_tenth),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
