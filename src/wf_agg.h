/**
 * collectd-workforce - src/wf_agg.h
 *
 * Aggregation: from platform records to metric rows. Pure logic with no
 * collectd, libcurl or json-c; the caller passes the current time and the
 * account's UTC offset, so "today" is testable at any moment.
 **/
#ifndef WF_AGG_H
#define WF_AGG_H

#include "wf_metrics.h"

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

#endif /* WF_AGG_H */
