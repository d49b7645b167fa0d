/**
 * collectd-workforce - tests/unit/test_token.c
 * SPDX-License-Identifier: MIT
 *
 * The access token cache (src/wf_token.c) against a fake clock: the
 * current time is a plain number the test moves.
 **/
#include "unittest.h"

#include "wf_token.h"

#include <stdlib.h>
#include <string.h>

/* An arbitrary "now": 2024-03-09T16:00:00Z. */
#define T0 ((time_t)1710000000)

static int setup(void **state) {
  wf_token_t *token = calloc(1, sizeof(*token));
  if (token == NULL)
    return -1;
  *state = token;
  return 0;
}

static int teardown(void **state) {
  wf_token_t *token = *state;
  wf_token_drop(token);
  free(token);
  return 0;
}

static void test_empty_cache_is_not_usable(void **state) {
  wf_token_t *token = *state;
  assert_false(wf_token_usable(token, 0));
  assert_false(wf_token_usable(token, T0));
  /* Even at a time before refresh_at (0), no value means no token. */
  assert_false(wf_token_usable(token, -1));
}

static void test_two_hour_token_refreshes_five_minutes_early(void **state) {
  wf_token_t *token = *state;
  assert_int_equal(wf_token_store(token, "tok-A", T0, 7200), 0);
  assert_non_null(token->value);
  assert_string_equal(token->value, "tok-A");
  assert_time_equal(token->expires, T0 + 7200);
  assert_time_equal(token->refresh_at, T0 + 7200 - WF_TOKEN_MAX_MARGIN);

  assert_true(wf_token_usable(token, T0));
  assert_true(wf_token_usable(token, T0 + 3600));
  assert_true(wf_token_usable(token, T0 + 7200 - 300 - 1));
  assert_false(wf_token_usable(token, T0 + 7200 - 300));
  assert_false(wf_token_usable(token, T0 + 7200));
  assert_false(wf_token_usable(token, T0 + 86400));
}

static void test_short_token_refreshes_a_quarter_early(void **state) {
  wf_token_t *token = *state;
  /* expires_in 4: a quarter is 1 second, so it is refreshed at t+3. */
  assert_int_equal(wf_token_store(token, "tok-short", T0, 4), 0);
  assert_time_equal(token->refresh_at, T0 + 3);
  assert_true(wf_token_usable(token, T0 + 2));
  assert_false(wf_token_usable(token, T0 + 3));

  /* 1000 seconds: a quarter (250) is below the 300 second cap. */
  assert_int_equal(wf_token_store(token, "tok-1000", T0, 1000), 0);
  assert_time_equal(token->refresh_at, T0 + 750);

  /* 1 second: a quarter rounds to 0, usable until it expires. */
  assert_int_equal(wf_token_store(token, "tok-1", T0, 1), 0);
  assert_true(wf_token_usable(token, T0));
  assert_false(wf_token_usable(token, T0 + 1));
}

static void test_store_rejects_bad_tokens(void **state) {
  wf_token_t *token = *state;
  assert_int_equal(wf_token_store(token, "tok", T0, 0), -1);
  assert_null(token->value);
  assert_int_equal(wf_token_store(token, "tok", T0, -7200), -1);
  assert_null(token->value);
  assert_int_equal(wf_token_store(token, "", T0, 7200), -1);
  assert_null(token->value);
  assert_int_equal(wf_token_store(token, NULL, T0, 7200), -1);
  assert_null(token->value);
  assert_false(wf_token_usable(token, T0));
}

static void test_failed_store_empties_the_cache(void **state) {
  wf_token_t *token = *state;
  assert_int_equal(wf_token_store(token, "tok-good", T0, 7200), 0);
  assert_int_equal(wf_token_store(token, NULL, T0 + 10, 7200), -1);
  assert_null(token->value);
  assert_false(wf_token_usable(token, T0 + 10));
}

static void test_drop_empties(void **state) {
  wf_token_t *token = *state;
  assert_int_equal(wf_token_store(token, "tok-A", T0, 7200), 0);
  wf_token_drop(token);
  assert_null(token->value);
  assert_int_equal(token->expires, 0);
  assert_int_equal(token->refresh_at, 0);
  assert_false(wf_token_usable(token, T0));
  /* Dropping an empty cache is harmless. */
  wf_token_drop(token);
  assert_null(token->value);
}

static void test_restore_replaces(void **state) {
  wf_token_t *token = *state;
  assert_int_equal(wf_token_store(token, "tok-old", T0, 7200), 0);
  assert_int_equal(wf_token_store(token, "tok-new", T0 + 7000, 7200), 0);
  assert_string_equal(token->value, "tok-new");
  assert_time_equal(token->expires, T0 + 7000 + 7200);
  /* The new token is usable past the old one's refresh time. */
  assert_true(wf_token_usable(token, T0 + 7200));
  assert_false(wf_token_usable(token, T0 + 7000 + 6900));
}

static void test_store_copies_the_value(void **state) {
  wf_token_t *token = *state;
  char value[] = "tok-copied";
  assert_int_equal(wf_token_store(token, value, T0, 7200), 0);
  assert_ptr_not_equal(token->value, value);
  value[0] = 'X';
  assert_string_equal(token->value, "tok-copied");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_empty_cache_is_not_usable, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_two_hour_token_refreshes_five_minutes_early, setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_short_token_refreshes_a_quarter_early, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_rejects_bad_tokens, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_failed_store_empties_the_cache,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_drop_empties, setup, teardown),
      cmocka_unit_test_setup_teardown(test_restore_replaces, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_copies_the_value, setup,
                                      teardown),
  };
  return cmocka_run_group_tests_name("wf_token", tests, NULL, NULL);
}
