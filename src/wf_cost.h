/**
 * collectd-workforce - src/wf_cost.h
 * SPDX-License-Identifier: MIT
 *
 * What the collectors of one account cost: calls a poll and a month, and
 * which of them count against DingTalk's monthly call quota. Pure
 * arithmetic from the configuration and the employee counts (no collectd,
 * libcurl or json-c): collectd-workforce-check --probe prints it, and the
 * quota planner starts from it before a collector's first poll.
 *
 * Calls a poll, per collector (page sizes as the plugin asks for them):
 *   departures     at least 1 (one per 50 departures of 30 days)
 *   headcount      one per 50 employees of each of the four on-job
 *                  statuses and of the pre-entry list, at least 1 each
 *   attendance     DingTalk: ceil(users / 50); Feishu: ceil(UserIDs / 50)
 *   signins        at least ceil(users / 10) (one more per 100 sign-ins)
 *   leave          at least types x ceil(users / 50) (one more per 200
 *                  records); without LeaveType the types are unknown (at
 *                  least 1) and their list is read once a day
 *   reports        at least one per ReportReader + 1 (a page of today's
 *                  reports per 20), and the template list once a day
 *   announcements  at least 1 (a page of ids per 30) + 1 per announcement
 *   leave_expiry   EmploymentIDs x LeaveTypes
 * "users" is the UserID list, or without it (DingTalk) every on-job
 * employee, whose list is then read every poll (as headcount reads it).
 * Counted: attendance, signins, leave, reports and announcements on
 * DingTalk. Not counted: departures, headcount, and everything on Feishu.
 **/
#ifndef WF_COST_H
#define WF_COST_H

#include "wf_agg.h"
#include "wf_config.h"

#include <stdbool.h>
#include <stddef.h>

/* A month, for the monthly figures: the longest, as the quota runs per
 * calendar month. */
#define WF_COST_MONTH_DAYS 31

typedef struct {
  wf_platform_t platform;
  unsigned collect;   /* wf_collector_t bits */
  double interval;    /* seconds between polls */
  long long user_ids; /* UserID options given */
  /* DingTalk employees by HR status, as queryonjob and querypreentry
   * list them; -1 when not read. */
  long long employees[WF_HR_COUNT];
  size_t leave_types;    /* LeaveType options; 0: every type */
  size_t report_readers; /* ReportReader options */
  size_t employment_ids; /* EmploymentID values */
} wf_cost_input_t;

typedef struct {
  wf_collector_t collector;
  long long per_poll;  /* calls one poll costs */
  long long per_day;   /* calls once a day besides the polls */
  long long per_month; /* per_poll x polls + per_day x days */
  bool at_least;       /* the figures are a floor: they grow with data */
  bool counted;        /* against DingTalk's monthly quota */
} wf_cost_t;

typedef struct {
  wf_cost_t items[WF_COLLECTOR_COUNT]; /* the account's collectors */
  size_t count;
  long long users; /* whose attendance, sign-ins and leave are read */
  /* The employee list, read every poll for the collectors above when
   * there is no UserID and headcount does not read it anyway; not
   * counted. */
  long long employee_list_per_poll;
  long long polls_per_month;
  long long counted_per_month; /* counted calls of a month, summed */
  bool counted_at_least;
} wf_cost_report_t;

/* Computes the cost of every collector of `in`. */
void wf_cost_compute(const wf_cost_input_t *in, wf_cost_report_t *out);

/* True when a month of counted calls fits in `quota` (0: no limit). */
bool wf_cost_within(const wf_cost_report_t *report, long long quota);

#endif /* WF_COST_H */
