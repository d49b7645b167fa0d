/**
 * collectd-workforce - tests/unit/test_pager.c
 * SPDX-License-Identifier: MIT
 *
 * The paging guard (src/wf_pager.c) in its three kinds of paging: the
 * answer's cursor, an offset moved by the records each page held, and page
 * numbers read until an empty page. Pages shorter than asked are normal;
 * a repeated cursor, a page that promises more but holds nothing, and too
 * many pages end the list with an error.
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

/* A page of a cursor-paged list whose answer named `cursor` (NULL: none). */
static wf_page_t cursor_page(const char *cursor) {
  wf_page_t page = {.records = 1};
  snprintf(page.cursor, sizeof(page.cursor), "%s",
           (cursor != NULL) ? cursor : "");
  return page;
}

/* A page that held `records` records and said has_more `more`. */
static wf_page_t counted_page(size_t records, bool more) {
  wf_page_t page = {.records = records, .more = more};
  return page;
}

/* Turns a cursor-paged list by an answer naming `cursor`. */
static wf_page_status_t turn_cursor(wf_pager_t *pager, const char *cursor) {
  wf_page_t page = cursor_page(cursor);
  return wf_pager_turn(pager, &page);
}

/* Turns a list by a page of `records` records and has_more `more`. */
static wf_page_status_t turn_counted(wf_pager_t *pager, size_t records,
                                     bool more) {
  wf_page_t page = counted_page(records, more);
  return wf_pager_turn(pager, &page);
}

static void test_cursor_sequence_ends_without_cursor(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_CURSOR, 10, "0"),
                   WF_PAGE_MORE);
  assert_string_equal(wf_pager_cursor(pager), "0");
  assert_int_equal(wf_pager_pages(pager), 1);
  assert_int_equal(turn_cursor(pager, "50"), WF_PAGE_MORE);
  assert_string_equal(wf_pager_cursor(pager), "50");
  /* A short page's cursor is followed as it is, not rounded to a page. */
  assert_int_equal(turn_cursor(pager, "63"), WF_PAGE_MORE);
  assert_string_equal(wf_pager_cursor(pager), "63");
  assert_int_equal(wf_pager_pages(pager), 3);
  assert_int_equal(turn_cursor(pager, NULL), WF_PAGE_DONE);
  /* The end does not count as a page. */
  assert_int_equal(wf_pager_pages(pager), 3);
}

static void test_cursor_opaque_tokens(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_CURSOR, 10, "0"),
                   WF_PAGE_MORE);
  assert_int_equal(turn_cursor(pager, "A1F3"), WF_PAGE_MORE);
  assert_string_equal(wf_pager_cursor(pager), "A1F3");
  assert_int_equal(turn_cursor(pager, ""), WF_PAGE_DONE);
  assert_int_equal(wf_pager_pages(pager), 2);
}

static void test_cursor_empty_page_with_cursor_goes_on(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_CURSOR, 10, "0"),
                   WF_PAGE_MORE);
  /* A page may hold nothing and still point further; the repeat guard,
   * not the page's length, stops a list that goes nowhere. */
  wf_page_t page = cursor_page("7");
  page.records = 0;
  assert_int_equal(wf_pager_turn(pager, &page), WF_PAGE_MORE);
  assert_string_equal(wf_pager_cursor(pager), "7");
}

static void test_cursor_single_page(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_CURSOR, 1, "0"),
                   WF_PAGE_MORE);
  assert_int_equal(turn_cursor(pager, NULL), WF_PAGE_DONE);
  assert_int_equal(wf_pager_pages(pager), 1);
}

static void test_cursor_repeating(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_CURSOR, 10, "0"),
                   WF_PAGE_MORE);
  assert_int_equal(turn_cursor(pager, "A"), WF_PAGE_MORE);
  assert_int_equal(turn_cursor(pager, "B"), WF_PAGE_MORE);
  assert_int_equal(turn_cursor(pager, "A"), WF_PAGE_REPEAT);
  /* The repeat is not a page that was requested. */
  assert_int_equal(wf_pager_pages(pager), 3);
}

static void test_cursor_equal_to_first_repeats(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_CURSOR, 10, "0"),
                   WF_PAGE_MORE);
  assert_int_equal(turn_cursor(pager, "0"), WF_PAGE_REPEAT);
  assert_int_equal(wf_pager_pages(pager), 1);
}

static void test_cursor_repeating_itself_at_once(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_CURSOR, 10, "0"),
                   WF_PAGE_MORE);
  assert_int_equal(turn_cursor(pager, "50"), WF_PAGE_MORE);
  assert_int_equal(turn_cursor(pager, "50"), WF_PAGE_REPEAT);
}

static void test_cursor_too_many_pages(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_CURSOR, 3, "0"),
                   WF_PAGE_MORE);
  assert_int_equal(turn_cursor(pager, "50"), WF_PAGE_MORE);
  assert_int_equal(turn_cursor(pager, "100"), WF_PAGE_MORE);
  assert_int_equal(wf_pager_pages(pager), 3);
  /* A fourth page would pass the limit of 3. */
  assert_int_equal(turn_cursor(pager, "150"), WF_PAGE_TOO_MANY);
  assert_int_equal(wf_pager_pages(pager), 3);
  /* The end of the list is still recognised at the limit. */
  assert_int_equal(turn_cursor(pager, NULL), WF_PAGE_DONE);
}

static void test_zero_max_pages_means_one(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_CURSOR, 0, "0"),
                   WF_PAGE_MORE);
  assert_int_equal(turn_cursor(pager, "50"), WF_PAGE_TOO_MANY);
}

static void test_offset_moves_by_records_returned(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_OFFSET, 100, "0"),
                   WF_PAGE_MORE);
  /* Asked for 200, the platform sends 50: the next page starts at 50, not
   * at 200, or records 50-199 would never be read. */
  assert_int_equal(turn_counted(pager, 50, true), WF_PAGE_MORE);
  assert_string_equal(wf_pager_cursor(pager), "50");
  /* Pages of any length are followed. */
  assert_int_equal(turn_counted(pager, 1, true), WF_PAGE_MORE);
  assert_string_equal(wf_pager_cursor(pager), "51");
  assert_int_equal(turn_counted(pager, 37, true), WF_PAGE_MORE);
  assert_string_equal(wf_pager_cursor(pager), "88");
  assert_int_equal(turn_counted(pager, 12, false), WF_PAGE_DONE);
  assert_int_equal(wf_pager_pages(pager), 4);
}

static void test_offset_empty_page_with_has_more_is_an_error(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_OFFSET, 100, "0"),
                   WF_PAGE_MORE);
  assert_int_equal(turn_counted(pager, 50, true), WF_PAGE_MORE);
  /* Asking again at the same offset would loop forever. */
  assert_int_equal(turn_counted(pager, 0, true), WF_PAGE_EMPTY);
  assert_string_equal(wf_pager_cursor(pager), "50");
  assert_int_equal(wf_pager_pages(pager), 2);
}

static void test_offset_empty_last_page(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_OFFSET, 100, "0"),
                   WF_PAGE_MORE);
  /* No records and no more: an empty list, read completely. */
  assert_int_equal(turn_counted(pager, 0, false), WF_PAGE_DONE);
  assert_int_equal(wf_pager_pages(pager), 1);
}

static void test_offset_too_many_pages(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_OFFSET, 2, "0"),
                   WF_PAGE_MORE);
  assert_int_equal(turn_counted(pager, 50, true), WF_PAGE_MORE);
  assert_int_equal(turn_counted(pager, 50, true), WF_PAGE_TOO_MANY);
}

static void test_number_reads_until_an_empty_page(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_NUMBER, 100, "1"),
                   WF_PAGE_MORE);
  assert_string_equal(wf_pager_cursor(pager), "1");
  assert_int_equal(turn_counted(pager, 30, false), WF_PAGE_MORE);
  assert_string_equal(wf_pager_cursor(pager), "2");
  /* A page shorter than asked does not end the list. */
  assert_int_equal(turn_counted(pager, 4, false), WF_PAGE_MORE);
  assert_string_equal(wf_pager_cursor(pager), "3");
  assert_int_equal(turn_counted(pager, 0, false), WF_PAGE_DONE);
  assert_int_equal(wf_pager_pages(pager), 3);
}

static void test_number_too_many_pages(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_NUMBER, 2, "1"),
                   WF_PAGE_MORE);
  assert_int_equal(turn_counted(pager, 30, false), WF_PAGE_MORE);
  assert_int_equal(turn_counted(pager, 30, false), WF_PAGE_TOO_MANY);
}

static void test_many_pages_then_free(void **state) {
  wf_pager_t *pager = *state;
  assert_int_equal(wf_pager_start(pager, WF_PAGING_CURSOR, 1000, "0"),
                   WF_PAGE_MORE);
  for (int i = 1; i < 1000; i++) {
    char cursor[16];
    snprintf(cursor, sizeof(cursor), "%d", i * 50);
    assert_int_equal(turn_cursor(pager, cursor), WF_PAGE_MORE);
  }
  assert_int_equal(wf_pager_pages(pager), 1000);
  assert_int_equal(turn_cursor(pager, "50000"), WF_PAGE_TOO_MANY);
  wf_pager_free(pager);
  assert_int_equal(wf_pager_pages(pager), 0);
  assert_null(pager->seen);
}

static void test_status_text(void **state) {
  (void)state;
  static const wf_page_status_t statuses[] = {
      WF_PAGE_MORE,     WF_PAGE_DONE,  WF_PAGE_REPEAT,
      WF_PAGE_TOO_MANY, WF_PAGE_EMPTY, WF_PAGE_NOMEM,
  };
  for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
    assert_string_not_equal(wf_page_status_text(statuses[i]),
                            "unknown paging status");
  assert_non_null(strstr(wf_page_status_text(WF_PAGE_TOO_MANY), "MaxPages"));
  assert_non_null(strstr(wf_page_status_text(WF_PAGE_EMPTY), "none"));
}

#define PAGER_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      PAGER_TEST(test_cursor_sequence_ends_without_cursor),
      PAGER_TEST(test_cursor_opaque_tokens),
      PAGER_TEST(test_cursor_empty_page_with_cursor_goes_on),
      PAGER_TEST(test_cursor_single_page),
      PAGER_TEST(test_cursor_repeating),
      PAGER_TEST(test_cursor_equal_to_first_repeats),
      PAGER_TEST(test_cursor_repeating_itself_at_once),
      PAGER_TEST(test_cursor_too_many_pages),
      PAGER_TEST(test_zero_max_pages_means_one),
      PAGER_TEST(test_offset_moves_by_records_returned),
      PAGER_TEST(test_offset_empty_page_with_has_more_is_an_error),
      PAGER_TEST(test_offset_empty_last_page),
      PAGER_TEST(test_offset_too_many_pages),
      PAGER_TEST(test_number_reads_until_an_empty_page),
      PAGER_TEST(test_number_too_many_pages),
      PAGER_TEST(test_many_pages_then_free),
      cmocka_unit_test(test_status_text),
  };
  return cmocka_run_group_tests_name("wf_pager", tests, NULL, NULL);
}
