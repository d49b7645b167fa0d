/**
 * collectd-workforce - src/wf_job.h
 * SPDX-License-Identifier: MIT
 *
 * What a collector's job decides after each poll, apart from collectd so
 * that it is unit-tested: how long to rest after a failure, when a
 * failing collector is reported and when its recovery is, and what the
 * next poll of a counted collector should cost the monthly quota.
 * wf_account.c carries the decisions out.
 **/
#ifndef WF_JOB_H
#define WF_JOB_H

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

#endif /* WF_JOB_H */
