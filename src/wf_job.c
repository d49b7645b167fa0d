/**
 * collectd-workforce - src/wf_job.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_job.h"

#include "wf_time.h"

time_t wf_job_pause_after(const wf_error_t *err, time_t now, int utc_offset) {
  if (err->kind == WF_ERR_QUOTA)
    return wf_next_month_start(now, utc_offset);
  if (err->kind == WF_ERR_THROTTLED && err->retry_after > 0)
    return now + err->retry_after;
  return 0;
}

wf_health_event_t wf_health_update(wf_health_t *h, const wf_error_t *err) {
  if (err == NULL) {
    h->failures = 0;
    if (!h->notified)
      return WF_HEALTH_QUIET;
    h->notified = false;
    return WF_HEALTH_OKAY;
  }
  h->failures++;
  bool at_once = err->kind == WF_ERR_AUTH || err->kind == WF_ERR_QUOTA;
  if (h->notified || (!at_once && h->failures < WF_FAILURES_BEFORE_WARNING))
    return WF_HEALTH_QUIET;
  h->notified = true;
  return WF_HEALTH_WARNING;
}

int64_t wf_job_cost(int64_t calls, long long users, long long users_now,
                    int64_t model, int64_t known) {
  if (calls > 0) {
    /* The last complete poll, for as many users as it read then. */
    if (users <= 0 || users_now <= 0 || users_now == users)
      return calls;
    return (calls * users_now + users - 1) / users;
  }
  /* No complete poll to go by: the cost model, or what a poll the line
   * cut short taught the planner, whichever is more. */
  int64_t cost = (model > 0) ? model : 1;
  return (known > cost) ? known : cost;
}
