/**
 * collectd-workforce - src/wf_stats.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_stats.h"

#include <stdio.h>

/* The lock of a stats block; the const functions lock it too. */
static pthread_mutex_t *stats_lock(const wf_stats_t *stats) {
  return (pthread_mutex_t *)&stats->lock;
}

void wf_stats_request(wf_stats_t *stats, const char *endpoint) {
  pthread_mutex_lock(stats_lock(stats));
  wf_counts_add(&stats->requests, endpoint, 1);
  wf_counts_declare(&stats->errors, endpoint);
  pthread_mutex_unlock(stats_lock(stats));
}

void wf_stats_error(wf_stats_t *stats, const char *endpoint) {
  pthread_mutex_lock(stats_lock(stats));
  wf_counts_add(&stats->errors, endpoint, 1);
  wf_counts_declare(&stats->requests, endpoint);
  pthread_mutex_unlock(stats_lock(stats));
}

void wf_stats_quota_call(wf_stats_t *stats, time_t month_start) {
  pthread_mutex_lock(stats_lock(stats));
  if (stats->quota_month != month_start) {
    stats->quota_month = month_start;
    stats->quota_used = 0;
  }
  stats->quota_used++;
  pthread_mutex_unlock(stats_lock(stats));
}

int64_t wf_stats_quota_used(const wf_stats_t *stats, time_t month_start) {
  pthread_mutex_lock(stats_lock(stats));
  int64_t used = (stats->quota_month == month_start) ? stats->quota_used : 0;
  pthread_mutex_unlock(stats_lock(stats));
  return used;
}

void wf_stats_quota(const wf_stats_t *stats, time_t *month, int64_t *used) {
  pthread_mutex_lock(stats_lock(stats));
  *month = stats->quota_month;
  *used = stats->quota_used;
  pthread_mutex_unlock(stats_lock(stats));
}

int wf_stats_quota_format(const wf_stats_t *stats, char *buffer, size_t size) {
  time_t month;
  int64_t used;
  wf_stats_quota(stats, &month, &used);
  int n =
      snprintf(buffer, size, "%lld %lld\n", (long long)month, (long long)used);
  return (n > 0 && (size_t)n < size) ? 0 : -1;
}

int wf_stats_quota_parse(wf_stats_t *stats, const char *line) {
  long long month = 0;
  long long used = 0;
  char rest = '\0';
  if (line == NULL || sscanf(line, "%lld %lld %c", &month, &used, &rest) != 2 ||
      month < 0 || used < 0)
    return -1;
  pthread_mutex_lock(stats_lock(stats));
  stats->quota_month = (time_t)month;
  stats->quota_used = (int64_t)used;
  pthread_mutex_unlock(stats_lock(stats));
  return 0;
}

int wf_stats_to_metrics(const wf_stats_t *stats, wf_metrics_t *m) {
  int status = 0;
  pthread_mutex_lock(stats_lock(stats));
  for (size_t i = 0; status == 0 && i < stats->requests.count; i++) {
    const wf_count_t *r = &stats->requests.items[i];
    if (wf_metrics_add_derive(m, "api_requests", r->name, r->count) != 0 ||
        wf_metrics_add_derive(m, "api_errors", r->name,
                              wf_counts_get(&stats->errors, r->name)) != 0)
      status = -1;
  }
  pthread_mutex_unlock(stats_lock(stats));
  return status;
}

void wf_stats_free(wf_stats_t *stats) {
  wf_counts_free(&stats->requests);
  wf_counts_free(&stats->errors);
}
