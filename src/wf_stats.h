/**
 * collectd-workforce - src/wf_stats.h
 * SPDX-License-Identifier: MIT
 *
 * What the plugin counts about itself, per account: requests sent and
 * requests that failed after their retries, per endpoint, and calls
 * against the monthly quota.
 **/
#ifndef WF_STATS_H
#define WF_STATS_H

#include "wf_metrics.h"

#include <pthread.h>
#include <time.h>

/* Every function takes the lock: the collectors of an account count from
 * threads of their own. A zeroed wf_stats_t is ready for use (glibc's
 * PTHREAD_MUTEX_INITIALIZER is all zeros). */
typedef struct {
  pthread_mutex_t lock;
  wf_counts_t requests; /* api_requests, by endpoint */
  wf_counts_t errors;   /* api_errors, by endpoint */
  time_t quota_month;   /* start of the month quota_used counts */
  int64_t quota_used;   /* api_quota_used */
} wf_stats_t;

/* Counts one HTTP request sent to `endpoint`. */
void wf_stats_request(wf_stats_t *stats, const char *endpoint);

/* Counts one request to `endpoint` that failed after its retries. */
void wf_stats_error(wf_stats_t *stats, const char *endpoint);

/* Counts one call against the monthly quota of the month that starts at
 * `month_start`; a new month starts again from 0. */
void wf_stats_quota_call(wf_stats_t *stats, time_t month_start);

/* Calls counted in the month that starts at `month_start`. */
int64_t wf_stats_quota_used(const wf_stats_t *stats, time_t month_start);

/* The quota count as a line for a state file: "<month start> <used>\n".
 * Returns 0, or -1 when the buffer is too small. */
int wf_stats_quota_format(const wf_stats_t *stats, char *buffer, size_t size);

/* Restores the quota count from such a line. Returns 0, or -1 when the
 * line is not one (the count is then left as it was). */
int wf_stats_quota_parse(wf_stats_t *stats, const char *line);

/* Appends api_requests and api_errors rows (derive) for every endpoint
 * used so far; an endpoint without errors reads 0 errors. */
int wf_stats_to_metrics(const wf_stats_t *stats, wf_metrics_t *m);

/* The monthly quota count as it stands: the month it counts, and the
 * calls counted. */
void wf_stats_quota(const wf_stats_t *stats, time_t *month, int64_t *used);

void wf_stats_free(wf_stats_t *stats);

#endif /* WF_STATS_H */
