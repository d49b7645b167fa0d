/**
 * collectd-workforce - src/wf_agg.h
 * SPDX-License-Identifier: MIT
 *
 * Aggregation: from platform records to metric rows. Pure logic with no
 * collectd, libcurl or json-c; the caller passes the current time and the
 * account's UTC offset, so "today" is testable at any moment.
 **/
#ifndef WF_AGG_H
#define WF_AGG_H

#include "wf_metrics.h"
#include "wf_strlist.h"

#include <stdint.h>
#include <time.h>

/* departures_today and departures_30d, by leaveReason. */
#define WF_DEPARTURE_WINDOW_DAYS 30

typedef struct {
  time_t day_start;    /* local midnight today */
  time_t day_end;      /* local midnight tomorrow */
  time_t window_start; /* local midnight, 29 days before today */
  wf_counts_t today;
  wf_counts_t window;
  int64_t skipped; /* records without a usable leaveTime */
} wf_departures_t;

/* Prepares the counters for the day that contains `now` at `utc_offset`,
 * with every documented reason at 0. Returns 0 or -1 without memory. */
int wf_departures_init(wf_departures_t *d, time_t now, int utc_offset);

/* Earliest leaveTime that can count: the start of the 30-day window. */
time_t wf_departures_window_start(const wf_departures_t *d);

/* Counts one empLeaveRecords record. `leave_time` is its RFC 3339
 * leaveTime and `reason` its leaveReason (NULL or "" reads "unknown"; a
 * value outside the documented ones keeps its own, lower-case name).
 * Records outside the window are ignored; a record without a readable
 * leaveTime is counted in `skipped`. Returns 0 or -1 without memory. */
int wf_departures_add(wf_departures_t *d, const char *leave_time,
                      const char *reason);

/* Appends departures_today and departures_30d rows. */
int wf_departures_metrics(const wf_departures_t *d, wf_metrics_t *m);

void wf_departures_free(wf_departures_t *d);

/* headcount, by HR status. */
typedef enum {
  WF_HR_PROBATION, /* queryonjob status 2 */
  WF_HR_REGULAR,   /* 3 */
  WF_HR_LEAVING,   /* 5 */
  WF_HR_NOSTATUS,  /* -1 */
  WF_HR_PREENTRY,  /* querypreentry */
  WF_HR_COUNT,
} wf_hr_status_t;

/* The type instance of a status ("probation", ...). */
const char *wf_hr_status_name(wf_hr_status_t status);

/* The queryonjob status_list value of an on-job status ("2", ...), or NULL
 * for WF_HR_PREENTRY. */
const char *wf_hr_status_code(wf_hr_status_t status);

/* Appends one headcount row per status from `counts` (indexed by
 * wf_hr_status_t). */
int wf_headcount_metrics(const int64_t counts[WF_HR_COUNT], wf_metrics_t *m);

/* checkins, checkin_locations, abnormal_checkins, abnormal_employees:
 * today's check-ins by result. DingTalk's listRecord gives a time result
 * and a location result per check-in; Feishu's user_tasks gives a
 * check-in and a check-out result per record, each counted as one
 * check-in, and no location. */
typedef enum {
  WF_CHECKINS_DINGTALK,
  WF_CHECKINS_FEISHU,
} wf_checkins_platform_t;

typedef struct {
  wf_checkins_platform_t platform;
  wf_counts_t results;         /* checkins, by lower-case time result */
  wf_counts_t locations;       /* checkin_locations (DingTalk) */
  int64_t abnormal;            /* abnormal_checkins */
  wf_strlist_t abnormal_users; /* who had at least one */
} wf_checkins_t;

/* Prepares the counters with every documented result at 0. */
int wf_checkins_init(wf_checkins_t *checkins, wf_checkins_platform_t platform);

/* Counts one DingTalk check-in. It is abnormal when its time result is not
 * Normal or its location result is Outside; a value outside the documented
 * ones keeps its own lower-case instance and is abnormal too. A missing
 * result reads "unknown". Returns 0 or -1 without memory. */
int wf_checkins_add_dingtalk(wf_checkins_t *checkins, const char *user_id,
                             const char *time_result,
                             const char *location_result);

/* Counts one Feishu check-in or check-out result. Normal, NoNeedCheck,
 * Todo and SystemCheck are normal; anything else is abnormal. A missing or
 * empty result is not a check-in and is ignored. Returns 0 or -1. */
int wf_checkins_add_feishu(wf_checkins_t *checkins, const char *user_id,
                           const char *result);

/* Appends checkins, checkin_locations (DingTalk), abnormal_checkins and
 * abnormal_employees rows. */
int wf_checkins_metrics(wf_checkins_t *checkins, wf_metrics_t *m);

void wf_checkins_free(wf_checkins_t *checkins);

/* on_leave and leave_pending of one leave type, from DingTalk's vacation
 * records. */
typedef struct {
  wf_strlist_t on_leave_users; /* approved leaves that contain now */
  int64_t pending;             /* requests awaiting approval */
} wf_leave_t;

/* Counts one vacation record at `now`. A record is a leave when its
 * leave_record_type is "leave" (quota changes are not); an approved
 * ("success") leave whose [start, end] (epoch ms) contains now puts its
 * employee on leave, counted once however many such records they have; a
 * leave with status "init" is pending. Returns 0 or -1 without memory. */
int wf_leave_add(wf_leave_t *l, time_t now, const char *user_id,
                 const char *record_type, const char *status, int64_t start_ms,
                 int64_t end_ms);

/* Employees on leave now (distinct). */
int64_t wf_leave_on_leave(wf_leave_t *l);

void wf_leave_free(wf_leave_t *l);

/* Decimal quantities such as "2.5" or "0.333333" (Feishu's leave grants),
 * as integer millionths so that sums do not drift. */
#define WF_DECIMAL_SCALE 1000000

/* Parses a decimal string with at most 6 decimals ("-1.5", "2", "0.25")
 * into millionths. Returns 0, or -1 when it is not such a number or is
 * larger than 10^12. */
int wf_decimal_parse(const char *text, int64_t *millionths);

/* Adds `n` to `*sum`. Returns 0, or -1 with `*sum` left alone when the
 * result would not fit in 64 bits: a sum of values read from answers must
 * not overflow, however large the answer makes them. */
int wf_sum_add(int64_t *sum, int64_t n);

#endif /* WF_AGG_H */
