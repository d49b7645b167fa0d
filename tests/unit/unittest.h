/**
 * collectd-workforce - tests/unit/unittest.h
 * SPDX-License-Identifier: MIT
 *
 * What every unit test includes: cmocka with the headers it needs first,
 * assertions that print times readably, and a reader for the fixtures in
 * tests/data/.
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

#endif /* UNITTEST_H */
