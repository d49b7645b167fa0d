/**
 * collectd-workforce - tests/unit/test_job.c
 * SPDX-License-Identifier: MIT
 *
 * What a collector's job decides after a poll (src/wf_job.c): the rest
 * after a failure, the WARNING and OKAY of a failing collector, each once,
 * and the cost of a counted collector's next poll.
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
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
