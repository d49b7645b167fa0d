/**
 * collectd-workforce - tests/unit/test_time.c
 * SPDX-License-Identifier: MIT
 *
 * Calendar arithmetic at a fixed UTC offset (src/wf_time.c). Expected
 * instants are written as epoch seconds computed outside the product, with
 * the date they stand for in a comment.
 **/
#include "unittest.h"

#include "wf_time.h"

#include <string.h>

#define HOUR 3600
#define PLUS_0800 (8 * HOUR)
#define MINUS_0500 (-5 * HOUR)

/* 2024-03-09T16:00:00Z, which is 2024-03-10T00:00:00+08:00. */
#define MIDNIGHT_MAR10_PLUS8 ((time_t)1710000000)
/* 2024-03-10T05:00:00Z, which is 2024-03-10T00:00:00-05:00. */
#define MIDNIGHT_MAR10_MINUS5 ((time_t)1710046800)
/* 2024-03-10T00:00:00Z. */
#define MIDNIGHT_MAR10_UTC ((time_t)1710028800)

/* Parses an offset that must be accepted and returns its seconds. */
static int offset_of(const char *text) {
  int offset = -99999;
  assert_int_equal(wf_utc_offset_parse(text, &offset), 0);
  return offset;
}

static void test_utc_offset_parse_accepts_documented_forms(void **state) {
  (void)state;
  assert_int_equal(offset_of("+08:00"), 8 * HOUR);
  assert_int_equal(offset_of("-05:30"), -(5 * HOUR + 30 * 60));
  assert_int_equal(offset_of("+0800"), 8 * HOUR);
  assert_int_equal(offset_of("+8"), 8 * HOUR);
  assert_int_equal(offset_of("+05:45"), 5 * HOUR + 45 * 60);
  assert_int_equal(offset_of("Z"), 0);
  assert_int_equal(offset_of("UTC"), 0);
  assert_int_equal(offset_of("utc"), 0);
  /* The ends of the documented range. */
  assert_int_equal(offset_of("+14:00"), 14 * HOUR);
  assert_int_equal(offset_of("-12:00"), -12 * HOUR);
}

static void test_utc_offset_parse_rejects_bad_text(void **state) {
  (void)state;
  static const char *const bad[] = {
      "+25:00", /* out of range */
      "+14:30", /* past +14:00 */
      "-12:30", /* past -12:00 */
      "08:00",  /* no sign */
      "+08:60", /* minutes */
      "",        "+",      "+08:",  "+08:0",   "+800",
      "+08:00x", "+08 00", "UTC+8", " +08:00",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int offset = 12345;
    if (wf_utc_offset_parse(bad[i], &offset) != -1)
      fail_msg("wf_utc_offset_parse accepted \"%s\"", bad[i]);
    /* A refused text leaves the output alone. */
    assert_int_equal(offset, 12345);
  }
  int offset = 0;
  assert_int_equal(wf_utc_offset_parse(NULL, &offset), -1);
  assert_int_equal(wf_utc_offset_parse("+08:00", NULL), -1);
}

static void test_day_start_at_plus_0800(void **state) {
  (void)state;
  time_t midnight = MIDNIGHT_MAR10_PLUS8;
  assert_time_equal(wf_day_start(midnight, PLUS_0800), midnight);
  assert_time_equal(wf_day_start(midnight + 1, PLUS_0800), midnight);
  /* 23:59:59 local is still the same day... */
  assert_time_equal(wf_day_start(midnight + WF_SECONDS_PER_DAY - 1, PLUS_0800),
                    midnight);
  /* ...and one second before midnight is the day before, although the
   * UTC date (2024-03-09) is the same on both sides. */
  assert_time_equal(wf_day_start(midnight - 1, PLUS_0800),
                    midnight - WF_SECONDS_PER_DAY);
}

static void test_day_start_at_minus_0500(void **state) {
  (void)state;
  time_t midnight = MIDNIGHT_MAR10_MINUS5;
  assert_time_equal(wf_day_start(midnight, MINUS_0500), midnight);
  assert_time_equal(wf_day_start(midnight + WF_SECONDS_PER_DAY - 1, MINUS_0500),
                    midnight);
  assert_time_equal(wf_day_start(midnight - 1, MINUS_0500),
                    midnight - WF_SECONDS_PER_DAY);
  /* 2024-03-10T02:00:00Z is still 2024-03-09 at -05:00. */
  assert_time_equal(wf_day_start(MIDNIGHT_MAR10_UTC + 2 * HOUR, MINUS_0500),
                    midnight - WF_SECONDS_PER_DAY);
}

static void test_day_start_at_utc(void **state) {
  (void)state;
  time_t midnight = MIDNIGHT_MAR10_UTC;
  assert_time_equal(wf_day_start(midnight, 0), midnight);
  assert_time_equal(wf_day_start(midnight + 12 * HOUR, 0), midnight);
  assert_time_equal(wf_day_start(midnight - 1, 0),
                    midnight - WF_SECONDS_PER_DAY);
  /* Before the epoch the day still starts at the earlier midnight. */
  assert_time_equal(wf_day_start(-1, 0), -WF_SECONDS_PER_DAY);
  assert_time_equal(wf_day_start(0, 0), 0);
}

static void test_month_start_at_utc_december_to_january(void **state) {
  (void)state;
  /* 2024-12-31T20:00:00Z */
  time_t now = 1735675200;
  /* 2024-12-01T00:00:00Z and 2025-01-01T00:00:00Z */
  assert_time_equal(wf_month_start(now, 0), 1733011200);
  assert_time_equal(wf_next_month_start(now, 0), 1735689600);
}

static void test_month_start_at_plus_0800_local_month_differs(void **state) {
  (void)state;
  /* 2024-12-31T20:00:00Z is 2025-01-01T04:00:00+08:00: December in UTC,
   * January locally. */
  time_t now = 1735675200;
  /* 2025-01-01T00:00:00+08:00 = 2024-12-31T16:00:00Z */
  assert_time_equal(wf_month_start(now, PLUS_0800), 1735660800);
  /* 2025-02-01T00:00:00+08:00 = 2025-01-31T16:00:00Z */
  assert_time_equal(wf_next_month_start(now, PLUS_0800), 1738339200);
  /* The first local instant of the month belongs to it. */
  assert_time_equal(wf_month_start(1735660800, PLUS_0800), 1735660800);
  /* One second earlier is still December locally. */
  /* 2024-12-01T00:00:00+08:00 = 2024-11-30T16:00:00Z */
  assert_time_equal(wf_month_start(1735660800 - 1, PLUS_0800),
                    1733011200 - PLUS_0800);
  assert_time_equal(wf_next_month_start(1735660800 - 1, PLUS_0800), 1735660800);
}

static void test_month_start_at_minus_0500_december_to_january(void **state) {
  (void)state;
  /* 2025-01-01T03:00:00Z is 2024-12-31T22:00:00-05:00: January in UTC,
   * December locally. */
  time_t now = 1735700400;
  /* 2024-12-01T05:00:00Z and 2025-01-01T05:00:00Z */
  assert_time_equal(wf_month_start(now, MINUS_0500), 1733029200);
  assert_time_equal(wf_next_month_start(now, MINUS_0500), 1735707600);
}

static void test_rfc3339_format(void **state) {
  (void)state;
  char buffer[32];
  assert_int_equal(wf_rfc3339_format(0, buffer, sizeof(buffer)), 0);
  assert_string_equal(buffer, "1970-01-01T00:00:00Z");
  assert_int_equal(wf_rfc3339_format(1717257600, buffer, sizeof(buffer)), 0);
  assert_string_equal(buffer, "2024-06-01T16:00:00Z");
  /* 20 characters and the NUL: 20 bytes are too few. */
  char small[20];
  assert_int_equal(wf_rfc3339_format(1717257600, small, sizeof(small)), -1);
  char exact[21];
  assert_int_equal(wf_rfc3339_format(1717257600, exact, sizeof(exact)), 0);
  assert_string_equal(exact, "2024-06-01T16:00:00Z");
}

static void test_rfc3339_round_trip(void **state) {
  (void)state;
  static const time_t instants[] = {
      0,
      1609933657, /* 2021-01-06T11:47:37Z */
      1709164800, /* 2024-02-29T00:00:00Z */
      1735689599, /* 2024-12-31T23:59:59Z */
      MIDNIGHT_MAR10_PLUS8,
      4102444800, /* 2100-01-01T00:00:00Z */
  };
  for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++) {
    char text[32];
    time_t parsed = -1;
    assert_int_equal(wf_rfc3339_format(instants[i], text, sizeof(text)), 0);
    assert_int_equal(wf_rfc3339_parse(text, &parsed), 0);
    assert_time_equal(parsed, instants[i]);
  }
}

/* Parses a time that must be accepted. */
static time_t parse_ok(const char *text) {
  time_t t = -1;
  if (wf_rfc3339_parse(text, &t) != 0)
    fail_msg("wf_rfc3339_parse refused \"%s\"", text);
  return t;
}

static void test_rfc3339_parse_zones_and_fractions(void **state) {
  (void)state;
  /* 2021-01-06T11:47:37Z */
  const time_t t = 1609933657;
  assert_time_equal(parse_ok("2021-01-06T11:47:37Z"), t);
  assert_time_equal(parse_ok("2021-01-06T11:47:37z"), t);
  assert_time_equal(parse_ok("2021-01-06T19:47:37+08:00"), t);
  assert_time_equal(parse_ok("2021-01-06T06:47:37-05:00"), t);
  assert_time_equal(parse_ok("2021-01-06T17:17:37+05:30"), t);
  /* Fractions of a second are dropped, not rounded. */
  assert_time_equal(parse_ok("2021-01-06T11:47:37.999Z"), t);
  assert_time_equal(parse_ok("2021-01-06T11:47:37.1+00:00"), t);
  assert_time_equal(parse_ok("2021-01-06T19:47:37.123456+08:00"), t);
  /* No zone: UTC. */
  assert_time_equal(parse_ok("2021-01-06T11:47:37"), t);
  assert_time_equal(parse_ok("2021-01-06 11:47:37Z"), t);
  /* A leap day, and a real leap second (read as the next second). */
  assert_time_equal(parse_ok("2024-02-29T00:00:00Z"), 1709164800);
  assert_time_equal(parse_ok("2016-12-31T23:59:60Z"), 1483228800);
}

static void test_rfc3339_parse_rejects_bad_text(void **state) {
  (void)state;
  static const char *const bad[] = {
      "2024-02-30T00:00:00Z",      /* no 30 February */
      "2023-02-29T00:00:00Z",      /* not a leap year */
      "2024-04-31T00:00:00Z",      /* April has 30 days */
      "2024-13-01T00:00:00Z",      /* month */
      "2024-00-01T00:00:00Z",      /* month */
      "2024-01-00T00:00:00Z",      /* day */
      "2024-01-01T24:00:00Z",      /* hour */
      "2024-01-01T00:60:00Z",      /* minute */
      "2024-01-01T00:00:61Z",      /* second */
      "garbage",                   /* */
      "2024-01-01T00:00:00+0800",  /* offset without a colon */
      "2024-01-01T00:00:00+08",    /* offset without minutes */
      "2024-01-01T00:00:00+24:00", /* offset hours */
      "2024-01-01T00:00:00Zjunk",  /* trailing text */
      "2024-01-01T00:00:00.Z",     /* empty fraction */
      "2024-01-01",                /* date only */
      "2024-01-01T00:00",          /* no seconds */
      "24-01-01T00:00:00Z",        /* two-digit year */
      "",                          /* */
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    time_t t = 42;
    if (wf_rfc3339_parse(bad[i], &t) != -1)
      fail_msg("wf_rfc3339_parse accepted \"%s\" as %lld", bad[i],
               (long long)t);
    assert_int_equal(t, 42);
  }
  time_t t = 0;
  assert_int_equal(wf_rfc3339_parse(NULL, &t), -1);
  assert_int_equal(wf_rfc3339_parse("2024-01-01T00:00:00Z", NULL), -1);
}

/* Second 60 is allowed for leap seconds, but it must not let an impossible
 * date through: the date is checked on its own. */
static void
test_rfc3339_parse_rejects_invalid_date_with_second_60(void **state) {
  (void)state;
  static const char *const bad[] = {
      "2024-02-30T00:00:60Z",
      "2023-02-29T23:59:60Z",
      "2024-04-31T10:00:60Z",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    time_t t = 42;
    if (wf_rfc3339_parse(bad[i], &t) != -1)
      fail_msg("wf_rfc3339_parse accepted \"%s\" as %lld", bad[i],
               (long long)t);
  }
}

/* Formats `t` at `offset` as "yyyy-mm-dd HH:MM:SS", which must fit. */
static const char *local_text(time_t t, int offset, char *buffer, size_t size) {
  assert_int_equal(
      wf_local_format(t, offset, "%Y-%m-%d %H:%M:%S", buffer, size), 0);
  return buffer;
}

/* Checks the local text of the instants around `midnight`, the start of
 * 2024-03-10 at `offset`: the second before is the day before, whatever
 * the UTC date; and 2024-03-10T02:00:00Z reads `at_two_utc`. */
static void check_local_midnight(time_t midnight, int offset,
                                 const char *at_two_utc) {
  char text[32];
  assert_string_equal(local_text(midnight, offset, text, sizeof(text)),
                      "2024-03-10 00:00:00");
  assert_string_equal(local_text(midnight - 1, offset, text, sizeof(text)),
                      "2024-03-09 23:59:59");
  assert_string_equal(
      local_text(MIDNIGHT_MAR10_UTC + 2 * HOUR, offset, text, sizeof(text)),
      at_two_utc);
}

static void test_local_format_around_midnight_plus_0800(void **state) {
  (void)state;
  /* One second before midnight is the day before, although the UTC date
   * (2024-03-09) is the same. */
  check_local_midnight(MIDNIGHT_MAR10_PLUS8, PLUS_0800, "2024-03-10 10:00:00");
  /* The bounds of a day as listRecord wants them. */
  char text[32];
  assert_int_equal(wf_local_format(MIDNIGHT_MAR10_PLUS8 + 4 * HOUR, PLUS_0800,
                                   "%Y-%m-%d 23:59:59", text, sizeof(text)),
                   0);
  assert_string_equal(text, "2024-03-10 23:59:59");
}

static void test_local_format_around_midnight_minus_0500(void **state) {
  (void)state;
  /* 2024-03-10T02:00:00Z is still the evening before at -05:00. */
  check_local_midnight(MIDNIGHT_MAR10_MINUS5, MINUS_0500,
                       "2024-03-09 21:00:00");
}

static void test_local_format_at_utc_and_small_buffer(void **state) {
  (void)state;
  char text[32];
  /* At offset 0 it agrees with the RFC 3339 formatter. */
  assert_int_equal(
      wf_local_format(1717257600, 0, "%Y-%m-%dT%H:%M:%SZ", text, sizeof(text)),
      0);
  assert_string_equal(text, "2024-06-01T16:00:00Z");
  /* "2024-03-10" and the NUL need 11 bytes. */
  char small[10];
  assert_int_equal(wf_local_format(MIDNIGHT_MAR10_PLUS8, PLUS_0800, "%Y-%m-%d",
                                   small, sizeof(small)),
                   -1);
  char exact[11];
  assert_int_equal(wf_local_format(MIDNIGHT_MAR10_PLUS8, PLUS_0800, "%Y-%m-%d",
                                   exact, sizeof(exact)),
                   0);
  assert_string_equal(exact, "2024-03-10");
}

static void test_local_yyyymmdd_around_midnight(void **state) {
  (void)state;
  assert_int_equal(wf_local_yyyymmdd(MIDNIGHT_MAR10_PLUS8, PLUS_0800),
                   20240310);
  assert_int_equal(wf_local_yyyymmdd(MIDNIGHT_MAR10_PLUS8 - 1, PLUS_0800),
                   20240309);
  assert_int_equal(wf_local_yyyymmdd(MIDNIGHT_MAR10_MINUS5, MINUS_0500),
                   20240310);
  assert_int_equal(wf_local_yyyymmdd(MIDNIGHT_MAR10_MINUS5 - 1, MINUS_0500),
                   20240309);
  /* One instant, 2024-03-10T02:00:00Z, on two local dates. */
  assert_int_equal(wf_local_yyyymmdd(MIDNIGHT_MAR10_UTC + 2 * HOUR, PLUS_0800),
                   20240310);
  assert_int_equal(wf_local_yyyymmdd(MIDNIGHT_MAR10_UTC + 2 * HOUR, MINUS_0500),
                   20240309);
  assert_int_equal(wf_local_yyyymmdd(MIDNIGHT_MAR10_UTC + 2 * HOUR, 0),
                   20240310);
}

static void test_local_yyyymmdd_across_new_year(void **state) {
  (void)state;
  /* 2024-12-31T20:00:00Z is already 2025 at +08:00... */
  assert_int_equal(wf_local_yyyymmdd(1735675200, PLUS_0800), 20250101);
  assert_int_equal(wf_local_yyyymmdd(1735675200, 0), 20241231);
  /* ...and 2025-01-01T03:00:00Z still 2024 at -05:00. */
  assert_int_equal(wf_local_yyyymmdd(1735700400, MINUS_0500), 20241231);
  assert_int_equal(wf_local_yyyymmdd(1735700400, 0), 20250101);
  /* A single-digit month and day keep their zeros: 2024-01-05. */
  assert_int_equal(wf_local_yyyymmdd(1704412800, 0), 20240105);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utc_offset_parse_accepts_documented_forms),
      cmocka_unit_test(test_utc_offset_parse_rejects_bad_text),
      cmocka_unit_test(test_day_start_at_plus_0800),
      cmocka_unit_test(test_day_start_at_minus_0500),
      cmocka_unit_test(test_day_start_at_utc),
      cmocka_unit_test(test_month_start_at_utc_december_to_january),
      cmocka_unit_test(test_month_start_at_plus_0800_local_month_differs),
      cmocka_unit_test(test_month_start_at_minus_0500_december_to_january),
      cmocka_unit_test(test_rfc3339_format),
      cmocka_unit_test(test_rfc3339_round_trip),
      cmocka_unit_test(test_rfc3339_parse_zones_and_fractions),
      cmocka_unit_test(test_rfc3339_parse_rejects_bad_text),
      cmocka_unit_test(test_rfc3339_parse_rejects_invalid_date_with_second_60),
      cmocka_unit_test(test_local_format_around_midnight_plus_0800),
      cmocka_unit_test(test_local_format_around_midnight_minus_0500),
      cmocka_unit_test(test_local_format_at_utc_and_small_buffer),
      cmocka_unit_test(test_local_yyyymmdd_around_midnight),
      cmocka_unit_test(test_local_yyyymmdd_across_new_year),
  };
  return cmocka_run_group_tests_name("wf_time", tests, NULL, NULL);
}
