/**
 * collectd-workforce - src/wf_job.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_job.h"

#include "wf_cost.h"
#include "wf_planner.h"
#include "wf_time.h"

#include <stdlib.h>

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

bool wf_job_reads_users(wf_collector_t collector) {
  unsigned readers =
      WF_COLLECT_ATTENDANCE | WF_COLLECT_SIGNINS | WF_COLLECT_LEAVE;
  return (collector & readers) != 0;
}

bool wf_job_needs_roster(wf_platform_t platform, unsigned collect,
                         bool user_ids) {
  if (platform != WF_PLATFORM_DINGTALK)
    return false;
  unsigned readers = WF_COLLECT_HEADCOUNT;
  if (!user_ids)
    readers |= WF_COLLECT_ATTENDANCE | WF_COLLECT_SIGNINS | WF_COLLECT_LEAVE;
  return (collect & readers) != 0;
}

double wf_job_plan_weight(wf_platform_t platform, wf_collector_t collector) {
  if (platform != WF_PLATFORM_DINGTALK)
    return 0;
  switch (collector) {
  case WF_COLLECT_ATTENDANCE:
    return WF_PLAN_WEIGHT_ATTENDANCE;
  case WF_COLLECT_REPORTS:
    return WF_PLAN_WEIGHT_REPORTS;
  case WF_COLLECT_LEAVE:
    return WF_PLAN_WEIGHT_LEAVE;
  case WF_COLLECT_SIGNINS:
    return WF_PLAN_WEIGHT_SIGNINS;
  case WF_COLLECT_ANNOUNCEMENTS:
    return WF_PLAN_WEIGHT_ANNOUNCEMENTS;
  default:
    return 0;
  }
}

int64_t wf_job_model_cost(const wf_account_config_t *cfg,
                          wf_collector_t collector, long long users,
                          size_t leave_types) {
  wf_cost_input_t in = {
      .platform = cfg->platform,
      .collect = collector,
      .interval = cfg->interval,
      .user_ids = (long long)cfg->user_ids.count,
      .leave_types =
          (cfg->leave_types.count > 0) ? cfg->leave_types.count : leave_types,
      .report_readers = cfg->report_readers.count,
  };
  /* The users, as on-job employees; the other lists are headcount's. */
  for (int s = 0; s < WF_HR_COUNT; s++)
    in.employees[s] = 0;
  in.employees[0] = (users > 0) ? users : 0;
  wf_cost_report_t report;
  wf_cost_compute(&in, &report);
  return (report.count > 0) ? report.items[0].per_poll : 0;
}

wf_job_fit_t wf_job_plan_fit(wf_job_plan_t *plan, int64_t cost,
                             long long quota) {
  bool was_refused = plan->refused;
  plan->refused = cost > quota;
  if (plan->refused)
    return was_refused ? WF_JOB_STILL_REFUSED : WF_JOB_REFUSED;
  return was_refused ? WF_JOB_FITS_AGAIN : WF_JOB_FITS;
}

void wf_job_plan_learn(wf_job_plan_t *plan, bool ok, int64_t calls,
                       long long users) {
  if (calls <= 0)
    return;
  if (ok) {
    plan->calls = calls;
    plan->users = users;
  } else {
    plan->calls = 0;
  }
}

bool wf_job_plan_news(int64_t told, int64_t total) {
  if (told <= 0)
    return true;
  return 10 * llabs(total - told) >= told;
}
