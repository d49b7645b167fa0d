/**
 * collectd-workforce - tests/unit/test_quota_file.c
 * SPDX-License-Identifier: MIT
 *
 * The monthly quota count kept across restarts (src/wf_quota_file.c), in
 * a temporary directory: where it lives, a count written and read back,
 * a missing or broken file, and a count that cannot be written.
 **/
#include "unittest.h"

#include "wf_quota_file.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  char dir[64];
  char *path;
} fixture_t;

static int setup(void **state) {
  fixture_t *f = calloc(1, sizeof(*f));
  assert_non_null(f);
  snprintf(f->dir, sizeof(f->dir), "/tmp/wf-quota-XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  f->path = wf_quota_file_path(f->dir, "acme");
  assert_non_null(f->path);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture_t *f = *state;
  unlink(f->path);
  rmdir(f->path);
  char tmp[128];
  snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
  unlink(tmp);
  rmdir(f->dir);
  free(f->path);
  free(f);
  return 0;
}

/* Writes `text` to the fixture's quota file. */
static void write_text(const fixture_t *f, const char *text) {
  FILE *fh = fopen(f->path, "w");
  assert_non_null(fh);
  fputs(text, fh);
  fclose(fh);
}

static void test_the_file_is_named_after_the_account(void **state) {
  (void)state;
  char *path = wf_quota_file_path("/var/lib/collectd", "acme");
  assert_string_equal(path, "/var/lib/collectd/workforce-acme.quota");
  free(path);
  /* No BaseDir: the current directory. */
  path = wf_quota_file_path(NULL, "acme");
  assert_string_equal(path, "./workforce-acme.quota");
  free(path);
}

static void test_a_count_survives_a_restart(void **state) {
  fixture_t *f = *state;
  wf_stats_t stats = {0};
  time_t month = 1772323200; /* 2026-03-01T00:00:00Z */
  for (int i = 0; i < 243; i++)
    wf_stats_quota_call(&stats, month);
  assert_int_equal(wf_quota_file_save(f->path, &stats), 0);
  wf_stats_free(&stats);

  size_t size = 0;
  char *text = unittest_read_file(f->path, &size);
  assert_string_equal(text, "1772323200 243\n");
  free(text);
  /* Nothing is left beside it. */
  char tmp[128];
  snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
  assert_int_equal(access(tmp, F_OK), -1);

  wf_stats_t restarted = {0};
  assert_int_equal(wf_quota_file_load(f->path, &restarted),
                   WF_QUOTA_FILE_LOADED);
  assert_int_equal(wf_stats_quota_used(&restarted, month), 243);
  /* A new month counts from 0. */
  assert_int_equal(wf_stats_quota_used(&restarted, month + 31 * 86400), 0);
  wf_stats_free(&restarted);
}

static void test_no_file_is_no_count(void **state) {
  fixture_t *f = *state;
  wf_stats_t stats = {0};
  assert_int_equal(wf_quota_file_load(f->path, &stats), WF_QUOTA_FILE_MISSING);
  assert_int_equal(wf_stats_quota_used(&stats, 0), 0);
  wf_stats_free(&stats);
}

static void test_a_broken_file_is_ignored(void **state) {
  fixture_t *f = *state;
  const char *broken[] = {
      "",        "garbage\n",      "1772323200\n", "1772323200 12 extra\n",
      "-1 12\n", "1772323200 -5\n"};
  for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
    write_text(f, broken[i]);
    wf_stats_t stats = {0};
    if (wf_quota_file_load(f->path, &stats) != WF_QUOTA_FILE_INVALID)
      fail_msg("\"%s\" was read as a count", broken[i]);
    assert_int_equal(wf_stats_quota_used(&stats, 1772323200), 0);
    wf_stats_free(&stats);
  }
}

static void test_a_count_that_cannot_be_put_in_place(void **state) {
  fixture_t *f = *state;
  /* Something that is no file where the count goes: rename fails, as
   * it would on a read-only BaseDir (which root writes anyway). */
  assert_int_equal(mkdir(f->path, 0700), 0);
  wf_stats_t stats = {0};
  wf_stats_quota_call(&stats, 1772323200);
  assert_int_equal(wf_quota_file_save(f->path, &stats), EISDIR);
  wf_stats_free(&stats);
  /* The temporary file is removed. */
  char tmp[128];
  snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
  assert_int_equal(access(tmp, F_OK), -1);
  assert_int_equal(rmdir(f->path), 0);
}

static void test_a_missing_directory_is_an_error(void **state) {
  (void)state;
  char *path = wf_quota_file_path("/nonexistent/wf-quota", "acme");
  wf_stats_t stats = {0};
  wf_stats_quota_call(&stats, 1772323200);
  assert_int_equal(wf_quota_file_save(path, &stats), ENOENT);
  wf_stats_free(&stats);
  free(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_the_file_is_named_after_the_account),
      cmocka_unit_test_setup_teardown(test_a_count_survives_a_restart, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_no_file_is_no_count, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_a_broken_file_is_ignored, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_a_count_that_cannot_be_put_in_place,
                                      setup, teardown),
      cmocka_unit_test(test_a_missing_directory_is_an_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
