/**
 * collectd-workforce - src/wf_time.h
 * SPDX-License-Identifier: MIT
 *
 * Calendar arithmetic at a fixed UTC offset. Every function takes the
 * current time as an argument, so "today" can be tested at any moment.
 **/
#ifndef WF_TIME_H
#define WF_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define WF_SECONDS_PER_DAY 86400

/* Parses "+08:00", "-0530", "+8", "Z" or "UTC" into seconds east of UTC.
 * Returns 0 on success, -1 when the text is not an offset between -12:00
 * and +14:00. */
int wf_utc_offset_parse(const char *text, int *offset);

/* Start of the calendar day that contains `now`, at `offset`. */
time_t wf_day_start(time_t now, int offset);

/* Start of the calendar month that contains `now`, at `offset`, and of the
 * month after it. */
time_t wf_month_start(time_t now, int offset);
time_t wf_next_month_start(time_t now, int offset);

/* Writes `t` as RFC 3339 in UTC ("2024-06-01T16:00:00Z"). Returns 0, or -1
 * when the buffer is too small. */
int wf_rfc3339_format(time_t t, char *buffer, size_t size);

/* Parses RFC 3339 ("2021-01-06T11:47:37Z", "...+08:00", fractions of a
 * second allowed and dropped). A time without a zone is read as UTC.
 * Returns 0 on success, -1 on anything else. */
int wf_rfc3339_parse(const char *text, time_t *t);

/* Writes `t` as local time at `offset` with a strftime format. Returns 0,
 * or -1 when the buffer is too small. */
int wf_local_format(time_t t, int offset, const char *format, char *buffer,
                    size_t size);

/* The local date of `t` at `offset` as the integer yyyyMMdd (Feishu). */
long wf_local_yyyymmdd(time_t t, int offset);

/* Sleeps `ms` milliseconds, whatever signals interrupt it; nothing for 0
 * or less. */
void wf_sleep_ms(long ms);

#endif /* WF_TIME_H */
