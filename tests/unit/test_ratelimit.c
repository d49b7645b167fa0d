/**
 * collectd-workforce - tests/unit/test_ratelimit.c
 * SPDX-License-Identifier: MIT
 *
 * The rate limiter (src/wf_ratelimit.c): calls of one key spaced at its
 * rate, keys independent of each other, pauses that hold every call of a
 * key until they end, never a window with more calls than the rate, and
 * calls sent late held back rather than bunched with later ones.
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

static void test_calls_on_time_are_never_held(void **state) {
  wf_limiter_t *limiter = *state;
  /* Calls that go out at their slots fill no second: 21 calls take
   * 20 x 53 = 1060 ms, more than the second and its margin. */
  for (int i = 0; i < 100; i++) {
    int64_t slot = wf_limiter_reserve(limiter, "listRecord", 20, 0);
    assert_int_equal(wf_limiter_send(limiter, "listRecord", 20, slot), 0);
  }
}

static void test_a_late_call_does_not_bunch_with_later_ones(void **state) {
  wf_limiter_t *limiter = *state;
  int64_t slot[25];
  for (int i = 0; i < 25; i++)
    slot[i] = wf_limiter_reserve(limiter, "listRecord", 20, 0);
  /* The first three go out together, 120 ms late, the rest on time. */
  assert_int_equal(wf_limiter_send(limiter, "listRecord", 20, 120), 0);
  assert_int_equal(wf_limiter_send(limiter, "listRecord", 20, 120), 0);
  assert_int_equal(wf_limiter_send(limiter, "listRecord", 20, 120), 0);
  for (int i = 3; i < 20; i++)
    assert_int_equal(wf_limiter_send(limiter, "listRecord", 20, slot[i]), 0);
  /* The 21st at its slot (1060 ms) would make 21 calls within 940 ms:
   * it waits until a second and the margin after the first, 1170 ms. */
  assert_int_equal(slot[20], 1060);
  assert_int_equal(wf_limiter_send(limiter, "listRecord", 20, slot[20]), 1170);
  assert_int_equal(wf_limiter_send(limiter, "listRecord", 20, 1170), 0);
  /* So do the next two, which the late ones held up too. */
  assert_int_equal(wf_limiter_send(limiter, "listRecord", 20, slot[21]), 1170);
  assert_int_equal(wf_limiter_send(limiter, "listRecord", 20, 1170), 0);
  assert_int_equal(wf_limiter_send(limiter, "listRecord", 20, 1170), 0);
  /* Then the slots hold again: the window now starts at 159 ms. */
  assert_int_equal(wf_limiter_send(limiter, "listRecord", 20, slot[23]), 0);
  /* Another API is not held by this one's calls. */
  assert_int_equal(wf_limiter_send(limiter, "checkinRecord", 20, 1170), 0);
}

static void
test_any_order_of_sends_keeps_every_second_within_the_rate(void **state) {
  wf_limiter_t *limiter = *state;
  /* Calls asked for at random moments go out when the limiter lets them;
   * no 21 of them may then fall within a second and the margin. */
  enum { CALLS = 2000 };
  static int64_t went[CALLS];
  unsigned seed = 7;
  int64_t now = 0;
  for (int i = 0; i < CALLS; i++) {
    seed = seed * 1103515245u + 12345u;
    now += (seed >> 16) % 40; /* 0-39 ms apart: faster than 20 a second */
    int64_t at = now;
    int64_t later;
    while ((later = wf_limiter_send(limiter, "k", 20, at)) != 0) {
      assert_true(later > at);
      at = later;
    }
    went[i] = at;
    now = at;
  }
  for (int i = 0; i + 20 < CALLS; i++)
    if (went[i + 20] - went[i] < 1050)
      fail_msg("calls %d and %d went out %lld ms apart", i, i + 20,
               (long long)(went[i + 20] - went[i]));
}

static void test_slow_rates_are_left_to_the_spacing(void **state) {
  wf_limiter_t *limiter = *state;
  for (int i = 0; i < 5; i++)
    assert_int_equal(wf_limiter_send(limiter, "slow", 0.5, 0), 0);
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
      LIMITER_TEST(test_calls_on_time_are_never_held),
      LIMITER_TEST(test_a_late_call_does_not_bunch_with_later_ones),
      LIMITER_TEST(test_any_order_of_sends_keeps_every_second_within_the_rate),
      LIMITER_TEST(test_slow_rates_are_left_to_the_spacing),
  };
  return cmocka_run_group_tests_name("wf_ratelimit", tests, NULL, NULL);
}
