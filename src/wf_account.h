/**
 * collectd-workforce - src/wf_account.h
 * SPDX-License-Identifier: MIT
 *
 * One configured account at run time. Each of its collectors is a job with
 * a thread of its own (wf_account_start): it polls on its own clock, sends
 * its requests through the engine, and dispatches its values as soon as it
 * completes, so that a slow, failing, throttled or resting collector never
 * delays another, and collectd's read threads never wait on the network.
 *
 * What the jobs of an account share, and how:
 *   token      one per account (wf_token_cache_t): one fetch in flight,
 *              the others wait for its token;
 *   employees  the employee lists, read at most once per Interval by the
 *              account's roster thread when a job asks for them, and
 *              handed out page by page while they are read (wf_roster_t);
 *   counters   wf_stats_t (its own lock) and the rate limiter (its own);
 *   the rest   collector health, thresholds and the quota file, under
 *              `lock`.
 * collectd's read callback (wf_account_read) dispatches the account's own
 * health: requests, errors, the quota count and the age of each
 * collector's data.
 **/
#ifndef WF_ACCOUNT_H
#define WF_ACCOUNT_H

#include "wf_collectd.h"

#include "wf_agg.h"
#include "wf_cache.h"
#include "wf_client.h"
#include "wf_config.h"
#include "wf_http.h"
#include "wf_job.h"
#include "wf_metrics.h"
#include "wf_planner.h"
#include "wf_ratelimit.h"
#include "wf_roster.h"
#include "wf_stats.h"
#include "wf_threshold.h"

#include <pthread.h>

typedef struct wf_account_s wf_account_t;

/* One collector of an account: its thread, its own HTTP client, and its
 * health. */
typedef struct {
  wf_account_t *account;
  wf_collector_t collector;
  pthread_t thread;
  bool started;
  wf_http_t *http;
  wf_client_t client;
  c_complain_t complaint;
  time_t paused_until; /* the platform asked for a pause until then */
  wf_health_t health;  /* its failures, and what was notified */
  /* MonthlyQuota: the collector's place in the account's planner
   * (slot -1: its calls are not counted, or there is no quota), and what
   * its last poll cost. */
  wf_job_plan_t plan;
  bool plan_estimated; /* its cost was estimated once; under `lock` */
  /* Read by wf_account_read, under the account's lock. */
  cdtime_t last_success; /* 0: never */
} wf_job_t;

struct wf_account_s {
  wf_account_config_t cfg;
  cdtime_t started;
  wf_stats_t stats;
  wf_limiter_t *limiter;
  wf_token_cache_t tokens;
  wf_job_t jobs[WF_COLLECTOR_COUNT];
  size_t job_count;

  /* Jobs' health, thresholds, the quota file, and stopping. */
  pthread_mutex_t lock;
  pthread_cond_t wake; /* signalled when the account stops */
  bool stopping;
  wf_threshold_t *thresholds; /* one per <Threshold>, with its state */
  wf_planner_t planner;       /* MonthlyQuota; unused when 0 */
  bool planning;
  int64_t described_cost; /* the costs of the last "what it buys" line */
  char *quota_file;       /* wf_quota_file */
  int64_t quota_saved;
  c_complain_t quota_complaint;

  /* The employee lists, shared by headcount, attendance, signins and
   * leave: read by the roster thread, at most once per Interval, while
   * the jobs take the ids. Under `lock`. */
  wf_roster_t *roster;        /* the latest read, or NULL */
  cdtime_t roster_started;    /* when it was asked for */
  wf_roster_t *roster_wanted; /* a read the roster thread has to do */
  wf_roster_t *user_roster;   /* UserID, when set: complete from the start */
  pthread_t roster_thread;
  bool roster_running;
  wf_http_t *roster_http;
  wf_client_t roster_client;
  long long onjob_count; /* on-job ids of the last complete read; -1 */

  /* Leave types, report templates and rejected Feishu ids; each part
   * touched by one job only. */
  wf_cache_t cache;
};

/* Creates an account from a parsed configuration, which it takes over
 * (`cfg` is left empty). Returns NULL without memory. */
wf_account_t *wf_account_create(wf_account_config_t *cfg);

/* Starts the account's jobs, their requests going through `engine`.
 * Returns 0, or -1 when not one could start. */
int wf_account_start(wf_account_t *account, wf_engine_t *engine);

/* Tells the jobs to stop, without waiting for them. */
void wf_account_signal_stop(wf_account_t *account);

/* Stops the jobs and waits for their threads. */
void wf_account_stop(wf_account_t *account);

/* The read callback's work: dispatches the account's own health. */
int wf_account_read(wf_account_t *account);

/* Releases an account, once stopped; a user_data_t free function. */
void wf_account_destroy(void *account);

#endif /* WF_ACCOUNT_H */
