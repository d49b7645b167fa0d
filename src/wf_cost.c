/**
 * collectd-workforce - src/wf_cost.c
 * SPDX-License-Identifier: MIT
 **/
#include "wf_cost.h"

#include "wf_endpoint.h"

#include <string.h>

/* Users a listRecord, vacation/record/list or user_tasks/query call takes,
 * and a checkin/record/get call. Employees a queryonjob page lists. */
#define COST_BATCH ((long long)wf_endpoint(WF_EP_LIST_RECORD)->batch)
#define COST_SIGNIN_BATCH ((long long)wf_endpoint(WF_EP_CHECKIN_RECORD)->batch)
#define COST_PAGE ((long long)wf_endpoint(WF_EP_QUERYONJOB)->page_size)

/* ceil(n / batch), for n >= 0. */
static long long cost_calls(long long n, long long batch) {
  return (n <= 0) ? 0 : (n + batch - 1) / batch;
}

/* Pages of a list of n entries: an empty list still takes one call. */
static long long cost_pages(long long n) {
  return (n <= 0) ? 1 : cost_calls(n, COST_PAGE);
}

/* Calls one poll of the employee lists takes, or 5 (one a list) as a floor
 * when they were not read. */
static long long cost_employee_lists(const wf_cost_input_t *in,
                                     bool *at_least) {
  long long calls = 0;
  for (int s = 0; s < WF_HR_COUNT; s++) {
    if (in->employees[s] < 0)
      *at_least = true;
    calls += cost_pages(in->employees[s]);
  }
  return calls;
}

/* The cost of one collector a poll; `users` as in wf_cost_report_t. */
static wf_cost_t cost_collector(const wf_cost_input_t *in,
                                wf_collector_t collector, long long users) {
  bool dingtalk = in->platform == WF_PLATFORM_DINGTALK;
  wf_cost_t cost = {.collector = collector};
  switch (collector) {
  case WF_COLLECT_DEPARTURES:
    cost.per_poll = 1;
    cost.at_least = true;
    break;
  case WF_COLLECT_HEADCOUNT:
    cost.per_poll = cost_employee_lists(in, &cost.at_least);
    break;
  case WF_COLLECT_ATTENDANCE:
    cost.per_poll = cost_calls(dingtalk ? users : in->user_ids, COST_BATCH);
    cost.counted = dingtalk;
    break;
  case WF_COLLECT_SIGNINS:
    cost.per_poll = cost_calls(users, COST_SIGNIN_BATCH);
    cost.at_least = true;
    cost.counted = dingtalk;
    break;
  case WF_COLLECT_LEAVE: {
    long long types = (long long)in->leave_types;
    if (types == 0) {
      types = 1;        /* at least one type of the platform's list */
      cost.per_day = 1; /* vacation/type/list */
    }
    cost.per_poll = types * cost_calls(users, COST_BATCH);
    cost.at_least = true;
    cost.counted = dingtalk;
    break;
  }
  case WF_COLLECT_REPORTS:
    cost.per_poll = (long long)in->report_readers + 1;
    cost.per_day = 1; /* report/template/listbyuserid */
    cost.at_least = true;
    cost.counted = dingtalk;
    break;
  case WF_COLLECT_ANNOUNCEMENTS:
    cost.per_poll = 1;
    cost.at_least = true;
    cost.counted = dingtalk;
    break;
  case WF_COLLECT_LEAVE_EXPIRY:
    cost.per_poll = (long long)in->employment_ids * (long long)in->leave_types;
    break;
  }
  return cost;
}

void wf_cost_compute(const wf_cost_input_t *in, wf_cost_report_t *out) {
  memset(out, 0, sizeof(*out));
  bool dingtalk = in->platform == WF_PLATFORM_DINGTALK;
  double seconds = (double)WF_COST_MONTH_DAYS * 86400.0;
  if (in->interval > 0) {
    /* ceil(), without libm for one rounding. */
    out->polls_per_month = (long long)(seconds / in->interval);
    if ((double)out->polls_per_month * in->interval < seconds)
      out->polls_per_month++;
  }

  /* Without UserID, DingTalk reads every on-job employee. */
  bool from_list = dingtalk && in->user_ids == 0;
  out->users = in->user_ids;
  if (from_list) {
    out->users = 0;
    for (int s = 0; s < WF_HR_PREENTRY; s++)
      out->users += (in->employees[s] > 0) ? in->employees[s] : 0;
  }
  unsigned needs_users =
      WF_COLLECT_ATTENDANCE | WF_COLLECT_SIGNINS | WF_COLLECT_LEAVE;
  if (from_list && (in->collect & needs_users) &&
      !(in->collect & WF_COLLECT_HEADCOUNT)) {
    bool at_least = false;
    out->employee_list_per_poll = cost_employee_lists(in, &at_least);
  }

  for (int i = 0; i < WF_COLLECTOR_COUNT; i++) {
    wf_collector_t collector = (wf_collector_t)(1u << i);
    if (!(in->collect & collector))
      continue;
    wf_cost_t cost = cost_collector(in, collector, out->users);
    cost.per_month = cost.per_poll * out->polls_per_month +
                     cost.per_day * WF_COST_MONTH_DAYS;
    if (cost.counted) {
      out->counted_per_month += cost.per_month;
      out->counted_at_least = out->counted_at_least || cost.at_least;
    }
    out->items[out->count++] = cost;
  }
}

bool wf_cost_within(const wf_cost_report_t *report, long long quota) {
  return quota <= 0 || report->counted_per_month <= quota;
}
