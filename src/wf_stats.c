/**
 * collectd-workforce - src/wf_stats.c
 **/
#include "wf_stats.h"

void wf_stats_request(wf_stats_t *stats, const char *endpoint) {
  wf_counts_add(&stats->requests, endpoint, 1);
  wf_counts_declare(&stats->errors, endpoint);
}

void wf_stats_error(wf_stats_t *stats, const char *endpoint) {
  wf_counts_add(&stats->errors, endpoint, 1);
  wf_counts_declare(&stats->requests, endpoint);
}

void wf_stats_quota_call(wf_stats_t *stats, time_t month_start) {
  if (stats->quota_month != month_start) {
    stats->quota_month = month_start;
    stats->quota_used = 0;
  }
  stats->quota_used++;
}

int64_t wf_stats_quota_used(const wf_stats_t *stats, time_t month_start) {
  return (stats->quota_month == month_start) ? stats->quota_used : 0;
}

int wf_stats_to_metrics(const wf_stats_t *stats, wf_metrics_t *m) {
  for (size_t i = 0; i < stats->requests.count; i++) {
    const wf_count_t *r = &stats->requests.items[i];
    if (wf_metrics_add_derive(m, "api_requests", r->name, r->count) != 0 ||
        wf_metrics_add_derive(m, "api_errors", r->name,
                              wf_counts_get(&stats->errors, r->name)) != 0)
      return -1;
  }
  return 0;
}

void wf_stats_free(wf_stats_t *stats) {
  wf_counts_free(&stats->requests);
  wf_counts_free(&stats->errors);
}
