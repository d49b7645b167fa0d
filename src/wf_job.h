/**
 * collectd-workforce - src/wf_job.h
 * SPDX-License-Identifier: MIT
 *
 * What a collector's job decides after each poll, apart from collectd so
 * that it is unit-tested: how long to rest after a failure, when a
 * failing collector is reported and when its recovery is, and what the
 * next poll of a counted collector should cost the monthly quota, and
 * whether it may run at all. wf_account.c carries the decisions out.
 **/
#ifndef WF_JOB_H
#define WF_JOB_H

#include "wf_config.h"
#include "wf_error.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Failures in a row after which a collector that cannot reach its
 * platform is reported; refused credentials and a used-up quota are
 * reported at once. */
#define WF_FAILURES_BEFORE_WARNING 3

/* When a collector may poll again after failing with `err` at `now`, or 0
 * for its next poll: a used-up monthly quota rests it until the month
 * turns at `utc_offset`, a throttling answer for what the platform asked. */
time_t wf_job_pause_after(const wf_error_t *err, time_t now, int utc_offset);

/* A collector's health, as its notifications have told it. */
typedef struct {
  int failures;  /* polls failed in a row */
  bool notified; /* a WARNING about the collector went out */
} wf_health_t;

typedef enum {
  WF_HEALTH_QUIET,   /* nothing to say */
  WF_HEALTH_WARNING, /* the collector is failing: say so, once */
  WF_HEALTH_OKAY,    /* it works again after a WARNING */
} wf_health_event_t;

/* Records one poll: `err` NULL when it succeeded. Returns the
 * notification it calls for. */
wf_health_event_t wf_health_update(wf_health_t *health, const wf_error_t *err);

/* The counted calls the next poll of a collector should cost. `calls` and
 * `users` are its last complete poll's counted calls (0: none yet) and
 * the users it read then; `users_now` the users it reads now (-1 or 0:
 * unknown, or a collector that reads none); `model` the cost model's
 * estimate for `users_now`; `known` the planner's current estimate, which
 * a poll the budget line cut short has raised (0: none). */
int64_t wf_job_cost(int64_t calls, long long users, long long users_now,
                    int64_t model, int64_t known);

/* True when `collector` reads the users of the account (UserID, or every
 * on-job employee): attendance, sign-ins and leave. */
bool wf_job_reads_users(wf_collector_t collector);

/* True when an account collecting `collect` (wf_collector_t bits) on
 * `platform` reads DingTalk's employee lists: for headcount, and for the
 * collectors that read users when there is no UserID list
 * (`user_ids`). */
bool wf_job_needs_roster(wf_platform_t platform, unsigned collect,
                         bool user_ids);

/* The weight of `collector`'s share of MonthlyQuota (wf_planner_add), or
 * 0 when its calls are not counted. */
double wf_job_plan_weight(wf_platform_t platform, wf_collector_t collector);

/* The cost model's (wf_cost) estimate of the counted calls of one poll of
 * `collector` of the account `cfg` for `users` users (-1: unknown), with
 * `leave_types` the leave types read from the platform when LeaveType is
 * not set. */
int64_t wf_job_model_cost(const wf_account_config_t *cfg,
                          wf_collector_t collector, long long users,
                          size_t leave_types);

/* A counted collector in MonthlyQuota's planning. */
typedef struct {
  int slot;        /* its place in the planner; -1: not counted */
  long long users; /* the users its last complete poll read */
  int64_t calls;   /* that poll's counted calls; 0: none to go by */
  bool refused;    /* one poll costs more than the month allows */
} wf_job_plan_t;

typedef enum {
  WF_JOB_FITS,          /* a poll fits in the month */
  WF_JOB_FITS_AGAIN,    /* it fits again after it did not: say so */
  WF_JOB_REFUSED,       /* it does not fit: say so, once */
  WF_JOB_STILL_REFUSED, /* it still does not fit */
} wf_job_fit_t;

/* Whether a poll that costs `cost` counted calls may run under a
 * MonthlyQuota of `quota`. */
wf_job_fit_t wf_job_plan_fit(wf_job_plan_t *plan, int64_t cost,
                             long long quota);

/* Records how a poll went: `ok`, with `calls` counted calls, for `users`
 * users. A complete poll is the cost to go by; a failed one that spent
 * says nothing certain of it, and the planner's estimate goes on. */
void wf_job_plan_learn(wf_job_plan_t *plan, bool ok, int64_t calls,
                       long long users);

/* True when the costs of the collectors, `total` counted calls a poll,
 * changed by a tenth since they were last told (`told`; 0: never). */
bool wf_job_plan_news(int64_t told, int64_t total);

#endif /* WF_JOB_H */
