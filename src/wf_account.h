/**
 * collectd-workforce - src/wf_account.h
 *
 * One configured account at run time: its HTTP client, platform client,
 * statistics and the health of each collector. collectd runs an account's
 * read callback in one thread at a time, so nothing here needs a lock.
 **/
#ifndef WF_ACCOUNT_H
#define WF_ACCOUNT_H

#include "wf_collectd.h"

#include "wf_client.h"
#include "wf_config.h"
#include "wf_http.h"
#include "wf_metrics.h"
#include "wf_stats.h"
#include "wf_threshold.h"

typedef struct {
  c_complain_t complaint;
  cdtime_t last_success; /* 0: never */
  cdtime_t last_duration;
  bool ran;
  time_t paused_until; /* the platform asked for a pause until then */
  int failures;        /* polls failed in a row */
  bool notified;       /* a WARNING about this collector went out */
} wf_collector_state_t;

typedef struct {
  wf_account_config_t cfg;
  wf_http_t *http;
  wf_client_t client;
  wf_stats_t stats;
  wf_strlist_t reported_ids; /* ids already logged as invalid/unauthorized */
  /* DingTalk leave types read from the platform, when LeaveType is not
   * set, and when; read again once a day. */
  wf_pairs_t leave_types;
  time_t leave_types_read;
  /* Report templates seen in the last 30 days, and when the template
   * list was last read (once a day). */
  wf_seen_t report_templates;
  time_t report_templates_read;
  wf_collector_state_t collectors[WF_COLLECTOR_COUNT];
  cdtime_t started;
  wf_metrics_t metrics;       /* reused from poll to poll */
  wf_threshold_t *thresholds; /* one per <Threshold>, with its state */
  /* Where the monthly quota count survives a restart, and what was last
   * written there. */
  char *quota_file;
  int64_t quota_saved;
  c_complain_t quota_complaint;
} wf_account_t;

/* Creates an account from a parsed configuration, which it takes over
 * (`cfg` is left empty). Returns NULL without memory. */
wf_account_t *wf_account_create(wf_account_config_t *cfg);

/* Polls every collector of the account once and dispatches the values. */
int wf_account_poll(wf_account_t *account);

/* Releases an account; a user_data_t free function. */
void wf_account_destroy(void *account);

#endif /* WF_ACCOUNT_H */
