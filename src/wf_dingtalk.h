/**
 * collectd-workforce - src/wf_dingtalk.h
 *
 * The DingTalk client: endpoints, token, paging and error classification.
 * It turns answers into aggregation input and never logs personal data:
 * names and mobile numbers in answers are not even read.
 **/
#ifndef WF_DINGTALK_H
#define WF_DINGTALK_H

#include "wf_agg.h"
#include "wf_config.h"
#include "wf_error.h"
#include "wf_http.h"
#include "wf_metrics.h"
#include "wf_stats.h"
#include "wf_strlist.h"
#include "wf_token.h"

#include <time.h>

/* Sources of time: the wall clock (token expiry, "today") and a sleep for
 * the pauses between retries. Tests replace both. */
typedef time_t (*wf_clock_fn)(void);
typedef void (*wf_sleep_fn)(long milliseconds);

typedef struct {
  const wf_account_config_t *cfg;
  wf_http_t *http;
  wf_stats_t *stats;
  wf_token_t token;
  wf_clock_fn clock;
  wf_sleep_fn sleep;
} wf_dingtalk_t;

/* Prepares a client; `cfg`, `http` and `stats` stay owned by the caller
 * and must outlive it. */
void wf_dingtalk_init(wf_dingtalk_t *dt, const wf_account_config_t *cfg,
                      wf_http_t *http, wf_stats_t *stats, wf_clock_fn clock,
                      wf_sleep_fn sleep);

/* Releases the cached token. */
void wf_dingtalk_destroy(wf_dingtalk_t *dt);

/* departures: reads empLeaveRecords over the last 30 days at the
 * account's UTC offset and appends departures_today and departures_30d.
 * Returns 0, or -1 with `err` filled and nothing appended. */
int wf_dingtalk_departures(wf_dingtalk_t *dt, time_t now, wf_metrics_t *out,
                           wf_error_t *err);

/* Reads the employee lists: on-job employees by status (queryonjob 2, 3, 5,
 * -1) and pre-entry employees (querypreentry). Fills `counts` and, when
 * `onjob` is not NULL, the sorted on-job user ids. Returns 0 or -1 with
 * `err` filled. */
int wf_dingtalk_employees(wf_dingtalk_t *dt, int64_t counts[WF_HR_COUNT],
                          wf_strlist_t *onjob, wf_error_t *err);

#endif /* WF_DINGTALK_H */
