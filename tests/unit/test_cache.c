/**
 * collectd-workforce - tests/unit/test_cache.c
 * SPDX-License-Identifier: MIT
 *
 * What an account keeps between polls (src/wf_cache.c): rarely changing
 * lists read again once a day, report templates that read 0 for 30 days
 * after their last report, and rejected Feishu ids reported once each.
 **/
#include "unittest.h"
#include "unittest_metrics.h"

#include "wf_cache.h"

#include <string.h>

/* 2026-03-15T02:00:00Z */
#define NOW ((time_t)1773540000)
#define DAY ((time_t)86400)

static void test_lists_are_read_again_once_a_day(void **state) {
  (void)state;
  assert_true(wf_cache_due(0, NOW));
  assert_false(wf_cache_due(NOW, NOW));
  assert_false(wf_cache_due(NOW - DAY + 1, NOW));
  assert_true(wf_cache_due(NOW - DAY, NOW));
}

static void test_leave_types_are_replaced_whole(void **state) {
  (void)state;
  wf_cache_t cache = {0};
  wf_pairs_t types = {0};
  wf_pairs_add(&types, "annual", "Annual");
  wf_pairs_add(&types, "sick", "Sick");
  wf_cache_set_leave_types(&cache, &types, NOW);
  assert_int_equal(types.count, 0);
  assert_null(types.items);
  assert_int_equal(cache.leave_types.count, 2);
  assert_int_equal(cache.leave_types_read, NOW);

  wf_pairs_add(&types, "home", "Home office");
  wf_cache_set_leave_types(&cache, &types, NOW + DAY);
  assert_int_equal(cache.leave_types.count, 1);
  assert_string_equal(cache.leave_types.items[0].code, "home");
  assert_int_equal(cache.leave_types_read, NOW + DAY);
  wf_cache_free(&cache);
}

static void test_listed_templates_read_zero(void **state) {
  (void)state;
  wf_cache_t cache = {0};
  wf_strlist_t listed = {0};
  wf_strlist_add(&listed, "daily");
  wf_strlist_add(&listed, "weekly");
  assert_int_equal(wf_cache_list_templates(&cache, &listed, NOW), 0);
  assert_int_equal(cache.templates_read, NOW);

  wf_counts_t today = {0};
  wf_counts_add(&today, "daily", 7);
  wf_metrics_t rows = {0};
  assert_int_equal(wf_cache_reports_today(&cache, &today, NOW, &rows), 0);
  assert_int_equal(rows.count, 2);
  assert_true(unittest_gauge(&rows, "reports_today", "daily") == 7);
  assert_true(unittest_gauge(&rows, "reports_today", "weekly") == 0);
  wf_metrics_free(&rows);
  wf_counts_free(&today);
  wf_strlist_free(&listed);
  wf_cache_free(&cache);
}

static void test_templates_are_forgotten_after_30_days(void **state) {
  (void)state;
  wf_cache_t cache = {0};
  wf_counts_t today = {0};
  wf_counts_add(&today, "incident", 1);
  wf_metrics_t rows = {0};
  assert_int_equal(wf_cache_reports_today(&cache, &today, NOW, &rows), 0);
  wf_metrics_free(&rows);
  wf_counts_free(&today);

  /* No report of it for 30 days: still there, at 0. */
  wf_counts_t none = {0};
  assert_int_equal(wf_cache_reports_today(&cache, &none, NOW + 30 * DAY, &rows),
                   0);
  assert_int_equal(rows.count, 1);
  assert_true(unittest_gauge(&rows, "reports_today", "incident") == 0);
  wf_metrics_free(&rows);

  /* A second more: gone. */
  assert_int_equal(
      wf_cache_reports_today(&cache, &none, NOW + 30 * DAY + 1, &rows), 0);
  assert_int_equal(rows.count, 0);
  wf_metrics_free(&rows);
  wf_cache_free(&cache);
}

static void test_rejected_ids_are_reported_once(void **state) {
  (void)state;
  wf_cache_t cache = {0};
  wf_strlist_t ids = {0};
  wf_strlist_add(&ids, "u1");
  wf_strlist_add(&ids, "u2");
  wf_strlist_add(&ids, "u1");

  wf_strlist_t fresh = {0};
  assert_int_equal(wf_cache_unreported(&cache, &ids, &fresh), 0);
  assert_int_equal(fresh.count, 2);
  assert_string_equal(fresh.items[0], "u1");
  assert_string_equal(fresh.items[1], "u2");
  wf_strlist_free(&fresh);

  wf_strlist_add(&ids, "u3");
  assert_int_equal(wf_cache_unreported(&cache, &ids, &fresh), 0);
  assert_int_equal(fresh.count, 1);
  assert_string_equal(fresh.items[0], "u3");
  wf_strlist_free(&fresh);

  assert_int_equal(wf_cache_unreported(&cache, &ids, &fresh), 0);
  assert_int_equal(fresh.count, 0);
  wf_strlist_free(&fresh);
  wf_strlist_free(&ids);
  wf_cache_free(&cache);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lists_are_read_again_once_a_day),
      cmocka_unit_test(test_leave_types_are_replaced_whole),
      cmocka_unit_test(test_listed_templates_read_zero),
      cmocka_unit_test(test_templates_are_forgotten_after_30_days),
      cmocka_unit_test(test_rejected_ids_are_reported_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
