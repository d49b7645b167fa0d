/**
 * collectd-workforce - src/wf_time.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_time.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Reads exactly `digits` decimal digits from *p and advances it. */
static int time_read_digits(const char **p, int digits, int *value) {
  int v = 0;
  for (int i = 0; i < digits; i++) {
    if (!isdigit((unsigned char)(*p)[i]))
      return -1;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += digits;
  *value = v;
  return 0;
}

int wf_utc_offset_parse(const char *text, int *offset) {
  if (text == NULL || offset == NULL)
    return -1;
  if (strcmp(text, "Z") == 0 || strcasecmp(text, "UTC") == 0) {
    *offset = 0;
    return 0;
  }

  int sign;
  if (text[0] == '+')
    sign = 1;
  else if (text[0] == '-')
    sign = -1;
  else
    return -1;

  const char *p = text + 1;
  int hours = 0;
  int minutes = 0;
  size_t hour_digits = 0;
  while (isdigit((unsigned char)p[hour_digits]))
    hour_digits++;

  if (hour_digits == 1 || hour_digits == 2) {
    /* "+8", "+08" or "+08:00" */
    if (time_read_digits(&p, (int)hour_digits, &hours) != 0)
      return -1;
    if (*p == ':') {
      p++;
      if (time_read_digits(&p, 2, &minutes) != 0)
        return -1;
    }
  } else if (hour_digits == 4) {
    /* "+0800" */
    if (time_read_digits(&p, 2, &hours) != 0 ||
        time_read_digits(&p, 2, &minutes) != 0)
      return -1;
  } else {
    return -1;
  }
  if (*p != '\0' || minutes > 59)
    return -1;

  int seconds = sign * (hours * 3600 + minutes * 60);
  if (seconds < -12 * 3600 || seconds > 14 * 3600)
    return -1;
  *offset = seconds;
  return 0;
}

/* Floor division, so that times before the epoch round down too. */
static time_t time_floor_div(time_t a, time_t b) {
  time_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

time_t wf_day_start(time_t now, int offset) {
  time_t local = now + offset;
  return time_floor_div(local, WF_SECONDS_PER_DAY) * WF_SECONDS_PER_DAY -
         offset;
}

/* First instant of the month that contains `now` at `offset`, moved by
 * `months_ahead` months. */
static time_t time_month_start(time_t now, int offset, int months_ahead) {
  time_t local = now + offset;
  struct tm tm;
  if (gmtime_r(&local, &tm) == NULL)
    return (time_t)-1;
  tm.tm_mday = 1;
  tm.tm_hour = 0;
  tm.tm_min = 0;
  tm.tm_sec = 0;
  tm.tm_mon += months_ahead;
  /* timegm normalises tm_mon past December into the next year. */
  return timegm(&tm) - offset;
}

time_t wf_month_start(time_t now, int offset) {
  return time_month_start(now, offset, 0);
}

time_t wf_next_month_start(time_t now, int offset) {
  return time_month_start(now, offset, 1);
}

int wf_rfc3339_format(time_t t, char *buffer, size_t size) {
  struct tm tm;
  if (gmtime_r(&t, &tm) == NULL)
    return -1;
  if (strftime(buffer, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    return -1;
  return 0;
}

/* Days in a month of the Gregorian calendar. */
static int time_days_in_month(int year, int month) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return (month == 2 && leap) ? 29 : days[month - 1];
}

int wf_rfc3339_parse(const char *text, time_t *t) {
  if (text == NULL || t == NULL)
    return -1;

  const char *p = text;
  struct tm tm = {0};
  int year, month, day, hour, minute, second;
  if (time_read_digits(&p, 4, &year) != 0 || *p++ != '-' ||
      time_read_digits(&p, 2, &month) != 0 || *p++ != '-' ||
      time_read_digits(&p, 2, &day) != 0)
    return -1;
  if (*p != 'T' && *p != 't' && *p != ' ')
    return -1;
  p++;
  if (time_read_digits(&p, 2, &hour) != 0 || *p++ != ':' ||
      time_read_digits(&p, 2, &minute) != 0 || *p++ != ':' ||
      time_read_digits(&p, 2, &second) != 0)
    return -1;
  if (*p == '.') {
    p++;
    if (!isdigit((unsigned char)*p))
      return -1;
    while (isdigit((unsigned char)*p))
      p++;
  }

  int offset = 0;
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    int sign = (*p == '-') ? -1 : 1;
    int oh, om;
    p++;
    if (time_read_digits(&p, 2, &oh) != 0 || *p++ != ':' ||
        time_read_digits(&p, 2, &om) != 0 || oh > 23 || om > 59)
      return -1;
    offset = sign * (oh * 3600 + om * 60);
  }
  if (*p != '\0')
    return -1;

  /* A leap second (":60") only exists as the last second of a UTC day;
   * it is read as the first second of the next. */
  if (month < 1 || month > 12 || day < 1 ||
      day > time_days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 60 || (second == 60 && (hour != 23 || minute != 59)))
    return -1;

  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  time_t utc = timegm(&tm);
  if (utc == (time_t)-1)
    return -1;
  *t = utc - offset;
  return 0;
}

int wf_local_format(time_t t, int offset, const char *format, char *buffer,
                    size_t size) {
  time_t local = t + offset;
  struct tm tm;
  if (gmtime_r(&local, &tm) == NULL)
    return -1;
  if (strftime(buffer, size, format, &tm) == 0)
    return -1;
  return 0;
}

long wf_local_yyyymmdd(time_t t, int offset) {
  time_t local = t + offset;
  struct tm tm;
  if (gmtime_r(&local, &tm) == NULL)
    return 0;
  return (tm.tm_year + 1900L) * 10000L + (tm.tm_mon + 1L) * 100L + tm.tm_mday;
}

void wf_sleep_ms(long ms) {
  if (ms <= 0)
    return;
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
  while (nanosleep(&ts, &ts) != 0)
    ;
}
