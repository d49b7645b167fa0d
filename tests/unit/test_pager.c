/**
 * collectd-workforce - tests/unit/test_pager.c
 *
 * The paging guard (src/wf_pager.c): a list ends on an empty cursor, and
 * a repeated cursor or too many pages end it with an error.
 **/
#include "unittest.h"

#include "wf_pager.h"

#include <stdlib.h>
#include <string.h>

static int setup(void **state) {
  wf_pager_t *pager = calloc(1, sizeof(*pager));
  if (pager == NULL)
    return -1;
  *state = pager;
  return 0;
}

static int teardown(void **state) {
  wf_pager_t *pager = *state;
  wf_pager_free(pager);
  free(pager);
  return 0;
}

static void test_sequence_ends_on_null(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, 10, "0"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_pages(pager), 1);
  assert_int_equal(wf_pager_next(pager, "50"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, "100"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_pages(pager), 3);
  assert_int_equal(wf_pager_next(pager, NULL), WF_PAGE_DONE);
  /* The end does not count as a page. */
  assert_int_equal(wf_pager_pages(pager), 3);
}

static void test_sequence_ends_on_empty_string(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, 10, NULL), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, "tokA"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, ""), WF_PAGE_DONE);
  assert_int_equal(wf_pager_pages(pager), 2);
}

static void test_single_page_list(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, 1, "0"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, NULL), WF_PAGE_DONE);
  assert_int_equal(wf_pager_pages(pager), 1);
}

static void test_repeating_cursor(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, 10, NULL), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, "A"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, "B"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, "A"), WF_PAGE_REPEAT);
  /* The repeat is not a page that was requested. */
  assert_int_equal(wf_pager_pages(pager), 3);
}

static void test_cursor_equal_to_first_repeats(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, 10, "0"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, "0"), WF_PAGE_REPEAT);
  assert_int_equal(wf_pager_pages(pager), 1);
}

static void test_cursor_repeating_itself_at_once(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, 10, "0"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, "50"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, "50"), WF_PAGE_REPEAT);
}

static void test_too_many_pages(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, 3, "0"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, "50"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, "100"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_pages(pager), 3);
  /* A fourth page would pass the limit of 3. */
  assert_int_equal(wf_pager_next(pager, "150"), WF_PAGE_TOO_MANY);
  assert_int_equal(wf_pager_pages(pager), 3);
  /* The end of the list is still recognised at the limit. */
  assert_int_equal(wf_pager_next(pager, NULL), WF_PAGE_DONE);
}

static void test_zero_max_pages_means_one(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, 0, "0"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_next(pager, "50"), WF_PAGE_TOO_MANY);
}

static void test_many_pages_then_free(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, 1000, "0"), WF_PAGE_MORE);
  for (int i = 1; i < 1000; i++) {
    char cursor[16];
    snprintf(cursor, sizeof(cursor), "%d", i * 50);
    assert_int_equal(wf_pager_next(pager, cursor), WF_PAGE_MORE);
  }
  assert_int_equal(wf_pager_pages(pager), 1000);
  assert_int_equal(wf_pager_next(pager, "50000"), WF_PAGE_TOO_MANY);
  wf_pager_free(pager);
  assert_int_equal(wf_pager_pages(pager), 0);
  assert_null(pager->seen);
}

static void test_status_text(void **state) {
  (void)state;
  static const wf_page_status_t statuses[] = {WF_PAGE_MORE, WF_PAGE_DONE,
                                              WF_PAGE_REPEAT, WF_PAGE_TOO_MANY,
                                              WF_PAGE_NOMEM};
  for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
    assert_string_not_equal(wf_page_status_text(statuses[i]),
                            "unknown paging status");
  assert_non_null(strstr(wf_page_status_text(WF_PAGE_TOO_MANY), "MaxPages"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_sequence_ends_on_null, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_sequence_ends_on_empty_string, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_single_page_list, setup, teardown),
      cmocka_unit_test_setup_teardown(test_repeating_cursor, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cursor_equal_to_first_repeats, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_cursor_repeating_itself_at_once,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_too_many_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_zero_max_pages_means_one, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_many_pages_then_free, setup,
                                      teardown),
      cmocka_unit_test(test_status_text),
  };
  return cmocka_run_group_tests_name("wf_pager", tests, NULL, NULL);
}
