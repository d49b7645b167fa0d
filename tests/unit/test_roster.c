/**
 * collectd-workforce - tests/unit/test_roster.c
 * SPDX-License-Identifier: MIT
 *
 * The roster (src/wf_roster.c): ids handed out in groups of the size asked
 * while they are still being read, each id once, the last short group only
 * once the read is complete, a failed read reaching every reader, and
 * readers in other threads woken as ids arrive.
 **/
#include "unittest.h"

#include "wf_roster.h"

#include <pthread.h>
#include <stdio.h>

static int setup(void **state) {
  *state = wf_roster_create();
  return (*state != NULL) ? 0 : -1;
}

static int teardown(void **state) {
  wf_roster_unref(*state);
  return 0;
}

/* Adds "u<first>" .. "u<last>". */
static void add_range(wf_roster_t *roster, int first, int last) {
  char id[32];
  for (int i = first; i <= last; i++) {
    snprintf(id, sizeof(id), "u%d", i);
    assert_int_equal(wf_roster_add(roster, id), 0);
  }
}

/* A reader of the roster: its place, the group it was handed last and
 * why the read failed. */
typedef struct {
  size_t next;
  wf_strlist_t group;
  wf_error_t err;
} reader_t;

static const char *status_name(wf_roster_status_t status) {
  switch (status) {
  case WF_ROSTER_GROUP:
    return "WF_ROSTER_GROUP";
  case WF_ROSTER_WAIT:
    return "WF_ROSTER_WAIT";
  case WF_ROSTER_END:
    return "WF_ROSTER_END";
  case WF_ROSTER_FAILED:
    return "WF_ROSTER_FAILED";
  }
  return "an unknown status";
}

/* Asks for a group of `size` ids at the reader's place, waiting up to
 * `wait_ms`, and fails the test unless the answer is `expected`. */
static void expect_next(wf_roster_t *roster, reader_t *r, size_t size,
                        long wait_ms, wf_roster_status_t expected) {
  size_t at = r->next;
  wf_roster_status_t status =
      wf_roster_next(roster, &r->next, size, wait_ms, &r->group, &r->err);
  if (status != expected)
    fail_msg("a group of %zu from %zu: %s, not %s", size, at,
             status_name(status), status_name(expected));
}

static void test_groups_of_the_size_asked(void **state) {
  wf_roster_t *roster = *state;
  reader_t r = {0};

  add_range(roster, 1, 7);
  expect_next(roster, &r, 3, 0, WF_ROSTER_GROUP);
  assert_int_equal(r.group.count, 3);
  assert_string_equal(r.group.items[0], "u1");
  assert_string_equal(r.group.items[2], "u3");
  expect_next(roster, &r, 3, 0, WF_ROSTER_GROUP);
  assert_string_equal(r.group.items[0], "u4");
  /* One id left: not a group while more may come. */
  expect_next(roster, &r, 3, 0, WF_ROSTER_WAIT);
  assert_int_equal(r.group.count, 0);
  assert_int_equal(r.next, 6);

  int64_t counts[WF_HR_COUNT] = {4, 3, 0, 0, 1};
  wf_roster_finish(roster, NULL, counts);
  expect_next(roster, &r, 3, 0, WF_ROSTER_GROUP);
  assert_int_equal(r.group.count, 1);
  assert_string_equal(r.group.items[0], "u7");
  expect_next(roster, &r, 3, -1, WF_ROSTER_END);
  wf_strlist_free(&r.group);
}

static void test_each_id_once(void **state) {
  wf_roster_t *roster = *state;
  reader_t r = {0};
  size_t ids = 0;

  add_range(roster, 1, 5);
  add_range(roster, 3, 8); /* a list that shifted while it was paged */
  int64_t counts[WF_HR_COUNT] = {8, 0, 0, 0, 0};
  wf_roster_finish(roster, NULL, counts);
  expect_next(roster, &r, 100, 0, WF_ROSTER_GROUP);
  assert_int_equal(r.group.count, 8);
  for (size_t i = 0; i < r.group.count; i++)
    for (size_t j = i + 1; j < r.group.count; j++)
      assert_string_not_equal(r.group.items[i], r.group.items[j]);
  assert_int_equal(wf_roster_wait(roster, NULL, &ids, &r.err), 0);
  assert_int_equal(ids, 8);
  wf_strlist_free(&r.group);
}

static void test_readers_keep_their_own_place(void **state) {
  wf_roster_t *roster = *state;
  reader_t attendance = {0};
  reader_t signins = {0};

  add_range(roster, 1, 50);
  expect_next(roster, &attendance, 50, 0, WF_ROSTER_GROUP);
  for (int k = 0; k < 5; k++)
    expect_next(roster, &signins, 10, 0, WF_ROSTER_GROUP);
  assert_string_equal(signins.group.items[9], "u50");
  assert_int_equal(attendance.next, 50);
  assert_int_equal(signins.next, 50);
  wf_strlist_free(&attendance.group);
  wf_strlist_free(&signins.group);
}

static void test_failure_reaches_every_reader(void **state) {
  wf_roster_t *roster = *state;
  reader_t r = {0};
  wf_error_t failure;

  add_range(roster, 1, 20);
  wf_error_set(&failure, WF_ERR_THROTTLED, "queryonjob", "too fast");
  wf_roster_finish(roster, &failure, NULL);
  /* Later finishes change nothing: the first one counts. */
  int64_t counts[WF_HR_COUNT] = {20, 0, 0, 0, 0};
  wf_roster_finish(roster, NULL, counts);
  assert_true(wf_roster_finished(roster));

  /* Ids read before the failure are not handed out: the values of a
   * partial list would be wrong. */
  wf_error_clear(&r.err);
  expect_next(roster, &r, 10, 0, WF_ROSTER_FAILED);
  assert_int_equal(r.err.kind, WF_ERR_THROTTLED);
  assert_string_equal(r.err.endpoint, "queryonjob");
  wf_error_clear(&r.err);
  assert_int_equal(wf_roster_wait(roster, counts, NULL, &r.err), -1);
  assert_int_equal(r.err.kind, WF_ERR_THROTTLED);
  wf_strlist_free(&r.group);
}

static void test_counts_of_a_complete_read(void **state) {
  wf_roster_t *roster = *state;
  int64_t counts[WF_HR_COUNT] = {3, 2, 1, 0, 4};
  int64_t seen[WF_HR_COUNT] = {0};
  wf_error_t err;
  size_t ids = 99;

  add_range(roster, 1, 6);
  wf_roster_finish(roster, NULL, counts);
  assert_int_equal(wf_roster_wait(roster, seen, &ids, &err), 0);
  assert_memory_equal(seen, counts, sizeof(counts));
  assert_int_equal(ids, 6);
}

static void test_wait_ends_after_its_time(void **state) {
  wf_roster_t *roster = *state;
  reader_t r = {0};

  add_range(roster, 1, 2);
  expect_next(roster, &r, 10, 30, WF_ROSTER_WAIT);
  assert_int_equal(r.next, 0);
  wf_strlist_free(&r.group);
}

/* A reader of the employee lists in another thread: adds ids a few at a
 * time, then finishes. */
static void *fill(void *arg) {
  wf_roster_t *roster = arg;
  for (int first = 1; first <= 95; first += 5) {
    add_range(roster, first, first + 4);
    struct timespec pause = {0, 1000000};
    nanosleep(&pause, NULL);
  }
  int64_t counts[WF_HR_COUNT] = {95, 0, 0, 0, 0};
  wf_roster_finish(roster, NULL, counts);
  wf_roster_unref(roster);
  return NULL;
}

static void test_reader_in_another_thread(void **state) {
  wf_roster_t *roster = *state;
  reader_t r = {0};
  size_t taken = 0;
  size_t groups = 0;
  pthread_t thread;

  assert_int_equal(pthread_create(&thread, NULL, fill, wf_roster_ref(roster)),
                   0);
  wf_roster_status_t status;
  while ((status = wf_roster_next(roster, &r.next, 10, -1, &r.group, &r.err)) ==
         WF_ROSTER_GROUP) {
    groups++;
    taken += r.group.count;
    /* Full groups only, but for the last. */
    assert_true(r.group.count == 10 || taken == 95);
  }
  assert_int_equal(status, WF_ROSTER_END);
  assert_int_equal(taken, 95);
  assert_int_equal(groups, 10);
  pthread_join(thread, NULL);
  wf_strlist_free(&r.group);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_groups_of_the_size_asked, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_each_id_once, setup, teardown),
      cmocka_unit_test_setup_teardown(test_readers_keep_their_own_place, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_failure_reaches_every_reader, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_counts_of_a_complete_read, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_wait_ends_after_its_time, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_reader_in_another_thread, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
