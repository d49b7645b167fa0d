/**
 * collectd-workforce - tests/unit/unittest.h
 * SPDX-License-Identifier: MIT
 *
 * What every unit test includes: cmocka with the headers it needs first,
 * assertions that print times readably, a reader for the fixtures in
 * tests/data/, and a test list with one test per row of a table.
 **/
#ifndef UNITTEST_H
#define UNITTEST_H

/* cmocka.h relies on these being included before it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Writes `t` as "2024-03-09T16:00:00Z (1710000000)" without using the
 * product's own formatter, so a failure shows both sides as dates. */
static inline const char *unittest_time_text(time_t t, char *buffer,
                                             size_t size) {
  struct tm tm;
  char date[32] = "out of range";
  if (gmtime_r(&t, &tm) != NULL)
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
  snprintf(buffer, size, "%s (%lld)", date, (long long)t);
  return buffer;
}

/* Asserts that two time_t values are equal, printing both as dates. */
#define assert_time_equal(actual, expected)                                    \
  do {                                                                         \
    char actual_text_[64];                                                     \
    char expected_text_[64];                                                   \
    assert_string_equal(                                                       \
        unittest_time_text((actual), actual_text_, sizeof(actual_text_)),      \
        unittest_time_text((expected), expected_text_,                         \
                           sizeof(expected_text_)));                           \
  } while (0)

/* Reads a whole file into a NUL-terminated buffer to free(). Fails the
 * test when the file cannot be read. */
static inline char *unittest_read_file(const char *path, size_t *size) {
  FILE *fh = fopen(path, "rb");
  if (fh == NULL)
    fail_msg("cannot open %s: errno %d", path, errno);
  char *text = NULL;
  size_t used = 0;
  size_t capacity = 0;
  for (;;) {
    if (used + 4096 + 1 > capacity) {
      capacity = 2 * capacity + 4096 + 1;
      char *tmp = realloc(text, capacity);
      if (tmp == NULL) {
        free(text);
        fclose(fh);
        fail_msg("out of memory reading %s", path);
      }
      text = tmp;
    }
    size_t n = fread(text + used, 1, 4096, fh);
    used += n;
    if (n < 4096)
      break;
  }
  int read_error = ferror(fh);
  fclose(fh);
  if (read_error) {
    free(text);
    fail_msg("cannot read %s", path);
  }
  text[used] = '\0';
  *size = used;
  return text;
}

/* Fills `tests`, an array of exactly as many tests as `fixed` and `rows`
 * have together, with the tests of the array `fixed`, then one test of `run`
 * per row of the array `rows`: named after the row's `name` and given the
 * row as its state (`*state` in `run`). */
#define unittest_row_tests(tests, fixed, rows, run)                            \
  do {                                                                         \
    _Static_assert(sizeof(tests) / sizeof((tests)[0]) ==                       \
                       sizeof(fixed) / sizeof((fixed)[0]) +                    \
                           sizeof(rows) / sizeof((rows)[0]),                   \
                   "tests holds the fixed tests and one per row");             \
    size_t n_ = 0;                                                             \
    for (size_t i_ = 0; i_ < sizeof(fixed) / sizeof((fixed)[0]); i_++)         \
      (tests)[n_++] = (fixed)[i_];                                             \
    for (size_t i_ = 0; i_ < sizeof(rows) / sizeof((rows)[0]); i_++)           \
      (tests)[n_++] =                                                          \
          (struct CMUnitTest){.name = (rows)[i_].name,                         \
                              .test_func = (run),                              \
                              .initial_state = (void *)&(rows)[i_]};           \
  } while (0)

#endif /* UNITTEST_H */
