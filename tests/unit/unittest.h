/**
 * collectd-workforce - tests/unit/unittest.h
 *
 * What every unit test includes: cmocka with the headers it needs first,
 * and assertions that print times readably.
 **/
#ifndef UNITTEST_H
#define UNITTEST_H

/* cmocka.h relies on these being included before it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
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

#endif /* UNITTEST_H */
