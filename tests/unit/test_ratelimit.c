/**
 * collectd-workforce - tests/unit/test_ratelimit.c
 * SPDX-License-Identifier: MIT
 *
 * The rate limiter (src/wf_ratelimit.c): calls of one key spaced at its
 * rate, keys independent of each other, pauses that hold every call of a
 * key until they end, and never a window with more calls than the rate.
 **/
#include "unittest.h"

#include "wf_ratelimit.h"

static int setup(void **state) {
  wf_limiter_t *limiter = wf_limiter_create();
  if (limiter == NULL)
    return -1;
  *state = limiter;
  return 0;
}

static int teardown(void **state) {
  wf_limiter_destroy(*state);
  return 0;
}

static void test_first_call_goes_at_once(void **state) {
  wf_limiter_t *limiter = *state;
  assert_int_equal(wf_limiter_reserve(limiter, "listRecord", 20, 1000), 1000);
}

static void test_calls_spaced_at_the_rate(void **state) {
  wf_limiter_t *limiter = *state;
  /* Twenty a second: one every 50 ms and the margin, 53 ms, however
   * eagerly they are asked. */
  for (int i = 0; i < 10; i++)
    assert_int_equal(wf_limiter_reserve(limiter, "listRecord", 20, 1000),
                     1000 + 53 * i);
  /* A call asked later than its slot goes when asked. */
  assert_int_equal(wf_limiter_reserve(limiter, "listRecord", 20, 5000), 5000);
  assert_int_equal(wf_limiter_reserve(limiter, "listRecord", 20, 5001), 5053);
}

static void test_keys_are_independent(void **state) {
  wf_limiter_t *limiter = *state;
  assert_int_equal(wf_limiter_reserve(limiter, "listRecord", 20, 0), 0);
  assert_int_equal(wf_limiter_reserve(limiter, "listRecord", 20, 0), 53);
  /* Another API of the same app has its own limit. */
  assert_int_equal(wf_limiter_reserve(limiter, "checkinRecord", 20, 0), 0);
  assert_int_equal(wf_limiter_reserve(limiter, "checkinRecord", 20, 0), 53);
}

static void test_spacing_rounds_up(void **state) {
  wf_limiter_t *limiter = *state;
  /* Seven a second: 150 ms apart with the margin, so 150, never 149. */
  assert_int_equal(wf_limiter_reserve(limiter, "k", 7, 0), 0);
  assert_int_equal(wf_limiter_reserve(limiter, "k", 7, 0), 150);
  assert_int_equal(wf_limiter_reserve(limiter, "k", 7, 0), 300);
}

static void test_no_window_holds_more_than_the_rate(void **state) {
  wf_limiter_t *limiter = *state;
  /* The per-IP ceiling: 10,000 calls in 20 s is 500 a second. */
  enum { CALLS = 3000 };
  static int64_t at[CALLS];
  for (int i = 0; i < CALLS; i++)
    at[i] = wf_limiter_reserve(limiter, "ip", 10000.0 / 20, 7 * i / 10);
  for (int i = 0; i + 500 < CALLS; i++)
    assert_true(at[i + 500] - at[i] >= 1000);
}

static void test_pause_holds_calls_until_it_ends(void **state) {
  wf_limiter_t *limiter = *state;
  assert_int_equal(wf_limiter_reserve(limiter, "listRecord", 20, 0), 0);
  /* A throttling answer at 10 ms asks for a second of quiet. */
  wf_limiter_pause(limiter, "listRecord", 1010);
  assert_int_equal(wf_limiter_paused_until(limiter, "listRecord"), 1010);
  assert_int_equal(wf_limiter_reserve(limiter, "listRecord", 20, 20), 1010);
  assert_int_equal(wf_limiter_reserve(limiter, "listRecord", 20, 20), 1063);
  /* Other keys are not held. */
  assert_int_equal(wf_limiter_reserve(limiter, "queryonjob", 20, 20), 20);
}

static void test_shorter_pause_changes_nothing(void **state) {
  wf_limiter_t *limiter = *state;
  wf_limiter_pause(limiter, "ip", 300000);
  wf_limiter_pause(limiter, "ip", 1000);
  assert_int_equal(wf_limiter_paused_until(limiter, "ip"), 300000);
  assert_int_equal(wf_limiter_reserve(limiter, "ip", 500, 0), 300000);
  assert_int_equal(wf_limiter_paused_until(limiter, "unknown"), 0);
}

#define LIMITER_TEST(name)                                                     \
  cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      LIMITER_TEST(test_first_call_goes_at_once),
      LIMITER_TEST(test_calls_spaced_at_the_rate),
      LIMITER_TEST(test_keys_are_independent),
      LIMITER_TEST(test_spacing_rounds_up),
      LIMITER_TEST(test_no_window_holds_more_than_the_rate),
      LIMITER_TEST(test_pause_holds_calls_until_it_ends),
      LIMITER_TEST(test_shorter_pause_changes_nothing),
  };
  return cmocka_run_group_tests_name("wf_ratelimit", tests, NULL, NULL);
}
